"""Fused events: the mentions of one real-world event across sentences and articles.

Mentions are blocked by type and story, or by type, date and actor country (the exact
date, else one precision finer or coarser), so the work grows with the size of a block,
not the corpus. Within a block a mention joins the first fused event whose profile it
fits: dates agree at the coarser precision (an undated mention fits only a day-dated
event of its own story), known source and target countries agree (swapped for symmetric
types; a de-facto entity agrees with its patron), locations do not contradict (fighting
placed in a third country is other fighting), and at least one actor country is shared.
A fused event keeps every mention's date and toll side by side, who asserts it and who
denies it, and counts independent sources: copies and rewrites count once, with their
original. Its own `killed` and `injured` are the lowest figures reported, as ACLED codes
conservatively; `tolls` lists each source's figure.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from eventledger.records import FusedEvent
from eventledger.resolve.lexicon import load_lexicon

SYMMETRIC = {"ASSAULT", "AGREE", "CONSULT", "COOPERATE"}
PRECISION_RANK = {"day": 3, "month": 2, "year": 1}
STATUS_RANK = {"reported": 0, "claimed": 1, "threatened": 2, "denied": 3}


@dataclass(slots=True)
class ArticleInfo:
    story_id: str | None
    original: str  # itself, or the article it copies or rewrites
    source: str | None = None
    story_date: str | None = None  # what the story's dated articles agree on


@dataclass(slots=True)  # millions of them at 100k articles
class Cluster:
    type: str
    mentions: list[dict[str, Any]] = field(default_factory=list)
    stories: list = field(default_factory=list)  # mostly one: a list is a quarter a set's size
    source: str | None = None
    target: str | None = None
    date: str | None = None
    precision: str | None = None
    place: tuple[str, str | None] | None = None
    asserted: list[dict] = field(default_factory=list)  # claims presupposing it, see below


def country(actor: dict | None) -> str | None:
    return actor.get("country") if actor else None


def dates_agree(a: str, b: str) -> bool:
    size = min(len(a), len(b))
    return a[:size] == b[:size]


@cache
def patrons() -> dict[str, str]:
    """De-facto entity -> the state backing it (XNK -> ARM), from countries.jsonl."""
    return {e.country: e.patron for e in load_lexicon().entries if e.patron and e.country}


def same_side(x: str | None, y: str | None) -> bool:
    """Reports conflate a de-facto entity with its patron ("Armenian positions" for
    Karabakh's), so for fusion the two codes agree."""
    if x is None or y is None:
        return False
    return x == y or patrons().get(x) == y or patrons().get(y) == x


def actors_fit(cluster: Cluster, src: str | None, tgt: str | None) -> bool:
    def fits(x: str | None, y: str | None, u: str | None, v: str | None) -> bool:
        ok = (x is None or u is None or same_side(x, u)) and (
            y is None or v is None or same_side(y, v)
        )
        return ok and (same_side(x, u) or same_side(y, v))

    straight = fits(cluster.source, cluster.target, src, tgt)
    return straight or (
        cluster.type in SYMMETRIC and fits(cluster.source, cluster.target, tgt, src)
    )


def fits(cluster: Cluster, mention: dict, info: ArticleInfo | None) -> bool:
    """An undated mention may join a dated event only of its own story, and only when
    that event is dated to the day and the story's date agrees: background mentions
    ("the 2020 war", "in the early 1990s") stay apart, and a bare year is too loose to
    tell a story's news from its background."""
    date, story = mention.get("date"), info.story_id if info else None
    if date and cluster.date:
        if not dates_agree(date, cluster.date):
            return False
    elif story is None or story not in cluster.stories:
        return False
    elif date or cluster.date:
        known, precision = info.story_date, mention.get("date_precision") or cluster.precision
        if known is None or precision != "day" or not dates_agree(date or cluster.date, known):
            return False
    if not actors_fit(cluster, country(mention.get("source")), country(mention.get("target"))):
        return False
    place = specific(mention.get("location"))
    known = place and cluster.place and place.get("country") and cluster.place[1]
    if known and place["country"] != cluster.place[1]:
        return False
    return not elsewhere(cluster, mention)


def elsewhere(cluster: Cluster, mention: dict) -> bool:
    """Fighting placed in a third country, even a whole one: "its war in Ukraine" is not
    the fighting in Karabakh that a misread sentence gave the same actors. Either place
    must be a country of the other side's actors or place. (Only for fighting: the place
    read for talks, truces or blockades is too often the capital that spoke.)"""
    here = country(mention.get("location"))
    there = cluster.place[1] if cluster.place else country(cluster.mentions[0].get("location"))
    if cluster.type != "ASSAULT" or here is None or there is None:
        return False
    ours = (here, country(mention.get("source")), country(mention.get("target")))
    theirs = (there, cluster.source, cluster.target)
    return not any(same_side(here, c) for c in theirs) or not any(same_side(there, c) for c in ours)


def specific(place: dict | None) -> dict | None:
    """A location below country level: a whole country as the place says too little to
    tell two events apart."""
    if not place or not place.get("name"):
        return None
    entry = load_lexicon().by_phrase.get(place["name"].lower())
    return None if entry is not None and entry.kind == "country" else place


def absorb(cluster: Cluster, mention: dict, story: str | None) -> None:
    cluster.mentions.append(mention)
    if story and story not in cluster.stories:
        cluster.stories.append(story)
    src, tgt = country(mention.get("source")), country(mention.get("target"))
    if cluster.type in SYMMETRIC and (src == cluster.target or tgt == cluster.source):
        src, tgt = tgt, src
    cluster.source = cluster.source or src
    cluster.target = cluster.target or tgt
    rank = PRECISION_RANK.get(mention.get("date_precision") or "", 0)
    if mention.get("date") and rank > PRECISION_RANK.get(cluster.precision or "", 0):
        cluster.date, cluster.precision = mention["date"], mention["date_precision"]
    place = specific(mention.get("location"))
    if place and cluster.place is None:
        cluster.place = (place.get("name"), place.get("country"))


def quality(mention: dict) -> tuple:
    """Most informative mentions first: they shape the profile the others must fit."""
    return (
        -PRECISION_RANK.get(mention.get("date_precision") or "", 0),
        -sum(country(mention.get(k)) is not None for k in ("source", "target")),
        STATUS_RANK.get(mention.get("status") or "", 0),
        -(mention.get("confidence") or 0.0),
        mention["event_id"],
    )


def block_keys(kind: str, story: str | None, date: str | None, countries: set) -> list[tuple]:
    """Where a mention looks for its event, and where an event is filed: its story, and
    across stories its exact date with each actor country it names. Across stories,
    dates must therefore agree at the same precision (but see `wider_keys`); within a
    story they need only agree at the coarser one."""
    keys = [(kind, story)] if story else []
    if date:
        keys += [(kind, date, c) for c in sorted(countries)]
    return keys


def coarser(date: str) -> str | None:
    """The date one precision up: "2020-09" -> "2020"."""
    return date.rsplit("-", 1)[0] if "-" in date else None


def finer_keys(kind: str, date: str | None, countries: set) -> list[tuple]:
    """Where an event is also filed: under the date one precision above its own."""
    up = coarser(date) if date else None
    return [("finer", kind, up, c) for c in sorted(countries)] if up else []


def wider_keys(kind: str, date: str, countries: set) -> list[tuple]:
    """Where a mention looks when its story and exact date hold no event for it: events
    of other stories dated one precision finer or coarser ("the 2020 war" and "since
    hostilities began in late September" 2020). Two levels apart (a year and a day) stay
    apart: a day names an incident, a year a war."""
    up = coarser(date)
    keys = [("finer", kind, date, c) for c in sorted(countries)]
    return keys + [(kind, up, c) for c in sorted(countries)] if up else keys


def story_of(mention: dict, info: dict[str, ArticleInfo]) -> str | None:
    article = info.get(mention["article_id"])
    return article.story_id if article else None


def filed_keys(members: list[dict], info: dict[str, ArticleInfo]) -> set[tuple]:
    """Every block key (`block_keys`, `finer_keys`) the fused event rebuilt from
    `members` can be filed under as it grows: its type with each member's story, and with
    its date and each country a member names. It takes its date from the first of its
    mentions dated most precisely, so each of those dates stands in for it. (A loop, not
    calls: it runs for every stored fused event.)"""
    kind = members[0]["type"]
    keys, countries, dates, best = set(), set(), set(), 0
    for e in members:
        article = info.get(e["article_id"])
        if article is not None and article.story_id:
            keys.add((kind, article.story_id))
        for role in ("source", "target"):
            if (actor := e.get(role)) and (code := actor.get("country")):
                countries.add(code)
        if date := e.get("date"):
            rank = PRECISION_RANK.get(e.get("date_precision") or "", 0)
            if rank > best:
                best, dates = rank, {date}
            elif rank == best:
                dates.add(date)
    for date in dates if best else ():
        keys.update(block_keys(kind, None, date, countries) + finer_keys(kind, date, countries))
    return keys


def key_text(key: tuple) -> str:
    """A block key as the store keeps it (`fused_keys`)."""
    return "\t".join(map(str, key))


def looked_keys(mention: dict, article: ArticleInfo | None) -> list[tuple]:
    """Every block key a mention to place looks in (see `cluster_type`)."""
    kind, date = mention["type"], mention.get("date")
    countries = {country(mention.get(k)) for k in ("source", "target")} - {None}
    keys = block_keys(kind, article.story_id if article else None, date, countries)
    return keys + wider_keys(kind, date, countries) if date else keys


def cluster_events(
    events: list[dict], articles: dict[str, ArticleInfo], placed: dict[str, str] | None = None
) -> list[Cluster]:
    """Clusters in the order their first mentions come by `quality`. Every block key
    holds the type, so each type is clustered alone and its blocks are freed after it.

    `placed` (online passes): the fused event each mention already joined, by event id.
    Those mentions go first and rebuild their events as they were; the rest then look
    for a home among them as in a full pass, so a few new mentions cost a few searches."""
    placed = placed or {}
    by_type: dict[str, list[dict]] = defaultdict(list)
    for mention in sorted(events, key=lambda m: (m["event_id"] not in placed, quality(m))):
        by_type[mention["type"]].append(mention)
    clusters = []
    while by_type:
        clusters += cluster_type(by_type.popitem()[1], articles, placed)
    clusters.sort(key=lambda c: quality(c.mentions[0]))
    return clusters


def cluster_type(
    events: list[dict], articles: dict[str, ArticleInfo], placed: dict[str, str] | None = None
) -> list[Cluster]:
    """The clusters of one type's mentions, given best first (`placed`: see
    `cluster_events`)."""
    placed = placed or {}
    clusters: list[Cluster] = []
    blocks: dict[tuple, dict[int, None]] = defaultdict(dict)  # key -> cluster indices, in order
    rebuilt: dict[str, int] = {}  # a placed fused event -> its cluster's index
    for mention in events:
        info = articles.get(mention["article_id"])
        story = info.story_id if info else None
        kind, date = mention["type"], mention.get("date")
        countries = {country(mention.get(k)) for k in ("source", "target")} - {None}
        home = rebuilt.get(placed[mention["event_id"]]) if mention["event_id"] in placed else None
        if home is None and mention["event_id"] not in placed:
            seen: dict[int, None] = {}
            for key in block_keys(kind, story, date, countries):
                seen.update(blocks.get(key, {}))
            home = next((k for k in sorted(seen) if fits(clusters[k], mention, info)), None)
            if home is None and date:
                wider: dict[int, None] = {}
                for key in wider_keys(kind, date, countries):
                    wider.update(blocks.get(key, {}))
                home = next((k for k in sorted(wider) if fits(clusters[k], mention, info)), None)
        if home is None:
            home = len(clusters)
            clusters.append(Cluster(type=kind))
            if mention["event_id"] in placed:
                rebuilt[placed[mention["event_id"]]] = home
        cluster = clusters[home]
        absorb(cluster, mention, story)
        ids = {cluster.source, cluster.target} - {None}
        for key in block_keys(kind, story, cluster.date, ids) + finer_keys(kind, cluster.date, ids):
            blocks[key][home] = None
    return clusters


def fused_record(cluster: Cluster, articles: dict[str, ArticleInfo]) -> FusedEvent:
    best = cluster.mentions[0]
    article_ids = sorted({m["article_id"] for m in cluster.mentions})
    originals = {articles[a].original if a in articles else a for a in article_ids}
    asserted, denied, reported = list(cluster.asserted), [], False
    for m in cluster.mentions:
        status, by = m.get("status"), m.get("claimed_by")
        if status == "denied" and by and by not in denied:
            denied.append(by)
        elif status == "claimed" and by and by not in asserted:
            asserted.append(by)
        reported = reported or status == "reported"
    if denied and (asserted or reported):
        status = "contested"
    elif denied:
        status = "denied"
    elif reported:
        status = "reported"
    else:
        status = best.get("status") or "reported"
    tolls = [
        {
            "killed": m.get("killed"),
            "injured": m.get("injured"),
            "event_id": m["event_id"],
            "article_id": m["article_id"],
            "claimed_by": m.get("claimed_by"),
        }
        for m in cluster.mentions
        if m.get("killed") is not None or m.get("injured") is not None
    ]
    dates: dict[tuple, list[str]] = defaultdict(list)
    for m in cluster.mentions:
        if m.get("date"):
            dates[(m["date"], m.get("date_precision"))].append(m["article_id"])
    sources = sorted(
        {articles[a].source for a in article_ids if a in articles and articles[a].source}
    )
    top = max((m.get("confidence") or 0.0) for m in cluster.mentions)
    return FusedEvent(
        fused_id=best["event_id"],
        type=cluster.type,
        sentence=best["sentence"],
        story_id=_majority(articles[a].story_id for a in article_ids if a in articles),
        mode=next((m["mode"] for m in cluster.mentions if m.get("mode")), None),
        source=next((m["source"] for m in cluster.mentions if country(m.get("source"))), None)
        or best.get("source"),
        target=next((m["target"] for m in cluster.mentions if country(m.get("target"))), None)
        or best.get("target"),
        date=cluster.date,
        date_precision=cluster.precision,
        location=next((m["location"] for m in cluster.mentions if m.get("location")), None),
        killed=min((t["killed"] for t in tolls if t["killed"] is not None), default=None),
        injured=min((t["injured"] for t in tolls if t["injured"] is not None), default=None),
        status=status,
        asserted_by=asserted,
        denied_by=denied,
        tolls=tolls,
        dates=[
            {"date": d, "precision": p, "article_ids": sorted(set(ids))}
            for (d, p), ids in sorted(dates.items())
        ],
        event_ids=[m["event_id"] for m in cluster.mentions],
        article_ids=article_ids,
        sources=sources,
        independent_sources=len(originals),
        confidence=round(min(0.99, top + 0.1 * (len(originals) - 1)), 3),
    )


def _majority(values) -> str | None:
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        if v:
            counts[v] += 1
    return max(sorted(counts), key=counts.__getitem__) if counts else None


# A claimed withdrawal of a party's forces says the forces are there: it asserts the
# presence (MOBILIZE) that the party may deny.
PRESUPPOSED_BY = {"MOBILIZE": ("RETREAT",)}


def link_denials(clusters: list[Cluster], articles: dict[str, ArticleInfo]) -> None:
    """A denial links to the claim it answers anywhere in its story, not only to mentions
    of the same type: Baku's stated aim to "withdraw formations of the Armed Forces of
    Armenia" asserts the troops that Armenia denies having, so that party is added to
    the denied event's `asserted` (and the fused event becomes contested)."""

    def story(mention: dict) -> str:
        info = articles.get(mention["article_id"])
        return (info.story_id if info else None) or mention["article_id"]

    by_story: dict[str, list[dict]] = defaultdict(list)
    for cluster in clusters:
        for m in cluster.mentions:
            by_story[story(m)].append(m)
    for cluster in clusters:
        kinds = PRESUPPOSED_BY.get(cluster.type, ())
        denials = [m for m in cluster.mentions if m.get("status") == "denied"]
        if not kinds or not denials or cluster.source is None:
            continue
        for m in (m for key in {story(d) for d in denials} for m in by_story[key]):
            by, date = m.get("claimed_by"), m.get("date")
            if m["type"] not in kinds or m.get("status") != "claimed" or not by:
                continue
            if same_side(country(by), cluster.source) or by in cluster.asserted:
                continue
            forces = (country(m.get(role)) for role in ("source", "target"))
            if any(same_side(c, cluster.source) for c in forces) and (
                not date or not cluster.date or dates_agree(date, cluster.date)
            ):
                cluster.asserted.append(by)


def fuse_events(events: list[dict], articles: dict[str, ArticleInfo]) -> list[FusedEvent]:
    """Fused events; each mention's `fused_id` is the id of the fused event holding it."""
    return list(fused_events(events, articles))


class Kept(NamedTuple):
    """A fused event an online pass leaves as stored: its id and mentions, no record."""

    fused_id: str
    event_ids: list[str]


def fused_events(
    events: list[dict],
    articles: dict[str, ArticleInfo],
    placed: dict[str, str] | None = None,
    keep: set[str] | frozenset = frozenset(),
) -> Iterator[FusedEvent | Kept]:
    """The fused events one at a time, each cluster let go once its record is made.
    Online passes (`placed`, see `cluster_events`) name in `keep` the stored fused events
    whose record stands if they gain no mention; those come as `Kept`."""
    placed = placed or {}
    clusters = cluster_events(events, articles, placed)
    link_denials(clusters, articles)
    for k, cluster in enumerate(clusters):
        clusters[k] = None
        first = cluster.mentions[0]["event_id"]
        if (
            first in keep
            and placed.get(first) == first
            and all(m["event_id"] in placed for m in cluster.mentions)
        ):
            yield Kept(first, [m["event_id"] for m in cluster.mentions])
        else:
            yield fused_record(cluster, articles)
