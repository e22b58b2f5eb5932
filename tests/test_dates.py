"""Dates: temporal expressions, publication dates, and the two time suites."""

from __future__ import annotations

import json

import pytest
from conftest import GOLD, SEEDS, SHARED

from eventledger.dates.anchor import CorpusArticle, anchor_dates
from eventledger.dates.published import estimate_published, infer_published
from eventledger.dates.timex import event_date, find_timexes, governing_timex
from eventledger.evaluate.registry import SUITES
from eventledger.evaluate.registry import run as run_time_suite
from eventledger.evaluate.time_suites import read_tml

EVAL = SHARED / "eval-data"
needs_seeds = pytest.mark.skipif(not GOLD.is_file(), reason="no shared seeds gold")
needs_data = pytest.mark.skipif(not EVAL.is_dir(), reason="no shared eval-data/")


def tag(text: str, dct: str | None = "2020-10-14", precision: str | None = None) -> dict:
    """{expression: (type, value, precision)} for a text."""
    return {t.text: (t.type, t.value, t.precision) for t in find_timexes(text, dct, precision)}


def one(text: str, dct: str | None = "2020-10-14", precision: str | None = None) -> tuple:
    found = find_timexes(text, dct, precision)
    assert len(found) == 1, found
    return found[0].type, found[0].value, found[0].precision


# ---------------------------------------------------------------------------- weekdays


def test_weekday_is_the_most_recent_on_or_before_the_dct():
    """News reading: DCT Wednesday 2020-10-14, "on Tuesday" is the day before."""
    assert one("Peskov told reporters on Tuesday.") == ("DATE", "2020-10-13", "day")
    assert one("Peskov told reporters Wednesday.") == ("DATE", "2020-10-14", "day")
    assert one("The truce took effect Saturday.") == ("DATE", "2020-10-10", "day")


def test_weekday_on_the_dct_itself():
    assert one("The army on Tuesday began an operation.", "2023-09-19") == (
        "DATE",
        "2023-09-19",
        "day",
    )


def test_weekday_in_a_future_clause_looks_ahead():
    assert one("The ministers will meet on Friday.") == ("DATE", "2020-10-16", "day")
    # the reporting verb keeps it in the past even when the clause goes on with "will"
    assert one("The ministry said on Tuesday it will respond.") == ("DATE", "2020-10-13", "day")


def test_last_next_and_the_previous_weekday():
    found = tag("Last Saturday troops moved; next Monday talks resume.")
    assert found["Last Saturday"][1] == "2020-10-10"
    assert found["next Monday"][1] == "2020-10-19"
    assert one("The previous Saturday, troops moved.", "2022-03-26") == (
        "DATE",
        "2022-03-19",
        "day",
    )


def test_weekday_with_part_of_day_is_a_time():
    assert one("Shelling resumed Tuesday night.") == ("TIME", "2020-10-13TNI", "day")


# ---------------------------------------------------------------------------- relative


def test_years_ago_is_a_year():
    text = "a war with Armenia killed thousands three years ago."
    assert one(text, "2023-09-19") == ("DATE", "2020", "year")


def test_since_december_is_the_most_recent_december_before_the_dct():
    assert one("Since December, it has blocked the road.", "2023-09-19") == (
        "DATE",
        "2022-12",
        "month",
    )


def test_month_names_follow_tense():
    assert one("Fighting began in late September.") == ("DATE", "2020-09", "month")
    assert one("A blockade grew in severity since mid-June.", "2023-09-19")[1] == "2023-06"
    assert one("The vote will be held in May.", "2022-03-26")[1] == "2022-05"
    assert one("The deal was signed in November.", "2022-03-26")[1] == "2021-11"


