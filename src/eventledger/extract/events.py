"""Events from the parse: trigger lexicon + dependency arguments + claim status.

Each event keeps its evidence sentence verbatim with offsets into the clean text.
Hypothetical, negated and purpose-clause mentions produce no event; the reason is
logged at debug level so a user can see why a trigger was passed over.
"""

from __future__ import annotations

import hashlib
import logging
import re

from spacy.tokens import Doc, Span, Token

from eventledger.extract.lexicon import Trigger, triggers
from eventledger.extract.parse_helpers import (
    according_to,
    child,
    follows,
    modal,
    negated,
    prep_object,
    reporting_frame,
    subject,
)
from eventledger.nlp.annotate import aligned
from eventledger.records import Actor, Article, Event, Location, Sentence
from eventledger.resolve.actors import resolve
from eventledger.resolve.lexicon import load_lexicon

log = logging.getLogger(__name__)

LAUNCH_VERBS = {
    "launch",
    "start",
    "begin",
    "carry",
    "conduct",
    "stage",
    "mount",
    "declare",
    "continue",
    "intensify",
    "escalate",
    "resume",
    "sign",
    "agree",
    "reach",
    "hold",
    "broker",
}
BLOCKING_VERBS = {"prevent", "avoid", "stop", "halt", "end", "deter", "condemn", "deny"}
SYMMETRIC = {"ASSAULT", "AGREE", "CONSULT", "COOPERATE"}
NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
}
COUNT = r"(\d[\d,]*|" + "|".join(NUMBER_WORDS) + r")"
KILLED = re.compile(
    COUNT + r"\s+(?:\w+\s+){0,3}?(?:were |have been |had been |was )?"
    r"(?:killed|died|dead|deaths)\b",
    re.I,
)
INJURED = re.compile(
    COUNT + r"\s+(?:\w+\s+){0,3}?(?:were |have been |was )?"
    r"(?:injured|wounded|hurt)\b",
    re.I,
)


def event_id(article_id: str, sentence: int, token: int, type_: str) -> str:
    key = f"{article_id}:{sentence}:{token}:{type_}"
    return "ev_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def match_trigger(token: Token) -> Trigger | None:
    pos = "VERB" if token.pos_ == "VERB" else "NOUN" if token.pos_ in ("NOUN", "PROPN") else None
    if pos is None:
        return None
    for trigger in triggers().get((token.lemma_.lower(), pos), []):
        if follows(token, trigger.rest):
            return trigger
    if pos == "NOUN":
        for trigger in triggers().get((token.lower_, pos), []):
            if follows(token, trigger.rest):
                return trigger
    return None


def count(pattern: re.Pattern, text: str) -> int | None:
    m = pattern.search(text)
    if not m:
        return None
    value = m.group(1).lower().replace(",", "")
    return NUMBER_WORDS.get(value, int(value) if value.isdigit() else None)


def location(head: Token, sent: Span) -> Location | None:
    """A known place attached to the trigger, else the first known place in the sentence."""
    lexicon = load_lexicon()
    candidates = [t for t in head.subtree if t.ent_type_ in ("GPE", "LOC")] + [
        t for t in sent if t.ent_type_ in ("GPE", "LOC")
    ]
    for token in candidates:
        entry = lexicon.by_key.get(token.ent_id_) if token.ent_id_ else None
        if entry and entry.kind not in ("demonym",):
            return Location(entry.name, entry.country, entry.lat, entry.lon)
    return None


def arguments(head: Token, trigger: Trigger) -> tuple[Token | None, Token | None]:
    """(source token, target token) for a verbal or nominal trigger."""
    if trigger.pos == "VERB":
        passive = child(head, "nsubjpass")
        if passive is not None:
            return prep_object(head, "by"), passive
        source = subject(head)
        target = child(head, "dobj") or prep_object(head, "on", "against", "at", "with")
        if target is None and trigger.type in SYMMETRIC and source is not None:
            target = child(source, "conj")
        return source, target
    source = child(head, "poss") or prep_object(head, "by", "from")
    if source is None:
        source = next(
            (
                c
                for c in head.children
                if c.dep_ in ("amod", "compound") and c.ent_type_ in ("NORP", "GPE")
            ),
            None,
        )
    if source is None and head.dep_ in ("dobj", "nsubjpass") and head.head.lemma_ in LAUNCH_VERBS:
        source = subject(head.head) or prep_object(head.head, "by")
    target = prep_object(head, "on", "against", "in", "with", "between")
    if target is not None and target.ent_type_ not in ("GPE", "NORP", "ORG", "PERSON"):
        target = target if target.lemma_ not in ("region", "area") else None
    return source, target


