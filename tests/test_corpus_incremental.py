"""The corpus stage over a growing store: adding articles gives the answers one run over
all of them gives, from per-article work cached in the store."""

from __future__ import annotations

import json
import random
import shutil

import duckdb
import numpy as np
import pytest
from conftest import SAMPLES, SEEDS, cli, read_jsonl

from eventledger.fuse.stories import (
    BANDS,
    StoryText,
    dated_candidates,
    dated_candidates_of,
    join_stories,
)

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


def run(corpus, db, out, *options: str) -> None:
    cli(
        "run", str(corpus), "--db", str(db), "--out", str(out), "-q", "--formats", "jsonl", *options
    )


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
    new = np.array([3, 50, 149])  # an online pass's candidates: those holding a new article
    held = {p for p in expected if set(p) & set(new.tolist())}
    assert {tuple(p) for p in dated_candidates_of(items, sigs, new).tolist()} == held


def test_new_articles_join_the_stored_stories_they_link_to():
    """Online: a new article joins its copy's story, or the stored stories it scores
    close to (merging two it links), or stands alone; stored stories keep their ids."""
    ids = ["s1", "s2", "s3", "a0", "n1", "n2", "n3", "n4"]
    items = [StoryText(i, "2023-09-20", "day") for i in ids]
    items[4].original = "s3"  # n1 copies s3
    placed = ["story-s1", "story-s1", "story-s3", None, None, None, None, None]
    pairs = np.array([[0, 3], [1, 6], [2, 6], [0, 7], [5, 7]])
    scores = np.array([0.5, 0.4, 0.35, 0.1, 0.6])  # n4 is close to n2, not to s1
    bars = np.array([0.3, 0.3, 0.3] + [np.nan] * 5)  # the stored articles' nearest
    story, _ = join_stories(items, placed, pairs, scores, bars)
    # a0 joins s1's story (not renamed after a0), n1 its copy's, n3 links both: merged
    assert {story[i] for i in ("s1", "s2", "s3", "a0", "n1", "n3")} == {"story-s1"}
    assert story["n2"] == story["n4"] == "story-n2"  # new together, apart from the stored
    items[7].published = "2023-11-01"  # n4 weeks after n2: too far apart for one story
    assert join_stories(items, placed, pairs, scores, bars)[0]["n4"] == "story-n4"


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


def b_cubed(a: dict[str, str], b: dict[str, str]) -> float:
    """B-cubed F1 of two clusterings of the same items (item -> cluster id)."""
    members: dict[tuple[int, str], set[str]] = {}
    for k, clustering in enumerate((a, b)):
        for item, cluster in clustering.items():
            members.setdefault((k, cluster), set()).add(item)
    scores = []
    for k, (one, other) in enumerate(((a, b), (b, a))):
        shared = [
            len(members[(k, one[i])] & members[(1 - k, other[i])]) / len(members[(k, one[i])])
            for i in one
        ]
        scores.append(sum(shared) / len(shared))
    return 2 * scores[0] * scores[1] / (scores[0] + scores[1])


@pytest.mark.skipif(not SEEDS.is_dir(), reason="no shared seeds/")
def test_articles_placed_online_join_the_stored_answers(tmp_path, monkeypatch):
    """A few articles added to a store are placed among its answers: copies as one run
    over all would give them; stories (and so the dates stories give), fused events and
    entities joined as they come, close to that run's; a full pass then gives that run's
    answers exactly."""
    from eventledger.fuse import online as fuse_online
    from eventledger.pipeline import run as pipeline_run
    from eventledger.store import Store

    seeds = sorted(SEEDS.glob("*.txt"))
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLES, corpus)
    for path in seeds[:3]:
        shutil.copy(path, corpus / path.name)
    grown = tmp_path / "grown.duckdb"
    run(corpus, grown, tmp_path / "first")
    shutil.copy(grown, tmp_path / "all.duckdb")
    for path in seeds[3:]:
        shutil.copy(path, corpus / path.name)
    run(corpus, grown, tmp_path / "online", "--corpus", "online")
    run(corpus, tmp_path / "once.duckdb", tmp_path / "once")
    online, once = exported(tmp_path / "online"), exported(tmp_path / "once")
    report = json.loads((tmp_path / "online" / "report.json").read_text("utf-8"))
    assert report["corpus_pass"] == "online" and report["new_articles"] == len(seeds) - 3
    story = {a["article_id"]: a["story_id"] for a in online["articles"]}
    assert b_cubed(story, {a["article_id"]: a["story_id"] for a in once["articles"]}) >= 0.9
    assert [placed_apart(a) for a in online["articles"]] == [
        placed_apart(a) for a in once["articles"]
    ]  # the same copies and rewrites; the same text, dates and all a coder finds
    fused = {e["event_id"]: e["fused_id"] for e in online["events"]}
    assert {f["fused_id"]: sorted(f["event_ids"]) for f in online["fused_events"]} == {
        fid: sorted(e for e, f in fused.items() if f == fid) for fid in set(fused.values())
    }  # every event in the one fused event that lists it
    exact = {e["event_id"]: e["fused_id"] for e in once["events"]}
    assert b_cubed(fused, exact) >= 0.95
    kept = {e["entity_id"] for e in online["entities"]}
    assert len(kept ^ {e["entity_id"] for e in once["entities"]}) <= 0.05 * len(kept)
    # clustering only what the new mentions can reach gives the answers of clustering all
    monkeypatch.setattr(fuse_online, "replayed", lambda events, placed, keep, info: (events, []))

    def every(store, keys: list[str]) -> set[str]:  # whatever they are filed under
        return {f for (f,) in store.con.execute("SELECT fused_id FROM fused_events").fetchall()}

    monkeypatch.setattr(Store, "filed", every)
    with Store(tmp_path / "all.duckdb") as store:
        pipeline_run([str(corpus)], store, corpus="online")
    answers = (
        "SELECT * FROM events ORDER BY event_id",
        "SELECT * FROM fused_events ORDER BY fused_id",
    )
    for sql in answers:
        with (
            duckdb.connect(str(grown), read_only=True) as a,
            duckdb.connect(str(tmp_path / "all.duckdb"), read_only=True) as b,
        ):
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall()
    run(corpus, grown, tmp_path / "full", "--corpus", "full")  # nothing new: a full pass
    assert (
        json.loads((tmp_path / "full" / "report.json").read_text("utf-8"))["corpus_pass"] == "full"
    )
    assert exported(tmp_path / "full") == once


