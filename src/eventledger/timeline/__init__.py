"""Fused events by date: Markdown and a standalone HTML page (`eventledger timeline`)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from eventledger.timeline.ledger import Filters, FusedEvent, load_fused, matches
from eventledger.timeline.render import entries, write

__all__ = ["Filters", "FusedEvent", "build_timeline", "build_tls", "load_fused"]


def build_timeline(db: Path, out: Path, filters: Filters) -> tuple[int, dict[str, Path]]:
    """Read the store (read-only), keep the events the filters match, write both files."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        events = [e for e in load_fused(con) if matches(e, filters)]
    finally:
        con.close()
    return len(events), write(entries(events), filters, out, f"Timeline of {db.name}")


def build_tls(
    db: Path,
    out: Path,
    story: str | None,
    keywords: list[str],
    n_dates: int,
    per_date: int,
) -> tuple[int, Path]:
    """Timeline summarisation over the store's articles (those with a day-precise publication
    date, of one story if given): key dates and a few sentences each, as tls.md."""
    from eventledger.timeline.render import md_escape
    from eventledger.timeline.tls import TlsArticle, summarise

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            """SELECT a.title, a.text, a.published, coalesce(s.label, a.story_id)
               FROM articles a LEFT JOIN stories s USING (story_id)
               WHERE a.status = 'ok' AND a.duplicate_of IS NULL AND length(a.published) = 10
                 AND (? IS NULL OR a.story_id = ? OR s.label = ?)""",
            [story, story, story],
        ).fetchall()
    finally:
        con.close()
    articles = [TlsArticle(text, date.fromisoformat(published), title or "")
                for title, text, published, _ in rows]  # fmt: skip
    days = summarise(articles, n_dates=n_dates, per_date=per_date, keywords=keywords or None)
    lines = [f"# Key dates of {md_escape(story or db.name)}", ""]
    lines.append(f"{len(days)} dates from {len(articles)} dated articles.")
    for day in days:
        lines += ["", f"## {day.date.isoformat()}", ""]
        lines += [f"- {md_escape(sentence)}" for sentence in day.sentences]
    out.mkdir(parents=True, exist_ok=True)
    path = out / "tls.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return len(days), path
