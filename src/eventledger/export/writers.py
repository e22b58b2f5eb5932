"""Write the contract's files (shared spec, section 5): ``articles.jsonl``,
``events.jsonl``, ``claims.jsonl``; the corpus-level ``fused_events``, ``stories`` and
``entities`` (canonical people and organisations); plus the same tables as CSV (nested actors
flattened to ``source_name``, ``source_country``...) and Parquet (nested kept)."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import json
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from eventledger.coder import fingerprint
from eventledger.records import CanonicalEntity, FusedEvent, Story

if TYPE_CHECKING:
    from eventledger.store import Store

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
EXPORTED = ".exported.json"  # beside the files: what they were written from
NESTED = {"source", "target", "location", "claimed_by", "speaker"}  # objects, flattened in CSV


TABLES = {  # export name -> (store table, order)
    "articles": ("articles", "source_path, article_id"),
    "events": ("events", "article_id, start_char, event_id"),
    "claims": ("claims", "article_id, start_char, claim_id"),
    "fused_events": ("fused_events", "date NULLS LAST, fused_id"),
    "stories": ("stories", "first_date NULLS LAST, story_id"),
    "entities": ("canonical_entities", "mentions DESC, entity_id"),
}


def subkeys(fields: list[str], rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Each nested field's keys over the rows, in the order the rows first use them."""
    keys: dict[str, dict[str, None]] = {f: {} for f in fields}
    for row in rows:
        for f, seen in keys.items():
            if isinstance(row.get(f), dict):
                seen.update(dict.fromkeys(row[f]))
    return {f: list(seen) for f, seen in keys.items()}


def csv_columns(fields: list[str], nested: dict[str, list[str]]) -> list[str]:
    """Stable CSV header: a nested field expands to every key any row has (`nested`)."""
    columns: list[str] = []
    for f in fields:
        columns += [f"{f}_{k}" for k in nested[f]] if nested.get(f) else [f]
    return columns


def csv_values(row: dict[str, Any], fields: list[str], nested: dict[str, list[str]]) -> list:
    """A row as CSV values: nested objects spread over their columns (empty where the
    row has none), lists as JSON text."""
    out: list[Any] = []
    for f in fields:
        value, keys = row.get(f), nested.get(f)
        if keys:
            out += [value.get(k) for k in keys] if isinstance(value, dict) else [None] * len(keys)
        elif isinstance(value, list):
            out.append(json.dumps(value, ensure_ascii=False))
        else:
            out.append(value)
    return out


class ParquetParts:
    """Parquet written a chunk at a time. Each chunk's types are inferred on its own, so
    the chunks go to part files first; their schemas, unified, make the final file's
    (a field empty in one chunk and filled in another, a place with coordinates or
    without). One chunk is in memory at a time."""

    def __init__(self, path: Path, fields: list[str]):
        self.path, self.fields = path, fields
        self.parts = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
        self.schemas: list[pa.Schema] = []

    def add(self, rows: list[dict[str, Any]]) -> None:
        table = pa.Table.from_pylist(rows)
        pq.write_table(table, self.parts / f"{len(self.schemas):06d}.parquet")
        self.schemas.append(table.schema)

    def __enter__(self) -> ParquetParts:
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        """The final file, from the parts, unless the export failed; the parts go."""
        try:
            if error_type is not None:
                return
            if not self.schemas:
                empty = pa.table({f: pa.array([], pa.string()) for f in self.fields})
                pq.write_table(empty, self.path)
                return
            schema = pa.unify_schemas(self.schemas, promote_options="permissive")
            with pq.ParquetWriter(self.path, schema) as writer:
                for k in range(len(self.schemas)):
                    writer.write_table(pq.read_table(self.parts / f"{k:06d}.parquet").cast(schema))
        finally:
            shutil.rmtree(self.parts, ignore_errors=True)


def write_table(
    out: Path,
    name: str,
    fields: list[str],
    chunks: Iterable[list[dict[str, Any]]],
    nested: dict[str, list[str]],
    formats: tuple[str, ...],
) -> list[Path]:
    """One table in each format, from one pass over its rows, a chunk at a time.
    `nested`: the keys of each nested field, for the CSV columns."""
    with contextlib.ExitStack() as stack:
        jsonl = rows_csv = parquet = None
        if "jsonl" in formats:
            jsonl = stack.enter_context((out / f"{name}.jsonl").open("w", encoding="utf-8"))
        if "csv" in formats:
            fh = stack.enter_context((out / f"{name}.csv").open("w", encoding="utf-8", newline=""))
            rows_csv = csv.writer(fh)
            rows_csv.writerow(csv_columns(fields, nested))
        if "parquet" in formats:
            parquet = stack.enter_context(ParquetParts(out / f"{name}.parquet", fields))
        for rows in chunks:
            if jsonl is not None:
                jsonl.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
            if rows_csv is not None:
                rows_csv.writerows(csv_values(row, fields, nested) for row in rows)
            if parquet is not None and rows:
                parquet.add(rows)
    return [out / f"{name}.{fmt}" for fmt in formats]


def export_all(
    tables: dict[str, list[dict[str, Any]]], out: Path, formats: tuple[str, ...] = FORMATS
) -> dict[str, Path]:
    """Write each table of records in memory in each format; returns {file name: path}."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, fields in FIELDS.items():
        rows = [{f: row.get(f) for f in fields} for row in tables.get(name, [])]
        nested = subkeys([f for f in fields if f in NESTED], rows)
        written += write_table(out, name, fields, [rows], nested, formats)
    return {p.name: p for p in written}


def export_store(store: Store, out: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """Write every table of a store in each format, streamed: a chunk of rows in memory
    at a time, so a store of any size exports in the memory of a small one. A marker
    written last says what the files were written from (`up_to_date`)."""
    out.mkdir(parents=True, exist_ok=True)
    marker = out / EXPORTED
    marker.unlink(missing_ok=True)  # written again last: an export cut short has none
    written: list[Path] = []
    for name, fields in FIELDS.items():
        table, order = TABLES[name]
        nested = {f: store.object_keys(table, f, order) for f in fields if f in NESTED}
        chunks = store.export_rows(table, fields, order)
        written += write_table(out, name, fields, chunks, nested, formats)
    marker.write_text(json.dumps(_state(store, formats)) + "\n")
    return {p.name: p for p in written}


def up_to_date(store: Store, out: Path, formats: tuple[str, ...] = FORMATS) -> bool:
    """`out` holds every file of this export, written from the store as it is now, so
    they need not be written again: a re-run that found nothing new would otherwise spend
    half a minute at 10k articles writing the same bytes."""
    state = _state(store, formats)
    return (
        state["change"] is not None
        and all(p.exists() for p in exported_files(out, formats).values())
        and _read(out / EXPORTED) == state
    )


def exported_files(out: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, Path]:
    """The files an export to `out` writes, by name."""
    paths = [out / f"{name}.{fmt}" for name in FIELDS for fmt in formats]
    return {p.name: p for p in paths}


def _state(store: Store, formats: tuple[str, ...]) -> dict[str, Any]:
    """What an export's files depend on: the store and its last change, the formats and
    the code that reads and writes the rows."""
    here = Path(__file__).resolve()
    return {
        "store": str(Path(store.path).resolve()),
        "change": store.last_change(),
        "formats": sorted(formats),
        "code": fingerprint([here, here.parents[1] / "store" / "duck.py"]),
    }


def _read(marker: Path) -> dict | None:
    try:
        return json.loads(marker.read_text())
    except (OSError, ValueError):
        return None
