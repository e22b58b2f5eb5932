"""Timeline summarisation (TLS): key dates and a few sentences for each, from dated articles.

The method follows news-tls DATEWISE (Ghalandari & Ifrim 2020) without its trained parts:
1. every article is split into sentences (a cheap regex splitter, no parser) and tagged with
   the project's temporal tagger against its publication date; a sentence *mentions* a day
   when a day-precise DATE/TIME in it resolves to that day ("on Tuesday", "Jan. 25").
2. dates are ranked by how many articles mention them, retrospective mentions (from articles
   published later) counting fully and mentions of the publication day or of days to come
   counting half, plus a small share for the articles published that day or the next.
   news-tls learns such weights with a regression on other topics; these are fixed.
3. for each ranked date, candidates are the sentences mentioning it and the lead sentences
   (first five) of articles published that day or the next; the date's centroid keeps the
   TF-IDF terms the two groups share (news-tls "PM-mean"), candidates far from it are cut
   at the knee of the similarity curve, and sentences are picked greedily so the summary's
   vector stays closest to the centroid (news-tls CentroidOpt), skipping near-duplicates
   (wire copy repeated by several outlets) and sentences without a keyword when keywords
   are given.
Dates whose candidates give no summary are passed over, so the timeline has `n_dates` days
whenever the corpus allows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from eventledger.dates.timex import SENTENCE_BREAK, event_date, find_timexes

LEAD_SENTENCES = 5  # lead sentences of an article that speak for its publication day
PUB_DAYS = 2  # an article speaks for the day it was published and the day before
PUB_WEIGHT = 0.1  # share of a published article in a date's score, next to a mention
FORWARD_WEIGHT = 0.5  # a mention of the publication day or a later one counts half
MAX_SIMILARITY = 0.7  # cosine above which a sentence repeats one already chosen
MIN_WORDS, MAX_WORDS = 6, 50  # summary sentences outside this length are fragments or lists
# a full stop after an initial or a title ("Col. Gaddafi", "U.S. forces") ends no sentence
NO_BREAK_AFTER = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Prof|Rev|Col|Gen|Lt|Maj|Capt|Sgt|Cmdr|Adm|Sen|Rep|Gov|"
    r"Pres|St|Jr|Sr|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|Inc|Corp|Co))\.$"
)


@dataclass
class TlsArticle:
    """One input article: its text and publication date."""

    text: str
    published: date
    title: str = ""


@dataclass
class TimelineDay:
    """One key date, its summary sentences and the score that ranked it."""

    date: date
    sentences: list[str]
    score: float = 0.0


@dataclass
class Sentence:
    text: str
    article: int
    position: int
    published: date
    mentions: list[date] = field(default_factory=list)


@dataclass
class Corpus:
    """Articles split and date-tagged once, so several timelines can be drawn from them."""

    sentences: list[Sentence]
    published: list[date]


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences: a line break or end punctuation before a capital."""
    spans, start = [], 0
    for m in SENTENCE_BREAK.finditer(text):
        if text[m.start()] != "\n" and NO_BREAK_AFTER.search(
            text, max(0, m.start() - 6), m.start()
        ):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def day_mentions(text: str, published: date) -> list[tuple[int, date]]:
    """(offset, day) of every day-precise date the text names, read against `published`."""
    out = []
    for tx in find_timexes(text, published.isoformat(), "day"):
        ev = event_date(tx)
        if ev and ev[1] == "day":
            try:
                out.append((tx.start, date.fromisoformat(ev[0])))
            except ValueError:
                continue
    return out


def prepare(articles: Iterable[TlsArticle]) -> Corpus:
    """Split and date-tag the articles; identical texts are kept once."""
    sentences: list[Sentence] = []
    published: list[date] = []
    seen: set[str] = set()
    for art in articles:
        key = art.text.strip()
        if not key or key in seen:
            continue
        seen.add(key)
        index = len(published)
        published.append(art.published)
        mentions = day_mentions(art.text, art.published)
        for pos, (a, b) in enumerate(split_sentences(art.text)):
            days = sorted({d for off, d in mentions if a <= off < b})
            text = " ".join(art.text[a:b].split())
            sentences.append(Sentence(text, index, pos, art.published, days))
    return Corpus(sentences, published)


def in_span(d: date, start: date | None, end: date | None) -> bool:
    return (start is None or d >= start) and (end is None or d <= end)


def rank_dates(corpus: Corpus, start: date | None, end: date | None) -> list[tuple[date, float]]:
    """Dates by score: articles mentioning them (weighted by direction) plus publications."""
    score: dict[date, float] = defaultdict(float)
    by_article: dict[int, set[date]] = defaultdict(set)
    for s in corpus.sentences:
        if in_span(s.published, start, end):
            by_article[s.article].update(d for d in s.mentions if in_span(d, start, end))
    for article, days in by_article.items():
        pub = corpus.published[article]
        for d in days:
            score[d] += 1.0 if d < pub else FORWARD_WEIGHT
    for pub in corpus.published:
        for k in range(PUB_DAYS):
            d = pub - timedelta(days=k)
            if in_span(pub, start, end) and in_span(d, start, end):
                score[d] += PUB_WEIGHT
    return sorted(score.items(), key=lambda x: (-x[1], x[0]))


