"""Publication dates for undated articles, anchored on the dated articles of the corpus.

A pile of scraped articles about one topic is dated unevenly: some carry a stamp, most
carry none. An undated article still says when it was written, only relative to a
calendar it does not name: "said on Tuesday", "the boat set sail May 28", a dateline
"LONDON, July 27 -". The corpus supplies the missing calendar:

- the dated articles of the corpus give the span of time the pile covers (a smoothed
  density of their days), and the dated articles most similar to this one (TF-IDF over
  terms rare enough to name a story, found by sparse products, never an all-pairs dense
  matrix) say when its story ran;
- the article's own clues, resolved against each candidate day, say how well that day
  fits: a month-day it mentions ("May 28", a dateline) is usually at most a few days old;
  a weekday it names bare is usually that day or the day before (news reading).

The two multiply into a score over the candidate days; its normalised mass on the best
day, month and year decides the claim: the day only when the mass on it is high, else
the month, else the year, else nothing. The mass is overconfident, so the thresholds
sit where the claims held up on Timeline17 (day 0.9, month 0.9, year 0.8: day claims
0.92 exact, month claims 0.86, year claims 0.98). How this corpus's datelines and
weekdays relate to its publication days is learnt from its dated articles (a print
paper's dateline is the day before). Day-dated articles anchor the next round.

Input: `CorpusArticle` records (the store's articles; articles dated only to a month or
year are refined inside it). Output: {article id: `Anchored`} for the articles that
had no day-precision date and got a more precise one here, `source == "corpus"`.
Pure: no I/O, no state. Cost: one timex pass over each article's first 4,000 characters,
TF-IDF with story-level terms (document frequency capped, so the sparse products stay
near-linear) and per-article vector scoring over the corpus's span of days.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from eventledger.dates.published import NOT_BARE, dateline
from eventledger.dates.timex import find_timexes

RANK = {"day": 0, "month": 1, "year": 2, None: 9}
NEIGHBOURS = 5  # dated articles kept per undated one
MIN_SIMILARITY = 0.01  # cosine below which two articles share nothing worth a name
MAX_DF_SHARE = 0.05  # terms in more than this share of the corpus name the topic, not a story
MAX_DF_DOCS = 2000  # and never more than this many: bounds the sparse products
MARGIN_DAYS = 45  # candidate days reach this far beyond the dated articles' span
MAX_SPAN_DAYS = 3 * 366  # a day grid wider than this is cut to the neighbours' years
CLUE_CHARS = 4000  # relative clues sit in the lead; the tagger's cost grows with the text
CORPUS_SHARE = 0.9  # of the prior: the rest is flat over the candidate days
NEIGHBOUR_SHARE = 0.8  # of the prior when the article has dated neighbours
NEIGHBOUR_SCALE = 7.0  # days: a story runs for a few days around its dated articles
# claim thresholds on the normalised score mass (see module docstring)
DAY_MASS, MONTH_MASS, YEAR_MASS = 0.9, 0.9, 0.8

# How news text relates to its own day (generic conventions, rounded):
# the latest bare weekday named is the day itself or the day before;
WEEKDAY_LAG = np.log([0.5, 0.28, 0.07, 0.05, 0.04, 0.03, 0.03])
# the latest month-day mentioned is the day itself, the day before, or within a week;
# older ones are background and say little.
GAP_DAY0, GAP_DAY1, GAP_WEEK, GAP_OLD = 0.28, 0.08, 0.025, 0.0015
# a dateline's month-day is the day of writing: the publication day, or the day before
# in print; only the corpus's dated articles can tell which (see `learn_lags`)
DATELINE_GAP = np.log([0.45, 0.4])
DATELINE_OTHER = math.log(0.002)
# mentioning a date in the next month as if past is unusual (future plans do it)
FUTURE_MENTION = math.log(0.3)
# a year the text names is more likely its own; a later year named makes it unlikely
YEAR_NAMED, YEAR_BEFORE_NAMED = math.log(2.0), math.log(0.3)
# weight of the dated articles' own lags against the generic ones above (pseudo-counts)
LAG_PSEUDO = 20


@dataclass
class CorpusArticle:
    """An article of the corpus: `published` is an ISO value at `precision`
    (day|month|year) or None; `source` says where it came from (stamp, meta, ...)."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None
    precision: str | None = None
    source: str = "none"


