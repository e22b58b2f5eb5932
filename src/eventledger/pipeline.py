"""The pipeline: pure stages over batches, and the driver that stores each batch.

ingest -> clean -> nlp -> extract -> resolve -> geocode -> store, then the corpus stage
(`fuse/`) over the whole store. `process_batch` is a pure function from Documents to a
BatchResult, so the same code runs in this process or on a cluster worker; `run` streams
documents, skips what the store already has (input files it has read to the end, unread),
commits batch by batch, and ends with the corpus stage.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count, islice

from eventledger.clean.article import clean_document
from eventledger.coder import coder_version
from eventledger.extract.claims import extract_claims
from eventledger.extract.events import extract_events
from eventledger.fuse.online import corpus_pass, corpus_version
from eventledger.fuse.stage import corpus_stage
from eventledger.geo.geocode import geocode_batch
from eventledger.ingest.readers import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    METADATA_NAME,
    InputFile,
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


@contextmanager
def timed(clock: Counter | None, stage: str) -> Iterator[None]:
    """Add the seconds the block takes to `clock[stage]` (the per-stage benchmark figures)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        if clock is not None:
            clock[stage] += time.perf_counter() - start


def analyse_stage(articles: list[Article], clock: Counter | None = None) -> BatchResult:
    """nlp -> extract -> resolve for the English articles; others are stored as they are."""
    result = BatchResult(articles=list(articles))
    codable = [a for a in articles if a.status == "ok"]
    parsed = parse(codable)
    while True:
        with timed(clock, "nlp"):
            pair = next(parsed, None)
        if pair is None:
            break
        article, doc = pair
        with timed(clock, "extract"):
            sents = sentences(article, doc)
            result.sentences += sents
            result.entities += entities(article, doc, sents)
            result.events += extract_events(article, doc, sents)
            result.claims += extract_claims(article, doc, sents)
    return geocode_batch(result)  # points for places and event locations


def process_batch(docs: list[Document], clock: Counter | None = None) -> BatchResult:
    with timed(clock, "clean"):
        articles, problems = clean_stage(docs)
    result = analyse_stage(articles, clock)
    result.problems = problems + result.problems
    return result


def timed_batch(docs: list[Document]) -> tuple[BatchResult, Counter]:
    """`process_batch` with its seconds per stage; what an engine runs for each batch."""
    clock: Counter = Counter()
    return process_batch(docs, clock), clock


@dataclass
class Batch:
    """One chunk of the input: the documents to process, and what was read around them."""

    number: int
    fresh: list[Document]
    problems: list[Problem]
    documents: int  # documents read, new or not
    items: int  # documents and problems, for the progress bar


# An engine maps `timed_batch` over batches and yields (batch, result, seconds) in any order.
Engine = Callable[[Iterator[Batch]], Iterator[tuple[Batch, BatchResult, Counter]]]


