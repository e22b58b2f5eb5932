"""ACLED sub-event types for the CASE 2021 suite: a snippet's events and cue words, through rules.

CASE 2021 task 2 has no training split, so the mapping is knowledge, not a model: the rule
table `data/eval_acled_subtypes.tsv` reads the extracted events (type, mode, actor sectors)
and the snippet cues of `data/eval_acled_cues.tsv` (weapon, who acted, who was hit, and the
non-conflict kinds), both written from the ACLED codebook's definitions. Both files
document their format; the first rule that matches gives the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from eventledger.records import Event

NO_EVENT = "NONE"


def _data(name: str) -> list[list[str]]:
    text = resources.files("eventledger.data").joinpath(name).read_text("utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip())
    return [[f.strip() for f in row] for row in rows if not row[0].startswith("#")]


def _pattern(words: str) -> str:
    """One cue pattern as a regex: `*` ends a word with any letters, spaces match hyphens."""
    parts = [re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words.split()]
    return r"[\s-]+".join(parts)


@cache
def cue_patterns() -> dict[str, re.Pattern]:
    """Cue name -> one compiled alternation over its patterns."""
    out = {}
    for name, patterns in _data("eval_acled_cues.tsv"):
        alternatives = "|".join(_pattern(p) for p in patterns.split("|"))
        out[name] = re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)
    return out


def cues(text: str) -> dict[str, int]:
    """Cue name -> where its first word occurs in the snippet, for the cues that occur."""
    found = ((name, rx.search(text)) for name, rx in cue_patterns().items())
    return {name: m.start() for name, m in found if m}


@dataclass(frozen=True)
class AcledRule:
    types: frozenset[str]
    modes: frozenset[str]
    sources: frozenset[str]
    targets: frozenset[str]
    with_type: str
    cues: tuple[tuple[str, ...], ...]  # any of these conjunctions of cue terms
    subtype: str

    def matches(self, event: Event | None, present: set[str], found: dict[str, int]) -> bool:
        if not any(all(_holds(term, found) for term in terms) for terms in self.cues):
            return False
        if event is None:
            return bool(self.types & {NO_EVENT, "*"}) and self.with_type == "*"
        return (
            _fits(self.types, event.type)
            and _fits(self.modes, event.mode or "-")
            and _fits(self.sources, _sector(event.source))
            and _fits(self.targets, _sector(event.target))
            and (self.with_type == "*" or self.with_type in present)
        )


def _holds(term: str, found: dict[str, int]) -> bool:
    """`*` always; `x` x occurs; `!x` x does not; `x<y` x occurs and, if y does, x first."""
    if term == "*":
        return True
    if term.startswith("!"):
        return term[1:] not in found
    first, _, then = term.partition("<")
    if first not in found:
        return False
    return not then or then not in found or found[first] < found[then]


def _fits(allowed: frozenset[str], value: str) -> bool:
    return "*" in allowed or value in allowed


def _sector(actor) -> str:
    return actor.sector if actor is not None and actor.sector else "-"


@cache
def acled_rules() -> tuple[AcledRule, ...]:
    """The rule table `data/eval_acled_subtypes.tsv`, in priority order."""
    known = set(cue_patterns()) | {"*"}
    rules = []
    for types, modes, sources, targets, with_type, when, subtype in _data(
        "eval_acled_subtypes.tsv"
    ):
        sets = (frozenset(f.split(",")) for f in (types, modes, sources, targets))
        terms = tuple(tuple(alt.split("+")) for alt in when.split(","))
        unknown = {c for alt in terms for t in alt for c in t.lstrip("!").split("<")} - known
        if unknown:
            raise ValueError(f"eval_acled_subtypes.tsv: unknown cue(s) {sorted(unknown)}")
        rules.append(AcledRule(*sets, with_type, terms, subtype))
    return tuple(rules)


def acled_subtype(events: list[Event], text: str) -> str:
    """First rule (table order) that any event, or the event-less snippet, satisfies."""
    present = {e.type for e in events}
    found = cues(text)
    candidates: list[Event | None] = [*events] or [None]
    for rule in acled_rules():
        if any(rule.matches(e, present, found) for e in candidates):
            return rule.subtype
    return "OTHER"
