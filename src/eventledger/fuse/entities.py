"""Canonical entities: the people and organisations of the corpus, each with the
spellings it appeared under.

Organisations join on country and kind of body (`data/bodies.tsv`), so "Azerbaijan's
defense ministry" and "the Defense Ministry in Baku" are one entity; a bare "the Defense
Ministry" takes the country of the nearest earlier mention of that body in its article,
else of the article's only one ("peacekeeping troops" where only Russia's are named).
People join on surname within blocks of shared leading letters (or of first name and
surname initial): spellings and transliterations ("Pashinyan" / "Pashnyan", "Harutyunyan"
/ "Arutyunyan") merge when their affiliations do not disagree and their first names,
where both are given, agree; under the same first name and initial, a surname with
nearly the same letters in another order will do ("Toivo Kral" / "Toivo Klaar");
"Ilham Aliyev" and "Heydar Aliyev" stay apart. A lone surname joins the full name it
matches in the same article (none if two do), else the only one in the corpus. Blocking
(each block's surnames compared with one rapidfuzz call) and a memo of decided full names
keep the work near-linear in the number of mentions.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import Indel, JaroWinkler

from eventledger.extract.lexicon import tsv_rows
from eventledger.records import CanonicalEntity
from eventledger.resolve.lexicon import load_lexicon

SURNAME_SIMILARITY = 0.9
SAME_LETTERS = 0.8  # under one first name: "Toivo Kral" / "Toivo Klaar" (0.89)
WORD = re.compile(r"[a-z0-9']+")
LEADING = re.compile(r"^(the|a|an|mr|mrs|ms|dr)\.?\s+", re.I)
PERSON_LABELS = {"PERSON", "PERSON?"}  # PERSON?: may only join a known person (NER doubt)


class EntityRow(NamedTuple):
    """A stored entity as the corpus stage reads it: a tuple, a third of a dict's size,
    since a store holds about a hundred per article."""

    rowid: int
    article_id: str
    start: int
    text: str
    label: str
    country: str | None = None
    sector: str | None = None


@dataclass(slots=True)  # millions of them at 100k articles
class Mention:
    article_id: str
    text: str
    label: str  # PERSON | ORG | GPE | actor
    country: str | None = None
    sector: str | None = None
    start: int = 0  # offset in the article, for the nearest-antecedent rule
    row: int | None = None  # the entity row's id, when it came from there
    name: str = ""  # what it refers to, when the text is a back-reference ("he", "the ministry")

    def __post_init__(self) -> None:
        self.name = self.name or self.text


@cache
def bodies() -> list[tuple[str, str]]:
    """(phrase, body) pairs, longest phrase first."""
    pairs = []
    for body, phrases in tsv_rows("bodies.tsv"):
        pairs += [(p.strip(), body) for p in phrases.split("|") if p.strip()]
    return sorted(pairs, key=lambda p: -len(p[0]))


@lru_cache(maxsize=1 << 16)  # actor phrases repeat across a corpus
def body_of(text: str) -> str | None:
    """The body a mention names, when the body is its head: "Azerbaijan's defense
    ministry", "the Defense Ministry in Baku", not "military installations"."""
    words = " " + " ".join(WORD.findall(text.lower().replace("’", "'"))) + " "
    for phrase, body in bodies():
        at = words.find(f" {phrase} ")
        if at >= 0:
            rest = words[at + len(phrase) + 2 :].split()
            return body if not rest or rest[0] in ("in", "of") else None
    return None


@lru_cache(maxsize=1 << 16)
def clean_name(text: str) -> str:
    text = LEADING.sub("", text.strip().replace("’", "'"))
    return re.sub(r"'s$", "", text)


@lru_cache(maxsize=1 << 16)
def person_parts(name: str) -> tuple[str | None, str]:
    words = [w for w in re.split(r"[\s.]+", name) if w]
    surname = re.sub(r"^(al|el)-", "", words[-1].lower()) if words else ""
    first = words[0].lower() if len(words) > 1 else None
    return first, surname


