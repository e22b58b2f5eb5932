"""Rewrites: another article's story retold sentence by sentence in other words (spun
copies, lightly edited wire copy). Too few 3-grams survive for the near-duplicate test,
but most sentences still find a counterpart sharing half their content words, which
independent reports of the same story almost never do."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[a-z0-9]+")
SENTENCE_OVERLAP = 0.4
ALIGNED_SHARE = 0.6
MIN_SENTENCES = 3


def content_sets(text: str) -> list[frozenset[str]]:
    out = []
    for sentence in SENTENCE.split(text):
        words = frozenset(w for w in WORD.findall(sentence.lower()) if w not in STOP_WORDS)
        if len(words) >= 4:
            out.append(words)
    return out


def aligned_share(a: list[frozenset[str]], b: list[frozenset[str]]) -> float:
    """Share of the shorter article's sentences with a counterpart in the other."""
    short, other = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < MIN_SENTENCES:
        return 0.0
    hits = sum(any(len(s & t) / len(s | t) >= SENTENCE_OVERLAP for t in other) for s in short)
    return hits / len(short)


def is_rewrite(a: str, b: str) -> bool:
    return aligned_share(content_sets(a), content_sets(b)) >= ALIGNED_SHARE
