"""`eventledger timeline` on a small hand-made store: honest date precision, one readable
line per real-world event, filters, evidence links, and scraped text kept inert."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from eventledger.cli import app
from eventledger.store import Store
from eventledger.timeline import Filters, build_timeline

PROBE = "<script>alert(1)</script>"


def actor(name, country, sector=None):
    return json.dumps({"name": name, "country": country, "sector": sector})


def cli(*args: str, code: int = 0):
    """The CLI in-process (the timeline needs none of the NLP a fresh process would load)."""
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def insert(store: Store, table: str, rows: list[dict]) -> None:
    store.con.register("_rows", pa.Table.from_pylist(rows))
    store.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
    store.con.unregister("_rows")


def event(event_id, article_id, fused_id, kind, sentence, **fields) -> dict:
    row = {"event_id": event_id, "article_id": article_id, "fused_id": fused_id, "type": kind}
    row |= {"sentence": sentence, "start_char": 0, "end_char": len(sentence), "status": "reported"}
    row |= {"confidence": 0.8}
    return row | fields


def make_store(path: Path, fused: bool = False) -> Path:
    shelled = f"Azerbaijani artillery shelled Stepanakert, killing two. {PROBE}"
    with Store(path) as store:
        insert(
            store,
            "articles",
            [
                {"article_id": "a1", "title": "Offensive begins", "published": "2023-09-19",
                 "story_id": "s1", "text": shelled, "source_path": "a1.txt"},
                {"article_id": "a2", "title": "Baku denies", "published": "2023-09-20",
                 "story_id": "s1", "text": "Baku denied it.", "source_path": "a2.txt"},
                {"article_id": "a3", "title": "Truce", "published": "2020-10-10",
                 "story_id": "s2", "text": "Lavrov brokered a truce.", "source_path": "a3.txt"},
            ],
        )  # fmt: skip
        stepanakert = json.dumps(
            {"name": "Stepanakert", "country": "XNK", "lat": 39.8, "lon": 46.7}
        )
        insert(
            store,
            "events",
            [
                event("e1", "a1", "f1", "ASSAULT", shelled, mode="artillery",
                      source=actor("Azerbaijan", "AZE", "MIL"), target=actor("it", "XNK", "GOV"),
                      date="2023-09-19", date_precision="day", location=stepanakert, killed=2,
                      status="claimed", claimed_by=actor("Karabakh officials", "XNK", "GOV")),
                event("e2", "a2", "f1", "ASSAULT", "Baku denied it.",
                      source=actor("Azerbaijan", "AZE", "MIL"), date="2023-09", killed=5,
                      date_precision="month", status="denied",
                      claimed_by=actor("Azerbaijan's Defence Ministry", "AZE", "MIL")),
                event("e3", "a3", "f2", "AGREE", "Lavrov brokered a truce.", mode="ceasefire",
                      source=actor("Sergei Lavrov", "RUS", "GOV"),
                      target=actor("Armenia", "ARM", "GOV"), date="2020-10",
                      date_precision="month"),
                event("e4", "a3", "f3", "MOBILIZE", "Lavrov brokered a truce.",
                      source=actor("Armenia", "ARM", "MIL"), date="2020", date_precision="year"),
                event("e5", "a3", "f4", "CONSULT", "Lavrov brokered a truce.",
                      source=actor("Sergei Lavrov", "RUS", "GOV")),
            ],
        )  # fmt: skip
        if fused:
            insert(store, "stories", [{"story_id": "s1", "label": "Karabakh offensive 2023"}])
            insert(
                store,
                "fused_events",
                [
                    {"fused_id": "f1", "story_id": "s1", "type": "ASSAULT", "mode": "artillery",
                     "source": actor("Azerbaijan", "AZE", "MIL"), "target": actor("it", "XNK"),
                     "date": "2023-09-19", "date_precision": "day", "location": stepanakert,
                     "killed": 2, "status": "contested", "independent_sources": 3,
                     "asserted_by": json.dumps([{"name": "Karabakh officials", "country": "XNK"}]),
                     "denied_by": json.dumps([{"name": "Azerbaijan", "country": "AZE"}]),
                     "tolls": json.dumps([{"article_id": "a1", "killed": 2}]),
                     "event_ids": json.dumps(["e1", "e2"]), "article_ids": '["a1", "a2"]'},
                ],
            )  # fmt: skip
    return path


@pytest.fixture
def store(tmp_path) -> Path:
    return make_store(tmp_path / "t.duckdb")


def lines(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("- **")]


def test_cli_writes_markdown_and_html_by_date(store, tmp_path):
    cli("timeline", "--db", str(store), "--out", str(tmp_path / "tl"))
    markdown = (tmp_path / "tl" / "timeline.md").read_text("utf-8")
    dates = [re.match(r"- \*\*([^*]+)\*\*", line).group(1) for line in lines(markdown)]
    assert dates == ["2020", "2020-10", "2023-09-19", "undated"]  # precision as known, no more
    assert "## 2020" in markdown and "## 2023" in markdown and "## Undated" in markdown
    assert (tmp_path / "tl" / "timeline.html").read_text("utf-8").startswith("<!doctype html>")


def test_one_readable_line_from_the_record(store, tmp_path):
    build_timeline(store, tmp_path, Filters())
    markdown = (tmp_path / "timeline.md").read_text("utf-8")
    shelling = next(line for line in lines(markdown) if "ASSAULT" in line)
    assert "contested" in shelling  # claimed in one article, denied in another
    assert "shelled" in shelling and "in Stepanakert" in shelling
    assert "2–5 killed (sources differ)" in shelling
    assert "Claimed by Karabakh officials" in shelling
    assert "denied by Azerbaijan's Defence Ministry" in shelling
    assert "2 independent sources" in shelling
    truce = next(line for line in lines(markdown) if "AGREE" in line)
    assert "Sergei Lavrov (RUS) agreed a ceasefire with Armenia" in truce
    assert "1 independent source." in truce
    # every line links to its evidence, and the evidence sentence is there
    assert "[1](#e1) [2](#e2)" in shelling
    assert '<a id="e3"></a>' in markdown and "Lavrov brokered a truce." in markdown


def test_stored_fused_events_win(tmp_path):
    db = make_store(tmp_path / "f.duckdb", fused=True)
    build_timeline(db, tmp_path, Filters(story="Karabakh offensive 2023"))
    markdown = (tmp_path / "timeline.md").read_text("utf-8")
    assert len(lines(markdown)) == 1
    assert "3 independent sources" in lines(markdown)[0]
    assert "Baku denied it." in markdown  # the evidence of every fused mention


@pytest.mark.parametrize(
    ("filters", "types"),
    [
        (Filters(type="agree"), ["AGREE"]),
        (Filters(country="XNK"), ["ASSAULT"]),
        (Filters(actor="lavrov"), ["AGREE", "CONSULT"]),
        (Filters(story="s2"), ["MOBILIZE", "AGREE", "CONSULT"]),
        (Filters(date_from="2023"), ["ASSAULT"]),
        (Filters(date_from="2020-10", date_to="2020-10-31"), ["AGREE"]),
        (Filters(date_to="2020"), ["MOBILIZE", "AGREE"]),
    ],
)
def test_filters(store, tmp_path, filters, types):
    n, paths = build_timeline(store, tmp_path, filters)
    shown = [line.split(" · ")[1] for line in lines(paths["markdown"].read_text("utf-8"))]
    assert shown == types and n == len(types)


def test_cli_filter_options(store, tmp_path):
    out = tmp_path / "x"
    cli("timeline", "--db", str(store), "--out", str(out), "--type", "ASSAULT", "--from", "2023")
    assert len(lines((out / "timeline.md").read_text("utf-8"))) == 1
    cli("timeline", "--db", str(store), "--out", str(out), "--tls", "--story", "s1")
    assert (out / "tls.md").read_text("utf-8").startswith("# Key dates of s1")
    missing = cli("timeline", "--db", str(tmp_path / "none.duckdb"), code=1)
    assert "no store" in missing.output


def test_scraped_markup_stays_inert(store, tmp_path):
    build_timeline(store, tmp_path, Filters())
    html = (tmp_path / "timeline.html").read_text("utf-8")
    assert PROBE not in html and "alert(1)" in html  # carried as escaped JSON, shown as text
    data = html.split('type="application/json">')[1].split("</script>")[0]
    record = json.loads(data)["events"]
    assert PROBE in record[-2]["evidence"][0]["sentence"]
    assert "textContent" in html and ".innerHTML" not in html
    markdown = (tmp_path / "timeline.md").read_text("utf-8")
    assert PROBE not in markdown and "&lt;script&gt;" in markdown
