"""Language identification with py3langid (model shipped in the package, no download)."""

from __future__ import annotations

import py3langid
from spacy.lang.en.stop_words import STOP_WORDS

MIN_CHARS = 40
SHORT_CHARS = 300  # below this the character model is unsure; English stop words decide


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    sample = text[:4000]
    words = sample.lower().split()
    if not words:
        return None
    if len(sample) < SHORT_CHARS and sum(w in STOP_WORDS for w in words) / len(words) >= 0.2:
        return "en"  # also a one-line report: "Congress is asking Obama to help Iran."
    if len(sample.strip()) < MIN_CHARS:
        return None
    lang, _ = py3langid.classify(sample)
    return lang
