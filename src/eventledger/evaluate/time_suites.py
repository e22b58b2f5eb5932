"""Time suites: score the date modules on outside gold.

- timex: TIMEX3 recognition and normalisation on TempEval-3 platinum (20 news documents,
  each with its DCT), scored the TempEval-3 way: strict (same span) and relaxed
  (overlapping span) precision/recall/F1, and value F1 = precision and recall of
  relaxed-matched timexes whose value is also right. Main metric: relaxed span F1.
  WikiWars (22 Wikipedia war narratives, SynTime's TIMEX3 conversion) is scored the
  same way in narrative mode (relative expressions follow the last date mentioned)
  and reported under `wikiwars`; it has no floor.
- dating: publication dates of the 4,650 Timeline17 articles (the folder name is the
  gold date, never shown to the system; the PTB tokenisation is undone first, as a
  scraper would hand us the text). Each topic folder is one user corpus: text-only
  dates first (`published.estimate_published`), then the undated articles are anchored
  on the dated ones of their topic (`anchor.anchor_dates`). Over the articles answered:
  year accuracy (main), exact-day and within-7-days accuracy (only day claims can be
  either), the precision of day claims; coverage; and the same accuracies over all
  articles (`*_all`, no answer counts as wrong), which is how the "latest explicit date"
  baseline reaches ~0.38 within 7 days. `details.text_only` holds the text-only figures,
  `details.corpus_only` those of the anchored articles alone; `details.reference` gives
  the baseline and two ceilings for text-only dating: the share of texts naming the gold
  year at all, and holding any explicit date within 7 days of it.

Gold is read from the shared folder at run time and never copied into the repo.
"""

from __future__ import annotations

import html
import re
import tarfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from eventledger.dates.anchor import Anchored, CorpusArticle, anchor_dates
from eventledger.dates.published import estimate_published
from eventledger.dates.timex import Timex, find_timexes

FLOORS = {"timex": 0.88, "dating": 0.90}
TE3_DIR = Path("eval-data/te3-platinum")
WIKIWARS_DIR = Path("eval-data/wikiwars/timex3-tml-converted")
T17_TAR = Path("eval-data/t17/articles.tar.gz")


def ratio(num: float, den: float) -> float:
    return round(num / den, 4) if den else 0.0


def f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


# ---------------------------------------------------------------------------- TimeML


@dataclass
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass
class TmlDoc:
    name: str
    text: str
    dct: str
    gold: list[GoldTimex]


TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


def read_tml(path: Path) -> TmlDoc:
    """The TEXT element as plain text (entities decoded) with gold TIMEX3 offsets."""
    raw = path.read_text("utf-8")
    dct = re.search(r'functionInDocument="CREATION_TIME"[^>]*value="([^"]+)"', raw)
    dct = dct or re.search(r'value="([^"]+)"[^>]*functionInDocument="CREATION_TIME"', raw)
    body = raw[raw.index("<TEXT>") + 6 : raw.index("</TEXT>")]
    parts: list[str] = []
    gold: list[GoldTimex] = []
    open_timex: tuple[int, dict] | None = None
    pos = 0
    for m in TAG.finditer(body):
        parts.append(html.unescape(body[pos : m.start()]))
        pos = m.end()
        offset = sum(map(len, parts))
        if m[2] != "TIMEX3":
            continue
        if not m[1]:
            open_timex = (offset, dict(ATTR.findall(m[3])))
        elif open_timex:
            start, attrs = open_timex
            text = "".join(parts)[start:offset]
            gold.append(
                GoldTimex(start, offset, text, attrs.get("type", ""), attrs.get("value", ""))
            )
            open_timex = None
    parts.append(html.unescape(body[pos:]))
    return TmlDoc(path.stem, "".join(parts), dct[1] if dct else "", gold)