@dataclass
class Anchored:
    """A corpus-anchored publication date: `value` at `precision`, the share of the score
    mass behind it (`confidence`), and the dated articles that anchored it."""

    value: str
    precision: str
    confidence: float
    anchors: list[str] = field(default_factory=list)
    source: str = "corpus"


# ---------------------------------------------------------------------------- clues


@dataclass
class Clues:
    """What an article's text says about its own day, before knowing the year."""

    weekdays: Counter = field(default_factory=Counter)  # 0 = Monday
    month_days: list[tuple[int | None, int, int]] = field(default_factory=list)  # (y, m, d)
    dateline: tuple[int, int] | None = None
    years: set[int] = field(default_factory=set)


MONTH_DAY = re.compile(r"(XXXX|\d{4})-(\d\d)-(\d\d)")
WEEKDAY = re.compile(r"XXXX-WXX-(\d)(?:T\w+)?")


def clues_of(text: str) -> Clues:
    """One pass of the timex tagger without a DCT: yearless month-days, full dates, bare
    weekdays and the dateline stay as written."""
    text = text[:CLUE_CHARS]
    clues = Clues(dateline=dateline(text))
    for tx in find_timexes(text, None, None):
        value = tx.value or ""
        if m := MONTH_DAY.match(value):
            year = None if m[1] == "XXXX" else int(m[1])
            clues.month_days.append((year, int(m[2]), int(m[3])))
        elif (m := WEEKDAY.fullmatch(value)) and not NOT_BARE.search(
            text[max(0, tx.start - 12) : tx.start]
        ):
            clues.weekdays[int(m[1]) - 1] += 1
        if re.fullmatch(r"\d{4}", value[:4]) and tx.type in ("DATE", "TIME"):
            clues.years.add(int(value[:4]))
    return clues


# ---------------------------------------------------------------------------- scores


def occurrences(month: int, day: int, years: range) -> np.ndarray:
    """Ordinals of a month-day in each year (Feb 29 only where it exists)."""
    out = []
    for y in years:
        with suppress(ValueError):
            out.append(date(y, month, day).toordinal())
    return np.array(out, dtype=np.int64)


def latest_gap(days: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Days since the latest occurrence on or before each day (large when none)."""
    if occ.size == 0:
        return np.full(days.shape, 10**6)
    i = np.searchsorted(occ, days, side="right") - 1
    return np.where(i >= 0, days - occ[np.maximum(i, 0)], 10**6)


def next_gap(days: np.ndarray, occ: np.ndarray) -> np.ndarray:
    """Days until the next occurrence after each day (large when none)."""
    if occ.size == 0:
        return np.full(days.shape, 10**6)
    i = np.searchsorted(occ, days, side="right")
    return np.where(i < occ.size, occ[np.minimum(i, occ.size - 1)] - days, 10**6)


def gap_loglik(gap: np.ndarray) -> np.ndarray:
    p = np.where(gap == 0, GAP_DAY0, np.where(gap == 1, GAP_DAY1, GAP_OLD))
    return np.log(np.where((gap >= 2) & (gap <= 8), GAP_WEEK, p))


@dataclass
class Lags:
    """How the corpus's text relates to its day: log-probabilities that the latest bare
    weekday named lies 0..6 days before it, and that a dateline's month-day lies 0 or 1
    day before it (the rest of the dateline mass is spread thin)."""

    weekday: np.ndarray
    dateline: np.ndarray


def learn_lags(clues: dict[int, Clues], known: dict[int, int]) -> Lags:
    """The generic lags, moved toward what the corpus's dated articles show (a source
    that prints the next day puts its datelines a day before the publication date)."""
    weekday = np.exp(WEEKDAY_LAG) * LAG_PSEUDO
    line = np.array([*np.exp(DATELINE_GAP), 1 - np.exp(DATELINE_GAP).sum()]) * LAG_PSEUDO
    for i, day in known.items():
        c = clues[i]
        if c.weekdays:
            weekday[min((day - 1 - w) % 7 for w in c.weekdays)] += 1
        if c.dateline:
            gap = int(latest_gap(np.array([day]), occurrences(*c.dateline, years_around(day)))[0])
            line[min(gap, 2)] += 1
    return Lags(np.log(weekday / weekday.sum()), np.log(line[:2] / line.sum()))


def years_around(day: int) -> range:
    y = date.fromordinal(day).year
    return range(y - 1, y + 1)


def text_loglik(clues: Clues, days: np.ndarray, years: np.ndarray, lags: Lags) -> np.ndarray:
    """Log-likelihood of the article's clues for each candidate day (ordinals; `years`
    holds each day's year)."""
    score = np.zeros(days.shape)
    if clues.weekdays:
        weekday = (days - 1) % 7
        lag = np.stack([(weekday - w) % 7 for w in clues.weekdays]).min(axis=0)
        score += lags.weekday[lag]
    span = range(int(years[0]) - 1, int(years[-1]) + 1)
    if clues.month_days:
        occ = [occurrences(m, d, range(y, y + 1) if y else span) for y, m, d in clues.month_days]
        occ = np.unique(np.concatenate(occ))
        score += gap_loglik(latest_gap(days, occ))
        score += np.where(next_gap(days, occ) <= 30, FUTURE_MENTION, 0.0)
    if clues.dateline:
        gap = latest_gap(days, occurrences(*clues.dateline, span))
        score += np.where(gap <= 1, lags.dateline[np.minimum(gap, 1)], DATELINE_OTHER)
    if clues.years:
        named = np.isin(years, list(clues.years))
        score += np.where(named, YEAR_NAMED, 0.0)
        score += np.where(years < max(clues.years), YEAR_BEFORE_NAMED, 0.0)
    return score


