"""Publication date of an article inferred from its text, with an honest precision.

Clues, strongest first:
- stamps: a full date in the article's header zone written as a stamp (with a clock
  time, a "|" separator, "Last updated ...") or after "Updated", "Published", "Posted";
  a dateline with its date ("KHERSON, Ukraine, Dec 24 (Reuters) -") whose year comes
  from another clue.
- embedded posts: "— Name (@handle) October 14, 2020": the article is not older than
  its newest post, and news refers to the last few days by weekday, so a post whose
  weekday the text also names ("told reporters Wednesday") dates the article to the day.
- reader comments and print notes left in the scrape ("March 19, 2011 at 11:03 am |
  Report abuse", "At 12:19 26th Apr 2009, name wrote:", "This article appeared on p16
  of the Guardian on 11.43 BST on Thursday 28 July 2005"): the first one is on the
  publication day or within a day or two after it (Timeline17: 79% the day itself, 98%
  within 7 days), so the day is claimed only when nothing better dates the article.
- copyright lines: "©2023 Bloomberg L.P." gives the year.
- how far the text says it is into a well-known event ("as the war in Ukraine enters its
  second month", `dates/reference.py`), the month or day when it agrees with the
  copyright year.
- the running text alone is not enough: its latest explicit date is as often a past
  event ("September 11, 2001") as the day of writing, and news leaves the year out of
  this year's dates. It only supplies a dateline's year (a full date at most two months
  before the dateline) and the weekdays that confirm a post's day.

Never more precise than the clues allow: a year is a year; nothing comes back when the
text gives no date of its own. `estimate_published` also says which clue was used.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from eventledger.dates.reference import elapsed_date
from eventledger.dates.timex import MONTH, Timex, find_timexes, month_number

HEADER_CHARS = 300
DATELINE_CHARS = 600
STAMP_WORDS = re.compile(
    r"\b(?:updated|published|posted|first\s+published|last\s+updated|last\s+modified|date)"
    r"\s*(?:on|at)?\s*:?\s*$",
    re.I,
)
COPYRIGHT = re.compile(
    r"(?:©|\(c\)|&copy;|\bcopyright\b)\s*(?:©\s*)?(?:(\d{4})\s*[-–]\s*)?((?:19|20)\d{2})(?!\d)",
    re.I,
)
POST = re.compile(
    rf"[—–-]\s*[^()\n]{{1,80}}\(@\w{{1,30}}\)\s*(?P<date>{MONTH}\s*\d{{1,2}},?\s*\d{{4}})"
)
AGENCY = r"(?:\(|-LRB-)\s*[A-Z][\w .&/-]{1,30}(?:\)|-RRB-)"
DATELINE_AFTER = re.compile(rf"\s*(?:{AGENCY})?\s*[-—–:]")
CLOCK_NEAR = re.compile(
    r"^\s*[-,|;:]?\s*(?:at\s+)?\d{1,2}[:.]\d{2}|^\s*\||^\s*;\s*Page\b|^\s*Last updated", re.I
)
CLOCK_BEFORE = re.compile(
    r"\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?|GMT|BST|UTC|ET|UK time)?\s*,?\s*(?:on\s+)?"
    r"(?:[A-Z][a-z]+day\s*,?\s*)?$",
    re.I,
)
OPENING_AFTER = re.compile(r"\s*(?:$|\n|[|;]|[-–—]\s*\d|By\b|Last updated)", re.I)
COMMENT_MARK = re.compile(r"Report abuse|\bReply\b|\bwrote:|Posted by|appeared on p\d+\b", re.I)
CLOCK = re.compile(r"\d{1,2}[:.]\d{2}")
YEAR_DIGITS = re.compile(r"(?:19|20)\d\d")
MAX_COMMENTS = 5
SHORT_YEAR_STAMP = re.compile(
    rf"(?<!\d)(?P<d>[0-3]?\d)\s+(?P<mon>{MONTH})\s+(?P<yy>\d\d)\s+\d{{1,2}}[:.]\d\d\b"
)


@dataclass
class Clue:
    """A dated clue: `kind` says where it came from, `day` is set when it names a day."""

    kind: str
    year: int
    day: date | None = None


# ---------------------------------------------------------------------------- clues


def full_date(tx: Timex) -> date | None:
    """The day of an explicit day-precision date or date-time, else None."""
    if tx.precision != "day" or not tx.value or not re.match(r"\d{4}-\d\d-\d\d", tx.value):
        return None
    y, m, d = (int(p) for p in tx.value[:10].split("-"))
    return date(y, m, d)


def stamp_in(text: str, header: bool) -> date | None:
    """A full date written as a stamp: with a clock time or a "|" next to it, after
    "Updated"/"Published", or (in a header zone) opening the text."""
    for tx in find_timexes(text, None, None):
        day = full_date(tx)
        if day is None:
            continue
        before, after = text[max(0, tx.start - 40) : tx.start], text[tx.end : tx.end + 40]
        if tx.type == "TIME" or STAMP_WORDS.search(before) or CLOCK_NEAR.match(after):
            return day
        if CLOCK_BEFORE.search(before):  # "Jane Roe | 10:39 UK time, Friday, 6 August 2010"
            return day
        if re.search(r"\|\s*$", before):
            return day
        if header and opens_line(text, tx) and OPENING_AFTER.match(after):
            return day
    return short_year_stamp(text) if header else None


def opens_line(text: str, tx: Timex) -> bool:
    """The date opens the text or a line of it (a dated header, not running text)."""
    return not text[: tx.start].strip(" -|") or bool(re.search(r"\n\s*$", text[: tx.start]))


def short_year_stamp(text: str) -> date | None:
    """ "27 January 12 15:06 GMT": day, month, two-digit year and a clock time."""
    m = SHORT_YEAR_STAMP.search(text)
    if not m:
        return None
    try:
        return date(2000 + int(m["yy"]), month_number(m["mon"]), int(m["d"]))
    except ValueError:
        return None


def stamps(text: str, removed: list[str], title: str | None) -> list[Clue]:
    """Stamps from the junk lines the cleaner took out, the title and the header zone."""
    found = []
    for line in [*removed, title or ""]:
        day = stamp_in(line, header=True) or (line in removed and byline_date(line))
        if day:
            found.append(Clue("stamp", day.year, day))
    day = stamp_in(text[:HEADER_CHARS], header=True)
    if day:
        found.append(Clue("stamp", day.year, day))
    for m in re.finditer(r"(?im)^\s*(?:updated|published|posted|last updated)\b[^\n]{0,80}", text):
        day = stamp_in(m.group(0), header=True)
        if day:
            found.append(Clue("stamp", day.year, day))
    return found


def byline_date(line: str) -> date | None:
    """A short junk line ending in a full date ("By Jane Roe, Reuters Sept. 19, 2023") dates
    the article; an embedded post's signature does not (see `posts`)."""
    if len(line) > 80 or POST.search(line):
        return None
    found = find_timexes(line, None, None)
    last = found[-1] if found else None
    return full_date(last) if last and not line[last.end :].strip(" .") else None