@dataclass
class SpanScore:
    """Counts over a corpus, TempEval-3 style."""

    n_gold: int = 0
    n_sys: int = 0
    strict: int = 0
    relaxed: int = 0
    value: int = 0
    type: int = 0

    def add(self, gold: list[GoldTimex], sys: list[Timex], errors: list) -> None:
        self.n_gold += len(gold)
        self.n_sys += len(sys)
        used: set[int] = set()
        for s in sys:
            hit = next((i for i, gt in enumerate(gold) if i not in used and overlap(gt, s)), None)
            if hit is None:
                errors.append(("spurious", s.text, s.value))
                continue
            used.add(hit)
            gt = gold[hit]
            self.relaxed += 1
            self.strict += (gt.start, gt.end) == (s.start, s.end)
            self.type += gt.type == s.type
            self.value += gt.value == s.value
            if gt.value != s.value:
                errors.append(("value", f"{s.text} | {gt.text}", f"{s.value} | {gt.value}"))
        errors.extend(("missed", gt.text, gt.value) for i, gt in enumerate(gold) if i not in used)

    def metrics(self) -> dict:
        out = {}
        for name, hits in (("strict", self.strict), ("relaxed", self.relaxed)):
            p, r = ratio(hits, self.n_sys), ratio(hits, self.n_gold)
            out |= {f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f1(p, r)}
        for name, hits in (("value", self.value), ("type", self.type)):
            p, r = ratio(hits, self.n_sys), ratio(hits, self.n_gold)
            out |= {f"{name}_f1": f1(p, r), f"{name}_accuracy": ratio(hits, self.relaxed)}
        return out | {"n_gold": self.n_gold, "n_system": self.n_sys}


def overlap(a, b) -> bool:
    return a.start < b.end and b.start < a.end


def score_tml(paths: list[Path], narrative: bool) -> tuple[dict, list]:
    score, errors = SpanScore(), []
    for path in paths:
        doc = read_tml(path)
        score.add(doc.gold, find_timexes(doc.text, doc.dct, None, narrative=narrative), errors)
    return score.metrics(), errors


def error_summary(errors: list, top: int = 25) -> dict:
    """The commonest misses, spurious tags and wrong values, for the next round of rules."""
    kinds: dict[str, Counter] = {}
    for kind, text, value in errors:
        kinds.setdefault(kind, Counter())[f"{text} -> {value}"] += 1
    return {k: [[t, n] for t, n in c.most_common(top)] for k, c in sorted(kinds.items())}


def run_timex(shared: Path) -> dict:
    """TempEval-3 platinum (news mode, floors) and WikiWars (narrative mode)."""
    started = time.perf_counter()
    te3, te3_errors = score_tml(sorted((shared / TE3_DIR).glob("*.tml")), narrative=False)
    ww_paths = sorted((shared / WIKIWARS_DIR).glob("*.tml"))
    wikiwars, ww_errors = score_tml(ww_paths, narrative=True) if ww_paths else ({}, [])
    details = {
        "te3_errors": error_summary(te3_errors),
        "wikiwars_errors": error_summary(ww_errors, top=15),
        "floors": {"relaxed_f1": 0.88, "value_f1": 0.75},
        "seconds": round(time.perf_counter() - started, 2),
    }
    return {
        "suite": "timex",
        "metric": "relaxed_f1",
        "relaxed_f1": te3["relaxed_f1"],
        "floor": FLOORS["timex"],
        "n": te3["n_gold"],
        **{k: v for k, v in te3.items() if k != "relaxed_f1"},
        "wikiwars": wikiwars,
        "details": details,
    }


# ---------------------------------------------------------------------------- dating


@dataclass
class Article:
    name: str
    gold: date
    text: str


T17_PATH = re.compile(r"(?:^|/)([^/]+)/InputDocs/(\d{4}-\d{2}-\d{1,2})/([^/]+)$")


