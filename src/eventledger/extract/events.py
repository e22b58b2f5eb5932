"""Events from the parse: trigger lexicon + dependency arguments + claim status.

Each event keeps its evidence sentence verbatim with offsets into the clean text.
Negated and purpose-clause mentions produce no event, and an act announced with a modal
("may retaliate", "would fight") is coded as THREATEN by its author, not as the act; the
reason a trigger was passed over is logged at debug level.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import Counter
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from eventledger.extract.dating import article_timexes, date_event
from eventledger.extract.lexicon import Trigger, triggers
from eventledger.extract.parse_helpers import (
    according_to,
    child,
    follows,
    modal,
    negated,
    prep_object,
    reporting_frame,
    reporting_match,
    subject,
)
from eventledger.nlp.annotate import aligned
from eventledger.records import Actor, Article, Event, Location, Sentence
from eventledger.resolve.actors import Mentions, phrase, resolve
from eventledger.resolve.lexicon import load_lexicon

log = logging.getLogger(__name__)

AGENTIVE_VERBS = {
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
    "order",
    "unleash",
    "wage",
    "step",
    "announce",
    "open",
    "deliver",
    "impose",
    "attempt",
    "try",
    "have",
    "manage",
    "schedule",
}
BLOCKING_VERBS = {
    "prevent",
    "avoid",
    "stop",
    "halt",
    "end",
    "deter",
    "condemn",
    "refrain",
    "cease",
    "oppose",
    "aim",
    "plan",
    "intend",
    "prepare",
}
REPORTING_GOVERNORS = {"say", "report", "cite", "call", "describe", "tell", "claim"}
STATEMENTS = {
    "assertion",
    "claim",
    "version",
    "accusation",
    "statement",
    "allegation",
    "remark",
    "demand",
    "proposal",
    "offer",
    "plan",
    "report",
    "charge",
}
SYMMETRIC = {"ASSAULT", "AGREE", "CONSULT", "COOPERATE"}
VERBAL = {"REQUEST", "ACCUSE", "REJECT", "THREATEN", "SUPPORT", "AGREE", "CONSULT", "CONCEDE"}
CONFLICT = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE"}
THREAT_ACTS = CONFLICT | {"PROTEST"}  # announced, these are threats ("would boycott")
FIGHTS = {"ASSAULT", "COERCE"}
DISPUTES = {"REJECT", "ACCUSE", "THREATEN"}
# Acts between the article's two sides even when one goes unnamed ("had to retreat").
ANSWERS = DISPUTES | {"CONCEDE", "RETREAT"}
FUTURE = {"may", "might", "could", "would", "will", "'ll", "shall"}
AGENT = ("agent", frozenset({"self"}))  # a trigger naming the people who act ("protesters")
UNDERGOING = {"face", "suffer", "endure"}  # their subject is the target of the act named
OBJECT_OF = ("for", "against", "on", "to", "from", "with")  # the party an object is for or from
LOCATIVE = {"in", "at", "near", "inside", "outside", "around", "across", "within"}
WARN_VERBS = {"warn", "threaten", "vow", "swear"}
COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT"}
# Words whose infinitive or clause announces a cooperative act (PLOVER AGREE: CAMEO 03
# "express intent to ..."), refuses it (REJECT), or asks it of someone else (the asked-for
# act has not happened: only the REQUEST is an event).
INTENT_WORDS = {"willing", "ready", "prepared", "committed", "commit", "offer", "promise"}
INTENT_WORDS |= {"pledge", "agree", "decide", "plan", "intend", "vow", "undertake", "eager"}
REFUSAL_WORDS = {"refuse", "decline", "fail", "reject", "unwilling", "reluctant"}
REQUEST_WORDS = {"demand", "urge", "ask", "call", "appeal", "press", "push", "pressure"}
REQUEST_WORDS |= {"insist", "request", "plea", "implore", "beg", "encourage", "invite"}
# Nouns that only frame the act before them: "a mediation effort", "an aid mission".
GENERIC_HEADS = {"effort", "mission", "bid", "process", "initiative", "attempt", "campaign"}
NON_AUTHORS = {"development", "tension", "situation", "move", "decision", "step", "crisis"}
NON_AUTHORS |= {"escalation", "conflict", "violence", "incident", "event", "news", "report"}
NON_AUTHORS |= {"fact", "issue", "problem", "change", "measure", "policy", "plan", "law"}
ACCUSING_VERBS = {"accuse", "blame", "charge", "suspect", "condemn", "criticize", "criticise"}
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
VICTIMS = r"(?:\w+\s+){0,3}?"
KILLED = re.compile(
    rf"{COUNT}\s+{VICTIMS}(?:were |have been |had been |was )?"
    r"(?:killed|died|dead|deaths)\b|(?:killing|killed)\s+(?:at least\s+)?" + COUNT + r"\b",
    re.I,
)
INJURED = re.compile(
    rf"{COUNT}\s+{VICTIMS}(?:were |have been |was )?"
    r"(?:injured|wounded|hurt)\b|(?:injuring|wounding)\s+(?:at least\s+)?" + COUNT + r"\b",
    re.I,
)


def event_id(article_id: str, sentence: int, token: int, type_: str) -> str:
    key = f"{article_id}:{sentence}:{token}:{type_}"
    return "ev_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def _objects(token: Token):
    """Direct objects, passive subjects, complements and prepositional objects; a direct
    object with its noun modifiers and what it measures ("a military aid program", "tons
    of food")."""
    for c in token.children:
        if c.dep_ in ("dobj", "nsubjpass", "attr", "xcomp", "pcomp"):
            yield from _with_parts(c)
        elif c.dep_ == "prep":
            for g in c.children:
                if g.dep_ == "pobj":
                    yield g
                    yield from (m for m in g.children if m.dep_ == "compound")


def _with_parts(noun: Token, depth: int = 2):
    yield noun
    if depth == 0:
        return
    for c in noun.children:
        if c.dep_ == "compound":
            yield c
        elif c.dep_ == "prep" and c.lower_ == "of":
            for g in c.children:
                if g.dep_ == "pobj":
                    yield from _with_parts(g, depth - 1)


def _satisfied(token: Token, trigger: Trigger) -> bool:
    if trigger.requires is None:
        return True
    kind, values = trigger.requires
    if kind == "obj":
        return any(o.lemma_.lower() in values or o.lower_ in values for o in _objects(token))
    if kind == "prep":
        return any(
            c.dep_ in ("prep", "prt", "agent") and c.lower_ in values for c in token.children
        )
    if kind == "gov":
        governor = _governor(token)
        return governor is not None and governor.lemma_.lower() in values
    return True  # agent=self marks the argument, it does not restrict matching


def match_trigger(token: Token) -> Trigger | None:
    """The longest trigger starting at `token`. A verb trigger needs a verb; a noun phrase
    trigger ("joint exercises", "martial law") needs its last word to be a noun."""
    if _after_cease(token) or token.is_punct:
        return None
    table = triggers()
    keys = [
        (word, pos) for pos in ("VERB", "NOUN") for word in (token.lemma_.lower(), token.lower_)
    ]
    for key in dict.fromkeys(keys):
        for trigger in table.get(key, []):
            if not follows(token, trigger.rest):
                continue
            head = token.doc[token.i + len(trigger.rest)] if trigger.pos == "NOUN" else token
            wanted = ("VERB",) if trigger.pos == "VERB" else ("NOUN", "PROPN")
            if (
                head.pos_ in wanted
                and (trigger.rest or token.pos_ in wanted)
                and _satisfied(head, trigger)
            ):
                return trigger
    return None


def _after_cease(token: Token) -> bool:
    """The "fire" of a hyphen-split "cease-fire" is no shooting."""
    doc = token.doc
    return token.i >= 2 and doc[token.i - 1].text == "-" and doc[token.i - 2].lower_ == "cease"


def count(pattern: re.Pattern, text: str) -> int | None:
    m = pattern.search(text)
    if not m:
        return None
    value = next(g for g in m.groups() if g).lower().replace(",", "")
    return NUMBER_WORDS.get(value, int(value) if value.isdigit() else None)


def location(head: Token, sent: Span) -> Location | None:
    """A known place attached to the trigger, else the first known place in the sentence;
    in each, a place after a locative preposition ("exercises in Alaska") comes before
    one that names an actor ("Russia is conducting ...", "US activists")."""
    lexicon = load_lexicon()
    places = [t for t in head.subtree if t.ent_type_ in ("GPE", "LOC")]
    places += [t for t in sent if t.ent_type_ in ("GPE", "LOC")]
    candidates = [t for t in places if _locative(t)] + places
    for token in candidates:
        entry = lexicon.by_key.get(token.ent_id_) if token.ent_id_ else None
        if entry and entry.kind not in ("demonym", "person"):
            return Location(entry.name, entry.country, entry.lat, entry.lon)
    return None


def _locative(token: Token) -> bool:
    """The place is the object of "in", "at", "near" ... (directly or as a compound)."""
    node = token.head if token.dep_ == "compound" else token
    return node.dep_ == "pobj" and node.head.lower_ in LOCATIVE


def _governor(head: Token) -> Token | None:
    """The verb whose object (direct, or through with/in) a nominal trigger is."""
    if head.dep_ in ("dobj", "nsubjpass", "attr"):
        return head.head
    if head.dep_ == "pobj" and head.head.lower_ in ("with", "in") and head.head.head.pos_ == "VERB":
        return head.head.head
    return None


def arguments(head: Token, trigger: Trigger) -> tuple[Token | None, Token | None]:
    """(source token, target token) for a verbal or nominal trigger."""
    if trigger.pos == "VERB":
        passive = child(head, "nsubjpass")
        if passive is not None and head.lemma_.lower() in INTENT_WORDS | REFUSAL_WORDS:
            return passive, None  # "Vietnam is committed to ...": a state of its subject
        if passive is not None:
            return prep_object(head, "by") or _means_author(head) or _origin(head), passive
        if head.dep_ in ("acl", "advcl") and head.tag_ == "VBN":
            # "Azerbaijan, backed by Turkey, ...": the participle's noun is the target
            return prep_object(head, "by"), head.head if head.dep_ == "acl" else subject(head)
        source = subject(head) or _accused(head)
        target = child(head, "dobj") or _party(prep_object(head, "on", "against", "with"))
        owner = child(target, "poss") if target is not None else None
        if owner is not None and target.lemma_.lower() in STATEMENTS:
            target = owner  # "rejected Azerbaijan's assertion": Azerbaijan is rejected
        if target is None and trigger.type in SYMMETRIC and source is not None:
            target = child(source, "conj", "appos")  # "The US, Russia and ... met"
        if target is None and trigger.type not in SYMMETRIC:
            target = prep_object(head, "at")
        return source, target
    if trigger.requires and trigger.requires[0] == "agent":
        return head, None
    if head.dep_ == "dobj" and head.head.lemma_.lower() in UNDERGOING:
        return _nominal_source(head), subject(head.head)  # "X faces pressure from Y"
    target = _party(prep_object(head, "on", "against", "of", "with", "between", "to"))
    if target is None and head.dep_ == "pobj" and head.head.lower_ == "under":
        # "Stepanakert is under artillery fire": the subject is the target
        target = subject(head.head.head)
    if target is None and trigger.type == "REQUEST":
        target = prep_object(head, "for")  # "a plea for Russian troops to act"
    if target is None:
        target = _nominal_target(head)
    if target is not None and target.lemma_.lower() in ("region", "area", "kind", "part"):
        target = None
    return _nominal_source(head), target


def _party(token: Token | None) -> Token | None:
    """No date is a party: "met on Monday", "a firefight ... on Saturday" (but "met with
    President Assad Tuesday", parsed as one phrase, names him)."""
    if token is None or token.ent_type_ not in ("DATE", "TIME"):
        return token
    named = any(t.ent_type_ not in ("", "DATE", "TIME") for t in token.subtree)
    return token if named else None


def _accused(head: Token) -> Token | None:
    """ "accused X of hitting ...", "X was blamed for shelling ...": X did the act."""
    prep = head.head
    if head.dep_ != "pcomp" or prep.dep_ != "prep" or prep.lower_ not in ("of", "for"):
        return None
    if prep.head.lemma_.lower() not in ACCUSING_VERBS:
        return None
    return child(prep.head, "dobj", "nsubjpass")


def _origin(head: Token) -> Token | None:
    """ "a mortar was fired at it from the Gaza Strip": the place an unattributed act
    came from stands for its author."""
    place = prep_object(head, "from")
    return place if place is not None and place.ent_type_ in ("GPE", "LOC") else None


def _means_author(head: Token) -> Token | None:
    """ "killed in Israeli tank shelling": whoever carried out the act named as the means."""
    means = prep_object(head, "in", "by")
    if means is None or match_trigger(means) is None:
        return None
    return _nominal_source(means)


def _nominal_target(head: Token) -> Token | None:
    """The target of a nominal act named on its governing verb: "started joint exercises
    with the US", "delivered aid to Ukraine", "carried out strikes on X"."""
    prep = head.head
    if head.dep_ == "pobj" and prep.lower_ == "in" and prep.head.pos_ == "VERB":
        return child(prep.head, "dobj")  # "engaged peacekeepers in a firefight"
    if head.dep_ != "dobj":
        return None
    return prep_object(head.head, "on", "against", "with", "to")


def _nominal_source(head: Token) -> Token | None:
    """Who carries out a nominal act: "Azerbaijan's attack", "strikes by X", "a
    Russia-brokered truce", "a truce brokered by X", "X launched an attack"; failing
    those, the subject of the nearest governing verb that is not a reporting verb."""
    source = child(head, "poss") or prep_object(head, "by", "from")
    if source is not None and not (source.pos_ == "PRON" and head.dep_ == "dobj"):
        return source  # "completed its investigation": the subject says whose
    for c in head.children:
        if c.dep_ == "acl":
            agent = prep_object(c, "by")
            if agent is not None:
                return agent
        if c.dep_ in ("amod", "compound", "npadvmod") and c.i < head.i:
            named = next(
                (t for t in c.subtree if t.ent_id_ or t.ent_type_ in ("NORP", "GPE")), None
            )
            if named is not None:
                return named
    node = head
    while node.head.i != node.i:
        node = node.head
        if node.pos_ == "VERB":
            lemma = node.lemma_.lower()
            if lemma in REPORTING_GOVERNORS or lemma in BLOCKING_VERBS:
                return None
            return subject(node) or prep_object(node, "by")
    return None


def _ancestors(head: Token, limit: int = 4):
    node = head
    for _ in range(limit):
        if node.head.i == node.i:
            return
        node = node.head
        yield node


def framing(head: Token) -> tuple[str, Token] | None:
    """("intent" | "refusal" | "request", governor) when the act is the infinitive or
    clause of a word that announces, refuses or asks for it: "is willing to withdraw",
    "refused to meet", "urged X to support", "committed to opening"."""
    clause = head.head if head.dep_ == "conj" else head
    if clause.dep_ not in ("xcomp", "ccomp", "pcomp", "acl"):
        return None
    governor = clause.head
    if clause.dep_ == "pcomp" and governor.dep_ == "prep":
        governor = governor.head  # "committed to opening", "demand for ... to"
    lemma = governor.lemma_.lower()
    if lemma in INTENT_WORDS:
        return "intent", governor
    if lemma in REFUSAL_WORDS:
        return "refusal", governor
    if lemma in REQUEST_WORDS and clause.dep_ != "pcomp":
        return "request", governor
    return None


def blocked(head: Token, trigger: Trigger, framed: bool = False) -> str | None:
    """Why this trigger mention is not an event, or None. `framed`: the infinitive is an
    announced or refused act, which is coded (as AGREE or REJECT), not passed over."""
    if negated(head) or _none_done(head):
        return "negated"
    clause = head.head if head.dep_ == "conj" else head
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
    if (
        trigger.pos == "VERB"
        and not framed
        and infinitive
        and not (clause.dep_ == "xcomp" and clause.head.lemma_.lower() in AGENTIVE_VERBS)
    ):
        return "infinitive (purpose or intention)"
    below = head
    for node in _ancestors(head):
        lemma = node.lemma_.lower()
        if node.pos_ == "VERB" and lemma in REPORTING_GOVERNORS:
            break
        if framed and lemma in INTENT_WORDS | REFUSAL_WORDS:
            below = node  # "prepared to lift the ban": the frame, already coded
            continue
        if lemma in REQUEST_WORDS and below.dep_ in ("ccomp", "xcomp"):
            return f"asked for under '{node.text}'"
        if node.pos_ in ("VERB", "AUX") and negated(node) and not _contrasted(node, below):
            return f"under negated '{node.text}'"
        below = node
        if lemma in BLOCKING_VERBS:
            return f"under '{node.lemma_}'"
    if clause.dep_ == "advcl" and any(c.lower_ in ("if", "unless") for c in clause.children):
        return "conditional (if ...)"
    if head.dep_ == "compound" and head.head.lemma_.lower() not in GENERIC_HEADS:
        return "modifier of another noun"
    return None


def _none_done(verb: Token) -> bool:
    """ "no agreement has been reached": the passive subject carries the negation."""
    return any(
        c.dep_ == "nsubjpass" and any(d.lower_ == "no" for d in c.children) for c in verb.children
    )


def _unless(verb: Token) -> bool:
    """An act announced on a condition the other side must meet is a threat."""
    return any(
        c.dep_ == "advcl" and any(m.lower_ == "unless" for m in c.children) for c in verb.children
    )


def _contrasted(node: Token, conjunct: Token) -> bool:
    """ "did not take sides, but brokered a deal": a conjunct after "but" keeps its own
    polarity."""
    return conjunct.dep_ == "conj" and any(
        c.dep_ == "cc" and c.lower_ in ("but", "yet") and node.i < c.i < conjunct.i
        for c in node.children
    )


def _negated_act(head: Token, trigger: Trigger, frame: tuple[str, Token] | None) -> bool:
    """The act itself is denied ("will not accept", "did not hold talks", "is not willing
    to meet"), not merely mentioned near a negation."""
    if negated(head):
        return True
    if trigger.pos == "NOUN" and head.dep_ == "dobj" and negated(head.head):
        return True
    if frame is None:
        return False
    governor = frame[1]
    return negated(governor) or (governor.dep_ == "acomp" and negated(governor.head))


def _warn_frame(head: Token) -> Token | None:
    """The warn/threaten verb whose clause announces this act, if any."""
    node = head
    while node.head.i != node.i:
        if node.head.lemma_.lower() in WARN_VERBS and node.dep_ in ("ccomp", "xcomp"):
            return node.head
        node = node.head
    return None


def threats(
    sent: Span, record: Sentence, article: Article, mentions: Mentions
) -> list[tuple[Token, Event]]:
    """THREATEN events for "X warned (that) it may retaliate", "X threatened to ...".

    "X warned Y" with no announced act is advance notice (CONSULT), not a threat.
    """
    out = []
    for token in sent:
        lemma = token.lemma_.lower()
        if token.pos_ != "VERB" or lemma not in WARN_VERBS or negated(token):
            continue
        clause = next((c for c in token.children if c.dep_ in ("ccomp", "xcomp")), None)
        announced = clause is not None and (
            modal(clause) in FUTURE
            or any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children)
        )
        source_tok = subject(token)
        source = resolve(source_tok, mentions) if source_tok is not None else None
        if source is None:
            continue
        warned = child(token, "dobj")
        target = resolve(warned, mentions) if warned is not None else None
        if announced or lemma == "threaten":
            type_, mode, status = "THREATEN", None, "threatened"
        elif lemma == "warn" and warned is not None:
            type_, mode, status = "CONSULT", "notification", "reported"
        else:
            continue
        frame = reporting_frame(token)
        claimed_by = None
        if frame is not None and status == "reported":
            status = "denied" if frame[2] == "deny" else "claimed"
            claimed_by = resolve(frame[1], mentions) if frame[1] is not None else None
        event = _event(
            article,
            record,
            token,
            type_,
            mode,
            source,
            target,
            None,
            status,
            claimed_by,
            _confidence(source, target, True, status, main_clause(token)),
            token.text,
        )
        out.append((token, event))
    return out


