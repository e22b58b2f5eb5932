"""Main text, title and date of an HTML page via trafilatura (precision mode) and htmldate."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import trafilatura

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


@dataclass
class HtmlText:
    title: str | None
    text: str
    published: str | None
    url: str | None


def extract_html(html: str) -> HtmlText:
    """Extract the article body; metadata (title, date, url) comes from the page itself."""
    doc = trafilatura.bare_extraction(
        html,
        favor_precision=True,
        include_comments=False,
        with_metadata=True,
        deduplicate=False,
    )
    if doc is None:
        return HtmlText(None, "", None, None)
    return HtmlText(doc.title or None, doc.text or "", doc.date or None, doc.url or None)
