"""The JSON API behind `eventledger serve`, on the seeds and samples: filters, paging,
read-only without a token, writes only with it, bounded requests, scraped text kept as text."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, SEEDS, cli
from fastapi.testclient import TestClient

from eventledger.serve import create_app

XSS = "<script>alert('xss')</script>"


def seeds_samples_store(tmp_path_factory) -> Path:
    """One store of the seeds and samples per test session, shared by the UI's test modules."""
    base = tmp_path_factory.getbasetemp() / "ui-store"
    db = base / "ledger.duckdb"
    if not (base / "done").exists():
        cli("run", str(SEEDS), str(SAMPLES), "--db", str(db), "--out", str(base / "out"), "-q")
        (base / "done").touch()
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return seeds_samples_store(tmp_path_factory)


@pytest.fixture(scope="module")
def client(db) -> TestClient:
    return TestClient(create_app(db))


def test_events_filter_sort_and_page(client):
    everything = client.get("/api/events", params={"limit": 500}).json()
    assert everything["total"] == len(everything["items"]) > 50
    page = client.get("/api/events", params={"limit": 10, "offset": 10, "sort": "date"}).json()
    assert page["total"] == everything["total"] and len(page["items"]) == 10
    first = client.get("/api/events", params={"limit": 20, "sort": "date"}).json()["items"]
    assert [e["event_id"] for e in first[10:]] == [e["event_id"] for e in page["items"]]
    dates = [e["date"] for e in client.get("/api/events", params={"sort": "-date"}).json()["items"]]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True)

    assaults = client.get("/api/events", params={"type": "ASSAULT", "country": "AZE"}).json()
    assert assaults["total"] > 0
    for e in assaults["items"]:
        countries = {(e[k] or {}).get("country") for k in ("source", "target", "location")}
        assert e["type"] == "ASSAULT" and "AZE" in countries

    in_2023 = client.get("/api/events", params={"date_from": "2023", "date_to": "2023"}).json()
    assert in_2023["total"] > 0 and all(e["date"].startswith("2023") for e in in_2023["items"])
    actor = client.get("/api/events", params={"actor": "zelensky", "limit": 500}).json()
    assert actor["total"] > 0
    assert client.get("/api/events", params={"sort": "evil; DROP TABLE events"}).status_code == 422
    assert client.get("/api/events", params={"limit": 100000}).status_code == 422


def test_episodes_on_the_timeline(client):
    """The Karabakh war of 2020, the 2022 troop movement and the 2023 offensive show up as
    periods; events dated only to a year are counted apart at month precision, not pinned
    to January."""
    karabakh = client.get("/api/timeline", params={"bucket": "year", "country": "AZE"}).json()
    assert {"2020", "2022", "2023"} <= {p["period"] for p in karabakh["periods"]}
    months = client.get("/api/timeline", params={"bucket": "month"}).json()
    assert months["periods"] and all(len(p["period"]) == 7 for p in months["periods"])
    assert months["less_precise"] > 0


def test_fused_contested_and_map(client):
    fused = client.get("/api/fused", params={"limit": 5}).json()
    one = fused["items"][0]
    assert fused["total"] > 0 and re.search(r"\d+ independent sources?\.$", one["line"])
    assert client.get(f"/api/fused/{one['fused_id']}").json()["evidence"]
    contested = client.get("/api/contested").json()["items"]
    assert contested, "the samples hold denials (Rwanda, the Kremlin, Moscow)"
    assert all(c["denied"] for c in contested if c["status"] == "denied")
    points = client.get("/api/map").json()["items"]
    assert points and all(-90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180 for p in points)


