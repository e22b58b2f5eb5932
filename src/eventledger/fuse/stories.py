"""Stories: articles about the same incident or episode.

Two articles belong together when their distinctive vocabulary agrees: each article is a
vector of its words weighted by how rare they are in English (wordfreq) and in this
corpus (idf), so "Lachin", "anti-terrorist" and "peacekeepers" count and "said" or
"government" do not. Candidate pairs come from MinHash LSH over each article's top terms
(sub-quadratic); a pair links when their dates allow it and its cosine clears
STORY_COSINE, or MUTUAL_COSINE with each among the other's nearest neighbours (small
corpora give small idf weights and lower cosines), and a story never spans more than
MAX_SPAN_DAYS of dated articles, which keeps one long war from chaining into one story.

The vectors are one sparse matrix (`Terms`, made from each article's words), and pairs are
scored and filtered as numpy arrays, so a corpus of 100k articles stays in memory.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from scipy.sparse import csr_matrix
from spacy.lang.en.stop_words import STOP_WORDS
from wordfreq import get_frequency_dict, zipf_frequency, zipf_to_freq

from eventledger.fuse.minhash import band_pairs, cross_pairs, signature, unique_pairs, word_hash

STORY_COSINE = 0.30
MUTUAL = 2  # or each is among the other's two nearest, above MUTUAL_COSINE
MUTUAL_COSINE = 0.2
MAX_SPAN_DAYS = 10
TOP_TERMS = 40
NUM_PERM, BANDS = 64, 27  # LSH at Jaccard 0.1 over the top terms, as in dedup.py
COMMON_ZIPF = 6.0  # words at least this frequent in English carry no story signal
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
ASCII_WORD = re.compile(r"[a-z][a-z'-]{2,}")
PAIR_CHUNK = 20_000
PLAIN = re.compile(r"[a-z]+")
NO_FREQUENCY = zipf_to_freq(0)  # what wordfreq gives a word it does not know
NO_ZIPF = round(math.log(NO_FREQUENCY, 10) + 9, 2)


@dataclass
class StoryText:
    article_id: str
    published: str | None = None
    precision: str | None = None
    original: str | None = None  # the article this one duplicates, if any


def term_counts(text: str) -> Counter[str]:
    if text.isascii():  # lower case first: the same words, found faster
        return Counter(w for w in ASCII_WORD.findall(text.lower()) if w not in STOP_WORDS)
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return Counter(w for w in words if w not in STOP_WORDS)


def rarity(word: str) -> float:
    return max(0.0, COMMON_ZIPF - zipf(word))


@cache
def english() -> dict[str, float]:
    return get_frequency_dict("en")


def zipf(word: str) -> float:
    """wordfreq's `zipf_frequency(word, "en")`. A plain lower-case word is its own only
    token, so it is looked up and rounded here as wordfreq does, without wordfreq's
    tokenizer, which took half the story step at 10k articles."""
    if not PLAIN.fullmatch(word):
        return zipf_frequency(word, "en")
    freq = english().get(word)
    return NO_ZIPF if freq is None else _zipf_of(freq)


@cache
def _zipf_of(freq: float) -> float:
    """As wordfreq combines token frequencies, then keeps 3 significant digits. Its
    frequencies come in a few hundred steps, so each is worked out once."""
    freq = max(1.0 / (1.0 / freq), NO_FREQUENCY)
    freq = round(freq, math.floor(-math.log(freq, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


class Terms:
    """Each article's word counts (title and body) as rows of a sparse matrix, with the
    words of a row in the order the text first used them. A row is kept as the store
    caches it, its words joined by spaces and its counts as int32 bytes, and the matrix
    is made in one go (Arrow numbers the words): a Python loop over every word of every
    article took seconds at 10k articles."""

    def __init__(self) -> None:
        self.rows: list[str] = []
        self.counts: list[bytes] = []

    @staticmethod
    def row(counts: dict[str, int]) -> tuple[str, bytes]:
        """An article's `term_counts` as a row: (words, counts)."""
        return " ".join(counts), array("i", counts.values()).tobytes()

    def add(self, words: str, counts: bytes) -> None:
        self.rows.append(words)
        self.counts.append(counts)

    def __len__(self) -> int:
        return len(self.rows)

    def vectors(self, known: WordStats | None = None) -> Vectors:
        """Unit rows of each article's words weighted by rarity and idf (words of zero
        weight dropped; indices in first-use order, not sorted). The idf is these rows'
        own, or the corpus's when `known` (an online pass's few rows)."""
        n = len(self)
        counts = np.frombuffer(b"".join(self.counts), dtype=np.int32)
        sizes = np.fromiter((len(c) // 4 for c in self.counts), dtype=np.int64, count=n)
        indptr = np.r_[0, np.cumsum(sizes)]
        used = pa.array([r for r in self.rows if r], type=pa.large_string())
        codes = pc.split_pattern(used, " ").flatten().dictionary_encode()
        words = codes.dictionary.to_pylist()
        indices = codes.indices.to_numpy().astype(np.int32)
        size = len(words)
        if known is None:
            df = np.bincount(indices, minlength=size)
            rare = np.fromiter((rarity(w) for w in words), dtype=np.float64, count=size)
            corpus = n
        else:
            df = np.fromiter((known.df.get(w, 0) for w in words), dtype=np.int64, count=size)
            rare = np.fromiter(
                (known.rarity[w] if w in known.rarity else rarity(w) for w in words),
                dtype=np.float64,
                count=size,
            )
            corpus = known.n
        weight = rare * (np.log((corpus + 1) / (df + 1)) + 1)
        values = (1 + np.log(counts)) * weight[indices]
        rows = np.repeat(np.arange(n), np.diff(indptr))
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n))
        values = values / np.where(norms > 0, norms, 1.0)[rows]
        keep = values > 0
        kept_ptr = np.r_[0, np.cumsum(np.bincount(rows[keep], minlength=n))]
        matrix = csr_matrix((values[keep], indices[keep], kept_ptr), shape=(n, size))
        return Vectors(words, df, rare, matrix)