def demands(
    sent: Span, record: Sentence, article: Article, mentions: Mentions
) -> list[tuple[Token, Event]]:
    """REQUEST events for "X said Y must ...": the speaker demands the act of Y (CAMEO 10);
    the act itself has not happened and is not coded."""
    out = []
    for token in sent:
        if not any(c.dep_ == "aux" and c.lower_ == "must" for c in token.children):
            continue
        if negated(token):
            continue
        frame = reporting_frame(token)
        speaker = frame[1] if frame is not None else according_to(sent)
        if speaker is None and token.dep_ == "ccomp":
            speaker = subject(token.head)  # "X concluded that Y must ...", "X reiterated"
        source = resolve(speaker, mentions) if speaker is not None else None
        if source is None and speaker is not None:
            source = _named_author(speaker)
        if source is None:
            continue
        addressee = subject(token) or child(token, "nsubjpass")
        target = resolve(addressee, mentions) if addressee is not None else None
        event = _event(
            article,
            record,
            token,
            "REQUEST",
            None,
            source,
            target,
            None,
            "reported",
            None,
            _confidence(source, target, True, "reported", main_clause(token)),
            token.text,
        )
        out.append((token, event))
    return out


def _event(
    article: Article,
    record: Sentence,
    token: Token,
    type_: str,
    mode: str | None,
    source: Actor | None,
    target: Actor | None,
    place: Location | None,
    status: str,
    claimed_by: Actor | None,
    confidence: float,
    trigger: str,
    killed: int | None = None,
    injured: int | None = None,
) -> Event:
    return Event(
        event_id=event_id(article.article_id, record.index, token.i, type_),
        article_id=article.article_id,
        type=type_,
        sentence=record.text,
        start=record.start,
        end=record.end,
        mode=mode,
        source=source,
        target=target,
        location=place,
        killed=killed,
        injured=injured,
        status=status,
        claimed_by=claimed_by if status in ("claimed", "denied") else None,
        confidence=confidence,
        trigger=trigger,
    )


