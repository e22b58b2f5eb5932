"""Near-duplicate articles: the same text re-published with other junk around it, or
lightly edited.

MinHash LSH over word 3-grams finds candidates at a low Jaccard threshold: a reprint
with 10-30% of its words changed keeps only 30-50% of its 3-grams, so its Jaccard with
the original can fall near 0.2. Each candidate is then confirmed exactly: the share of
the shorter text's 3-grams found in the longer one (containment), which is near zero
for independent reports of the same story.

The 3-grams are hashed once into sorted uint64 arrays (`minhash.py`); only the
signatures (512 bytes an article, cacheable in the store) are held for the whole
corpus, and the 3-grams are hashed again only for the few pairs left to confirm, once:
the store keeps each pair's answer (`pairs.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from eventledger.fuse.minhash import (
    WordHashes,
    candidate_pairs,
    candidate_pairs_of,
    gram_hashes,
    signature,
)
from eventledger.fuse.pairs import Verdicts

NUM_PERM = 128
BANDS = 27  # one permutation a band: what datasketch's MinHashLSH picks for threshold 0.1
#             with weights (0.2, 0.8), false negatives weighted high (candidates are confirmed)
MIN_JACCARD = 0.08  # estimated from the signatures, before the exact check
CONTAINMENT = 0.25
MIN_SHINGLES = 8
WORD = re.compile(r"\w+")


@dataclass
class Text:
    article_id: str
    text: str
    rank: tuple  # lower ranks are originals: (published or "~", -length, article_id)


class Shingler:
    """Word 3-grams as sorted hash arrays, but not those made only of stop words ("one
    of the"): every article of a topic shares those, and they would make every pair a
    candidate."""

    def __init__(self) -> None:
        self.hashes = WordHashes(STOP_WORDS)

    def __call__(self, text: str) -> np.ndarray:
        words = WORD.findall(text.lower())
        hashes = self.hashes(words)
        stop = (hashes & np.uint64(1)).astype(bool)
        keep = ~(stop[:-2] & stop[1:-1] & stop[2:]) if len(words) >= 3 else None
        return gram_hashes(hashes, keep)


def containment(a: np.ndarray, b: np.ndarray) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    if not len(small):
        return 0.0
    return len(np.intersect1d(small, large, assume_unique=True)) / len(small)


def article_signature(text: str, shingle: Shingler) -> np.ndarray:
    """The text's MinHash signature, or all zeros below MIN_SHINGLES 3-grams (such a text
    is never a candidate)."""
    grams = shingle(text)
    if len(grams) < MIN_SHINGLES:
        return np.zeros(NUM_PERM, dtype=np.uint32)
    return signature(grams, NUM_PERM)


def signatures(texts: list[Text], shingle: Shingler | None = None) -> np.ndarray:
    """One row per text: its `article_signature`."""
    shingle = shingle or Shingler()
    out = np.zeros((len(texts), NUM_PERM), dtype=np.uint32)
    for k, t in enumerate(texts):
        out[k] = article_signature(t.text, shingle)
    return out


def near_duplicates(
    texts: list[Text],
    sigs: np.ndarray | None = None,
    shingle: Callable | None = None,
    verdicts: Verdicts | None = None,
    pairs: np.ndarray | None = None,
    linked: list[tuple[int, int]] = (),
) -> dict[str, str]:
    """{copy id: original id}. The original of a group is its lowest-ranked member, so
    chains of copies all point at one article. `sigs`: the texts' signatures, if known;
    `verdicts`: the candidates checked before, by ids in order (those checked now are
    added to it).

    Online: `pairs` are the candidates holding a new text (`new_candidates`), and
    `linked` the pairs of rows known to be copies (a stored copy and its original). The
    groups are the connected parts of confirmed pairs, whatever order they are found in,
    so the answer is a full pass's. A text may be None where no pair needs checking."""
    shingle = shingle or Shingler()
    verdicts = verdicts if verdicts is not None else Verdicts()
    sigs = signatures(texts, shingle) if sigs is None else sigs
    if pairs is None:
        counted = np.flatnonzero(sigs.any(axis=1))  # texts with enough 3-grams
        pairs = counted[candidate_pairs(sigs[counted], BANDS, MIN_JACCARD)]
    parent = list(range(len(texts)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(i: int, j: int) -> None:
        a, b = root(i), root(j)
        if a != b:
            first, second = sorted((a, b), key=lambda k: texts[k].rank)
            parent[second] = first

    for i, j in linked:
        join(i, j)
    grams: dict[int, np.ndarray] = {}
    for i, j in pairs.tolist():
        ids = sorted((texts[i].article_id, texts[j].article_id))
        same = verdicts.get(*ids)
        if same is None:
            for k in (i, j):
                if k not in grams:
                    grams[k] = shingle(texts[k].text)
            same = verdicts.add(*ids, containment(grams[i], grams[j]) >= CONTAINMENT)
        if same:
            join(i, j)
    return {t.article_id: texts[root(k)].article_id for k, t in enumerate(texts) if root(k) != k}


def new_candidates(sigs: np.ndarray, new: np.ndarray) -> np.ndarray:
    """The candidate pairs (rows) holding one of the `new` rows."""
    counted = np.flatnonzero(sigs.any(axis=1))
    rows = np.searchsorted(counted, np.intersect1d(new, counted))
    return counted[candidate_pairs_of(sigs[counted], rows, BANDS, MIN_JACCARD)]