def t17_files(shared: Path) -> Iterator[tuple[str, str, str, date, str]]:
    """(topic folder, date folder, file name, publication date, text) of every Timeline17
    article, in archive order; the folder date is the gold (the known bad "2011-04-0" is
    read as 2011-04-02, as tilse does)."""
    with tarfile.open(shared / T17_TAR) as tar:
        for member in tar:
            m = T17_PATH.search(member.name)
            if not member.isfile() or not m:
                continue
            y, mo, d = (int(x) for x in m[2].split("-"))
            text = tar.extractfile(member).read().decode("utf-8", "replace")
            yield m[1], m[2], m[3], date(y, mo, d or 2), text


def t17_articles(shared: Path) -> list[Article]:
    """Every article file, by name, with its folder date as the gold."""
    out = [Article(f"{t}/{d}/{f}", day, text) for t, d, f, day, text in t17_files(shared)]
    return sorted(out, key=lambda a: a.name)


def detok(text: str) -> str:
    """Undo the PTB tokenisation of the T17 files (-LRB-, `` '', spaced commas), as a
    scraper would hand us the text."""
    for a, b in (("-LRB-", "("), ("-RRB-", ")"), ("``", '"'), ("''", '"'), ("\\/", "/")):
        text = text.replace(a, b)
    text = re.sub(r" ([,.;:!?%)]|'s|n't|'re|'ll|'ve|'d|'m)(?=\s|$)", r"\1", text)
    return re.sub(r"([($]) ", r"\1", text)


def parse_value(value: str) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in value.split("-")]
    return parts[0], parts[1] if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


@dataclass
class DatingScore:
    """Counts for the dating suite; see `metrics` for the definitions."""

    n: int = 0
    answered: int = 0
    year: int = 0
    day_claims: int = 0
    exact_day: int = 0
    within7: int = 0
    month_claims: int = 0
    month_right: int = 0

    def add(self, gold: date, value: str | None, precision: str | None) -> str:
        self.n += 1
        if not value:
            return "none"
        self.answered += 1
        y, m, d = parse_value(value)
        self.year += y == gold.year
        if precision == "day" and m and d:
            self.day_claims += 1
            gap = abs((date(y, m, d) - gold).days)
            self.exact_day += gap == 0
            self.within7 += gap <= 7
            return "day_right" if gap == 0 else "day_near" if gap <= 7 else "day_wrong"
        if precision == "month":
            self.month_claims += 1
            self.month_right += (y, m) == (gold.year, gold.month)
            return "month"
        return "year"

    def metrics(self) -> dict:
        """Accuracies over the articles answered (a year claim is right when the year is;
        only day claims can be an exact day or within 7 days), the same over all
        articles (`*_all`, no answer = wrong: the reading of the "latest explicit date"
        baseline), the precision of day claims and the coverage."""
        return {
            "year_accuracy": ratio(self.year, self.answered),
            "exact_day_accuracy": ratio(self.exact_day, self.answered),
            "within_7_days": ratio(self.within7, self.answered),
            "day_claim_precision": ratio(self.exact_day, self.day_claims),
            "day_claim_within_7": ratio(self.within7, self.day_claims),
            "month_claim_precision": ratio(self.month_right, self.month_claims),
            "coverage": ratio(self.answered, self.n),
            "day_coverage": ratio(self.day_claims, self.n),
            "year_accuracy_all": ratio(self.year, self.n),
            "exact_day_accuracy_all": ratio(self.exact_day, self.n),
            "within_7_days_all": ratio(self.within7, self.n),
        }


