"""Pipeline speed on real Timeline17 articles, against a bare spaCy pass on the same texts.

    python bench/run.py                    # sizes 300 and 1000
    python bench/run.py --long             # adds 10k and 100k (hours on a laptop)
    python bench/run.py --sizes 50,100 --dask-size 50 --profile
    python bench/run.py --sizes 10000 --no-dask --no-bare   # memory and throughput only

Each size runs in a fresh process on a corpus file the parent wrote (so peak RSS is the
pipeline's own, not the corpus builder's): the full pipeline
(`eventledger.pipeline.run`, corpus stage included) into a new store, then a re-run on
the unchanged corpus, then the same plus 1% new articles (what adding a day's news
costs), then a bare `nlp.pipe` of the stock spaCy model over the same clean
texts. Sizes beyond the 4,625 non-empty articles are made by mixing sentences across
articles of one topic, so near-duplicate detection does not collapse them. With
--dask-size N, N articles also go through the Dask engine with 1 and then 2 workers.
Prints figures and ratios and writes them as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from record import RESULTS, save

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARCHIVE = "eval-data/t17/articles.tar.gz"
DEFAULT_SIZES = (300, 1000)
LONG_SIZES = (10_000, 100_000)


def load_t17(shared: Path) -> dict[str, list[tuple[str, str]]]:
    """topic -> [(published date, text)] for every non-empty article, in archive order."""
    topics: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with tarfile.open(shared / ARCHIVE) as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            if not member.isfile():
                continue
            text = tar.extractfile(member).read().decode("utf-8", "replace").strip()
            parts = member.name.split("/")  # Topic_source/InputDocs/YYYY-MM-DD/id.htm.txt
            if text and len(parts) == 4:
                topics[parts[0].split("_")[0]].append((parts[2], text))
    return topics


def corpus(topics: dict[str, list[tuple[str, str]]], size: int, seed: int = 17) -> list[dict]:
    """`size` articles spread over the topics: real ones first, then mixed ones."""
    rng = random.Random(seed)
    real = [(t, d, x) for t, items in topics.items() for d, x in items]
    rng.shuffle(real)
    rows = [{"text": x, "published": d, "source": t} for t, d, x in real[:size]]
    names = sorted(topics)
    pools = {t: [ln for _, x in topics[t] for ln in x.splitlines() if ln.strip()] for t in names}
    for n in range(size - len(rows)):
        topic = names[n % len(names)]
        date, model = rng.choice(topics[topic])
        lines = rng.sample(pools[topic], max(5, len(model.splitlines())))
        rows.append({"text": "\n".join(lines), "published": date, "source": topic})
    return rows


def write_corpus(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")


def count(path: Path) -> tuple[int, int]:
    """(articles, words) of a corpus file, read a line at a time."""
    articles = words = 0
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            articles += 1
            words += len(json.loads(line)["text"].split())
    return articles, words


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_run(paths: list[Path], db: Path, batch_size: int, engine=None, profile=None) -> dict:
    from eventledger.pipeline import local_engine, run
    from eventledger.store import Store

    with Store(db) as store:
        wall, used = time.perf_counter(), cpu()
        if profile is not None:
            profile.start()
        inputs = [str(p) for p in paths]
        report = run(inputs, store, batch_size=batch_size, engine=engine or local_engine)
        if profile is not None:
            profile.stop()
        wall, used = time.perf_counter() - wall, cpu() - used
    summary = report.summary()
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(used, 2),
        "stage_s": summary["seconds"],
        "new_articles": summary["new_articles"],
        "corpus_pass": summary["corpus_pass"],
        "events": summary["events"],
        "claims": summary["claims"],
    }


def timed_export(db: Path, out: Path) -> dict:
    """The exports `eventledger run` writes after the pipeline: every table, three formats."""
    from eventledger.export import export_store
    from eventledger.store import Store

    with Store(db) as store:
        wall = time.perf_counter()
        written = export_store(store, out)
        wall = time.perf_counter() - wall
    size = sum(p.stat().st_size for p in written.values())
    return {"wall_s": round(wall, 2), "files": len(written), "mb": round(size / 2**20)}


def clean_texts(db: Path) -> list[str]:
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT text FROM articles WHERE status = 'ok' ORDER BY 1").fetchall()
    return [r[0] for r in rows]


def bare_pass(texts: list[str]) -> dict:
    """The stock model, all components, default batching: what the pipeline is held to."""
    import spacy

    from eventledger.nlp.model import MODEL

    nlp = spacy.load(MODEL)
    wall, used = time.perf_counter(), cpu()
    for _ in nlp.pipe(texts):
        pass
    return {"wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(cpu() - used, 2)}


def dask_runs(path: Path, work: Path, batch_size: int) -> dict:
    """The same articles through the Dask engine with 1 and 2 local workers."""
    from eventledger.dask_engine import dask_engine

    out = {}
    for workers in (1, 2):
        start = time.perf_counter()
        with dask_engine(workers) as engine:
            ready = time.perf_counter() - start
            figures = timed_run([path], work / f"dask{workers}.duckdb", batch_size, engine)
        out[f"workers_{workers}"] = {**figures, "startup_s": round(ready, 2)}
    one, two = out["workers_1"]["wall_s"], out["workers_2"]["wall_s"]
    out["speedup_2_vs_1"] = round(one / two, 2) if two else None
    return out


def one_size(
    size: int,
    path: Path,
    batch_size: int,
    dask: bool,
    profile: bool,
    bare: bool = True,
    more: Path | None = None,
) -> dict:
    """Everything measured for one size, in this (fresh) process. `more`: 1% new
    articles, added to the store after the re-run, the way a user adds a day's news."""
    from eventledger.nlp.model import load_nlp

    articles, n_words = count(path)
    with tempfile.TemporaryDirectory(prefix="elbench-") as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        load_nlp()
        load_s = time.perf_counter() - start
        first = timed_run([path], work / "ledger.duckdb", batch_size)
        rss = peak_rss_mb()
        again = timed_run([path], work / "ledger.duckdb", batch_size)
        added = timed_run([path, more], work / "ledger.duckdb", batch_size) if more else None
        exported = timed_export(work / "ledger.duckdb", work / "out")
        rss_all = peak_rss_mb()
        texts = clean_texts(work / "ledger.duckdb") if bare else None
        result = {
            "size": size,
            "articles": articles,
            "words": n_words,
            "model_load_s": round(load_s, 2),
            "pipeline": first,
            "peak_rss_mb": round(rss),
            "rerun": again,
        }
        if added is not None:
            result["added"] = added
        result["export"] = {**exported, "peak_rss_mb": round(rss_all)}
        if texts is not None:
            result["bare_spacy"] = {**bare_pass(texts), "texts": len(texts)}
        result["figures"] = figures(result)
        if profile:  # a separate run: the profiler's overhead must not enter the figures
            from pyinstrument import Profiler

            profiler = Profiler()
            timed_run([path], work / "profiled.duckdb", batch_size, profile=profiler)
            RESULTS.mkdir(parents=True, exist_ok=True)
            text = profiler.output_text(unicode=False, color=False, show_all=False)
            (RESULTS / f"profile-{size}.txt").write_text(text)
        if dask:
            result["dask"] = dask_runs(path, work, batch_size)
    return result


