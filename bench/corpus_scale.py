"""How the corpus stage (near-duplicates, rewrites, stories, fusion, entities) grows.

Builds N synthetic articles from real Timeline17 sentences (each article mixes sentences
of several articles of one topic, so dedup does not collapse them; every 20th is a
re-published copy with 15% of its words changed), with about 25 synthetic event mentions
and 30 entity mentions per article, and times `corpus_pass` on them. Prints seconds per
step, peak RSS and the growth exponent between sizes; writes JSON to bench/results/.
CPU seconds are printed too: on a shared machine they are the steadier figure.

    python bench/corpus_scale.py                 # 1k and 10k articles
    python bench/corpus_scale.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import re
import resource
import subprocess
import sys
import tarfile
import time
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from record import save

from eventledger.fuse.corpus import corpus_pass
from eventledger.fuse.entities import EntityRow

SHARED = Path(os.environ.get("EVENTLEDGER_SHARED", Path(__file__).resolve().parents[2] / "shared"))
T17 = SHARED / "eval-data" / "t17" / "articles.tar.gz"
TYPES = [
    "ASSAULT",
    "COERCE",
    "ACCUSE",
    "REQUEST",
    "CONSULT",
    "AGREE",
    "THREATEN",
    "REJECT",
    "MOBILIZE",
    "AID",
    "SUPPORT",
    "SANCTION",
    "PROTEST",
    "RETREAT",
    "CONCEDE",
    "COOPERATE",
]
COUNTRIES = ["EGY", "LBY", "SYR", "YEM", "IRQ", "USA", "GBR", "FRA", "RUS", "TUR", "ISR", "IRN"]
SURNAMES = [
    "Mubarak",
    "Gaddafi",
    "Assad",
    "Saleh",
    "Maliki",
    "Obama",
    "Cameron",
    "Sarkozy",
    "Putin",
    "Erdogan",
    "Netanyahu",
    "Khamenei",
    "Morsi",
    "Tantawi",
    "Jalil",
    "Hadi",
]
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def topics() -> dict[str, list[str]]:
    """Sentences per topic from the Timeline17 articles."""
    out: dict[str, list[str]] = {}
    with tarfile.open(T17) as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".txt"):
                topic = member.name.split("/")[0]
                text = tar.extractfile(member).read().decode("utf-8", "replace")
                out.setdefault(topic, []).extend(
                    s for s in SENTENCE.split(" ".join(text.split())) if 40 < len(s) < 400
                )
    return out


def spelled(name: str, rng: random.Random) -> str:
    if rng.random() < 0.1 and len(name) > 4:  # a typo or transliteration
        i = rng.randrange(1, len(name) - 1)
        return name[:i] + name[i + 1 :]
    return name


@cache
def actor(country: str, role: str) -> dict:
    """One shared dict per actor, as the store's reader shares identical actor JSON."""
    return {"name": country, "country": country, "sector": "GOV" if role == "s" else None}


