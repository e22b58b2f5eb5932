"""Read inputs (folders, files, globs) into Documents, one per article.

`.txt` and `.html` files are one article each; `.jsonl` and `.csv` files hold one
article per row with a `text` field. A `metadata.jsonl` beside the corpus (or named
explicitly) supplies `published`/`url` for plain files by relative path.

Given the files a store has already coded (`InputFile`s by `stamp`), `read_inputs` passes
an unchanged file on unread; a 10k-article JSONL file costs seconds to read and hash again.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventledger.ingest.decode import DecodeError, decode, looks_binary
from eventledger.records import Document, Problem

FORMATS = {
    ".txt": "txt",
    ".text": "txt",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
}
METADATA_NAME = "metadata.jsonl"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
ROW_FIELDS = ("title", "published", "url", "source")


@dataclass
class InputFile:
    """One input file as a run read it: what a later run needs to pass it on unread."""

    stamp: str  # see `stamp`
    path: str  # as reported
    documents: int = 0
    problems: list[Problem] = field(default_factory=list)  # what reading it reports
    refused: int = 0  # documents the clean stage refused (so not stored), among problems
    stored: bool = False  # known to the store, so not read this time


def stamp(path: Path, max_bytes: int) -> str | None:
    """The file's resolved path, size, modification and status-change times (the
    latter also moves when its permissions do: an unreadable file made readable is
    read), and the size limit that decided what was read from it; None when it cannot
    be looked at."""
    try:
        st = path.stat()
    except OSError:
        return None
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}|{st.st_ctime_ns}|{max_bytes}"


def content_id(raw: bytes) -> str:
    """Article id: a hash of the raw content, so the same bytes are the same article."""
    return hashlib.sha256(raw).hexdigest()[:16]


def expand(inputs: Iterable[str]) -> tuple[list[Path], list[Problem]]:
    """Resolve folders (recursively), files and glob patterns to a sorted file list."""
    files: list[Path] = []
    problems: list[Problem] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file())
        elif path.is_file():
            files.append(path)
        elif glob.has_magic(item):
            matches = sorted(Path(p) for p in glob.glob(item, recursive=True))
            if not matches:
                problems.append(Problem(item, "no files match this pattern"))
            files.extend(p for p in matches if p.is_file())
        else:
            problems.append(Problem(item, "no such file or folder"))
    seen: set[Path] = set()
    unique = []
    for f in files:
        key = f.resolve()
        if key not in seen and not f.name.startswith("."):
            seen.add(key)
            unique.append(f)
    return unique, problems


def load_metadata(path: Path) -> dict[str, dict]:
    """Map resolved file path -> metadata from a sidecar JSONL (paths relative to it)."""
    table: dict[str, dict] = {}
    base = path.parent
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            target = (base / row["path"]).resolve()
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: bad metadata line ({exc})") from exc
        table[str(target)] = {k: row[k] for k in ROW_FIELDS if row.get(k)}
    return table


def _sidecars(files: list[Path], explicit: str | None) -> tuple[dict[str, dict], list[Problem]]:
    table: dict[str, dict] = {}
    problems: list[Problem] = []
    sources = {f for f in files if f.name == METADATA_NAME}
    if explicit:
        sources.add(Path(explicit))
    for src in sorted(sources):
        try:
            table.update(load_metadata(src))
        except (OSError, ValueError) as exc:
            problems.append(Problem(str(src), f"metadata not used: {exc}"))
    return table, problems


def _jsonl(path: Path) -> Iterator[Document | Problem]:
    """One Document per JSONL line with a non-empty `text`, read a line at a time, so a
    corpus file of any size costs the memory of one line."""
    noted = False
    with path.open("rb") as lines:
        head = lines.read(8192)
        if not head.strip() and not lines.read(1):
            yield Problem(str(path), "empty file")
            return
        if looks_binary(head):
            yield Problem(str(path), "binary content, not text")
            return
        lines.seek(0)
        for n, line in enumerate(lines, 1):
            line = line.rstrip(b"\r\n").removeprefix(b"\xef\xbb\xbf" if n == 1 else b"")
            if not line.strip():
                continue
            try:
                text, note = decode(line)
                row = json.loads(text)
            except (DecodeError, json.JSONDecodeError):
                yield Problem(f"{path}:{n}", "invalid JSON line")
                continue
            if note and not noted:  # said once per file
                noted = True
                yield Problem(str(path), note, kind="note")
            yield _document(path, n, row, text, "jsonl")


def _csv(path: Path, text: str) -> Iterator[Document | Problem]:
    """One Document per CSV row with a non-empty `text`."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        items = [(n, row, json.dumps(row, sort_keys=True)) for n, row in enumerate(reader, 2)]
    except csv.Error as exc:
        yield Problem(str(path), f"unreadable CSV: {exc}")
        return
    if reader.fieldnames and "text" not in reader.fieldnames:
        yield Problem(str(path), "CSV has no 'text' column")
        return
    for n, row, raw in items:
        yield _document(path, n, row, raw, "csv")