def kernel(days: np.ndarray, centres: np.ndarray, weights: np.ndarray, scale: float) -> np.ndarray:
    """A weighted Laplace density around a few given days."""
    dist = np.abs(days[:, None] - centres[None, :]) / scale
    return (np.exp(-dist) * weights[None, :]).sum(axis=1) / (2 * scale * weights.sum())


def corpus_density(lo: int, hi: int, anchor_days: np.ndarray, scale: float = 7.0) -> np.ndarray:
    """The dated articles' days smoothed by a Laplace kernel, for each day lo..hi (a
    histogram convolution: linear in the corpus)."""
    counts = np.bincount(anchor_days - lo, minlength=hi - lo + 1).astype(float)
    reach = np.arange(-int(6 * scale), int(6 * scale) + 1)
    smooth = np.convolve(counts, np.exp(-np.abs(reach) / scale), mode="same")
    return smooth / smooth.sum()


# ---------------------------------------------------------------------------- neighbours


def story_vectors(articles: list[CorpusArticle]) -> sparse.csr_matrix:
    """TF-IDF rows over terms rare enough to name a story within the corpus."""
    n = len(articles)
    max_df = max(5, min(MAX_DF_DOCS, int(MAX_DF_SHARE * n)))
    vec = TfidfVectorizer(
        sublinear_tf=True,
        min_df=2,
        max_df=max_df if max_df < n else 1.0,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b[^\W\d_][\w-]+\b",
        dtype=np.float32,
    )
    texts = [f"{a.title or ''}\n{a.text}" for a in articles]
    try:
        return vec.fit_transform(texts).tocsr()
    except ValueError:  # no term survives (tiny corpus)
        return sparse.csr_matrix((n, 1), dtype=np.float32)


def nearest(
    vectors: sparse.csr_matrix, rows: list[int], cols: list[int], k: int, chunk: int = 2000
) -> dict[int, list[tuple[int, float]]]:
    """The k most similar `cols` for each of `rows` (sparse products by chunks)."""
    out: dict[int, list[tuple[int, float]]] = {}
    if not rows or not cols:
        return out
    right = vectors[cols].T.tocsc()
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        sims = (vectors[part] @ right).tocsr()
        for i, row in enumerate(part):
            lo, hi = sims.indptr[i], sims.indptr[i + 1]
            data, idx = sims.data[lo:hi], sims.indices[lo:hi]
            keep = data >= MIN_SIMILARITY
            data, idx = data[keep], idx[keep]
            order = np.argsort(-data)[:k]
            out[row] = [(cols[idx[j]], float(data[j])) for j in order if cols[idx[j]] != row]
    return out


# ---------------------------------------------------------------------------- decision


def day_of(a: CorpusArticle) -> int | None:
    if a.precision == "day" and a.published and re.match(r"\d{4}-\d\d-\d\d$", a.published):
        return date.fromisoformat(a.published).toordinal()
    return None