@dataclass
class WordStats:
    """What weighs a word in an online pass: the articles counted (`n`), those using
    each word (`df`) and its rarity in English, as the store keeps them (`story_words`)."""

    n: int
    df: dict[str, int]
    rarity: dict[str, float]


@dataclass
class Vectors:
    words: list[str]  # column order
    df: np.ndarray  # by column: the articles using the word
    rarity: np.ndarray  # by column
    matrix: csr_matrix


@dataclass
class StoryIndex:
    """What a pass leaves for the online passes after it: each word's document frequency
    and rarity, and each article's top-term signature."""

    words: list[str]
    df: np.ndarray
    rarity: np.ndarray
    ids: list[str]  # the articles signed
    signatures: np.ndarray  # row by article
    bars: np.ndarray  # by article, the score of its MUTUAL-th nearest (`nearest`)


def top_term_signatures(vecs: csr_matrix, words: list[str]) -> np.ndarray:
    """MinHash of each article's TOP_TERMS heaviest words (ties: the later-used); all
    zeros for an empty vector. Words are hashed by spelling, so a signature does not
    depend on the rest of the corpus's vocabulary order."""
    hashes = np.fromiter((word_hash(w) for w in words), dtype=np.uint64, count=len(words))
    out = np.zeros((vecs.shape[0], NUM_PERM), dtype=np.uint32)
    for i in range(vecs.shape[0]):
        lo, hi = vecs.indptr[i], vecs.indptr[i + 1]
        if hi > lo:
            top = np.argsort(vecs.data[lo:hi], kind="stable")[-TOP_TERMS:]
            out[i] = signature(np.unique(hashes[vecs.indices[lo:hi][top]]), NUM_PERM)
    return out


def cosines(vecs: csr_matrix, pairs: np.ndarray) -> np.ndarray:
    out = np.empty(len(pairs))
    for start in range(0, len(pairs), PAIR_CHUNK):
        part = pairs[start : start + PAIR_CHUNK]
        products = vecs[part[:, 0]].multiply(vecs[part[:, 1]])
        out[start : start + len(part)] = np.asarray(products.sum(axis=1)).ravel()
    return out


