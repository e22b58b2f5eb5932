"""The pipeline: pure stages over batches, and the driver that stores each batch.

ingest -> clean -> nlp -> extract -> resolve -> fuse -> store. `process_batch` is a pure
function from Documents to a BatchResult, so the same code runs in this process or on
a cluster worker; `run` streams documents, skips what the store already has, and
commits batch by batch.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

from eventledger.clean.article import clean_document
from eventledger.extract.claims import extract_claims
from eventledger.extract.events import extract_events
from eventledger.ingest.readers import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    METADATA_NAME,
    expand,
    read_inputs,
)
from eventledger.nlp.annotate import entities, parse, sentences
from eventledger.records import Article, BatchResult, Document, Problem
from eventledger.store import Store

log = logging.getLogger(__name__)
DEFAULT_BATCH = 16


def clean_stage(docs: list[Document]) -> tuple[list[Article], list[Problem]]:
    articles, problems = [], []
    for doc in docs:
        article, found = clean_document(doc)
        problems += found
        if article is not None:
            articles.append(article)
    return articles, problems


def analyse_stage(articles: list[Article]) -> BatchResult:
    """nlp -> extract -> resolve for the English articles; others are stored as they are."""
    result = BatchResult(articles=list(articles))
    codable = [a for a in articles if a.status == "ok"]
    for article, doc in parse(codable):
        sents = sentences(article, doc)
        result.sentences += sents
        result.entities += entities(article, doc, sents)
        result.events += extract_events(article, doc, sents)
        result.claims += extract_claims(article, doc, sents)
    return result


def fuse_stage(result: BatchResult) -> BatchResult:
    """Until cross-article fusion exists, each event is its own fused record."""
    for event in result.events:
        event.fused_id = event.fused_id or event.event_id
    return result


def process_batch(docs: list[Document]) -> BatchResult:
    articles, problems = clean_stage(docs)
    result = fuse_stage(analyse_stage(articles))
    result.problems = problems + result.problems
    return result


@dataclass
class RunReport:
    run_id: str
    documents: int = 0
    already_stored: int = 0
    articles: int = 0
    not_english: int = 0
    sentences: int = 0
    entities: int = 0
    events: int = 0
    claims: int = 0
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)

    def summary(self) -> dict:
        reasons = Counter(_reason_kind(p.reason) for p in self.skipped)
        return {
            "run_id": self.run_id,
            "documents": self.documents,
            "already_stored": self.already_stored,
            "new_articles": self.articles,
            "not_english": self.not_english,
            "skipped": len(self.skipped),
            "skipped_by_reason": dict(reasons),
            "sentences": self.sentences,
            "entities": self.entities,
            "events": self.events,
            "claims": self.claims,
            "problems": [
                {"path": p.source_path, "kind": p.kind, "reason": p.reason}
                for p in self.skipped + self.notes
            ],
        }

    @property
    def nothing_processed(self) -> bool:
        return self.articles == 0 and self.already_stored == 0


def _reason_kind(reason: str) -> str:
    return reason.split(":")[0].split(" (")[0]


def batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def run(
    inputs: list[str],
    store: Store,
    metadata: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = DEFAULT_BATCH,
    on_progress: Callable[[int], None] | None = None,
) -> RunReport:
    """Process every new document under `inputs` into `store`, one transaction per batch."""
    report = RunReport(run_id=uuid.uuid4().hex[:12])
    store.start_run(report.run_id, inputs)
    items = read_inputs(inputs, metadata=metadata, max_bytes=max_bytes)
    for n, chunk in enumerate(batched(items, batch_size), 1):
        docs = [d for d in chunk if isinstance(d, Document)]
        problems = [p for p in chunk if isinstance(p, Problem)]
        known = store.known([d.article_id for d in docs])
        fresh, seen = [], set()
        for doc in docs:
            if doc.article_id in known or doc.article_id in seen:
                report.already_stored += 1
            else:
                seen.add(doc.article_id)
                fresh.append(doc)
        result = process_batch(fresh)
        result.problems = problems + result.problems
        store.write(result, report.run_id)
        _tally(report, result, len(docs))
        log.info("batch %d committed: %d new articles", n, len(result.articles))
        if on_progress:
            on_progress(len(chunk))
    store.finish_run(report.run_id, report.summary())
    return report


def _tally(report: RunReport, result: BatchResult, documents: int) -> None:
    report.documents += documents
    report.articles += len(result.articles)
    report.not_english += sum(a.status != "ok" for a in result.articles)
    report.sentences += len(result.sentences)
    report.entities += len(result.entities)
    report.events += len(result.events)
    report.claims += len(result.claims)
    for p in result.problems:
        (report.skipped if p.kind == "skipped" else report.notes).append(p)


def count_inputs(inputs: list[str]) -> int:
    """Roughly how many items `run` will see (a row per JSONL/CSV line), for the ETA."""
    files, problems = expand(inputs)
    total = len(problems)
    for path in files:
        if path.name == METADATA_NAME:
            continue
        fmt = FORMATS.get(path.suffix.lower())
        if fmt in ("jsonl", "csv"):
            with path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip()) - (fmt == "csv")  # CSV header
        else:
            total += 1
    return total
