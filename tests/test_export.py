"""The exports carry every contract field, with offsets that point at the evidence."""

from __future__ import annotations

import csv

import pyarrow.parquet as pq
from conftest import read_jsonl

from eventledger.export.writers import ARTICLE_FIELDS, CLAIM_FIELDS, EVENT_FIELDS, export_store
from eventledger.store import Store

SPEC_ARTICLE = {
    "article_id",
    "source_path",
    "title",
    "published",
    "published_precision",
    "published_source",
    "text",
    "removed",
    "language",
    "duplicate_of",
    "story_id",
}
SPEC_EVENT = {
    "event_id",
    "article_id",
    "type",
    "mode",
    "source",
    "target",
    "date",
    "date_precision",
    "location",
    "killed",
    "injured",
    "status",
    "claimed_by",
    "sentence",
    "start",
    "end",
    "confidence",
    "fused_id",
}
SPEC_CLAIM = {
    "claim_id",
    "article_id",
    "speaker",
    "speaker_text",
    "verb",
    "stance",
    "content",
    "direct",
    "sentence",
    "start",
    "end",
}
PLOVER = {
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
}


def test_contract_fields_present(seeds_run):
    assert set(ARTICLE_FIELDS) >= SPEC_ARTICLE
    assert set(EVENT_FIELDS) >= SPEC_EVENT
    assert set(CLAIM_FIELDS) >= SPEC_CLAIM
    for name, spec in (("articles", SPEC_ARTICLE), ("events", SPEC_EVENT), ("claims", SPEC_CLAIM)):
        rows = read_jsonl(seeds_run / f"{name}.jsonl")
        assert rows, name
        for row in rows:
            assert spec <= set(row), (name, spec - set(row))


def test_offsets_point_at_the_sentence(seeds_run, gold):
    articles = {a["article_id"]: a for a in read_jsonl(seeds_run / "articles.jsonl")}
    assert len(articles) == len(gold)
    for name in ("events", "claims"):
        for row in read_jsonl(seeds_run / f"{name}.jsonl"):
            text = articles[row["article_id"]]["text"]
            assert text[row["start"] : row["end"]] == row["sentence"]


def test_events_are_well_formed(seeds_run):
    events = read_jsonl(seeds_run / "events.jsonl")
    for e in events:
        assert e["type"] in PLOVER
        assert e["status"] in {"reported", "claimed", "denied", "threatened"}
        assert 0 <= e["confidence"] <= 1
        for role in ("source", "target", "claimed_by"):
            assert e[role] is None or set(e[role]) == {"name", "country", "sector"}
        assert e["claimed_by"] is None or e["status"] in ("claimed", "denied")


def test_csv_and_parquet_hold_the_same_rows(seeds_run):
    for name in ("articles", "events", "claims"):
        rows = read_jsonl(seeds_run / f"{name}.jsonl")
        with (seeds_run / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
            table = list(csv.DictReader(fh))
        assert len(table) == len(rows)
        assert pq.read_table(seeds_run / f"{name}.parquet").num_rows == len(rows)
    with (seeds_run / "events.csv").open(encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert {"source_name", "source_country", "source_sector"} <= set(header)


def test_removed_lines_exported(seeds_run):
    articles = read_jsonl(seeds_run / "articles.jsonl")
    removed = [line for a in articles for line in a["removed"]]
    assert "Please enter your comment!" in removed
    assert "©2023 Bloomberg L.P." in removed


def test_a_store_exports_a_chunk_at_a_time_as_at_once(seeds_run, tmp_path, monkeypatch):
    """Exports stream from the store a chunk of rows at a time, so a big store exports
    in little memory. Chunks of three rows (whose Parquet types differ: a toll in one,
    none in the next) give the same files as one chunk."""
    with Store(seeds_run.parent / "ledger.duckdb") as store:
        whole = export_store(store, tmp_path / "whole")
        rows = Store.export_rows
        monkeypatch.setattr(Store, "export_rows", lambda *a: rows(*a, size=3))
        chunked = export_store(store, tmp_path / "chunked")
    assert sorted(whole) == sorted(chunked) and len(whole) == 6 * 3  # tables, formats
    for name, path in whole.items():
        if name.endswith(".parquet"):
            one, many = pq.read_table(path), pq.read_table(chunked[name])
            assert one.schema == many.schema and one.to_pylist() == many.to_pylist()
        else:
            assert path.read_bytes() == chunked[name].read_bytes()
            assert path.read_bytes() == (seeds_run / name).read_bytes()
