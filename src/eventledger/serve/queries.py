"""SQL behind the JSON API. Filters become bound parameters; sort keys come from a whitelist.

The event table and the chart's buckets are answered by DuckDB (they must stay fast on a big
store); fused events come from `timeline.ledger`, so the API and `eventledger timeline` agree."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import duckdb

from eventledger.timeline.ledger import table_exists

JSON_COLUMNS = {"source", "target", "location", "claimed_by", "speaker", "removed", "variants"}
JSON_COLUMNS |= {"article_ids", "asserted_by", "denied_by", "tolls", "dates", "event_ids"}
RENAMED = {"start_char": "start", "end_char": "end"}
SORTS = {
    "date": "e.date",
    "type": "e.type",
    "status": "e.status",
    "killed": "e.killed",
    "confidence": "e.confidence",
    "article": "(SELECT title FROM articles a WHERE a.article_id = e.article_id)",
    "source": "e.source_name",
    "target": "e.target_name",
    "location": "e.location_name",
}
EVENT_COLUMNS = """e.event_id, e.article_id, e.type, e.mode, e.source, e.target, e.date,
    e.date_precision, e.location, e.killed, e.injured, e.status, e.claimed_by, e.sentence,
    e.start_char, e.end_char, e.confidence, e.fused_id, e.story_id"""
EVENTS_WITH_ARTICLES = f"""SELECT {EVENT_COLUMNS}, a.title, a.published
    FROM events e LEFT JOIN articles a USING (article_id)"""
BUCKET_WIDTH = {"year": 4, "month": 7, "day": 10}


@dataclass
class EventQuery:
    """The event table's filters, as the UI and `GET /api/events` pass them."""

    type: str | None = None
    status: str | None = None
    country: str | None = None
    actor: str | None = None
    story: str | None = None
    article_id: str | None = None
    fused_id: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    q: str | None = None

    def where(self, alias: str = "e") -> tuple[str, list[Any]]:
        """Clauses over `events` (alias e) or `fused_events` (alias f); both carry the
        store's plain actor and place columns, so no JSON is parsed per row."""
        clauses, params = ["TRUE"], []
        for column, value in (
            ("type", self.type and self.type.upper()),
            ("status", self.status),
            ("story_id", self.story),
            ("article_id", self.article_id),
            ("fused_id", self.fused_id),
        ):
            if value:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        if self.country:
            clauses.append(
                f"? IN ({alias}.source_country, {alias}.target_country, {alias}.location_country)"
            )
            params.append(self.country.upper())
        if self.actor:
            names = ["source_name", "target_name"] + (["claimed_by_name"] if alias == "e" else [])
            clauses.append("(" + " OR ".join(f"{alias}.{n} ILIKE ?" for n in names) + ")")
            params += [f"%{self.actor}%"] * len(names)
        if self.q:
            clauses.append(f"{alias}.sentence ILIKE ?")
            params.append(f"%{self.q}%")
        if self.date_from:
            clauses.append(f"left({alias}.date, ?) >= ?")
            params += [len(self.date_from), self.date_from]
        if self.date_to:
            clauses.append(f"left({alias}.date, ?) <= ?")
            params += [len(self.date_to), self.date_to]
        return " AND ".join(clauses), params


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    """Dicts keyed as in the export (start/end), JSON columns decoded."""
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    out = []
    for values in cursor.fetchall():
        row = {}
        for name, value in zip(names, values, strict=True):
            if name in JSON_COLUMNS and isinstance(value, str):
                value = json.loads(value)
            row[RENAMED.get(name, name)] = value
        out.append(row)
    return out


def order_by(sort: str) -> str:
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(sorted(SORTS))} (prefix - to reverse)")
    direction = "DESC" if sort.startswith("-") else "ASC"
    return f"{SORTS[key]} {direction} NULLS LAST, e.rowid"


def events(
    con: duckdb.DuckDBPyConnection, query: EventQuery, sort: str, limit: int, offset: int
) -> dict:
    """One page of the event table. The page's ids are picked from `events` alone (ties
    broken by row order, which is cheap to sort on); then those rows and their articles are
    looked up by key."""
    where, params = query.where()
    total = con.execute(f"SELECT count(*) FROM events e WHERE {where}", params).fetchone()[0]
    page = [
        r[0]
        for r in con.execute(
            f"SELECT e.event_id FROM events e WHERE {where} ORDER BY {order_by(sort)}"
            " LIMIT ? OFFSET ?",
            [*params, limit, offset],
        ).fetchall()
    ]
    found = rows(
        con, f"SELECT {EVENT_COLUMNS} FROM events e WHERE e.event_id IN (SELECT unnest(?))", [page]
    )
    articles = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT article_id, title, published FROM articles"
            " WHERE article_id IN (SELECT unnest(?))",
            [list({r["article_id"] for r in found})],
        ).fetchall()
    }
    for row in found:
        row["title"], row["published"] = articles.get(row["article_id"], (None, None))
    position = {event_id: i for i, event_id in enumerate(page)}
    return {"total": total, "items": sorted(found, key=lambda r: position[r["event_id"]])}


