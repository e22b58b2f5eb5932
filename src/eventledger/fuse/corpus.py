"""The corpus stage: everything that needs the whole store, run after the batches.

It reads articles and events, finds copies and rewrites, groups stories, dates undated
articles from their story (and their events with them) and fuses event mentions; then it
reads claims and entities and joins entity spellings. Each half's answers replace the
last pass's in one transaction. It is cheap next to parsing (LSH and blocking keep it
sub-quadratic), so it runs again over the whole store after a run, reading the dates as
coded, and its answers always reflect everything stored; a run that adds only a few
articles places their mentions among the stored answers instead (`online.py`). Per-article
work is cached in the store, so a run that adds a few articles recomputes only theirs: MinHash
signatures and word counts (`article_cache`), and the bodies and people the text names
(`mention_cache`, the people valid while the article's story knows the same names); and
so are the answers of the copy and rewrite tests, which a pair's two articles settle
(`pair_cache`). The fused events of a store's corpus are kept as Arrow rows (`FusedRows`),
not records.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import re
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from eventledger.coder import coder_version, fingerprint
from eventledger.fuse.dedup import NUM_PERM, Shingler, Text, article_signature, near_duplicates
from eventledger.fuse.entities import (
    EntityRow,
    Mention,
    Tally,
    body_of,
    canonical_entities,
)
from eventledger.fuse.events import ArticleInfo, Kept, filed_keys, fused_events, key_text
from eventledger.fuse.mentions import Person, body_mentions, known_names, person_mentions
from eventledger.fuse.pairs import Verdicts
from eventledger.fuse.redate import corpus_dates, redate_events
from eventledger.fuse.rewrites import Sentences, event_signatures, is_rewrite
from eventledger.fuse.stories import StoryIndex, StoryText, Terms, group_stories, term_counts
from eventledger.records import BatchResult, CanonicalEntity, FusedEvent, Story
from eventledger.resolve.lexicon import load_lexicon
from eventledger.store.duck import FusedRows

if TYPE_CHECKING:
    from eventledger.fuse.online import Online

PERSONISH_NORP = "PERSON?"
MENTION_LABELS = ("PERSON", "ORG", "GPE", "NORP")  # the entity rows that can be mentions
BACK_REFERENCE = {"he", "she", "the", "its"}  # "he said", "the ministry added"
STATEMENT = re.compile(r"(?:^|(?<=[.!?”\"]\s)|(?<=\n))The statement\b", re.M)
STATEMENT_REACH = 600
FUSED_CHUNK = 50_000
KEY_SCHEMA = pa.schema([("key", pa.string()), ("fused_id", pa.string())])


@dataclass
class CorpusResult:
    duplicates: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (of, kind)
    story_of: dict[str, str] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)
    fused: list[FusedEvent] | FusedRows = field(default_factory=list)
    fused_of: dict[str, str] = field(default_factory=dict)  # event id -> fused id
    fused_scope: set[str] | None = None  # online: the fused ids `fused` answers for
    fused_keys: list[pa.Table] = field(default_factory=list)  # (key, fused_id) filed under
    article_scope: set[str] | None = None  # online: the articles the answers are for
    story_scope: set[str] | None = None  # online: the stories `stories` answers for
    index: StoryIndex | None = None  # what online passes weigh words and find stories by
    entities: list[CanonicalEntity] = field(default_factory=list)
    entity_of: dict[int, str] = field(default_factory=dict)  # entities rowid -> entity id
    tallies: list[Tally] = field(default_factory=list)  # what `entities` are made from
    entity_scope: set[str] | None = None  # online: the entity ids `entities` answers for
    published: dict[str, tuple[str, str]] = field(default_factory=dict)  # from the corpus
    event_dates: list[dict] = field(default_factory=list)  # events dated anew
    timings: dict[str, float] = field(default_factory=dict)


def rank(article: dict) -> tuple:
    """Originals first: the earliest published, then the longest, then by id. (An online
    pass reads the texts' length, `size`, not every text.)"""
    size = article["size"] if "size" in article else len(article["text"])
    return (article.get("published") or "~", -size, article["article_id"])


def find_duplicates(
    articles: list[dict], cache: dict[str, dict] | None = None, verdicts: Verdicts | None = None
) -> dict[str, tuple[str, str]]:
    """Copies, from each article's cached MinHash signature (`minhash`, bytes) where it
    has one; the signatures computed anew go into `cache` by article id. `verdicts`: the
    candidate pairs checked before (`near_duplicates`)."""
    texts = [Text(a["article_id"], a["text"], rank(a)) for a in articles]
    shingle = Shingler()
    sigs = minhash_signatures(articles, shingle, cache)
    found = near_duplicates(texts, sigs, shingle, verdicts)
    return {copy: (original, "copy") for copy, original in found.items()}


def minhash_signatures(
    articles: list[dict], shingle: Shingler, cache: dict[str, dict] | None = None
) -> np.ndarray:
    """Each article's MinHash signature, a row each: cached (`minhash`, bytes, taken
    from the article) or made anew from its text and put into `cache` by article id."""
    sigs = np.zeros((len(articles), NUM_PERM), dtype=np.uint32)
    for k, a in enumerate(articles):
        if a.get("minhash") is not None:
            sigs[k] = np.frombuffer(a.pop("minhash"), dtype=np.uint32)
        else:
            sigs[k] = article_signature(a["text"], shingle)
            if cache is not None:
                cache.setdefault(a["article_id"], {})["minhash"] = sigs[k].tobytes()
    return sigs


def article_terms(article: dict, cache: dict[str, dict]) -> tuple[str, bytes]:
    """The article's word counts for stories as a `Terms` row (words, counts): cached
    (`terms`, `counts`) or counted anew."""
    if article.get("terms") is not None:
        return article.pop("terms"), article.pop("counts")
    words, counts = Terms.row(term_counts(f"{article.get('title') or ''}\n{article['text']}"))
    cache.setdefault(article["article_id"], {}).update(terms=words, counts=counts)
    return words, counts


@cache
def cache_version() -> str:
    """Cached per-article work is valid while the code that made it is unchanged."""
    here = Path(__file__).resolve().parent
    return fingerprint([here / name for name in ("minhash.py", "dedup.py", "stories.py")])


def find_rewrites(
    articles: list[dict],
    story_of: dict[str, str],
    known: dict[str, tuple[str, str]],
    signatures: dict[str, set[tuple]],
    verdicts: Verdicts | None = None,
) -> dict[str, tuple[str, str]]:
    """Within each story, an article retelling an earlier one in other words.
    `verdicts`: the pairs (earlier, later) tested before; those tested now are added."""
    verdicts = verdicts if verdicts is not None else Verdicts()
    by_story: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        if a["article_id"] not in known:
            by_story[story_of[a["article_id"]]].append(a)
    found: dict[str, tuple[str, str]] = {}
    for members in by_story.values():
        if len(members) < 2:
            continue
        members.sort(key=rank)
        sentences: dict[int, Sentences] = {}  # made for the pairs not tested before
        for i, later in enumerate(members):
            for j, earlier in enumerate(members[:i]):
                if earlier["article_id"] in found:
                    continue
                a, b = earlier["article_id"], later["article_id"]
                same = verdicts.get(a, b)
                if same is None:
                    for k in (i, j):
                        if k not in sentences:
                            sentences[k] = Sentences.of(members[k]["text"])
                    same = is_rewrite(sentences[j], sentences[i], signatures[a], signatures[b])
                    verdicts.add(a, b, same)
                if same:
                    found[later["article_id"]] = (earlier["article_id"], "rewrite")
                    break
    return found


def build_stories(articles: list[dict], story_of: dict[str, str]) -> list[Story]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for a in articles:
        groups[story_of[a["article_id"]]].append(a)
    stories = []
    for story_id, members in sorted(groups.items()):
        members.sort(key=rank)
        dates = sorted(a["published"] for a in members if a.get("published"))
        stories.append(
            Story(
                story_id=story_id,
                label=members[0].get("title") or members[0]["text"][:80],
                article_ids=[a["article_id"] for a in members],
                first_date=dates[0] if dates else None,
                last_date=dates[-1] if dates else None,
                n_articles=len(members),
            )
        )
    return stories


def common_date(dates: list[str | None]) -> str | None:
    """The longest date prefix the dated ones share ("2023-09-19" and "2023-09-20" share
    "2023-09"), if any."""
    known = [d for d in dates if d]
    if not known:
        return None
    common = known[0]
    for d in known[1:]:
        while common and not d.startswith(common):
            common = common[: max(common.rfind("-"), 0)]
    return common or None


def entity_mentions(
    entities: list[EntityRow],
    events: list[dict],
    claims: list[dict],
    articles: list[dict],
    story_of: dict[str, str] | None = None,
    cached: dict[str, tuple[str, str, str]] | None = None,
    keep: Callable[[list[dict]], None] | None = None,
    spans: Callable[[list[str]], dict[str, array]] | None = None,
    learned: list[Mention] | None = None,
) -> list[Mention]:
    """Named people and bodies from the entity table, the actors of events and claims
    (their phrases carry the country: "Azerbaijan's defense ministry"), the bodies
    written in the text ("Armenian troops"), the names NER missed (`mentions.py`), the
    body in a speaker's title ("Foreign Ministry spokeswoman …"), and the back-references
    claims resolved ("he said", "the ministry added", "The statement reiterated …").
    `cached` and `keep`: the text's mentions as cached, and those found anew, see
    `TextMentions`. `spans`: the entity spans (start, end, …) of the articles it is
    given, when `entities` holds only rows of MENTION_LABELS: the other third of a
    store's rows (dates, numbers) matter only where people are looked for anew.
    `learned`, when given, receives the people found in a text anew that its cached
    mentions lacked."""
    mentions, people = [], defaultdict(list)
    taken: dict[str, array] = defaultdict(lambda: array("i"))  # start, end, start, …
    for e in entities:
        label = e.label
        if label == "NORP" and not e.country and e.text[:1].isupper():
            label = PERSONISH_NORP
        if spans is None:
            taken[e.article_id].extend((e.start, e.start + len(e.text)))
        if label == "PERSON" and len(e.text) > 2:
            people[e.article_id].append(Person(e.start, e.start + len(e.text), e.text))
        if label == "GPE" and body_of(e.text) is None:
            continue  # a place, not a body ("the government in Baku" is one): no entity
        if label in ("PERSON", "ORG", "GPE", PERSONISH_NORP):
            mentions.append(
                Mention(e.article_id, e.text, label, e.country, e.sector, e.start, e.rowid)
            )
    story_of = story_of or {}
    story_names: dict[str, set[str]] = defaultdict(set)
    for aid, found in people.items():
        story_names[story_of.get(aid, aid)].update(p.name for p in found if " " in p.name)
    known = {story: known_names(names) for story, names in story_names.items()}
    digests = {story: names_digest(names) for story, names in known.items()}
    texts = TextMentions(cached or {}, keeping=keep is not None, learned=learned)
    if spans is not None:
        aids = (a["article_id"] for a in articles)
        stale = [aid for aid in aids if texts.stale(aid, digests.get(story_of.get(aid, aid), ""))]
        taken.update(spans(stale))
    for a in articles:
        aid = a["article_id"]
        story = story_of.get(aid, aid)
        names, digest = known.get(story, {}), digests.get(story, "")
        mentions += texts.find(a, people[aid], names, digest, taken[aid])
    if keep is not None:
        keep(texts.fresh)
    named = {aid: {p.name for p in found} for aid, found in people.items()}
    for record, roles in ((events, ("source", "target", "claimed_by")), (claims, ("speaker",))):
        for r in record:
            for role in roles:
                actor = r.get(role) or {}
                if not actor.get("name") or not (actor.get("sector") or actor.get("country")):
                    continue
                written = actor["name"]  # "Armenian Prime Minister Nikol Pashinyan": a person
                person = person_in(written, named.get(r["article_id"], set()))
                mentions.append(
                    Mention(
                        r["article_id"],
                        written,
                        "PERSON" if person else "actor",
                        actor.get("country"),
                        actor.get("sector"),
                        r["start"],
                        name=person or written,
                    )
                )
                office = person and title_body(written[: -len(person)])
                if office:  # "Foreign Ministry spokeswoman Maria Zakharova"
                    mentions.append(
                        Mention(
                            r["article_id"], office, "actor", actor.get("country"), None, r["start"]
                        )
                    )
    mentions += statement_mentions(articles, claims, named)
    for c in claims:
        written, actor = c.get("speaker_text") or "", c.get("speaker") or {}
        words = written.lower().split()
        if not words or words[0] not in BACK_REFERENCE or actor.get("name") in (None, written):
            continue
        body = body_of(written)
        if words[0] in ("he", "she"):
            name = person_in(actor["name"], named.get(c["article_id"], set())) or actor["name"]
            mentions.append(
                Mention(
                    c["article_id"],
                    written,
                    "PERSON",
                    actor.get("country"),
                    None,
                    c["start"],
                    name=name,
                )
            )
        elif body is not None and body_of(actor["name"]) in (None, body):
            # "the Foreign Ministry" the claim gave a country: Armenia's, or Baku's ministry
            mentions.append(
                Mention(
                    c["article_id"],
                    written,
                    "actor",
                    actor.get("country"),
                    actor.get("sector"),
                    c["start"],
                )
            )
    return mentions


@cache
def pair_versions() -> dict[str, str]:
    """Kept answers of a pairwise test are valid while its code and the coder that made
    the articles' text and events are unchanged."""
    here = Path(__file__).resolve().parent
    return {
        "copy": fingerprint([here / "minhash.py", here / "dedup.py"], coder_version()),
        "rewrite": fingerprint([here / "rewrites.py"], coder_version()),
    }


@cache
def mention_version() -> str:
    """Cached text mentions are valid while the code that finds them and the coder that
    made the article's entities are unchanged."""
    here = Path(__file__).resolve().parent
    return fingerprint([here / "mentions.py", here / "entities.py"], coder_version())


def names_digest(known: dict[str, set[str]]) -> str:
    """A story's known names (`known_names`), as the key of its articles' cached people."""
    names = json.dumps(sorted((first, sorted(surnames)) for first, surnames in known.items()))
    return hashlib.blake2b(names.encode(), digest_size=8).hexdigest()


class TextMentions:
    """The mentions an article's text yields beyond its entity rows: bodies
    (`body_mentions`, which depend on the text alone) and people NER missed
    (`person_mentions`, which depend also on the names the article's story knows). They
    are the slowest part of the entity pass (15 s at 10k articles), and a run that adds a
    few articles leaves most stories' names as they were, so the store keeps them
    (`mention_cache`): `cached` maps an article id to its (names digest, bodies, people),
    `fresh` collects the rows found anew when `keeping` them, and `learned`, when given,
    the people found anew that the cached ones lacked (an online pass adds them)."""

    def __init__(
        self,
        cached: dict[str, tuple[str, str, str]],
        keeping: bool = False,
        learned: list[Mention] | None = None,
    ):
        self.cached, self.keeping, self.fresh, self.learned = cached, keeping, [], learned

    def stale(self, article_id: str, digest: str) -> bool:
        """Whether `find` looks for the article's people anew."""
        return self.cached.get(article_id, (None,))[0] != digest

    def find(
        self,
        article: dict,
        people: list[Person],
        known: dict[str, set[str]],
        digest: str,
        taken: array,
    ) -> list[Mention]:
        aid, text = article["article_id"], article["text"]
        names, body, persons = self.cached.pop(aid, (None, None, None))
        if body is None:
            found = body_mentions(aid, text)
        else:
            found = [Mention(aid, *fields) for fields in json.loads(body)]
        if names == digest:
            found += [Mention(aid, *fields) for fields in json.loads(persons)]
            return found
        more = person_mentions(aid, text, people, known, taken)
        if self.learned is not None and persons is not None:
            before = {tuple(fields) for fields in json.loads(persons)}
            self.learned += [m for m in more if mention_fields(m) not in before]
        if self.keeping:
            self.fresh.append(
                {
                    "article_id": aid,
                    "version": mention_version(),
                    "names": digest,
                    "body": json.dumps([mention_fields(m) for m in found]),
                    "people": json.dumps([mention_fields(m) for m in more]),
                }
            )
        return found + more


def mention_fields(m: Mention) -> tuple:
    return (m.text, m.label, m.country, m.sector, m.start, m.row, m.name)


def statement_mentions(
    articles: list[dict], claims: list[dict], named: dict[str, set[str]]
) -> list[Mention]:
    """ "The statement reiterated …" opening a sentence: the speaker of the claim just
    before it (within STATEMENT_REACH characters), as "the ministry" is the one last named."""
    said: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        if (c.get("speaker") or {}).get("name"):
            said[c["article_id"]].append(c)
    out = []
    for a in articles:
        if a["article_id"] not in said or "The statement" not in a["text"]:
            continue
        before = sorted(said[a["article_id"]], key=lambda c: c["start"])
        for m in STATEMENT.finditer(a["text"]):
            last = next((c for c in reversed(before) if c["start"] < m.start()), None)
            if last is None or m.start() - last["start"] > STATEMENT_REACH:
                continue
            actor = last["speaker"]
            person = person_in(actor["name"], named.get(a["article_id"], set()))
            label = "PERSON" if person else "actor"
            country, sector = actor.get("country"), actor.get("sector")
            name = person or last.get("speaker_text") or actor["name"]
            out.append(
                Mention(a["article_id"], m.group(), label, country, sector, m.start(), name=name)
            )
    return out


def person_in(phrase: str, people: set[str]) -> str | None:
    """The article's person an actor phrase ends with: "Prime Minister Nikol Pashinyan"."""
    words = phrase.split()
    return next((n for k in range(len(words)) if (n := " ".join(words[k:])) in people), None)


def title_body(title: str) -> str | None:
    """The body in a person's title, without the role: "Foreign Ministry spokeswoman"."""
    words = title.split()
    if len(words) < 2 or not words[-1].islower():
        return None
    office = " ".join(words[:-1])
    return (
        office
        if body_of(office) is not None or office.lower() in load_lexicon().by_phrase
        else None
    )


def corpus_pass(
    articles: list[dict],
    events: list[dict],
    claims: list[dict],
    entities: list[EntityRow],
    compact: bool = False,
) -> CorpusResult:
    """`articles` are the coded (English) articles with their clean text. `compact`:
    keep the fused events as store rows (`FusedRows`), for a store's whole corpus.
    The four lists are emptied once used, since at 100k articles they take gigabytes."""
    result = events_pass(articles, events, compact)
    entities_pass(result, articles, events, claims, entities)
    return result


def events_pass(
    articles: list[dict],
    events: list[dict],
    compact: bool = False,
    keep: Callable[[list[dict]], None] | None = None,
    verdicts: dict[str, Verdicts] | None = None,
) -> CorpusResult:
    """Copies, rewrites, stories, corpus dates and fused events, over every article.
    `keep` receives the per-article work done anew (cache rows) as soon as it is done,
    rather than have it held through fusion: on a first pass it is 10 kB an article.
    `verdicts`: the pairwise tests' answers by test ("copy", "rewrite"), as kept and as
    found anew."""
    result = CorpusResult()
    clock = Clock(result.timings)
    verdicts = verdicts if verdicts is not None else {}
    fresh: dict[str, dict] = {}  # per-article work done anew, to cache
    result.duplicates = find_duplicates(articles, fresh, verdicts.setdefault("copy", Verdicts()))
    clock.lap("duplicates")
    items, terms = [], Terms()
    for a in articles:
        original = result.duplicates.get(a["article_id"], (None,))[0]
        published, precision = a.get("published"), a.get("published_precision")
        items.append(StoryText(a["article_id"], published, precision, original))
        terms.add(*article_terms(a, fresh))
    result.story_of, result.index = group_stories(items, terms)
    del items, terms
    if keep is not None:
        keep_fresh(keep, fresh)
        del fresh
        release_memory()  # the rows kept, about 10 kB an article on a first pass
    clock.lap("stories")
    signatures = event_signatures(events)
    result.duplicates.update(
        find_rewrites(
            articles,
            result.story_of,
            result.duplicates,
            signatures,
            verdicts.setdefault("rewrite", Verdicts()),
        )
    )
    clock.lap("rewrites")
    story_dates = date_stories(result, articles, events)
    clock.lap("dates")
    info = article_infos(articles, result.story_of, result.duplicates, story_dates)
    result.fused = FusedRows() if compact else []
    file_fused(result, fused_events(events, info), events, info, compact)
    clock.lap("fusion")
    return result


def keep_fresh(keep: Callable[[list[dict]], None], fresh: dict[str, dict]) -> None:
    version = cache_version()
    keep([{"article_id": a, "version": version, **c} for a, c in fresh.items()])


def date_stories(result: CorpusResult, articles: list[dict], events: list[dict]) -> dict:
    """The stories of `articles` (into `result`), the dates the corpus gives their
    undated articles and the events those date anew (applied to `events`); returns the
    date each story's dated articles agree on."""
    result.stories = build_stories(articles, result.story_of)
    by_id = {a["article_id"]: a for a in articles}
    story_dates = {
        s.story_id: common_date([by_id[a].get("published") for a in s.article_ids])
        for s in result.stories
    }
    result.published = corpus_dates(articles, result.story_of, story_dates)
    by_article: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        by_article[e["article_id"]].append(e)
    for aid, published in result.published.items():
        by_id[aid]["published"], by_id[aid]["published_precision"] = published
        for change in redate_events(by_id[aid], published, by_article[aid]):
            result.event_dates.append(change)
    dated_anew(events, {c["event_id"]: c for c in result.event_dates})
    return story_dates


def article_infos(
    articles: list[dict],
    story_of: dict[str, str],
    duplicates: dict[str, tuple[str, str]],
    story_dates: dict[str, str | None],
) -> dict[str, ArticleInfo]:
    return {
        a["article_id"]: ArticleInfo(
            story_id=story_of[a["article_id"]],
            original=duplicates.get(a["article_id"], (a["article_id"],))[0],
            source=a.get("source") or a.get("url") or a.get("source_path"),
            story_date=story_dates[story_of[a["article_id"]]],
        )
        for a in articles
    }


def file_fused(
    result: CorpusResult,
    fused: Iterator[FusedEvent | Kept],
    events: list[dict],
    info: dict[str, ArticleInfo],
    compact: bool,
) -> set[str]:
    """Gather the fused events made (into `result.fused`, as rows when `compact`), which
    fused event each mention is in, and the block keys each made one is filed under;
    returns the ids made."""
    by_id = {e["event_id"]: e for e in events}
    chunk: list[FusedEvent] = []
    keys, owners = [], []
    made = set()

    def flush() -> None:
        if compact:
            result.fused.add(chunk)
        else:
            result.fused += chunk
        result.fused_keys.append(pa.table({"key": keys, "fused_id": owners}, KEY_SCHEMA))
        chunk.clear(), keys.clear(), owners.clear()

    for record in fused:
        result.fused_of.update(dict.fromkeys(record.event_ids, record.fused_id))
        if isinstance(record, Kept):
            continue
        made.add(record.fused_id)
        chunk.append(record)
        for key in filed_keys([by_id[i] for i in record.event_ids], info):
            keys.append(key_text(key))
            owners.append(record.fused_id)
        if len(chunk) == FUSED_CHUNK:
            flush()
    flush()
    return made


def dated_anew(events: list[dict], redated: dict[str, dict]) -> list[dict]:
    """The events, with the dates this pass gave them (`redated`, by event id)."""
    for e in events:
        if e["event_id"] in redated:
            e["date"], e["date_precision"] = (
                redated[e["event_id"]]["date"],
                redated[e["event_id"]]["date_precision"],
            )
    return events


def entities_pass(
    result: CorpusResult,
    articles: list[dict],
    events: list[dict],
    claims: list[dict],
    entities: list[EntityRow],
    cached: dict[str, tuple[str, str, str]] | None = None,
    keep: Callable[[list[dict]], None] | None = None,
    spans: Callable[[list[str]], dict[str, array]] | None = None,
    online: Online | None = None,
) -> None:
    """Canonical entities, into `result`, from the stories `events_pass` found.
    `cached`, `keep`, `spans`: see `entity_mentions`. `online`: only the new articles'
    mentions are joined to the store's entities, and the people the other articles of
    their stories (in `articles`, with their entity rows) are found to name now that
    their stories know more names."""
    clock = Clock(result.timings)
    learned: list[Mention] | None = [] if online is not None else None
    mentions = entity_mentions(
        entities, events, claims, articles, result.story_of, cached, keep, spans, learned
    )
    for inputs in (articles, events, claims, entities):
        inputs.clear()  # the mentions hold all the rest needs; let the joining have the room
    if online is not None:  # the new articles' mentions, and people their stories taught
        mentions = [m for m in mentions if m.article_id in online.new] + [
            m for m in learned if m.article_id not in online.new
        ]
    people, stored = (online.people, online.tallies) if online else (None, None)
    result.entities, assigned, result.tallies = canonical_entities(mentions, people, stored)
    result.entity_of = {
        mentions[i].row: eid for i, eid in assigned.items() if mentions[i].row is not None
    }
    if online is not None:
        result.entity_scope = {e.entity_id for e in result.entities}
    clock.lap("entities")
    return result


class Clock:
    """Seconds per step, for the run report and the benchmark."""

    def __init__(self, into: dict[str, float]):
        self.into, self.last = into, perf_counter()

    def lap(self, name: str) -> None:
        now = perf_counter()
        self.into[name] = round(now - self.last, 3)
        self.last = now


def release_memory() -> None:
    """Give freed heap back to the system. DuckDB and Arrow allocate with their own
    allocators, so memory Python freed but glibc kept is memory DuckDB cannot use (about
    0.2 GB at 10k articles), and Arrow keeps what its tables freed until asked. The
    glibc part does nothing elsewhere."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def corpus_in_memory(batch: BatchResult) -> CorpusResult:
    """The corpus pass over one in-memory batch (the Python API): the records gain their
    `duplicate_of`, `story_id`, `fused_id` and `entity_id`."""
    coded = [a for a in batch.articles if a.status == "ok"]
    articles = [{**a.export(), "text": a.text} for a in coded]
    events = [e.export() for e in batch.events]
    claims = [c.export() for c in batch.claims]
    entities = [
        EntityRow(n, e.article_id, e.start, e.text, e.label, e.country, e.sector)
        for n, e in enumerate(batch.entities)
    ]
    result = corpus_pass(articles, events, claims, entities)
    redated = {c["event_id"]: c for c in result.event_dates}
    for a in coded:
        a.duplicate_of, a.duplicate_kind = result.duplicates.get(a.article_id, (None, None))
        a.story_id = result.story_of.get(a.article_id)
        if a.article_id in result.published:
            a.published, a.published_precision = result.published[a.article_id]
            a.published_source = "corpus"
    for e in batch.events:
        e.fused_id = result.fused_of.get(e.event_id, e.event_id)
        if e.event_id in redated:
            e.date, e.date_precision = (
                redated[e.event_id]["date"],
                redated[e.event_id]["date_precision"],
            )
    for n, e in enumerate(batch.entities):
        e.entity_id = result.entity_of.get(n)
    return result
