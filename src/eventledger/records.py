"""Typed records that flow through the pipeline and out of the store.

Field names follow the data contract (shared spec, section 5); extra fields are
additions, never renames.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Actor:
    name: str
    country: str | None = None
    sector: str | None = None


@dataclass
class Location:
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass
class Document:
    """One raw input unit before cleaning: a file, or one row of a JSONL/CSV file."""

    source_path: str
    raw: bytes
    fmt: str  # txt | html | jsonl | csv
    meta: dict[str, Any] = field(default_factory=dict)
    article_id: str = ""


@dataclass
class Article:
    article_id: str
    source_path: str
    title: str | None
    text: str
    removed: list[str] = field(default_factory=list)
    language: str | None = None
    published: str | None = None
    published_precision: str | None = None
    published_source: str = "none"
    duplicate_of: str | None = None
    story_id: str | None = None
    url: str | None = None
    source: str | None = None
    fmt: str = "txt"
    status: str = "ok"  # ok | skipped (stored and flagged, not coded)
    skip_reason: str | None = None
    raw: str = ""
    duplicate_kind: str | None = None  # copy | rewrite, beside duplicate_of

    def export(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "source_path": self.source_path,
            "title": self.title,
            "published": self.published,
            "published_precision": self.published_precision,
            "published_source": self.published_source,
            "text": self.text,
            "removed": self.removed,
            "language": self.language,
            "duplicate_of": self.duplicate_of,
            "story_id": self.story_id,
            "duplicate_kind": self.duplicate_kind,
            "url": self.url,
            "source": self.source,
            "status": self.status,
            "skip_reason": self.skip_reason,
        }


@dataclass
class Sentence:
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass
class Entity:
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    country: str | None = None
    sector: str | None = None
    entity_id: str | None = None  # the canonical entity across articles
    lat: float | None = None  # places only, from the gazetteer
    lon: float | None = None


@dataclass
class Event:
    event_id: str
    article_id: str
    type: str
    sentence: str
    start: int
    end: int
    mode: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    date: str | None = None
    date_precision: str | None = None
    location: Location | None = None
    killed: int | None = None
    injured: int | None = None
    status: str = "reported"
    claimed_by: Actor | None = None
    confidence: float = 0.5
    fused_id: str | None = None
    trigger: str | None = None
    time_text: str | None = None  # the temporal expression that dated it, if any

    def export(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Claim:
    claim_id: str
    article_id: str
    speaker: Actor
    speaker_text: str
    verb: str
    stance: str
    content: str
    direct: bool
    sentence: str
    start: int
    end: int

    def export(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Problem:
    """A file or record that was skipped (kind 'skipped'), stored but not coded ('flagged',
    e.g. not English) or handled with a caveat ('note', e.g. a legacy encoding)."""

    source_path: str
    reason: str
    kind: str = "skipped"


@dataclass
class BatchResult:
    """Everything one batch produces; written to the store in one transaction."""

    articles: list[Article] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Story:
    """Articles about one incident or episode."""

    story_id: str
    label: str
    article_ids: list[str]
    first_date: str | None = None
    last_date: str | None = None
    n_articles: int = 0


@dataclass
class FusedEvent:
    """One real-world event and every mention of it across articles.

    `status` is reported | claimed | denied | contested (asserted by one party and denied
    by another); `tolls` and `dates` keep each source's figure side by side.
    """

    fused_id: str
    type: str
    sentence: str  # the best evidence sentence
    story_id: str | None = None
    mode: str | None = None
    source: Actor | None = None
    target: Actor | None = None
    date: str | None = None
    date_precision: str | None = None
    location: Location | None = None
    killed: int | None = None
    injured: int | None = None
    status: str = "reported"
    asserted_by: list[Actor] = field(default_factory=list)
    denied_by: list[Actor] = field(default_factory=list)
    tolls: list[dict[str, Any]] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    event_ids: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    independent_sources: int = 1
    confidence: float = 0.5

    def export(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class CanonicalEntity:
    """A person or organisation across articles, with the spellings it appeared under."""

    entity_id: str
    name: str
    label: str
    country: str | None = None
    sector: str | None = None
    variants: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    mentions: int = 0
