"""Map a noun phrase in the parse to an actor {name, country, sector}.

Country comes from the dictionary entities inside the phrase (countries, demonyms,
capitals as metonyms, organisations, institutions); sector from the words of the
phrase (``data/sectors.tsv``), defaulting to GOV for a bare state or capital.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from spacy.tokens import Span, Token

from eventledger.records import Actor
from eventledger.resolve.lexicon import load_lexicon

STOP_DEPS = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"}


@cache
def sector_words() -> list[tuple[str, str]]:
    text = resources.files("eventledger.data").joinpath("sectors.tsv").read_text("utf-8")
    rows = [ln.split("\t") for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return sorted(((w.strip(), s.strip()) for w, s in rows), key=lambda r: -len(r[0]))


def phrase(head: Token) -> Span:
    """The head's noun phrase without relative clauses, appositions or conjuncts."""
    doc = head.doc
    left = head.i
    for child in head.lefts:
        if child.dep_ not in STOP_DEPS:
            left = min(left, child.left_edge.i)
    right = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod", "amod", "case"):
            right = max(right, child.right_edge.i)
        # "the Defense Ministry in Baku", "Armenia's Defense Ministry"
        if child.dep_ == "prep" and child.lower_ in ("in", "of") and _names_state(child):
            right = max(right, child.right_edge.i)
    span = doc[left : right + 1]
    while len(span) > 1 and span[0].dep_ in ("det", "punct") and span[0].lower_ != "the":
        span = span[1:]
    return span


def _names_state(prep: Token) -> bool:
    lexicon = load_lexicon()
    return any(t.ent_id_ and lexicon.by_key.get(t.ent_id_) for t in prep.subtree)


def resolve(head: Token) -> Actor | None:
    """Actor for the noun phrase headed by `head`, or None when nothing is known of it."""
    if head.pos_ == "PRON":
        return None
    span = phrase(head)
    lexicon = load_lexicon()
    country = body_sector = metonym_sector = None
    for token in span:
        entry = lexicon.by_key.get(token.ent_id_) if token.ent_id_ else None
        if entry and entry.country:
            country = country or entry.country
            if entry.kind in ("organisation", "institution"):
                body_sector = body_sector or entry.sector
            elif entry.kind in ("capital", "country"):
                metonym_sector = "GOV"
    text = " " + " ".join(t.lower_ for t in span) + " "
    word_sector = next((value for word, value in sector_words() if f" {word} " in text), None)
    bare = all(t.ent_id_ or t.is_stop or t.is_punct for t in span)
    sector = body_sector or word_sector or (metonym_sector if bare else None)
    if country is None and sector is None and span.root.ent_type_ not in ("PERSON", "ORG"):
        return None
    return Actor(span.text, country, sector)