def sentence_events(
    sent: Span, record: Sentence, article: Article, mentions: Mentions
) -> list[tuple[Token, Event]]:
    found: list[tuple[Token, Event]] = []
    according = according_to(sent)
    covered: set[int] = set()  # words of a longer phrase already matched ("hunger strike")
    for token in sent:
        if token.i in covered:
            continue
        trigger = match_trigger(token)
        if trigger is None:
            continue
        covered.update(range(token.i, token.i + len(trigger.rest) + 1))
        head = token.doc[token.i + len(trigger.rest)] if trigger.pos == "NOUN" else token
        frame = framing(head)
        stance = frame[0] if frame else None
        threat = (
            stance == "intent"
            and frame[1].lemma_.lower() not in ("offer", "agree")
            and trigger.type in THREAT_ACTS
        )  # "plans to impose", "is prepared to impose martial law"
        framed = threat or stance in ("intent", "refusal") and trigger.type in COOPERATIVE
        reason = blocked(head, trigger, framed)
        type_ = trigger.type
        if trigger.type in COOPERATIVE and reason and _negated_act(head, trigger, frame):
            type_, reason = "REJECT", None  # "will not accept refugees", "not willing to meet"
        elif framed and reason is None:
            type_ = "THREATEN" if threat else "AGREE" if stance == "intent" else "REJECT"
        if reason is None and stance == "request":
            reason = f"asked for under '{frame[1].text}' (only the request is an event)"
        if reason is None and modal(head) == "must":
            reason = "demanded of its subject (coded as REQUEST)"
        if reason is None and _warn_frame(head) is not None:
            reason = "announced in a warning (coded as THREATEN)"
        if reason:
            log.debug("no event for %r in %r: %s", token.text, record.text[:80], reason)
            continue
        source_tok, target_tok = arguments(head, trigger)
        if target_tok is not None and match_trigger(target_tok) is not None:
            named = resolve(target_tok)  # "clashed with rioters": people, not an act
            if named is None or named.country is None:
                act, target_tok = target_tok, None  # "fought a war": the war is the act
                if trigger.type in SYMMETRIC and source_tok is not None:
                    target_tok = child(source_tok, "conj")  # "X and Y fought a war"
                else:  # "delivered aid to Ukraine", "endorsed an agreement with the EU"
                    target_tok = prep_object(head, "on", "against", "to", "into")
                    target_tok = target_tok or prep_object(act, "to", "on", "against", "with")
        source = resolve(source_tok, mentions) if source_tok is not None else None
        target = resolve(target_tok, mentions) if target_tok is not None else None
        if target_tok is not None and (target is None or target.country is None):
            # "received ministers from X", "issued warrants for X", "sent aid to X"
            beyond = prep_object(target_tok, *OBJECT_OF) or prep_object(head, "for", "to")
            receiving = head.lemma_.lower() == "receive"
            if receiving:
                beyond = prep_object(head, "from") or beyond
            found_beyond = resolve(beyond, mentions) if beyond is not None else None
            if found_beyond is not None and found_beyond.country is not None:
                target_tok, target = beyond, found_beyond
                if receiving and type_ in ("AID", "AGREE"):  # the giver acts
                    source_tok, target_tok, source, target = target_tok, source_tok, target, source
        if trigger.pos == "VERB" and (target is None or target.country is None):
            # "fired anti-aircraft batteries at Russia": the object is the means
            aimed = prep_object(head, "at", "on", "against")
            aimed_at = resolve(aimed, mentions) if aimed is not None else None
            if aimed_at is not None and aimed_at.country is not None:
                target_tok, target = aimed, aimed_at
        if trigger.type == "MOBILIZE" and target_tok is not None and target_tok.dep_ == "dobj":
            # "Armenia denied having troops": the troops are the mobilised force, not a target
            person = source_tok is not None and source_tok.ent_type_ == "PERSON"
            if source is not None and not person and target is not None and target.sector == "MIL":
                source = Actor(source.name, source.country, "MIL")
            target = None
        if trigger.mode == "seize" and target_tok is not None:
            target = _territory_holder(target_tok, source, target)
        if trigger.type == "REJECT" and target is None and source is not None:
            target = _other_speaker(sent, head, source, mentions)
        if type_ in VERBAL and source is None and source_tok is not None:
            source = _named_author(source_tok)
        if (
            trigger.type in VERBAL
            and source is None
            and not (trigger.pos == "NOUN" and trigger.type == "AGREE")
            and not (trigger.pos == "VERB" and child(head, "nsubjpass") is not None)
        ):
            log.debug("no event for %r: a verbal act needs an actor as its author", token.text)
            continue
        status, claimed_by = "reported", None
        frame = reporting_frame(head)
        if frame is not None:
            _, speaker, stance = frame
            claimed_by = resolve(speaker, mentions) if speaker is not None else None
            status = "denied" if stance == "deny" else "claimed"
        elif according is not None:
            status, claimed_by = "claimed", resolve(according, mentions)
        verb = (
            head
            if trigger.pos == "VERB"
            else head.head
            if head.dep_ in ("nsubj", "nsubjpass", "dobj")
            else head
        )
        if modal(verb) in FUTURE or threat:
            status = "threatened"
            if threat or type_ in THREAT_ACTS or (_unless(verb) and type_ not in VERBAL):
                type_, target = "THREATEN", None  # "will withdraw its force unless ..."
                source = claimed_by or source
                claimed_by = None
            elif type_ in COOPERATIVE:
                type_ = "AGREE"  # "will withdraw", "would meet": an announced concession
        if type_ == "COERCE" and trigger.mode == "blockade" and source and source.sector == "CVL":
            type_ = "PROTEST"  # protesters blocking a road obstruct passage (CAMEO 144)
        rampage = type_ == "ASSAULT" and trigger.mode in ("destroy", "arson")
        if rampage and source_tok is not None and _protesters(source_tok):
            type_ = "PROTEST"  # "the building was demolished by protesters": CAMEO 145
        if type_ == "PROTEST" and target is None:
            target = _protested(head, mentions)
        place = location(head, sent)
        if type_ == "PROTEST" and source is not None and source.country is None and place:
            source = Actor(source.name, place.country, source.sector)  # protests are local
        holder = _holder_of(target_tok) if type_ in FIGHTS and target_tok is not None else None
        if holder and target is not None and (source is None or source.country != holder):
            target = Actor(target.name, holder, target.sector)  # "Armenians in Stepanakert"
        if type_ == "ASSAULT" and target is not None and not target.sector and _people(target_tok):
            target = Actor(target.name, target.country, "CVL")  # "shelled Armenians"
        if type_ == "ASSAULT" and target is not None and target.country is None and place:
            # "four children were killed in Gaza": the victims are of the place they are in
            code = _held_by(place) or place.country
            if source is None or source.country != code:  # no attacker hits its own side
                target = Actor(target.name, code, target.sector)
        tolls = type_ == "ASSAULT"
        event = _event(
            article,
            record,
            head,
            type_,
            trigger.mode or _noun_mode(head),
            source,
            target,
            place,
            status,
            claimed_by,
            _confidence(source, target, trigger.pos == "VERB", status, main_clause(head)),
            " ".join((token.text, *trigger.rest)),
            count(KILLED, record.text) if tolls else None,
            count(INJURED, record.text) if tolls else None,
        )
        found.append((head, event))
        for code in _other_nationals(source_tok) if source is not None else ():
            fellow = replace(event, source=Actor(source.name, code, source.sector))
            fellow.event_id = event_id(article.article_id, record.index, head.i, f"{type_}:{code}")
            found.append((head, fellow))
        if type_ in SYMMETRIC and source_tok is not None and target_tok is not None:
            found += _other_pairs(event, head, _coordinated(source_tok), target_tok, mentions)
    return found


