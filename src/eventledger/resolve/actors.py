"""Map a noun phrase in the parse to an actor {name, country, sector}.

Country comes from the dictionary entities inside the phrase (countries, demonyms,
capitals as metonyms, organisations, institutions, known people, places that stand for a
de-facto entity); sector from the words of the phrase (``data/sectors.tsv``). Pronouns,
bare surnames and "the ministry" take the country and sector of the article's earlier,
fuller mention (`Mentions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache

from spacy.tokens import Span, Token

from eventledger.extract.lexicon import tsv_rows
from eventledger.extract.parse_helpers import reporting_frame
from eventledger.records import Actor
from eventledger.resolve.lexicon import LexEntry, load_lexicon

STOP_DEPS = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "prep"}
PERSON_PRONOUNS = {"he", "him", "his", "she", "her"}
BODY_PRONOUNS = {"it", "its", "they", "them", "their"}
STATE_PREPS = ("in", "of", "inside")


@dataclass
class Mentions:
    """What an article has named so far, so later short mentions resolve to it."""

    people: dict[str, Actor] = field(default_factory=dict)
    last_person: Actor | None = None
    bodies: list[Actor] = field(default_factory=list)

    def remember(self, actor: Actor, person: bool) -> None:
        if actor.country is None:
            return
        if person:
            self.people[actor.name.split()[-1].lower()] = actor
            self.last_person = actor
        else:
            self.bodies.append(actor)

    def body(self, noun: str | None = None) -> Actor | None:
        """The latest body, or the latest whose name holds `noun` ("the ministry")."""
        for actor in reversed(self.bodies):
            if noun is None or noun in actor.name.lower():
                return actor
        return None


@cache
def non_agents() -> frozenset[str]:
    """Head lemmas that name an act or a state, not an actor (`data/non_agents.tsv`)."""
    return frozenset(row[0].strip() for row in tsv_rows("non_agents.tsv"))


@cache
def sector_words() -> list[tuple[re.Pattern, str]]:
    """(whole-word pattern, sector), longest words first; compiled once."""
    rows = tsv_rows("sectors.tsv")
    words = sorted(((w.strip(), s.strip()) for w, s in rows), key=lambda r: -len(r[0]))
    return [(re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])"), s) for w, s in words]


def phrase(head: Token) -> Span:
    """The head's noun phrase without relative clauses, appositions or conjuncts.

    A following "in/of/inside" + state stays ("the Defense Ministry in Baku",
    "installations inside Armenia"), cut after that state's own modifiers.
    """
    doc = head.doc
    left = min([head.i] + [c.left_edge.i for c in head.lefts if c.dep_ not in STOP_DEPS])
    right = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "flat", "nummod", "amod"):
            right = max(right, child.right_edge.i)
        if child.dep_ == "prep" and child.lower_ in STATE_PREPS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            owner = next((c for c in obj.children if c.dep_ == "poss"), None) if obj else None
            if obj is not None and (_entry(obj) or owner is not None and _entry(owner)):
                right = max(right, obj.i)  # "opponents of Rwanda's Senate"
    span = doc[left : right + 1]
    while len(span) > 1 and span[0].dep_ in ("det", "punct") and span[0].lower_ != "the":
        span = span[1:]
    return span


def _entry(token: Token) -> LexEntry | None:
    return load_lexicon().by_key.get(token.ent_id_) if token.ent_id_ else None


def _sectors(span: Span) -> str | None:
    """The sector of the longest sector word in the phrase, whole words only
    ("anti-government protesters" are not the government)."""
    text = span.text.lower()
    for pattern, value in sector_words():
        if pattern.search(text):
            return value
    return None


def resolve(head: Token, mentions: Mentions | None = None) -> Actor | None:
    """Actor for the noun phrase headed by `head`, or None when nothing is known of it."""
    mentions = mentions if mentions is not None else Mentions()
    if head.pos_ == "PRON" or head.lower_ in PERSON_PRONOUNS | BODY_PRONOUNS:
        return _pronoun(head, mentions)
    if head.lemma_.lower() in non_agents() and head.ent_type_ not in ("PERSON", "ORG"):
        return _owner(head)
    span = phrase(head)
    country = body_sector = person_sector = None
    state = person = False
    for token in span:
        if token.dep_ == "poss" and token.pos_ == "PRON" and country is None:
            owner = _pronoun(token, mentions)  # "its forces": the forces of what "its" is
            country = owner.country if owner is not None else None
        entry = _entry(token)
        if entry is None:
            continue
        code = entry.actor or entry.country  # as an actor, Nagorno-Karabakh is XNK
        if code and country is None:
            country = code
        if entry.kind in ("organisation", "institution"):
            body_sector = body_sector or entry.sector
        elif entry.kind == "person":
            person, person_sector = True, person_sector or entry.sector
        elif entry.kind in ("capital", "country"):
            state = True
    word_sector = _sectors(span)
    bare = all(t.ent_id_ or t.is_stop or t.is_punct for t in span)
    sector = body_sector or word_sector or person_sector or ("GOV" if state and bare else None)
    person = person or span.root.ent_type_ == "PERSON"
    if person and country is None:
        known = mentions.people.get(head.lower_) or mentions.people.get(span[-1].lower_)
        if known is not None:
            country, sector = known.country, sector or known.sector
    if person and country is None:
        title = _appositive(head)  # "Toivo Klaar, the EU's special representative"
        if title is not None:
            country, sector = title.country, sector or title.sector
    if country is None and not person:
        # "the capital, Stepanakert": a named place or body in apposition says whose
        named = next((e for c in head.children if c.dep_ == "appos" and (e := _entry(c))), None)
        if named is not None and named.kind not in ("person", "demonym"):
            country = named.actor or named.country
    if country is None and is_back_reference(head):
        antecedent = mentions.body(head.lemma_.lower())
        if antecedent is not None:
            country, sector = antecedent.country, antecedent.sector or sector
    if country is None and sector is None and span.root.ent_type_ not in ("PERSON", "ORG"):
        return None
    actor = Actor(span.text, country, sector)
    mentions.remember(actor, person)
    return actor


def _owner(act: Token) -> Actor | None:
    """The state or body an act belongs to ("Azerbaijan's offensive", "Moscow's
    accusations"): the acts of nobody named ("the war in Ukraine") have no actor."""
    for token in act.lefts:
        entry = _entry(token)
        if token.dep_ in ("poss", "compound", "amod") and entry and entry.kind != "person":
            code = entry.actor or entry.country
            if code:
                return Actor(entry.name, code, entry.sector)
    return None


def _appositive(head: Token) -> Actor | None:
    """What a person's appositive title says of them: its state or body and sector."""
    appos = next((c for c in head.children if c.dep_ == "appos"), None)
    if appos is None:
        return None
    tokens = list(appos.subtree)
    span = head.doc[tokens[0].i : tokens[-1].i + 1]
    country = next(
        (
            e.actor or e.country
            for t in span
            if (e := _entry(t)) and e.kind != "person" and (e.actor or e.country)
        ),
        None,
    )
    sector = next(
        (
            e.sector
            for t in span
            if (e := _entry(t)) and e.kind in ("organisation", "institution") and e.sector
        ),
        None,
    )
    return Actor(span.text, country, _sectors(span) or sector) if country else None


def is_back_reference(token: Token) -> bool:
    """A bare common noun with only a determiner ("the ministry", "the army")."""
    return (
        token.pos_ == "NOUN"
        and not token.ent_type_
        and all(c.dep_ == "det" for c in token.children)
    )


def _pronoun(head: Token, mentions: Mentions) -> Actor | None:
    """A pronoun in reported speech is its speaker ("the ministry said it had ..."); else
    the latest person (he, she) or body (it, they) the article named."""
    word = head.lower_
    frame = reporting_frame(head)
    if frame is not None and frame[1] is not None and frame[1].i != head.i:
        speaker = frame[1]
        if (speaker.ent_type_ == "PERSON") == (
            word in PERSON_PRONOUNS
        ) and speaker.lower_ not in PERSON_PRONOUNS | BODY_PRONOUNS:
            found = resolve(
                speaker, Mentions(mentions.people, mentions.last_person, list(mentions.bodies))
            )
            if found is not None and found.country:
                return replace(found, name=head.text)
    if word in PERSON_PRONOUNS:
        antecedent = mentions.last_person
    elif word in BODY_PRONOUNS:
        antecedent = mentions.body()
    else:
        return None
    return replace(antecedent, name=head.text) if antecedent is not None else None
