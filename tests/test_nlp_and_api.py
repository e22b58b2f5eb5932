"""The entity ruler fixes names the statistical model gets wrong; the API returns records."""

from __future__ import annotations

import pytest
from conftest import SEEDS

import eventledger
from eventledger.nlp.model import load_nlp


def test_countries_and_places_are_never_people():
    doc = load_nlp()("Armenia denied having troops in Stepanakert, the Kremlin said.")
    labels = {e.text: e.label_ for e in doc.ents}
    assert labels["Armenia"] == "GPE"
    assert labels["Stepanakert"] in ("GPE", "LOC")
    assert labels["Kremlin"] == "ORG"


@pytest.mark.parametrize("memo_limit", [200_000, 50])
def test_indexed_attribute_ruler_matches_spacys(memo_limit, monkeypatch):
    """The table-driven attribute ruler must annotate exactly as spaCy's own, also when
    its memo keeps being emptied (as on a large corpus), and the memo stays bounded."""
    import numpy as np
    import spacy
    from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG

    from eventledger.nlp import model
    from eventledger.nlp.model import MODEL, IndexedAttributeRuler

    monkeypatch.setattr(model, "MEMO_LIMIT", memo_limit)

    nlp = spacy.load(MODEL, disable=["ner", "lemmatizer"])
    ruler = nlp.get_pipe("attribute_ruler")
    indexed = IndexedAttributeRuler(ruler)
    texts = [p.read_text() for p in sorted(SEEDS.iterdir()) if p.is_file()]
    texts.append("Gon na say y'all ain't got ta go, let's c'm on. There is it. I saw you and it.")
    columns = [POS, MORPH, LEMMA, TAG, DEP, HEAD]
    for doc in nlp.pipe(texts, disable=["attribute_ruler"]):
        expected, ours = ruler(doc.copy()), indexed(doc.copy())
        assert np.array_equal(expected.to_array(columns), ours.to_array(columns))
    assert len(indexed.memo) <= memo_limit


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


def test_long_page_is_parsed_in_pieces_with_the_same_offsets():
    """A page longer than one parse piece still yields its events, with evidence offsets
    into the whole text (pieces are joined back into one Doc)."""
    from eventledger.nlp.annotate import MAX_PIECE

    def code(i: int) -> str:  # a distinct word per paragraph, so none reads as a repeat
        return "".join(chr(97 + i // 26**k % 26) for k in range(3))

    paragraphs = [
        f"The talks in Geneva went on in room {code(i)} of the palace without a statement."
        for i in range(2 * MAX_PIECE // 60)
    ]
    paragraphs.append(
        "Azerbaijani forces shelled Stepanakert on Tuesday, the Karabakh authorities said."
    )
    ledger = eventledger.process(["\n\n".join(paragraphs)])
    text = ledger.articles[0].text
    assert len(text) > 2 * MAX_PIECE
    shelling = next(e for e in ledger.events if e.type == "ASSAULT")
    assert text[shelling.start : shelling.end] == shelling.sentence
    assert shelling.source.country == "AZE" and shelling.location.name == "Stepanakert"
