"""Online corpus passes: placing a few new articles among the stored answers.

A full corpus pass answers anew for the whole store, and its answers do not depend on
the order articles came in. At 10k articles it takes most of a minute, as long as
parsing a hundred articles, so a run that adds a day's news would cost twice its
parsing. An online pass (`corpus_stage(store, online=True)`, `online_events_pass`)
costs what the new articles reach instead: their copies, found exactly from their
signatures and the stored copy groups; their stories, joined to the stored ones
(`join_stories`); copies, rewrites and dates again in the stories they touch; their
mentions placed into the fused events as stored (`placements`), clustering again only
those they can reach (`replayed`, read by the block keys they are filed under); and
onto the canonical entities as stored (`Online`). Where a full pass would have decided
otherwise (a story it would group apart, a new mention the better founder of an event
or a name) the online answer stands until the next full pass; `corpus_pass` keeps those
answers few.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eventledger.coder import coder_version, fingerprint
from eventledger.fuse.corpus import (
    Clock,
    CorpusResult,
    article_infos,
    article_terms,
    cache_version,
    common_date,
    date_stories,
    file_fused,
    find_rewrites,
    keep_fresh,
    minhash_signatures,
    rank,
)
from eventledger.fuse.dedup import Shingler, Text, near_duplicates, new_candidates
from eventledger.fuse.entities import People, Tally
from eventledger.fuse.events import (
    PRESUPPOSED_BY,
    ArticleInfo,
    Kept,
    filed_keys,
    fused_events,
    key_text,
    looked_keys,
    story_of,
)
from eventledger.fuse.pairs import Verdicts
from eventledger.fuse.rewrites import event_signatures
from eventledger.fuse.stories import NUM_PERM as STORY_PERM
from eventledger.fuse.stories import (
    StoryIndex,
    StoryText,
    Terms,
    cosines,
    dated_candidates_of,
    join_stories,
    top_term_signatures,
)
from eventledger.store.duck import FusedRows

if TYPE_CHECKING:
    from eventledger.store import Store

ONLINE_SHARE = 0.05  # of a store's articles, at most this many placed online between full passes


@cache
def corpus_version() -> str:
    """Answers an online pass adds to were made by the same corpus code and coder."""
    return fingerprint(sorted(Path(__file__).resolve().parent.glob("*.py")), coder_version())


def corpus_pass(
    store: Store, run_id: str, new: int, recoded: int = 0, mode: str = "auto"
) -> str | None:
    """How the corpus stage answers after run `run_id` stored `new` coded articles (of
    which `recoded` were stored before by an older coder): "full", "online", or None
    when the stored answers stand (nothing new, and the run before finished).

    `mode` "auto" places new articles online while those placed online since the last
    full pass stay within ONLINE_SHARE of the store's articles; "online" places them
    online however many; "full" answers anew for the whole store, also when nothing is
    new but some answers were placed online. A full pass always comes after an
    unfinished run, after articles are coded again, and after the corpus code changed."""
    if not _previous_run_done(store, run_id):
        return "full"
    placed, version = _since_full_pass(store)
    if not new:
        return "full" if mode == "full" and placed else None
    if mode == "full" or recoded or version != corpus_version():
        return "full"
    (coded,) = store.con.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()
    return "online" if mode == "online" or placed + new <= ONLINE_SHARE * coded else "full"


def _previous_run_done(store: Store, run_id: str) -> bool:
    """The run before this one finished (its corpus stage ran after its last batch)."""
    row = store.con.execute(
        "SELECT status FROM runs WHERE run_id != ? ORDER BY started DESC LIMIT 1", [run_id]
    ).fetchone()
    return row is not None and row[0] == "done"


def _since_full_pass(store: Store) -> tuple[int, str | None]:
    """The articles placed online since the last full corpus pass, and that pass's
    corpus version (None for passes from before versions were kept)."""
    placed = 0
    for (summary,) in store.con.execute(
        "SELECT summary FROM runs WHERE status = 'done' ORDER BY started DESC"
    ).fetchall():
        done = json.loads(summary or "{}")
        if done.get("corpus_pass") == "online":
            placed += done["new_articles"] - done["not_english"]
        elif done.get("corpus_pass", "full") == "full":
            return placed, done.get("corpus_version")
    return placed, None


def placements(
    articles: list[dict], events: list[dict], result: CorpusResult
) -> tuple[dict[str, str], set[str]]:
    """For an online pass: the fused event each stored mention joined (`placed`), and
    the stored fused events whose records stand unless they gain mentions (`keep`).
    Mentions are placed anew when their article is new or changed story or original,
    or when they are dated otherwise than when placed. A record is made anew where a
    mention left it, and in every story an article joined or left or whose copies
    changed: a record names its story, counts sources by their originals, and takes
    denials from across its story."""
    moved = {
        a["article_id"]: a["placed_story"]
        for a in articles
        if a["placed_story"] != result.story_of[a["article_id"]]
        or a["placed_original"] != result.duplicates.get(a["article_id"], (None,))[0]
    }
    stories = {result.story_of[aid] for aid in moved} | set(moved.values())
    changed = {aid for aid, story in result.story_of.items() if story in stories}
    placed = {
        e["event_id"]: e["fused_id"]
        for e in events
        if e.get("fused_id")
        and e["article_id"] not in moved
        and (e.get("date"), e.get("date_precision")) == (e["placed_date"], e["placed_precision"])
    }
    lost = {e["fused_id"] for e in events if e.get("fused_id") and e["event_id"] not in placed}
    touched = {e["fused_id"] for e in events if e.get("fused_id") and e["article_id"] in changed}
    return placed, set(placed.values()) - lost - touched


@dataclass
class Online:
    """What an online pass's entity half joins new articles' mentions to: the store's
    people and, by key, the tallies of its entities."""

    new: set[str]  # the articles the pass places
    people: People
    tallies: Callable[[list[str]], dict[str, Tally]]


def replayed(
    events: list[dict], placed: dict[str, str], keep: set[str], info: dict[str, ArticleInfo]
) -> tuple[list[dict], list[Kept]]:
    """The mentions an online pass clusters again, and the stored fused events it leaves
    as they are. Clustered again: the mentions to place, and every stored fused event
    one of them could meet (filed under a block key it looks in), that changes (not in
    `keep`), or whose claims may assert one of those (`link_denials`). Each event is
    rebuilt from its own mentions, in the order a replay of all would give, before any
    mention is placed, so the answers are those of clustering every mention again, at
    the cost of those it can reach."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        if e["event_id"] in placed:
            groups[placed[e["event_id"]]].append(e)
    filed: dict[tuple, set[str]] = defaultdict(set)
    for fused_id, members in groups.items():
        for key in filed_keys(members, info):
            filed[key].add(fused_id)
    wanted = set(groups) - keep
    for e in events:
        if e["event_id"] not in placed:
            for key in looked_keys(e, info.get(e["article_id"])):
                wanted |= filed.get(key, set())
    for fused_id in list(wanted):
        members = groups.get(fused_id, [])
        for kind in PRESUPPOSED_BY.get(members[0]["type"] if members else "", ()):
            for e in members:
                wanted |= filed.get((kind, story_of(e, info)), set())
    again = [e for e in events if e["event_id"] not in placed or placed[e["event_id"]] in wanted]
    kept = [
        Kept(fused_id, [e["event_id"] for e in members])
        for fused_id, members in groups.items()
        if fused_id not in wanted
    ]
    return again, kept


