"""The UI's queries on a big store: 1M synthetic events, p95 latency per query.

    python bench/store_queries.py                # 1,000,000 events over 100,000 articles
    python bench/store_queries.py --events 100000

Builds a DuckDB store with the project's schema (synthetic rows made in SQL: dates of
day/month/year precision over 15 years, 20 event types, 60 countries, fused ids shared by
~1.7 events each), then times the API's own query functions (`serve.queries.events` for
the event table, `serve.queries.buckets` for the timeline chart) under the filters the UI
offers. Prints p50/p95 per query and writes JSON to
bench/results/. Target: p95 < 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from record import save

from eventledger.serve.queries import EventQuery, buckets, events
from eventledger.store import Store

TYPES = [
    "ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "THREATEN", "PROTEST", "REJECT", "ACCUSE",
    "REQUEST", "SUPPORT", "AGREE", "CONSULT", "COOPERATE", "AID", "RETREAT", "CONCEDE",
    "INVESTIGATE", "DISAPPROVE", "ENGAGE", "YIELD",
]  # fmt: skip


def build(db: Path, n_events: int, n_articles: int) -> None:
    """Synthetic articles and events, deterministic (hashes of the row number)."""
    with Store(db):
        pass  # the schema
    con = duckdb.connect(str(db))
    _lookup(con, "countries", "code", _countries(60))
    _lookup(con, "types", "type", TYPES)
    con.execute(
        f"""INSERT INTO articles (article_id, source_path, title, published, status, story_id)
        SELECT 'a' || i, 'synthetic/' || i || '.txt', 'Article ' || i,
               strftime(DATE '2010-01-01' + CAST(hash(i) % 5478 AS INTEGER), '%Y-%m-%d'),
               'ok', 'st_' || (hash(i * 7) % 2000)
        FROM range({n_articles}) r(i)"""
    )
    con.execute(
        f"""INSERT INTO events (event_id, article_id, type, source, target, date,
               date_precision, location, killed, status, sentence, start_char, end_char,
               confidence, fused_id, trigger)
        WITH r AS (SELECT i, hash(i) AS h, hash(i + 1000003) AS g FROM range({n_events}) t(i)),
        d AS (SELECT *, DATE '2010-01-01' + CAST(h % 5478 AS INTEGER) AS day,
                     CASE WHEN g % 10 < 7 THEN 'day' WHEN g % 10 < 9 THEN 'month'
                          ELSE 'year' END AS prec FROM r)
        SELECT 'ev_' || i, 'a' || (h % {n_articles}), ty.type,
               json_object('name', 'Actor ' || (g % 500), 'country', c1.code),
               json_object('name', 'Actor ' || (h % 700), 'country', c2.code),
               CASE prec WHEN 'day' THEN strftime(day, '%Y-%m-%d')
                         WHEN 'month' THEN strftime(day, '%Y-%m') ELSE strftime(day, '%Y') END,
               prec,
               json_object('name', 'Place ' || (g % 900), 'country', c2.code),
               CASE WHEN ty.type = 'ASSAULT' AND g % 3 = 0 THEN CAST(g % 50 AS INTEGER) END,
               CASE WHEN g % 20 = 0 THEN 'claimed' WHEN g % 50 = 1 THEN 'denied'
                    ELSE 'reported' END,
               'Synthetic evidence sentence number ' || i || ' about shelling near Place '
                   || (g % 900) || '.',
               0, 80, (g % 100) / 100.0, 'fu_' || (i * 3 // 5), 'shelled'
        FROM d JOIN types ty ON ty.k = d.h % 20
               JOIN countries c1 ON c1.k = d.g % 60 JOIN countries c2 ON c2.k = d.h % 60"""
    )
    con.execute(
        """INSERT INTO fused_events (fused_id, type, date, date_precision, status, source,
               target, location, event_ids, article_ids, independent_sources, confidence,
               sentence, story_id)
        SELECT e.fused_id, any_value(e.type), min(e.date), any_value(e.date_precision),
               any_value(e.status), any_value(e.source), any_value(e.target),
               any_value(e.location), to_json(list(e.event_id)),
               to_json(list(DISTINCT e.article_id)), count(DISTINCT e.article_id),
               max(e.confidence), any_value(e.sentence), any_value(a.story_id)
        FROM events e JOIN articles a USING (article_id) GROUP BY fused_id"""
    )
    con.close()
    with Store(db) as store:
        store.fill_derived("events")
        store.fill_derived("fused_events")
        store.con.execute("CHECKPOINT")


def _lookup(con: duckdb.DuckDBPyConnection, table: str, column: str, values: list[str]) -> None:
    """A temp table (k, column) to pick values by a hash modulo its size."""
    con.execute(f"CREATE TEMP TABLE {table} (k INTEGER, {column} VARCHAR)")
    con.executemany(f"INSERT INTO {table} VALUES (?, ?)", list(enumerate(values)))


def _countries(n: int) -> list[str]:
    return [chr(65 + i // 26 % 26) + chr(65 + i % 26) + "X" for i in range(n)]


FILTERS = {
    "none": EventQuery(),
    "type": EventQuery(type="ASSAULT"),
    "country": EventQuery(country="ABX"),
    "type+country+dates": EventQuery(
        type="ASSAULT", country="ACX", date_from="2015-01", date_to="2016-12"
    ),
    "actor text": EventQuery(actor="Actor 42"),
    "story": EventQuery(story="st_17"),
}


def timings(fn, repeat: int) -> dict:
    """Wall p50/p95, and p95 of this process's CPU time (steadier on a shared machine)."""
    fn()  # warm
    wall, used = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        used.append((time.process_time() - cpu) * 1000)
    return {
        "p50_ms": round(statistics.median(wall), 1),
        "p95_ms": round(_p95(wall), 1),
        "p95_cpu_ms": round(_p95(used), 1),
    }


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads (the laptop's cores)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="elstore-") as tmp:
        db = Path(tmp) / "big.duckdb"
        start = time.perf_counter()
        build(db, args.events, args.articles)
        print(f"built {args.events:,} events in {time.perf_counter() - start:.1f} s")
        con = duckdb.connect(str(db), read_only=True)
        con.execute(f"SET threads = {args.threads}")
        results = {}
        for name, query in FILTERS.items():
            for kind, fn in (
                ("event table", lambda q=query: events(con, q, "-date", 50, 200)),
                ("timeline", lambda q=query: buckets(con, q, "month")),
            ):
                key = f"{kind} [{name}]"
                results[key] = timings(fn, args.repeat)
                r = results[key]
                print(f"{key:42s} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms"
                      f"  (cpu p95 {r['p95_cpu_ms']:.1f} ms)")  # fmt: skip
        worst = max(results.values(), key=lambda r: r["p95_ms"])["p95_ms"]
        print(f"worst p95 {worst} ms (target < 100 ms)")
    out = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "events": args.events,
        "articles": args.articles,
        "threads": args.threads,
        "queries": results,
        "worst_p95_ms": worst,
    }
    save(f"store-{out['when'][:19].replace(':', '')}", out)


if __name__ == "__main__":
    main()