def test_deictic_days_weeks_months_years():
    found = tag(
        "Yesterday troops moved. Talks were held last week and earlier this month. "
        "Prices fell last year and will rise next year. Today is calm; tonight may not be."
    )
    assert found["Yesterday"] == ("DATE", "2020-10-13", "day")
    assert found["last week"] == ("DATE", "2020-W41", "week")
    assert found["earlier this month"] == ("DATE", "2020-10", "month")
    assert found["last year"] == ("DATE", "2019", "year")
    assert found["next year"] == ("DATE", "2021", "year")
    assert found["Today"] == ("DATE", "2020-10-14", "day")
    assert found["tonight"] == ("TIME", "2020-10-14TNI", "day")


def test_anaphora_follow_the_last_date_mentioned():
    found = tag("Tuesday's attack followed a landmine blast a day earlier.", "2023-09-19")
    assert found["Tuesday"][1] == "2023-09-19"
    assert found["a day earlier"] == ("DATE", "2023-09-18", "day")
    found = tag("The offensive began on 2 May 2021. Two years later, it ended.", "2024-01-10")
    assert found["Two years later"] == ("DATE", "2023", "year")


def test_narrative_mode_reads_months_against_the_last_year_mentioned():
    text = "Germany invaded Poland in 1939. In early October, Poland was divided."
    found = {t.text: t.value for t in find_timexes(text, "2009-12-19", None, narrative=True)}
    assert found["early October"] == "1939-10"


# ---------------------------------------------------------------------------- durations


def test_durations_are_not_dates():
    found = tag(
        "It was the first time in more than two weeks of fighting; six weeks of war in 2020 "
        "and 9 months of blocking access, a five-year mandate and 24 hours of calm."
    )
    assert found["more than two weeks"] == ("DURATION", "P2W", None)
    assert found["six weeks"] == ("DURATION", "P6W", None)
    assert found["9 months"] == ("DURATION", "P9M", None)
    assert found["five-year"] == ("DURATION", "P5Y", None)
    assert found["24 hours"] == ("DURATION", "PT24H", None)
    assert found["2020"] == ("DATE", "2020", "year")


def test_vague_durations_and_sets():
    found = tag("Tensions mounted for months; in recent years, troops patrolled every day.")
    assert found["months"] == ("DURATION", "PXM", None)
    assert found["recent years"] == ("DURATION", "PXY", None)
    assert found["every day"] == ("SET", "P1D", None)


# ---------------------------------------------------------------------------- decades


def test_decades_and_centuries():
    found = tag("one war in the early 1990s, another in the 1990s; the 20th century.")
    assert found["the early 1990s"] == ("DATE", "199", "decade")
    assert found["1990s"] == ("DATE", "199", "decade")
    assert found["20th century"] == ("DATE", "19", "century")


# ---------------------------------------------------------------------------- honesty


def test_year_only_dct_keeps_only_honest_precision():
    """DCT known to the year: "on Tuesday" is that year at best, not an invented day."""
    assert one("The army on Tuesday began an operation.", "2023", "year") == (
        "DATE",
        "2023",
        "year",
    )
    assert one("a war three years ago", "2023", "year") == ("DATE", "2020", "year")
    assert one("Prices rose last year.", "2023", "year") == ("DATE", "2022", "year")


def test_past_december_before_a_year_alone_is_the_year_before():
    """An article of 2023 saying "since December" means December 2022 (it would have to
    be written in December 2023 to mean that one); other months keep only a year."""
    assert one("Since December, it has blocked the road.", "2023", "year") == (
        "DATE",
        "2022-12",
        "month",
    )
    assert one("In March, talks failed.", "2023", "year")[2] == "year"


def test_month_dct_keeps_month_precision():
    assert one("The talks were held on Tuesday.", "2023-09", "month") == (
        "DATE",
        "2023-09",
        "month",
    )
    assert one("Prices rose last month.", "2023-09", "month") == ("DATE", "2023-08", "month")


def test_without_a_dct_relative_values_are_left_open():
    found = tag("On Tuesday, a week after the deal of March 26, 2022, they met.", None)
    assert found["March 26, 2022"] == ("DATE", "2022-03-26", "day")
    assert found["Tuesday"] == ("DATE", "XXXX-WXX-2", None)