def day_of(item: StoryText) -> date | None:
    if item.precision == "day" and item.published:
        try:
            return date.fromisoformat(item.published[:10])
        except ValueError:
            return None
    return None


def dated_candidates(items: list[StoryText], sigs: np.ndarray) -> np.ndarray:
    """Pairs sharing a value in one of the first BANDS permutations whose dates agree at
    the coarser of the two precisions (unknown agrees with all). Dates are part of the
    band key, so pairs whose dates disagree are never built: equal dates pair within a
    band, and each shorter date pairs with the longer ones it is a prefix of."""
    published = [i.published or "" for i in items]
    lengths = np.array([len(p) for p in published])
    filled = sigs.any(axis=1)
    ids: dict[str, int] = {}
    full = np.array([ids.setdefault(p, len(ids)) for p in published], dtype=np.uint64)
    shorter = []  # (the articles of one date length, their date, longer ones, their prefix)
    for size in np.unique(lengths).tolist():
        longer = np.flatnonzero(filled & (lengths > size))
        own = np.flatnonzero(filled & (lengths == size))
        if len(longer) and len(own):
            prefix = np.array([ids.setdefault(published[k][:size], len(ids)) for k in longer])
            shorter.append((own, full[own], longer, prefix.astype(np.uint64)))
    rows = np.flatnonzero(filled)
    kept = []
    for band in range(BANDS):
        value = sigs[:, band].astype(np.uint64) << np.uint64(32)
        kept.append(rows[band_pairs(value[rows] | full[rows])])
        for own, day, longer, prefix in shorter:
            kept.append(cross_pairs(own, value[own] | day, longer, value[longer] | prefix))
    return unique_pairs(kept)


def nearest(
    pairs: np.ndarray, scores: np.ndarray, size: int
) -> tuple[set[tuple[int, int]], np.ndarray]:
    """(i, j) where j is among i's MUTUAL nearest by score (ties: the larger j), and the
    score each of `size` items' MUTUAL-th nearest has (0 with fewer candidates): what a
    later article must reach to be among its nearest."""
    nodes = np.r_[pairs[:, 0], pairs[:, 1]]
    others = np.r_[pairs[:, 1], pairs[:, 0]]
    both = np.r_[scores, scores]
    order = np.lexsort((-others, -both, nodes))
    nodes, others, both = nodes[order], others[order], both[order]
    first = np.r_[0, np.flatnonzero(nodes[1:] != nodes[:-1]) + 1]
    rank = np.arange(len(nodes)) - np.repeat(first, np.diff(np.r_[first, len(nodes)]))
    top = rank < MUTUAL
    bars = np.zeros(size)
    bars[nodes[rank == MUTUAL - 1]] = both[rank == MUTUAL - 1]
    return set(zip(nodes[top].tolist(), others[top].tolist(), strict=True)), bars


def group_stories(items: list[StoryText], terms: Terms) -> tuple[dict[str, str], StoryIndex]:
    """{article id: story id}; a story's id is its first member's id (by article id).
    `terms` holds the items' word counts, row for row."""
    index = {item.article_id: i for i, item in enumerate(items)}
    links = []
    for i, item in enumerate(items):  # copies join their original's story outright
        if item.original in index:
            links.append((2.0, i, index[item.original]))
    vectors = terms.vectors()
    sigs = top_term_signatures(vectors.matrix, vectors.words)
    pairs = dated_candidates(items, sigs)
    vectors.matrix.sort_indices()
    scored, bars = scored_links(pairs, cosines(vectors.matrix, pairs), len(items))
    links += scored
    owner = list(range(len(items)))
    groups = _linked(items, links, owner, {i: [i] for i in range(len(items))})
    out = {}
    for group in groups:
        story = "story-" + min(items[k].article_id for k in group)
        out.update({items[k].article_id: story for k in group})
    ids = [item.article_id for item in items]
    return out, StoryIndex(vectors.words, vectors.df, vectors.rarity, ids, sigs, bars)


