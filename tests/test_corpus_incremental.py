"""The corpus stage over a growing store: adding articles gives the answers one run over
all of them gives, from per-article work cached in the store."""

from __future__ import annotations

import random

import duckdb
import numpy as np
import pytest
from conftest import SEEDS, cli, read_jsonl

from eventledger.fuse.stories import BANDS, StoryText, dated_candidates

EXPORTS = ("articles", "events", "entities", "stories", "fused_events")
RUN_FIELDS = {"run_id"}


def exported(out) -> dict[str, list[dict]]:
    return {
        name: [
            {k: v for k, v in r.items() if k not in RUN_FIELDS}
            for r in read_jsonl(out / f"{name}.jsonl")
        ]
        for name in EXPORTS
    }


def run(corpus, db, out) -> None:
    cli("run", str(corpus), "--db", str(db), "--out", str(out), "-q", "--formats", "jsonl")


@pytest.mark.skipif(not SEEDS.is_dir(), reason="no shared seeds/")
def test_adding_articles_answers_as_one_run_over_all(tmp_path):
    seeds = sorted(SEEDS.glob("*.txt"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in seeds[:3]:
        (corpus / path.name).write_text(path.read_text("utf-8"), "utf-8")
    grown = tmp_path / "grown.duckdb"
    run(corpus, grown, tmp_path / "a")
    for path in seeds[3:]:
        (corpus / path.name).write_text(path.read_text("utf-8"), "utf-8")
    run(corpus, grown, tmp_path / "ab")  # the first three from the cache
    run(corpus, tmp_path / "once.duckdb", tmp_path / "all")
    assert exported(tmp_path / "ab") == exported(tmp_path / "all")
    with duckdb.connect(str(grown), read_only=True) as con:  # every article's work cached
        cached = [
            con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("article_cache", "mention_cache")
        ]
        stored = con.execute("SELECT count(*) FROM articles WHERE status = 'ok'").fetchone()[0]
        pairs = con.execute(
            "SELECT count(*) FILTER (WHERE test = 'rewrite'), count(*),"
            " count(DISTINCT (article_id, other, test)) FROM pair_cache"
        ).fetchone()
    assert cached == [stored, stored] and stored == len(seeds)
    rewrites, kept, distinct = pairs
    assert rewrites > 0 and kept == distinct  # the 2023 reports' pairs, each tested once


def test_story_candidates_are_every_date_compatible_pair_sharing_a_band():
    rng = random.Random(1)
    days = ["2023-09-19", "2023-09-20", "2023-10-01", "2022-01-01"]
    items = []
    for k in range(150):
        day, r = rng.choice(days), rng.random()
        published = None if r < 0.2 else day[:4] if r < 0.35 else day[:7] if r < 0.5 else day
        items.append(StoryText(f"a{k}", published))
    sigs = np.array([[rng.randrange(1, 6) for _ in range(64)] for _ in items], dtype=np.uint32)
    sigs[7] = 0  # an article without words for stories
    expected = set()
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            a, b = items[i].published or "", items[j].published or ""
            size = min(len(a), len(b))
            shares = (sigs[i, :BANDS] == sigs[j, :BANDS]).any()
            if shares and sigs[i].any() and sigs[j].any() and a[:size] == b[:size]:
                expected.add((i, j))
    assert {tuple(p) for p in dated_candidates(items, sigs).tolist()} == expected


@pytest.mark.skipif(not SEEDS.is_dir(), reason="no shared seeds/")
def test_a_run_killed_between_the_corpus_writes_is_mended_by_the_next(tmp_path, monkeypatch):
    """The corpus stage lands in two transactions (fused events, then entities); a run
    that dies between them is not done, so the next run does the stage again. That pass
    reads the dates as coded, not as the first pass dated them from their stories, so
    its answers are those of one clean run."""
    from eventledger.pipeline import run as pipeline_run
    from eventledger.store import Store

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        (corpus / path.name).write_text(path.read_text("utf-8"), "utf-8")

    def killed(self, result):
        raise KeyboardInterrupt

    monkeypatch.setattr(Store, "write_entities", killed)
    with Store(tmp_path / "killed.duckdb") as store, pytest.raises(KeyboardInterrupt):
        pipeline_run([str(corpus)], store)
    monkeypatch.undo()
    with duckdb.connect(str(tmp_path / "killed.duckdb"), read_only=True) as con:
        fused, canonical = con.execute(
            "SELECT (SELECT count(*) FROM fused_events), (SELECT count(*) FROM canonical_entities)"
        ).fetchone()
    assert fused > 0 and canonical == 0  # the first write landed, the second did not
    run(corpus, tmp_path / "killed.duckdb", tmp_path / "mended")
    run(corpus, tmp_path / "once.duckdb", tmp_path / "once")
    assert exported(tmp_path / "mended") == exported(tmp_path / "once")
