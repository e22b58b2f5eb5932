"""Remove scraping junk from plain text, paragraph by paragraph, keeping every body sentence.

Three passes, each recording why a line went:
1. hard-wrapped lines are re-joined (a line that ends mid-sentence and a next line that
   starts in lower case are one paragraph);
2. rules: the junk patterns in ``data/boilerplate.tsv`` plus shapes no regex list covers
   (hashtag lines, bylines, cross-promo headlines, clickbait above the headline, repeats);
3. text density with context, as jusText does for HTML blocks: long, stop-word-rich
   paragraphs are body; short ones are body only between body paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS

MAX_RULE_WORDS = 60
REPEAT_MIN_WORDS = 8  # shorter repeats (list items, table cells) are legitimate
TERMINAL = (".", "!", "?", "…", '."', ".”", "?”", "!”", ".’", ".'", ')"', "”", '"')
WORD = re.compile(r"[^\W\d_][\w'’.-]*")
NAME_PART = r"[A-Z](?:[a-z][\w'’-]*|\.)"
NAME = rf"{NAME_PART}(?:\s+(?:{NAME_PART}|de|van|von|al|bin|el|da|di)){{1,3}}"
BYLINE = re.compile(rf"^(?:\d+\s+)?(?:[Bb]y\s+)?{NAME}(?:\s*(?:,|and|&)\s*{NAME})*$")
EMBED_SIGNATURE = re.compile(r"^[—–-]\s*.{2,80}\(@\w+\)\s+\w+\.? \d{1,2}, \d{4}$")
CLICKBAIT = re.compile(r"[!?]{2,}|^(breaking|watch|shocking|must see|you won'?t believe)\b", re.I)
CJK_END = ("。", "！", "？", "」")
BULLET = re.compile(r"^\s*(?:[*•·▪‣◦-]|\d+[.)])\s+")


@dataclass
class Cleaned:
    title: str | None
    text: str
    removed: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


@cache
def junk_patterns() -> list[tuple[str, re.Pattern]]:
    """Load (category, regex) pairs from the user-extendable data file."""
    text = resources.files("eventledger.data").joinpath("boilerplate.tsv").read_text("utf-8")
    rules = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        category, pattern = line.split("\t", 1)
        rules.append((category, re.compile(pattern.strip(), re.I)))
    return rules


def words(text: str) -> list[str]:
    return WORD.findall(text)


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(TERMINAL)


def join_wrapped(lines: list[str]) -> list[str]:
    """Paragraphs from physical lines: blank lines separate, hard wraps are re-joined."""
    paragraphs: list[str] = []
    joinable = False
    for raw in lines:
        line = raw.strip().replace("\u00a0", " ").strip()
        if not line:
            joinable = False
            continue
        if joinable and line[0].islower() and not ends_sentence(paragraphs[-1]):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
        joinable = True
    return paragraphs


def is_title_case(text: str) -> bool:
    """A headline shape: nearly every content word capitalised, no sentence end."""
    content = [w for w in words(text) if len(w) > 3 and w.lower() not in STOP_WORDS]
    if len(words(text)) < 4 or len(content) < 3 or ends_sentence(text):
        return False
    capital = sum(1 for w in content if w[0].isupper())
    return capital / len(content) >= 0.8


def rule_reason(text: str, middle: bool, shapes: bool = True) -> str | None:
    """Why a paragraph is junk by its content or shape, or None.

    `shapes=False` applies only the pattern list and hashtag lines: text from an HTML
    extractor has lost the layout that makes shape rules (headline, byline) reliable.
    """
    tokens = text.split()
    if len(tokens) >= 2 and sum(t.startswith("#") for t in tokens) / len(tokens) >= 0.6:
        return "hashtags"
    if len(tokens) <= MAX_RULE_WORDS:
        for category, pattern in junk_patterns():
            if pattern.search(text):
                return category
    if not shapes:
        return None
    if len(tokens) == 1 and not ends_sentence(text) and len(text) < 40:
        return "fragment"
    if len(tokens) <= 10 and not ends_sentence(text) and BYLINE.match(text):
        return "byline"
    if middle and is_title_case(text):
        return "promo-headline"
    return None


def is_clickbait(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    return shouting or bool(CLICKBAIT.search(text))


def density_class(text: str, english: bool = True) -> str:
    """good / short / bad, from length, stop-word density and sentence shape."""
    ws = words(text)
    n = len(ws)
    if not english:
        if len(text) >= 150 or len(text) >= 50 and text.rstrip().endswith(TERMINAL + CJK_END):
            return "good"
        return "bad" if len(text) < 20 else "short"
    if n == 0:
        return "bad"
    stop = sum(w.lower() in STOP_WORDS for w in ws) / n
    terminal = ends_sentence(text)
    bullet = bool(BULLET.match(text))
    if n >= 15 and stop >= 0.25 or n >= 8 and terminal and stop >= 0.2 and not bullet:
        return "good"
    if n < 4 and not terminal or bullet and n < 8 or stop < 0.1 and n < 15:
        return "bad"
    return "short"


def main_region(classes: list[str], sizes: list[int]) -> tuple[int, int]:
    """The contiguous run of paragraphs with the most body text net of junk (Finn's BTE)."""
    weight = {"good": 1.0, "short": -1.0, "bad": -4.0}  # chosen on trafilatura's eval set
    best, best_span, total, start = 0.0, (0, len(classes)), 0.0, 0
    for i, (c, n) in enumerate(zip(classes, sizes, strict=True)):
        if total <= 0:
            total, start = 0.0, i
        total += weight[c] * n
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def context_pass(classes: list[str], sizes: list[int]) -> list[bool]:
    """Keep good paragraphs, and short ones whose nearest decided neighbours are body, all
    inside the main region."""
    keep = [c == "good" for c in classes]
    for i, c in enumerate(classes):
        if c != "short":
            continue
        before = next((classes[j] for j in range(i - 1, -1, -1) if classes[j] != "short"), None)
        after = next(
            (classes[j] for j in range(i + 1, len(classes)) if classes[j] != "short"), None
        )
        sides = {before, after} - {None}
        keep[i] = bool(sides) and sides == {"good"}
    lo, hi = main_region(classes, sizes)
    return [k and lo <= i < hi for i, k in enumerate(keep)]


def is_english_like(paragraphs: list[str]) -> bool:
    """Stop-word density only means something for English text."""
    ws = [w.lower() for p in paragraphs for w in words(p)]
    return bool(ws) and sum(w in STOP_WORDS for w in ws) / len(ws) >= 0.15


def normalise(text: str) -> str:
    return " ".join(words(text.lower()))


def clean_text(raw: str, has_title: bool = True, density: bool = True) -> Cleaned:
    """Split a scraped text into headline, clean body and the junk that was removed.

    `density=False` keeps the rules but skips the text-density pass, for text that an
    HTML extractor has already reduced to the article body.
    """
    paragraphs = join_wrapped(raw.splitlines())
    removed: list[str] = []
    reasons: list[str] = []
    title = None
    if has_title:
        while paragraphs and (
            is_clickbait(paragraphs[0])
            or rule_reason(paragraphs[0], False) not in (None, "fragment")
        ):
            removed.append(paragraphs.pop(0))
            reasons.append("clickbait")
        title = paragraphs.pop(0) if paragraphs else None

    verdicts: list[str | None] = [rule_reason(p, True, density) for p in paragraphs]
    if density:
        candidates = [
            i
            for i, v in enumerate(verdicts)
            if v is None and not EMBED_SIGNATURE.match(paragraphs[i])
        ]
        english = is_english_like(paragraphs)
        classes = [density_class(paragraphs[i], english) for i in candidates]
        # with no body-like paragraph there is no main region to anchor on: a short text
        # keeps its sentences ("Zambia extradited him, an official said.") and nothing else
        if "good" not in classes:
            classes = [
                "good" if ends_sentence(paragraphs[i]) and len(words(paragraphs[i])) >= 3 else "bad"
                for i in candidates
            ]
        keep = context_pass(classes, [len(paragraphs[i]) for i in candidates])
        for i, kept in zip(candidates, keep, strict=True):
            if not kept:
                verdicts[i] = "low-density"

    body = [normalise(p) for p in paragraphs]
    joined = "\n".join(body)  # one scan finds the few paragraphs that recur at all
    for i, p in enumerate(body):
        if verdicts[i] is not None or p.count(" ") < REPEAT_MIN_WORDS or joined.count(p) < 2:
            continue
        if any(
            verdicts[j] is None and p in body[j] and (len(body[j]) > len(p) or j < i)
            for j in range(len(body))
            if j != i
        ):
            verdicts[i] = "repeated"

    kept_paragraphs = []
    for p, v in zip(paragraphs, verdicts, strict=True):
        if v is None:
            kept_paragraphs.append(p)
        else:
            removed.append(p)
            reasons.append(v)
    return Cleaned(title, "\n\n".join(kept_paragraphs), removed, reasons, kept_paragraphs)