def _other_nationals(token: Token | None) -> list[str]:
    """ "US and British activists": the activists of the second state act as well."""
    if token is None:
        return []
    lexicon = load_lexicon()
    codes = []
    for mod in token.children:
        if mod.dep_ in ("nmod", "compound", "amod") and mod.ent_id_:
            for other in mod.conjuncts:
                entry = lexicon.by_key.get(other.ent_id_) if other.ent_id_ else None
                if entry is not None and entry.kind in ("country", "demonym") and entry.country:
                    codes.append(entry.country)
    return codes


def _coordinated(token: Token) -> list[Token]:
    """The token and the parties coordinated with it ("The US, Russia, and Switzerland":
    the parser links them as conjuncts, or as an apposition that heads the rest of the
    list; an apposition without one renames its noun: "counterpart Erdogan")."""
    parties = [token]
    for c in token.children:
        if c.dep_ == "conj" or c.dep_ == "appos" and child(c, "conj") is not None:
            parties += _coordinated(c)
    return parties


def _other_pairs(
    event: Event, head: Token, parties: list[Token], target_tok: Token, mentions: Mentions
) -> list[tuple[Token, Event]]:
    """ "The US, Russia and Switzerland met": the event names the first two; each other
    pair of the coordinated parties met as well."""
    if target_tok not in parties:
        return []
    out = []
    for n, a in enumerate(parties):
        for b in parties[n + 1 :]:
            if {a.i, b.i} == {parties[0].i, target_tok.i}:
                continue
            source, target = resolve(a, mentions), resolve(b, mentions)
            if source is None or target is None or source.country == target.country:
                continue
            pair = replace(event, source=source, target=target)
            pair.event_id = event_id(event.article_id, a.i, b.i, f"{event.type}:{head.i}")
            out.append((head, pair))
    return out