def _id(key: str) -> str:
    return "E" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def organisation_keys(mentions: list[Mention]) -> dict[int, str]:
    """Key per organisation mention: country + body, else its dictionary entry, else (for
    names NER calls organisations) country + sector + name. Other actor phrases
    ("residents", "Azerbaijan") are not entities."""
    keys: dict[int, str] = {}
    lexicon = load_lexicon()
    last_country: dict[tuple[str, str], str] = {}  # (article, body) -> latest country
    named: dict[tuple[str, str], set[str]] = defaultdict(set)  # (article, body) -> countries
    for m in mentions:
        if m.country and m.label not in PERSON_LABELS and (body := body_of(m.name)):
            named[(m.article_id, body)].add(m.country)
    last_ministry: dict[str, str] = {}
    not_people = [(i, m) for i, m in enumerate(mentions) if m.label not in PERSON_LABELS]
    for i, m in sorted(not_people, key=lambda im: (im[1].article_id, im[1].start)):
        body = body_of(m.name)
        if m.label == "GPE" and body is None:
            continue
        if body and m.country:
            last_country[(m.article_id, body)] = m.country
            keys[i] = f"ORG|{m.country}|{body}"
        elif body and (m.article_id, body) in last_country:  # "the Defense Ministry"
            keys[i] = f"ORG|{last_country[(m.article_id, body)]}|{body}"
        elif body and len(named[(m.article_id, body)]) == 1:  # the article's only one
            keys[i] = f"ORG|{next(iter(named[(m.article_id, body)]))}|{body}"
        elif body:
            continue  # "Foreign Ministry" of no known country: which one is unknown
        elif clean_name(m.name).lower() == "ministry" and m.article_id in last_ministry:
            keys[i] = last_ministry[m.article_id]  # "the ministry said"
        elif m.label != "GPE":
            entry = lexicon.by_phrase.get(clean_name(m.name).lower())
            if entry is not None and entry.kind not in ("country", "demonym", "capital"):
                keys[i] = f"LEX|{entry.key}"  # "EU" and "European Union": one entry
            elif m.label == "ORG":  # a named body the dictionary does not know
                keys[i] = f"ORG|{m.country}|{m.sector}|{clean_name(m.name).lower()}"
        if "Ministry" in keys.get(i, "") and m.article_id:
            last_ministry[m.article_id] = keys[i]
    return keys


def blocks(first: str | None, surname: str) -> list[str]:
    """Blocking keys, so a dropped first letter still meets ("Harutyunyan", "Arutyunyan"
    share "ar") and so does a garbled surname under its first name ("Toivo Kral",
    "Toivo Klaar" share "toivo k")."""
    keys = [surname[:2], surname[1:3]]
    return keys + [f"{first} {surname[0]}"] if first else keys


@dataclass(slots=True)
class Block:
    """The canonical names filed under one blocking key: their distinct surnames (for
    rapidfuzz to compare in one call) and, per surname, their indices in filing order."""

    surnames: list[str] = field(default_factory=list)
    holders: dict[str, list[int]] = field(default_factory=dict)
    position: dict[int, int] = field(default_factory=dict)  # index -> filing order

    def add(self, surname: str, index: int) -> None:
        if surname not in self.holders:
            self.surnames.append(surname)
            self.holders[surname] = []
        self.holders[surname].append(index)
        self.position[index] = len(self.position)


def candidates(first: str | None, surname: str, full: dict[str, Block]) -> set[int]:
    """The canonical names a spelling may be: a close surname in any of its blocks, or,
    under its own first name, a garbled one."""
    keys = blocks(first, surname)
    found: set[int] = set()
    for key in keys:
        if (block := full.get(key)) is None:
            continue
        for s2 in similar(surname, block.surnames):
            found.update(block.holders[s2])
    if first and (block := full.get(keys[-1])) is not None:  # "toivo k": one first name
        for s2 in block.surnames:
            if garbled(surname, s2):
                found.update(block.holders[s2])
    return found


def first_filed(indices: list[int], first: str | None, surname: str, full: dict[str, Block]) -> int:
    """Of a spelling's candidates, the one its blocks list first (in `blocks` order, then
    in filing order)."""
    keys = [key for key in blocks(first, surname) if key in full]

    def filed(j: int) -> tuple[int, int]:
        return next((n, full[k].position[j]) for n, k in enumerate(keys) if j in full[k].position)

    return min(indices, key=filed)


