"""Stories: articles about the same incident or episode.

Two articles belong together when their distinctive vocabulary agrees: each article is a
vector of its words weighted by how rare they are in English (wordfreq) and in this
corpus (idf), so "Lachin", "anti-terrorist" and "peacekeepers" count and "said" or
"government" do not. Candidate pairs come from MinHash LSH over each article's top terms
(sub-quadratic); a pair links when their dates allow it and its cosine clears
STORY_COSINE, or MUTUAL_COSINE with each among the other's nearest neighbours (small
corpora give small idf weights and lower cosines), and a story never spans more than
MAX_SPAN_DAYS of dated articles, which keeps one long war from chaining into one story.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from datasketch import MinHash, MinHashLSH
from spacy.lang.en.stop_words import STOP_WORDS
from wordfreq import zipf_frequency

STORY_COSINE = 0.30
MUTUAL = 2  # or each is among the other's two nearest, above MUTUAL_COSINE
MUTUAL_COSINE = 0.2
MAX_SPAN_DAYS = 10
TOP_TERMS = 40
COMMON_ZIPF = 6.0  # words at least this frequent in English carry no story signal
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")


@dataclass
class StoryText:
    article_id: str
    text: str  # title and body
    published: str | None = None
    precision: str | None = None
    original: str | None = None  # the article this one duplicates, if any


def term_counts(text: str) -> Counter[str]:
    words = (w.lower().replace("’", "'") for w in WORD.findall(text))
    return Counter(w for w in words if w not in STOP_WORDS)


def vectors(items: list[StoryText]) -> list[dict[str, float]]:
    """Unit vectors of each article's words weighted by rarity and idf."""
    counts = [term_counts(i.text) for i in items]
    df = Counter(w for c in counts for w in c)
    n = len(items)
    # rarity in English times idf in this corpus, once per word of the vocabulary
    weight = {
        w: max(0.0, COMMON_ZIPF - zipf_frequency(w, "en")) * (math.log((n + 1) / (k + 1)) + 1)
        for w, k in df.items()
    }
    out = []
    for c in counts:
        weights = {w: (1 + math.log(k)) * weight[w] for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in weights.values())) or 1.0
        out.append({w: x / norm for w, x in weights.items() if x > 0})
    return out


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(w, 0.0) for w, x in a.items())


def day_of(item: StoryText) -> date | None:
    if item.precision == "day" and item.published:
        try:
            return date.fromisoformat(item.published[:10])
        except ValueError:
            return None
    return None


def compatible_dates(a: StoryText, b: StoryText) -> bool:
    """Dates at the coarser of the two precisions must agree (unknown agrees with all)."""
    if not a.published or not b.published:
        return True
    size = min(len(a.published), len(b.published))
    return a.published[:size] == b.published[:size]


def candidate_pairs(vecs: list[dict[str, float]]) -> set[tuple[int, int]]:
    lsh = MinHashLSH(threshold=0.1, num_perm=64, weights=(0.2, 0.8))
    tops = ([w.encode("utf-8") for w in sorted(v, key=v.__getitem__)[-TOP_TERMS:]] for v in vecs)
    sigs = list(MinHash.generator(tops, num_perm=64))
    for i, v in enumerate(vecs):
        if v:
            lsh.insert(i, sigs[i])
    pairs = set()
    for i, v in enumerate(vecs):
        if v:
            pairs.update((min(i, j), max(i, j)) for j in lsh.query(sigs[i]) if j != i)
    return pairs


def group_stories(items: list[StoryText]) -> dict[str, str]:
    """{article id: story id}; a story's id is its first member's id (by article id)."""
    index = {item.article_id: i for i, item in enumerate(items)}
    members = {i: [i] for i in range(len(items))}
    owner = list(range(len(items)))
    links = []
    for i, item in enumerate(items):  # copies join their original's story outright
        if item.original in index:
            links.append((2.0, i, index[item.original]))
    vecs = vectors(items)
    scores = {
        (i, j): cosine(vecs[i], vecs[j])
        for i, j in candidate_pairs(vecs)
        if compatible_dates(items[i], items[j])
    }
    nearest = defaultdict(list)
    for (i, j), score in scores.items():
        nearest[i].append((score, j))
        nearest[j].append((score, i))
    top = {i: {j for _, j in sorted(near, reverse=True)[:MUTUAL]} for i, near in nearest.items()}
    for (i, j), score in scores.items():
        mutual = j in top[i] and i in top[j] and score >= MUTUAL_COSINE
        if score >= STORY_COSINE or mutual:
            links.append((score, i, j))
    for _, i, j in sorted(links, reverse=True):
        a, b = owner[i], owner[j]
        if a == b or not _span_ok(items, members[a] + members[b]):
            continue
        for k in members[b]:
            owner[k] = a
        members[a] += members.pop(b)
    out = {}
    for group in members.values():
        story = "story-" + min(items[k].article_id for k in group)
        out.update({items[k].article_id: story for k in group})
    return out


def _span_ok(items: list[StoryText], group: list[int]) -> bool:
    days = [d for d in (day_of(items[k]) for k in group) if d is not None]
    return not days or (max(days) - min(days)).days <= MAX_SPAN_DAYS
