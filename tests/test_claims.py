"""Attributed claims: who said what, with which stance, as a reader of the export sees it."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, SHARED

import eventledger
from eventledger.evaluate.gold import score
from eventledger.extract.claims import find_frames, quote_regions
from eventledger.nlp.model import load_nlp


def claims_of(text: str) -> list:
    return eventledger.process([text]).claims


def test_multi_paragraph_quote_keeps_its_speaker():
    text = (
        "Armenian Prime Minister Nikol Pashinyan spoke to parliament in Yerevan on Tuesday "
        "as fighting continued along the border with Azerbaijan for a third day.\n\n"
        "Pashinyan said: “We will not give up our land, and our soldiers are ready to defend "
        "every village in the south of the country for as long as it takes.\n\n"
        "“Nobody will take Syunik from us, whatever the pressure from Baku or from anyone "
        "else, and the government will not sign any agreement that says otherwise.”\n\n"
        "The talks between the two foreign ministers in Brussels ended without agreement "
        "late on Tuesday, diplomats in the Belgian capital reported."
    )
    claims = [c for c in claims_of(text) if c.sentence.startswith("Pashinyan said")]
    assert len(claims) == 1
    assert claims[0].speaker.country == "ARM" and claims[0].direct
    assert "Nobody will take Syunik from us" in claims[0].content


def test_he_said_resolves_to_the_previous_named_speaker():
    text = (
        "Kremlin spokesman Dmitry Peskov told reporters that Russia was concerned.\n\n"
        "The fighting continued overnight.\n\n"
        "He said Moscow was in contact with both sides."
    )
    claims = claims_of(text)
    assert [c.speaker.country for c in claims] == ["RUS", "RUS"]


def test_the_ministry_added_finds_the_ministry_not_the_last_person():
    text = (
        "Armenia’s Foreign Ministry said Azerbaijan had shelled border villages near Jermuk "
        "overnight. Kremlin spokesman Dmitry Peskov said Russia was ready to mediate between "
        "the two sides. The ministry added that two civilians were wounded in the shelling."
    )
    claims = claims_of(text)
    assert [c.speaker.country for c in claims] == ["ARM", "RUS", "ARM"]


def test_denials_have_deny_stance():
    text = (
        "Armenia’s Defense Ministry denied that its troops were in Nagorno-Karabakh. "
        "Azerbaijan’s Defense Ministry said civilians were not being targeted."
    )
    claims = claims_of(text)
    assert [(c.speaker.country, c.stance) for c in claims] == [("ARM", "deny"), ("AZE", "deny")]


def test_a_denied_assertion_is_the_other_party_s_claim():
    claims = claims_of(
        "Armenia rejected Azerbaijan’s assertion that units of its military were in "
        "Nagorno-Karabakh, saying none were present there."
    )
    assert [(c.speaker.country, c.stance) for c in claims] == [("ARM", "deny"), ("AZE", "assert")]
    assert "none were present there" in claims[0].content
    assert claims[1].content.startswith("that units of its military")


def test_according_to_names_the_speaker():
    claims = claims_of("Two soldiers were killed, according to the Defense Ministry in Baku.")
    assert len(claims) == 1
    assert claims[0].verb == "according to" and claims[0].speaker.country == "AZE"
    assert "Two soldiers were killed" in claims[0].content


@pytest.mark.parametrize(
    "text",
    [
        "Azerbaijan said its forces “had not targeted civilians.\n\nThe end.",
        "“ ” “ “ ” ” ”",
        'The ministry said "the strikes continue. Azerbaijan "denied it.',
        "“",
    ],
)
def test_unbalanced_quotes_never_crash(text):
    doc = load_nlp()(text)
    regions = quote_regions(doc)
    assert all(0 <= start < end <= len(doc) for start, end in regions)
    find_frames(doc)
    claims_of(text)


def test_unclosed_quote_ends_at_its_paragraph():
    claims = claims_of(
        "Azerbaijan said its forces “had hit only military targets.\n\n"
        "Armenia’s Foreign Ministry rejected the claim."
    )
    assert claims[0].speaker.country == "AZE"
    assert "rejected" not in claims[0].content


def test_seed_claim_floors(seeds_run):
    result = score(GOLD, seeds_run)
    assert result["claims"]["f1"] >= 0.85
    assert result["accuracy"]["speaker_country"]["accuracy"] >= 0.90
    assert result["accuracy"]["stance"]["accuracy"] >= 0.80


POLNEAR = SHARED / "eval-data" / "polnear" / "test"


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="no shared eval-data/polnear")
def test_polnear_attribution_floor():
    from eventledger.evaluate.polnear import run_polnear

    result = run_polnear(SHARED)
    # regression floors: measured 0.569 (rules) and 0.732 (CRF cues, marginals >= 0.5); the
    # issue's target is result["floor"] = 0.75, not reached yet (see the README's figures)
    assert result["rules"]["attribution"]["f1"] >= 0.55
    assert result["attribution_f1"] >= 0.72


@pytest.mark.parametrize(
    ("text", "cue", "source", "content"),
    [
        # a passive cue with an agent: the agent speaks of the subject
        ("His views were echoed by a number of tax experts.", "echoed", "number", "His views"),
        # feelings count in PolNeAR: a passive or adjectival cue's subject holds them
        (
            "Protesters were frustrated that the police released no videos.",
            "frustrated",
            "Protesters",
            "that the police released no videos",
        ),
        ("Many Democrats are afraid that turnout will be low.", "afraid", "Many Democrats", "low"),
        # a verdict: what the cue calls it
        ("The Europeans derided the deal as toothless.", "derided", "Europeans", "toothless"),
        # a participle speaks for the noun it describes
        ("Reporters quoted a tweet attacking the senator.", "attacking", "tweet", "the senator"),
        # a cue alone in its sentence speaks of the neighbouring one
        ("The governor added:\n\nThe bridge will open next year.", "added", "governor", "bridge"),
        ("“The bridge will open next year.”\n\nThe governor said.", "said", "governor", "bridge"),
    ],
)
def test_polnear_frames_find_source_and_content_around_a_tagged_cue(text, cue, source, content):
    from eventledger.evaluate.polnear import crf_cue, predicted

    doc = load_nlp()(text)
    tagged = {t.i for t in doc if t.text == cue or t.text == "by"}
    (found,) = predicted(doc, crf_cue(tagged), tagged)
    assert text[slice(*found.cue[0])].startswith(cue)
    assert any(source in text[s:e] for s, e in found.source)
    assert any(content in text[s:e] for s, e in found.content)


def test_troop_presence_armenia_denies_is_contested_by_azerbaijan(seeds_run):
    """Baku's stated aim to withdraw Armenia's forces asserts the troops that Armenia denies
    having: one fused event, asserted by AZE and denied by ARM, across the articles."""
    rows = [json.loads(line) for line in (seeds_run / "fused_events.jsonl").open(encoding="utf-8")]
    presence = [
        f
        for f in rows
        if f["type"] == "MOBILIZE" and any(a["country"] == "ARM" for a in f["denied_by"])
    ]
    assert len(presence) == 1
    (fused,) = presence
    assert fused["status"] == "contested"
    assert {a["country"] for a in fused["asserted_by"]} == {"AZE"}
    assert {a["country"] for a in fused["denied_by"]} == {"ARM"}
    assert len(fused["article_ids"]) >= 2


def test_a_claimed_withdrawal_contests_a_denied_presence_in_the_same_story_only():
    from eventledger.fuse.events import ArticleInfo, fuse_events

    arm = {"name": "Armenia", "country": "ARM", "sector": "GOV"}
    aze = {"name": "Azerbaijan’s defense ministry", "country": "AZE", "sector": "MIL"}
    troops = {"name": "Armenian troops", "country": "ARM", "sector": "MIL"}

    def mention(eid, article, kind, status, by):
        return {
            "event_id": eid,
            "article_id": article,
            "type": kind,
            "source": troops,
            "target": None,
            "date": "2023-09-19",
            "date_precision": "day",
            "status": status,
            "claimed_by": by,
            "killed": None,
            "injured": None,
            "sentence": eid,
            "confidence": 0.7,
            "location": None,
            "mode": None,
        }

    denial = mention("e1", "a", "MOBILIZE", "denied", arm)
    withdrawal = mention("e2", "b", "RETREAT", "claimed", aze)
    same_story = {"a": ArticleInfo("s1", "a"), "b": ArticleInfo("s1", "b")}
    presence = next(
        f for f in fuse_events([denial, withdrawal], same_story) if f.type == "MOBILIZE"
    )
    assert presence.status == "contested"
    assert presence.asserted_by == [aze] and presence.denied_by == [arm]
    other_story = {"a": ArticleInfo("s1", "a"), "b": ArticleInfo("s2", "b")}
    presence = next(
        f for f in fuse_events([denial, withdrawal], other_story) if f.type == "MOBILIZE"
    )
    assert presence.status == "denied" and presence.asserted_by == []