def posts(text: str, removed: list[str]) -> list[Clue]:
    """Dates of embedded social-media posts ("— Name (@handle) October 14, 2020")."""
    found = []
    for source in [text, *removed]:
        for m in POST.finditer(source):
            day = next((full_date(t) for t in find_timexes(m["date"], None, None)), None)
            if day:
                found.append(Clue("post", day.year, day))
    return found


def comments(text: str, removed: list[str]) -> list[Clue]:
    """Days of the timestamps (a full date with a clock time) at most 120 characters
    before a comment mark ("Report abuse", "wrote:") or 60 after it. Only the stretches
    around the first and last MAX_COMMENTS marks are tagged: a thread lists its comments
    in order, and a long one would cost more than the whole article."""
    found = []
    for source in [text, *removed]:
        marks = [m.start() for m in COMMENT_MARK.finditer(source)]
        if len(marks) > 2 * MAX_COMMENTS:
            marks = marks[:MAX_COMMENTS] + marks[-MAX_COMMENTS:]
        for at in marks:
            lo = max(0, at - 120)
            window = source[lo : at + 60]
            if not (CLOCK.search(window) and YEAR_DIGITS.search(window)):
                continue
            for tx in find_timexes(window, None, None):
                day = full_date(tx)
                near = window[max(0, tx.start - 25) : tx.end + 25]
                if day and (tx.type == "TIME" or CLOCK.search(near)):
                    found.append(Clue("comment", day.year, day))
    return found