def figures(r: dict) -> dict:
    wall = r["pipeline"]["wall_s"]
    out = {
        "articles_per_s": round(r["articles"] / wall, 2),
        "words_per_s": round(r["words"] / wall),
        "rerun_share": round(r["rerun"]["wall_s"] / wall, 4),
    }
    if "added" in r:
        out["added_share"] = round(r["added"]["wall_s"] / wall, 4)
    if "export" in r:
        out["export_share"] = round(r["export"]["wall_s"] / wall, 4)
    if "bare_spacy" in r:
        bare = r["bare_spacy"]["wall_s"]
        out |= {
            "ratio_wall": round(wall / bare, 3),
            "ratio_cpu": round(r["pipeline"]["cpu_s"] / r["bare_spacy"]["cpu_s"], 3),
            "bare_articles_per_s": round(r["bare_spacy"]["texts"] / bare, 2),
            "bare_words_per_s": round(r["words"] / bare),
        }
    return out


def growth(results: list[dict]) -> list[dict]:
    """Time ~ size^k between consecutive sizes (k = 1 is linear)."""
    out = []
    for a, b in zip(results, results[1:], strict=False):
        k = math.log(b["pipeline"]["wall_s"] / a["pipeline"]["wall_s"]) / math.log(
            b["articles"] / a["articles"]
        )
        out.append({"from": a["size"], "to": b["size"], "exponent": round(k, 3)})
    return out


