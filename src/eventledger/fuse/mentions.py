"""Mentions of bodies written in running text: "Armenian troops", "Russia's peacekeeping
contingent", "the Foreign Ministry in Baku", "its peacekeepers". NER names few of them
and extraction only those acting in an event, but entity resolution wants them all.

A body phrase from `data/bodies.tsv` counts as a mention when a country (name, demonym,
capital, with or without a possessive) stands right before it or after it ("in Baku",
"of Armenia"), or when "the", "its" or "their" makes it a back-reference; the country
then comes from the nearest earlier mention of the same body (`entities.py`); a bare
"the ministry" is the ministry last named.
"""

from __future__ import annotations

import re
from functools import cache

from eventledger.fuse.entities import Mention, bodies
from eventledger.resolve.lexicon import load_lexicon

COUNTRY_KINDS = ("country", "demonym", "capital")
DEFINITE = ("the", "its", "their")


@cache
def body_pattern() -> re.Pattern:
    phrases = sorted({p for p, _ in bodies()}, key=len, reverse=True)
    words = r"[\w’'.-]+"
    return re.compile(
        rf"(?P<before>(?:{words}\s+){{0,2}})"
        rf"(?P<body>\b(?i:{'|'.join(re.escape(p) for p in phrases)})\b)"
        rf"(?P<after>\s+(?:in|of)\s+(?:the\s+)?[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)?"
    )


def country_of(words: str) -> str | None:
    """The country a modifier names: "Azerbaijan's", "Russian", "in Baku"."""
    lexicon = load_lexicon()
    text = re.sub(r"[’']s\b", "", words).strip()
    tokens = text.split()
    for n in range(len(tokens), 0, -1):  # the longest run of trailing words first
        for i in range(len(tokens) - n + 1):
            entry = lexicon.by_phrase.get(" ".join(tokens[i : i + n]).lower())
            if entry is not None and entry.kind in COUNTRY_KINDS:
                return entry.country
    return None


MINISTRY = re.compile(r"\b(?:[Tt]he|[Ii]ts) ministry\b")


def body_mentions(article_id: str, text: str) -> list[Mention]:
    out = [
        Mention(article_id, m.group(), "actor", start=m.start()) for m in MINISTRY.finditer(text)
    ]
    for m in body_pattern().finditer(text):
        before = m.group("before").split()
        after = m.group("after") or ""
        near = before[-1:] if before else []
        country = country_of(after.split(None, 1)[1]) if after else None
        start = m.start("body")
        if country is None and near:
            country = country_of(near[0])
            if country is not None:
                start = m.start("before") + m.group("before").rfind(near[0])
        if country is None and not (near and near[0].lower() in DEFINITE):
            continue
        end = m.end("after") if after and country_of(after.split(None, 1)[1]) else m.end("body")
        if country is None:  # "its peacekeepers": a back-reference
            start = m.start("before") + m.group("before").rfind(near[0])
        out.append(Mention(article_id, text[start:end], "actor", country, None, start))
    return out