def _protested(head: Token, mentions: Mentions) -> Actor | None:
    """Protesters "demanding that Pashinyan take action" protest against Pashinyan."""
    verb = head if head.pos_ == "VERB" else head.head
    for c in verb.children:
        if c.dep_ in ("advcl", "acl", "xcomp") and c.lemma_.lower() in REQUEST_WORDS:
            clause = child(c, "ccomp")
            addressee = subject(clause) if clause is not None else child(c, "dobj")
            if addressee is not None:
                return resolve(addressee, mentions)
    return None


def _named_author(token: Token) -> Actor | None:
    """An author the dictionary lacks ("the APEC forum", "a group of diplomats"): an actor
    without a country, so the verbal act is kept; a situation or an act is no author
    ("the development threatens to ...", "tensions threatened to reignite")."""
    if token.pos_ not in ("NOUN", "PROPN") or token.lemma_.lower() in NON_AUTHORS:
        return None
    if match_trigger(token) is not None:
        return None
    return Actor(phrase(token).text, None, None)


def _territory_holder(target_tok: Token, source: Actor | None, target: Actor | None):
    """Seizing a place is an act against the state it belongs to ("Armenians took control
    of Nagorno-Karabakh": Azerbaijan); a state retaking its own land acts against whoever
    held it, left for the article's main pair to name."""
    lexicon = load_lexicon()
    place = next(
        (
            entry
            for t in target_tok.subtree
            if t.ent_id_
            and (entry := lexicon.by_key.get(t.ent_id_)) is not None
            and entry.kind not in ("country", "demonym", "person", "organisation", "institution")
        ),
        None,
    )
    if place is None or not place.country or target is None:
        return target
    if source is not None and source.country == place.country:
        return None
    return Actor(target.name, place.country, target.sector)