# ---------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("on March 26, 2022", "2022-03-26", "day"),
        ("on 26 March 2022", "2022-03-26", "day"),
        ("on 2022-03-26", "2022-03-26", "day"),
        ("on 26/03/2022", "2022-03-26", "day"),
        ("on Saturday, March 26, 2022", "2022-03-26", "day"),
        ("on the 26th of March 2022", "2022-03-26", "day"),
        ("on Oct. 1", "2020-10-01", "day"),
        ("will vote on Nov. 3", "2020-11-03", "day"),
        ("voted on Nov. 19", "2019-11-19", "day"),
        ("on Sept. 30", "2020-09-30", "day"),
        ("in November 2020", "2020-11", "month"),
        ("in November of 2019", "2019-11", "month"),
        ("in 1994", "1994", "year"),
        ("in the summer of 2012", "2012-SU", "season"),
        ("in the third quarter of 2012", "2012-Q3", "quarter"),
    ],
)
def test_explicit_formats(text, value, precision):
    found = find_timexes(text, "2020-10-14", None)
    assert [(t.value, t.precision) for t in found] == [(value, precision)]


def test_clock_times_join_their_day():
    found = tag("DUBAI | Mon May 4, 2009 8:25 am EDT DUBAI (Reuters) - Pharmacists", None)
    assert found == {"Mon May 4, 2009 8:25 am EDT": ("TIME", "2009-05-04T08:25", "day")}


def test_offsets_point_into_the_text():
    text = "Azerbaijan said on Tuesday, Sept. 19, it had struck targets three years after 2020."
    for t in find_timexes(text, "2023-09-20", None):
        assert text[t.start : t.end] == t.text


def test_names_and_counts_are_not_dates():
    text = (
        "Theresa May said 2,000 troops and 1500 soldiers would march; a 45-year-old man "
        "joined the Arab Spring after the fall of the Soviet Union, on Black Friday."
    )
    assert find_timexes(text, "2020-10-14", None) == []


# ---------------------------------------------------------------------------- helpers


def test_event_date_maps_onto_the_ledger_precisions():
    found = {
        t.text: event_date(t)
        for t in find_timexes(
            "last week, on Tuesday night, in the 1990s, for six weeks, in the summer of 2012",
            "2020-10-14",
            None,
        )
    }
    assert found["last week"] == ("2020-10", "month")
    assert found["Tuesday night"] == ("2020-10-13", "day")
    assert found["1990s"] is None
    assert found["six weeks"] is None
    assert found["the summer of 2012"] == ("2012", "year")


def test_governing_timex_is_the_nearest_date_in_the_clause():
    text = "Talks failed on Monday. Azerbaijan attacked on Saturday, officials said Wednesday."
    found = find_timexes(text, "2020-10-14", None)
    start = text.index("attacked")
    tx = governing_timex(found, text, start, start + len("attacked"))
    assert tx is not None and tx.value == "2020-10-10"


def governing(text: str, trigger: str, dct: str = "2023-09-19") -> str | None:
    found = find_timexes(text, dct, "day")
    start = text.index(trigger)
    tx = governing_timex(found, text, start, start + len(trigger))
    return tx.text if tx else None


def test_a_landmark_dates_only_itself():
    """ "Since the 2020 war" dates the war, not today's fighting; "since 1994" and "since
    the end of 2020" still date their clause; a relative clause after the trigger
    belongs to its own verb."""
    assert governing("The fighting is the worst since the 2020 war.", "fighting") is None
    assert governing("Troops in the area following the 2020 war were told.", "told") is None
    text = "Baku started operations, the worst escalation since a war killed 6,000 three years ago."
    assert governing(text, "started") is None
    assert governing(text, "killed") == "three years ago"
    text = "The worst fighting since the 2020 war, with Azerbaijan regaining land."
    assert governing(text, "regaining") == "2020"
    assert governing("Armenia has held the town since 1994.", "held") == "1994"
    assert governing("Armenia has held it since the end of 2020.", "held") == "the end of 2020"
    text = (
        "In 2020 when Baku, backed by Turkey, regained land from Armenia, which held it since 1994."
    )
    assert governing(text, "regained") == "2020"


