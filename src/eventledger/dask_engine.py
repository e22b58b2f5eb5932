"""Run the pipeline's batches on a Dask cluster: a local one (`--workers N`) or a running
scheduler (`--scheduler ADDRESS`).

Workers run the same pure `timed_batch` as a single process, each loading the spaCy model
once (it is cached per process, and warmed when the cluster starts). The driver keeps a
few batches per worker in flight, commits each to the store as it completes, and writes it
as one Parquet part per table, so a cluster run leaves a partitioned dataset beside the
store.

The driver reads a window of batches ahead and submits the biggest first (by raw bytes):
news corpora hold the odd 100k-word page, and a worker that starts it last keeps the
others idle while it finishes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from distributed import Client, LocalCluster, as_completed

from eventledger.export.writers import FIELDS
from eventledger.nlp.model import load_nlp
from eventledger.pipeline import Batch, Engine, timed_batch
from eventledger.records import BatchResult

IN_FLIGHT_PER_WORKER = 2
LOOKAHEAD_PER_WORKER = 8


def _warm() -> None:
    """Load the model on a worker before the first batch arrives."""
    load_nlp()


@contextmanager
def dask_engine(
    workers: int = 2, scheduler: str | None = None, parts: Path | None = None
) -> Iterator[Engine]:
    """An engine backed by a Dask client; the local cluster lives as long as the block."""
    if scheduler:
        cluster, client = None, Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        client.run(_warm)
        workers = max(1, len(client.scheduler_info()["workers"]))
        limit, ahead = IN_FLIGHT_PER_WORKER * workers, LOOKAHEAD_PER_WORKER * workers
        yield lambda batches: _run(client, batches, limit, ahead, parts)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run(
    client: Client, batches: Iterator[Batch], limit: int, ahead: int, parts: Path | None
) -> Iterator[tuple[Batch, BatchResult, Counter]]:
    pending = as_completed()
    owner: dict[str, Batch] = {}
    window: list[Batch] = []

    def submit_biggest():
        batch = max(window, key=_size)
        window.remove(batch)
        future = client.submit(timed_batch, batch.fresh, pure=False)
        owner[future.key] = batch
        pending.add(future)

    def finished():
        future = next(pending)
        batch = owner.pop(future.key)
        result, seconds = future.result()
        future.release()
        if parts is not None:
            write_parts(parts, batch.number, result)
        return batch, result, seconds

    for batch in batches:
        if not batch.fresh:  # nothing new: no round trip to the cluster
            yield batch, BatchResult(), Counter()
            continue
        window.append(batch)
        if len(window) < ahead:
            continue
        submit_biggest()
        while pending.count() >= limit:
            yield finished()
    while window:
        submit_biggest()
        while pending.count() >= limit:
            yield finished()
    while not pending.is_empty():
        yield finished()


def _size(batch: Batch) -> int:
    return sum(len(d.raw) for d in batch.fresh)


def write_parts(parts: Path, number: int, result: BatchResult) -> None:
    """One Parquet file per table for this batch: `parts/<table>/part-<batch>.parquet`.
    Nested values are JSON text, so every part has the same schema."""
    tables = {"articles": result.articles, "events": result.events, "claims": result.claims}
    for name, records in tables.items():
        if not records:
            continue
        fields = FIELDS[name]
        rows = [_flat(r.export(), fields) for r in records]
        schema = pa.schema([(f, TYPES.get(f, pa.string())) for f in fields])
        folder = parts / name
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(rows, schema=schema)
        pq.write_table(table, folder / f"part-{number:05d}.parquet")


TYPES = {
    "killed": pa.int64(),
    "injured": pa.int64(),
    "start": pa.int64(),
    "end": pa.int64(),
    "confidence": pa.float64(),
    "direct": pa.bool_(),
}


def _flat(row: dict, fields: list[str]) -> dict:
    out = {}
    for f in fields:
        value = row.get(f)
        out[f] = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
    return out