def knee(values: np.ndarray) -> int:
    """Index of the point of a descending curve farthest from the line joining its ends."""
    n = len(values)
    if n < 3:
        return n - 1
    points = np.column_stack([np.arange(n), values])
    line = points[-1] - points[0]
    norm = np.linalg.norm(line)
    if norm == 0:
        return n - 1
    line = line / norm
    rel = points - points[0]
    dist = np.linalg.norm(rel - np.outer(rel @ line, line), axis=1)
    return int(np.argmax(dist))


def date_centroid(x_ment: sparse.csr_matrix, x_pub: sparse.csr_matrix) -> np.ndarray:
    """Mean of each group, keeping only terms both groups use (news-tls PM-mean)."""
    groups = [x for x in (x_ment, x_pub) if x.shape[0]]
    means = [np.asarray(x.sum(axis=0)).ravel() / x.shape[0] for x in groups]
    if len(means) == 1:
        return means[0]
    shared = (means[0] > 0) & (means[1] > 0)
    centroid = np.where(shared, means[0] + means[1], 0.0)
    return centroid if centroid.any() else means[0] + means[1]


def unit(v: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(v)
    return v / n if n else v


def pick(x: sparse.csr_matrix, allowed: np.ndarray, k: int) -> list[int]:
    """Greedy CentroidOpt: add the sentence that keeps the summary nearest the centroid."""
    centroid = unit(np.asarray(x.sum(axis=0)).ravel())
    to_centroid = x @ centroid
    norms2 = np.asarray(x.multiply(x).sum(axis=1)).ravel()
    total = np.zeros(x.shape[1])
    chosen: list[int] = []
    open_ = allowed.copy()
    while len(chosen) < k and open_.any():
        with_total = x @ total
        length = np.sqrt(total @ total + 2 * with_total + norms2)
        cos = np.where(open_, (total @ centroid + to_centroid) / np.maximum(length, 1e-12), -1)
        best = int(np.argmax(cos))
        open_[best] = False
        if chosen and (x[chosen] @ x[best].T).toarray().max() > MAX_SIMILARITY:
            continue
        chosen.append(best)
        total = total + x[best].toarray().ravel()
    return chosen


def has_keyword(text: str, keywords: list[str]) -> bool:
    lower = text.lower()
    return any(k in lower for k in keywords)


def summarise_corpus(
    corpus: Corpus,
    n_dates: int,
    per_date: int,
    keywords: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[TimelineDay]:
    """The timeline of a prepared corpus; articles and dates outside [start, end] are ignored."""
    sents = [s for s in corpus.sentences if in_span(s.published, start, end)]
    if not sents or n_dates < 1 or per_date < 1:
        return []
    vectorizer = TfidfVectorizer(stop_words="english", lowercase=True)
    try:
        x_all = vectorizer.fit_transform([s.text for s in sents]).tocsr()
    except ValueError:  # nothing but stop words
        return []
    keys = [k.lower() for k in keywords or [] if k.strip()]
    mentioned: dict[date, list[int]] = defaultdict(list)
    published: dict[date, list[int]] = defaultdict(list)
    for i, s in enumerate(sents):
        for d in s.mentions:
            mentioned[d].append(i)
        if not s.mentions and s.position < LEAD_SENTENCES:
            for k in range(PUB_DAYS):
                published[s.published - timedelta(days=k)].append(i)
    usable = np.array(
        [
            MIN_WORDS <= len(s.text.split()) <= MAX_WORDS
            and (not keys or has_keyword(s.text, keys))
            for s in sents
        ]
    )
    used: set[str] = set()
    days: list[TimelineDay] = []
    for d, score in rank_dates(corpus, start, end):
        if len(days) >= n_dates:
            break
        ment, pub = mentioned.get(d, []), published.get(d, [])
        cand = np.array(sorted(set(ment) | set(pub)), dtype=int)
        if not len(cand):
            continue
        centroid = unit(date_centroid(x_all[ment], x_all[pub]))
        x = x_all[cand]
        sims = x @ centroid
        order = np.sort(sims)[::-1]
        keep = sims > order[knee(order)]
        if not keep.any():
            keep = sims >= 0
        cand, x = cand[keep], x[keep]
        allowed = usable[cand] & np.array([sents[i].text not in used for i in cand])
        chosen = pick(x, allowed, per_date)
        if not chosen:
            continue
        texts = [sents[cand[j]].text for j in chosen]
        used.update(texts)
        days.append(TimelineDay(d, texts, round(score, 3)))
    return sorted(days, key=lambda day: day.date)


def summarise(
    articles: list[TlsArticle],
    n_dates: int = 10,
    per_date: int = 2,
    keywords: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
) -> list[TimelineDay]:
    """Key dates of a topic and a daily summary for each, in date order. Articles need a
    day-precise publication date; summary sentences come back as written in them."""
    return summarise_corpus(prepare(articles), n_dates, per_date, keywords, start, end)