def _other_speaker(sent: Span, head: Token, source: Actor, mentions: Mentions) -> Actor | None:
    """Whose claim a denial answers: another speaker of the sentence ("X said it warned
    Russia — a claim Moscow denied")."""
    for token in sent:
        if token.i == head.i or token.pos_ != "VERB" or reporting_match(token) is None:
            continue
        speaker = subject(token)
        actor = resolve(speaker, mentions) if speaker is not None else None
        if actor is not None and actor.country and actor.country != source.country:
            return actor
    return None


def merge_linked(found: list[tuple[Token, Event]]) -> list[Event]:
    """One event for same-type triggers tied by the parse ("a truce brokered by Russia")."""
    kept: list[tuple[Token, Event]] = []
    for head, event in found:
        bare = event.source is None and event.target is None
        twin = next(
            (
                k
                for k in kept
                if k[1].type == event.type
                and (bare or _linked(k[0], head))
                and not _other_dyad(k[1], event)
            ),
            None,
        )
        if twin is None:
            kept.append((head, event))
            continue
        base = twin[1]
        for role in ("source", "target", "location", "killed", "injured", "mode"):
            if getattr(base, role) is None and getattr(event, role) is not None:
                setattr(base, role, getattr(event, role))
        base.confidence = max(base.confidence, event.confidence)
    return [event for _, event in kept]


