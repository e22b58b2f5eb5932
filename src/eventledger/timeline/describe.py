"""One readable line per fused event, generated from the record, never from the sentence:
who, what, whom, where, tolls, who claims and who denies it, and how many sources."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from eventledger.extract.lexicon import tsv_rows
from eventledger.timeline.ledger import FusedEvent

PRONOUNS = {"it", "they", "he", "she", "we", "its", "their", "them", "this", "that"}
SECTORS = {
    "GOV": "government",
    "MIL": "armed forces",
    "REB": "armed group",
    "CVL": "civilians",
    "PKO": "peacekeepers",
    "MED": "media",
    "IGO": "organisation",
    "NGO": "NGO",
}


@cache
def phrases() -> dict[tuple[str, str], str]:
    """(type, mode) -> verb phrase from data/timeline_phrases.tsv; mode "*" is the default."""
    return {(kind, mode): phrase for kind, mode, phrase in tsv_rows("timeline_phrases.tsv")}


@cache
def country_names() -> dict[str, str]:
    path = resources.files("eventledger.data").joinpath("countries.jsonl")
    if not path.is_file():
        return {}
    rows = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())
    return {row["code"]: row["name"] for row in rows}


def date_label(date: str | None, precision: str | None) -> str:
    """The date only as precise as the evidence: "2023-09-19", "2023-09", "2020", "undated"."""
    if not date:
        return "undated"
    width = {"day": 10, "month": 7, "year": 4}.get(precision or "", len(date))
    return date[:width]


def actor_label(actor: dict | None) -> str | None:
    """The written name when it names someone; else the country and sector it resolved to."""
    if not actor:
        return None
    name = (actor.get("name") or "").strip(" []\"'“”‘’")
    code = actor.get("country")
    country = country_names().get(code or "", code)
    if name and name[0].isupper() and name.lower() not in PRONOUNS:
        if country and code and country.lower() not in name.lower() and code not in name:
            return f"{name} ({code})"
        return name
    if country:
        sector = SECTORS.get(actor.get("sector") or "")
        return f"{country} ({sector})" if sector else country
    return name or None


def _names(actors: list[dict]) -> str:
    return ", ".join(label for label in (actor_label(a) for a in actors) if label)


def _figures(tolls: list, key: str) -> list[int]:
    values = []
    for toll in tolls:
        value = toll.get(key) if isinstance(toll, dict) else None
        if isinstance(value, int):
            values.append(value)
    return values


def toll_text(event: FusedEvent) -> str | None:
    parts = []
    for key, figure in (("killed", event.killed), ("injured", event.injured)):
        reported = sorted(set(_figures(event.tolls, key)))
        if len(reported) > 1:
            parts.append(f"{reported[0]}–{reported[-1]} {key} (sources differ)")
        elif figure is not None:
            parts.append(f"{figure} {key}")
        elif reported:
            parts.append(f"{reported[0]} {key}")
    return ", ".join(parts) or None


def action(event: FusedEvent) -> str:
    table = phrases()
    return table.get((event.type, event.mode or ""), table.get((event.type, "*"), event.type))


def describe(event: FusedEvent) -> str:
    """E.g. "Azerbaijan (armed forces) shelled Stepanakert authorities (XNK) in Stepanakert;
    2 killed. Claimed by X; denied by Y. 2 independent sources." """
    who = actor_label(event.source) or "Someone"
    whom = actor_label(event.target)
    verb = action(event)
    if not whom:
        verb = verb.removesuffix(" with").removesuffix(" against").removesuffix(" to")
    line = f"{who} {verb}" + (f" {whom}" if whom else "")
    place = (event.location or {}).get("name")
    if place and place != whom:
        line += f" in {place}"
    tolls = toll_text(event)
    if tolls:
        line += f"; {tolls}"
    line += "."
    said = []
    if event.asserted_by:
        said.append(f"claimed by {_names(event.asserted_by)}")
    if event.denied_by:
        said.append(f"denied by {_names(event.denied_by)}")
    if said:
        text = "; ".join(said)
        line += f" {text[0].upper()}{text[1:]}."
    if event.status == "threatened":
        line += " Threatened, not carried out."
    n = event.independent_sources
    line += f" {n} independent source{'s' if n != 1 else ''}."
    return line
