"""Event dates: the date expression governing the event's trigger in its sentence and
clause, else the article's publication date (news reports current events), else none.
Precision is carried: "on Tuesday" under a year-only publication date stays a year.
An event dated by a decade ("in the early 1990s") keeps that as its `time_text` and no
date: the ledger has no decade precision, and the publication date would be wrong."""

from __future__ import annotations

from eventledger.dates.timex import Timex, event_date, find_timexes, governing_timex
from eventledger.records import Article, Event

DATE_PRECISIONS = ("day", "month", "year")


def article_timexes(article: Article) -> list[Timex]:
    """All temporal expressions of the article at once: "a day earlier" leans on the
    dates of earlier sentences."""
    return find_timexes(article.text, article.published, article.published_precision)


def date_event(event: Event, start: int, end: int, article: Article, timexes: list[Timex]) -> None:
    """Set the event's date, and `time_text`, from the timex governing text[start:end]
    (its trigger)."""
    found = governing_timex(timexes, article.text, start, end)
    if found is not None:
        event.time_text = found.text
        value = event_date(found)
        if value is not None:
            event.date, event.date_precision = value
    elif article.published and article.published_precision in DATE_PRECISIONS:
        event.date, event.date_precision = article.published, article.published_precision
