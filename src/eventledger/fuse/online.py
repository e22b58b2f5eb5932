"""Online corpus passes: placing a few new articles among the stored answers.

A full corpus pass answers anew for the whole store, and its answers do not depend on
the order articles came in. At 10k articles it takes half a minute, as long as parsing a
hundred articles, so a run that adds a day's news would cost twice its parsing. An
online pass (`corpus_stage(store, online=True)`) still finds copies, stories and dates
over the whole store (they are cheap), but places only the new articles' mentions: into
the fused events as stored (`placements`), clustering again only those they can reach
(`replayed`), and onto the canonical entities as stored (`Online`). Where a full pass
would have decided otherwise, because a new mention is the better founder of an event or
a name, the online answer stands until the next full pass; `corpus_pass` keeps those
answers few.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from eventledger.coder import coder_version, fingerprint
from eventledger.fuse.entities import People, Tally
from eventledger.fuse.events import (
    PRECISION_RANK,
    PRESUPPOSED_BY,
    ArticleInfo,
    Kept,
    block_keys,
    country,
    finer_keys,
    wider_keys,
)

if TYPE_CHECKING:
    from eventledger.fuse.corpus import CorpusResult
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


def looked_keys(mention: dict, article: ArticleInfo | None) -> list[tuple]:
    """Every block key a mention to place looks in (see `cluster_type`)."""
    kind, date = mention["type"], mention.get("date")
    countries = {country(mention.get(k)) for k in ("source", "target")} - {None}
    keys = block_keys(kind, article.story_id if article else None, date, countries)
    return keys + wider_keys(kind, date, countries) if date else keys
