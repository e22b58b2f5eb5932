"""Publication dates from the corpus, and the event dates that follow from them.

An undated article about the same story as dated ones takes its date from them:
first from `dates.anchor` (its own relative clues against the dated articles nearest in
wording), accepted only when one of those anchors shares its story; else the date its
story's dated articles agree on, at that precision ("2023" when they agree only on the
year). Its events are then dated again exactly as at extraction, against the new
publication date: "on Tuesday" now means a day, or stays the year it honestly is.
"""

from __future__ import annotations

from types import SimpleNamespace

from eventledger.dates.anchor import CorpusArticle, anchor_dates
from eventledger.extract.dating import article_timexes, date_event
from eventledger.fuse.events import PRECISION_RANK

PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}


def corpus_dates(
    articles: list[dict], story_of: dict[str, str], story_dates: dict[str, str | None]
) -> dict[str, tuple[str, str]]:
    """{article id: (published, precision)} for articles the corpus dates more precisely
    than their own text did."""
    # only stories holding both a day-dated article and one without can anchor
    day_dated = {
        story_of.get(a["article_id"]) for a in articles if a.get("published_precision") == "day"
    }
    undated = {
        story_of.get(a["article_id"]) for a in articles if a.get("published_precision") != "day"
    }
    mixed = day_dated & undated
    anchored = (
        anchor_dates(
            [
                CorpusArticle(
                    a["article_id"],
                    a["text"],
                    a.get("title"),
                    a.get("published"),
                    a.get("published_precision"),
                    a.get("published_source") or "none",
                )
                for a in articles
                if story_of.get(a["article_id"]) in mixed
            ]
        )
        if mixed
        else {}
    )
    found = {}
    for a in articles:
        own = PRECISION_RANK.get(a.get("published_precision") or "", 0)
        story = story_of.get(a["article_id"])
        hit = anchored.get(a["article_id"])
        if (
            hit
            and PRECISION_RANK[hit.precision] > own
            and any(story_of.get(x) == story for x in hit.anchors)
        ):
            found[a["article_id"]] = (hit.value, hit.precision)
            continue
        shared = story_dates.get(story)
        finer = shared and PRECISION_RANK[PRECISION_OF_LENGTH[len(shared)]] > own
        if finer and shared.startswith(a.get("published") or ""):
            found[a["article_id"]] = (shared, PRECISION_OF_LENGTH[len(shared)])
    return found


def redate_events(article: dict, published: tuple[str, str], events: list[dict]) -> list[dict]:
    """The article's events dated against its new publication date; returns those whose
    date changed, as {event_id, date, date_precision, time_text}."""
    view = SimpleNamespace(
        text=article["text"], published=published[0], published_precision=published[1]
    )
    timexes = article_timexes(view)
    changed = []
    for e in events:
        start = article["text"].find(e.get("trigger") or "", e["start"], e["end"])
        if not e.get("trigger") or start < 0:
            continue
        ns = SimpleNamespace(date=None, date_precision=None, time_text=e.get("time_text"))
        date_event(ns, start, start + len(e["trigger"]), view, timexes)
        if (ns.date, ns.date_precision) != (e.get("date"), e.get("date_precision")):
            changed.append(
                {
                    "event_id": e["event_id"],
                    "date": ns.date,
                    "date_precision": ns.date_precision,
                    "time_text": ns.time_text,
                }
            )
    return changed
