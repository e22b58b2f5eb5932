"""Publication dates from how far a text says it is into a well-known event.

"As the grinding war in Ukraine enters its second month" dates the article to the month
after the invasion began; "on the 100th day of the war in Gaza" to that day. The events
and their start dates are data (`data/reference_events.tsv`). The precision is the unit
counted: days give a day, weeks and months a month, years a year.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import cache
from importlib import resources

from eventledger.dates.timex import add_months

ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
ORDINAL = r"(?P<n>\d{1,4})(?:st|nd|rd|th)|(?P<word>" + "|".join(ORDINALS) + ")"
UNIT = r"(?P<unit>day|week|month|year)"


@cache
def reference_events() -> list[tuple[date, str]]:
    text = resources.files("eventledger.data").joinpath("reference_events.tsv").read_text("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            start, phrases = line.split("\t")
            day = date.fromisoformat(start.strip())
            out += [(day, p.strip()) for p in phrases.split("|") if p.strip()]
    return out


ENTERS = re.compile(
    rf"\s(?:enters|entered|is\s+in|was\s+in|nears|reaches)\s+its\s+(?:{ORDINAL})\s+{UNIT}\b",
    re.I,
)
OF = re.compile(rf"\b(?:{ORDINAL})\s+{UNIT}\s+(?:of|since)\s+", re.I)
WINDOW = 80  # characters searched for the event's name beside the count


@cache
def event_patterns() -> list[tuple[date, re.Pattern, re.Pattern]]:
    """Per event: its name ending a window (before "enters its") and starting one (after
    "second month of")."""
    out = []
    for start, phrase in reference_events():
        name = re.escape(phrase).replace(r"\ ", r"\s+")
        before = re.compile(rf"\b{name}\s*$", re.I)
        after = re.compile(rf"^(?:the\s+)?(?:[a-z-]+\s+)?{name}\b", re.I)
        out.append((start, before, after))
    return out


def elapsed_date(text: str) -> tuple[str, str] | None:
    """(ISO value, precision) from the first "Nth month of <event>" the text holds. The
    count is found first (rare), then the event's name beside it: one scan of the text."""
    for m in sorted([*ENTERS.finditer(text), *OF.finditer(text)], key=lambda m: m.start()):
        entering = m.re is ENTERS
        window = (
            text[max(0, m.start() - WINDOW) : m.start()]
            if entering
            else text[m.end() : m.end() + WINDOW]
        )
        for start, before, after in event_patterns():
            if (before if entering else after).search(window):
                return _count_from(start, m)
    return None


def _count_from(start: date, m: re.Match) -> tuple[str, str]:
    n = int(m.group("n")) if m.group("n") else ORDINALS[m.group("word").lower()]
    unit = m.group("unit").lower()
    if unit == "day":
        return (start + timedelta(days=n - 1)).isoformat(), "day"
    if unit == "week":
        return (start + timedelta(weeks=n - 1)).isoformat()[:7], "month"
    if unit == "month":
        return add_months(start, n - 1).isoformat()[:7], "month"
    return str(start.year + n - 1), "year"
