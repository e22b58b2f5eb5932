"""The Python API: `process(texts or paths) -> Ledger`, for notebooks and scripts."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from eventledger.export.writers import export_all
from eventledger.fuse.corpus import corpus_in_memory
from eventledger.ingest.readers import DEFAULT_MAX_BYTES, content_id, read_inputs
from eventledger.pipeline import process_batch
from eventledger.records import BatchResult, CanonicalEntity, Document, FusedEvent, Problem, Story


@dataclass
class Ledger(BatchResult):
    """Typed records of one processing call: articles, sentences, entities, events,
    claims, the problems met on the way, and the corpus view across the articles:
    fused events, stories and canonical entities."""

    fused_events: list[FusedEvent] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    canonical_entities: list[CanonicalEntity] = field(default_factory=list)

    def export(self, out: str | Path) -> dict[str, Path]:
        """Write the contract's JSONL, CSV and Parquet files to `out`."""
        tables = {
            "articles": [a.export() for a in self.articles],
            "events": [e.export() for e in self.events],
            "claims": [c.export() for c in self.claims],
            "fused_events": [f.export() for f in self.fused_events],
            "stories": [asdict(s) for s in self.stories],
            "entities": [asdict(e) for e in self.canonical_entities],
        }
        return export_all(tables, Path(out))


def _is_path(item: str | os.PathLike) -> bool:
    if isinstance(item, os.PathLike):
        return True
    if "\n" in item or len(item) > 1024:
        return False
    try:
        return Path(item).exists()
    except OSError:  # a sentence too long to be a file name
        return False


def process(
    items: Iterable[str | os.PathLike],
    metadata: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Ledger:
    """Process article texts and/or paths (files, folders, globs) in memory.

    A `str` that names an existing file or folder is read from disk; any other string
    is an article body (a text whose first paragraph is a headline can be passed as a
    file instead). Nothing is stored; use the CLI or `pipeline.run` for a store.
    """
    docs: list[Document] = []
    problems: list[Problem] = []
    paths = []
    for n, item in enumerate(items):
        if _is_path(item):
            paths.append(str(item))
        else:
            raw = str(item).encode("utf-8")
            docs.append(Document(f"<text {n}>", raw, "txt", {"headline": False}, content_id(raw)))
    if paths:
        for found in read_inputs(paths, metadata=metadata, max_bytes=max_bytes):
            (docs if isinstance(found, Document) else problems).append(found)
    unique = list({d.article_id: d for d in docs}.values())
    result = process_batch(unique)
    result.problems = problems + result.problems
    corpus = corpus_in_memory(result)
    return Ledger(
        **vars(result),
        fused_events=corpus.fused,
        stories=corpus.stories,
        canonical_entities=corpus.entities,
    )
