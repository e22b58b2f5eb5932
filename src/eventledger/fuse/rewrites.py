"""Rewrites: another article's story retold sentence by sentence in other words (spun
copies, lightly edited wire copy). Too few 3-grams survive for the near-duplicate test,
but most sentences still find a counterpart sharing much of their content words, which
independent reports of the same story almost never do. A heavier spin that leaves fewer
sentences recognisable is still a rewrite when it reports the same events: the same
types, actors and dates, which independent reports share far less (the seeds' three
reports of one offensive share at most a third)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.lang.en.stop_words import STOP_WORDS

SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[a-z0-9]+")
SENTENCE_OVERLAP = 0.4
ALIGNED_SHARE = 0.6
SPUN_SHARE = 0.25  # fewer aligned sentences suffice when the events agree
SAME_EVENTS = 0.7  # share of the shorter article's event signatures found in the other
MIN_SENTENCES = 3
MIN_EVENTS = 3


@dataclass(slots=True)
class Sentences:
    """An article's sentences as sets of content words, with an index from each word to
    the sentences holding it: a sentence is compared only with those it shares words
    with, so a long page costs what its shared words cost, not sentences squared."""

    sets: list[frozenset[str]]
    index: dict[str, list[int]]

    @classmethod
    def of(cls, text: str) -> Sentences:
        sets = []
        for sentence in SENTENCE.split(text):
            words = frozenset(w for w in WORD.findall(sentence.lower()) if w not in STOP_WORDS)
            if len(words) >= 4:
                sets.append(words)
        index: dict[str, list[int]] = defaultdict(list)
        for k, words in enumerate(sets):
            for w in words:
                index[w].append(k)
        return cls(sets, dict(index))

    def has_counterpart(self, words: frozenset[str]) -> bool:
        """A sentence here whose words overlap these by SENTENCE_OVERLAP (Jaccard). One
        needs SENTENCE_OVERLAP of `words` in this article at all, a cheap first test."""
        known = [w for w in words if w in self.index]
        if len(known) < SENTENCE_OVERLAP * len(words):
            return False
        shared = Counter(k for w in known for k in self.index[w])
        return any(
            n / (len(words) + len(self.sets[k]) - n) >= SENTENCE_OVERLAP for k, n in shared.items()
        )


def aligned_share_reaches(a: Sentences, b: Sentences, share: float) -> bool:
    """Whether the share of the shorter article's sentences with a counterpart in the
    other reaches `share`. It stops as soon as the answer is sure: most pairs of a story
    are independent reports, which fall short after a few sentences."""
    short, other = (a, b) if len(a.sets) <= len(b.sets) else (b, a)
    n = len(short.sets)
    if n < MIN_SENTENCES:
        return share <= 0.0
    aligned = 0
    for k, words in enumerate(short.sets):
        aligned += other.has_counterpart(words)
        if aligned / n >= share:
            return True
        if (aligned + n - k - 1) / n < share:
            return False
    return False


def event_signatures(events: list[dict]) -> dict[str, set[tuple]]:
    """Each article's events as (type, source country, target country, date)."""
    out: dict[str, set[tuple]] = defaultdict(set)
    for e in events:
        src, tgt = e.get("source") or {}, e.get("target") or {}
        out[e["article_id"]].add((e["type"], src.get("country"), tgt.get("country"), e.get("date")))
    return out


def shared_events(a: set[tuple], b: set[tuple]) -> float:
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    return len(small & large) / len(small) if len(small) >= MIN_EVENTS else 0.0


def is_rewrite(
    a: str | Sentences,
    b: str | Sentences,
    a_events: set[tuple] = frozenset(),
    b_events: set[tuple] = frozenset(),
) -> bool:
    """`a`, `b`: the texts, or their `Sentences` when one is compared more than once.
    `a_events`, `b_events`: each article's (type, source country, target country, date).
    Rewrites align ALIGNED_SHARE of their sentences, or SPUN_SHARE when the events agree."""
    a = a if isinstance(a, Sentences) else Sentences.of(a)
    b = b if isinstance(b, Sentences) else Sentences.of(b)
    same = shared_events(a_events, b_events) >= SAME_EVENTS
    return aligned_share_reaches(a, b, SPUN_SHARE if same else ALIGNED_SHARE)