def online_events_pass(
    store: Store, verdicts: dict[str, Verdicts], keep: Callable[[list[dict]], None]
) -> tuple[CorpusResult, list[dict]]:
    """The events half of an online pass, at the cost of what the new articles reach:
    their copies (exact: `near_duplicates` from their signatures), their stories
    (`join_stories`), the stories they change (`touched`: copies, rewrites and dates are
    found again there alone) and the fused events those hold or a new mention can meet
    (read by the block keys they are filed under). Returns the result and the articles
    of the touched stories, with their texts."""
    result = CorpusResult()
    clock = Clock(result.timings)
    articles = store.online_articles(cache_version())
    index = {a["article_id"]: k for k, a in enumerate(articles)}
    new = np.array([k for k, a in enumerate(articles) if a["placed_story"] is None], np.int64)
    fresh: dict[str, dict] = {}
    copies = online_copies(store, articles, index, new, fresh, verdicts)
    clock.lap("duplicates")
    items = [
        StoryText(
            a["article_id"], a["published"], a["published_precision"], copies.get(a["article_id"])
        )
        for a in articles
    ]
    result.story_of, result.index = online_stories(store, articles, items, new, fresh)
    keep_fresh(keep, fresh)
    clock.lap("stories")
    story_of = result.story_of
    changed = [
        a
        for a, item in zip(articles, items, strict=True)
        if a["placed_story"] != story_of[item.article_id]
        or item.original != (a["placed_original"] if a["placed_kind"] == "copy" else None)
    ]
    stories = {story_of[a["article_id"]] for a in changed} | {a["placed_story"] for a in changed}
    touched = [a for a in articles if story_of[a["article_id"]] in stories]
    missing = [a["article_id"] for a in touched if a.get("text") is None]
    texts = store.article_texts(missing)
    for a in touched:
        a["text"] = a["text"] if a.get("text") is not None else texts[a["article_id"]]
    result.article_scope = {a["article_id"] for a in touched}
    result.story_scope = stories - {None}
    events = store.coded_events("article_id", sorted(result.article_scope), placed=True)
    result.duplicates = {
        aid: (of, "copy") for aid, of in copies.items() if aid in result.article_scope
    }
    result.duplicates.update(
        find_rewrites(
            touched,
            story_of,
            result.duplicates,
            event_signatures(events),
            verdicts.setdefault("rewrite", Verdicts()),
        )
    )
    clock.lap("rewrites")
    story_dates = date_stories(result, touched, events)
    members = defaultdict(list)
    for a in articles:
        if a["article_id"] not in result.article_scope:
            members[story_of[a["article_id"]]].append(a["published"])
    story_dates.update({story: common_date(dates) for story, dates in members.items()})
    clock.lap("dates")
    stood = {  # the copies and rewrites of untouched stories, as stored
        a["article_id"]: (a["placed_original"], a["placed_kind"])
        for a in articles
        if a["placed_original"] and a["article_id"] not in result.article_scope
    }
    info = article_infos(articles, story_of, {**stood, **result.duplicates}, story_dates)
    events = reachable(store, events, touched, result, info)
    placed, stand = placements(touched, events, result)
    again, kept = replayed(events, placed, stand, info)
    result.fused = FusedRows()
    made = file_fused(
        result, chain(kept, fused_events(again, info, placed, stand)), again, info, True
    )
    stored = {e["fused_id"] for e in events if e.get("fused_id")}
    result.fused_scope = made | (stored - set(result.fused_of.values()))
    clock.lap("fusion")
    return result, touched


