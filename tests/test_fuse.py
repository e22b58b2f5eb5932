"""Counting events, not articles: copies, rewrites, stories, fused events and entities."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLES, SEEDS, SHARED, cli, read_jsonl

from eventledger.fuse.corpus import find_duplicates, rank
from eventledger.fuse.dedup import Text, near_duplicates, new_candidates, signatures
from eventledger.fuse.entities import EntityRow, Mention, canonical_entities
from eventledger.fuse.pairs import Verdicts
from eventledger.fuse.rewrites import is_rewrite

JUNK_TOP = ["Share this article", "Advertisement", "Sign up for our newsletter"]
JUNK_BOTTOM = ["© 2024 Some Other Site. All rights reserved.", "Leave a comment"]


def sample_texts() -> dict[str, str]:
    return {
        p.name: p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt")) if "-fr" not in p.name
    }


def edited(text: str, share: float, pool: list[str], rng: random.Random) -> str:
    """A re-published copy: other junk around it, `share` of its words replaced."""
    words = text.split(" ")
    for i in range(len(words)):
        if rng.random() < share:
            words[i] = rng.choice(pool)
    return "\n".join([*JUNK_TOP, " ".join(words), *JUNK_BOTTOM])


def test_near_duplicates_found_with_full_precision_and_recall():
    texts = sample_texts()
    pool = [w for t in texts.values() for w in t.split()]
    rng = random.Random(7)
    articles = [{"article_id": n, "text": t, "published": "2020-01-01"} for n, t in texts.items()]
    expected = {}
    for share in (0.1, 0.2, 0.3):
        for name, text in texts.items():
            copy = f"copy{share}-{name}"
            articles.append({"article_id": copy, "text": edited(text, share, pool, rng)})
            expected[copy] = name
    checked = Verdicts()
    found = {copy: of for copy, (of, _) in find_duplicates(articles, None, checked).items()}
    assert found == expected  # every copy found, pointing at its original; nothing else
    again = Verdicts(known=checked.fresh)  # a later pass: the store kept the answers
    assert find_duplicates(articles, None, again).keys() == expected.keys()
    assert checked.fresh and not again.fresh  # no pair tested twice
    refuted = Verdicts(known=dict.fromkeys(checked.fresh, False))
    assert find_duplicates(articles, None, refuted) == {}  # kept answers are taken as given


def test_copies_found_online_are_those_of_a_pass_over_all():
    """New articles are checked only against the candidates they bring, and joined to
    the copy groups as stored: the groups are a full pass's, also where a new article is
    the earlier original of stored copies, or the link between two stored groups."""
    texts = sample_texts()
    pool = [w for t in texts.values() for w in t.split()]
    rng = random.Random(11)
    articles = []
    for name, text in texts.items():
        articles.append({"article_id": f"a-{name}", "text": text, "published": "2020-01-02"})
        for k in range(3):  # copies of copies: chains that a new article may link
            text = edited(text, 0.1, pool, rng)
            articles.append({"article_id": f"c{k}-{name}", "text": text, "published": "2020-01-03"})
    articles[0]["published"] = "2020-01-01"  # published first: new, it leads stored copies
    texts_of = [Text(a["article_id"], a["text"], rank(a)) for a in articles]
    sigs = signatures(texts_of)
    everything = near_duplicates(texts_of, sigs)
    for new in (np.array([0, 6]), np.array([1, 4, 9])):  # originals, copies mid-chain
        stored = [k for k in range(len(articles)) if k not in set(new.tolist())]
        grouped = near_duplicates([texts_of[k] for k in stored], sigs[stored])
        at = {texts_of[k].article_id: k for k in range(len(articles))}
        linked = [(at[copy], at[of]) for copy, of in grouped.items()]
        online = near_duplicates(texts_of, sigs, None, None, new_candidates(sigs, new), linked)
        assert online == everything and any(at[of] in new for of in online.values())


def test_rewrite_is_told_from_an_independent_report():
    one, two = (next(SEEDS.glob(f"{n}_*.txt")).read_text("utf-8") for n in ("001", "002"))
    assert not is_rewrite(one, two)  # two outlets on the same day: independent
    words = re.findall(r"\S+", one)

    def spun(share: float) -> str:
        rng = random.Random(3)
        return " ".join(w if rng.random() > share else "truly" for w in words)

    assert is_rewrite(one, spun(0.25))
    heavy = spun(0.5)  # too few sentences left to tell by the text alone
    events = {
        ("ASSAULT", "AZE", "XNK", "2023"),
        ("REJECT", "ARM", "AZE", None),
        ("REQUEST", "RUS", None, None),
    }
    other = {
        ("ASSAULT", "AZE", "ARM", "2020"),
        ("AGREE", "RUS", None, "2020"),
        ("REQUEST", "RUS", None, None),
    }
    assert not is_rewrite(one, heavy)
    assert is_rewrite(one, heavy, events, set(events))
    assert not is_rewrite(one, heavy, events, other)


def test_entity_spellings_join_and_namesakes_stay_apart():
    mentions = [
        Mention("a", "Nikol Pashinyan", "PERSON", "ARM", "GOV"),
        Mention("b", "Pashnyan", "PERSON?"),
        Mention("c", "Arayik Harutyunyan", "PERSON", "XNK"),
        Mention("d", "Arayik Arutyunyan", "PERSON", "XNK"),
        Mention("e", "Ilham Aliyev", "PERSON", "AZE"),
        Mention("f", "Heydar Aliyev", "PERSON", "AZE"),
        Mention("g", "Azerbaijan's defense ministry", "actor", "AZE", "MIL", 10),
        Mention("g", "the Defense Ministry", "ORG", None, None, 50),
        Mention("h", "the Defense Ministry in Baku", "actor", "AZE", "MIL"),
        Mention("h", "Armenia's Defense Ministry", "actor", "ARM", "MIL"),
    ]
    entities, assigned, _ = canonical_entities(mentions)
    same = lambda i, j: assigned.get(i) is not None and assigned.get(i) == assigned.get(j)  # noqa: E731
    assert same(0, 1) and same(2, 3)
    assert not same(4, 5)
    assert same(6, 7) and same(6, 8) and not same(8, 9)
    names = {e.name for e in entities}
    assert "Ministry of Defense (AZE)" in names


def test_names_ner_missed_are_found_and_joined():
    from eventledger.fuse.corpus import entity_mentions

    texts = {
        "a": "Toivo Klaar, the EU envoy, said talks would resume. He called for calm.",
        "b": "Toivo Kral, the EU's special representative, urged restraint. Kral said so twice.",
        "c": "Tom Kral, a farmer, said nothing. Russian peacekeepers left. Peacekeeping troops "
        "stayed. The ethnic Armenian government in Karabakh will be dissolved.",
        "d": "Azerbaijan's defense ministry said the operation was local. The statement added "
        "that civilians were safe. The State Department disagreed.",
    }
    ministry = {"name": "Azerbaijan's defense ministry", "country": "AZE", "sector": "MIL"}
    claims = [
        {"article_id": "d", "start": 0, "speaker": ministry, "speaker_text": ministry["name"]}
    ]
    articles = [{"article_id": a, "text": t} for a, t in texts.items()]
    entities = [
        EntityRow(rowid=0, article_id="a", start=0, text="Toivo Klaar", label="PERSON"),
        EntityRow(rowid=1, article_id="c", start=0, text="Tom Kral", label="PERSON"),
    ]
    story_of = {"a": "s1", "b": "s1", "c": "s2"}
    mentions = entity_mentions(entities, [], claims, articles, story_of)
    found, _, _ = canonical_entities(mentions)
    by_name = {e.name: e for e in found}
    klaar = by_name["Toivo Klaar"]
    assert {"Toivo Kral", "Kral", "He"} <= set(klaar.variants)  # a slip, a surname, a pronoun
    assert klaar.article_ids == ["a", "b"]  # Tom Kral of another story stays apart
    assert "Tom Kral" in by_name and "b" not in by_name["Tom Kral"].article_ids
    assert {"Russian peacekeepers", "Peacekeeping troops"} <= set(
        by_name["Peacekeepers (RUS)"].variants
    )
    government = by_name["Government (XNK)"]  # the dictionary's "Karabakh government"
    assert government.variants == ["The ethnic Armenian government in Karabakh"]
    assert "The statement" in by_name["Ministry of Defense (AZE)"].variants  # its speaker
    assert "Ministry of Foreign Affairs (USA)" in by_name  # the dictionary's State Department


def test_fusion_meets_dates_one_precision_apart_and_keeps_third_countries_apart():
    from eventledger.fuse.events import ArticleInfo, fuse_events

    def mention(eid, article, date, precision, target="ARM", place=None, kind="ASSAULT"):
        return {
            "event_id": eid,
            "article_id": article,
            "type": kind,
            "source": {"name": "Azerbaijan", "country": "AZE", "sector": "GOV"},
            "target": {"name": target, "country": target, "sector": None},
            "date": date,
            "date_precision": precision,
            "status": "reported",
            "sentence": eid,
            "confidence": 0.7,
            "location": place,
        }

    karabakh = {"name": "Nagorno-Karabakh", "country": "AZE"}
    events = [
        mention("war", "a", "2020-09", "month", place=karabakh),  # "since late September"
        mention("war-bg", "b", "2020", "year"),  # "the 2020 war", another story
        mention("strike", "c", "2020-10-14", "day", kind="COERCE"),
        mention("strike-bg", "b", "2020", "year", kind="COERCE"),  # a year and a day: apart
        mention("z-ukr", "d", "2020-09", "month", place={"name": "Ukraine", "country": "UKR"}),
    ]
    info = {x: ArticleInfo(f"story-{x}", x) for x in "abcd"}
    fused = {f.fused_id: f.event_ids for f in fuse_events(events, info)}
    assert fused["war"] == ["war", "war-bg"]
    assert "strike-bg" not in fused["strike"]
    assert "z-ukr" in fused  # fighting in Ukraine: another event

    # An undated mention joins its story's event dated to the day, not one dated to a year.
    events = [
        mention("news", "a", "2023-09-19", "day"),
        mention("also-news", "a", None, None),
        mention("year", "b", "2023", "year"),
        mention("background", "b", None, None),  # "a war in the early 1990s"
    ]
    info = {x: ArticleInfo(f"story-{x}", x, story_date="2023-09-19") for x in "ab"}
    fused = {f.fused_id: f.event_ids for f in fuse_events(events, info)}
    assert fused["news"] == ["news", "also-news"] and fused["year"] == ["year"]


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="no shared seeds/")


@needs_seeds
def test_seed_corpus_scores(seeds_run):
    cli("eval", "--gold", str(SHARED / "gold" / "seeds-corpus.json"), "--export", str(seeds_run))
    result = json.loads((seeds_run / "eval-corpus.json").read_text("utf-8"))
    assert result["stories"]["f1"] == 1.0  # the three 2023 articles share a story, no other
    assert result["entities"]["false_merges"] == 0
    assert result["entities"]["f1"] >= 0.90  # we reach 0.956; the target is 0.90
    assert result["events"]["f1"] >= 0.55  # we reach 0.625


@needs_seeds
def test_offensive_is_one_fused_event_from_three_sources(seeds_run):
    events = read_jsonl(seeds_run / "events.jsonl")
    fused = {f["fused_id"]: f for f in read_jsonl(seeds_run / "fused_events.jsonl")}
    lede = [e for e in events if "declared an “anti-terrorist” campaign" in e["sentence"]]
    assert lede and lede[0]["type"] == "ASSAULT"
    offensive = fused[lede[0]["fused_id"]]
    assert offensive["independent_sources"] == 3
    assert len(offensive["article_ids"]) == 3


@needs_seeds
def test_a_copy_never_adds_an_independent_source(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in SEEDS.glob("00[123]_*.txt"):
        (corpus / path.name).write_text(path.read_text("utf-8"), "utf-8")
    original = next(SEEDS.glob("003_*.txt")).read_text("utf-8")
    title, body = original.split("\n", 1)
    pool = body.split()
    (corpus / "reprint.txt").write_text(
        title + "\n" + edited(body, 0.1, pool, random.Random(1)), "utf-8"
    )
    out = tmp_path / "out"
    cli("run", str(corpus), "--db", str(tmp_path / "l.duckdb"), "--out", str(out), "-q")
    articles = {a["article_id"]: a for a in read_jsonl(out / "articles.jsonl")}
    reprint = next(a for a in articles.values() if a["source_path"].endswith("reprint.txt"))
    assert reprint["duplicate_kind"] == "copy"
    assert Path(articles[reprint["duplicate_of"]]["source_path"]).name.startswith("003_")
    for f in read_jsonl(out / "fused_events.jsonl"):
        originals = {articles[a]["duplicate_of"] or a for a in f["article_ids"]}
        assert f["independent_sources"] == len(originals)
    assert any(
        reprint["article_id"] in f["article_ids"] for f in read_jsonl(out / "fused_events.jsonl")
    )


@needs_seeds
def test_undated_articles_take_their_storys_date(seeds_run):
    articles = {
        Path(a["source_path"]).name[:3]: a for a in read_jsonl(seeds_run / "articles.jsonl")
    }
    for n in ("001", "002"):  # undated; their story's dated article gives only the year
        assert articles[n]["published"] == "2023"
        assert articles[n]["published_precision"] == "year"
        assert articles[n]["published_source"] == "corpus"
    assert articles["004"]["published_source"] != "corpus"  # alone in its story


@needs_seeds
def test_event_dates_with_known_publication_dates(tmp_path, gold):
    """With the publication dates a scraper records (a metadata sidecar), event dating
    itself is right for most events; without them the seeds' undated 2023 articles cap it."""
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        "".join(
            json.dumps({"path": str(SEEDS / a["file"]), "published": a["published"]}) + "\n"
            for a in gold
        ),
        "utf-8",
    )
    out = tmp_path / "out"
    cli(
        "run",
        str(SEEDS),
        "--metadata",
        str(meta),
        "--db",
        str(tmp_path / "l.duckdb"),
        "--out",
        str(out),
        "-q",
    )
    cli("eval", "--gold", str(SHARED / "gold" / "seeds.json"), "--export", str(out))
    result = json.loads((out / "eval.json").read_text("utf-8"))
    assert result["accuracy"]["date"]["accuracy"] >= 0.80  # we reach 0.869