def _other_dyad(a: Event, b: Event) -> bool:
    """Both name a side and the two differ ("The US, Russia and Switzerland met", "US and
    British activists"): separate acts."""
    for x, y in ((a.source, b.source), (a.target, b.target)):
        if x and y and (x.name, x.country) != (y.name, y.country):
            return True
    return False


def _linked(a: Token, b: Token) -> bool:
    """Directly related in the parse, other than as conjuncts (which are separate acts)."""
    for x, y in ((a, b), (b, a)):
        if y.head.i == x.i and y.dep_ != "conj":
            return True
        if y.head.head.i == x.i and y.head.dep_ == "prep" and y.dep_ == "pobj":
            return True
    return False


def article_dyad(
    events: list[Event], title: str | None, states_only: bool = False
) -> tuple[str, str] | None:
    """The article's main conflict pair: its main attacker (weighted by confidence; the
    headline's first state counts double, as headlines lead with the actor), and the side
    that attacker's acts are aimed at, else the state the headline and the other targets
    name most. `states_only` reads a de-facto state as its patron (XNK as ARM): a denial or
    a truce is between the recognised states even where the shooting is at the de-facto
    state's forces."""

    def code(actor: Actor | None) -> str | None:
        found = actor.country if actor else None
        return _patron(found) if states_only and found else found

    fights = [e for e in events if e.type in FIGHTS]
    sources: Counter[str] = Counter()
    for e in fights:
        if code(e.source):
            sources[code(e.source)] += e.confidence
    if not sources:
        return None
    headline: Counter[str] = Counter()
    named = [c for c in _headline_states(title or "") if not states_only or _patron(c)]
    for n, state in enumerate(dict.fromkeys(named)):
        headline[_patron(state) if states_only else state] += 2 if n == 0 else 1
    first = (sources + headline).most_common(1)[0][0]
    aimed = Counter(
        code(e.target)
        for e in fights
        if code(e.target) and code(e.source) == first and code(e.target) != first
    )
    if aimed:
        return first, aimed.most_common(1)[0][0]
    others = Counter(code(e.target) for e in fights if code(e.target))
    others.update({c: 2 * n for c, n in headline.items()})
    second = next((c for c, _ in others.most_common() if c != first), None)
    return (first, second) if second else None


def _patron(code: str) -> str | None:
    """A recognised state stands for itself, a de-facto state for its patron, if any."""
    entry = load_lexicon().by_key.get(f"country:{code}")
    return (entry.patron if entry.defacto else code) if entry else code


def _headline_states(title: str) -> list[str]:
    """Country codes of states and demonyms named in a headline, in order."""
    lexicon = load_lexicon()
    words = title.replace("’", "'").replace("'s", "").split()
    codes = []
    for word in words:
        entry = lexicon.by_phrase.get(word.strip(',.:;!?"').lower())
        if entry is not None and entry.kind in ("country", "demonym") and entry.country:
            codes.append(entry.country)
    return codes


