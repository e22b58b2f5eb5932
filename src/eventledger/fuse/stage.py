"""The corpus stage: the corpus pass over a store, full or online, and its answers
written back (`corpus.py` holds the full pass, `online.py` the online one)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from eventledger.fuse.corpus import (
    MENTION_LABELS,
    CorpusResult,
    cache_version,
    entities_pass,
    events_pass,
    mention_version,
    pair_versions,
    release_memory,
)
from eventledger.fuse.online import Online, online_events_pass
from eventledger.fuse.pairs import Verdicts
from eventledger.nlp.model import load_nlp


def corpus_stage(store, online: bool = False, keep_model: bool = False) -> CorpusResult:
    """Run the corpus pass over everything stored and write its answers back, in two
    transactions: the fused events are written and let go before the entities are read,
    so the two largest parts never share memory. Until the second lands the run is not
    done, and the next run does the stage again.

    `online`: place the articles no pass has placed yet (those without a story) among
    the stored answers, rather than answer anew for all (`online_events_pass`): at the
    cost of what they reach, not of the store. Copies are found exactly; new articles
    join the stored stories, and their mentions the stored fused events and entities,
    which are made anew only where they change. The answers then depend on the order
    articles came in, a little: see the README.

    The stage parses nothing, so the spaCy pipeline the batches loaded is let go first
    (its vocabulary grows with every article); the next parse loads it again. With
    `keep_model` it stays loaded: a server coding upload after upload would otherwise
    load it again for each (2 s)."""
    if not keep_model:
        load_nlp.cache_clear()
    gc.collect()
    release_memory()  # what the batches freed, before the inputs are read
    with no_cycle_collection():
        verdicts = {
            test: Verdicts(store.pair_verdicts(test, version))
            for test, version in pair_versions().items()
        }
        if online:
            result, articles = online_events_pass(store, verdicts, store.write_cache)
            new = {a["article_id"] for a in articles if a["placed_story"] is None}
        else:
            articles, events = store.corpus_inputs(cache_version())
            result = events_pass(
                articles, events, compact=True, keep=store.write_cache, verdicts=verdicts
            )
        for test, version in pair_versions().items():
            store.write_pairs(test, version, verdicts[test].fresh)
        release_memory()  # what the pass freed, before DuckDB writes
        store.write_fused(result)
        result.fused.release()  # written: their room goes to the entities
        release_memory()
        joined, members = None, None
        if online:
            stories = {result.story_of[aid] for aid in new}
            members = [aid for aid, story in result.story_of.items() if story in stories]
            articles = [a for a in articles if result.story_of[a["article_id"]] in stories]
            events = store.coded_events("article_id", sorted(new))
            joined = Online(new, store.people(), store.tallies)
        claims, entities, cached = store.entity_inputs(mention_version(), MENTION_LABELS, members)
        entities_pass(
            result,
            articles,
            events,
            claims,
            entities,
            cached,
            store.write_mentions,
            store.entity_spans,
            joined,
        )
        release_memory()
        store.write_entities(result)
    return result


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The stage makes millions of objects and no reference cycles, so Python's cycle
    collector, set off by the allocations, would only walk them all again and again: at
    10k articles that was a third of the stage's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
