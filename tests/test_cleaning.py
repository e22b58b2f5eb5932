"""Cleaning keeps every body sentence and removes the scraping junk."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES, SEEDS

from eventledger.clean.boilerplate import clean_text

ANNOTATION = json.loads(
    (SAMPLES.parent / "tests" / "data" / "samples_annotation.json").read_text("utf-8")
)


def test_seed_boilerplate_goes_and_evidence_stays(gold):
    junk = gone = evidence = kept = 0
    for article in gold:
        cleaned = clean_text((SEEDS / article["file"]).read_text("utf-8"))
        for line in article["boilerplate"]:
            junk += 1
            gone += line not in cleaned.text and line not in (cleaned.title or "")
        for item in article["events"] + article["claims"]:
            evidence += 1
            kept += item["evidence"] in cleaned.text
    assert gone / junk >= 0.95
    assert kept == evidence


def test_seed_titles_skip_clickbait(gold):
    for article in gold:
        cleaned = clean_text((SEEDS / article["file"]).read_text("utf-8"))
        assert cleaned.title == article["title"]
    cleaned = clean_text((SEEDS / "004_890e0c315a8c743f.txt").read_text("utf-8"))
    assert "HOLD UP...WHAT?!???" in cleaned.removed


def test_hard_wrapped_lines_are_rejoined():
    cleaned = clean_text((SEEDS / "004_890e0c315a8c743f.txt").read_text("utf-8"))
    assert "Moscow said in a statement on Saturday." in cleaned.text
    assert "Levon Ayvazyan, an Armenian military official, accusedAzerbaijan" in cleaned.text


@pytest.mark.parametrize("name", sorted(ANNOTATION))
def test_sample_junk_removed_and_body_kept(name):
    expected = ANNOTATION[name]
    cleaned = clean_text((SAMPLES / name).read_text("utf-8"))
    assert cleaned.title == expected["title"]
    for line in expected["junk"]:
        assert line not in cleaned.text.split("\n\n"), line
    for sentence in expected["body_sentences"]:
        assert sentence in cleaned.text, sentence


def test_removed_lines_are_recorded_with_reasons():
    raw = (
        "Rebels seize border town\n\nRebels seized the border town of Bunagana on Monday, "
        "local officials said, after two days of fighting with government troops.\n\n"
        "Share this article\n\n© 2022 Example Wire. All rights reserved.\n\n"
        "#Congo #M23\n\nLeave a Reply"
    )
    cleaned = clean_text(raw)
    assert cleaned.title == "Rebels seize border town"
    assert cleaned.text.startswith("Rebels seized the border town")
    assert len(cleaned.removed) == 4
    assert set(cleaned.reasons) == {"share", "copyright", "hashtags", "comment-form"}
