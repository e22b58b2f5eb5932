"""Attributed statements: "X said ...", "according to X", quotes, denials.

Two steps. `find_frames` reads the parse alone: each reporting cue (a verb of
`data/reporting.tsv`, "according to", a "NAME: ..." opening, a quote or embedded post
signed "― Name"), its source (the cue's subject) and its content (the cue's complement
plus any direct quote that starts or ends in the cue's sentence).
Quotes are tracked over the whole article, so a quote running over several sentences or
paragraphs ("... paragraph ends without a closing mark, the next opens with one") stays one
content, and a quote paragraph with no cue of its own continues the previous speaker's.
Unbalanced quote marks close at the paragraph end, never raising.

`extract_claims` then resolves each source with the actor resolution of events; a pronoun
or a short back-reference ("he said", "the ministry added") takes the nearest earlier
speaker of a compatible kind (a person, or a body whose name holds the noun).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from eventledger.extract.parse_helpers import according_to, child, reporting_match, subject
from eventledger.nlp.annotate import aligned
from eventledger.records import Actor, Article, Claim, Sentence
from eventledger.resolve.actors import (
    BODY_PRONOUNS,
    PERSON_PRONOUNS,
    Mentions,
    is_back_reference,
    phrase,
    resolve,
)

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
QUOTE_MARKS = OPENING + CLOSING + STRAIGHT
# children of a cue that hold what was said; a dobj only when it is not the addressee
CONTENT_DEPS = {"ccomp", "xcomp", "parataxis", "dobj", "oprd", "pcomp"}
# "accused X of", "called for", "warned against"
CONTENT_PREPS = {"of", "about", "for", "that", "on", "against", "over"}
# cues whose content is not a clause of the cue: a reporting verb inside a quote or in a
# clausal complement of another cue is part of that cue's content
NESTING_DEPS = {"ccomp", "xcomp", "parataxis"}
DOCUMENTS = {"statement", "report", "release", "post", "communique", "readout", "spokesman"}
PREDICATIVE = {"be", "exist", "happen", "occur"}
FUTURE = {"will", "would", "wo", "shall"}
NOBODY = {"none", "nobody", "nothing", "no-one"}  # "saying none were present there"


@dataclass
class Frame:
    """One attribution: cue, source and content, in token indices of the doc."""

    cue: Token
    verb: str
    stance: str
    source: Token | None
    content: set[int] = field(default_factory=set)
    direct: bool = False
    quotes: list[tuple[int, int]] = field(default_factory=list)

    def content_spans(self) -> list[tuple[int, int]]:
        """Content as maximal runs [start, end) of token indices, edge punctuation trimmed."""
        doc = self.cue.doc
        spans: list[tuple[int, int]] = []
        for i in sorted(self.content):
            if spans and spans[-1][1] == i:
                spans[-1] = (spans[-1][0], i + 1)
            else:
                spans.append((i, i + 1))
        out = []
        for start, end in spans:
            while start < end and _edge(doc[start]):
                start += 1
            while end > start and _edge(doc[end - 1]):
                end -= 1
            if end > start:
                out.append((start, end))
        return out

    def content_text(self) -> str:
        doc = self.cue.doc
        return " … ".join(doc[s:e].text for s, e in self.content_spans())


def _edge(token: Token) -> bool:
    return token.is_space or (token.is_punct and token.text not in QUOTE_MARKS)


@cache
def stance_words() -> dict[str, str]:
    """Words of reported content that set a plain "said" claim's stance."""
    path = resources.files("eventledger.data").joinpath("models/stance_words.tsv")
    rows = [ln.split("\t") for ln in path.read_text("utf-8").splitlines()]
    return {r[0].strip().lower(): r[1].strip() for r in rows if len(r) > 1 and r[0][:1] != "#"}


def quote_regions(doc: Doc) -> list[tuple[int, int]]:
    """Direct quotes as token ranges [start, end), marks included.

    A quote left open at a paragraph's end continues when the next paragraph opens with a
    quote mark (the news convention for multi-paragraph quotes); otherwise it closes there.
    """
    regions: list[tuple[int, int]] = []
    start: int | None = None
    for token in doc:
        if token.is_space:
            if start is not None and "\n" in token.text and not _reopens(doc, token.i + 1):
                regions.append((start, token.i))
                start = None
            continue
        mark = token.text
        if start is None and (mark in OPENING or mark == STRAIGHT):
            start = token.i
        elif start is not None and (mark in CLOSING or mark == STRAIGHT):
            regions.append((start, token.i + 1))
            start = None
    if start is not None:
        regions.append((start, len(doc)))
    return [r for r in regions if r[1] - r[0] > 1]