@dataclass
class Calendar:
    """Candidate days (ordinals) with their month keys ("2011-03") and years."""

    days: np.ndarray
    months: np.ndarray
    years: np.ndarray

    @classmethod
    def between(cls, lo: int, hi: int) -> Calendar:
        days = np.arange(lo, hi + 1)
        dates = [date.fromordinal(int(d)) for d in days]
        months = np.array([f"{d.year:04d}-{d.month:02d}" for d in dates])
        return cls(days, months, np.array([d.year for d in dates]))

    def part(self, lo: int, hi: int) -> Calendar:
        a, b = lo - int(self.days[0]), hi - int(self.days[0]) + 1
        return Calendar(self.days[a:b], self.months[a:b], self.years[a:b])


def claim(cal: Calendar, mass: np.ndarray, known: CorpusArticle) -> tuple[str, str, float]:
    """The most precise (value, precision, mass) the score supports, or ("", "", 0)."""
    best = int(mass.argmax())
    if mass[best] >= DAY_MASS:
        return date.fromordinal(int(cal.days[best])).isoformat(), "day", float(mass[best])
    for precision, labels, floor in (
        ("month", cal.months, MONTH_MASS),
        ("year", cal.years.astype(str), YEAR_MASS),
    ):
        keys, inverse = np.unique(labels, return_inverse=True)
        sums = np.bincount(inverse, weights=mass)
        top = int(sums.argmax())
        if sums[top] >= floor and RANK[precision] < RANK[known.precision]:
            return str(keys[top]), precision, float(sums[top])
    return "", "", 0.0


def grid_for(known: CorpusArticle, cal: Calendar, near: list[int]) -> Calendar:
    """Candidate days: the corpus span, inside the article's own year or month when it
    has one, cut to the neighbours' surroundings when the span is very wide."""
    lo, hi = int(cal.days[0]), int(cal.days[-1])
    if known.published and known.precision in ("year", "month"):
        first = date.fromisoformat((known.published + "-01-01")[:10])
        if known.precision == "year":
            last = date(first.year, 12, 31)
        else:
            last = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return Calendar.between(first.toordinal(), last.toordinal() - (known.precision == "month"))
    if hi - lo > MAX_SPAN_DAYS and near:
        lo, hi = max(lo, min(near) - 120), min(hi, max(near) + 120)
    return cal.part(lo, hi)


def anchor_dates(articles: list[CorpusArticle], rounds: int = 2) -> dict[str, Anchored]:
    """Dates for the articles without a day-precision date, from the dated ones about the
    same story and their own relative clues; see the module docstring. Each round lets
    the articles dated in the previous one anchor the rest."""
    known = {i: d for i, a in enumerate(articles) if (d := day_of(a)) is not None}
    if not known:
        return {}
    vectors = story_vectors(articles)
    clues = {i: clues_of(f"{a.title or ''}\n{a.text}") for i, a in enumerate(articles)}
    lags = learn_lags(clues, known)
    found: dict[str, Anchored] = {}
    todo = [i for i in range(len(articles)) if i not in known]
    for _ in range(rounds):
        anchor_days = np.array(sorted(known.values()))
        lo, hi = int(anchor_days[0]) - MARGIN_DAYS, int(anchor_days[-1]) + MARGIN_DAYS
        cal = Calendar.between(lo, hi)
        density = corpus_density(lo, hi, anchor_days)
        neighbours = nearest(vectors, todo, sorted(known), NEIGHBOURS)
        newly = {}
        for i in todo:
            near = neighbours.get(i, [])
            grid = grid_for(articles[i], cal, [known[j] for j, _ in near])
            days = grid.days
            inside = (days >= lo) & (days <= hi)
            spread = np.where(inside, density[np.clip(days - lo, 0, hi - lo)], 0.0)
            prior = CORPUS_SHARE * spread / max(spread.sum(), 1e-12)
            prior += (1 - CORPUS_SHARE) / days.size
            if near:
                centres = np.array([known[j] for j, _ in near], dtype=float)
                weights = np.array([s for _, s in near])
                share = NEIGHBOUR_SHARE
                prior = (1 - share) * prior + share * kernel(
                    days, centres, weights, NEIGHBOUR_SCALE
                )
            score = np.log(prior) + text_loglik(clues[i], days, grid.years, lags)
            mass = np.exp(score - score.max())
            mass /= mass.sum()
            value, precision, confidence = claim(grid, mass, articles[i])
            if value:
                ids = [articles[j].id for j, _ in near]
                found[articles[i].id] = Anchored(value, precision, round(confidence, 3), ids)
                if precision == "day":
                    newly[i] = date.fromisoformat(value).toordinal()
        if not newly:
            break
        known |= newly
        todo = [i for i in todo if i not in newly]
    return found
