"""Timeline summarisation suite: `eventledger timeline --tls` scored on Timeline17.

Setting (the news-tls one): the 4,650 T17 articles are pooled by topic (9 topics, the
source folders of a topic together, identical files once; the PTB tokenisation undone as a
scraper would hand us the text); for each of the 19 gold timelines the system gets the
articles published within the gold's first and last date, and is asked for as many dates as
the gold has and round(mean sentences per gold date) sentences a date. Gold timelines come
from `newstls-format/*/timelines.jsonl`; a date listed twice in a gold has its sentences
merged. No keywords: the data set's `keywords.json` files hold only the folder's topic
label ("bpoil", "H1N1", "Finan", "MJ"), not query terms; used the news-tls way (a summary
sentence must contain one) they match nothing for six of the nine topics; lower-cased,
the three that match ("finan", "h1n1", "haiti") leave some dates without a usable
sentence, and over the 19 timelines date F1 went 0.576 -> 0.569 and AR-1 0.125 -> 0.123
(measured once), so they are read but not applied (`keywords_in_file` in details).

Metrics, as tilse computes them (Martschat & Markert 2017/2018), written here in Python:
- date F1: the predicted and gold date sets;
- concat ROUGE-1/2: all daily summaries of each timeline joined into one text;
- AR-1/AR-2, tilse's "align+ m:1" (`align_date_content_costs_many_to_one`): each predicted
  date is aligned to the gold date of least cost, cost = (1 - 1/(|day gap| + 1)) times
  (1 - approximate ROUGE-1 F of the two daily summaries), and for recall each gold date to
  the predicted date of least cost the same way; matched n-grams count 1/(|day gap| + 1).
Scores are averaged over the 19 timelines the news-tls way: mean precision and mean recall,
then F1 of the two (the main metrics `date_f1`, `ar1_f`, ...); per-timeline F1 is in details.

ROUGE variant: tilse runs ROUGE-1.5.5 with `-m -s` (Porter stemming, stop words removed);
this is a re-implementation of that: text lower-cased, tokens are runs of [a-z0-9]
(ROUGE-1.5.5's tokenisation; punctuation dropped), stop words removed before n-grams are
formed, words longer than three letters stemmed with Porter's algorithm (written below,
checked on the examples of Porter's paper), a summary's sentences joined into one token
stream, clipped n-gram matches against the one gold timeline. One known difference: the
stop-word list is scikit-learn's English list (318 words), not ROUGE's SMART list (571
words), so a few more function words count here. The content term of the alignment cost
uses unstemmed tokens with stop words kept (tilse splits on white space there). Date F1
does not depend on any of this.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from eventledger.evaluate.time_suites import detok, t17_files
from eventledger.timeline.tls import Corpus, TimelineDay, TlsArticle, prepare, summarise_corpus

T17_GOLD = Path("eval-data/t17/newstls-format")
FLOORS = {"date_f1": 0.45, "ar1_f": 0.08}
ANCHORS = {"date_f1": 0.544, "ar1_f": 0.120}  # news-tls DATEWISE on T17
TOKEN = re.compile(r"[a-z0-9]+")

Timeline = dict[date, list[str]]


# ---------------------------------------------------------------------------- stemming

VOWELS = frozenset("aeiou")


def consonant(w: str, i: int) -> bool:
    if w[i] in VOWELS:
        return False
    return w[i] != "y" or i == 0 or not consonant(w, i - 1)


def measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences in the stem."""
    forms = "".join("c" if consonant(stem, i) else "v" for i in range(len(stem)))
    return forms.lstrip("c").count("vc") if forms else 0


def has_vowel(stem: str) -> bool:
    return any(not consonant(stem, i) for i in range(len(stem)))


def double_end(w: str) -> bool:
    return len(w) > 1 and w[-1] == w[-2] and consonant(w, len(w) - 1)


def cvc(w: str) -> bool:
    """Ends consonant-vowel-consonant, the last not w, x or y ("hop", not "snow")."""
    n = len(w)
    return (
        n >= 3
        and consonant(w, n - 3)
        and not consonant(w, n - 2)
        and consonant(w, n - 1)
        and w[-1] not in "wxy"
    )


STEP2 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("izer", "ize"),
    ("bli", "ble"),
    ("alli", "al"),
    ("entli", "ent"),
    ("eli", "e"),
    ("ousli", "ous"),
    ("ization", "ize"),
    ("ation", "ate"),
    ("ator", "ate"),
    ("alism", "al"),
    ("iveness", "ive"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("aliti", "al"),
    ("iviti", "ive"),
    ("biliti", "ble"),
    ("logi", "log"),
)
STEP3 = (
    ("icate", "ic"),
    ("ative", ""),
    ("alize", "al"),
    ("iciti", "ic"),
    ("ical", "ic"),
    ("ful", ""),
    ("ness", ""),
)
STEP4 = (
    "al",
    "ance",
    "ence",
    "er",
    "ic",
    "able",
    "ible",
    "ant",
    "ement",
    "ment",
    "ent",
    "ion",
    "ou",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
)


