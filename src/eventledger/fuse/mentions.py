"""Mentions that NER and extraction miss but entity resolution wants.

Bodies written in running text ("Armenian troops", "Russia's peacekeeping contingent",
"the Foreign Ministry in Baku", "its peacekeepers"): a body phrase from `data/bodies.tsv`
counts when a country (name, demonym, capital, with or without a possessive) stands
right before it or after it ("in Baku", "of Armenia"), or when the body alone or with a
place names an institution of the dictionary ("State Department"; "government in
Karabakh" is the "Karabakh government"). Without a country, "the", "its" or "their" make
it a back-reference, and a specific phrase of several words ("peacekeeping troops") may
stand bare; the country then comes from the article's other mentions of that body
(`entities.py`); a bare "the ministry" is the ministry last named.

People: a name the story already knows, written with a slip ("Toivo Kral" where another
article has "Toivo Klaar"; same first name, a close or garbled surname), a lone surname
of a full name the article names, and a sentence-initial "He"/"She" when the
sentences just before name exactly one person.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from eventledger.fuse.entities import Mention, bodies, close, garbled, person_parts
from eventledger.resolve.lexicon import load_lexicon

COUNTRY_KINDS = ("country", "demonym", "capital")
DEFINITE = ("the", "its", "their")
WORD_AT = re.compile(r"[\w’'.][\w’'.-]*")
PLACE_AFTER = re.compile(r"\s+(?:in|of)\s+(?:the\s+)?([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)")
POSSESSIVE = re.compile(r"[’']s?$")
CAPITALISED = re.compile(r"[A-Z][a-z]+")  # where a known first name may stand
NAME = re.compile(r"([A-Z][a-z]+)\s+([A-Z][a-z]+(?:[’'-][A-Z]?[a-z]+)?)\b")
PRONOUN = re.compile(r"(?:^|(?<=[.!?”\"]\s)|(?<=\n))(He|She)\b", re.M)
SENTENCE_END = re.compile(r"(?<!\b[A-Z])[.!?][”\"’)]*\s|\n")  # not after "V." in a name
LOOK_BACK = 400  # characters searched for the sentences before a pronoun


@cache
def phrases_by_word() -> dict[str, list[str]]:
    """Body phrases by their first word, longest first: finding each first word with
    `str.find` is many times faster than one regex alternation over all phrases."""
    out: dict[str, list[str]] = defaultdict(list)
    for phrase, _ in bodies():  # longest first
        out[phrase.split()[0]].append(phrase)
    return out


def body_spans(text: str) -> list[tuple[int, int]]:
    """Where body phrases stand in the text, as whole words, case aside, in order."""
    low = text.lower()
    if len(low) != len(text):  # a rare letter whose lower case is longer
        low = "".join(c if len(c.lower()) > 1 else c.lower() for c in text)
    hits = []
    for word, phrases in phrases_by_word().items():
        at = low.find(word)
        while at >= 0:
            if not low[at - 1 : at].isalnum():
                for phrase in phrases:
                    end = at + len(phrase)
                    if low.startswith(phrase, at) and not low[end : end + 1].isalnum():
                        hits.append((at, -end))
                        break
            at = low.find(word, at + 1)
    spans, after = [], 0
    for at, end in sorted(hits):
        if at >= after:
            spans.append((at, -end))
            after = -end
    return spans


@lru_cache(maxsize=1 << 16)
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


@lru_cache(maxsize=1 << 16)
def institution_of(place: str, phrase: str) -> str | None:
    """The country of the institution a place and a body name together: "Karabakh"
    and "government" make the dictionary's "Karabakh government" (XNK)."""
    place = re.sub(r"[’']s\b", "", place).strip().lower()
    entry = load_lexicon().by_phrase.get(f"{place} {phrase.lower()}".strip())
    return entry.country if entry is not None and entry.kind != "place" else None