def blocked(head: Token, trigger: Trigger) -> str | None:
    """Why this trigger mention is not an event, or None."""
    if negated(head) or (head.dep_ in ("xcomp", "ccomp") and negated(head.head)):
        return "negated"
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
    if trigger.pos == "VERB" and infinitive and head.head.lemma_.lower() not in LAUNCH_VERBS:
        return "infinitive (purpose or intention)"
    if trigger.pos == "NOUN" and head.dep_ in ("dobj", "pobj"):
        governor = head.head if head.dep_ == "dobj" else head.head.head
        if governor.lemma_.lower() in BLOCKING_VERBS:
            return f"object of '{governor.lemma_}'"
    if head.dep_ == "compound":
        return "modifier of another noun"
    return None


def extract_events(article: Article, doc: Doc, sents: list[Sentence]) -> list[Event]:
    events: list[Event] = []
    for sent, record in aligned(doc, sents):
        according = according_to(sent)
        for token in sent:
            trigger = match_trigger(token)
            if trigger is None:
                continue
            head = token.doc[token.i + len(trigger.rest)] if trigger.pos == "NOUN" else token
            reason = blocked(head, trigger)
            if reason:
                log.debug("no event for %r in %r: %s", token.text, record.text[:80], reason)
                continue
            source_tok, target_tok = arguments(head, trigger)
            source = resolve(source_tok) if source_tok is not None else None
            target = resolve(target_tok) if target_tok is not None else None
            status, claimed_by = "reported", None
            frame = reporting_frame(head)
            if frame is not None:
                verb, speaker, stance = frame
                claimed_by = resolve(speaker) if speaker is not None else None
                status = "denied" if stance == "deny" else "claimed"
            elif according is not None:
                status, claimed_by = "claimed", resolve(according)
            if modal(head) in ("may", "might", "could", "would", "will", "'ll"):
                status = "threatened"
            killed = count(KILLED, record.text) if trigger.type == "ASSAULT" else None
            injured = count(INJURED, record.text) if trigger.type == "ASSAULT" else None
            mode = trigger.mode or _noun_mode(head)
            events.append(
                Event(
                    event_id=event_id(article.article_id, record.index, head.i, trigger.type),
                    article_id=article.article_id,
                    type=trigger.type,
                    sentence=record.text,
                    start=record.start,
                    end=record.end,
                    mode=mode,
                    source=source,
                    target=target,
                    location=location(head, sent),
                    killed=killed,
                    injured=injured,
                    status=status,
                    claimed_by=claimed_by if status in ("claimed", "denied") else None,
                    confidence=_confidence(source, target, trigger, status),
                    trigger=" ".join((token.text, *trigger.rest)),
                )
            )
    for event in events:
        event.fused_id = event.event_id
    return events


def _noun_mode(head: Token) -> str | None:
    for c in head.children:
        if c.dep_ in ("compound", "amod") and c.lemma_.lower() in (
            "missile",
            "artillery",
            "drone",
            "air",
            "rocket",
            "mortar",
            "ground",
        ):
            return {"rocket": "missile", "mortar": "artillery"}.get(
                c.lemma_.lower(), c.lemma_.lower()
            )
    return None


def _confidence(source: Actor | None, target: Actor | None, trigger: Trigger, status: str) -> float:
    score = 0.4 + 0.2 * (source is not None and source.country is not None)
    score += 0.15 * (target is not None and target.country is not None)
    score += 0.1 * (trigger.pos == "VERB") + 0.05 * (status != "threatened")
    return round(min(score, 0.95), 2)
