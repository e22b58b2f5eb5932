"""What adding 1% new articles to a stored corpus costs (issue 8: about 1% more).

Stores N synthetic articles (`corpus_scale.synthesize`: real Timeline17 sentences, 25
event and 30 entity mentions each) in a fresh DuckDB store and runs the corpus stage as
`eventledger run` does (read the store, the pass, write the answers); then adds N/100
new articles and runs it again: first online, as `eventledger run` does for a few new
articles (placing them among the stored answers), then as a full pass, once with the
per-article work cached in the store (`article_cache`) and once with the cache emptied.
The pipeline's own time for the articles is taken at --pipeline-rate articles/s
(bench/run.py measures about 3.0 on 2 cores), so the ratios say what a second run costs
against the first.

    python bench/corpus_incremental.py               # N = 10000
    python bench/corpus_incremental.py --size 2000
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from corpus_scale import synthesize
from record import save

from eventledger.fuse.stage import corpus_stage
from eventledger.store.duck import Store, _row


def add(store: Store, articles: list[dict], events: list[dict], entities: list) -> None:
    """Articles and their mentions as the batches would have stored them."""
    store._insert("articles", [{**a, "status": "ok"} for a in articles])
    store._insert("events", [_row(e) for e in events])
    store._insert(
        "entities", [_row({**e._asdict(), "end": e.start + len(e.text)}) for e in entities]
    )


def article_of(row) -> str:
    """Articles and events are dicts, entities `EntityRow`s."""
    return row["article_id"] if isinstance(row, dict) else row.article_id


def timed_stage(store: Store, online: bool = False) -> tuple[float, float, dict]:
    t, cpu = time.perf_counter(), time.process_time()
    result = corpus_stage(store, online)
    return time.perf_counter() - t, time.process_time() - cpu, result.timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--pipeline-rate", type=float, default=3.0)
    args = parser.parse_args()
    n, extra = args.size, max(1, args.size // 100)
    articles, events, entities = synthesize(n + extra)
    old = {a["article_id"] for a in articles[:n]}

    def part(rows: list, new: bool) -> list:
        return [r for r in rows if (article_of(r) in old) != new]

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "ledger.duckdb")
        add(store, part(articles, False), part(events, False), part(entities, False))
        first, first_cpu, first_steps = timed_stage(store)
        add(store, part(articles, True), part(events, True), part(entities, True))
        online, online_cpu, online_steps = timed_stage(store, online=True)
        second, second_cpu, second_steps = timed_stage(store)
        store.con.execute("DELETE FROM article_cache; DELETE FROM mention_cache")
        uncached, uncached_cpu, _ = timed_stage(store)
        store.close()
    rate = args.pipeline_rate
    run1, run2, run_online = n / rate + first, extra / rate + second, extra / rate + online
    cpu1, cpu2 = n / rate + first_cpu, extra / rate + second_cpu  # steadier when shared
    row = {
        "articles": n,
        "added": extra,
        "first_stage_s": round(first, 2),
        "first_stage_cpu_s": round(first_cpu, 2),
        "first_steps": first_steps,
        "online_stage_s": round(online, 2),
        "online_stage_cpu_s": round(online_cpu, 2),
        "online_steps": online_steps,
        "online_run_s": round(run_online),
        "online_over_first_run": round(run_online / run1, 4),
        "online_over_first_run_cpu": round((extra / rate + online_cpu) / cpu1, 4),
        "second_stage_s": round(second, 2),
        "second_stage_cpu_s": round(second_cpu, 2),
        "second_steps": second_steps,
        "second_stage_uncached_s": round(uncached, 2),
        "second_stage_uncached_cpu_s": round(uncached_cpu, 2),
        "pipeline_rate": rate,
        "first_run_s": round(run1),
        "second_run_s": round(run2),
        "second_over_first_run": round(run2 / run1, 4),
        "second_over_first_run_uncached": round((extra / rate + uncached) / run1, 4),
        "second_over_first_run_cpu": round(cpu2 / cpu1, 4),
        "second_over_first_run_uncached_cpu": round((extra / rate + uncached_cpu) / cpu1, 4),
    }
    print(json.dumps(row))
    print(
        f"first run of {n} articles: {run1:.0f} s ({n / rate:.0f} s pipeline at {rate}/s +"
        f" {first:.1f} s corpus stage); adding {extra} online: {run_online:.0f} s"
        f" ({extra / rate:.0f} s + {online:.1f} s corpus stage) ="
        f" {100 * run_online / run1:.2f}% of the first run; as a full pass:"
        f" {run2:.0f} s ({extra / rate:.0f} s +"
        f" {second:.1f} s corpus stage, {uncached:.1f} s without the cache) ="
        f" {100 * run2 / run1:.2f}% of the first run"
        f" ({100 * (extra / rate + uncached) / run1:.2f}% without the cache); counting the"
        f" stage's CPU seconds instead: {100 * row['second_over_first_run_cpu']:.2f}%"
        f" ({100 * row['second_over_first_run_uncached_cpu']:.2f}% without the cache)"
    )
    save(f"corpus_incremental-{n}", row)


if __name__ == "__main__":
    main()
