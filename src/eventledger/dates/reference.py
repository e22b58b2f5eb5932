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


@cache
def patterns() -> list[tuple[date, re.Pattern]]:
    out = []
    for start, phrase in reference_events():
        event = r"(?:the\s+)?(?:[a-z-]+\s+)?" + re.escape(phrase).replace(r"\ ", r"\s+")
        verb = r"(?:enters|entered|is\s+in|was\s+in|nears|reaches)"
        enters = rf"{event}\s+{verb}\s+its\s+(?:{ORDINAL})\s+{UNIT}"
        of = rf"(?:{ORDINAL})\s+{UNIT}\s+(?:of|since)\s+{event}"
        out += [(start, re.compile(enters, re.I)), (start, re.compile(of, re.I))]
    return out


def elapsed_date(text: str) -> tuple[str, str] | None:
    """(ISO value, precision) from the first "Nth month of <event>" the text holds."""
    for start, pattern in patterns():
        m = pattern.search(text)
        if not m:
            continue
        n = int(m.group("n")) if m.group("n") else ORDINALS[m.group("word").lower()]
        unit = m.group("unit").lower()
        if unit == "day":
            return (start + timedelta(days=n - 1)).isoformat(), "day"
        if unit == "week":
            return (start + timedelta(weeks=n - 1)).isoformat()[:7], "month"
        if unit == "month":
            return add_months(start, n - 1).isoformat()[:7], "month"
        return str(start.year + n - 1), "year"
    return None
