"""The CLI's other commands and its user-error messages."""

from __future__ import annotations

from conftest import SEEDS, cli, read_jsonl


def test_stats_and_export(tmp_path):
    db = tmp_path / "l.duckdb"
    cli("ingest", str(SEEDS), "--db", str(db), "-q")
    stats = cli("stats", "--db", str(db))
    assert "articles" in stats.stdout and "ASSAULT" in stats.stdout
    cli("export", "--db", str(db), "--out", str(tmp_path / "x"), "--formats", "jsonl")
    assert sorted(p.name for p in (tmp_path / "x").glob("[!.]*")) == [
        "articles.jsonl",
        "claims.jsonl",
        "entities.jsonl",
        "events.jsonl",
        "fused_events.jsonl",
        "stories.jsonl",
    ]


def test_exports_are_left_as_they_are_while_the_store_is_unchanged(tmp_path):
    db, out = tmp_path / "l.duckdb", tmp_path / "out"
    first, second = sorted(SEEDS.glob("*.txt"))[:2]

    def export(*formats):
        args = ("--db", str(db), "--out", str(out), "--formats", ",".join(formats))
        return cli("export", *args).stderr  # the console writes to stderr

    def written():
        return {p.name: p.stat().st_mtime_ns for p in out.glob("[!.]*")}

    cli("ingest", str(first), "--db", str(db), "-q")
    assert "wrote 6 files" in export("jsonl")
    before = written()
    cli("ingest", str(first), "--db", str(db), "-q")  # nothing new
    assert "up to date" in export("jsonl") and written() == before
    (out / "events.jsonl").unlink()
    assert "wrote 6 files" in export("jsonl") and (out / "events.jsonl").exists()
    assert "wrote 12 files" in export("jsonl", "csv")
    events = len(read_jsonl(out / "events.jsonl"))
    cli("ingest", str(second), "--db", str(db), "-q")
    assert "wrote 12 files" in export("jsonl", "csv")
    assert len(read_jsonl(out / "events.jsonl")) > events


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