def show(r: dict) -> None:
    f = r["figures"]
    bare = (
        f"bare pass {r['bare_spacy']['wall_s']:8.1f} s  {f['bare_articles_per_s']:6.2f} articles/s"
        f"  {f['bare_words_per_s']:7,} words/s  (cpu {r['bare_spacy']['cpu_s']:.1f} s)\n"
        f"ratio pipeline / bare spaCy: {f['ratio_wall']:.2f} wall, {f['ratio_cpu']:.2f} cpu\n"
        if "bare_spacy" in r
        else "bare pass skipped (--no-bare)\n"
    )
    print(
        f"\n== {r['articles']} articles, {r['words']:,} words\n"
        f"pipeline  {r['pipeline']['wall_s']:8.1f} s  {f['articles_per_s']:6.2f} articles/s"
        f"  {f['words_per_s']:7,} words/s  (cpu {r['pipeline']['cpu_s']:.1f} s)\n"
        f"{bare}"
        f"peak RSS {r['peak_rss_mb']} MB; model load {r['model_load_s']} s\n"
        f"per stage (s): {r['pipeline']['stage_s']}\n"
        f"re-run unchanged: {r['rerun']['wall_s']} s = {100 * f['rerun_share']:.1f}% of the first"
        f" run; stages {r['rerun']['stage_s']}"
    )
    if "added" in r:
        a = r["added"]
        print(
            f"adding {a['new_articles']} articles ({100 * a['new_articles'] / r['articles']:.1f}%):"
            f" {a['wall_s']} s = {100 * f['added_share']:.2f}% of the first run"
            f" ({a['corpus_pass']} corpus pass); stages {a['stage_s']}"
        )
    if "export" in r:
        e = r["export"]
        print(
            f"exports of the whole store ({e['files']} files, {e['mb']} MB): {e['wall_s']} s ="
            f" {100 * f['export_share']:.1f}% of the first run; peak RSS with everything before"
            f" {e['peak_rss_mb']} MB"
        )
    if "dask" in r:
        d = r["dask"]
        print(
            f"dask: 1 worker {d['workers_1']['wall_s']} s, 2 workers {d['workers_2']['wall_s']} s"
            f" -> {d['speedup_2_vs_1']}x (cluster start {d['workers_2']['startup_s']} s, untimed)"
        )


def measure(size: int, args: argparse.Namespace, dask: bool, profile: bool, topics: dict) -> dict:
    """One size in a fresh process, so its peak RSS is its own."""
    with tempfile.TemporaryDirectory(prefix="elcorpus-") as tmp:
        path, more = Path(tmp) / "corpus" / "articles.jsonl", Path(tmp) / "more.jsonl"
        rows = corpus(topics, size + max(1, size // 100))  # the first `size` are corpus(size)
        write_corpus(rows[:size], path)
        write_corpus(rows[size:], more)
        cmd = [sys.executable, __file__, "--one", str(size), "--corpus", str(path)]
        cmd += ["--more", str(more)]
        cmd += ["--batch-size", str(args.batch_size)]
        cmd += ["--profile"] if profile else []
        cmd += ["--with-dask"] if dask else []
        cmd += ["--no-bare"] if args.no_bare else []
        done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"size {size} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", help="comma list of article counts (default 300,1000)")
    ap.add_argument("--long", action="store_true", help="also 10k and 100k")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--dask-size", type=int, default=None, help="articles for 1 vs 2 workers")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask comparison")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare spaCy pass (no ratio)")
    ap.add_argument("--profile", action="store_true", help="also a pyinstrument run, smallest size")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child: measure one size
    ap.add_argument("--with-dask", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)  # child: its corpus file
    ap.add_argument("--more", type=Path, help=argparse.SUPPRESS)  # child: 1% to add after
    args = ap.parse_args()
    if args.one:
        r = one_size(
            args.one,
            args.corpus,
            args.batch_size,
            args.with_dask,
            args.profile,
            not args.no_bare,
            args.more,
        )
        print(json.dumps(r))
        return
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else list(DEFAULT_SIZES)
    sizes += list(LONG_SIZES) if args.long else []
    dask_size = None if args.no_dask else args.dask_size or sizes[0]
    topics, results = load_t17(args.shared), []
    for i, size in enumerate(sorted(sizes)):
        results.append(measure(size, args, size == dask_size, args.profile and i == 0, topics))
        show(results[-1])
    extra = []
    if dask_size is not None and dask_size not in sizes:
        extra.append(measure(dask_size, args, dask=True, profile=False, topics=topics))
        show(extra[-1])
    out = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "sizes": results}
    out["dask"] = next((r["dask"] for r in results + extra if "dask" in r), None)
    out["growth"] = growth(results)
    for g in out["growth"]:
        print(f"growth {g['from']} -> {g['to']}: time ~ size^{g['exponent']}")
    save(f"run-{out['when'][:19].replace(':', '')}", out)


if __name__ == "__main__":
    main()
