"""Small questions asked of the dependency parse by both extractors."""

from __future__ import annotations

from spacy.tokens import Token

from eventledger.extract.lexicon import reporting_verbs

SUBJECTS = ("nsubj", "nsubjpass", "csubj")
QUOTES = '"“”„«»'


def child(token: Token, *deps: str) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def prep_object(token: Token, *preps: str) -> Token | None:
    for c in token.children:
        if c.dep_ in ("prep", "agent") and c.lower_ in preps:
            obj = child(c, "pobj")
            if obj is not None:
                return obj
    return None


def follows(token: Token, words: tuple[str, ...]) -> bool:
    """The words after `token` are `words` (lemma or lower form)."""
    doc = token.doc
    if token.i + len(words) >= len(doc):
        return False
    for offset, word in enumerate(words, 1):
        i = token.i + offset
        if i >= len(doc) or word not in (doc[i].lemma_.lower(), doc[i].lower_):
            return False
    return True


def reporting_match(token: Token) -> tuple[str, str] | None:
    """(verb phrase, stance) when `token` is a reporting verb."""
    if token.pos_ not in ("VERB", "NOUN"):
        return None
    lemma = token.lemma_.lower()
    for rest, stance in reporting_verbs().get(lemma, []):
        if follows(token, rest):
            return " ".join((lemma, *rest)), stance
    return None


DASHES = ("—", "–", "-", "--")


def dateline(token: Token) -> bool:
    """The "SANAA —" or "KHERSON, Ukraine —" opening a wire story, which parsers often
    take for the subject."""
    doc = token.doc
    if not (token.is_upper and len(token.text) > 1) or token.i > token.sent.start + 1:
        return False  # a dateline opens the story: "The US, Russia ..." is no dateline
    following = doc[token.i + 1 : token.i + 9]  # "SANAA, Yemen (AP) —"
    return any(t.text in DASHES for t in following) or any(c.text in DASHES for c in token.children)


def subject(verb: Token) -> Token | None:
    """The subject of a verb, climbing through xcomp/conj chains and relative pronouns;
    above an xcomp a passive subject counts ("Obama is scheduled to attend": Obama)."""
    node = verb
    deps: tuple[str, ...] = ("nsubj", "csubj")
    for _ in range(4):
        subj = next((c for c in node.children if c.dep_ in deps and not dateline(c)), None)
        if subj is not None:
            if subj.tag_ in ("WDT", "WP") and node.dep_ == "relcl":
                return node.head
            return subj
        if node.dep_ in ("xcomp", "conj", "advcl") and node.head.i != node.i:
            deps = ("nsubj", "csubj", "nsubjpass") if node.dep_ == "xcomp" else deps
            node = node.head
        else:
            return None
    return None


def reporting_frame(token: Token) -> tuple[Token, Token | None, str] | None:
    """The reporting verb whose complement holds `token`: (verb, speaker, stance)."""
    node = token
    while node.head.i != node.i:
        parent = node.head
        match = reporting_match(parent)
        complement = node.dep_ in ("ccomp", "xcomp", "dobj", "conj", "parataxis", "advcl")
        # "accused X of hitting ...", "denied any role in ...": the act is the claim
        if match and (complement or node.dep_ == "prep" and match[1] in ("accuse", "deny")):
            return parent, subject(parent), match[1]
        node = parent
    return None


def according_to(sent) -> Token | None:
    """The X of "according to X" in a sentence, if any."""
    for token in sent:
        if token.lower_ == "according":
            to = child(token, "prep")
            if to is not None and to.lower_ == "to":
                return child(to, "pobj")
    return None


def negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.lower_ in ("never", "no") and c.dep_ in ("neg", "advmod", "det") for c in token.children
    )


def modal(token: Token) -> str | None:
    aux = next((c.lower_ for c in token.children if c.dep_ == "aux" and c.tag_ == "MD"), None)
    return aux