def online_copies(
    store: Store,
    articles: list[dict],
    index: dict[str, int],
    new: np.ndarray,
    fresh: dict[str, dict],
    verdicts: dict[str, Verdicts],
) -> dict[str, str]:
    """{copy id: original id} over the whole store, from the candidates holding a new
    article and the copies stored; texts are read only for the pairs never checked."""
    shingle = Shingler()
    sigs = minhash_signatures(articles, shingle, fresh)
    checked = verdicts.setdefault("copy", Verdicts())
    pairs = new_candidates(sigs, new)
    texts = [Text(a["article_id"], a.get("text"), rank(a)) for a in articles]
    unread = {
        texts[k].article_id
        for i, j in pairs.tolist()
        if checked.get(*sorted((texts[i].article_id, texts[j].article_id))) is None
        for k in (i, j)
        if texts[k].text is None
    }
    for aid, text in store.article_texts(sorted(unread)).items():
        texts[index[aid]].text = text
    linked = [
        (k, index[a["placed_original"]])
        for k, a in enumerate(articles)
        if a["placed_kind"] == "copy" and a["placed_original"] in index
    ]
    return near_duplicates(texts, sigs, shingle, checked, pairs, linked)


def online_stories(
    store: Store, articles: list[dict], items: list[StoryText], new: np.ndarray, fresh: dict
) -> tuple[dict[str, str], StoryIndex]:
    """The stories with the new articles joined (`join_stories`), and what the pass adds
    to the story index: the new articles' words and top-term signatures. Words are
    weighed by the corpus's document frequency as the store keeps it, counting the new
    articles in; only the candidates' word counts are read."""
    terms = Terms()
    for k in new.tolist():
        terms.add(*article_terms(articles[k], fresh))
    used = [set(words.split()) for words in terms.rows]
    added = Counter(w for words in used for w in words)
    stats = store.word_stats(sorted(added))
    stats.n += len(new)
    for word, count in added.items():
        stats.df[word] = stats.df.get(word, 0) + count
    own = terms.vectors(stats)
    sigs = np.zeros((len(articles), STORY_PERM), dtype=np.uint32)
    bars = np.full(len(articles), np.nan)
    for k, a in enumerate(articles):
        if a.get("story_signature") is not None:
            sigs[k] = np.frombuffer(a.pop("story_signature"), dtype=np.uint32)
            bars[k] = a["story_bar"]
    sigs[new] = top_term_signatures(own.matrix, own.words)
    pairs = dated_candidates_of(items, sigs, new)
    others = sorted(set(pairs.ravel().tolist()) - set(new.tolist()))
    cached = store.article_terms([articles[k]["article_id"] for k in others], cache_version())
    rows = new.tolist()
    for k in others:
        if articles[k]["article_id"] in cached:  # else it has no words that count
            terms.add(*cached[articles[k]["article_id"]])
            rows.append(k)
    unknown = {w for words in terms.rows[len(new) :] for w in words.split()} - stats.df.keys()
    more = store.word_stats(sorted(unknown))
    stats.df.update(more.df)
    stats.rarity.update(more.rarity)
    vectors = terms.vectors(stats)
    vectors.matrix.sort_indices()
    at = {k: r for r, k in enumerate(rows)}
    pairs = np.array([(i, j) for i, j in pairs.tolist() if i in at and j in at], dtype=np.int64)
    pairs = pairs.reshape(-1, 2)
    scores = cosines(vectors.matrix, np.vectorize(at.get, otypes=[np.int64])(pairs))
    placed = [a["placed_story"] for a in articles]
    story_of, found = join_stories(items, placed, pairs, scores, bars)
    ids = [articles[k]["article_id"] for k in new.tolist()]
    df = np.array([added[w] for w in own.words], dtype=np.int64)  # what the new ones add
    return story_of, StoryIndex(own.words, df, own.rarity, ids, sigs[new], found[new])