class People:
    """The canonical people: each founded by the first full name no earlier one could
    be, and filed under its blocking keys. An online pass starts from the store's
    (`found`) and files only the new spellings."""

    def __init__(self) -> None:
        self.full: dict[str, Block] = defaultdict(Block)  # blocking key -> canonical names
        self.canon: dict[int, tuple[str | None, str, str | None]] = {}  # first, surname, country
        self.founded: dict[int, str] = {}  # canonical name -> key, in filing order

    def found(self, key: str, country: str | None) -> None:
        """A canonical person as stored ("PER|nikol pashinyan"); stored ones take
        negative indices, apart from the mentions'."""
        index = -1 - len(self.founded)
        self.file(index, *person_parts(key[4:]), country, key)

    def file(
        self, index: int, first: str | None, surname: str, country: str | None, key: str
    ) -> None:
        self.canon[index] = (first, surname, country)
        self.founded[index] = key
        for block in blocks(first, surname):
            self.full[block].add(surname, index)

    def keys(self, mentions: list[Mention]) -> dict[int, str]:
        """Key per person mention: the canonical full name its spelling joins."""
        full, canon = self.full, self.canon
        keys: dict[int, str] = {}
        order = sorted(
            (i for i, m in enumerate(mentions) if m.label in PERSON_LABELS),
            key=lambda i: (
                mentions[i].label != "PERSON" or " " not in clean_name(mentions[i].name),
                -len(clean_name(mentions[i].name).split()),
                mentions[i].name,
            ),
        )
        decided: dict[tuple, str] = {}  # a full name's decision does not depend on its article
        named: dict[str, dict[str, str]] = defaultdict(dict)  # article -> surname -> key
        lone: dict[tuple[str, str], set[str]] = {}  # (article, surname) -> the keys it may be
        # candidates by (first, surname) until a name is added: lone surnames come after
        # every full name, so the same few thousand are asked a hundred thousand times
        asked: dict[tuple[str | None, str], set[int]] = {}
        for i in order:
            m = mentions[i]
            first, surname = person_parts(clean_name(m.name))
            if len(surname) < 3:
                continue
            seen = (clean_name(m.name).lower(), m.country, m.label)
            if first and seen in decided:
                keys[i] = named[m.article_id][surname] = decided[seen]
                continue
            here: set[str] = set()
            if not first:  # full names come first, so an article's `named` is complete here
                if (m.article_id, surname) not in lone:
                    spelt = named[m.article_id]
                    found = similar(surname, list(spelt))
                    lone[(m.article_id, surname)] = {spelt[n] for n in found}
                here = lone[(m.article_id, surname)]
            if len(here) == 1:  # "Kral" where the article names "Toivo Kral"
                keys[i] = next(iter(here))
                continue
            if (first, surname) not in asked:
                asked[(first, surname)] = candidates(first, surname, full)
            matches = [  # affiliations and first names, where both are given, agree
                j
                for j in asked[(first, surname)]
                if not (m.country and canon[j][2] and m.country != canon[j][2])
                and not (first and canon[j][0] and first != canon[j][0])
            ]
            match = None
            if first and matches:  # the first its blocks list decides a full name
                match = first_filed(matches, first, surname, full)
            elif len(matches) == 1 and not here:  # a lone surname: the corpus's only one
                match = matches[0]
            if match is None and (m.label != "PERSON" or " " not in clean_name(m.name)):
                continue  # a lone word or a doubtful NER label may join a name, not found one
            if match is None:
                keys[i] = f"PER|{clean_name(m.name).lower()}"
                self.file(i, first, surname, m.country, keys[i])
                asked.clear()  # the answers before may lack the new name
            else:
                keys[i] = self.founded[match]
            if first:
                decided[seen] = named[m.article_id][surname] = keys[i]
        return keys


def close(surname: str, other: str) -> bool:
    """One spelling of the other: "Pashnyan" / "Pashinyan", "Arutyunyan" / "Harutyunyan"."""
    return JaroWinkler.similarity(surname, other) >= SURNAME_SIMILARITY


