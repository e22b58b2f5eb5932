"""Answers of the corpus stage's pairwise tests, kept between passes.

A copy is confirmed by comparing two texts' 3-grams, a rewrite by aligning their
sentences. Each answer depends on the two articles alone (their text and, for rewrites,
their events as coded), so the store keeps it (`pair_cache`), and a run that adds a few
articles tests only the pairs they bring: the others were answered by an earlier pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Verdicts:
    """One test's answers by (article id, article id): `known` as read from the store,
    `fresh` as found in this pass (for the store to keep)."""

    known: dict[tuple[str, str], bool] = field(default_factory=dict)
    fresh: dict[tuple[str, str], bool] = field(default_factory=dict)

    def get(self, a: str, b: str) -> bool | None:
        verdict = self.known.get((a, b))
        return self.fresh.get((a, b)) if verdict is None else verdict

    def add(self, a: str, b: str, verdict: bool) -> bool:
        self.fresh[(a, b)] = verdict
        return verdict