def _document(path: Path, n: int, row: object, raw: str, fmt: str) -> Document | Problem:
    if not isinstance(row, dict) or not str(row.get("text") or "").strip():
        return Problem(f"{path}:{n}", "record has no 'text'")
    meta = {k: str(row[k]) for k in ROW_FIELDS if row.get(k)}
    meta["text"] = str(row["text"])
    raw_bytes = raw.encode("utf-8")
    return Document(f"{path}:{n}", raw_bytes, fmt, meta, content_id(raw_bytes))


def read_inputs(
    inputs: Iterable[str],
    metadata: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    files: dict[str, InputFile] | None = None,
) -> Iterator[Document | Problem | InputFile]:
    """Yield a Document per article found, or a Problem per thing that cannot be read.

    With `files` (stamp -> InputFile, the files a store has fully coded), each file also
    ends with its InputFile, and a file found in `files` is not read: its stored
    InputFile (`stored` set) comes instead."""
    found, problems = expand(inputs)
    yield from problems
    sidecar, problems = _sidecars(found, metadata)
    yield from problems
    for path in found:
        if path.name == METADATA_NAME:
            continue
        key = stamp(path, max_bytes) if files is not None else None
        if key is None:
            yield from _read_file(path, sidecar, max_bytes)
        elif key in files:
            yield files[key]
        else:
            record = InputFile(key, _display(path))  # as its documents name it
            for item in _read_file(path, sidecar, max_bytes):
                if isinstance(item, Document):
                    record.documents += 1
                else:
                    record.problems.append(item)
                yield item
            yield record


def _read_file(
    path: Path, sidecar: dict[str, dict], max_bytes: int
) -> Iterator[Document | Problem]:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        yield Problem(
            str(path),
            f"unknown format '{path.suffix or 'no extension'}'"
            " (expected .txt, .html, .jsonl or .csv)",
        )
        return
    try:
        size = path.stat().st_size
        if size > max_bytes and fmt in ("txt", "html"):
            yield Problem(
                str(path),
                f"too large: {size / 1e6:.1f} MB over the "
                f"{max_bytes / 1e6:.1f} MB limit (--max-bytes)",
            )
            return
        if fmt == "jsonl":
            yield from _records(_jsonl(path), max_bytes)
            return
        raw = path.read_bytes()
    except OSError as exc:
        yield Problem(str(path), f"unreadable: {exc.strerror or exc}")
        return
    if fmt == "csv":
        try:
            text, note = decode(raw)
        except DecodeError as exc:
            yield Problem(str(path), str(exc))
            return
        if note:
            yield Problem(str(path), note, kind="note")
        yield from _records(_csv(path, text), max_bytes)
        return
    meta = dict(sidecar.get(str(path.resolve()), {}))
    yield Document(_display(path), raw, fmt, meta, content_id(raw))


def _records(items: Iterator[Document | Problem], max_bytes: int) -> Iterator[Document | Problem]:
    for item in items:
        if isinstance(item, Document) and len(item.raw) > max_bytes:
            item = Problem(item.source_path, "record too large (--max-bytes)")
        yield item


def _display(path: Path) -> str:
    """Paths as the user gave them, relative where possible, for readable reports."""
    try:
        return str(path)
    except ValueError:
        return str(path)
