"""The CLI's other commands and its user-error messages."""

from __future__ import annotations

from conftest import SEEDS, cli


def test_stats_and_export(tmp_path):
    db = tmp_path / "l.duckdb"
    cli("ingest", str(SEEDS), "--db", str(db), "-q")
    stats = cli("stats", "--db", str(db))
    assert "articles" in stats.stdout and "ASSAULT" in stats.stdout
    cli("export", "--db", str(db), "--out", str(tmp_path / "x"), "--formats", "jsonl")
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == [
        "articles.jsonl",
        "claims.jsonl",
        "entities.jsonl",
        "events.jsonl",
        "fused_events.jsonl",
        "stories.jsonl",
    ]


def test_user_errors_are_one_line(tmp_path):
    proc = cli("stats", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert proc.returncode == 1 and "no store" in proc.stderr and "Traceback" not in proc.stderr
    proc = cli("export", "--db", str(tmp_path / "none.duckdb"), check=False)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


def test_store_in_use_is_one_line(tmp_path):
    import duckdb

    db = tmp_path / "busy.duckdb"
    holder = duckdb.connect(str(db))
    try:
        proc = cli("stats", "--db", str(db), check=False)
    finally:
        holder.close()
    assert proc.returncode == 1
    assert "cannot open the store" in proc.stderr and "Traceback" not in proc.stderr