def placed_apart(article: dict) -> dict:
    """An article without what its story decides: the story and the date it gives."""
    story = ("story_id", "published", "published_precision", "published_source")
    return {k: v for k, v in article.items() if k not in story}


def test_a_new_mention_is_clustered_again_only_with_the_events_it_can_meet():
    """An online pass rebuilds the stored fused events a new mention could join (its
    day, its month one precision up, its story) and leaves the others as stored: other
    days of the same war and year are not clustered again, and the answer is that of
    clustering every mention again."""
    from eventledger.fuse.events import ArticleInfo, Kept, fused_events
    from eventledger.fuse.online import replayed

    def mention(eid, story, date, precision, place=None):
        return {
            "event_id": eid,
            "article_id": story,
            "type": "ASSAULT",
            "source": {"name": "Azerbaijan", "country": "AZE"},
            "target": {"name": "Armenia", "country": "ARM"},
            "date": date,
            "date_precision": precision,
            "status": "reported",
            "sentence": eid,
            "confidence": 0.7,
            "location": place and {"name": place[0], "country": place[1]},
        }

    stored = [
        mention("same-day", "a", "2020-09-27", "day", ("Stepanakert", "AZE")),
        mention("that-month", "b", "2020-09", "month", ("Tavush", "ARM")),
        mention("next-day", "c", "2020-09-28", "day", ("Stepanakert", "AZE")),
        mention("october", "d", "2020-10-05", "day"),
    ]
    info = {x: ArticleInfo(f"story-{x}", x) for x in "abcdn"}
    placed = {e: f.fused_id for f in fused_events(stored, info) for e in f.event_ids}
    assert len(set(placed.values())) == 4
    events = [*stored, mention("new", "n", "2020-09-27", "day")]
    again, kept = replayed(events, placed, set(placed.values()), info)
    assert {e["event_id"] for e in again} == {"new", "same-day", "that-month"}
    assert {k.fused_id for k in kept} == {"next-day", "october"}

    def answer(fused):
        return sorted(sorted(f.event_ids) for f in fused)

    online = [*kept, *fused_events(again, info, placed, set(placed.values()))]
    everything = fused_events(events, info, placed, set(placed.values()))
    assert answer(online) == answer(everything)
    assert ["new", "same-day"] in answer(online)
    assert not any(isinstance(f, Kept) and "new" in f.event_ids for f in online)


def test_new_articles_are_placed_online_only_few_and_after_a_full_pass(tmp_path):
    from eventledger.fuse.online import corpus_pass, corpus_version
    from eventledger.store import Store

    def finish(store, run_id, new=0, **summary):
        store.start_run(run_id, [])
        store.finish_run(run_id, {"new_articles": new, "not_english": 0, **summary})

    with Store(tmp_path / "s.duckdb") as store:
        store.con.execute(
            "INSERT INTO articles (article_id, status) SELECT 'a' || i, 'ok' FROM range(100) t(i)"
        )
        assert corpus_pass(store, "r0", 0) == "full"  # a store no pass has answered for
        finish(store, "r1", corpus_pass="full", corpus_version=corpus_version())
        store.start_run("r2", [])
        assert corpus_pass(store, "r2", 5) == "online"  # 5 of 100
        assert corpus_pass(store, "r2", 5, mode="full") == "full"
        assert corpus_pass(store, "r2", 6) == "full"
        assert corpus_pass(store, "r2", 6, mode="online") == "online"
        assert corpus_pass(store, "r2", 1, recoded=1) == "full"
        assert corpus_pass(store, "r2", 0) is None  # nothing new: the answers stand
        store.finish_run("r2", {"new_articles": 5, "not_english": 0, "corpus_pass": "online"})
        finish(store, "r3", corpus_pass=None)  # a re-run that found nothing new
        store.start_run("r4", [])
        assert corpus_pass(store, "r4", 1) == "full"  # 5 + 1 placed online
        assert corpus_pass(store, "r4", 0, mode="full") == "full"  # exact answers again
        assert corpus_pass(store, "r4", 0) is None
        finish(store, "r5", corpus_pass="full", corpus_version="older code")
        store.start_run("r6", [])
        assert corpus_pass(store, "r6", 1) == "full"
        store.start_run("r7", [])  # r6 never finished
        assert corpus_pass(store, "r7", 1) == "full"
