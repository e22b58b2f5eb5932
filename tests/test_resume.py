"""A run killed part-way loses nothing committed; the re-run completes without doubling."""

from __future__ import annotations

import signal
import subprocess
import sys

from conftest import SAMPLES, SEEDS, cli, read_jsonl


def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for src in [*sorted(SEEDS.glob("*.txt")), *sorted(SAMPLES.glob("*.txt"))]:
        (folder / src.name).write_text(src.read_text("utf-8"), encoding="utf-8")
    return folder


def test_killed_run_resumes(tmp_path):
    folder = corpus(tmp_path)
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eventledger",
            "ingest",
            str(folder),
            "--db",
            str(db),
            "--batch-size",
            "2",
            "-q",
            "-v",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    committed = 0
    for line in proc.stderr:
        if "committed" in line:
            committed += 1
            if committed == 2:
                proc.send_signal(signal.SIGKILL)
                break
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL

    resumed = cli("run", str(folder), "--db", str(db), "--out", str(tmp_path / "out"))
    assert "already in the store" in resumed.stderr
    clean_out = tmp_path / "clean"
    cli("run", str(folder), "--db", str(tmp_path / "clean.duckdb"), "--out", str(clean_out), "-q")
    for name, key in (("articles", "article_id"), ("events", "event_id"), ("claims", "claim_id")):
        resumed_ids = [r[key] for r in read_jsonl(tmp_path / "out" / f"{name}.jsonl")]
        clean_ids = [r[key] for r in read_jsonl(clean_out / f"{name}.jsonl")]
        assert len(resumed_ids) == len(set(resumed_ids)), f"{name} doubled"
        assert sorted(resumed_ids) == sorted(clean_ids), f"{name} lost"


def test_newer_coder_codes_stored_articles_again(tmp_path, monkeypatch):
    """After an upgrade (or a lexicon edit) a re-run re-codes what an older coder stored,
    replacing its rows; with the same coder a re-run codes nothing."""
    from eventledger import pipeline
    from eventledger.store import Store

    folder = tmp_path / "corpus"
    folder.mkdir()
    for src in sorted(SAMPLES.glob("*.txt"))[:3]:
        (folder / src.name).write_text(src.read_text("utf-8"), encoding="utf-8")
    with Store(tmp_path / "ledger.duckdb") as store:
        first = pipeline.run([str(folder)], store)
        counts = store.counts()
        assert pipeline.run([str(folder)], store).articles == 0
        monkeypatch.setattr(pipeline, "coder_version", lambda: "a newer coder")
        again = pipeline.run([str(folder)], store)
        assert again.articles == first.articles == 3
        assert again.events == first.events
        after = store.counts()
        assert {t: after[t] for t in ("articles", "sentences", "entities", "events", "claims")} == {
            t: counts[t] for t in ("articles", "sentences", "entities", "events", "claims")
        }
        assert pipeline.run([str(folder)], store).articles == 0
