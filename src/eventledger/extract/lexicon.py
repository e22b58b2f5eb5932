"""Trigger and reporting-verb lexicons, read from user-extendable TSV files in ``data/``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Trigger:
    lemma: str  # first word's lemma
    rest: tuple[str, ...]  # following words of a phrase trigger ("take control")
    pos: str
    type: str
    mode: str | None


def _tsv(name: str) -> list[list[str]]:
    text = resources.files("eventledger.data").joinpath(name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@cache
def triggers() -> dict[tuple[str, str], list[Trigger]]:
    """(first lemma, pos) -> triggers, longest phrase first."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    for phrase, pos, type_, mode in _tsv("triggers.tsv"):
        words = phrase.strip().lower().split()
        trigger = Trigger(
            words[0],
            tuple(words[1:]),
            pos.strip(),
            type_.strip(),
            None if mode.strip() == "-" else mode.strip(),
        )
        table.setdefault((trigger.lemma, trigger.pos), []).append(trigger)
    for items in table.values():
        items.sort(key=lambda t: -len(t.rest))
    return table


@cache
def reporting_verbs() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """first lemma -> [(following words, stance)], longest phrase first."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, stance in _tsv("reporting.tsv"):
        words = phrase.strip().lower().split()
        table.setdefault(words[0], []).append((tuple(words[1:]), stance.strip()))
    for items in table.values():
        items.sort(key=lambda item: -len(item[0]))
    return table