def local_engine(batches: Iterator[Batch]) -> Iterator[tuple[Batch, BatchResult, Counter]]:
    for batch in batches:
        yield batch, *timed_batch(batch.fresh)


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
    duplicates: int = 0
    stories: int = 0
    fused_events: int = 0
    recoded: int = 0  # articles stored before, coded again by a newer coder
    corpus_pass: str | None = None  # full, online, or None (the corpus was unchanged)
    skipped: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    seconds: Counter = field(default_factory=Counter)  # per stage, summed over batches

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
            "duplicates": self.duplicates,
            "stories": self.stories,
            "fused_events": self.fused_events,
            "corpus_pass": self.corpus_pass,
            "corpus_version": corpus_version() if self.corpus_pass else None,
            "problems": [
                {"path": p.source_path, "kind": p.kind, "reason": p.reason}
                for p in self.skipped + self.notes
            ],
            "seconds": {stage: round(s, 3) for stage, s in self.seconds.items()},
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
    engine: Engine = local_engine,
    corpus: str = "auto",
    keep_model: bool = False,
) -> RunReport:
    """Process every new document under `inputs` into `store`, one transaction per batch.

    The engine may finish batches out of order (Dask); each is committed as it arrives.
    `corpus`: how the corpus stage answers after new articles (`corpus_pass`).
    `keep_model`: keep the spaCy pipeline loaded for the next run in this process.
    """
    report = RunReport(run_id=uuid.uuid4().hex[:12])
    store.start_run(report.run_id, inputs)
    coder = coder_version()
    files = store.input_files(coder)
    read: list[InputFile] = []
    items = read_inputs(inputs, metadata=metadata, max_bytes=max_bytes, files=files)
    items = _passed_over(items, report, read, on_progress)
    cleaned: list[Problem] = []  # documents the clean stage refused: not stored
    for batch, result, seconds in engine(_fresh_batches(items, store, report, batch_size, coder)):
        report.seconds.update(seconds)
        cleaned += [p for p in result.problems if p.kind == "skipped"]
        result.problems = batch.problems + result.problems
        with timed(report.seconds, "store"):
            store.write(result, report.run_id, coder)
        _tally(report, result, batch.documents)
        log.info("batch %d committed: %d new articles", batch.number, len(result.articles))
        if on_progress:
            on_progress(batch.items)
    store.note_input_files(_refused(read, cleaned), coder)
    with timed(report.seconds, "corpus"):
        new = report.articles - report.not_english
        report.corpus_pass = corpus_pass(store, report.run_id, new, report.recoded, corpus)
        if report.corpus_pass:
            corpus_stage(store, report.corpus_pass == "online", keep_model)
        report.stories, report.fused_events, report.duplicates = _corpus_counts(store)
    store.finish_run(report.run_id, report.summary())
    return report


def _corpus_counts(store: Store) -> tuple[int, int, int]:
    return store.con.execute(
        "SELECT (SELECT count(*) FROM stories), (SELECT count(*) FROM fused_events),"
        " (SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL)"
    ).fetchone()


def _passed_over(
    items: Iterator[Document | Problem | InputFile],
    report: RunReport,
    read: list[InputFile],
    on_progress: Callable[[int], None] | None,
) -> Iterator[Document | Problem]:
    """The input without its file records. A file read now goes to `read`; a file the
    store has read to the end counts as already stored, and what it reported is said again."""
    for item in items:
        if not isinstance(item, InputFile):
            yield item
        elif not item.stored:
            read.append(item)
        else:
            report.documents += item.documents
            report.already_stored += item.documents - item.refused
            if on_progress:
                on_progress(item.documents)
            yield from item.problems


def _refused(read: list[InputFile], cleaned: list[Problem]) -> list[InputFile]:
    """The files read, each with the documents the clean stage refused: a re-run reads
    and refuses those again, so passing over the file says so again too."""
    by_path = {f.path: f for f in read}
    for problem in cleaned:
        path = problem.source_path
        owner = by_path.get(path) or by_path.get(path.rpartition(":")[0])
        if owner is not None:
            owner.problems.append(problem)
            owner.refused += 1
    return read


def _fresh_batches(
    items: Iterator[Document | Problem], store: Store, report: RunReport, size: int, coder: str
) -> Iterator[Batch]:
    """Chunks of the input without the documents the store (or this run) already has,
    as this coder codes them (an article an older coder stored is coded again).

    Ids handed out earlier in the run are remembered, since an engine may still be
    processing them when a later chunk holding the same content is read.
    """
    seen: set[str] = set()
    chunks = batched(items, size)
    for n in count(1):
        with timed(report.seconds, "read"):
            chunk = next(chunks, None)
            if chunk is None:
                return
            docs = [d for d in chunk if isinstance(d, Document)]
            stored = store.known([d.article_id for d in docs])
            known = {aid for aid, by in stored.items() if by == coder}
            report.recoded += len(stored) - len(known)
        fresh = []
        for doc in docs:
            if doc.article_id in known or doc.article_id in seen:
                report.already_stored += 1
            else:
                seen.add(doc.article_id)
                fresh.append(doc)
        problems = [p for p in chunk if isinstance(p, Problem)]
        yield Batch(n, fresh, problems, len(docs), len(chunk))


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