def test_a_decade_dates_an_event_to_no_ledger_date():
    from types import SimpleNamespace

    from eventledger.extract.dating import date_event

    text = "Azerbaijan and Armenia fought a war in the early 1990s. Azerbaijan attacked on Tuesday."
    article = SimpleNamespace(text=text, published="2023-09-19", published_precision="day")
    timexes = find_timexes(text, "2023-09-19", "day")
    found = []
    for trigger in ("fought", "attacked"):
        event = SimpleNamespace(date=None, date_precision=None, time_text=None)
        start = text.index(trigger)
        date_event(event, start, start + len(trigger), article, timexes)
        found.append((event.date, event.date_precision, event.time_text))
    assert found == [(None, None, "the early 1990s"), ("2023-09-19", "day", "Tuesday")]


# ---------------------------------------------------------------------------- published


@pytest.mark.parametrize(
    ("text", "removed", "expected"),
    [
        (
            "WASHINGTON | Wed Apr 29, 2009 6:57 pm BST WASHINGTON (Reuters) - Just how bad is it",
            [],
            ("2009-04-29", "day"),
        ),
        (
            "Monday 27 June 2005 01.32 BST The US defense secretary warned.",
            [],
            ("2005-06-27", "day"),
        ),
        (
            "6 January 2011 Last updated at 17:03 GMT A US report spread blame.",
            [],
            ("2011-01-06", "day"),
        ),
        ("Troops moved.\nUpdated: March 3, 2022\nMore text.", [], ("2022-03-03", "day")),
        (
            "Jane Roe | 10:39 UK time, Friday, 6 August 2010 Despite the headlines, oil is gone.",
            [],
            ("2010-08-06", "day"),
        ),
        ("Troops moved on Tuesday.", ["©2023 Bloomberg L.P."], ("2023", "year")),
        (
            "KHERSON, Ukraine, Dec 24 (Reuters) - Shelling killed ten.",
            ["Copyright 2022 Reuters"],
            ("2022-12-24", "day"),
        ),
    ],
)
def test_publication_date_clues(text, removed, expected):
    assert infer_published(text, removed) == expected


def test_embedded_post_with_its_weekday_dates_the_article():
    text = (
        "Peskov told reporters Wednesday on a conference call.\n"
        "— Dmitri Trenin (@DmitriTrenin) October 14, 2020\n"
    )
    assert infer_published(text, []) == ("2020-10-14", "day")
    # without the weekday the post is only a lower bound: nothing is claimed
    assert infer_published(text.replace("Wednesday", "today"), []) == (None, None)


def test_the_first_reader_comment_dates_the_article():
    body = "Rebels advanced on Brega on Saturday, witnesses said.\n" * 8
    text = body + (
        "Go rebels! March 20, 2011 at 1:05 am | Report abuse |\n"
        "Too late. March 19, 2011 at 11:03 pm | Report abuse | Reply\n"
    )
    assert estimate_published(text, []).source == "comment"
    assert infer_published(text, []) == ("2011-03-19", "day")
    # a date without a comment mark or a clock is running text
    assert infer_published(body + "Go rebels! March 19, 2011 | Report abuse", []) == (None, None)


def test_running_text_alone_dates_nothing():
    """A latest date in the body is as often history as news: no claim."""
    text = "The markets fell most since September 17, 2001 on Monday, traders said."
    assert infer_published(text, []) == (None, None)
    assert infer_published("The two nations fought a war in 2020.", []) == (None, None)
    assert estimate_published("", []).source == "none"


