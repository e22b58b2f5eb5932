"""Temporal expressions: find them in text and normalise them (TIMEX3 style) against a DCT.

A rule-based tagger in the spirit of HeidelTime: regular expressions find candidate spans,
the longest non-overlapping ones win, and each is normalised in text order so anaphoric
expressions ("the next day", "two years later") can lean on the last date mentioned.

Values follow TimeML TIMEX3:
- DATE: "2020-10-13" (day), "2020-W42" (week; "2020-W42-WE" weekend), "2020-10" (month),
  "2020-Q3" (quarter), "2020-SU" (season: SP SU FA WI), "2020" (year), "199" (decade,
  the 1990s), "19" (century, the 20th); PRESENT_REF, PAST_REF, FUTURE_REF for "now",
  "the past", "the future".
- TIME: a DATE value plus "T15:00" or a part of day ("TMO", "TAF", "TEV", "TNI").
- DURATION: "P6W", "P3Y", "PT24H", "PXM" (X = unspecified amount).
- SET: "P1D" (daily), "P1Y" (annually), "XXXX-WXX-2" (every Tuesday), "XXXX-XX-XXTMO".

`precision` names the granularity of a calendar value: day, week, month, quarter,
season, year, decade or century (TIME values carry the precision of their date part,
"day"); None for durations, sets, references and values that could not be resolved.
`event_date` maps a timex onto the ledger's (value, day|month|year).

Relative expressions resolve against the document creation time (DCT) the news way:
"on Tuesday" is the most recent Tuesday on or before the DCT (the next one on or after
it when the clause speaks of the future), a bare month is the most recent such month.
A DCT known only to the month or year is read at the middle of its period and any
value that needed finer knowledge of it is cut back to the DCT's own precision, so
"on Tuesday" with DCT "2023" gives "2023" (year). With `narrative=True` (history
writing such as Wikipedia) relative expressions follow the last date mentioned instead.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

# ---------------------------------------------------------------------------- records


@dataclass
class Timex:
    """One temporal expression; start/end are character offsets into the text."""

    start: int
    end: int
    text: str
    type: str  # DATE | TIME | DURATION | SET
    value: str | None
    precision: str | None


@dataclass
class Res:
    """A normalised value; `point` (first day of the period) anchors later anaphora and
    `needs` names the finest part of the reference date (DCT or anchor) the value leaned
    on, so it is cut back when that reference is coarser."""

    type: str
    value: str | None
    precision: str | None = None
    point: date | None = None
    needs: str | None = None  # finest part of the reference date the value relied on
    tail: str = ""  # time part of a TIME value: "T15:00", "TNI"


RANK = {"day": 0, "week": 1, "month": 2, "quarter": 3, "season": 3, "year": 4}
RANK |= {"decade": 5, "century": 6}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
PARTS |= {"tonight": "NI", "overnight": "NI"}

# ---------------------------------------------------------------------------- lexicon


def alt(words) -> str:
    """Regex alternation, longest first so prefixes do not shadow whole words."""
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))


def cased(words: list[str]) -> str:
    """Capitalised or upper-case forms only: "May" the month, not "may" the verb."""
    return f"(?-i:{alt(words + [w.upper() for w in words])})"


MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August"]
MONTH_NAMES += ["September", "October", "November", "December"]
MONTH_ABBR = ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov"]
MONTH_ABBR += ["Dec"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_ABBR = ["Mon", "Tue", "Tues", "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun"]

MONTH = rf"(?:{cased(MONTH_NAMES)}(?!\w)|{cased(MONTH_ABBR)}(?!\w)\.?)"
MONTH_LONE = rf"(?:{cased(MONTH_NAMES)}(?!\w)|{cased(['Sept', 'Oct', 'Nov', 'Dec'])}\.)"
WEEKDAY = rf"{cased(WEEKDAYS)}(?!\w)"
WEEKDAY_ANY = rf"(?:{WEEKDAY}|{cased(WEEKDAY_ABBR)}(?!\w)\.?)"
DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
YEAR = r"(?<![\d$£€.,])(?:1\d{3}|20\d{2})(?![\d%]|[.,]\d)"
SEP = r"\s*,?\s*"
TZ = r"(?-i:GMT|UTC|BST|CET|CEST|EET|EEST|EST|EDT|CST|CDT|MST|MDT|PST|PDT|ET|PT|MSK|IST|JST)"
TZ += r"|local\s+time"

ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen"]
TEENS += ["seventeen", "eighteen", "nineteen"]
TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
WORD_NUMBERS = {w: i + 1 for i, w in enumerate(ONES)} | {w: i + 10 for i, w in enumerate(TEENS)}
WORD_NUMBERS |= {w: 20 + 10 * i for i, w in enumerate(TENS)} | {"zero": 0}
VAGUE = ["a few", "few", "several", "many", "some", "couple of", "a couple of", "dozens of"]
VAGUE += ["hundreds of", "a number of", "numerous", "a dozen", "half a", "a half"]
NUM = (
    rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{alt(TENS)})(?:[\s-](?:{alt(ONES)}))?"
    rf"|{alt(ONES + TEENS + VAGUE + ['a', 'an'])})(?:\s+and\s+a\s+half)?"
)
UNIT = (
    r"(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|fortnights?|months?|years?"
    r"|decades?|centur(?:y|ies)|quarters?(?!\s+of)|weekends?)"
)
UNIT_CODE = {"second": "S", "minute": "M", "min": "M", "hour": "H", "hr": "H", "day": "D"}
UNIT_CODE |= {"week": "W", "fortnight": "W", "month": "M", "year": "Y", "decade": "Y"}
UNIT_CODE |= {"century": "Y", "quarter": "M", "weekend": "WE"}
UNIT_FACTOR = {"fortnight": 2, "decade": 10, "century": 100, "quarter": 3}
UNIT_PREC = {"day": "day", "week": "week", "fortnight": "week", "month": "month"}
UNIT_PREC |= {"year": "year", "decade": "year", "century": "year", "quarter": "month"}
UNIT_PREC |= {"hour": "day", "minute": "day", "second": "day", "weekend": "week"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
ORDINALS |= {"seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11}
ORDINALS |= {"twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15}
ORDINALS |= {"sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19}
ORDINALS |= {"twentieth": 20, "twenty-first": 21, "twenty first": 21, "final": 4, "last": 4}
CENTURY_ORD = [w for w in ORDINALS if w not in ("final", "last")]
DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6}
DECADE_WORDS |= {"seventies": 7, "eighties": 8, "nineties": 9}

MOD = (
    r"(?:(?:the\s+)?(?:very\s+)?(?:early|late|mid|earlier|later|(?:end|beginning|start|middle"
    r"|rest|remainder|first\s+half|second\s+half|latter\s+part|early\s+part|turn)\s+of)"
    r"(?:\s+|-)(?:the\s+)?)"
)
FUTURE_CUES = re.compile(
    r"\b(?:will|'ll|shall|to\s+be\s+held|scheduled|planned|plans?\s+to|expected\s+to|due\s+to"
    r"|set\s+to|slated|going\s+to|upcoming|is\s+to|are\s+to|next)\b",
    re.I,
)
PAST_CUES = re.compile(
    r"\b(?:said|says|told|was|were|had|did|ago|earlier|last|since|began|took|fought|met|led"
    r"|won|lost|fell|rose|broke|came|went|saw|made|left|(?<!\bbe\s)(?!(?:scheduled|planned"
    r"|expected|slated|set|needed)\b)\w{3,}ed)\b",
    re.I,
)
NAMED_DAYS = re.compile(
    r"(?:Black|Good|Bloody|Super|Ash|Easter|Holy|Cyber|Palm|Maundy|Shrove|Fat|Mad)\s+$"
)
MONTH_CONTEXT = re.compile(
    r"(?:\b(?:in|on|since|until|till|through|thru|throughout|by|from|to|of|during|before|after"
    r"|between|and|or|last|next|this|that|each|every|early|late|mid|since|around|for|as|"
    r"from|until|beginning|end|start|middle)\s*-?|\()\s*$",
    re.I,
)
YEAR_CONTEXT = re.compile(
    r"\b(?:in|since|until|till|by|from|to|of|during|before|after|between|and|year|around"
    r"|circa|c\.|early|late|mid)\s*-?\s*$",
    re.I,
)
NOT_YEAR_AFTER = re.compile(
    r"\s*(?:people|persons|troops|soldiers|men|women|children|civilians|deaths|dead|cases"
    r"|residents|refugees|families|homes|houses|km|kilometres|kilometers|miles|metres|meters"
    r"|tons|tonnes|barrels|dollars|euros|pounds|feet|acres|hectares|members|workers|votes|jobs"
    r"|vehicles|fighters|rebels|police|officers|prisoners|protesters|calories|mph|hp|cc|mm)\b",
    re.I,
)


# ---------------------------------------------------------------------------- calendar


def month_number(token: str) -> int:
    """ "Sept." -> 9."""
    key = token.strip(".").lower()[:3]
    return [m.lower()[:3] for m in MONTH_NAMES].index(key) + 1


def add_months(d: date, n: int) -> date:
    """First day of the month n months away."""
    total = d.year * 12 + d.month - 1 + n
    return date(total // 12, total % 12 + 1, 1)


def shift(d: date, unit: str, n: int) -> date:
    """Move a reference day by n units (weeks, months, years ...)."""
    if unit in ("day", "hour", "minute", "second"):
        return d + timedelta(days=n)
    if unit in ("week", "weekend", "fortnight"):
        return d + timedelta(weeks=n * UNIT_FACTOR.get(unit, 1))
    if unit in ("month", "quarter"):
        return add_months(d, n * UNIT_FACTOR.get(unit, 1))
    years = n * UNIT_FACTOR.get(unit, 1)
    return date(max(1, d.year + years), 1, 1) if d.year + years > 0 else date(1, 1, 1)


def fmt(d: date, precision: str) -> str:
    """The TIMEX3 value of the period of `precision` containing d."""
    if precision == "day":
        return d.isoformat()
    if precision == "week":
        y, w, _ = d.isocalendar()
        return f"{y:04d}-W{w:02d}"
    if precision == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if precision == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if precision == "season":
        code = season_of(d)
        return f"{d.year - (d.month < 3):04d}-{code}"
    if precision == "decade":
        return f"{d.year // 10:03d}"
    if precision == "century":
        return f"{d.year // 100:02d}"
    return f"{d.year:04d}"


def season_of(d: date) -> str:
    return {12: "WI", 1: "WI", 2: "WI"}.get(d.month) or ["SP", "SU", "FA"][(d.month - 3) // 3]


def start_of(d: date, precision: str) -> date:
    """First day of the period of `precision` containing d."""
    if precision == "week":
        return d - timedelta(days=d.weekday())
    if precision == "month":
        return d.replace(day=1)
    if precision == "quarter":
        return date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    if precision == "year":
        return date(d.year, 1, 1)
    if precision == "decade":
        return date(max(1, d.year // 10 * 10), 1, 1)
    if precision == "century":
        return date(max(1, d.year // 100 * 100), 1, 1)
    return d


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def at(d: date | None, precision: str, needs: str | bool | None = None, kind: str = "DATE") -> Res:
    """A calendar result; None when the reference it needed is unknown. `needs=True`
    means the value leaned on the reference down to its own precision."""
    if d is None:
        return Res(kind, None)
    point = start_of(d, precision)
    return Res(kind, fmt(d, precision), precision, point, precision if needs is True else needs)


def season_res(year: int, code: str, needs: str | None = None) -> Res:
    return Res("DATE", f"{year:04d}-{code}", "season", date(year, SEASON_START[code], 1), needs)


def parse_dct(dct: str | None, precision: str | None) -> tuple[date | None, str | None]:
    """A representative day for the DCT: itself, or the middle of its month or year."""
    if not dct:
        return None, None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", dct)
    if not m:
        return None, None
    y, mo, d = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    found = "day" if d else "month" if mo else "year"
    precision = precision if precision in ("day", "month", "year") else found
    if RANK[precision] < RANK[found]:
        precision = found
    try:
        if precision == "day":
            return date(y, mo, d), "day"
        if precision == "month":
            return date(y, mo, 15), "month"
        return date(y, 7, 1), "year"
    except ValueError:  # "2023-02-30", "2023-13": no usable DCT
        return None, None


def number(text: str) -> float | None:
    """ "two and a half" -> 2.5, "several" -> None (an unspecified amount)."""
    t = re.sub(r"\s+", " ", text.lower().strip())
    half = t.endswith(" and a half")
    t = t.removesuffix(" and a half")
    if t in ("half a", "a half"):
        return 0.5
    if t in ("a couple of", "couple of"):
        return 2.0
    if t == "a dozen":
        return 12.0
    if t in ("a", "an"):
        value = 1.0
    elif re.fullmatch(r"[\d,]+(?:\.\d+)?", t):
        value = float(t.replace(",", ""))
    else:
        parts = re.split(r"[\s-]", t)
        if not all(p in WORD_NUMBERS for p in parts):
            return None
        value = float(sum(WORD_NUMBERS[p] for p in parts))
    return value + 0.5 if half else value


def duration_value(amount: float | None, unit: str) -> str:
    """ISO 8601 duration: P6W, PT24H, P2.5Y, PXM."""
    code = UNIT_CODE[unit]
    if amount is not None:
        amount *= UNIT_FACTOR.get(unit, 1)
    n = "X" if amount is None else f"{amount:g}"
    if unit == "weekend":
        return f"P{n}WE"
    return f"PT{n}{code}" if unit in ("hour", "minute", "second", "min", "hr") else f"P{n}{code}"


def unit_name(token: str) -> str:
    t = token.lower()
    if t.startswith("centur"):
        return "century"
    t = t[:-1] if t.endswith("s") and t not in ("hrs",) else t
    return {"min": "minute", "hr": "hour", "hrs": "hour", "yr": "year"}.get(t, t)


# ---------------------------------------------------------------------------- context


@dataclass
class Ctx:
    """What normalisation needs: the text, the DCT and the last date mentioned."""

    text: str
    dct: date | None
    dct_precision: str | None
    narrative: bool = False
    anchor: date | None = None
    anchor_precision: str | None = None
    used: str | None = None  # precision of the last reference handed out

    def ref(self, anaphoric: bool = False, needs: str = "day") -> tuple[date | None, str | None]:
        """Reference date: the DCT for deictic expressions in news, the last date mentioned
        for anaphora ("the next day") and in narratives. In news an anaphor only leans on
        a last date at least as fine as it `needs` ("the previous Saturday" after "in
        1994" still means the Saturday before the DCT). Remembers the reference's
        precision for `honest`."""
        use_anchor = (anaphoric or self.narrative) and self.anchor is not None
        if use_anchor and not self.narrative:
            use_anchor = RANK[self.anchor_precision] <= RANK[needs]
        ref = (self.anchor, self.anchor_precision) if use_anchor else (self.dct, self.dct_precision)
        self.used = ref[1]
        return ref

    def future(self, start: int, end: int) -> bool:
        """Does the clause around the expression speak of the future? The nearest tense
        cue decides, looking back first: "will meet on Friday" is future, "said on
        Tuesday it will" and "on Tuesday, officials said" are past."""
        lo = max(self.text.rfind(c, 0, start) for c in ".!?\n;") + 1
        his = [i for i in (self.text.find(c, end) for c in ".!?\n;") if i >= 0]
        hi = min(his) if his else len(self.text)
        before = " ".join(self.text[lo:start].split()[-7:])
        after = " ".join(self.text[end:hi].split()[:6])
        for window, last in ((before, True), (after, False)):
            cues = [(m.start(), False) for m in PAST_CUES.finditer(window)]
            cues += [(m.start(), True) for m in FUTURE_CUES.finditer(window)]
            if cues:
                return sorted(cues)[-1 if last else 0][1]
        return False


# ---------------------------------------------------------------------------- resolvers


def g(m: re.Match, name: str) -> str | None:
    """A named group, or None when the pattern has no such group or it did not match."""
    return m.groupdict().get(name)


def explicit_date(m: re.Match, ctx: Ctx) -> Res:
    """Day-month(-year) in either order, with an optional weekday."""
    mon, day = month_number(m["mon"]), int(re.match(r"\d+", m["day"])[0])
    if m["year"]:
        return at(safe_date(int(m["year"]), mon, day), "day")
    return yearless_day(mon, day, m, ctx)


def yearless_day(mon: int, day: int, m: re.Match, ctx: Ctx) -> Res:
    """ "Nov. 19": the year that puts it most recently before the reference (after it
    when the clause speaks of the future); the weekday, when given, decides."""
    ref, _ = ctx.ref()
    if ref is None:
        return Res("DATE", f"XXXX-{mon:02d}-{day:02d}")
    wd = g(m, "wd")
    if wd:
        wanted = [w.lower()[:2] for w in WEEKDAYS].index(wd.lower()[:2])
        for y in (ref.year, ref.year - 1, ref.year + 1):
            d = safe_date(y, mon, day)
            if d and d.weekday() == wanted:
                return at(d, "day", needs="year")
    y = ref.year
    d = safe_date(y, mon, day) or safe_date(y, mon, 28)
    if ctx.narrative:
        return at(d, "day", needs="year")
    if ctx.future(m.start(), m.end()):
        if d < ref - timedelta(days=60):
            d = safe_date(y + 1, mon, day) or d
    elif d > ref + timedelta(days=3):
        d = safe_date(y - 1, mon, day) or d
    return at(d, "day", needs="month")


def numeric_date(m: re.Match, ctx: Ctx) -> Res:
    """2022-03-26, 26/03/2022, 03/26/2022 (a first number over 12 is the day)."""
    if m["iy"]:
        return at(safe_date(int(m["iy"]), int(m["im"]), int(m["id"])), "day")
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    day, mon = (a, b) if a > 12 or "." in m.group(0) else (b, a)
    return at(safe_date(y, mon, day), "day")


def month_year(m: re.Match, ctx: Ctx) -> Res:
    return at(safe_date(int(m["year"]), month_number(m["mon"]), 1), "month")


def lone_month(m: re.Match, ctx: Ctx) -> Res:
    """ "in November", "since December", "late September", "last May"."""
    mon = month_number(m["mon"])
    rel = (g(m, "rel") or "").lower().split()[-1:] or [""]
    rel = rel[0]
    ref, _ = ctx.ref(anaphoric=rel in ("following", "previous", "same", "that"), needs="year")
    if ref is None:
        return Res("DATE", f"XXXX-{mon:02d}")
    y = ref.year
    if rel in ("last", "previous"):
        y -= mon >= ref.month
    elif rel in ("next", "following"):
        y += mon <= ref.month
    elif rel in ("this", "that", "same") or ctx.narrative:
        return at(date(y, mon, 1), "month", needs="year")
    elif ctx.future(m.start(), m.end()):
        y += mon < ref.month
    else:
        y -= mon > ref.month
        if mon == 12 and ctx.used == "year":  # "since December" in an article of 2023:
            return at(date(y, mon, 1), "month")  # December 2022, unless written in December
    return at(date(y, mon, 1), "month", needs="month")


def year_only(m: re.Match, ctx: Ctx) -> Res:
    y = int(m["year"])
    era = (g(m, "era") or "").replace(".", "").strip().upper()
    if era in ("BC", "BCE"):
        return Res("DATE", f"BC{y:04d}", "year")
    return at(date(y, 1, 1), "year")


def two_digit_year(m: re.Match, ctx: Ctx) -> Res:
    """ "'58": the century of the reference date, or the one before if it would be future."""
    ref, _ = ctx.ref()
    yy = int(m["yy"])
    base = (ref.year // 100 * 100) if ref else 1900
    y = base + yy if base + yy <= (ref.year if ref else 2000) else base - 100 + yy
    return at(date(y, 1, 1), "year")


def decade(m: re.Match, ctx: Ctx) -> Res:
    """ "the 1990s", "early '90s", "the nineties" -> "199"; "the 1800s" -> "18"."""
    if m["c"]:
        c, d = int(m["c"]), int(m["d"])
        if d == 0 and c < 19:
            return Res("DATE", f"{c:02d}", "century", date(c * 100, 1, 1))
        y = c * 100 + d * 10
    else:
        d = int(m["d2"]) if m["d2"] else DECADE_WORDS[m["word"].lower()]
        y = (1900 if d >= 2 else 2000) + d * 10
    return Res("DATE", f"{y // 10:03d}", "decade", date(y, 1, 1))


def century(m: re.Match, ctx: Ctx) -> Res:
    n = int(m["n"]) if m["n"] else ORDINALS[re.sub(r"\s+", " ", m["w"].lower())]
    return Res("DATE", f"{n - 1:02d}", "century", date(max(1, (n - 1) * 100), 1, 1))


def day_word(m: re.Match, ctx: Ctx) -> Res:
    """today, yesterday, tomorrow, tonight, last night, this morning, ..."""
    word = re.sub(r"\s+", " ", m["w"].lower())
    offset = {"yesterday": -1, "tomorrow": 1, "the day before yesterday": -2}
    offset |= {"the day after tomorrow": 2, "last night": -1}
    ref, _ = ctx.ref()
    d = ref + timedelta(days=offset.get(word, 0)) if ref else None
    part = PARTS.get(word.split()[-1]) or PARTS.get((g(m, "pod") or "").lower())
    res = at(d, "day", needs=True, kind="TIME" if part else "DATE")
    if part:
        res.tail = f"T{part}"
    return res


def weekday(m: re.Match, ctx: Ctx) -> Res:
    """News reading: the most recent such day on or before the reference, the next one
    when the clause speaks of the future; last/next/this/the previous/the following."""
    wanted = [w.lower() for w in WEEKDAYS].index(m["wd"].lower())
    raw = re.sub(r"\s+", " ", (g(m, "rel") or "").lower())
    rel = raw.replace("the ", "")
    ref, _ = ctx.ref(anaphoric=raw.startswith("the "))
    if ref is None:
        res = Res("DATE", f"XXXX-WXX-{wanted + 1}")
    else:
        back = (ref.weekday() - wanted) % 7
        ahead = (wanted - ref.weekday()) % 7
        if rel in ("last", "previous", "preceding"):
            d = ref - timedelta(days=back or 7)
        elif rel in ("next", "following"):
            d = ref + timedelta(days=ahead or 7)
        elif rel == "this":
            d = ref - timedelta(days=ref.weekday() - wanted)
        elif ctx.narrative and rel == "":
            d = ref + timedelta(days=ahead) if ahead <= 3 else ref - timedelta(days=back)
        elif rel == "" and ctx.future(m.start(), m.end()):
            d = ref + timedelta(days=ahead)
        else:
            d = ref - timedelta(days=back)
        res = at(d, "day", needs=True)
    part = PARTS.get((g(m, "pod") or "").lower())
    if part:
        res.type, res.tail = "TIME", f"T{part}"
    return res


def relative_unit(m: re.Match, ctx: Ctx) -> Res:
    """this/last/next/the past/the following + week, month, year, weekend, quarter ..."""
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = unit_name(m["unit"])
    if unit in PARTS:
        return part_of_day(rel, unit, m, ctx)
    if unit in SEASONS:
        return relative_season(rel, SEASONS[unit], ctx)
    stretch = rel in ("the past", "the last", "the next", "the coming")
    if stretch or (rel == "past" and unit == "decade"):  # "the past week", "past decade"
        return Res("DURATION", duration_value(1, unit))
    step = {"last": -1, "past": -1, "next": 1, "coming": 1, "previous": -1, "preceding": -1}
    step |= {"following": 1, "the previous": -1, "the following": 1, "the preceding": -1}
    anaphoric = rel in ("that", "the same", "the previous", "the following", "the preceding")
    precision = {"weekend": "week", "fiscal year": "year"}.get(unit, unit)
    if precision not in RANK:
        precision = "year"
    ref, _ = ctx.ref(anaphoric=anaphoric, needs=precision)
    if ref is None:
        return Res("DATE", None)
    res = at(shift(ref, unit, step.get(rel, 0)), precision, needs=True)
    if unit == "weekend" and res.value:
        res.value += "-WE"
    return res


def part_of_day(rel: str, part: str, m: re.Match, ctx: Ctx) -> Res:
    """this morning, last night, that evening, the next morning."""
    ref, _ = ctx.ref(anaphoric=rel == "that" or rel.startswith("the "))
    offset = {"last": -1, "the previous": -1, "the following": 1, "next": 1, "the next": 1}
    offset = offset.get(rel, 0)
    if part != "night" and rel == "last":
        offset = -1
    res = at(ref + timedelta(days=offset) if ref else None, "day", True, kind="TIME")
    res.tail = f"T{PARTS[part]}"
    return res


def relative_season(rel: str, code: str, ctx: Ctx) -> Res:
    ref, _ = ctx.ref(rel in ("that", "the same", "the previous", "the following"), "year")
    if ref is None:
        return Res("DATE", f"XXXX-{code}")
    current = season_of(ref)
    year = ref.year - (ref.month < 3 and current == "WI")
    order = ["SP", "SU", "FA", "WI"]
    diff = order.index(code) - order.index(current)
    if rel in ("last", "past", "the previous", "previous") and diff >= 0:
        year -= 1
    elif rel in ("next", "coming", "the following", "following") and diff <= 0:
        year += 1
    return season_res(year, code, "season")


def lone_season(m: re.Match, ctx: Ctx) -> Res:
    """ "the summer of 2012", "in the spring", "last winter"."""
    code = SEASONS[m["s"].lower()]
    if g(m, "year"):
        return season_res(int(m["year"]), code)
    rel = re.sub(r"\s+", " ", (g(m, "rel") or "").lower())
    if rel:
        return relative_season(rel, code, ctx)
    ref, _ = ctx.ref()
    if ref is None:
        return Res("DATE", f"XXXX-{code}")
    if ctx.narrative:
        return season_res(ref.year, code, "year")
    if code == season_of(ref):
        return relative_season("this", code, ctx)
    return relative_season("next" if ctx.future(m.start(), m.end()) else "last", code, ctx)


def quarter(m: re.Match, ctx: Ctx) -> Res:
    """ "the third quarter (of 2012)", "last quarter", "Q3 2012"."""
    word = (g(m, "ord") or "").lower()
    ref, _ = ctx.ref()
    if g(m, "qn"):
        word = ["first", "second", "third", "fourth"][int(m["qn"]) - 1]
    if word in ("this", "current", "last", "previous", "next"):
        if ref is None:
            return Res("DATE", None)
        step = {"last": -1, "previous": -1, "next": 1}.get(word, 0)
        return at(add_months(start_of(ref, "quarter"), 3 * step), "quarter", needs=True)
    q = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4}.get(word) or ORDINALS[word]
    if g(m, "year"):
        return Res("DATE", f"{m['year']}-Q{q}", "quarter", date(int(m["year"]), 3 * q - 2, 1))
    if ref is None:
        return Res("DATE", f"XXXX-Q{q}")
    ry = (g(m, "ry") or "").lower()
    y = ref.year + {"last": -1, "next": 1}.get(ry, 0)
    if not ry and q > (ref.month - 1) // 3 + 1 and not ctx.future(m.start(), m.end()):
        y -= 1
    return at(date(y, 3 * q - 2, 1), "quarter", needs=True)


def amount_of_time(m: re.Match, ctx: Ctx) -> Res | None:
    """ "six weeks" (DURATION), "three years ago", "two days later", "a year from now"."""
    unit = unit_name(m["unit"])
    amount = number(m["num"])
    suffix = re.sub(r"\s+", " ", (g(m, "suffix") or "").lower().strip(" -"))
    if suffix in ("", "long"):
        return Res("DURATION", duration_value(amount, unit))
    precision = UNIT_PREC[unit]
    if amount is None or amount != int(amount):
        refs = {"ago": "PAST_REF", "earlier": "PAST_REF", "before": "PAST_REF"}
        return Res("DATE", refs.get(suffix, "FUTURE_REF"))
    n = int(amount) * (-1 if suffix in ("ago", "earlier", "before") else 1)
    ref, _ = ctx.ref(suffix not in ("ago", "from now", "hence"), precision)
    if ref is None:
        return Res("DATE", None)
    return at(shift(ref, unit, n), precision, needs=True)


def bare_units(m: re.Match, ctx: Ctx) -> Res:
    """ "for years", "recent weeks", "the coming days": an unspecified duration."""
    return Res("DURATION", duration_value(None, unit_name(m["unit"])))


def setx(m: re.Match, ctx: Ctx) -> Res:
    """every day, each Tuesday, daily, twice a week, per year."""
    unit = (g(m, "unit") or "").lower()
    adverb = {"daily": "day", "nightly": "day", "weekly": "week", "monthly": "month"}
    adverb |= {"annually": "year", "yearly": "year", "hourly": "hour", "quarterly": "quarter"}
    unit = adverb.get((g(m, "adv") or "").lower(), unit)
    unit = unit.rstrip("s") if unit not in ("hours",) else "hour"
    if unit.capitalize() in WEEKDAYS:
        return Res("SET", f"XXXX-WXX-{WEEKDAYS.index(unit.capitalize()) + 1}")
    if unit in PARTS:
        return Res("SET", f"XXXX-XX-XXT{PARTS[unit]}")
    if unit in SEASONS:
        return Res("SET", f"XXXX-{SEASONS[unit]}")
    if unit == "weekend":
        return Res("SET", "XXXX-WXX-WE")
    return Res("SET", duration_value(1, unit_name(unit)))


def reference(m: re.Match, ctx: Ctx) -> Res:
    w = m.group(0).lower()
    if "past" in w or "recent" in w or "lately" in w or "formerly" in w:
        return Res("DATE", "PAST_REF")
    if "future" in w:
        return Res("DATE", "FUTURE_REF")
    return Res("DATE", "PRESENT_REF")


def clock(m: re.Match, ctx: Ctx) -> Res:
    """ "8:25 am EDT", "15:00 GMT", "noon": a TIME on the reference day."""
    word = (g(m, "w") or "").lower()
    if word:
        hh, mm = (12, 0) if word in ("noon", "midday") else (24, 0)
    else:
        hh, mm = int(m["h"]), int(m["mi"] or 0)
        ap = (g(m, "ap") or "").lower().replace(".", "")
        if ap == "pm" and hh < 12:
            hh += 12
        elif ap == "am" and hh == 12:
            hh = 0
    ref, _ = ctx.ref()
    res = at(ref, "day", needs=True, kind="TIME")
    if res.value is None:
        res.value = "XXXX-XX-XX"
    res.tail = f"T{hh:02d}:{mm:02d}"
    return res


def holiday(m: re.Match, ctx: Ctx) -> Res:
    name = m["h"].lower()
    mon, day = (12, 24) if "eve" in name and "christmas" in name else (12, 25)
    if "new year" in name:
        mon, day = (12, 31) if "eve" in name else (1, 1)
    if g(m, "year"):
        return at(date(int(m["year"]), mon, day), "day")
    return yearless_day(mon, day, m, ctx)


def anaphoric_day(m: re.Match, ctx: Ctx) -> Res:
    """ "the next day", "the day before", "that day", "the same week"."""
    word = re.sub(r"\s+", " ", m.group(0).lower())
    unit = unit_name(m["unit"])
    step = -1 if re.search(r"previous|preceding|before|earlier|prior", word) else 0
    step = 1 if re.search(r"next|following|after|later", word) else step
    ref, _ = ctx.ref(anaphoric=True, needs="day" if unit in PARTS else UNIT_PREC[unit])
    if unit in PARTS:
        res = at(ref + timedelta(days=step) if ref else None, "day", True, kind="TIME")
        res.tail = f"T{PARTS[unit]}"
        return res
    if ref is None:
        return Res("DATE", None)
    return at(shift(ref, unit, step), UNIT_PREC.get(unit, "year"), needs=True)


# ---------------------------------------------------------------------------- checks


def month_context(m: re.Match, text: str) -> bool:
    """A lone month name needs a preposition or modifier before it ("in May", "late
    September") or a possessive after it, so "May" the name and "March" the verb stay out."""
    if g(m, "rel") or g(m, "mod"):
        return True
    before = text[max(0, m.start() - 20) : m.start()]
    return bool(MONTH_CONTEXT.search(before)) or bool(re.match(r"\s?'s\b", text[m.end() :]))


def year_check(m: re.Match, text: str) -> bool:
    """Four-digit numbers are years unless they count things ("2000 troops"); years
    before 1800 need a preposition or era ("in 1492", "480 BC")."""
    y = int(m["year"])
    if NOT_YEAR_AFTER.match(text, m.end()):
        return False
    before = text[max(0, m.start() - 8) : m.start()]
    if re.search(r"(?:[$£€#]|No\.?|number|page|flight|route|room)\s*$", before, re.I):
        return False
    if y >= 1800 or g(m, "era") or g(m, "mod") or g(m, "fy"):
        return True
    return bool(YEAR_CONTEXT.search(text[max(0, m.start() - 12) : m.start()]))


def weekday_check(m: re.Match, text: str) -> bool:
    """ "Black Friday" and "Bloody Sunday" are names, not the past week's days."""
    return not NAMED_DAYS.search(text[max(0, m.start() - 12) : m.start()])


def season_check(m: re.Match, text: str) -> bool:
    """ "the fall of the Soviet Union", "Arab Spring": not seasons."""
    word = m["s"]
    if g(m, "year") or g(m, "rel"):
        return True
    after = text[m.end() : m.end() + 4]
    if word.lower() == "fall" and (not g(m, "the") or after.startswith(" of")):
        return False
    if word[0].isupper() and re.search(r"[A-Z]\w*\s+$", text[max(0, m.start() - 15) : m.start()]):
        return False
    if g(m, "the") or g(m, "mod"):
        return True
    return bool(
        re.search(
            r"\b(?:in|during|by|until|through|since|this|last|next)\s+$",
            text[max(0, m.start() - 10) : m.start()],
            re.I,
        )
    )


def amount_check(m: re.Match, text: str) -> bool:
    """Ages ("a 45-year-old") are not durations; "a day" alone is too vague to tag."""
    suffix = (g(m, "suffix") or "").lower()
    if "old" in suffix or re.match(r"[\s-]+olds?\b", text[m.end() :]):
        return False
    num = m["num"].lower()
    if num in ("a", "an") and m["unit"].lower() == "second":
        return False  # "a second front"
    if num in ("a", "an", "one") and unit_name(m["unit"]) == "day" and not suffix:
        before = text[max(0, m.start() - 10) : m.start()]
        return bool(re.search(r"\b(?:for|within|in|than|about|over|half)\s+$", before))
    return not (num in ("some", "many") and unit_name(m["unit"]) == "second")


BARE_BEFORE = r"for|over|in|within|after|of|take|takes|took|taken|taking|last|lasted|lasts|spent"
BARE_BEFORE += r"|spend|spending|wait|waited|waiting"


def bare_check(m: re.Match, text: str) -> bool:
    """Bare plurals are durations after "for", "over", "took" ... or before "before",
    "later", "ago" ("minutes before the plane left")."""
    if re.match(r"\s+(?:of\s+age|old)\b", text[m.end() :]):
        return False
    if re.match(rf"(?:{BARE_BEFORE})\s|the|recent|coming", m.group(0), re.I):
        return True
    return bool(re.match(r"\s+(?:before|after|later|earlier|ago)\b", text[m.end() :]))


def reference_check(m: re.Match, text: str) -> bool:
    """ "now-defunct" and "until now" are fine; "now" as a discourse marker mid-clause
    is tagged as TimeBank does."""
    return not re.match(r"-\w", text[m.end() :])


# ---------------------------------------------------------------------------- rules


@dataclass
class Rule:
    """A pattern, its normaliser and an optional context check. The timex is the named
    group `t` when the pattern has one (context words around it stay outside)."""

    name: str
    pattern: re.Pattern
    resolve: Callable[[re.Match, Ctx], Res | None]
    check: Callable[[re.Match, str], bool] | None = None
    clock: bool = False


def rule(name, pattern, resolve, check=None, clock=False) -> Rule:
    compiled = re.compile(rf"(?<![\w@#]){pattern}(?!\w)", re.I)
    return Rule(name, compiled, resolve, check, clock)


NUM_DAY = rf"(?P<day>{DAY})"
WD_PREFIX = rf"(?:(?P<wd>{WEEKDAY_ANY}){SEP}(?:the\s+)?)?"
PARTS_RE = r"morning|afternoon|evening|night"
REL_UNITS = (
    r"week|weekend|month|year|decade|century|quarter|fiscal\s+year|spring|summer|autumn|fall"
    r"|winter|morning|afternoon|evening|night"
)

RULES = [
    rule(
        "mdy",
        rf"(?:{MOD})?{WD_PREFIX}(?P<mon>{MONTH})\s*{NUM_DAY}(?:{SEP}(?P<year>{YEAR}))?",
        explicit_date,
    ),
    rule(
        "dmy",
        rf"(?:{MOD})?{WD_PREFIX}{NUM_DAY}(?:\s+of)?\s+(?P<mon>{MONTH})(?:{SEP}(?P<year>{YEAR}))?",
        explicit_date,
    ),
    rule(
        "numeric",
        r"(?:(?P<iy>1\d{3}|20\d{2})-(?P<im>0[1-9]|1[0-2])-(?P<id>0[1-9]|[12]\d|3[01])"
        r"|(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>1\d{3}|20\d{2}))(?![\d/])",
        numeric_date,
    ),
    rule(
        "month_year",
        rf"(?:{MOD})?(?P<mon>{MONTH})(?:\s*,?\s*|\s+of\s+)(?P<year>{YEAR})",
        month_year,
    ),
    rule(
        "month",
        rf"(?P<mod>{MOD})?(?P<rel>(?:last|next|this|that|the\s+following|the\s+previous"
        rf"|the\s+same)\s+)?(?P<mon>{MONTH_LONE})",
        lone_month,
        month_context,
    ),
    rule(
        "year",
        rf"(?P<mod>{MOD})?(?P<fy>fiscal\s+(?:year\s+)?|FY\s?)?(?P<year>{YEAR}|(?<=[Ff][Yy])\d{{4}})"
        r"(?P<era>\s*(?-i:BC|B\.C\.|BCE|AD|A\.D\.|CE)(?!\w))?",
        year_only,
        year_check,
    ),
    rule("bc_year", r"(?P<year>\d{1,3})(?P<era>\s*(?-i:BC|B\.C\.|BCE))(?!\w)", year_only),
    rule("yy", r"(?:in|of|since|by)\s+(?P<t>'(?P<yy>\d\d))", two_digit_year),
    rule(
        "decade",
        rf"(?:{MOD})?(?:(?P<c>1\d|20)(?P<d>\d)0\s*'?s|'(?P<d2>\d)0\s*'?s|(?<=the\s)"
        rf"(?P<word>{alt(DECADE_WORDS)}))",
        decade,
    ),
    rule(
        "century",
        rf"(?:{MOD})?(?:(?P<n>\d{{1,2}})(?:st|nd|rd|th)|(?P<w>{alt(CENTURY_ORD)}))[\s-]+century",
        century,
    ),
    rule(
        "day_word",
        r"(?:(?:earlier|later|early|late)\s+)?(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+"
        r"after\s+tomorrow|today|yesterday|tomorrow|tonight|last\s+night)"
        rf"(?:\s+(?P<pod>{PARTS_RE}))?",
        day_word,
    ),
    rule(
        "weekday",
        r"(?:(?:early|late|earlier|later)\s+)?(?:(?P<rel>last|next|this|the\s+(?:previous|following"
        rf"|next|same|preceding))\s+)?(?P<wd>{WEEKDAY})(?:\s+(?P<pod>{PARTS_RE}))?",
        weekday,
        weekday_check,
    ),
    rule(
        "relative_unit",
        rf"(?:{MOD})?(?P<rel>this|last|next|past|coming|previous|current|following|that"
        r"|the\s+(?:past|last|previous|preceding|following|next|coming|current|same|present))"
        rf"(?:\s+fiscal)?\s+(?P<unit>{REL_UNITS})",
        relative_unit,
    ),
    rule(
        "end_of",
        r"(?P<rel>(?:the\s+)?(?:end|beginning|start|middle|rest|remainder|turn)\s+of\s+(?:the\s+)?)"
        r"(?P<unit>year|month|week|decade|century)(?!\s+(?:of|\d|before|after|in))",
        lambda m, ctx: relative_unit(_this(m), ctx),
    ),
    rule(
        "season",
        rf"(?P<mod>(?:early|late|mid)[\s-]+)?(?P<rel>(?:this|last|next|that|the\s+following|the"
        rf"\s+previous|past|coming)\s+)?(?P<the>the\s+)?(?P<s>spring|summer|autumn|fall|winter)"
        rf"(?:(?:\s+of)?\s+(?P<year>{YEAR}))?",
        lone_season,
        season_check,
    ),
    rule(
        "quarter",
        r"(?:the\s+)?(?:(?P<ord>first|second|third|fourth|final|last|1st|2nd|3rd|4th|current"
        r"|this|next|previous)\s+(?:fiscal\s+)?quarter(?:\s+of\s+(?:(?P<year>"
        rf"{YEAR})|(?P<ry>this|last|next)\s+year))?|(?-i:Q)(?P<qn>[1-4])\s+(?P<year2>{YEAR}))",
        lambda m, ctx: quarter(m, ctx) if not g(m, "year2") else _q(m),
    ),
    rule(
        "per_unit",
        r"(?<=\d|%|\s)(?P<t>(?:a|per)\s+(?P<unit>day|week|month|year|hour))(?=\s*[,.;)]|\s+(?:and"
        r"|or|in|for|to|from|on|at|with|by)\s)",
        setx,
        lambda m, text: bool(
            re.search(
                r"(?:\d|%|percent|million|billion|trillion|barrels|tonnes|tons|dollars|euros"
                r"|pounds|people|times|cents)\s*$",
                text[max(0, m.start() - 20) : m.start()],
                re.I,
            )
        ),
    ),
    rule(
        "amount",
        r"(?P<q>(?:(?:about|around|approximately|roughly|nearly|almost|some|over|more\s+than|less"
        r"\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|just|only|barely|under|another"
        r"|a\s+further|an\s+additional|the\s+(?:past|last|next|first|final|coming|previous"
        r"|following|remaining|initial|same|full|whole)|the|a\s+full|a\s+whole)\s+)*)"
        rf"(?P<num>{NUM})[\s-]+(?P<unit>{UNIT})(?P<suffix>\s+(?:ago|(?:later|earlier)(?!\s+than)"
        r"|from\s+now|hence|old)|\s+(?:before|after)(?=\s*[,.;:)]|\s*$)|[\s-]+(?:long|old))?",
        amount_of_time,
        amount_check,
    ),
    rule(
        "bare_units",
        rf"(?:(?:{BARE_BEFORE})\s+)?(?P<t>(?:the\s+(?:past|last|next|coming|following)\s+"
        r"|(?:recent|coming)\s+)?(?P<unit>seconds|minutes|hours|days|weeks|months|years"
        r"|decades|centuries))",
        bare_units,
        bare_check,
    ),
    rule(
        "amount_pair",
        rf"(?P<t>(?P<num>\d+|{alt(ONES + TEENS + TENS)}))(?=\s*(?:and|or|to|-|–)\s*{NUM}[\s-]+"
        rf"(?P<unit>{UNIT}))",
        amount_of_time,
    ),
    rule(
        "year_range",
        r"(?P<cy>1\d|20)\d\d\s?[-–/]\s?(?P<t>(?P<yy>\d\d))(?![\d.,]\d)",
        lambda m, ctx: at(date(int(m["cy"]) * 100 + int(m["yy"]), 1, 1), "year"),
    ),
    rule(
        "set",
        r"(?:(?:every|each)\s+(?:other\s+)?(?P<unit>day|week|month|year|morning|afternoon|evening"
        rf"|night|weekend|{alt(w.lower() for w in WEEKDAYS)}|decade|hour|summer|winter|spring"
        r"|autumn)|(?-i:(?P<adv>daily|nightly|weekly|monthly|annually|yearly|hourly|quarterly))"
        r"|(?:once|twice|(?:three|four|five|several|\d+)\s+times)\s+(?:a|an|per|every|each)\s+"
        r"(?P<unit2>day|week|month|year|hour))",
        lambda m, ctx: setx(_unit2(m), ctx),
    ),
    rule(
        "weekday_plural",
        rf"(?:on\s+)(?P<t>(?P<unit>{cased([w + 's' for w in WEEKDAYS])}))",
        lambda m, ctx: setx_weekday(m),
    ),
    rule(
        "reference",
        r"(?:right\s+now|now|currently|nowadays|at\s+present|the\s+present(?:\s+day)?|presently"
        r"|these\s+days|the\s+past|the\s+future|the\s+near\s+future|recently|lately)",
        reference,
        reference_check,
    ),
    rule(
        "clock",
        rf"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>a\.m\.?|p\.m\.?|am|pm)"
        rf"(?:\s*(?:{TZ}))?|(?P<h2>[01]?\d|2[0-3])[:.](?P<mi2>[0-5]\d)\s*(?:{TZ}|hrs|hours|h))"
        r"|(?P<w>noon|midday|midnight)",
        lambda m, ctx: clock(_clock24(m), ctx),
        clock=True,
    ),
    rule(
        "holiday",
        r"(?P<h>Christmas(?:\s+(?:Day|Eve))?|New\s+Year(?:'s|’s|\s+'s)\s+(?:Day|Eve))"
        rf"(?:{SEP}(?P<year>{YEAR}))?",
        holiday,
    ),
    rule(
        "anaphoric_day",
        r"(?:(?:the\s+)?(?:next|following|previous|preceding|same|prior)|that)\s+"
        rf"(?P<unit>day|morning|evening|night|{PARTS_RE})"
        r"|the\s+(?P<unit2>day|night|week)\s+(?:before|after|earlier|later)(?=\s*[,.;)])",
        lambda m, ctx: anaphoric_day(_unit2(m), ctx),
    ),
]


def _this(m: re.Match) -> re.Match:
    """ "the end of the year" reads as "this year" with a modifier."""
    return _Patched(m, {"rel": "this"})


def _unit2(m: re.Match) -> re.Match:
    """Alternatives that name the unit in a second group."""
    return _Patched(m, {"unit": g(m, "unit") or g(m, "unit2") or ""})


def _clock24(m: re.Match) -> re.Match:
    return _Patched(m, {"h": g(m, "h") or g(m, "h2"), "mi": g(m, "mi") or g(m, "mi2")})


def _q(m: re.Match) -> Res:
    q, y = int(m["qn"]), int(m["year2"])
    return Res("DATE", f"{y}-Q{q}", "quarter", date(y, 3 * q - 2, 1))


def setx_weekday(m: re.Match) -> Res:
    day = WEEKDAYS.index(m["unit"][:-1].capitalize()) + 1
    return Res("SET", f"XXXX-WXX-{day}")


class _Patched:
    """A match with some groups overridden, for resolvers shared between rules."""

    def __init__(self, m: re.Match, over: dict):
        self._m, self._over = m, over

    def __getitem__(self, name):
        return self._over[name] if name in self._over else self._m[name]

    def groupdict(self):
        return self._m.groupdict() | self._over

    def __getattr__(self, name):
        return getattr(self._m, name)


# ---------------------------------------------------------------------------- finding


@dataclass
class Candidate:
    start: int
    end: int
    rule: Rule
    match: re.Match
    res: Res | None = field(default=None)


DIGITS = tuple("0123456789")
MONTH_LITS = tuple(m.lower()[:3] for m in MONTH_NAMES)
WEEKDAY_LITS = tuple(w.lower()[:-3] for w in WEEKDAYS)
UNIT_LITS = ("second", "min", "hour", "hr", "day", "week", "fortnight", "month", "year", "yr")
UNIT_LITS += ("decade", "centur", "quarter")
SEASON_LITS = ("spring", "summer", "autumn", "fall", "winter")
REL_LITS = ("week", "month", "year", "decade", "century", "quarter", "morning", "afternoon")
REL_LITS += ("evening", "night", *SEASON_LITS)
SET_LITS = ("every", "each", "daily", "nightly", "weekly", "monthly", "annually", "yearly")
SET_LITS += ("hourly", "quarterly", "once", "twice", "times")
REF_LITS = ("now", "current", "present", "these days", "past", "future", "recent", "lately")
TRIGGERS = dict.fromkeys(("mdy", "dmy", "month_year", "month"), MONTH_LITS)
TRIGGERS |= dict.fromkeys(("numeric", "year", "year_range"), DIGITS)
TRIGGERS |= dict.fromkeys(("weekday", "weekday_plural"), WEEKDAY_LITS)
TRIGGERS |= dict.fromkeys(("relative_unit", "end_of"), REL_LITS)
TRIGGERS |= dict.fromkeys(("per_unit", "amount", "bare_units", "amount_pair"), UNIT_LITS)
TRIGGERS |= {
    "bc_year": ("bc", "b.c"),
    "yy": ("'",),
    "decade": ("0s", "0 's", "0's", "ties"),
    "century": ("century",),
    "day_word": ("today", "yesterday", "tomorrow", "tonight", "last night"),
    "season": SEASON_LITS,
    "quarter": ("quarter", "q1", "q2", "q3", "q4"),
    "clock": DIGITS + ("noon", "midday", "midn"),
    "set": SET_LITS,
    "reference": REF_LITS,
    "holiday": ("christmas", "new year"),
    "anaphoric_day": ("day", "morning", "evening", "night", "afternoon", "week"),
}


def line_spans(text: str) -> list[tuple[int, int]]:
    """Lines (paragraphs): expressions never cross them, so rules can run line by line."""
    spans, start = [], 0
    for m in re.finditer(r"\n", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def candidates(text: str) -> list[Candidate]:
    """Every rule's matches that pass its context check. A rule only runs on the lines
    holding one of its trigger words (a substring test), which keeps long articles fast."""
    lower = text.lower()
    found = []
    for start, end in line_spans(text):
        line = lower[start:end]
        for r in RULES:
            if not any(word in line for word in TRIGGERS.get(r.name, ("",))):
                continue
            for m in r.pattern.finditer(text, start, end):
                if r.check and not r.check(m, text):
                    continue
                span = m.span("t") if "t" in m.groupdict() else m.span()
                if span[1] > span[0]:
                    found.append(Candidate(*span, r, m))
    return found


def select(found: list[Candidate], size: int) -> list[Candidate]:
    """Longest first; a candidate overlapping one already taken is dropped."""
    taken = bytearray(size)
    chosen = []
    order = {id(r): i for i, r in enumerate(RULES)}
    for c in sorted(found, key=lambda c: (c.start - c.end, order[id(c.rule)], c.start)):
        if not any(taken[c.start : c.end]):
            taken[c.start : c.end] = b"\x01" * (c.end - c.start)
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def honest(res: Res, ctx: Ctx) -> Res:
    """Cut a relative value back to the precision of the reference it came from."""
    if not res.needs or res.value is None or res.precision not in RANK:
        return res
    ref_precision = ctx.used
    if ref_precision is None or RANK[res.needs] >= RANK[ref_precision]:
        return res
    if RANK[res.precision] >= RANK[ref_precision]:
        return res
    cut = at(res.point, ref_precision)
    return Res(res.type if not res.tail else "DATE", cut.value, ref_precision, cut.point)


def resolve_all(chosen: list[Candidate], ctx: Ctx) -> None:
    """Normalise in text order; each calendar date becomes the anchor for what follows."""
    for c in chosen:
        ctx.used = None
        try:
            res = c.rule.resolve(c.match, ctx)
        except (ValueError, KeyError, IndexError, OverflowError):
            res = None
        if res is None:
            continue
        c.res = honest(res, ctx)
        if c.res.point is not None and c.res.precision in RANK and c.res.type in ("DATE", "TIME"):
            ctx.anchor, ctx.anchor_precision = c.res.point, c.res.precision


GLUE = re.compile(r"\s*(?:,|on|at|of)?\s*", re.I)


@dataclass
class Found:
    """A timex on its way out, remembering whether it is a bare clock time."""

    tx: Timex
    clock: bool = False
    tail: str = ""

    def is_day(self) -> bool:
        return self.tx.type == "DATE" and self.tx.precision == "day" and bool(self.tx.value)


def merge_clocks(chosen: list[Candidate], text: str) -> list[Timex]:
    """ "15:00 GMT Saturday", "Monday 30 May 2005 01.58 BST": one TIME on that day."""
    out: list[Found] = []
    for c in chosen:
        if c.res is None:
            continue
        span = text[c.start : c.end]
        tx = Timex(c.start, c.end, span, c.res.type, value_of(c.res), c.res.precision)
        cur = Found(tx, c.rule.clock, c.res.tail)
        prev = out[-1] if out else None
        if prev and GLUE.fullmatch(text[prev.tx.end : c.start]) and joinable(prev, cur):
            out[-1] = join(prev, cur, text)
        else:
            out.append(cur)
    return [f.tx for f in out]


def joinable(a: Found, b: Found) -> bool:
    return (a.clock and b.is_day()) or (b.clock and a.is_day())


def join(a: Found, b: Found, text: str) -> Found:
    clock, day = (a, b) if a.clock else (b, a)
    value = f"{day.tx.value}{clock.tail}"
    return Found(Timex(a.tx.start, b.tx.end, text[a.tx.start : b.tx.end], "TIME", value, "day"))


def value_of(res: Res) -> str | None:
    if res.value is None:
        return None
    return res.value + res.tail if res.tail and "T" not in res.value else res.value


def find_timexes(
    text: str, dct: str | None, dct_precision: str | None, *, narrative: bool = False
) -> list[Timex]:
    """All temporal expressions in `text`, normalised against the DCT (an ISO date,
    month or year; None when unknown: relative expressions then get value None)."""
    day, precision = parse_dct(dct, dct_precision)
    ctx = Ctx(text, day, precision, narrative, day, precision)
    chosen = select(candidates(text), len(text))
    resolve_all(chosen, ctx)
    return merge_clocks(chosen, text)


SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘(]?[A-Z])|\n")


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Character bounds of the sentence around text[start:end]."""
    starts, ends = _breaks(text)
    before = bisect_right(ends, start) - 1  # the last break that ends by `start`
    after = bisect_left(starts, end)  # the first break that starts at or after `end`
    return (ends[before] if before >= 0 else 0), (
        starts[after] if after < len(starts) else len(text)
    )


@lru_cache(maxsize=4)
def _breaks(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the sentence breaks, found once per text (an article's events
    all ask about the same text)."""
    found = list(SENTENCE_BREAK.finditer(text))
    return [m.start() for m in found], [m.end() for m in found]


REFERENCE_PREP = re.compile(r"\b(?:[Ss]ince|[Ff]ollowing|[Aa]fter)\s+")
CLAUSE_MARK = re.compile(r"[;:()]|,(?!\d)")  # not "6,000"
DETERMINER_END = re.compile(r"(?:^|\s)(?:the|a|an|its|their|his|her)\s+$", re.I)
NOUN_AFTER = re.compile(r"\s+([a-z][a-z-]+)")
NOT_NOUN = {"and", "or", "to", "when", "as", "after", "before", "in", "on", "at", "by", "for"}
# words that keep "since the end of 2020" a date rather than an event used as a landmark
TIME_WORDS = {
    "the", "a", "an", "end", "start", "beginning", "middle", "turn", "close", "early", "late",
    "mid", "of", "first", "last", "second", "half", "part", "around", "about", "at", "least",
    "in", "on", "spring", "summer", "autumn", "fall", "winter", "this", "that",
}  # fmt: skip
RELATIVE_CLAUSE = re.compile(
    r",\s*(?:which|who|whom|whose|where)\b|\b(?:that|which|who)\s+(?:had|has|have|was|were|\w+ed)\b"
)


def landmark_span(text: str, lo: int, tx: Timex) -> tuple[int, int] | None:
    """The span of a landmark phrase holding the timex: "since the 2020 war", "following
    the 2011 uprising", "since a war with Armenia killed thousands three years ago". The
    year dates the landmark, not the sentence's other events ("the worst fighting since
    the 2020 war" is today's fighting). None when the timex heads its own phrase
    ("since 1994", "since the end of 2020")."""
    clause = max((m.end() for m in CLAUSE_MARK.finditer(text, lo, tx.start)), default=lo)
    preps = list(REFERENCE_PREP.finditer(text, clause, tx.start))
    if not preps:
        return None
    prep = preps[-1]
    between = text[prep.end() : tx.start]
    noun = NOUN_AFTER.match(text, tx.end)
    if (
        re.fullmatch(r"\d{4}", tx.value or "")
        and DETERMINER_END.search(" " + between)
        and noun
        and noun[1] not in NOT_NOUN
    ):
        return prep.start(), noun.end()
    words = re.findall(r"[A-Za-z-]+", between)
    if any(w.lower() not in TIME_WORDS for w in words):
        return prep.start(), tx.end
    return None


def governing_timex(timexes: list[Timex], text: str, start: int, end: int) -> Timex | None:
    """The timex most likely dating an event whose trigger is text[start:end]: a calendar
    DATE/TIME in the same sentence, the nearest one, preferring one in the same clause
    (no comma or semicolon in between) and not one in a relative clause after the
    trigger (", which held them since 1994", "a war that followed the collapse in 1991").
    Durations, sets and "now" never date an event; a decade does, to no ledger date
    (`event_date` is None). A landmark ("since the 2020 war") dates only what is inside
    it or beyond a comma after it.
    In "X said on Tuesday that Y attacked", the reporting date is what the sentence
    gives; it is an upper bound for Y's date and usually the same day in news."""
    lo, hi = sentence_span(text, start, end)
    best, best_score = None, None
    for tx in timexes:
        if tx.end <= lo or tx.start >= hi or not (event_date(tx) or tx.precision == "decade"):
            continue
        span = landmark_span(text, lo, tx)
        outside = span and not span[0] <= start < span[1]
        if outside and (start < span[0] or not re.search(r"[,;]", text[span[1] : start])):
            continue
        gap = text[min(tx.end, end) : max(tx.start, start)]
        score = abs((tx.start + tx.end) // 2 - (start + end) // 2) + 1000 * gap.count(",")
        score += 1000 * gap.count(";") + (200 if tx.start < start else 0)
        score += 3000 if tx.start >= end and RELATIVE_CLAUSE.search(gap) else 0
        if best_score is None or score < best_score:
            best, best_score = tx, score
    return best


def event_date(tx: Timex) -> tuple[str, str] | None:
    """The ledger's (date, day|month|year) for a timex, or None when it names no
    calendar period (durations, sets, "now", decades): weeks become the month (or the
    year) they fall in, quarters and seasons their year."""
    if tx.type not in ("DATE", "TIME") or not tx.value or tx.precision not in RANK:
        return None
    value = tx.value.split("T")[0] if tx.type == "TIME" else tx.value
    if tx.precision in ("day", "month", "year"):
        return value[: {"day": 10, "month": 7, "year": 4}[tx.precision]], tx.precision
    if tx.precision == "week":
        m = re.match(r"(\d{4})-W(\d{2})", value)
        if not m:
            return None
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        sunday = monday + timedelta(days=min(6, (date.max - monday).days))
        if (monday.year, monday.month) == (sunday.year, sunday.month):
            return f"{monday.year:04d}-{monday.month:02d}", "month"
        return (f"{monday.year:04d}", "year") if monday.year == sunday.year else None
    if tx.precision in ("quarter", "season") and re.match(r"\d{4}", value):
        return value[:4], "year"
    return None
