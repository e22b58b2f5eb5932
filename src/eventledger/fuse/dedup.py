"""Near-duplicate articles: the same text re-published with other junk around it, or
lightly edited.

MinHash LSH (datasketch) over word 3-grams finds candidates at a low Jaccard threshold:
a reprint with 10-30% of its words changed keeps only 30-50% of its 3-grams, so its
Jaccard with the original can fall near 0.2. Each candidate is then confirmed exactly:
the share of the shorter text's 3-grams found in the longer one (containment), which is
near zero for independent reports of the same story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from spacy.lang.en.stop_words import STOP_WORDS

NUM_PERM = 128
LSH_THRESHOLD = 0.1
LSH_WEIGHTS = (0.2, 0.8)  # (false positive, false negative): candidates are confirmed anyway
MIN_JACCARD = 0.08  # estimated from the signatures, before the exact check
CONTAINMENT = 0.25
MIN_SHINGLES = 8
WORD = re.compile(r"\w+")


@dataclass
class Text:
    article_id: str
    text: str
    rank: tuple  # lower ranks are originals: (published or "~", -length, article_id)


def shingles(text: str, n: int = 3) -> set[str]:
    """Word n-grams, but not those made only of stop words ("one of the"): every
    article of a topic shares those, and they would make every pair a candidate."""
    words = WORD.findall(text.lower())
    grams = (words[i : i + n] for i in range(len(words) - n + 1))
    return {" ".join(g) for g in grams if not all(w in STOP_WORDS for w in g)}


def containment(a: set[str], b: set[str]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small) if small else 0.0


def near_duplicates(texts: list[Text]) -> dict[str, str]:
    """{copy id: original id}. The original of a group is its lowest-ranked member, so
    chains of copies all point at one article."""
    grams = {t.article_id: shingles(t.text) for t in texts}
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM, weights=LSH_WEIGHTS)
    ids = [t.article_id for t in texts if len(grams[t.article_id]) >= MIN_SHINGLES]
    encoded = ([g.encode("utf-8") for g in grams[i]] for i in ids)
    signatures = dict(zip(ids, MinHash.generator(encoded, num_perm=NUM_PERM), strict=True))
    for aid, sig in signatures.items():
        lsh.insert(aid, sig)
    parent = {t.article_id: t.article_id for t in texts}
    rank = {t.article_id: t.rank for t in texts}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for aid, sig in signatures.items():
        for other in lsh.query(sig):
            if other <= aid or sig.jaccard(signatures[other]) < MIN_JACCARD:
                continue
            if containment(grams[aid], grams[other]) < CONTAINMENT:
                continue
            a, b = root(aid), root(other)
            if a != b:
                first, second = sorted((a, b), key=rank.__getitem__)
                parent[second] = first
    return {aid: root(aid) for aid in parent if root(aid) != aid}