def test_asserted_and_denied_is_contested_with_tolls_side_by_side():
    from eventledger.fuse.events import ArticleInfo, fuse_events

    aze = {"name": "Azerbaijan", "country": "AZE", "sector": "GOV"}
    xnk = {"name": "Karabakh authorities", "country": "XNK", "sector": "GOV"}

    def mention(eid, article, status, by, killed=None):
        return {
            "event_id": eid,
            "article_id": article,
            "type": "ASSAULT",
            "source": aze,
            "target": xnk,
            "date": "2023-09-19",
            "date_precision": "day",
            "status": status,
            "claimed_by": by,
            "killed": killed,
            "injured": None,
            "sentence": eid,
            "confidence": 0.7,
            "location": None,
            "mode": None,
        }

    events = [
        mention("e1", "a", "claimed", xnk, killed=27),
        mention("e2", "b", "denied", aze),
        mention("e3", "c", "claimed", xnk, killed=32),
        mention("e4", "d", "claimed", xnk, killed=27),  # d copies a
    ]
    info = {x: ArticleInfo("s1", x) for x in "abc"} | {"d": ArticleInfo("s1", "a")}
    (fused,) = fuse_events(events, info)
    assert fused.status == "contested"
    assert fused.asserted_by == [xnk] and fused.denied_by == [aze]
    assert sorted(t["killed"] for t in fused.tolls) == [27, 27, 32]
    assert fused.killed == 27  # the conservative figure; every source's figure is kept
    assert fused.independent_sources == 3  # the copy counts with its original


