"""A run killed part-way loses nothing committed; the re-run completes without doubling."""

from __future__ import annotations

import json
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


def test_rerun_passes_over_input_files_it_has_read(tmp_path, monkeypatch):
    """A file the store has read to the end, unchanged since, is not read again, and the
    run reports what reading it would; a changed file is read again."""
    from eventledger import pipeline
    from eventledger.ingest import readers
    from eventledger.store import Store

    folder = tmp_path / "corpus"
    folder.mkdir()
    for src in sorted(SAMPLES.glob("*.txt"))[:2]:
        (folder / src.name).write_text(src.read_text("utf-8"), encoding="utf-8")
    body = (SAMPLES / sorted(p.name for p in SAMPLES.glob("*.txt"))[2]).read_text("utf-8")
    rows = folder / "rows.jsonl"
    rows.write_text(
        json.dumps({"text": body}) + "\nnot json\n" + json.dumps({"text": "Share this"}) + "\n"
    )
    opened = []
    read_file = readers._read_file
    monkeypatch.setattr(
        readers, "_read_file", lambda p, *a: opened.append(p.name) or read_file(p, *a)
    )

    def summary(report):
        s = report.summary()
        s["problems"] = sorted(map(str, s["problems"]))
        return {k: v for k, v in s.items() if k not in ("run_id", "seconds")}

    with Store(tmp_path / "ledger.duckdb") as store:
        first = pipeline.run([str(folder)], store)
        assert first.articles == 3 and len(opened) == 3
        opened.clear()
        again = pipeline.run([str(folder)], store)
        assert opened == []
        assert again.already_stored == 3 and again.documents == first.documents == 4
        with monkeypatch.context() as m:  # the same re-run, reading every file
            m.setattr(Store, "input_files", lambda self, coder: {})
            reading = pipeline.run([str(folder)], store)
        assert summary(again) == summary(reading)
        assert {p.reason for p in again.skipped} == {
            "invalid JSON line",
            "no article text after cleaning (1 junk lines removed)",
        }
        opened.clear()
        with rows.open("a") as fh:
            fh.write(json.dumps({"text": body.replace("\n\n", "\n\nUpdate: ", 1)}) + "\n")
        grown = pipeline.run([str(folder)], store)
        assert opened == ["rows.jsonl"] and grown.articles == 1
        opened.clear()
        rows.chmod(0o600)  # as when a file unreadable before is made readable
        pipeline.run([str(folder)], store)
        assert opened == ["rows.jsonl"]
