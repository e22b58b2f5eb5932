"""Language identification with py3langid (model shipped in the package, no download)."""

from __future__ import annotations

import py3langid

MIN_CHARS = 40


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    sample = text[:4000]
    if len(sample.strip()) < MIN_CHARS:
        return None
    lang, _ = py3langid.classify(sample)
    return lang