def test_cached_text_mentions_are_those_found_anew_until_the_story_names_change():
    """A run that adds articles takes each stored article's text mentions from the
    store's cache; the people only while its story knows the same names."""
    from eventledger.fuse.corpus import entity_mentions

    texts = {
        "a": "Toivo Klaar, the EU envoy, said talks would resume. Russian peacekeepers left.",
        "b": "Toivo Kral, the EU's special representative, urged restraint. Kral said so.",
    }
    articles = [{"article_id": a, "text": t} for a, t in texts.items()]
    klaar = EntityRow(rowid=0, article_id="a", start=0, text="Toivo Klaar", label="PERSON")
    store: dict[str, tuple[str, str, str]] = {}  # the cache as stored between runs
    kept: list[dict] = []

    def found(story_of):
        kept.clear()
        mentions = entity_mentions([klaar], [], [], articles, story_of, dict(store), kept.extend)
        store.update({r["article_id"]: (r["names"], r["body"], r["people"]) for r in kept})
        return sorted((m.article_id, m.text, m.start, m.name) for m in mentions)

    together = {"a": "s1", "b": "s1"}
    first = found(together)
    assert ("b", "Toivo Kral", 0, "Toivo Kral") in first  # the story's slip of Klaar
    assert len(kept) == 2
    assert found(together) == first and kept == []  # all from the cache
    apart = {"a": "s1", "b": "s2"}  # b's story no longer knows Toivo Klaar
    alone = found(apart)
    assert [r["article_id"] for r in kept] == ["b"]  # found anew: its names changed
    assert ("b", "Toivo Kral", 0, "Toivo Kral") not in alone
    assert [m for m in alone if m[0] == "a"] == [m for m in first if m[0] == "a"]


def test_word_rarity_is_wordfreqs_own_zipf_frequency():
    """Story weights look plain words up without wordfreq's tokenizer; the figures must
    be wordfreq's to the last digit, for known words, unknown ones and the rest."""
    import string

    from wordfreq import top_n_list, zipf_frequency

    from eventledger.fuse.stories import zipf

    rng = random.Random(0)
    words = top_n_list("en", 20_000) + ["anti-terrorist", "o'clock", "ärzte", "covid19", "2020"]
    words += [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(1, 12))) for _ in range(2000)
    ]
    assert [zipf(w) for w in words] == [zipf_frequency(w, "en") for w in words]