def synthesize(n: int, seed: int = 0) -> tuple[list[dict], list[dict], list[dict]]:
    rng = random.Random(seed)
    pools = topics()
    names = sorted(pools)
    articles, events, entities = [], [], []
    start = date(2011, 1, 1)
    for k in range(n):
        topic = names[k % len(names)]
        day = start + timedelta(days=rng.randrange(700))
        if k % 20 == 19:  # a re-published copy of the previous article of this topic
            words = articles[-len(names)]["text"].split()
            text = " ".join(w if rng.random() > 0.15 else rng.choice(words) for w in words)
        else:
            text = " ".join(rng.sample(pools[topic], min(40, len(pools[topic]))))
        aid = f"a{k:07d}"
        articles.append(
            {
                "article_id": aid,
                "title": topic,
                "text": text,
                "published": day.isoformat(),
                "published_precision": "day",
                "source": f"outlet{k % 50}",
            }
        )
        for e in range(25):
            src, tgt = (actor(c, r) for c, r in zip(rng.sample(COUNTRIES, 2), "st", strict=True))
            when = day - timedelta(days=rng.randrange(3))
            events.append(
                {
                    "event_id": f"{aid}-e{e}",
                    "article_id": aid,
                    "type": rng.choice(TYPES),
                    "source": src,
                    "target": tgt,
                    "date": when.isoformat(),
                    "date_precision": "day",
                    "status": "reported",
                    "claimed_by": None,
                    "sentence": "s",
                    "start": e * 100,
                    "confidence": 0.6,
                    "location": None,
                    "killed": rng.choice([None, None, 3, 5]),
                    "injured": None,
                    "mode": None,
                }
            )
        for m in range(30):
            first = rng.choice(["Hosni", "Bashar", "Ali", "Barack", "Vladimir", "Recep"])
            entities.append(
                EntityRow(
                    rowid=len(entities),
                    article_id=aid,
                    start=m * 50,
                    text=f"{first} {spelled(rng.choice(SURNAMES), rng)}",
                    label="PERSON",
                    country=rng.choice([None, rng.choice(COUNTRIES)]),
                )
            )
    return articles, events, entities


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(n: int, rate: float) -> dict:
    """One size, in this process: inputs, then `corpus_pass` as the store's stage runs it."""
    articles, events, entities = synthesize(n)
    n_events, inputs_mb = len(events), rss_mb()
    gc.freeze()  # the inputs live throughout: the collector need not walk them again
    t, cpu = time.perf_counter(), time.process_time()
    result = corpus_pass(articles, events, [], entities, compact=True)
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    gc.unfreeze()
    pipeline = n / rate
    steps = result.timings
    return {
        "articles": n,
        "events": n_events,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "per_article_ms": round(1000 * seconds / n, 3),
        "steps": steps,
        "duplicates": len(result.duplicates),
        "stories": len(result.stories),
        "fused": len(result.fused),
        "inputs_rss_mb": round(inputs_mb),
        "peak_rss_mb": round(peak_rss_mb()),
        "pipeline_seconds_at_rate": round(pipeline),
        "dedup_fusion_share": round((steps["duplicates"] + steps["fusion"]) / pipeline, 4),
        "corpus_share": round(seconds / pipeline, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument(
        "--pipeline-rate",
        type=float,
        default=3.0,
        help="articles/s of the whole pipeline on 2 cores, as measured by bench/run.py",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # one size, JSON out
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.pipeline_rate)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = []
    for n in sizes:  # each size in a fresh process, so its peak RSS is its own
        command = [sys.executable, __file__, "--one", str(n)]
        command += ["--pipeline-rate", str(args.pipeline_rate)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        row = json.loads(out.splitlines()[-1])
        rows.append(row)
        print(json.dumps(row))
        print(
            f"{n} articles: {row['seconds']} s ({row['cpu_seconds']} s CPU), peak RSS"
            f" {row['peak_rss_mb']} MB ({row['inputs_rss_mb']} MB after building the inputs);"
            f" dedup + fusion {100 * row['dedup_fusion_share']:.2f}% and the whole corpus"
            f" stage {100 * row['corpus_share']:.2f}% of the pipeline's"
            f" {row['pipeline_seconds_at_rate']} s at {args.pipeline_rate} articles/s"
        )
    for a, b in zip(rows, rows[1:], strict=False):
        size = math.log(b["articles"] / a["articles"])
        growth = math.log(b["seconds"] / a["seconds"]) / size
        cpu = math.log(b["cpu_seconds"] / a["cpu_seconds"]) / size
        memory = math.log(b["peak_rss_mb"] / a["peak_rss_mb"]) / size
        b["growth_exponent"], b["cpu_growth_exponent"] = round(growth, 3), round(cpu, 3)
        b["peak_rss_growth_exponent"] = round(memory, 3)
        print(
            f"{a['articles']} -> {b['articles']} articles: time grows as n^{growth:.2f}"
            f" (CPU time n^{cpu:.2f}), peak RSS as n^{memory:.2f}"
        )
    save(f"corpus_scale-{'-'.join(map(str, sizes))}", rows)


if __name__ == "__main__":
    main()