def _reopens(doc: Doc, i: int) -> bool:
    while i < len(doc) and doc[i].is_space:
        i += 1
    return i < len(doc) and (doc[i].text in OPENING or doc[i].text == STRAIGHT)


CueRule = Callable[[Token], "tuple[str, str] | None"]


def reporting_cue(token: Token) -> tuple[str, str] | None:
    """(verb phrase, stance) when the token is a reporting verb heading a clause, or a
    reporting noun with its owner and a that-clause ("Azerbaijan's assertion that units of
    its military were in Nagorno-Karabakh": a claim by Azerbaijan, even inside Armenia's
    denial of it)."""
    if token.pos_ == "NOUN":
        return reporting_match(token) if _owned_statement(token) else None
    if token.pos_ != "VERB" or token.dep_ in ("amod", "compound", "nmod"):
        return None
    match = reporting_match(token)
    if match is not None and match[0] == "call" and child(token, "oprd", "ccomp", "xcomp") is None:
        return None  # "called the meeting" is no statement; "called it a crime" is
    return match


def _owned_statement(noun: Token) -> bool:
    """ "X's claim that ...": an owner and a clause opened by "that"."""
    clause = next((c for c in noun.children if c.dep_ in ("acl", "ccomp", "appos")), None)
    return (
        child(noun, "poss") is not None
        and clause is not None
        and any(c.dep_ == "mark" and c.lower_ == "that" for c in clause.children)
    )


def _subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def _content(cue: Token, verb: str) -> set[int]:
    """The cue's complement; for a parenthetical or inverted "..., X said" the clause the
    cue hangs on."""
    out: set[int] = set()
    clausal = any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in cue.children)
    for c in cue.children:
        if c.dep_ == "dobj" and (verb.startswith("tell") or clausal and _addressee(c)):
            continue  # "told reporters that ...", "urged Russia to ..."
        if c.dep_ in CONTENT_DEPS and c.i > cue.i or c.dep_ in ("ccomp", "parataxis"):
            out |= _subtree(c)
        elif c.dep_ == "prep" and c.lower_ in CONTENT_PREPS and c.i > cue.i:
            if c.lower_ == "on" and not verb.startswith("call on"):
                continue  # "said on Tuesday", "said on its website"
            out |= _subtree(c)
    if out or cue.pos_ in ("NOUN", "PROPN"):
        return out | {i for c in cue.children if c.dep_ in ("acl", "appos") for i in _subtree(c)}
    head = cue.head
    if cue.dep_ == "parataxis" or cue.dep_ in ("ccomp", "advcl") and cue.i > head.i:
        return _subtree(head) - _subtree(cue)
    if cue.dep_ == "relcl":  # "a claim Moscow denied"
        return {i for i in _subtree(head) - _subtree(cue) if i < cue.i}
    return out


def _addressee(token: Token) -> bool:
    return token.ent_type_ in ("PERSON", "GPE", "NORP", "ORG") or token.pos_ in ("PRON", "PROPN")


