"""Write the contract's files (shared spec, section 5): ``articles.jsonl``,
``events.jsonl``, ``claims.jsonl``; the corpus-level ``fused_events``, ``stories`` and
``entities`` (canonical people and organisations); plus the same tables as CSV (nested actors
flattened to ``source_name``, ``source_country``...) and Parquet (nested kept)."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventledger.records import CanonicalEntity, FusedEvent, Story

ARTICLE_FIELDS = [
    "article_id",
    "source_path",
    "title",
    "published",
    "published_precision",
    "published_source",
    "text",
    "removed",
    "language",
    "duplicate_of",
    "duplicate_kind",
    "story_id",
    "url",
    "source",
    "status",
    "skip_reason",
]
EVENT_FIELDS = [
    "event_id",
    "article_id",
    "type",
    "mode",
    "source",
    "target",
    "date",
    "date_precision",
    "location",
    "killed",
    "injured",
    "status",
    "claimed_by",
    "sentence",
    "start",
    "end",
    "confidence",
    "fused_id",
    "trigger",
    "time_text",
]
CLAIM_FIELDS = [
    "claim_id",
    "article_id",
    "speaker",
    "speaker_text",
    "verb",
    "stance",
    "content",
    "direct",
    "sentence",
    "start",
    "end",
]
FUSED_FIELDS = [f.name for f in dataclasses.fields(FusedEvent)]
STORY_FIELDS = [f.name for f in dataclasses.fields(Story)]
ENTITY_FIELDS = [f.name for f in dataclasses.fields(CanonicalEntity)]
FIELDS = {
    "articles": ARTICLE_FIELDS,
    "events": EVENT_FIELDS,
    "claims": CLAIM_FIELDS,
    "fused_events": FUSED_FIELDS,
    "stories": STORY_FIELDS,
    "entities": ENTITY_FIELDS,
}
FORMATS = ("jsonl", "csv", "parquet")


def project(rows: list[dict[str, Any]], fields: list[str]) -> list[dict[str, Any]]:
    return [{f: row.get(f) for f in fields} for row in rows]


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """Nested objects become prefixed columns; lists become JSON text."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                flat[f"{key}_{sub}"] = inner
        elif isinstance(value, list):
            flat[key] = json.dumps(value, ensure_ascii=False)
        else:
            flat[key] = value
    return flat


def flat_columns(fields: list[str], rows: list[dict[str, Any]]) -> list[str]:
    """Stable CSV header: nested fields expand to every key any row has."""
    columns: list[str] = []
    for f in fields:
        subkeys: list[str] = []
        for row in rows:
            if isinstance(row.get(f), dict):
                subkeys += [k for k in row[f] if k not in subkeys]
        columns += [f"{f}_{k}" for k in subkeys] if subkeys else [f]
    return columns


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def write_csv(path: Path, rows: list[dict[str, Any]], fields: list[str]) -> None:
    columns = flat_columns(fields, rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(flatten(row) for row in rows)


def write_parquet(path: Path, rows: list[dict[str, Any]], fields: list[str]) -> None:
    if rows:
        table = pa.Table.from_pylist(rows)
    else:
        table = pa.table({f: pa.array([], pa.string()) for f in fields})
    pq.write_table(table, path)


def export_all(
    tables: dict[str, list[dict[str, Any]]], out: Path, formats: tuple[str, ...] = FORMATS
) -> dict[str, Path]:
    """Write each table in each format; returns {file name: path}."""
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, fields in FIELDS.items():
        rows = project(tables.get(name, []), fields)
        for fmt in formats:
            path = out / f"{name}.{fmt}"
            if fmt == "jsonl":
                write_jsonl(path, rows)
            elif fmt == "csv":
                write_csv(path, rows, fields)
            elif fmt == "parquet":
                write_parquet(path, rows, fields)
            written[path.name] = path
    return written