@needs_seeds
def test_seed_publication_dates(gold):
    """Right when the claim agrees with the true date at its own precision and is at least
    as precise as what the text allows; where nothing is inferable, silence is right."""
    from eventledger.clean.boilerplate import clean_text

    rank = {"day": 0, "month": 1, "year": 2, "none": 9, None: 9}
    right = 0
    for item in gold:
        cleaned = clean_text((SEEDS / item["file"]).read_text("utf-8"))
        value, precision = infer_published(cleaned.text, cleaned.removed, cleaned.title)
        if value is None:
            right += item["published_inferable"] is None
            continue
        n = {"day": 10, "month": 7, "year": 4}[precision]
        exact = value[:n] == item["published"][:n]
        right += exact and rank[precision] <= rank[item["published_inferable_precision"]]
    assert right == len(gold) == 5


# ---------------------------------------------------------------------------- corpus anchoring

STORIES = {
    "2020-10-14": "Azerbaijani drones struck Stepanakert and the Lachin corridor; Pashinyan "
    "and Aliyev traded blame over the Hadrut shelling and the Martuni hospital.",
    "2020-09-02": "Monsoon floods swept Sylhet and Sunamganj; the Brahmaputra embankment "
    "broke near Kurigram and relief boats reached Gaibandha villages.",
}
DATELINES = {
    "2020-10-14": "STEPANAKERT, Oct 14 (Reuters) - ",
    "2020-09-02": "DHAKA, Sept 2 (Reuters) - ",
}


def pile(undated: list[str], dated_per_story: int = 4, lines: bool = True) -> list[CorpusArticle]:
    """A wire topic corpus: stamped articles with datelines on two stories, and the given
    undated texts."""
    out = [
        CorpusArticle(
            f"{day}/{i}", f"{DATELINES[day] * lines}{story} Report {i}.", None, day, "day"
        )
        for day, story in STORIES.items()
        for i in range(dated_per_story)
    ]
    return out + [CorpusArticle(f"undated/{i}", text) for i, text in enumerate(undated)]


def test_dateline_weekday_and_same_story_anchors_give_the_day():
    """The corpus shows its datelines are the publication day; the undated article's
    dateline, its weekday and its story agree."""
    text = f"{DATELINES['2020-10-14']}{STORIES['2020-10-14']} Officials said on Wednesday."
    got = anchor_dates(pile([text]))["undated/0"]
    assert (got.value, got.precision, got.source) == ("2020-10-14", "day", "corpus")
    assert "2020-10-14/0" in got.anchors
    # when the dated articles carry no datelines, the corpus cannot tell whether its
    # datelines are the publication day or the day before (print): no day is claimed
    got = anchor_dates(pile([text], lines=False))["undated/0"]
    assert (got.value, got.precision) == ("2020-10", "month")


def test_without_clues_of_its_own_an_article_gets_no_day():
    """Same story, no date in the text: the month the story ran, never an invented day."""
    found = anchor_dates(pile([STORIES["2020-09-02"] + " Aid was slow."]))
    got = found["undated/0"]
    assert got.precision in ("month", "year") and got.value.startswith("2020")
    if got.precision == "month":
        assert got.value == "2020-09"


def test_anchoring_keeps_a_known_year_and_leaves_dated_articles_alone():
    """An article dated to its year (copyright line) is only refined inside that year,
    even when its story ran in another one; day-dated articles are never touched."""
    for year in ("2020", "2019"):
        arts = pile([STORIES["2020-10-14"] + " Officials said on Wednesday."])
        arts[-1].published, arts[-1].precision, arts[-1].source = year, "year", "copyright"
        found = anchor_dates(arts)
        assert set(found) <= {"undated/0"}
        assert all(got.value.startswith(f"{year}-") for got in found.values())


def test_a_corpus_without_dated_articles_dates_nothing():
    assert (
        anchor_dates([CorpusArticle("a", "Troops moved on Tuesday."), CorpusArticle("b", "")]) == {}
    )


# ---------------------------------------------------------------------------- suites


