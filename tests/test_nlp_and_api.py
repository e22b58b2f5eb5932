"""The entity ruler fixes names the statistical model gets wrong; the API returns records."""

from __future__ import annotations

from conftest import SEEDS

import eventledger
from eventledger.nlp.model import load_nlp


def test_countries_and_places_are_never_people():
    doc = load_nlp()("Armenia denied having troops in Stepanakert, the Kremlin said.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels["Armenia"] == "GPE"
    assert labels["Stepanakert"] in ("GPE", "LOC")
    assert labels["Kremlin"] == "ORG"


def test_model_loaded_once_per_process():
    assert load_nlp() is load_nlp()


def test_process_texts_and_paths():
    ledger = eventledger.process(
        [
            "Azerbaijani forces shelled Stepanakert on Tuesday, the Karabakh authorities said.",
            SEEDS / "001_983ba7ace86f9936.txt",
        ]
    )
    assert len(ledger.articles) == 2
    first = [e for e in ledger.events if e.article_id == ledger.articles[0].article_id]
    shelling = next(e for e in first if e.type == "ASSAULT")
    assert shelling.source.country == "AZE" and shelling.source.sector == "MIL"
    assert shelling.status == "claimed" and shelling.claimed_by.country == "XNK"
    assert shelling.location.name == "Stepanakert"
    assert ledger.claims and all(isinstance(c, eventledger.Claim) for c in ledger.claims)


def test_negated_act_is_not_an_event():
    ledger = eventledger.process(["The ministry said civilians are not being targeted."])
    assert not [e for e in ledger.events if e.type == "ASSAULT"]