def reachable(
    store: Store,
    events: list[dict],
    touched: list[dict],
    result: CorpusResult,
    info: dict[str, ArticleInfo],
) -> list[dict]:
    """The touched articles' `events` and every stored mention an online pass may cluster
    again with them: the other mentions of their fused events, those of every fused
    event filed under a block key a mention to place looks in, and those of the claims
    that may presuppose one of those (`replayed`). A mention of an untouched article is
    dated as it was placed: its article's date stands."""
    read = {e["event_id"] for e in events}

    def add(fused_ids: set[str]) -> None:
        for e in store.coded_events("fused_id", sorted(fused_ids), placed=True):
            if e["event_id"] not in read:
                read.add(e["event_id"])
                e["date"], e["date_precision"] = e["placed_date"], e["placed_precision"]
                events.append(e)

    add({e["fused_id"] for e in events if e.get("fused_id")})
    placed, _ = placements(touched, events, result)
    looked = {
        key_text(key)
        for e in events
        if e["event_id"] not in placed
        for key in looked_keys(e, info.get(e["article_id"]))
    }
    add(store.filed(sorted(looked)))
    presupposed = {
        key_text((kind, story_of(e, info)))
        for e in events
        for kind in PRESUPPOSED_BY.get(e["type"], ())
    }
    add(store.filed(sorted(presupposed)))
    events.sort(key=itemgetter("article_id", "start", "event_id"))
    return events