def join_stories(
    items: list[StoryText],
    placed: list[str | None],
    pairs: np.ndarray,
    scores: np.ndarray,
    bars: np.ndarray,
) -> tuple[dict[str, str], np.ndarray]:
    """Online: {article id: story id} with the new articles (`placed` None) joined to
    the stored stories (`placed`, by item) by the links a full pass would make between
    a new article and the others: their copies, and the scored candidate `pairs` holding
    a new article (`dated_candidates_of`). Stored articles stay together; two stories a
    new article links merge. A story keeps its stored id (the least, after a merge), so
    a new article does not rename the story it joins. The words' weights are the
    corpus's as the store keeps them, and the stored articles are not compared anew (a
    new article is among a stored one's nearest if it reaches its stored `bars`), so a
    full pass may group otherwise: see the README. Returns the bars found too."""
    index = {item.article_id: i for i, item in enumerate(items)}
    links = []
    for i, item in enumerate(items):
        k = index.get(item.original)
        if k is not None and (placed[i] is None or placed[i] != placed[k]):
            links.append((2.0, i, k))
    scored, found = scored_links(pairs, scores, len(items), bars)
    links += scored
    owner: list = [story if story is not None else i for i, story in enumerate(placed)]
    members: dict = {}
    for i, key in enumerate(owner):
        members.setdefault(key, []).append(i)
    out = {}
    for group in _linked(items, links, owner, members):
        stored = [placed[k] for k in group if placed[k] is not None]
        story = min(stored) if stored else "story-" + min(items[k].article_id for k in group)
        out.update({items[k].article_id: story for k in group})
    return out, found


def dated_candidates_of(items: list[StoryText], sigs: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The `dated_candidates` holding one of `rows` (an online pass's new articles)."""
    filled = np.flatnonzero(sigs.any(axis=1))
    rows = np.intersect1d(rows, filled)
    kept = []
    for band in range(BANDS):
        column = sigs[:, band]
        pairs = cross_pairs(rows, column[rows], filled, column[filled])
        kept.append(pairs[pairs[:, 0] != pairs[:, 1]])
    pairs = unique_pairs(kept)
    published = [item.published or "" for item in items]
    agree = [
        published[i].startswith(published[j]) or published[j].startswith(published[i])
        for i, j in pairs.tolist()
    ]
    return pairs[np.array(agree, dtype=bool)] if len(pairs) else pairs


def scored_links(
    pairs: np.ndarray, scores: np.ndarray, size: int, bars: np.ndarray | None = None
) -> tuple[list[tuple[float, int, int]], np.ndarray]:
    """The candidate pairs that link: cosine at least STORY_COSINE, or MUTUAL_COSINE
    with each among the other's nearest; and each item's bar (see `nearest`). `bars`
    (online): the stored articles' bars, NaN for the new ones: a stored article's nearest
    were found among candidates no longer all scored."""
    top, found = nearest(pairs, scores, size)

    def near(i: int, j: int, score: float) -> bool:
        if bars is None or np.isnan(bars[i]):
            return (i, j) in top
        return score >= bars[i]

    strong = scores >= min(STORY_COSINE, MUTUAL_COSINE)
    links = []
    for (i, j), score in zip(pairs[strong].tolist(), scores[strong].tolist(), strict=True):
        mutual = score >= MUTUAL_COSINE and near(i, j, score) and near(j, i, score)
        if score >= STORY_COSINE or mutual:
            links.append((score, i, j))
    return links, found


def _linked(
    items: list[StoryText], links: list[tuple[float, int, int]], owner: list, members: dict
) -> list[list[int]]:
    """The groups (`members` by key, `owner` of each item) after the links, strongest
    first, each joining two groups whose dated articles stay within MAX_SPAN_DAYS."""
    for _, i, j in sorted(links, reverse=True):
        a, b = owner[i], owner[j]
        if a == b or not _span_ok(items, members[a] + members[b]):
            continue
        for k in members[b]:
            owner[k] = a
        members[a] += members.pop(b)
    return list(members.values())


def _span_ok(items: list[StoryText], group: list[int]) -> bool:
    days = [d for d in (day_of(items[k]) for k in group) if d is not None]
    return not days or (max(days) - min(days)).days <= MAX_SPAN_DAYS
