"""ACLED sub-event types from snippet cues and events (the CASE 2021 suite's mapping).

The snippets are made up for these tests, in the style of ACLED event notes.
"""

from __future__ import annotations

import pytest

from eventledger.evaluate.acled import acled_rules, acled_subtype, cues
from eventledger.records import Actor, Event


@pytest.mark.parametrize(
    ("text", "subtype"),
    [
        (
            "Police fired tear gas to disperse hundreds of protesters in the capital.",
            "PROTEST_WITH_INTER",
        ),
        ("Protesters threw stones at police and torched two vehicles.", "VIOL_DEMONSTR"),
        (
            "Teachers held a peaceful rally outside parliament demanding higher pay.",
            "PEACE_PROTEST",
        ),
        ("A roadside bomb exploded near a market, wounding three people.", "REM_EXPLOS"),
        ("Warplanes pounded the outskirts of the town overnight.", "AIR_STRIKE"),
        ("Army engineers defused an IED planted under a culvert.", "DISR_WEAP"),
        ("A magnitude 6.2 earthquake struck the province on Monday.", "NATURAL_DISASTER"),
        ("A fire broke out at a textile factory after a short circuit.", "MAN_MADE_DISASTER"),
        ("Police seized 40 kg of heroin from a drug cartel's warehouse.", "ORG_CRIME"),
        ("The two sides signed a ceasefire agreement in Doha.", "AGREEMENT"),
    ],
)
def test_snippet_cues_give_the_codebook_sub_type(text, subtype):
    assert acled_subtype([], text) == subtype


def test_who_takes_territory_decides_the_sub_type():
    assert acled_subtype([], "Militants took control of the village after troops withdrew.") == (
        "NON_VIOL_TERRIT_TRANSFER"
    )
    assert acled_subtype([], "Taliban militants captured the district from the army.") == (
        "NON_STATE_ACTOR_OVERTAKES_TER"
    )
    assert acled_subtype([], "The army recaptured the town from Taliban militants.") == (
        "GOV_REGAINS_TERIT"
    )


def test_events_fill_in_what_the_words_leave_open():
    text = "Unknown assailants stormed the compound late on Sunday."
    civilians = Actor(name="villagers", sector="CVL")
    event = Event("e1", "a1", "ASSAULT", text, 0, len(text), target=civilians)
    assert acled_subtype([event], text) == "ATTACK"
    assert acled_subtype([], "Nothing in this sentence names an event.") == "OTHER"


def test_rule_table_names_only_known_cues():
    names = set(cues("grenade"))
    assert names == {"grenade", "weaponry"}
    assert all(rule.subtype for rule in acled_rules())
