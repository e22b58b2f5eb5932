"""Timeline summarisation: key dates and daily summaries, the tilse-style metrics, T17 floors."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import SHARED

from eventledger.evaluate.tls_suite import FLOORS, T17_GOLD, porter, run_tls, score_timeline
from eventledger.timeline.tls import TlsArticle, summarise

DAM = "The Kessel dam burst on March 3, flooding the valley below."
ARTICLES = [
    TlsArticle(
        f"{DAM}\nRescue teams searched the flooded villages for survivors.", date(2024, 3, 4)
    ),
    TlsArticle(
        "Engineers said the Kessel dam had shown cracks since March 1.\n"
        "The dam burst on March 3 after days of heavy rain in the hills.",
        date(2024, 3, 5),
    ),
    TlsArticle(
        "Farmers counted their losses on Thursday.\n"
        "Since the dam burst on March 3, thousands of cattle have drowned in the valley.",
        date(2024, 3, 8),
    ),
    TlsArticle(
        "An inquiry opened into the collapse of the Kessel dam on March 3.\n"
        "Inspectors first reported cracks in the wall on March 1 but no action followed.",
        date(2024, 3, 12),
    ),
    TlsArticle("Local football results were announced on the radio today.", date(2024, 3, 12)),
]


def test_most_mentioned_dates_are_chosen_and_summaries_come_from_the_articles():
    days = summarise(ARTICLES, n_dates=2, per_date=1)
    assert [d.date for d in days] == [date(2024, 3, 1), date(2024, 3, 3)]
    texts = " ".join(" ".join(a.text.split()) for a in ARTICLES)
    for day in days:
        assert len(day.sentences) == 1
        assert all(s in texts for s in day.sentences)
    assert "dam" in days[1].sentences[0] or "flood" in days[1].sentences[0]


def test_keywords_keep_only_sentences_that_name_them():
    days = summarise(ARTICLES, n_dates=3, per_date=2, keywords=["Cracks"])
    assert days and all("cracks" in s.lower() for d in days for s in d.sentences)


def test_an_empty_topic_gives_an_empty_timeline():
    assert summarise([], n_dates=5, per_date=2) == []


GOLD = {
    date(2011, 1, 25): ["Thousands of protesters rally in Cairo against President Mubarak ."],
    date(2011, 2, 11): ["Mubarak resigns and hands power to the army council ."],
}


def test_identical_timelines_score_one_everywhere():
    scores = score_timeline(GOLD, GOLD)
    for metric in ("date", "r1", "r2", "ar1", "ar2"):
        assert scores[metric]["f"] == pytest.approx(1.0), metric


def test_a_day_off_halves_alignment_rouge_and_misses_the_date():
    shifted = {
        date(2011, 1, 26): GOLD[date(2011, 1, 25)],
        date(2011, 2, 11): GOLD[date(2011, 2, 11)],
    }
    scores = score_timeline(shifted, GOLD)
    assert scores["date"]["f"] == pytest.approx(0.5)
    assert scores["r1"]["f"] == pytest.approx(1.0)
    assert 0.5 < scores["ar1"]["f"] < 1.0


def test_unrelated_summaries_score_zero_rouge():
    other = {d: ["Football scores announced on radio tonight ."] for d in GOLD}
    scores = score_timeline(other, GOLD)
    assert scores["date"]["f"] == pytest.approx(1.0)
    assert scores["ar1"]["f"] == 0.0 and scores["r2"]["f"] == 0.0


def test_rouge_stems_the_porter_way():
    words = "caresses ponies motoring hopping relational generalizations oscillators protesters"
    stems = "caress poni motor hop relat gener oscil protest"
    assert [porter(w) for w in words.split()] == stems.split()


@pytest.mark.skipif(not (SHARED / T17_GOLD).is_dir(), reason="no Timeline17 in shared eval-data/")
def test_timeline17_floors():
    result = run_tls(SHARED)
    assert result["n"] == 19
    assert result["date_f1"] >= FLOORS["date_f1"]
    assert result["ar1_f"] >= FLOORS["ar1_f"]