def modifiers(words: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The word before a body, and a possessive before a lower-case adjective
    ("Karabakh's separatist army"), nearest first."""
    near = words[-1:]
    if len(words) > 1 and near[0][1].islower() and POSSESSIVE.search(words[-2][1]):
        return [near[0], words[-2]]
    return near


def words_before(text: str, at: int, most: int = 3) -> list[tuple[int, str]]:
    """The (start, word) pairs right before `at`, separated by spaces only."""
    words = [(w.start(), w.group()) for w in WORD_AT.finditer(text, max(0, at - 60), at)]
    out: list[tuple[int, str]] = []
    for start, word in reversed(words):
        gap = text[start + len(word) : out[-1][0] if out else at]
        if len(out) == most or not gap.isspace():
            break
        out.append((start, word))
    return out[::-1]


def body_mentions(article_id: str, text: str) -> list[Mention]:
    out = []
    at = text.find(" ministry")
    while at >= 0:  # "the ministry said": the ministry last named
        before, after = text[at - 4 : at], text[at + 9 : at + 10]
        if (
            before[-3:] in ("the", "The", "its", "Its")
            and not before[:1].isalnum()
            and not after.isalnum()
        ):
            out.append(Mention(article_id, text[at - 3 : at + 9], "actor", start=at - 3))
        at = text.find(" ministry", at + 9)
    for at, stop in body_spans(text):
        phrase = text[at:stop]
        words = words_before(text, at)
        near = words[-1] if words else None
        after = PLACE_AFTER.match(text, stop)
        start, end, country = at, stop, None
        if after:
            place = after.group(1)
            country = country_of(place) or institution_of(place, phrase)
            if country is not None:  # "the ethnic Armenian government in Karabakh"
                end = after.end()
                start = next((s for s, w in reversed(words) if w.lower() in DEFINITE), start)
        for pos, word in modifiers(words) if country is None else ():
            country = country_of(word) or institution_of(word, phrase)
            if country is not None:  # "Azerbaijani forces", "Karabakh's separatist army"
                start = pos
                break
        country = country or institution_of("", phrase)  # "the State Department": the US one
        if country is None:
            if near and near[1].lower() in DEFINITE:  # "its peacekeepers": a back-reference
                start = near[0]
            elif " " not in phrase:  # a bare "troops" says too little
                continue
        out.append(Mention(article_id, text[start:end], "actor", country, None, start))
    return out


@dataclass(slots=True)
class Person:
    start: int
    end: int
    name: str


def known_names(names: Iterable[str]) -> dict[str, set[str]]:
    """First name as written -> the surnames it comes with, over a story's full names."""
    out: dict[str, set[str]] = defaultdict(set)
    for name in names:
        first, surname = person_parts(name)
        if first and len(surname) > 2 and name[:1].isupper():
            out[name.split()[0]].add(surname)
    return out


def same_person_spelling(surname: str, known: str) -> bool:
    """A slip or transliteration of a surname the story knows, under the same first name."""
    return close(surname, known) or garbled(surname, known)


def person_mentions(
    article_id: str,
    text: str,
    people: list[Person],
    known: dict[str, set[str]],
    taken: Sequence[int],
) -> list[Mention]:
    """Names NER missed: story names misspelt (`known`: from `known_names`), lone
    surnames, and "He"/"She". `taken`: the article's entity spans, as start, end, …"""
    spans = zip(taken[::2], taken[1::2], strict=True)
    covered = {i for start, end in spans for i in range(start, end)}
    found, out = list(people), []
    for word in CAPITALISED.finditer(text) if known else ():
        at = word.start()
        if word.group() not in known or at in covered or text[at - 1 : at].isalnum():
            continue
        m = NAME.match(text, at)
        if m and any(same_person_spelling(m.group(2).lower(), s) for s in known[m.group(1)]):
            out.append(Mention(article_id, m.group(), "PERSON", start=at))
            found.append(Person(at, m.end(), m.group()))
            covered.update(range(at, m.end()))
    places = load_lexicon().by_phrase  # a place NER took for a name is no surname
    surnames = {p.name.split()[-1] for p in found if " " in p.name}
    for surname in sorted(s for s in surnames if s.lower() not in places):
        at = text.find(surname)
        while at >= 0:
            end = at + len(surname)
            whole = not text[at - 1 : at].isalnum() and not text[end : end + 1].isalnum()
            if whole and at not in covered:
                out.append(Mention(article_id, surname, "PERSON", start=at))
                found.append(Person(at, end, surname))
            at = text.find(surname, end)
    found.sort(key=lambda p: p.start)
    starts = [p.start for p in found]
    for m in PRONOUN.finditer(text) if found else ():
        back = max(0, m.start() - LOOK_BACK)
        ends = [e.end() for e in SENTENCE_END.finditer(text, back, m.start())]
        since = ends[-2] if len(ends) > 1 else back
        span = found[bisect_left(starts, since) : bisect_left(starts, m.start())]
        named = [p for p in span if p.end <= m.start()]
        if len({person_parts(p.name)[1] for p in named}) == 1:
            out.append(
                Mention(article_id, m.group(), "PERSON", start=m.start(), name=named[-1].name)
            )
    return out