def event(con: duckdb.DuckDBPyConnection, event_id: str) -> dict | None:
    found = rows(con, f"{EVENTS_WITH_ARTICLES} WHERE e.event_id = ?", [event_id])
    return found[0] if found else None


def buckets(con: duckdb.DuckDBPyConnection, query: EventQuery, bucket: str) -> dict:
    """Distinct real-world events per period and type; events dated less precisely than the
    bucket are counted apart rather than pinned to a first day or month.

    Once every event is fused, the fused events are the distinct real-world events, dated by
    their most precise report, so they are counted directly; filters that only event mentions
    carry (actor as claimant, sentence text, article) count distinct fused ids instead."""
    width = BUCKET_WIDTH[bucket]
    fused = (
        not (query.actor or query.q or query.article_id)
        and not con.execute("SELECT count(*) FROM events WHERE fused_id IS NULL").fetchone()[0]
    )
    if fused:
        where, params = query.where("f")
        base, n = f"FROM fused_events f WHERE {where}", "count(*)"
    else:
        where, params = query.where("e")
        base, n = f"FROM events e WHERE {where}", "count(DISTINCT coalesce(fused_id, event_id))"
    sql = f"""SELECT CASE WHEN length(date) >= {width} THEN left(date, {width}) END AS period,
                     type, {n} {base} GROUP BY 1, 2 ORDER BY 1, 2"""
    periods: dict[str, dict] = {}
    coarser = 0  # a real-world event has one type, so per-type counts add up
    for period, kind, count in con.execute(sql, params).fetchall():
        if period is None:
            coarser += count
            continue
        entry = periods.setdefault(period, {"period": period, "total": 0, "by_type": {}})
        entry["by_type"][kind] = count
        entry["total"] += count
    return {"bucket": bucket, "periods": list(periods.values()), "less_precise": coarser}


def map_points(con: duckdb.DuckDBPyConnection, query: EventQuery, limit: int) -> list[dict]:
    """Geocoded events: the location's own lat/lon, else the same place geocoded as an
    entity of the same article."""
    where, params = query.where()
    sql = f"""
        WITH places AS (
            SELECT article_id, text, any_value(lat) AS lat, any_value(lon) AS lon
            FROM entities WHERE lat IS NOT NULL AND lon IS NOT NULL GROUP BY 1, 2)
        SELECT * FROM (
        SELECT e.event_id, e.fused_id, e.article_id, e.type, e.status, e.date, e.sentence,
               a.title, e.location_name AS place, e.location_country AS country,
               coalesce(TRY_CAST(json_extract_string(e.location, '$.lat') AS DOUBLE), p.lat)
                   AS lat,
               coalesce(TRY_CAST(json_extract_string(e.location, '$.lon') AS DOUBLE), p.lon)
                   AS lon
        FROM events e LEFT JOIN articles a USING (article_id)
        LEFT JOIN places p ON p.article_id = e.article_id AND p.text = e.location_name
        WHERE {where})
        WHERE lat IS NOT NULL AND lon IS NOT NULL
        ORDER BY date NULLS LAST, event_id LIMIT ?"""
    return rows(con, sql, [*params, limit])


def facets(con: duckdb.DuckDBPyConnection) -> dict:
    """The values the UI's filter menus offer."""

    def column(sql: str) -> list:
        return [r[0] for r in con.execute(sql).fetchall() if r[0] is not None]

    return {
        "types": column("SELECT DISTINCT type FROM events ORDER BY 1"),
        "statuses": column("SELECT DISTINCT status FROM events ORDER BY 1"),
        "countries": column(
            """SELECT DISTINCT c FROM (
                 SELECT source_country AS c FROM events UNION
                 SELECT target_country FROM events UNION
                 SELECT location_country FROM events) ORDER BY 1"""
        ),
        "stories": stories(con),
    }


def stories(con: duckdb.DuckDBPyConnection) -> list[dict]:
    if table_exists(con, "stories") and con.execute("SELECT count(*) FROM stories").fetchone()[0]:
        return rows(con, "SELECT * FROM stories ORDER BY first_date NULLS LAST, story_id")
    return rows(
        con,
        """SELECT story_id, story_id AS label, list(article_id ORDER BY article_id) AS article_ids,
                  min(published) AS first_date, max(published) AS last_date,
                  count(*) AS n_articles
           FROM articles WHERE story_id IS NOT NULL GROUP BY story_id ORDER BY story_id""",
    )