@needs_data
def test_tml_reader_keeps_offsets():
    doc = read_tml(EVAL / "te3-platinum" / "AP_20130322.tml")
    assert doc.dct == "2013-03-22"
    assert all(doc.text[g.start : g.end] == g.text for g in doc.gold)


@needs_data
def test_timex_suite_reaches_its_floors():
    result = run_time_suite("timex", SHARED)
    json.dumps(result)
    assert result["suite"] == "timex" and result["metric"] == "relaxed_f1"
    assert result["n"] == 138
    assert result["relaxed_f1"] >= 0.88  # HeidelTime 90.3; we reach 0.937
    assert result["value_f1"] >= 0.75  # HeidelTime 77.6; we reach 0.841
    assert result["strict_f1"] >= 0.85
    assert result["wikiwars"]["relaxed_f1"] >= 0.89  # narrative mode, no floor


@needs_data
def test_dating_suite_reaches_its_floors():
    """Text-only dates, then anchoring within each topic folder. Floors are our figures
    minus about 0.02; the issue's within-7-days floor (0.60) is not reached (see below)."""
    result = run_time_suite("dating", SHARED)
    json.dumps(result)
    assert result["suite"] == "dating" and result["n"] == 4650
    text_only, corpus = result["details"]["text_only"], result["details"]["corpus_only"]
    # issue floors over the articles answered
    assert result["year_accuracy"] >= 0.90  # 0.976
    assert result["day_claim_precision"] >= 0.85  # 0.972
    # corpus anchoring claims are honest at their own precision
    assert corpus["day_claim_precision"] >= 0.85  # 0.92 (102 articles)
    assert corpus["day_claim_within_7"] >= 0.95  # 1.0
    assert corpus["month_claim_precision"] >= 0.80  # 0.869
    assert corpus["year_accuracy"] >= 0.95  # 0.963
    # coverage and year over all articles: from 0.35 (text only) to
    assert result["coverage"] >= 0.92  # 0.947
    assert result["year_accuracy_all"] >= 0.90  # 0.924
    # within 7 days needs a day claim: only 46% of the texts name the gold year and only
    # 41% hold any explicit date within 7 days of it; a weekday and the story's days fix
    # the week, rarely the day (a bare weekday names the publication day in 56% of the
    # undated texts, the day before in 26%), so most anchored articles honestly get a
    # month or a year. Over all articles 0.372 (text only 0.350, of which 0.029 from
    # comment and clock stamps); over the answered ones 0.393, which year/month claims
    # pull down.
    reference = result["details"]["reference"]
    assert reference["ceiling_gold_year_named_in_text_all"] < 0.60
    assert text_only["within_7_days_all"] >= 0.34  # 0.350
    assert result["within_7_days_all"] >= 0.35  # 0.372
    assert result["within_7_days_all"] > text_only["within_7_days_all"]
    assert result["within_7_days"] >= 0.37  # 0.393


def test_suite_names():
    assert {"timex", "dating"} <= set(SUITES)
    with pytest.raises(ValueError):
        run_time_suite("nope", SHARED)


def test_publication_date_from_how_far_into_a_known_war():
    from eventledger.dates.reference import elapsed_date

    assert elapsed_date("As the grinding war in Ukraine enters its second month, x") == (
        "2022-03",
        "month",
    )
    assert elapsed_date("on the 100th day of the war in Gaza") == ("2024-01-14", "day")
    assert elapsed_date("the third year of the Syrian civil war") == ("2013", "year")
    assert elapsed_date("the war entered a new phase") is None


@needs_data
def test_seed_dated_by_the_war_in_ukraine(seeds_run):
    from pathlib import Path

    from conftest import read_jsonl

    articles = {
        Path(a["source_path"]).name[:3]: a for a in read_jsonl(seeds_run / "articles.jsonl")
    }
    assert (articles["004"]["published"], articles["004"]["published_precision"]) == (
        "2022-03",
        "month",
    )
