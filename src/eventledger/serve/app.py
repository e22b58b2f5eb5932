"""The FastAPI app behind `eventledger serve`: a JSON API, the UI's static files and the
front-end packages npm installed. Read-only unless started with a token; writes (ingest an
uploaded file) need `Authorization: Bearer TOKEN`; request bodies are bounded."""

from __future__ import annotations

import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import duckdb
from fastapi import Depends, FastAPI, HTTPException, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from eventledger.serve import queries
from eventledger.serve.assets import STATIC, vendor_dirs
from eventledger.store import Store, StoreError
from eventledger.timeline.describe import date_label, describe
from eventledger.timeline.ledger import Filters, FusedEvent, load_fused, matches

MAX_BODY = 5_000_000  # bytes in one request: an uploaded article file, not a corpus
MAX_PAGE = 500
UPLOAD_SUFFIXES = {".txt", ".html", ".htm", ".jsonl", ".csv"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0)]
Text = Annotated[str | None, Query(max_length=200)]


def event_query(
    type: Text = None,
    status: Text = None,
    country: Text = None,
    actor: Text = None,
    story: Text = None,
    article_id: Text = None,
    fused_id: Text = None,
    date_from: Text = None,
    date_to: Text = None,
    q: Text = None,
) -> queries.EventQuery:
    return queries.EventQuery(
        type, status, country, actor, story, article_id, fused_id, date_from, date_to, q
    )


Events = Annotated[queries.EventQuery, Depends(event_query)]


@dataclass
class State:
    """What the app holds: one connection (read-only without a token), the fused cache."""

    db: Path
    token: str | None
    con: duckdb.DuckDBPyConnection
    store: Store | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    fused: list[FusedEvent] | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    def fused_events(self) -> list[FusedEvent]:
        with self.lock:
            if self.fused is None:
                self.fused = load_fused(self.cursor())
            return self.fused


def fused_json(event: FusedEvent) -> dict:
    doc = event.as_dict()
    doc["date_label"] = date_label(event.date, event.date_precision)
    doc["line"] = describe(event)
    return doc