def _source(cue: Token) -> Token | None:
    """Who speaks: the cue's subject, or the agent of a passive cue ("was called X by Y");
    for a noun cue its owner ("Korea's claims", "a statement by X") or the subject of the
    verb it is the object of ("Sanders made the following comment")."""
    if cue.pos_ in ("NOUN", "PROPN"):
        by = next(
            (c for c in cue.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None
        )
        found = child(cue, "poss") or (child(by, "pobj") if by is not None else None)
        if found is None and cue.dep_ == "dobj":
            found = subject(cue.head)
        return found
    found = subject(cue)
    if found is None:
        agent = child(cue, "agent")
        found = child(agent, "pobj") if agent is not None else None
    return found


def _according_frame(sent: Span) -> Frame | None:
    source = according_to(sent)
    if source is None:
        return None
    cue = source.head.head  # "according" -> "to" -> X
    if source.lemma_.lower() in DOCUMENTS:  # "according to a statement by the ministry"
        by = next(
            (g for c in source.children if c.lower_ in ("by", "from") for g in c.children),
            None,
        )
        source = by or child(source, "poss") or source
    pp = _subtree(cue)
    content = {t.i for t in sent if t.i not in pp and not t.is_punct}
    return Frame(cue, "according to", "assert", source, content)


def _colon_frame(sent: Span) -> Frame | None:
    """A speaker's name and a colon opening the sentence: "WALLACE: But, Governor ...",
    "Aliyev: “We will restore order.”"."""
    colon = next((t for t in sent[:6] if t.text == ":"), None)
    if colon is None:
        return None
    before = [t for t in sent if t.i < colon.i and not t.is_space and not t.is_punct]
    names = [t for t in before if t.pos_ == "PROPN" or t.ent_type_ or t.is_upper]
    if not names or any(t.pos_ in ("VERB", "AUX", "NUM") for t in before):
        return None
    content = {t.i for t in sent if t.i > colon.i and not t.is_space}
    doc = sent.doc
    if not content and sent.end < len(doc) and not doc[sent.end - 1].is_space:
        content = {t.i for t in doc[sent.end].sent}  # "WALLACE:" | "But, Governor ..."
    return Frame(colon, "say", "assert", names[-1], content) if content else None


SIGNATURE_DASHES = "―—–"


def _signatures(doc: Doc) -> list[Frame]:
    """A quote or an embedded post signed with a dash: "“...” ― Sonya Herridge",
    "Putin speaks to Erdogan. — Dmitri Trenin (@DmitriTrenin) October 14, 2020"."""
    frames = []
    for dash in doc:
        if dash.text not in SIGNATURE_DASHES:
            continue
        name = _next_word(doc, dash.i + 1)
        if name is None or name.pos_ != "PROPN":
            continue
        end = name.i
        while end + 1 < len(doc) and doc[end + 1].pos_ == "PROPN":
            end += 1
        prev = _previous_word(doc, dash.i - 1)
        handle = any(t.text.startswith("@") for t in doc[end + 1 : end + 4])
        if prev is None or not (prev.text in CLOSING + STRAIGHT or handle):
            continue
        start = prev.i
        while start > 0 and not (doc[start - 1].is_space and "\n" in doc[start - 1].text):
            start -= 1
            if doc[start].text in OPENING and prev.text in CLOSING + STRAIGHT:
                break
        content = set(range(start, prev.i + 1))
        quotes = [(start, prev.i + 1)]
        frames.append(Frame(dash, "post", "assert", doc[end], content, True, quotes))
    return frames


def _next_word(doc: Doc, i: int) -> Token | None:
    while i < len(doc) and doc[i].is_space:
        i += 1
    return doc[i] if i < len(doc) else None


def _previous_word(doc: Doc, i: int) -> Token | None:
    while i >= 0 and doc[i].is_space:
        i -= 1
    return doc[i] if i >= 0 else None


def _nested(frame: Frame, outer: Frame) -> bool:
    """The frame is part of what `outer` reports (a cue inside its quote, or in a
    clausal complement: "the military said that it warned Russia")."""
    if frame.cue.i not in outer.content:
        return False
    if outer.direct and any(frame.cue.i in range(s, e) for s, e in outer.quotes):
        return True
    node = frame.cue
    while node.i != outer.cue.i and node.dep_ in NESTING_DEPS | {"conj"}:
        node = node.head
    return node.i == outer.cue.i and frame.cue.dep_ in NESTING_DEPS


def find_frames(doc: Doc, cue_rule: CueRule = reporting_cue) -> list[Frame]:
    """Every attribution of the doc, quotes attached, nested ones dropped, in text order.

    `cue_rule` says which tokens are cues (the PolNeAR suite passes learned ones).
    """
    frames: list[Frame] = []
    for sent in doc.sents:
        for token in sent:
            match = cue_rule(token)
            if match is not None:
                content = _content(token, match[0])
                frames.append(Frame(token, match[0], match[1], _source(token), content))
        frame = _according_frame(sent) or _colon_frame(sent)
        if frame is not None:
            frames.append(frame)
    _attach_quotes(doc, frames)
    for frame in frames:
        if frame.source is not None and frame.source.i in frame.content:
            frame.source = _inverted_source(frame)
    frames += _signatures(doc)
    kept: list[Frame] = []
    for frame in sorted(frames, key=lambda f: -len(f.content)):
        if not any(_nested(frame, outer) for outer in kept):
            kept.append(frame)
    for frame in kept:  # "cited X and claimed that Y": Y is not part of what was cited
        for other in kept:
            if other is not frame and other.cue.i in frame.content:
                rest = frame.content - _subtree(other.cue) - other.content
                frame.content = rest or frame.content
    return sorted(kept, key=lambda f: f.cue.i)


def _inverted_source(frame: Frame) -> Token | None:
    """A subject found inside what was said is a misparse of "“...,” said James Acton, a
    physicist": the speaker is the name after the cue, outside the content."""
    return next(
        (
            c
            for c in frame.cue.rights
            if c.i not in frame.content
            and c.pos_ in ("PROPN", "NOUN", "PRON")
            and c.dep_ in ("nsubj", "dobj", "attr", "npadvmod", "appos", "dative")
        ),
        None,
    )


def _attach_quotes(doc: Doc, frames: list[Frame]) -> None:
    """Give each quote to the cue of the sentence it starts or ends in (the nearest cue
    when there are several), else to the previous cue when the quote opens a paragraph or
    follows "X said:" in the sentence before."""
    by_sent: dict[int, list[Frame]] = {}
    for frame in frames:
        by_sent.setdefault(frame.cue.sent.start, []).append(frame)
    for start, end in quote_regions(doc):
        first, last = doc[start].sent, doc[end - 1].sent
        candidates = [
            f
            for f in by_sent.get(first.start, []) + by_sent.get(last.start, [])
            if not start <= f.cue.i < end
        ]
        if not candidates:
            earlier = [f for f in frames if f.cue.i < start]
            if not earlier or not _continues(doc, earlier[-1], start):
                continue
            candidates = [earlier[-1]]
        owner = min(candidates, key=lambda f: _distance(f.cue.i, start, end))
        owner.content |= set(range(start, end))
        owner.direct = True
        owner.quotes.append((start, end))


def _distance(cue: int, start: int, end: int) -> tuple[int, int]:
    """An introducing cue ("X said: “...") before one that follows ("“...,” X added")."""
    if cue < start:
        return (0, start - cue)
    return (1, cue - end)


def _continues(doc: Doc, frame: Frame, start: int) -> bool:
    """A quote with no cue of its own continues the previous cue's statement when it
    follows that cue's sentence closely (the next sentence or paragraph)."""
    between = doc[frame.cue.sent.end : start]
    sentences = sum(1 for t in between if t.is_sent_start and not t.is_space)
    paragraph_start = start == 0 or doc[start - 1].is_space or doc[start].is_sent_start
    return sentences <= 1 and paragraph_start


def claim_id(article_id: str, sentence: int, token: int) -> str:
    """Stable id; the claims of one sentence sort in reading order (exports and the
    timeline order claims by sentence offset, then id)."""
    key = f"{article_id}:{sentence}"
    return "cl_" + hashlib.sha256(key.encode()).hexdigest()[:8] + f"{token:06d}"


def content_stance(frame: Frame) -> str:
    """A plain "said" takes its stance from what was said: an appeal ("must", "should",
    "called for") urges, a negated occurrence ("are not being targeted", "did not exist")
    denies, charged words ("aggression", "sabotage") accuse, an evaluation ("tragic") is
    other; anything else asserts."""
    doc = frame.cue.doc
    tokens = [doc[i] for i in sorted(frame.content)]
    if not tokens:
        return "assert"
    words = stance_words()
    for token in tokens:
        if token.lower_ == "must" and token.dep_ == "aux":
            return "urge"
    lemmas = [t.lemma_.lower() for t in tokens]
    pairs = {f"{a} {b}" for a, b in zip(lemmas, lemmas[1:], strict=False)}
    found = [words[w] for w in (*lemmas, *pairs, *(t.lower_ for t in tokens)) if w in words]
    if "urge" in found:
        return "urge"
    root = next((t for t in tokens if t.head.i not in frame.content or t.head.i == t.i), None)
    if root is not None and _denial(root):
        return "deny"
    if "accuse" in found:
        return "accuse"
    if "other" in found:
        return "other"
    return "assert"


def _denial(root: Token) -> bool:
    """A negated, non-future statement that something happened, was done or exists."""
    verb = root if root.pos_ in ("VERB", "AUX") else root.head
    negated = any(
        c.dep_ == "neg" or c.dep_ == "nsubj" and c.lower_ in NOBODY for c in verb.children
    )
    future = any(c.lower_ in FUTURE for c in verb.children if c.dep_ == "aux")
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    return negated and not future and (passive or verb.lemma_.lower() in PREDICATIVE)


@dataclass
class Speakers:
    """Speakers named so far, so "he said" and "the ministry added" find theirs."""

    mentions: Mentions = field(default_factory=Mentions)
    people: list[Actor] = field(default_factory=list)
    bodies: list[Actor] = field(default_factory=list)
    by_cue: dict[int, Actor] = field(default_factory=dict)

    def resolve(self, frame: Frame) -> Actor | None:
        token = frame.source
        if token is None:
            return self._governing(frame) or self.latest()
        word = token.lower_
        if word in PERSON_PRONOUNS:
            named = self._person_before(token)
            if named is not None or self.people:
                return named or self.people[-1]
        if word in BODY_PRONOUNS and self.bodies:
            return self.bodies[-1]
        actor = resolve(token, self.mentions)
        if actor is not None and actor.country is None:
            actor = self._named_inside(token) or actor
        if (actor is None or actor.country is None) and _points_back(token):
            found = self._same_body(token) or self._governing(frame)
            actor = found or (None if actor is not None else self.latest())
        return actor

    def _person_before(self, token: Token) -> Actor | None:
        """ "Bayramov defended the strike on what he called ...": a person named earlier in
        the pronoun's own sentence comes before earlier speakers."""
        people = [e for e in token.sent.ents if e.label_ == "PERSON" and e.end <= token.i]
        if not people:
            return None
        found = resolve(people[-1].root, self.mentions)
        return found if found is not None and found.country is not None else None

    def latest(self) -> Actor | None:
        return (self.people + self.bodies)[-1] if self.people or self.bodies else None

    def _same_body(self, token: Token) -> Actor | None:
        """ "The ministry", "the Defense Ministry": the latest body whose name holds it."""
        words = [t.lower_ for t in phrase(token) if t.lower_ != "the"]
        return next(
            (b for b in reversed(self.bodies) if all(w in b.name.lower() for w in words)), None
        )

    def _governing(self, frame: Frame) -> Actor | None:
        """ "Armenia denied ..., with the Foreign Ministry saying": the speaker of the cue
        this cue depends on, in the same sentence."""
        for ancestor in frame.cue.ancestors:
            if ancestor.i in self.by_cue:
                return self.by_cue[ancestor.i]
        return None

    def _named_inside(self, token: Token) -> Actor | None:
        """A state named deeper in the phrase ("the ministry of defence of Armenia")."""
        for t in token.subtree:
            if t.i != token.i and t.ent_id_ and t.dep_ == "pobj":
                found = resolve(t, Mentions())
                if found is not None and found.country is not None:
                    return Actor(phrase(token).text, found.country, found.sector)
        return None

    def remember(self, actor: Actor, frame: Frame) -> None:
        self.by_cue[frame.cue.i] = actor
        token = frame.source
        if token is None or actor.country is None:
            return
        person = token.ent_type_ == "PERSON" or token.lower_ in PERSON_PRONOUNS
        (self.people if person else self.bodies).append(actor)


def _fold_elaborations(frames: list[Frame]) -> list[Frame]:
    """ "Armenia rejected the assertion ..., saying none were present there": a denial
    given as the reason of a denial by the same speaker is one claim, so its content joins
    the governing one ("accused X of ..., saying at least two died" stays two claims)."""
    by_cue = {f.cue.i: f for f in frames}
    kept = []
    for frame in frames:
        outer = by_cue.get(frame.cue.head.i) if frame.cue.tag_ == "VBG" else None
        if (
            outer is not None
            and frame.cue.dep_ == "advcl"
            and outer.source == frame.source
            and outer.stance == "deny"
            and content_stance(frame) == "deny"
        ):
            outer.content |= frame.content
        else:
            kept.append(frame)
    return kept


def extract_claims(article: Article, doc: Doc, sents: list[Sentence]) -> list[Claim]:
    frames = _fold_elaborations(find_frames(doc))
    records = {sent.start: record for sent, record in aligned(doc, sents)}
    speakers = Speakers()
    claims: list[Claim] = []
    for frame in frames:
        record = records.get(frame.cue.sent.start)
        speaker = speakers.resolve(frame)
        if record is None or speaker is None:
            continue
        speakers.remember(speaker, frame)
        stance = content_stance(frame) if frame.stance == "assert" else frame.stance
        claims.append(
            Claim(
                claim_id=claim_id(article.article_id, record.index, frame.cue.i),
                article_id=article.article_id,
                speaker=speaker,
                speaker_text=phrase(frame.source).text
                if frame.source is not None
                else speaker.name,
                verb=frame.verb,
                stance=stance,
                content=frame.content_text(),
                direct=frame.direct,
                sentence=record.text,
                start=record.start,
                end=record.end,
            )
        )
    return claims


def _points_back(token: Token) -> bool:
    """A pronoun, "the ministry" or "the Defense Ministry": a mention that needs an
    antecedent."""
    if token.pos_ == "PRON" or is_back_reference(token):
        return True
    return token.ent_type_ != "PERSON" and phrase(token)[0].lower_ == "the"
