"""MinHash on numpy arrays: stable 64-bit hashes of words and word n-grams, signatures,
and candidate pairs from LSH bands.

Everything is a uint64 or uint32 array rather than Python sets of strings, so a corpus
of 100k articles fits in a few hundred megabytes and a signature can be cached in the
store: the hashes are stable across processes (blake2b of the word, not Python's
salted `hash`). The permutations are affine maps mod 2^32, as datasketch's default
scheme. LSH bands are grouped by sorting, not by dictionaries of buckets.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from hashlib import blake2b

import numpy as np

SEED = 1
MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
EMPTY = np.zeros(0, dtype=np.uint64)


def word_hash(word: str) -> int:
    return int.from_bytes(blake2b(word.encode("utf-8"), digest_size=8).digest(), "little")


class WordHashes(dict):
    """Word -> stable hash, memoised (a corpus repeats its vocabulary). The lowest bit
    says whether the word is in `stop`, so one lookup answers both."""

    def __init__(self, stop: frozenset[str] | set[str] = frozenset()) -> None:
        super().__init__()
        self.stop = stop

    def __missing__(self, word: str) -> int:
        h = self[word] = (word_hash(word) & ~1) | (word in self.stop)
        return h

    def __call__(self, words: list[str]) -> np.ndarray:
        return np.fromiter(map(self.__getitem__, words), dtype=np.uint64, count=len(words))


def finalise(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def gram_hashes(hashes: np.ndarray, keep: np.ndarray | None = None, n: int = 3) -> np.ndarray:
    """Sorted unique hashes of the word n-grams (n = 3 or less); `keep` masks grams."""
    if len(hashes) < n:
        return EMPTY
    with np.errstate(over="ignore"):
        grams = hashes[: len(hashes) - n + 1].copy()
        for k in range(1, n):
            grams = grams * MIX[(k - 1) % 2] + hashes[k : len(hashes) - n + 1 + k]
    if keep is not None:
        grams = grams[keep]
    return np.unique(finalise(grams))


@cache
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(a, b) of the affine maps h -> a*h + b mod 2^32; `a` odd, so each is a bijection."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint64).astype(np.uint32)
    return a, b


def signature(hashes: np.ndarray, num_perm: int) -> np.ndarray:
    """The MinHash signature (uint32, one value per permutation) of a set of hashes."""
    if len(hashes) == 0:
        return np.full(num_perm, np.iinfo(np.uint32).max, dtype=np.uint32)
    a, b = permutations(num_perm)
    values = (hashes >> np.uint64(32)).astype(np.uint32)
    with np.errstate(over="ignore"):
        return (a[:, None] * values[None, :] + b[:, None]).min(axis=1)


def band_pairs(column: np.ndarray) -> np.ndarray:
    """Pairs (i < j) of rows with equal values in `column`, as an (m, 2) int64 array."""
    order = np.argsort(column, kind="stable")
    ordered = column[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(column)])
    group_end = np.repeat(starts + sizes, sizes)  # per sorted position: end of its group
    out = []
    positions = np.flatnonzero(np.repeat(sizes > 1, sizes))
    gap = 1
    while len(positions):
        positions = positions[positions + gap < group_end[positions]]
        if len(positions):
            i, j = order[positions], order[positions + gap]
            out.append(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1))
        gap += 1
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def cross_pairs(a: np.ndarray, a_keys: np.ndarray, b: np.ndarray, b_keys: np.ndarray) -> np.ndarray:
    """Pairs (x, y), x from `a` and y from `b`, with equal keys, as an (m, 2) array."""
    order = np.argsort(b_keys, kind="stable")
    ordered = b_keys[order]
    lo = np.searchsorted(ordered, a_keys, "left")
    counts = np.searchsorted(ordered, a_keys, "right") - lo
    which = np.repeat(np.arange(len(a)), counts)
    offset = np.arange(len(which)) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.stack([a[which], b[order[lo[which] + offset]]], axis=1)


def candidate_pairs(
    signatures: np.ndarray, bands: int, min_share: float, chunk: int = 1 << 16
) -> np.ndarray:
    """Unique pairs (i < j) sharing a value in any of the first `bands` permutations (one
    row per band) whose signatures agree on at least `min_share` of their values. The
    check runs band by band, so memory holds one band's pairs at a time."""
    kept = []
    for band in range(bands):
        pairs = band_pairs(signatures[:, band])
        for part in _chunks(pairs, chunk):
            share = (signatures[part[:, 0]] == signatures[part[:, 1]]).mean(axis=1)
            kept.append(part[share >= min_share])
    return unique_pairs(kept)


def candidate_pairs_of(
    signatures: np.ndarray, rows: np.ndarray, bands: int, min_share: float
) -> np.ndarray:
    """The `candidate_pairs` that hold one of `rows` (an online pass's new articles): each
    band's values of those rows are looked up among all, so the work grows with `rows`."""
    everyone = np.arange(len(signatures))
    kept = []
    for band in range(bands):
        column = signatures[:, band]
        pairs = cross_pairs(rows, column[rows], everyone, column)
        pairs = pairs[pairs[:, 0] != pairs[:, 1]]
        share = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
        kept.append(pairs[share >= min_share])
    return unique_pairs(kept)


def unique_pairs(parts: list[np.ndarray]) -> np.ndarray:
    """The distinct pairs, each as (smaller, larger), sorted."""
    if not parts:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts)
    return np.unique(np.sort(pairs, axis=1), axis=0)


def _chunks(pairs: np.ndarray, size: int) -> Iterator[np.ndarray]:
    for start in range(0, len(pairs), size):
        yield pairs[start : start + size]