def create_app(db: Path | str, token: str | None = None, max_body: int = MAX_BODY) -> FastAPI:
    db = Path(db)
    if token:
        store = Store(db)
        state = State(db, token, store.con, store)
    else:
        try:
            con = duckdb.connect(str(db), read_only=True)
        except duckdb.Error as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(f"cannot open the store {db} read-only: {first}") from exc
        state = State(db, None, con)
    app = FastAPI(
        title="eventledger",
        summary="A sourced ledger of conflict events: who did what to whom, when, where.",
        docs_url=None,  # FastAPI's own page loads Swagger UI from a CDN; ours is below
        redoc_url=None,
    )
    app.state.ledger = state

    @app.middleware("http")
    async def bound_and_harden(request: Request, call_next):
        if request.method in ("POST", "PUT", "PATCH"):
            length = request.headers.get("content-length")
            if length is None:
                return JSONResponse({"detail": "Content-Length required"}, status_code=411)
            if not length.isdigit() or int(length) > max_body:
                detail = f"request body over {max_body} bytes"
                return JSONResponse({"detail": detail}, status_code=413)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def require_token(request: Request) -> None:
        if state.token is None:
            raise HTTPException(403, "read-only server: start it with --token to allow writes")
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {state.token}".encode()):
            raise HTTPException(401, "missing or wrong token", {"WWW-Authenticate": "Bearer"})

    @app.get("/api/health", tags=["meta"])
    def health() -> dict:
        """Store path, counts and whether writes and the map's assets are available."""
        cur = state.cursor()
        counts = {
            t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("articles", "events", "claims", "entities")
        }
        return {
            "db": state.db.name,
            "writable": state.token is not None,
            "map_assets": set(vendor_dirs()) == {"leaflet", "topojson", "world-atlas"},
            "counts": counts,
        }

    @app.get("/api/facets", tags=["meta"])
    def facets() -> dict:
        """Values for the filter menus: types, statuses, countries, stories."""
        return queries.facets(state.cursor())

    @app.get("/api/events", tags=["events"])
    def events(
        query: Events,
        sort: Annotated[str, Query(max_length=20)] = "date",
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict:
        """Events (one per evidence sentence), filtered, sorted (`-date` reverses), paged."""
        try:
            return queries.events(state.cursor(), query, sort, limit, offset)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None

    @app.get("/api/events/{event_id}", tags=["events"])
    def event(event_id: str) -> dict:
        found = queries.event(state.cursor(), event_id)
        if found is None:
            raise HTTPException(404, "no such event")
        return found

    @app.get("/api/fused", tags=["events"])
    def fused(
        story: Text = None,
        actor: Text = None,
        country: Text = None,
        type: Text = None,
        date_from: Text = None,
        date_to: Text = None,
        status: Text = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> dict:
        """Real-world events fused across articles, with a readable line and the evidence."""
        wanted = Filters(story, actor, country, type, date_from, date_to)
        found = [
            e
            for e in state.fused_events()
            if matches(e, wanted) and (not status or e.status == status)
        ]
        return {"total": len(found), "items": [fused_json(e) for e in found[offset:][:limit]]}

    @app.get("/api/fused/{fused_id}", tags=["events"])
    def fused_event(fused_id: str) -> dict:
        found = next((e for e in state.fused_events() if e.fused_id == fused_id), None)
        if found is None:
            raise HTTPException(404, "no such fused event")
        return fused_json(found)

    @app.get("/api/contested", tags=["claims"])
    def contested(limit: Limit = 100, offset: Offset = 0) -> dict:
        """Events some party denies: both sides, each with its evidence."""
        found = [
            e for e in state.fused_events() if e.denied_by or e.status in ("contested", "denied")
        ]
        items = []
        for e in found[offset:][:limit]:
            doc = fused_json(e)
            doc["asserted"] = [ev for ev in doc["evidence"] if ev["status"] != "denied"]
            doc["denied"] = [ev for ev in doc["evidence"] if ev["status"] == "denied"]
            items.append(doc)
        return {"total": len(found), "items": items}

    @app.get("/api/timeline", tags=["events"])
    def timeline(
        query: Events, bucket: Annotated[str, Query(pattern="^(year|month|day)$")] = "month"
    ) -> dict:
        """Distinct events per period and type for the chart."""
        return queries.buckets(state.cursor(), query, bucket)

    @app.get("/api/map", tags=["events"])
    def map_points(query: Events, limit: Annotated[int, Query(ge=1, le=20000)] = 5000) -> dict:
        """Geocoded events for the map."""
        points = queries.map_points(state.cursor(), query, limit)
        return {"total": len(points), "items": points}

    @app.get("/api/articles", tags=["articles"])
    def articles(story: Text = None, limit: Limit = 50, offset: Offset = 0) -> dict:
        return queries.articles(state.cursor(), limit, offset, story)

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(article_id: str) -> dict:
        """Clean text, removed junk lines, and the offsets of its events and claims."""
        found = queries.article(state.cursor(), article_id)
        if found is None:
            raise HTTPException(404, "no such article")
        return found

    @app.get("/api/claims", tags=["claims"])
    def claims(
        stance: Text = None,
        speaker: Text = None,
        article_id: Text = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> dict:
        return queries.claims(state.cursor(), stance, speaker, article_id, limit, offset)

    @app.get("/api/entities", tags=["entities"])
    def entities(q: Text = None, label: Text = None, limit: Limit = 50, offset: Offset = 0) -> dict:
        return queries.entities(state.cursor(), q, label, limit, offset)

    @app.get("/api/entities/{entity_id}", tags=["entities"])
    def entity(entity_id: str) -> dict:
        """Variants and the events where the entity is the source or the target."""
        found = queries.entity(state.cursor(), entity_id)
        if found is None:
            raise HTTPException(404, "no such entity")
        return found

    @app.get("/api/stories", tags=["articles"])
    def stories() -> list[dict]:
        return queries.stories(state.cursor())

    @app.post("/api/ingest", tags=["write"], dependencies=[Depends(require_token)])
    def ingest(file: UploadFile) -> dict:
        """Process one uploaded file (.txt .html .jsonl .csv) into the store."""
        from eventledger.pipeline import run

        name = Path(file.filename or "upload.txt").name
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            raise HTTPException(415, f"upload one of {', '.join(sorted(UPLOAD_SUFFIXES))}")
        data = file.file.read(max_body + 1)
        if len(data) > max_body:
            raise HTTPException(413, f"file over {max_body} bytes")
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / name).write_bytes(data)
            with state.lock:
                report = run([folder], state.store, max_bytes=max_body, keep_model=True)
                state.fused = None
        return report.summary()

    for name, folder in vendor_dirs().items():
        app.mount(f"/vendor/{name}", StaticFiles(directory=folder), name=f"vendor-{name}")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """Interactive API docs (Swagger UI from node_modules)."""
        return FileResponse(STATIC / "docs.html")

    return app
