"""Fused events read from the store, with their evidence sentences.

The corpus step fills `fused_events`; a store made before it (or a run that fused nothing)
still has `events.fused_id`, so the same records are derived from `events` grouped by it.
The timeline and the web UI both read through here, so they always agree."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import duckdb

PRECISION_ORDER = {"day": 0, "month": 1, "year": 2}


@dataclass
class Evidence:
    event_id: str
    article_id: str
    sentence: str
    start: int | None
    end: int | None
    status: str | None
    claimed_by: dict | None
    title: str | None
    source_path: str | None
    published: str | None


@dataclass
class FusedEvent:
    fused_id: str
    type: str
    date: str | None
    date_precision: str | None
    status: str
    story_id: str | None = None
    story_label: str | None = None
    mode: str | None = None
    source: dict | None = None
    target: dict | None = None
    location: dict | None = None
    killed: int | None = None
    injured: int | None = None
    asserted_by: list[dict] = field(default_factory=list)
    denied_by: list[dict] = field(default_factory=list)
    tolls: list[Any] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    independent_sources: int = 1
    confidence: float | None = None
    evidence: list[Evidence] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Filters:
    """What a reader narrows the timeline to; empty fields match everything."""

    story: str | None = None
    actor: str | None = None
    country: str | None = None
    type: str | None = None
    date_from: str | None = None
    date_to: str | None = None


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return con.execute(sql, [name]).fetchone()[0] > 0


def _actor_list(value: Any) -> list[dict]:
    value = _json(value) or []
    if isinstance(value, dict):
        value = [value]
    return [a if isinstance(a, dict) else {"name": str(a)} for a in value]


def _event_rows(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = _dicts(
        con,
        """SELECT e.*, a.title, a.source_path, a.published, a.story_id AS article_story,
                  a.duplicate_of
           FROM events e LEFT JOIN articles a USING (article_id)
           ORDER BY e.article_id, e.start_char, e.event_id""",
    )
    for row in rows:
        for key in ("source", "target", "location", "claimed_by"):
            row[key] = _json(row[key])
    return rows


def _evidence(row: dict) -> Evidence:
    return Evidence(
        event_id=row["event_id"],
        article_id=row["article_id"],
        sentence=row["sentence"] or "",
        start=row["start_char"],
        end=row["end_char"],
        status=row["status"],
        claimed_by=row["claimed_by"],
        title=row["title"],
        source_path=row["source_path"],
        published=row["published"],
    )


def _unique_actors(actors: list[dict | None]) -> list[dict]:
    seen, out = set(), []
    for actor in actors:
        if actor and (actor.get("name") or actor.get("country")):
            key = ((actor.get("name") or "").lower(), actor.get("country"))
            if key not in seen:
                seen.add(key)
                out.append(actor)
    return out


def _status(statuses: list[str]) -> str:
    said = {s for s in statuses if s}
    if "denied" in said and said & {"reported", "claimed"}:
        return "contested"
    for status in ("reported", "claimed", "denied", "threatened"):
        if status in said:
            return status
    return "reported"


def _derive(group: list[dict]) -> FusedEvent:
    """One fused record from the events that share a fused_id."""
    best = max(group, key=lambda r: (r["confidence"] or 0, -len(r["event_id"])))
    dated = [r for r in group if r["date"]]
    dated.sort(key=lambda r: (PRECISION_ORDER.get(r["date_precision"] or "year", 3), r["date"]))
    kills = [r["killed"] for r in group if r["killed"] is not None]
    hurt = [r["injured"] for r in group if r["injured"] is not None]
    roots = {r["duplicate_of"] or r["article_id"] for r in group}
    return FusedEvent(
        fused_id=best["fused_id"] or best["event_id"],
        type=Counter(r["type"] for r in group).most_common(1)[0][0],
        mode=best["mode"],
        date=dated[0]["date"] if dated else None,
        date_precision=dated[0]["date_precision"] if dated else None,
        status=_status([r["status"] for r in group]),
        story_id=best["article_story"],
        source=best["source"],
        target=best["target"],
        location=next((r["location"] for r in group if r["location"]), None),
        killed=max(kills) if kills else None,
        injured=max(hurt) if hurt else None,
        asserted_by=_unique_actors([r["claimed_by"] for r in group if r["status"] == "claimed"]),
        denied_by=_unique_actors([r["claimed_by"] for r in group if r["status"] == "denied"]),
        tolls=[
            {"article_id": r["article_id"], "killed": r["killed"], "injured": r["injured"]}
            for r in group
            if r["killed"] is not None or r["injured"] is not None
        ],
        event_ids=[r["event_id"] for r in group],
        article_ids=sorted({r["article_id"] for r in group}),
        independent_sources=len(roots),
        confidence=best["confidence"],
        evidence=[_evidence(r) for r in group],
    )


def _stored(con: duckdb.DuckDBPyConnection, by_id: dict[str, dict]) -> list[FusedEvent]:
    out = []
    for row in _dicts(con, "SELECT * FROM fused_events"):
        event_ids = _json(row["event_ids"]) or []
        out.append(
            FusedEvent(
                fused_id=row["fused_id"],
                type=row["type"],
                mode=row["mode"],
                date=row["date"],
                date_precision=row["date_precision"],
                status=row["status"] or "reported",
                story_id=row["story_id"],
                source=_json(row["source"]),
                target=_json(row["target"]),
                location=_json(row["location"]),
                killed=row["killed"],
                injured=row["injured"],
                asserted_by=_actor_list(row["asserted_by"]),
                denied_by=_actor_list(row["denied_by"]),
                tolls=_json(row["tolls"]) or [],
                event_ids=event_ids,
                article_ids=_json(row["article_ids"]) or [],
                independent_sources=row["independent_sources"] or 1,
                confidence=row["confidence"],
                evidence=[_evidence(by_id[e]) for e in event_ids if e in by_id],
            )
        )
    return out


def load_fused(con: duckdb.DuckDBPyConnection) -> list[FusedEvent]:
    """Every fused event with its evidence, oldest first, undated last."""
    rows = _event_rows(con)
    stored = []
    if table_exists(con, "fused_events"):
        stored = _stored(con, {r["event_id"]: r for r in rows})
    if stored:
        fused = stored
    else:
        groups: dict[str, list[dict]] = {}
        for row in rows:
            groups.setdefault(row["fused_id"] or row["event_id"], []).append(row)
        fused = [_derive(g) for g in groups.values()]
    labels = story_labels(con)
    for f in fused:
        f.story_label = labels.get(f.story_id or "")
    fused.sort(key=lambda f: (f.date is None, f.date or "", f.fused_id))
    return fused


def story_labels(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    if not table_exists(con, "stories"):
        return {}
    return dict(con.execute("SELECT story_id, coalesce(label, story_id) FROM stories").fetchall())


def in_range(date: str | None, date_from: str | None, date_to: str | None) -> bool:
    """ISO prefix comparison: "2023" is not after "2023-09", nor before "2023-12-31"."""
    if not (date_from or date_to):
        return True
    if not date:
        return False
    if date_from and date[: len(date_from)] < date_from:
        return False
    return not (date_to and date[: len(date_to)] > date_to)


def actors_of(event: FusedEvent) -> list[dict]:
    return [a for a in (event.source, event.target, *event.asserted_by, *event.denied_by) if a]


def matches(event: FusedEvent, f: Filters) -> bool:
    if f.story and f.story not in (event.story_id, event.story_label):
        return False
    if f.type and event.type != f.type.upper():
        return False
    if f.actor:
        needle = f.actor.lower()
        if not any(needle in (a.get("name") or "").lower() for a in actors_of(event)):
            return False
    if f.country:
        code = f.country.upper()
        countries = {a.get("country") for a in actors_of(event)}
        countries.add((event.location or {}).get("country"))
        if code not in countries:
            return False
    return in_range(event.date, f.date_from, f.date_to)
