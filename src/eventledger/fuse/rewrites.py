"""Rewrites: another article's story retold sentence by sentence in other words (spun
copies, lightly edited wire copy). Too few 3-grams survive for the near-duplicate test,
but most sentences still find a counterpart sharing much of their content words, which
independent reports of the same story almost never do. A heavier spin that leaves fewer
sentences recognisable is still a rewrite when it reports the same events: the same
types, actors and dates, which independent reports share far less (the seeds' three
reports of one offensive share at most a third)."""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[a-z0-9]+")
SENTENCE_OVERLAP = 0.4
ALIGNED_SHARE = 0.6
SPUN_SHARE = 0.25  # fewer aligned sentences suffice when the events agree
SAME_EVENTS = 0.7  # share of the shorter article's event signatures found in the other
MIN_SENTENCES = 3
MIN_EVENTS = 3


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


def shared_events(a: set[tuple], b: set[tuple]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small) if len(small) >= MIN_EVENTS else 0.0


def is_rewrite(
    a: str, b: str, a_events: set[tuple] = frozenset(), b_events: set[tuple] = frozenset()
) -> bool:
    """`a_events`, `b_events`: each article's (type, source country, target country, date)."""
    share = aligned_share(content_sets(a), content_sets(b))
    if share >= ALIGNED_SHARE:
        return True
    return share >= SPUN_SHARE and shared_events(a_events, b_events) >= SAME_EVENTS
