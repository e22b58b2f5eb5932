"""Every input format is read, metadata is attached, and re-ingesting is a no-op."""

from __future__ import annotations

import csv
import json

from conftest import SAMPLES, cli, read_jsonl

from eventledger.ingest.readers import read_inputs
from eventledger.records import Document

BODY = (
    "Government troops and rebels clashed near the northern town on Monday, "
    "residents said, and at least four civilians were killed in the fighting."
)


def docs(*inputs, **kw):
    return [d for d in read_inputs([str(i) for i in inputs], **kw) if isinstance(d, Document)]


def test_formats_and_sidecar_metadata(tmp_path):
    (tmp_path / "a.txt").write_text(f"Headline A\n\n{BODY}", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text(
        json.dumps(
            {"title": "B", "text": BODY, "published": "2023-05-01", "url": "https://x.test/b"}
        )
        + "\n"
    )
    with (tmp_path / "c.csv").open("w", newline="") as fh:
        writer = csv.DictWriter(fh, ["title", "text", "source"])
        writer.writeheader()
        writer.writerow({"title": "C", "text": BODY + " More.", "source": "Wire"})
    (tmp_path / "metadata.jsonl").write_text(
        json.dumps({"path": "a.txt", "published": "2022-03-26", "url": "https://x.test/a"}) + "\n"
    )
    found = {d.source_path.split("/")[-1]: d for d in docs(tmp_path)}
    assert set(found) == {"a.txt", "b.jsonl:1", "c.csv:2"}
    assert found["a.txt"].meta == {"published": "2022-03-26", "url": "https://x.test/a"}
    assert found["b.jsonl:1"].meta["published"] == "2023-05-01"
    assert found["c.csv:2"].meta["source"] == "Wire"


def test_explicit_metadata_file_and_globs(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Headline A\n\n{BODY}", encoding="utf-8")
    meta = tmp_path / "dates.jsonl"
    meta.write_text(json.dumps({"path": "corpus/a.txt", "published": "2021-02-01"}) + "\n")
    (found,) = docs(f"{corpus}/*.txt", metadata=str(meta))
    assert found.meta["published"] == "2021-02-01"


def test_same_content_same_id_and_rerun_is_noop(tmp_path):
    (tmp_path / "a.txt").write_text(f"Headline\n\n{BODY}", encoding="utf-8")
    (tmp_path / "copy.txt").write_text(f"Headline\n\n{BODY}", encoding="utf-8")
    db, out = tmp_path / "l.duckdb", tmp_path / "out"
    cli(
        "run",
        str(tmp_path / "a.txt"),
        str(tmp_path / "copy.txt"),
        "--db",
        str(db),
        "--out",
        str(out),
        "-q",
    )
    first = read_jsonl(out / "articles.jsonl")
    assert len(first) == 1
    again = cli("run", str(tmp_path / "a.txt"), "--db", str(db), "--out", str(out))
    assert "already in the store" in again.stderr
    assert read_jsonl(out / "articles.jsonl") == first


def test_samples_demo_corpus(tmp_path):
    db, out = tmp_path / "l.duckdb", tmp_path / "out"
    proc = cli("run", str(SAMPLES), "--db", str(db), "--out", str(out))
    articles = {a["source_path"].split("/")[-1]: a for a in read_jsonl(out / "articles.jsonl")}
    assert len(articles) >= 15
    dated = articles["ukraine-kherson-strike.txt"]
    assert dated["published_source"] == "metadata" and dated["published"]
    html = next(a for name, a in articles.items() if name.endswith(".html"))
    assert html["title"] and html["published"] and "Cookie" not in html["text"]
    french = articles["mali-barkhane-fr.txt"]
    assert french["language"] == "fr" and french["status"] == "skipped"
    assert "not English" in proc.stderr
    assert read_jsonl(out / "events.jsonl") and read_jsonl(out / "claims.jsonl")
    report = json.loads((out / "report.json").read_text())
    assert report["new_articles"] == len(articles)


def test_jsonl_is_read_line_by_line(tmp_path):
    """A JSONL corpus streams: a BOM, CRLF endings, a U+2028 inside a string (valid
    JSON, and a line break to `str.splitlines`) and a broken line each behave."""
    rows = [
        {"text": "Shelling resumed\u2028overnight in the city.", "published": "2024-05-01"},
        {"text": "Talks resumed in Doha."},
    ]
    lines = [json.dumps(r, ensure_ascii=False).encode() for r in rows] + [b"{not json"]
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n")
    found = list(read_inputs([str(path)]))
    docs = [d for d in found if isinstance(d, Document)]
    assert [d.meta["text"] for d in docs] == [r["text"] for r in rows]
    assert docs[0].meta["published"] == "2024-05-01"
    assert [(p.source_path, p.reason) for p in found if not isinstance(p, Document)] == [
        (f"{path}:3", "invalid JSON line")
    ]
