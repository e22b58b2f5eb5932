"""Attributed statements: "X said ...", "according to X", quotes, denials.

Speakers are resolved with the same actor resolution as events; a pronoun or a bare
"the ministry" takes the nearest earlier speaker of the article.
"""

from __future__ import annotations

import hashlib

from spacy.tokens import Doc, Span, Token

from eventledger.extract.parse_helpers import QUOTES, according_to, reporting_match, subject
from eventledger.nlp.annotate import aligned
from eventledger.records import Actor, Article, Claim, Sentence
from eventledger.resolve.actors import Mentions, is_back_reference, phrase, resolve

CONTENT_DEPS = ("ccomp", "xcomp", "dobj", "parataxis")


def claim_id(article_id: str, sentence: int, token: int) -> str:
    key = f"{article_id}:{sentence}:{token}"
    return "cl_" + hashlib.sha256(key.encode()).hexdigest()[:12]


def content_of(verb: Token, sent: Span) -> str:
    """The reported statement: the verb's complement, else the quoted text of the sentence."""
    comp = next((c for c in verb.children if c.dep_ in CONTENT_DEPS), None)
    if comp is not None:
        tokens = list(comp.subtree)
        return sent.doc[tokens[0].i : tokens[-1].i + 1].text.strip(" ,")
    quoted = [t for t in sent if t.text in QUOTES]
    if len(quoted) >= 2:
        return sent.doc[quoted[0].i + 1 : quoted[-1].i].text.strip(" ,")
    return ""


URGING = {"urge", "call", "demand", "appeal", "ask"}


def content_stance(verb: Token) -> str:
    """A plain "said" takes its stance from what was said: "X must stop", "there is a
    need for a ceasefire" and a reported appeal urge; anything else asserts."""
    comp = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp")), None)
    if comp is None:
        return "assert"
    lemmas = {t.lemma_.lower() for t in comp.subtree}
    if (
        any(c.lower_ == "must" for c in comp.children)
        or comp.lemma_.lower() in URGING
        or ("need" in lemmas and "for" in lemmas)
    ):
        return "urge"
    return "assert"


def extract_claims(article: Article, doc: Doc, sents: list[Sentence]) -> list[Claim]:
    claims: list[Claim] = []
    last: Actor | None = None
    mentions = Mentions()
    for sent, record in aligned(doc, sents):
        frames: list[tuple[Token, Token | None, str, str]] = []
        for token in sent:
            match = reporting_match(token)
            if match and token.pos_ == "VERB":
                frames.append((token, subject(token), match[0], match[1]))
        source = according_to(sent)
        if source is not None:
            frames.append((source.head.head, source, "according to", "assert"))
        for verb, speaker_tok, lemma, stance in frames:
            speaker = resolve(speaker_tok, mentions) if speaker_tok is not None else None
            pointing_back = (
                speaker_tok is None
                or speaker_tok.pos_ == "PRON"
                or (is_back_reference(speaker_tok))
            )
            if speaker is None or (speaker.country is None and pointing_back):
                speaker = last
            if speaker is None:
                continue
            last = speaker
            content = content_of(verb, sent) if lemma != "according to" else sent.text
            if stance == "assert":
                stance = content_stance(verb)
            quoted = any(ch in content for ch in QUOTES) or any(ch in sent.text for ch in QUOTES)
            claims.append(
                Claim(
                    claim_id=claim_id(article.article_id, record.index, verb.i),
                    article_id=article.article_id,
                    speaker=speaker,
                    speaker_text=phrase(speaker_tok).text
                    if speaker_tok is not None
                    else speaker.name,
                    verb=lemma,
                    stance=stance,
                    content=content,
                    direct=quoted,
                    sentence=record.text,
                    start=record.start,
                    end=record.end,
                )
            )
    return claims