def test_articles_claims_entities_stories(client):
    articles = client.get("/api/articles", params={"limit": 100}).json()
    assert articles["total"] == len(articles["items"]) >= 19
    doc = client.get(f"/api/articles/{articles['items'][0]['article_id']}").json()
    assert doc["text"] and "removed" in doc
    for e in doc["events"]:
        assert doc["text"][e["start"] : e["end"]] == e["sentence"]
    assert client.get("/api/articles/nope").status_code == 404
    denials = client.get("/api/claims", params={"stance": "deny"}).json()
    assert denials["total"] > 0 and all(c["stance"] == "deny" for c in denials["items"])
    top = client.get("/api/entities", params={"limit": 30}).json()["items"]
    pages = [client.get(f"/api/entities/{e['entity_id']}").json() for e in top]
    assert all(p["variants"] and {"as_source", "as_target"} <= set(p) for p in pages)
    assert any(p["as_source"] for p in pages) and any(p["as_target"] for p in pages)
    assert client.get("/api/entities/nope").status_code == 404
    assert isinstance(client.get("/api/stories").json(), list)
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/fused", "/api/timeline", "/api/ingest"} <= set(spec["paths"])


def test_scraped_script_stays_text(client):
    """The Kramatorsk sample carries an escaped <script>: the API returns it verbatim as
    JSON text, and every response forbids inline scripts."""
    hits = client.get("/api/events", params={"q": "<script>", "limit": 500}).json()["items"]
    assert hits and all(XSS in e["sentence"] for e in hits)
    doc = client.get(f"/api/articles/{hits[0]['article_id']}").json()
    assert XSS in doc["text"]
    page = client.get("/")
    assert (
        page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    )
    script = client.get("/static/app.js").text
    assert ".innerHTML" not in script and "insertAdjacentHTML" not in script
    assert client.get("/vendor/leaflet/leaflet.js").status_code == 200
    assert client.get("/vendor/world-atlas/countries-110m.json").status_code == 200


def test_read_only_without_token(client):
    upload = {"file": ("a.txt", b"Azerbaijan shelled Stepanakert on Monday.", "text/plain")}
    response = client.post("/api/ingest", files=upload)
    assert response.status_code == 403 and "read-only" in response.json()["detail"]


def test_writes_need_the_token_and_are_bounded(db, tmp_path, monkeypatch):
    import spacy

    from eventledger.nlp.model import load_nlp

    loads = []
    spacy_load = spacy.load
    monkeypatch.setattr(spacy, "load", lambda *a, **k: loads.append(a) or spacy_load(*a, **k))
    load_nlp.cache_clear()
    copy = tmp_path / "w.duckdb"
    shutil.copy(db, copy)
    writer = TestClient(create_app(copy, token="s3cret", max_body=20_000))
    text = (
        b"Shelling reported near Stepanakert\n\n"
        b"Azerbaijani forces shelled Stepanakert on Monday, killing two civilians, local officials "
        b"said in a statement released in the evening.\n\n"
        b"Armenia's foreign ministry accused Baku of violating the ceasefire agreed last year and "
        b"called on international mediators to send observers to the region without delay.\n\n"
        b"Azerbaijan's defence ministry denied the report and said its units had only returned "
        b"fire after coming under attack from positions held by Karabakh Armenian forces.\n"
    )
    upload = {"file": ("new.txt", text, "text/plain")}
    assert writer.post("/api/ingest", files=upload).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert writer.post("/api/ingest", files=upload, headers=wrong).status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    big = {"file": ("big.txt", b"x" * 30_000, "text/plain")}
    assert writer.post("/api/ingest", files=big, headers=auth).status_code == 413
    exe = {"file": ("run.exe", b"MZ", "application/octet-stream")}
    assert writer.post("/api/ingest", files=exe, headers=auth).status_code == 415
    before = writer.get("/api/health").json()["counts"]["articles"]
    done = writer.post("/api/ingest", files=upload, headers=auth)
    assert done.status_code == 200 and done.json()["new_articles"] == 1, done.json()["problems"]
    assert writer.get("/api/health").json()["counts"]["articles"] == before + 1
    found = writer.get("/api/events", params={"q": "Stepanakert on Monday"}).json()
    assert found["total"] >= 1
    more = {"file": ("more.txt", text.replace(b"Monday", b"Tuesday"), "text/plain")}
    assert writer.post("/api/ingest", files=more, headers=auth).json()["new_articles"] == 1
    assert len(loads) == 1  # the model stays loaded from one upload to the next
