"""The nlp stage: parse clean article bodies and record sentences and entities."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from spacy.tokens import Doc, Span

from eventledger.nlp.model import load_nlp
from eventledger.records import Article, Entity, Sentence
from eventledger.resolve.lexicon import load_lexicon

BATCH_SIZE = 4
# Characters parsed at once. The parser's and tagger's working memory grows with the
# length of the text they are given, and a scraped page can hold 100k words: long texts
# are parsed in pieces cut after blank lines and joined back into one Doc.
MAX_PIECE = 20_000
PARAGRAPH_END = re.compile(r"(?<=\n\n)")


def parse(articles: list[Article]) -> Iterator[tuple[Article, Doc]]:
    """Yield each codable article with its spaCy Doc (model loaded once per process, and
    not at all when a batch has nothing new: a re-run of a stored corpus needs no model)."""
    if not articles:
        return
    nlp = load_nlp()
    split = [pieces(a.text) for a in articles]
    docs = nlp.pipe((p for parts in split for p in parts), batch_size=BATCH_SIZE)
    for article, parts in zip(articles, split, strict=True):
        done = [next(docs) for _ in parts]
        yield article, done[0] if len(done) == 1 else Doc.from_docs(done, ensure_whitespace=False)


def pieces(text: str) -> list[str]:
    """The text cut after blank lines into pieces of at most MAX_PIECE characters (a
    longer paragraph stays whole); joined, they are the text."""
    if len(text) <= MAX_PIECE:
        return [text]
    out, current = [], ""
    for part in PARAGRAPH_END.split(text):
        if current and len(current) + len(part) > MAX_PIECE:
            out.append(current)
            current = ""
        current += part
    return [*out, current] if current else out


def trimmed(span: Span) -> tuple[int, int]:
    """Character offsets of a sentence without surrounding whitespace."""
    text = span.text
    start = span.start_char + (len(text) - len(text.lstrip()))
    return start, start + len(text.strip())


def sentences(article: Article, doc: Doc) -> list[Sentence]:
    out = []
    for sent in doc.sents:
        start, end = trimmed(sent)
        if end > start:
            out.append(Sentence(article.article_id, len(out), start, end, article.text[start:end]))
    return out


def entities(article: Article, doc: Doc, sents: list[Sentence]) -> list[Entity]:
    starts = [s.start for s in sents]
    out = []
    for ent in doc.ents:
        index = max(0, bisect_right(starts, ent.start_char) - 1)
        out.append(
            Entity(
                article.article_id,
                index,
                ent.start_char,
                ent.end_char,
                ent.text,
                ent.label_,
                *_code(ent.ent_id_),
            )
        )
    return out


def _code(key: str) -> tuple[str | None, str | None]:
    entry = load_lexicon().by_key.get(key) if key else None
    return (entry.country, entry.sector) if entry else (None, None)


def aligned(doc: Doc, sents: list[Sentence]) -> Iterator[tuple[Span, Sentence]]:
    """Pairs of spaCy sentence and its record (whitespace-only spans have none)."""
    by_start = {s.start: s for s in sents}
    for sent in doc.sents:
        record = by_start.get(trimmed(sent)[0])
        if record is not None:
            yield sent, record