@dataclass
class Reference:
    """Yardsticks from the explicit full dates in each text: the latest one taken as the
    publication date (the naive baseline), and whether any lies within 7 days of the
    gold or the text names the gold year at all (ceilings for text-only dating)."""

    baseline: DatingScore = field(default_factory=DatingScore)
    any_date_within_7: int = 0
    gold_year_named: int = 0

    def add(self, text: str, gold: date) -> None:
        days, years = [], set()
        for tx in find_timexes(text, None, None):
            if tx.value and re.match(r"\d{4}", tx.value) and tx.type in ("DATE", "TIME"):
                years.add(int(tx.value[:4]))
            if tx.precision == "day" and tx.value and re.match(r"\d{4}-\d\d-\d\d", tx.value):
                days.append(date.fromisoformat(tx.value[:10]))
        latest = max(days, default=None)
        self.baseline.add(gold, latest.isoformat() if latest else None, "day")
        self.any_date_within_7 += any(abs((d - gold).days) <= 7 for d in days)
        self.gold_year_named += gold.year in years

    def summary(self) -> dict:
        base = self.baseline.metrics()
        keep = ("year_accuracy", "within_7_days", "day_claim_precision", "coverage")
        return {
            "latest_explicit_date": {k: base[k] for k in keep}
            | {"within_7_days_all": base["within_7_days_all"]},
            "ceiling_any_explicit_date_within_7_days_all": ratio(
                self.any_date_within_7, self.baseline.n
            ),
            "ceiling_gold_year_named_in_text_all": ratio(self.gold_year_named, self.baseline.n),
        }


def corpus_dates(articles: list[Article], texts: list[str], estimates: list) -> dict[str, Anchored]:
    """Anchoring within each topic folder, the way a user runs eventledger on a pile of
    articles about one topic: the text-only dates anchor the rest."""
    topics: dict[str, list[CorpusArticle]] = {}
    for art, text, est in zip(articles, texts, estimates, strict=True):
        topics.setdefault(art.name.split("/")[0], []).append(
            CorpusArticle(art.name, text, None, est.value, est.precision, est.source)
        )
    found: dict[str, Anchored] = {}
    for pile in topics.values():
        found |= anchor_dates(pile)
    return found


def run_dating(shared: Path) -> dict:
    """Publication dates of the Timeline17 articles: from their text, then anchored on
    the dated articles of their topic."""
    started = time.perf_counter()
    articles = t17_articles(shared)
    texts = [detok(art.text) for art in articles]
    estimates = [estimate_published(text, []) for text in texts]
    text_seconds = time.perf_counter() - started
    anchored = corpus_dates(articles, texts, estimates)
    seconds = round(time.perf_counter() - started, 2)
    score, text_only, corpus_only, reference = (
        DatingScore(),
        DatingScore(),
        DatingScore(),
        Reference(),
    )
    by_source: dict[str, DatingScore] = {}
    outcomes: Counter[str] = Counter()
    wrong_days: list[list[str]] = []
    for art, est in zip(articles, estimates, strict=True):
        text_only.add(art.gold, est.value, est.precision)
        value, precision, source = est.value, est.precision, est.source
        if art.name in anchored:
            got = anchored[art.name]
            value, precision, source = got.value, got.precision, got.source
            corpus_only.add(art.gold, value, precision)
        outcome = score.add(art.gold, value, precision)
        by_source.setdefault(art.name.split("/")[0], DatingScore()).add(art.gold, value, precision)
        outcomes[f"{source}:{outcome}"] += 1
        if outcome in ("day_wrong", "day_near") and len(wrong_days) < 15:
            wrong_days.append([art.name, art.gold.isoformat(), value or "", source])
    for art, text in zip(articles, texts, strict=True):
        reference.add(text, art.gold)
    metrics = score.metrics()
    keep = ("year_accuracy", "within_7_days", "day_claim_precision", "coverage")
    details = {
        "text_only": text_only.metrics(),
        "corpus_only": corpus_only.metrics() | {"n": corpus_only.n},
        "outcomes": dict(outcomes.most_common()),
        "by_source": {k: {m: v.metrics()[m] for m in keep} for k, v in sorted(by_source.items())},
        "reference": reference.summary(),
        "wrong_day_examples": wrong_days,
        "floors": {"year_accuracy": 0.90, "within_7_days": 0.60, "day_claim_precision": 0.85},
        "seconds_text": round(text_seconds, 2),
        "seconds": seconds,
        "seconds_with_reference": round(time.perf_counter() - started, 2),
    }
    main = metrics.pop("year_accuracy")
    return {
        "suite": "dating",
        "metric": "year_accuracy",
        "year_accuracy": main,
        "floor": FLOORS["dating"],
        "n": score.n,
        **metrics,
        "details": details,
    }
