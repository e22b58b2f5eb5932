"""Write the timeline as Markdown and as one standalone HTML file (no network, no assets).

Scraped text is untrusted: Markdown escapes it, and the HTML page carries the data as JSON
with `<`, `>` and `&` escaped, rendered by script through textContent only."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from eventledger.timeline.describe import actor_label, date_label, describe
from eventledger.timeline.ledger import Filters, FusedEvent, actors_of

MD_SPECIAL = re.compile(r"([\\`*_\[\]])")


@dataclass
class Entry:
    """What a timeline line shows, ready for either format."""

    event: FusedEvent
    date: str
    line: str


def entries(events: list[FusedEvent]) -> list[Entry]:
    return [Entry(e, date_label(e.date, e.date_precision), describe(e)) for e in events]


def md_escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _filter_text(filters: Filters) -> str:
    shown = [f"{k.replace('_', ' ')} {v}" for k, v in vars(filters).items() if v]
    return "; ".join(shown) or "none"


def to_markdown(items: list[Entry], filters: Filters, title: str) -> str:
    lines = [f"# {md_escape(title)}", "", f"{len(items)} events. Filters: {_filter_text(filters)}."]
    year = None
    for item in items:
        heading = item.date[:4] if item.event.date else "Undated"
        if heading != year:
            year = heading
            lines += ["", f"## {heading}", ""]
        refs = " ".join(f"[{n}](#{ev.event_id})" for n, ev in enumerate(item.event.evidence, 1))
        tags = f"{item.event.type} · {item.event.status}"
        lines.append(f"- **{item.date}** · {tags} — {md_escape(item.line)} {refs}".rstrip())
    lines += ["", "## Evidence", ""]
    for item in items:
        for ev in item.event.evidence:
            where = md_escape(ev.title or ev.source_path or ev.article_id)
            published = f", {ev.published}" if ev.published else ""
            lines.append(f'<a id="{ev.event_id}"></a>')
            lines.append(f"- `{ev.event_id}` {where}{published}: “{md_escape(ev.sentence)}”")
    return "\n".join(lines) + "\n"


def _record(item: Entry) -> dict:
    e = item.event
    return {
        "id": e.fused_id,
        "date": item.date,
        "sort": e.date or "",
        "type": e.type,
        "status": e.status,
        "story": e.story_id,
        "story_label": e.story_label or e.story_id,
        "actors": sorted({n for n in (actor_label(a) for a in actors_of(e)) if n}),
        "countries": sorted(
            {a.get("country") for a in actors_of(e) if a.get("country")}
            | ({(e.location or {}).get("country")} - {None})
        ),
        "line": item.line,
        "sources": e.independent_sources,
        "evidence": [
            {
                "event_id": ev.event_id,
                "article_id": ev.article_id,
                "sentence": ev.sentence,
                "title": ev.title or ev.source_path or ev.article_id,
                "published": ev.published,
            }
            for ev in e.evidence
        ],
    }


def script_json(data: object) -> str:
    """JSON safe inside a <script> element: no `</script>`, no `<!--` can close it."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def to_html(items: list[Entry], filters: Filters, title: str) -> str:
    template = resources.files("eventledger.timeline").joinpath("page.html").read_text("utf-8")
    data = {"title": title, "filters": vars(filters), "events": [_record(i) for i in items]}
    return template.replace("/*DATA*/null", script_json(data))


def write(items: list[Entry], filters: Filters, out: Path, title: str) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / "timeline.md", "html": out / "timeline.html"}
    paths["markdown"].write_text(to_markdown(items, filters, title), "utf-8")
    paths["html"].write_text(to_html(items, filters, title), "utf-8")
    return paths