def similar(surname: str, others: list[str]) -> list[str]:
    """The `others` that are spellings of `surname` (`close`), compared in one call.
    rapidfuzz's cutoff lets 0.8999999999999999 pass, so the scores are checked again."""
    found = process.extract(
        surname,
        others,
        scorer=JaroWinkler.similarity,
        score_cutoff=SURNAME_SIMILARITY,
        limit=None,
    )
    return [other for other, score, _ in found if score >= SURNAME_SIMILARITY]


def garbled(surname: str, other: str) -> bool:
    """Nearly the same letters under the same initial, in another order: "Kral" for
    "Klaar". Only with the same first name; "Maliki" and "Mubarak" share too few."""
    letters = Indel.normalized_similarity(sorted(surname), sorted(other))
    return surname[0] == other[0] and letters >= SAME_LETTERS


@dataclass
class Tally:
    """What an entity's record is made from, summed over its mentions. The store keeps
    it (`entity_tallies`), so an online pass adds its new mentions to it."""

    key: str
    names: Counter = field(default_factory=Counter)
    countries: Counter = field(default_factory=Counter)
    sectors: Counter = field(default_factory=Counter)
    variants: set[str] = field(default_factory=set)
    article_ids: set[str] = field(default_factory=set)
    mentions: int = 0
    founder: str | None = None  # a person's: the country of the spelling that founded it
    filed: int | None = None  # a person's: its place in the filing order (`People`)

    def add(self, m: Mention) -> None:
        self.names[clean_name(m.name if self.key.startswith("PER|") else m.text)] += 1
        if m.country:
            self.countries[m.country] += 1
        if m.sector:
            self.sectors[m.sector] += 1
        self.variants.add(m.text)
        self.article_ids.add(m.article_id)
        self.mentions += 1

    def entity(self) -> CanonicalEntity:
        key, names = self.key, self.names
        person = key.startswith("PER|")
        if person:
            name = max(names, key=lambda n: (len(n.split()), names[n], n))
        elif key.count("|") == 2:  # ORG|country|body
            name = f"{key.split('|')[2]} ({key.split('|')[1]})"
        elif key.startswith("LEX|"):
            name = load_lexicon().by_key[key[4:]].name
        else:
            name = max(names, key=lambda n: (names[n], len(n), n))
        return CanonicalEntity(
            entity_id=_id(key),
            name=name,
            label="PERSON" if person else "ORG",
            country=self.countries.most_common(1)[0][0] if self.countries else None,
            sector=self.sectors.most_common(1)[0][0] if self.sectors else None,
            variants=sorted(self.variants),
            article_ids=sorted(self.article_ids),
            mentions=self.mentions,
        )


def canonical_entities(
    mentions: list[Mention],
    people: People | None = None,
    stored: Callable[[list[str]], dict[str, Tally]] | None = None,
) -> tuple[list[CanonicalEntity], dict[int, str], list[Tally]]:
    """The canonical entities the mentions belong to, the id of each mention's (by its
    index), and their tallies. An online pass gives the store's `people` and its
    `stored` tallies by key, and gets only the entities its mentions join."""
    people = people or People()
    keys = {**organisation_keys(mentions), **people.keys(mentions)}
    groups: dict[str, list[int]] = defaultdict(list)
    for i, key in keys.items():
        groups[key].append(i)
    tallies = stored(sorted(groups)) if stored else {}
    founded: dict[str, tuple[int, str | None]] = {}  # key -> first filing place, its country
    for n, (i, key) in enumerate(people.founded.items()):
        founded.setdefault(key, (n, people.canon[i][2]))
    entities, assigned, made = [], {}, []
    for key, members in sorted(groups.items()):
        filed, founder = founded.get(key, (None, None))
        tally = tallies.get(key) or Tally(key, founder=founder, filed=filed)
        for i in members:
            tally.add(mentions[i])
        entities.append(tally.entity())
        made.append(tally)
        assigned.update(dict.fromkeys(members, entities[-1].entity_id))
    return entities, assigned, made
