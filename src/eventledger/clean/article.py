"""The clean stage: raw Documents to Articles with a clean body, or Problems."""

from __future__ import annotations

from eventledger.clean.boilerplate import clean_text
from eventledger.clean.html import extract_html
from eventledger.clean.language import detect_language
from eventledger.dates.published import estimate_published
from eventledger.ingest.decode import DecodeError, decode
from eventledger.records import Article, Document, Problem

MIN_BODY_WORDS = 5


def parse_published(value: str | None) -> tuple[str | None, str | None]:
    """Normalise a metadata date to ISO with its precision; keep only what it says."""
    if not value:
        return None, None
    value = value.strip()
    for size, precision in ((10, "day"), (7, "month"), (4, "year")):
        head = value[:size]
        if len(head) == size and _iso_prefix(head, size):
            return head, precision
    return None, None


def _iso_prefix(head: str, size: int) -> bool:
    parts = head.split("-")
    shape = {10: [4, 2, 2], 7: [4, 2], 4: [4]}[size]
    return [len(p) for p in parts] == shape and all(p.isdigit() for p in parts)


def clean_document(doc: Document) -> tuple[Article | None, list[Problem]]:
    """Decode, extract and clean one document; junk-only or unreadable ones become Problems."""
    problems: list[Problem] = []
    if doc.fmt in ("jsonl", "csv"):
        raw_text = doc.meta["text"]
    else:
        try:
            raw_text, note = decode(doc.raw)
        except DecodeError as exc:
            return None, [Problem(doc.source_path, str(exc))]
        if note:
            problems.append(Problem(doc.source_path, note, kind="note"))

    meta = doc.meta
    title = meta.get("title")
    published = meta.get("published")
    url = meta.get("url")
    if doc.fmt == "html":
        page = extract_html(raw_text)
        cleaned = clean_text(page.text, has_title=False, density=False)
        title = title or page.title
        published = published or page.published
        url = url or page.url
    else:
        cleaned = clean_text(raw_text, has_title=not title and meta.get("headline", True))
        title = title or cleaned.title

    body_words = len(cleaned.text.split())
    if body_words < MIN_BODY_WORDS:
        what = f"{len(cleaned.removed)} junk lines removed" if cleaned.removed else "no text"
        return None, problems + [
            Problem(doc.source_path, f"no article text after cleaning ({what})")
        ]

    date, precision = parse_published(published)
    date_source = "metadata" if date else "none"
    if date is None:  # undated scrape: datelines, stamps, embedded posts, copyright lines
        found = estimate_published(cleaned.text, cleaned.removed, title)
        if found.value:
            date, precision, date_source = found.value, found.precision, "text"
    language = detect_language(cleaned.text)
    article = Article(
        article_id=doc.article_id,
        source_path=doc.source_path,
        title=title,
        text=cleaned.text,
        removed=cleaned.removed,
        language=language,
        published=date,
        published_precision=precision,
        published_source=date_source,
        url=url,
        source=meta.get("source"),
        fmt=doc.fmt,
        raw=raw_text,
    )
    if language != "en":
        article.status = "skipped"
        article.skip_reason = f"language '{language or 'unknown'}' is not English"
        problems.append(
            Problem(doc.source_path, f"{article.skip_reason}: stored, not coded", kind="flagged")
        )
    return article, problems
