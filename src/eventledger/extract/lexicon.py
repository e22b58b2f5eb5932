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
    # fire only when the parse shows it: ("obj", {"troops", ...}) or ("prep", {"into"})
    requires: tuple[str, frozenset[str]] | None = None


def tsv_rows(name: str) -> list[list[str]]:
    """The rows of a TSV file in ``data/``, without blank and comment lines."""
    text = resources.files("eventledger.data").joinpath(name).read_text("utf-8")
    return [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def trigger_files() -> list[str]:
    """``triggers.tsv`` and every ``triggers.*.tsv`` beside it, so lexicons can be added."""
    data = resources.files("eventledger.data")
    extra = sorted(
        p.name
        for p in data.iterdir()
        if p.name.startswith("triggers.") and p.name.endswith(".tsv") and p.name != "triggers.tsv"
    )
    return ["triggers.tsv", *extra]


def _trigger(row: list[str]) -> Trigger:
    phrase, pos, type_, mode = (cell.strip() for cell in row[:4])
    words = phrase.lower().split()
    requires = None
    if len(row) > 4 and "=" in row[4]:
        kind, values = row[4].strip().split("=", 1)
        requires = (kind, frozenset(values.split("|")))
    return Trigger(words[0], tuple(words[1:]), pos, type_, None if mode == "-" else mode, requires)


@cache
def triggers() -> dict[tuple[str, str], list[Trigger]]:
    """(first lemma, pos) -> triggers, longest and most constrained first."""
    table: dict[tuple[str, str], list[Trigger]] = {}
    rows = [row for name in trigger_files() for row in tsv_rows(name)]
    for row in rows:
        trigger = _trigger(row)
        table.setdefault((trigger.lemma, trigger.pos), []).append(trigger)
    for items in table.values():
        items.sort(key=lambda t: (-len(t.rest), t.requires is None))
    return table


@cache
def reporting_verbs() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """first lemma -> [(following words, stance)], longest phrase first."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for phrase, stance in tsv_rows("reporting.tsv"):
        words = phrase.strip().lower().split()
        table.setdefault(words[0], []).append((tuple(words[1:]), stance.strip()))
    for items in table.values():
        items.sort(key=lambda item: -len(item[0]))
    return table
