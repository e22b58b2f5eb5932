"""The actor and place dictionary, read from the JSON Lines files in ``data/``.

Users extend it by adding lines to those files (see ``data/README.md``); every phrase
becomes an entity-ruler pattern whose id is the entry key below.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources


@dataclass
class LexEntry:
    key: str  # e.g. country:AZE, demonym:AZE, capital:AZE, org:EUR, inst:Kremlin, place:...
    label: str  # spaCy entity label the ruler assigns
    name: str  # canonical name
    country: str | None
    sector: str | None
    kind: str
    phrases: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None
    actor: str | None = None  # the code a place name stands for when it acts (XNK)
    defacto: bool = False  # a de-facto state (countries.jsonl "defacto": true)
    patron: str | None = None  # the state backing a de-facto state (XNK: ARM)


@dataclass
class Lexicon:
    entries: list[LexEntry]
    by_key: dict[str, LexEntry] = field(default_factory=dict)
    by_phrase: dict[str, LexEntry] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry in self.entries:
            self.by_key[entry.key] = entry
            for phrase in entry.phrases:
                self.by_phrase.setdefault(phrase.lower(), entry)


def _rows(name: str) -> list[dict]:
    path = resources.files("eventledger.data").joinpath(name)
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def _variants(phrases: list[str]) -> list[str]:
    """Phrases without a leading 'the' (entities exclude it), also with curly apostrophes."""
    out: list[str] = []
    for p in phrases:
        bare = p[4:] if p.lower().startswith("the ") else p
        for v in (bare, bare.replace("'", "’")):
            if v not in out:
                out.append(v)
    return out


@cache
def load_lexicon() -> Lexicon:
    entries: list[LexEntry] = []
    for row in _rows("countries.jsonl"):
        code, name = row["code"], row["name"]
        entries.append(
            LexEntry(
                f"country:{code}",
                "GPE",
                name,
                code,
                None,
                "country",
                _variants([name, *row.get("aliases", [])]),
                defacto=bool(row.get("defacto")),
                patron=row.get("patron"),
            )
        )
        if row.get("demonyms"):
            entries.append(
                LexEntry(
                    f"demonym:{code}",
                    "NORP",
                    name,
                    code,
                    None,
                    "demonym",
                    _variants(row["demonyms"]),
                )
            )
        for capital in row.get("capitals", []):
            entries.append(
                LexEntry(
                    f"capital:{code}:{capital}", "GPE", capital, code, "GOV", "capital", [capital]
                )
            )
    for row in _rows("organisations.jsonl"):
        code = row.get("code") or row.get("country")
        entries.append(
            LexEntry(
                f"org:{row['name']}",
                "ORG",
                row["name"],
                code,
                row.get("sector"),
                "organisation",
                _variants([row["name"], *row.get("aliases", [])]),
            )
        )
    for row in _rows("institutions.jsonl"):
        entries.append(
            LexEntry(
                f"inst:{row['name']}",
                "ORG",
                row["name"],
                row.get("country"),
                row.get("sector"),
                "institution",
                _variants([row["name"], *row.get("aliases", [])]),
            )
        )
    for row in _rows("places.jsonl"):
        label = "LOC" if row.get("kind") in ("sea", "corridor", "region") else "GPE"
        entries.append(
            LexEntry(
                f"place:{row['name']}",
                label,
                row["name"],
                row.get("country"),
                None,
                row.get("kind", "place"),
                _variants([row["name"], *row.get("aliases", [])]),
                row.get("lat"),
                row.get("lon"),
                row.get("actor"),
            )
        )
    for row in _rows("people.jsonl"):
        phrases = _variants([row["name"], *row.get("aliases", [])])
        entries.append(
            LexEntry(
                f"person:{row['name']}",
                "PERSON",
                row["name"],
                row.get("country"),
                row.get("sector"),
                "person",
                phrases,
            )
        )
    return Lexicon(entries)