def fill_implicit(events: list[Event], title: str | None = None) -> None:
    """Unwritten sides of fighting (and of denials, accusations, threats, concessions and
    truces between the sides) come from the article's main pair, named in brackets as the
    spec's gold does, with lower confidence: "the fighting continues" is between the two
    sides the article covers. A target named without a country ("civilian areas") takes
    the country of the side opposite its attacker.
    """
    fight_pair = article_dyad(events, title)
    state_pair = article_dyad(events, title, states_only=True)
    if fight_pair is None and state_pair is None:
        return
    lexicon = load_lexicon()

    def side(code: str, sector: str | None = None) -> Actor:
        entry = lexicon.by_key.get(f"country:{code}")
        return Actor(f"[{entry.name if entry else code}]", code, sector)

    def opposite(pair: tuple[str, str] | None) -> dict[str, str]:
        return {pair[0]: pair[1], pair[1]: pair[0]} if pair else {}

    fight_other, state_other = opposite(fight_pair), opposite(state_pair)
    for e in events:
        known_source = e.source.country if e.source else None
        if e.type in FIGHTS and _own_target(e):
            e.target = Actor(e.target.name, None, e.target.sector)
        known_target = e.target.country if e.target else None
        patron = _patron(known_target) if known_target else None  # XNK's attacker: ARM's
        if e.type in FIGHTS:
            pair = fight_pair or state_pair
            other = fight_other
            if (known_source or known_target) and (known_source or known_target) not in other:
                other = state_other
            held = _held_by(e.location)  # fighting in Stepanakert is against its holders
            if e.source is None and e.target is None:
                e.source = side(pair[0], "MIL")
                e.target = side(held if held and held != pair[0] else pair[1], "MIL")
            elif e.source is None and (known_target in other or patron in other):
                e.source = side(other.get(known_target) or other[patron], "MIL")
            elif known_target is None and known_source in other:
                code = held if held and held != known_source else other[known_source]
                reporter = e.claimed_by.country if e.claimed_by else None
                if e.target and reporter and reporter != code and _patron(reporter) == code:
                    code = reporter  # "Karabakh authorities said civilian areas were hit"
                aimed_at = "CVL" if e.mode == "blockade" else "MIL"  # a blockade starves people
                e.target = (
                    Actor(e.target.name, code, e.target.sector)
                    if e.target
                    else side(code, aimed_at)
                )
            else:
                continue
        elif e.type in ANSWERS and e.target is None and known_source in state_other:
            # the answer goes to the counterpart body: a defence ministry's to the other's
            e.target = side(state_other[known_source], e.source.sector)
        elif _both_sides(e.target) and state_pair and known_source not in state_pair:
            e.target = Actor(e.target.name, state_pair[0], e.target.sector)  # "urged both sides"
        elif e.type == "AGREE" and e.mode == "ceasefire" and e.source is None and state_pair:
            e.source = side(state_pair[0], "GOV")
            e.target = e.target or side(state_pair[1], "GOV")
        else:
            continue
        e.confidence = round(max(0.1, e.confidence - 0.1), 2)


def _both_sides(actor: Actor | None) -> bool:
    """ "both sides", "the conflicting parties": the article's main pair, unnamed."""
    words = actor.name.lower().split() if actor and actor.country is None else []
    return bool(words) and words[-1] in ("sides", "parties")


def _own_target(event: Event) -> bool:
    """ "Azerbaijan struck its targets": "its" is the attacker, not the side attacked."""
    target, source = event.target, event.source
    return bool(
        target
        and source
        and target.country
        and target.country == source.country
        and target.name.lower().startswith(("its ", "their "))
    )


def _protesters(token: Token) -> bool:
    found = match_trigger(token)
    return found is not None and found.type == "PROTEST" and found.requires == AGENT


def _people(token: Token) -> bool:
    """A nationality in the plural ("Armenians", "Palestinians"): its people."""
    return token.tag_ in ("NNS", "NNPS") and token.ent_type_ == "NORP"


def _holder_of(target_tok: Token) -> str | None:
    """The de-facto actor holding the place the target is "in" ("Armenians in the
    Nagorno-Karabakh capital, Stepanakert": XNK)."""
    where = prep_object(target_tok, "in", "inside")
    if where is None:
        return None
    lexicon = load_lexicon()
    entries = (lexicon.by_key.get(t.ent_id_) for t in where.subtree if t.ent_id_)
    return next((e.actor for e in entries if e is not None and e.actor), None)


def _held_by(place: Location | None) -> str | None:
    """The de-facto actor a place stands for (Stepanakert: XNK), if the data names one."""
    entry = load_lexicon().by_key.get(f"place:{place.name}") if place else None
    return entry.actor if entry else None


def extract_events(article: Article, doc: Doc, sents: list[Sentence]) -> list[Event]:
    events: list[Event] = []
    mentions = Mentions()
    timexes = article_timexes(article)
    for sent, record in aligned(doc, sents):
        found = sentence_events(sent, record, article, mentions)
        found += threats(sent, record, article, mentions)
        found += demands(sent, record, article, mentions)
        for token, event in found:
            date_event(event, token.idx, token.idx + len(token.text), article, timexes)
        events += merge_linked(found)
    fill_implicit(events, article.title)
    seen: set[str] = set()
    unique = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            event.fused_id = event.event_id
            unique.append(event)
    return unique


def _noun_mode(head: Token) -> str | None:
    for c in head.children:
        lemma = c.lemma_.lower()
        if c.dep_ in ("compound", "amod") and lemma in (
            "missile",
            "artillery",
            "drone",
            "air",
            "rocket",
            "mortar",
            "ground",
        ):
            return {"rocket": "missile", "mortar": "artillery"}.get(lemma, lemma)
    return None


def main_clause(head: Token) -> bool:
    """The act the sentence is about: its main verb (or the clause a reporting verb
    reports), or a noun that is that verb's subject or object ("staged a rally");
    acts in relative, adverbial or prepositional clauses are background."""
    node = head
    if head.pos_ in ("NOUN", "PROPN") and head.dep_ in ("dobj", "nsubj", "nsubjpass", "attr"):
        node = head.head
    for _ in range(4):
        while node.dep_ == "conj" and node.head.i != node.i:
            node = node.head
        if node.dep_ == "ROOT":
            return True
        reporter = node.head
        if node.dep_ in ("ccomp", "xcomp", "parataxis") and reporter.dep_ in ("ROOT", "conj"):
            node = reporter
            continue
        return False
    return False


def _confidence(
    source: Actor | None, target: Actor | None, verbal: bool, status: str, main: bool
) -> float:
    """Known actors, a verb (not a noun) and a stated (not announced or denied) act raise
    it; so does being the act the sentence is about, which outweighs a known target."""
    score = 0.35 + 0.2 * (source is not None and source.country is not None)
    score += 0.1 * (target is not None and target.country is not None)
    score += 0.1 * verbal + 0.05 * (status not in ("threatened", "denied")) + 0.15 * main
    return round(min(score, 0.95), 2)