def replace(w: str, rules, min_m: int) -> str:
    """The longest matching suffix is replaced when its stem's m exceeds min_m."""
    for suffix, new in sorted(rules, key=lambda r: -len(r[0])):
        if w.endswith(suffix):
            stem = w[: len(w) - len(suffix)]
            return stem + new if measure(stem) > min_m else w
    return w


@lru_cache(maxsize=200_000)
def porter(w: str) -> str:
    """Porter's (1980) stemmer, as in the reference C version (ROUGE-1.5.5's `-m`)."""
    if len(w) <= 2:
        return w
    if w.endswith("sses") or w.endswith("ies"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    if w.endswith("eed"):
        if measure(w[:-3]) > 0:
            w = w[:-1]
    else:
        for suffix in ("ed", "ing"):
            if w.endswith(suffix) and has_vowel(w[: -len(suffix)]):
                w = w[: -len(suffix)]
                if w.endswith(("at", "bl", "iz")):
                    w += "e"
                elif double_end(w) and w[-1] not in "lsz":
                    w = w[:-1]
                elif measure(w) == 1 and cvc(w):
                    w += "e"
                break
    if w.endswith("y") and has_vowel(w[:-1]):
        w = w[:-1] + "i"
    w = replace(w, STEP2, 0)
    w = replace(w, STEP3, 0)
    for suffix in sorted(STEP4, key=len, reverse=True):
        if w.endswith(suffix):
            stem = w[: len(w) - len(suffix)]
            if measure(stem) > 1 and (suffix != "ion" or stem.endswith(("s", "t"))):
                w = stem
            break
    if w.endswith("e"):
        stem = w[:-1]
        if measure(stem) > 1 or (measure(stem) == 1 and not cvc(stem)):
            w = stem
    if measure(w) > 1 and double_end(w) and w.endswith("l"):
        w = w[:-1]
    return w


# ---------------------------------------------------------------------------- metrics


def tokens(sentences: list[str], stop: bool = True) -> list[str]:
    """ROUGE tokens: alphanumeric runs, lower-cased; stop words dropped and words longer
    than three letters Porter-stemmed (ROUGE-1.5.5 `-s -m`) unless `stop` is False."""
    out = []
    for s in sentences:
        for t in TOKEN.findall(s.lower()):
            if not stop:
                out.append(t)
            elif t not in ENGLISH_STOP_WORDS:
                out.append(porter(t) if len(t) > 3 else t)
    return out


def ngrams(toks: list[str], n: int) -> Counter:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


@dataclass
class Counts:
    """Clipped n-gram matches and the n-gram totals of prediction and gold."""

    hit: float = 0.0
    pred: int = 0
    gold: int = 0


def rouge_counts(pred: list[str], gold: list[str], n: int) -> Counts:
    p, g = ngrams(tokens(pred), n), ngrams(tokens(gold), n)
    return Counts(sum(min(c, g[k]) for k, c in p.items()), sum(p.values()), sum(g.values()))


def prf(hit_p: float, den_p: float, hit_r: float, den_r: float) -> dict[str, float]:
    p = hit_p / den_p if den_p else 0.0
    r = hit_r / den_r if den_r else 0.0
    return {"p": p, "r": r, "f": 2 * p * r / (p + r) if p + r else 0.0}


def date_scores(pred: Timeline, gold: Timeline) -> dict[str, float]:
    shared = len(set(pred) & set(gold))
    return prf(shared, len(pred), shared, len(gold))


def concat_rouge(pred: Timeline, gold: Timeline, n: int) -> dict[str, float]:
    c = rouge_counts(
        [s for d in sorted(pred) for s in pred[d]], [s for d in sorted(gold) for s in gold[d]], n
    )
    return prf(c.hit, c.pred, c.hit, c.gold)


def approx_rouge1(pred: list[str], gold: list[str]) -> float:
    """tilse's cheap ROUGE-1 F used only to choose alignments."""
    p, g = Counter(tokens(pred, stop=False)), Counter(tokens(gold, stop=False))
    hit = sum(min(c, g[t]) for t, c in p.items())
    return prf(hit, sum(p.values()), hit, sum(g.values()))["f"]


def align_many_to_one(pred: Timeline, gold: Timeline) -> tuple[list[int], list[int]]:
    """For each predicted date the gold date of least cost, and for each gold date the
    predicted one (tilse `_get_date_content_costs` + `_assign_to_min_cost`)."""
    pd_, gd = sorted(pred), sorted(gold)
    content = np.array([[approx_rouge1(pred[a], gold[b]) for b in gd] for a in pd_])
    gap = np.abs(np.subtract.outer([a.toordinal() for a in pd_], [b.toordinal() for b in gd]))
    cost = (1 - 1 / (gap + 1)) * (1 - content)
    return list(cost.argmin(axis=1)), list(cost.argmin(axis=0))


def align_rouge(pred: Timeline, gold: Timeline, ns: tuple[int, ...] = (1, 2)) -> dict:
    """AR-n, tilse's "align+ m:1"."""
    pd_, gd = sorted(pred), sorted(gold)
    if not pd_ or not gd:
        return {f"ar{n}": prf(0, 0, 0, 0) for n in ns}
    to_gold, to_pred = align_many_to_one(pred, gold)
    out = {}
    for n in ns:
        hp = dp = hr = dr = 0.0
        for i, j in enumerate(to_gold):
            c = rouge_counts(pred[pd_[i]], gold[gd[j]], n)
            hp += c.hit / (abs((pd_[i] - gd[j]).days) + 1)
            dp += c.pred
        for j, i in enumerate(to_pred):
            c = rouge_counts(pred[pd_[i]], gold[gd[j]], n)
            hr += c.hit / (abs((pd_[i] - gd[j]).days) + 1)
            dr += c.gold
        out[f"ar{n}"] = prf(hp, dp, hr, dr)
    return out


def score_timeline(pred: Timeline, gold: Timeline) -> dict[str, dict[str, float]]:
    return {
        "date": date_scores(pred, gold),
        "r1": concat_rouge(pred, gold, 1),
        "r2": concat_rouge(pred, gold, 2),
        **align_rouge(pred, gold),
    }


def average(scores: list[dict[str, dict[str, float]]]) -> dict[str, float]:
    """news-tls averaging: mean precision, mean recall, F1 of the two, per metric."""
    out = {}
    for m in scores[0]:
        p = sum(s[m]["p"] for s in scores) / len(scores)
        r = sum(s[m]["r"] for s in scores) / len(scores)
        out[m] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return out


# ---------------------------------------------------------------------------- data


def topic_of(folder: str) -> str:
    return folder.split("_")[0].lower()


def t17_topics(shared: Path) -> dict[str, list[TlsArticle]]:
    """Articles by topic, with the publication date from the folder name."""
    topics: dict[str, list[TlsArticle]] = defaultdict(list)
    for folder, _, _, day, text in t17_files(shared):
        topics[topic_of(folder)].append(TlsArticle(detok(text), day))
    return topics


@dataclass
class Gold:
    name: str
    topic: str
    timeline: Timeline
    keywords: list[str]


def read_gold(shared: Path) -> list[Gold]:
    out = []
    for folder in sorted((shared / T17_GOLD).iterdir()):
        keywords = json.loads((folder / "keywords.json").read_text("utf-8"))
        lines = (folder / "timelines.jsonl").read_text("utf-8").splitlines()
        for i, line in enumerate(x for x in lines if x.strip()):
            tl: Timeline = defaultdict(list)
            for day, sents in json.loads(line):
                tl[date.fromisoformat(day[:10])].extend(s.strip() for s in sents)
            out.append(Gold(f"{folder.name}/{i + 1}", topic_of(folder.name), dict(tl), keywords))
    return out


def predict(corpus: Corpus, gold: Timeline, keywords: list[str] | None = None) -> list[TimelineDay]:
    """A timeline in the standard setting: the gold's span, date count and mean length."""
    per_date = max(1, round(sum(len(s) for s in gold.values()) / len(gold)))
    return summarise_corpus(corpus, len(gold), per_date, keywords, min(gold), max(gold))


# ---------------------------------------------------------------------------- suite


def run_tls(shared: Path, topics: list[str] | None = None) -> dict:
    """Every T17 gold timeline (or those of `topics`), scored and averaged."""
    started = time.perf_counter()
    golds = [g for g in read_gold(shared) if topics is None or g.topic in topics]
    articles = t17_topics(shared)
    rows, scores, keywords = [], [], {}
    for topic in sorted({g.topic for g in golds}):
        corpus = prepare(articles[topic])
        for g in (g for g in golds if g.topic == topic):
            keywords[topic] = g.keywords
            days = predict(corpus, g.timeline)
            s = score_timeline({d.date: d.sentences for d in days}, g.timeline)
            scores.append(s)
            rows.append(
                {
                    "timeline": g.name,
                    "gold_dates": len(g.timeline),
                    "dates": len(days),
                    **{m: round(v["f"], 4) for m, v in s.items()},
                }
            )
    avg = average(scores)
    return {
        "suite": "tls",
        "metric": "date_f1",
        "date_f1": avg["date"],
        "floor": FLOORS["date_f1"],
        "n": len(scores),
        "ar1_f": avg["ar1"],
        "ar2_f": avg["ar2"],
        "concat_r1_f": avg["r1"],
        "concat_r2_f": avg["r2"],
        "details": {
            "floors": FLOORS,
            "anchors_news_tls_datewise": ANCHORS,
            "timelines": rows,
            "keywords_in_file": keywords,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