def articles(con: duckdb.DuckDBPyConnection, limit: int, offset: int, story: str | None) -> dict:
    where, params = ("a.story_id = ?", [story]) if story else ("TRUE", [])
    total = con.execute(f"SELECT count(*) FROM articles a WHERE {where}", params).fetchone()[0]
    sql = f"""SELECT a.article_id, a.title, a.published, a.published_precision, a.source_path,
                     a.url, a.source, a.language, a.status, a.story_id, a.duplicate_of,
                     a.duplicate_kind, count(e.event_id) AS n_events
              FROM articles a LEFT JOIN events e USING (article_id) WHERE {where}
              GROUP BY ALL ORDER BY a.published DESC NULLS LAST, a.article_id LIMIT ? OFFSET ?"""
    return {"total": total, "items": rows(con, sql, [*params, limit, offset])}


def article(con: duckdb.DuckDBPyConnection, article_id: str) -> dict | None:
    found = rows(
        con,
        """SELECT article_id, title, published, published_precision, published_source,
                  source_path, url, source, language, status, skip_reason, story_id,
                  duplicate_of, duplicate_kind, text, removed
           FROM articles WHERE article_id = ?""",
        [article_id],
    )
    if not found:
        return None
    doc = found[0]
    doc["events"] = rows(
        con,
        """SELECT event_id, type, status, start_char, end_char, sentence, fused_id, source,
                  target, date, date_precision, claimed_by
           FROM events WHERE article_id = ? ORDER BY start_char, event_id""",
        [article_id],
    )
    doc["claims"] = rows(
        con,
        """SELECT claim_id, speaker, speaker_text, verb, stance, content, direct, start_char,
                  end_char FROM claims WHERE article_id = ? ORDER BY start_char, claim_id""",
        [article_id],
    )
    return doc


def claims(
    con: duckdb.DuckDBPyConnection,
    stance: str | None,
    speaker: str | None,
    article_id: str | None,
    limit: int,
    offset: int,
) -> dict:
    clauses, params = ["TRUE"], []
    if stance:
        clauses.append("c.stance = ?")
        params.append(stance)
    if speaker:
        clauses.append(
            "(c.speaker_text ILIKE ? OR json_extract_string(c.speaker, '$.name') ILIKE ?)"
        )
        params += [f"%{speaker}%"] * 2
    if article_id:
        clauses.append("c.article_id = ?")
        params.append(article_id)
    base = f"FROM claims c LEFT JOIN articles a USING (article_id) WHERE {' AND '.join(clauses)}"
    total = con.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    sql = f"""SELECT c.*, a.title, a.published {base}
              ORDER BY a.published DESC NULLS LAST, c.article_id, c.start_char LIMIT ? OFFSET ?"""
    return {"total": total, "items": rows(con, sql, [*params, limit, offset])}


ENTITY_SQL = """
    SELECT {key} AS entity_id, mode(text) AS name, any_value(label) AS label,
           mode(country) AS country, mode(sector) AS sector,
           list(DISTINCT text ORDER BY text) AS variants,
           list(DISTINCT article_id ORDER BY article_id) AS article_ids, count(*) AS mentions
    FROM entities GROUP BY {key}"""
DERIVED_KEY = "coalesce(entity_id, 'x' || left(md5(label || '|' || lower(text)), 12))"


def _entity_source(con: duckdb.DuckDBPyConnection) -> str:
    """canonical_entities once the corpus step has filled it, else entities grouped by id."""
    if (
        table_exists(con, "canonical_entities")
        and con.execute("SELECT count(*) FROM canonical_entities").fetchone()[0]
    ):
        return "SELECT * FROM canonical_entities"
    return ENTITY_SQL.format(key=DERIVED_KEY)


def entities(
    con: duckdb.DuckDBPyConnection, q: str | None, label: str | None, limit: int, offset: int
) -> dict:
    clauses, params = ["TRUE"], []
    if q:
        clauses.append("(name ILIKE ? OR list_contains(variants::VARCHAR[], ?))")
        params += [f"%{q}%", q]
    if label:
        clauses.append("label = ?")
        params.append(label)
    base = f"FROM ({_entity_source(con)}) WHERE {' AND '.join(clauses)}"
    total = con.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    sql = f"SELECT * {base} ORDER BY mentions DESC NULLS LAST, name LIMIT ? OFFSET ?"
    return {"total": total, "items": rows(con, sql, [*params, limit, offset])}


def entity(con: duckdb.DuckDBPyConnection, entity_id: str, limit: int = 200) -> dict | None:
    """An entity with its variants and the events it is the source or the target of."""
    found = rows(con, f"SELECT * FROM ({_entity_source(con)}) WHERE entity_id = ?", [entity_id])
    if not found:
        return None
    doc = found[0]
    variants = sorted({str(v).lower() for v in (doc.get("variants") or [])} | {doc["name"].lower()})
    for role in ("source", "target"):
        doc[f"as_{role}"] = rows(
            con,
            f"""{EVENTS_WITH_ARTICLES}
                WHERE list_contains(?, lower(e.{role}_name))
                ORDER BY e.date NULLS LAST, e.event_id LIMIT ?""",
            [variants, limit],
        )
    return doc