def copyrights(text: str, removed: list[str]) -> list[Clue]:
    return [
        Clue("copyright", int(m[2]))
        for source in [*removed, text[-600:]]
        for m in COPYRIGHT.finditer(source)
    ]


def dateline(text: str) -> tuple[int, int] | None:
    """(month, day) of a dateline near the top: "LONDON, July 27 (Reuters) -"."""
    head = text[:DATELINE_CHARS]
    for tx in find_timexes(head, None, None):
        if (
            tx.value
            and re.fullmatch(r"XXXX-\d\d-\d\d", tx.value)
            and DATELINE_AFTER.match(head, tx.end)
        ):
            opening = head[: tx.start]
            if re.search(r"[A-Z]{2,}", opening) or not opening.strip():
                return int(tx.value[5:7]), int(tx.value[8:10])
    return None


# ---------------------------------------------------------------------------- text


NOT_BARE = re.compile(r"(?:last|next|this|previous|following|every|each)\s+$", re.I)


def named_weekdays(text: str) -> Counter[int]:
    """How often the text names each weekday bare ("on Tuesday", "told reporters
    Wednesday", "Tuesday's attack"), 0 = Monday: in news they point into the week up to
    the DCT."""
    named: Counter[int] = Counter()
    for tx in find_timexes(text, None, None):
        m = re.fullmatch(r"XXXX-WXX-(\d)(?:T\w+)?", tx.value or "")
        if m and not NOT_BARE.search(text[max(0, tx.start - 12) : tx.start]):
            named[int(m[1]) - 1] += 1
    return named


def weekday_confirms(day: date, text: str) -> bool:
    """The text names the day's weekday more often than any other weekday: the story is
    told from that day ("told reporters Wednesday" three times, "the truce took effect
    Saturday" once). A tie leaves the day open: the post may be days old."""
    named = named_weekdays(text)
    others = [n for wd, n in named.items() if wd != day.weekday()]
    return named[day.weekday()] > max(others, default=0)


# ---------------------------------------------------------------------------- decision


def day_with_year(month: int, day: int, year: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass
class Estimate:
    """A publication date, its precision and the clue it rests on (`source`)."""

    value: str | None = None
    precision: str | None = None
    source: str = "none"


def estimate_published(text: str, removed: list[str], title: str | None = None) -> Estimate:
    """The publication date with the kind of clue behind it (`source`)."""
    found = stamps(text, removed, title)
    if found:
        return Estimate(found[0].day.isoformat(), "day", "stamp")
    post = max((c.day for c in posts(text, removed)), default=None)
    rights = [c.year for c in copyrights(text, removed)]
    line = dateline(text)
    if line:
        day = dateline_day(line, rights, post)
        if day:
            return Estimate(day.isoformat(), "day", "dateline")
    if post and weekday_confirms(post, text):
        return Estimate(post.isoformat(), "day", "post+weekday")
    first_comment = min((c.day for c in comments(text, removed)), default=None)
    if first_comment and (post is None or first_comment >= post):
        return Estimate(first_comment.isoformat(), "day", "comment")
    elapsed = elapsed_date(text)  # "as the war in Ukraine enters its second month"
    if rights and not (elapsed and elapsed[0].startswith(str(max(rights)))):
        return Estimate(str(max(rights)), "year", "copyright")
    if elapsed:
        return Estimate(elapsed[0], elapsed[1], "reference event")
    return Estimate()


def dateline_day(line: tuple[int, int], rights: list[int], post: date | None) -> date | None:
    """A dateline's month and day take their year from the copyright line or the newest
    embedded post (never before it). Years named in the running text are no help: a
    weekday check against them is right about half the time."""
    if not (rights or post):
        return None
    year = max(rights) if rights else post.year
    candidate = day_with_year(*line, year)
    return candidate if candidate and (post is None or candidate >= post) else None


def infer_published(
    text: str, removed: list[str], title: str | None = None
) -> tuple[str | None, str | None]:
    """(ISO value, precision) of the article's publication date, or (None, None)."""
    est = estimate_published(text, removed, title)
    return est.value, est.precision
