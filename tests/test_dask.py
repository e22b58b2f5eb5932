"""A Dask run (two local workers) exports exactly what a single-process run does."""

from __future__ import annotations

import duckdb
from conftest import SAMPLES, cli, read_jsonl

TABLES = (("articles", "article_id"), ("events", "event_id"), ("claims", "claim_id"))


def test_dask_run_equals_single_process(tmp_path):
    local, dask = tmp_path / "local", tmp_path / "dask"
    cli("run", str(SAMPLES), "--db", str(tmp_path / "local.duckdb"), "--out", str(local), "-q")
    cli(
        "run",
        str(SAMPLES),
        "--db",
        str(tmp_path / "dask.duckdb"),
        "--out",
        str(dask),
        "-q",
        "--engine",
        "dask",
        "--workers",
        "2",
        "--batch-size",
        "4",
    )
    for name, key in TABLES:
        assert read_jsonl(dask / f"{name}.jsonl") == read_jsonl(local / f"{name}.jsonl"), name
        # the partitioned Parquet parts hold the same records as the store
        parts = str(dask / "parts" / name / "*.parquet")
        ids = duckdb.sql(f"SELECT {key} FROM read_parquet('{parts}') ORDER BY 1").fetchall()
        assert [i for (i,) in ids] == sorted(r[key] for r in read_jsonl(local / f"{name}.jsonl"))
    assert len(list((dask / "parts" / "articles").glob("*.parquet"))) > 1
