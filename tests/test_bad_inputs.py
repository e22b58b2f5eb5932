"""Bad files are reported one line each and skipped; good ones are all processed."""

from __future__ import annotations

from conftest import SEEDS, cli, read_jsonl

FRENCH = (
    "Les forces armées ont annoncé mardi le retrait de leurs dernières troupes du pays, "
    "après neuf années de présence militaire. Le ministère a déclaré que l'opération "
    "s'était déroulée sans incident et que les bases avaient été remises aux autorités."
)
LATIN1 = (
    "Café talks collapse\n\nNegotiators met in the café district of the capital on "
    "Friday, officials said, but the talks ended without an agreement on prisoners."
)


def test_bad_files_do_not_stop_good_ones(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in sorted(SEEDS.glob("*.txt"))[:2]:
        (corpus / seed.name).write_text(seed.read_text("utf-8"), encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    with (corpus / "huge.txt").open("wb") as fh:
        fh.write(b"Headline\n\n" + b"The army said troops advanced. " * (50 * 1024 * 1024 // 31))
    (corpus / "latin1.txt").write_bytes(LATIN1.encode("latin-1"))
    (corpus / "french.txt").write_text(f"Retrait des troupes\n\n{FRENCH}", encoding="utf-8")
    (corpus / "junk.txt").write_text(
        "Leave a Reply\n\nShare this article\n\n© 2023 Wire\n\n#news #war", encoding="utf-8"
    )
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04")
    out = tmp_path / "out"
    proc = cli(
        "run",
        str(corpus),
        "--db",
        str(tmp_path / "l.duckdb"),
        "--out",
        str(out),
        "--max-bytes",
        str(20 * 1024 * 1024),
    )
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()

    def reported(name: str, words: str) -> bool:
        return any(name in line and words in line for line in lines)

    assert reported("empty.txt", "empty")
    assert reported("binary.txt", "binary")
    assert reported("huge.txt", "too large")
    assert reported("latin1.txt", "not UTF-8")
    assert reported("french.txt", "not English")
    assert reported("junk.txt", "no article text")
    assert reported("notes.docx", "unknown format")
    articles = {a["source_path"].split("/")[-1]: a for a in read_jsonl(out / "articles.jsonl")}
    assert set(articles) == {
        *(p.name for p in sorted(SEEDS.glob("*.txt"))[:2]),
        "latin1.txt",
        "french.txt",
    }
    assert "café district" in articles["latin1.txt"]["text"]
    assert articles["french.txt"]["status"] == "skipped"
    coded = {e["article_id"] for e in read_jsonl(out / "events.jsonl")}
    assert articles["french.txt"]["article_id"] not in coded


def test_nothing_processable_exits_nonzero(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    proc = cli(
        "run",
        str(tmp_path / "empty.txt"),
        str(tmp_path / "missing"),
        "--db",
        str(tmp_path / "l.duckdb"),
        "--out",
        str(tmp_path / "out"),
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "no such file or folder" in proc.stderr and "empty file" in proc.stderr
