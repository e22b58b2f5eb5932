"""Command line: `eventledger run | ingest | export | stats | timeline | serve | eval`."""

from __future__ import annotations

import json
import logging
import os
from contextlib import nullcontext
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from eventledger.export import export_store, exported_files, up_to_date
from eventledger.export.writers import FORMATS
from eventledger.ingest.readers import DEFAULT_MAX_BYTES
from eventledger.pipeline import DEFAULT_BATCH, Engine, RunReport, count_inputs, local_engine, run
from eventledger.store import Store, StoreError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn scraped conflict news into a sourced ledger of events.",
)
console = Console(stderr=True, soft_wrap=True)


def main() -> None:
    """Entry point: user-facing failures (a store in use, unwritable paths) are one line."""
    try:
        app()
    except StoreError as exc:
        console.print(f"[red]{exc}[/red]")
        raise SystemExit(1) from None


DB_HELP = "DuckDB store file (created if missing)."
DEFAULT_DB = "eventledger.duckdb"


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def _process(
    inputs: list[str],
    db: Path,
    metadata: Path | None,
    max_bytes: int,
    batch_size: int,
    quiet: bool,
    engine: Engine = local_engine,
    corpus: str = "auto",
) -> RunReport:
    with Store(db) as store:
        if quiet:
            meta = str(metadata) if metadata else None
            return run(inputs, store, meta, max_bytes, batch_size, engine=engine, corpus=corpus)
        columns = (
            TextColumn("[bold]processing"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=console, transient=True) as progress:
            task = progress.add_task("run", total=count_inputs(inputs), rate="")

            def advance(n: int) -> None:
                progress.advance(task, n)
                t = progress.tasks[task]
                if t.elapsed:
                    progress.update(task, rate=f"{t.completed / t.elapsed:.1f} docs/s")

            return run(
                inputs,
                store,
                str(metadata) if metadata else None,
                max_bytes,
                batch_size,
                on_progress=advance,
                engine=engine,
                corpus=corpus,
            )


def _print_report(report: RunReport, quiet: bool) -> None:
    for p in report.skipped + report.notes:
        style = "red" if p.kind == "skipped" else "yellow"
        console.print(
            f"[{style}]{p.kind}[/{style}] {p.source_path}: {p.reason}", highlight=False, markup=True
        )
    if quiet:
        return
    table = Table(title="eventledger run", show_header=False, box=None)
    s = report.summary()
    for label, key in (
        ("documents read", "documents"),
        ("new articles stored", "new_articles"),
        ("already in the store", "already_stored"),
        ("stored, not English (not coded)", "not_english"),
        ("skipped", "skipped"),
        ("sentences", "sentences"),
        ("entities", "entities"),
        ("events", "events"),
        ("claims", "claims"),
        ("copies and rewrites (whole store)", "duplicates"),
        ("stories (whole store)", "stories"),
        ("fused events (whole store)", "fused_events"),
    ):
        table.add_row(label, str(s[key]))
    console.print(table)


def _ingest(
    inputs: list[str],
    db: Path,
    metadata: Path | None,
    max_bytes: int,
    batch_size: int,
    quiet: bool,
    verbose: int,
    engine: Engine = local_engine,
    corpus: str = "auto",
) -> RunReport:
    """What `run` and `ingest` share: process, report problems, fail if nothing worked."""
    _setup_logging(verbose)
    if corpus not in CORPUS_PASSES:
        console.print(f"[red]unknown corpus pass {corpus!r}: {', '.join(CORPUS_PASSES)}[/red]")
        raise typer.Exit(code=2)
    report = _process(inputs, db, metadata, max_bytes, batch_size, quiet, engine, corpus)
    _print_report(report, quiet)
    _exit_if_nothing(report)
    return report


def _exit_if_nothing(report: RunReport) -> None:
    if report.nothing_processed and (report.skipped or report.documents == 0):
        console.print("[red]nothing could be processed[/red]")
        raise typer.Exit(code=1)


InputsArg = typer.Argument(..., help="Folders, files or glob patterns (.txt .html .jsonl .csv).")
DbOpt = typer.Option(Path(DEFAULT_DB), "--db", help=DB_HELP)
MetaOpt = typer.Option(None, "--metadata", help="Sidecar metadata.jsonl (path, published, url).")
MaxOpt = typer.Option(DEFAULT_MAX_BYTES, "--max-bytes", help="Skip files larger than this.")
BatchOpt = typer.Option(DEFAULT_BATCH, "--batch-size", help="Articles per committed batch.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="No progress bar or summary.")
VerboseOpt = typer.Option(0, "--verbose", "-v", count=True, help="-v batches, -vv debug.")
CORPUS_PASSES = ("auto", "full", "online")
CorpusOpt = typer.Option(
    "auto",
    "--corpus",
    help="After new articles: auto (place a few online, else answer anew), full, online.",
)
FormatOpt = typer.Option(",".join(FORMATS), "--formats", help="Comma list of jsonl,csv,parquet.")


@app.command("run")
def run_cmd(
    inputs: list[str] = InputsArg,
    db: Path = DbOpt,
    out: Path = typer.Option(Path("out"), "--out", help="Folder for exports and report.json."),
    metadata: Path | None = MetaOpt,
    max_bytes: int = MaxOpt,
    batch_size: int = BatchOpt,
    formats: str = FormatOpt,
    quiet: bool = QuietOpt,
    verbose: int = VerboseOpt,
    engine: str = typer.Option("local", "--engine", help="local (this process) or dask."),
    workers: int = typer.Option(2, "--workers", help="Dask local cluster: worker processes."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler ADDRESS to use instead of a local cluster."
    ),
    corpus: str = CorpusOpt,
) -> None:
    """Ingest, clean, parse and extract everything new under INPUTS, then export."""
    with _engine(engine, workers, scheduler, out) as chosen:
        report = _ingest(
            inputs, db, metadata, max_bytes, batch_size, quiet, verbose, chosen, corpus
        )
    written, kept = _export(db, out, formats)
    report_path = out / "report.json"
    report_path.write_text(json.dumps(report.summary(), indent=2, ensure_ascii=False) + "\n")
    if not quiet:
        console.print(f"store    {db}")
        if kept:
            console.print(f"exports  {out}/ (as they were: the store has not changed since)")
        else:
            console.print(f"exports  {out}/ ({', '.join(sorted(written))})")
        console.print(f"report   {report_path}")


def _engine(name: str, workers: int, scheduler: str | None, out: Path):
    """The batch engine: this process, or Dask (which also writes Parquet parts to out/parts)."""
    if scheduler is None and name == "local":
        return nullcontext(local_engine)
    if name not in ("local", "dask"):
        console.print(f"[red]unknown engine {name!r}: local or dask[/red]")
        raise typer.Exit(code=2)
    from eventledger.dask_engine import dask_engine

    return dask_engine(workers, scheduler, out / "parts")


@app.command("ingest")
def ingest_cmd(
    inputs: list[str] = InputsArg,
    db: Path = DbOpt,
    metadata: Path | None = MetaOpt,
    max_bytes: int = MaxOpt,
    batch_size: int = BatchOpt,
    quiet: bool = QuietOpt,
    verbose: int = VerboseOpt,
    corpus: str = CorpusOpt,
) -> None:
    """Process everything new under INPUTS into the store, without exporting."""
    _ingest(inputs, db, metadata, max_bytes, batch_size, quiet, verbose, corpus=corpus)


def _export(db: Path, out: Path, formats: str) -> tuple[dict[str, Path], bool]:
    """The files, and whether they were already up to date (and so left as they were)."""
    chosen = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = set(chosen) - set(FORMATS)
    if unknown:
        console.print(f"[red]unknown format(s): {', '.join(sorted(unknown))}[/red]")
        raise typer.Exit(code=2)
    with Store(db) as store:
        if up_to_date(store, out, chosen):
            return exported_files(out, chosen), True
        return export_store(store, out, chosen), False


@app.command("export")
def export_cmd(
    db: Path = DbOpt, out: Path = typer.Option(Path("out"), "--out"), formats: str = FormatOpt
) -> None:
    """Write articles, events, claims, fused events, stories and entities as JSONL, CSV
    and Parquet."""
    if not db.exists():
        console.print(f"[red]no store at {db}[/red]")
        raise typer.Exit(code=1)
    written, kept = _export(db, out, formats)
    if kept:
        console.print(f"{out}/ is up to date: {len(written)} files, from the store as it is")
    else:
        console.print(f"wrote {len(written)} files to {out}/")


@app.command("stats")
def stats_cmd(db: Path = DbOpt) -> None:
    """Counts of what the store holds, by table, event type and status."""
    if not db.exists():
        console.print(f"[red]no store at {db}[/red]")
        raise typer.Exit(code=1)
    with Store(db) as store:
        counts = store.counts()
        types = store.con.execute(
            "SELECT type, count(*) FROM events GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        langs = store.con.execute(
            "SELECT coalesce(language, '?'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
    table = Table(title=str(db), show_header=False, box=None)
    for key, value in counts.items():
        table.add_row(key, str(value))
    table.add_row("languages", ", ".join(f"{k} {v}" for k, v in langs))
    table.add_row("event types", ", ".join(f"{k} {v}" for k, v in types))
    Console().print(table)


@app.command("timeline")
def timeline_cmd(
    db: Path = DbOpt,
    out: Path = typer.Option(Path("out"), "--out", help="Folder for timeline.md and .html."),
    story: str | None = typer.Option(None, "--story", help="A story id or label."),
    actor: str | None = typer.Option(None, "--actor", help="Actor name contains this."),
    country: str | None = typer.Option(None, "--country", help="Actor or place country code."),
    event_type: str | None = typer.Option(None, "--type", help="PLOVER type, e.g. ASSAULT."),
    date_from: str | None = typer.Option(None, "--from", help="YYYY[-MM[-DD]], inclusive."),
    date_to: str | None = typer.Option(None, "--to", help="YYYY[-MM[-DD]], inclusive."),
    tls: bool = typer.Option(False, "--tls", help="Also write tls.md: key dates + summaries."),
    tls_dates: int = typer.Option(10, "--tls-dates", help="How many key dates (--tls)."),
    tls_sentences: int = typer.Option(2, "--tls-sentences", help="Sentences per date (--tls)."),
    keyword: list[str] = typer.Option([], "--keyword", help="Topic keyword for --tls; repeat."),
) -> None:
    """Fused events by date as Markdown and a standalone HTML page with filters."""
    from eventledger.timeline import Filters, build_timeline, build_tls

    if not db.exists():
        console.print(f"[red]no store at {db}[/red]")
        raise typer.Exit(code=1)
    if tls:
        days, path = build_tls(db, out, story, keyword, tls_dates, tls_sentences)
        console.print(f"{days} key dates -> {path}")
    filters = Filters(story, actor, country, event_type, date_from, date_to)
    n, paths = build_timeline(db, out, filters)
    console.print(f"{n} events -> {paths['markdown']}, {paths['html']}")


@app.command("serve")
def serve_cmd(
    db: Path = DbOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on."),
    port: int = typer.Option(8000, "--port"),
    token: str | None = typer.Option(
        None, "--token", envvar="EVENTLEDGER_TOKEN", help="Enables writes for this bearer token."
    ),
) -> None:
    """Web UI and JSON API over the store: read-only unless a --token is given."""
    import uvicorn

    from eventledger.serve import create_app

    if not db.exists():
        console.print(f"[red]no store at {db}[/red]")
        raise typer.Exit(code=1)
    mode = "writes need the token" if token else "read-only"
    console.print(f"eventledger serve: http://{host}:{port}/ ({mode}; spec at /openapi.json)")
    uvicorn.run(create_app(db, token=token), host=host, port=port, log_level="warning")


def _shared_default() -> Path:
    return Path(os.environ.get("EVENTLEDGER_SHARED", "../shared"))


def _print_gold(result: dict) -> None:
    table = Table(title=f"gold {result['gold']}", box=None)
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("n", justify="right")
    for name in ("events", "claims"):
        m = result[name]
        table.add_row(
            f"{name} F1 (P / R)",
            f"{m['f1']:.3f} ({m['precision']:.3f} / {m['recall']:.3f})",
            f"tp {m['tp']} fp {m['fp']} fn {m['fn']}",
        )
    for name, m in result["accuracy"].items():
        table.add_row(name.replace("_", " "), f"{m['accuracy']:.3f}", str(m["n"]))
    Console().print(table)
    if result["missing_articles"]:
        console.print(f"[red]not in the export: {', '.join(result['missing_articles'])}[/red]")


def _is_corpus_gold(path: Path) -> bool:
    """Corpus gold (stories, same entities, same events) is one object, article gold a list."""
    return path.read_text("utf-8").lstrip().startswith("{")


def _print_corpus(result: dict) -> None:
    table = Table(title="corpus gold: pairwise merges", box=None)
    for column in ("what", "F1", "precision", "recall", "false merges"):
        table.add_column(column)
    for name in ("stories", "entities", "events"):
        m = result[name]
        table.add_row(
            name,
            f"{m['f1']:.3f}",
            f"{m['precision']:.3f}",
            f"{m['recall']:.3f}",
            str(m["false_merges"]),
        )
    Console().print(table)
    dup = result["near_duplicates"]
    console.print(
        f"near-duplicates: {dup['correct']} of {dup['gold']} found, {dup['found']} flagged"
    )


def _print_suites(results: list[dict]) -> None:
    table = Table(title="benchmark suites", box=None)
    for column in ("suite", "metric", "value", "floor", "n"):
        table.add_column(column)
    for r in results:
        metric = r.get("metric", "")
        value = r.get(metric)
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        table.add_row(r["suite"], metric, shown, str(r.get("floor", "")), str(r.get("n", "")))
    Console().print(table)


@app.command("eval")
def eval_cmd(
    gold: Path | None = typer.Option(None, "--gold", help="Gold JSON in the contract's format."),
    export: Path | None = typer.Option(None, "--export", help="Export folder to score."),
    suite: str | None = typer.Option(
        None, "--suite", help="A suite name (see evaluate/registry.py) or all."
    ),
    shared: Path = typer.Option(
        None, "--shared", help="Folder with eval-data/ (default $EVENTLEDGER_SHARED or ../shared)."
    ),
    json_out: Path | None = typer.Option(None, "--json", help="Where to write the JSON."),
) -> None:
    """Score an export against gold (--gold, --export) or run public benchmark suites."""
    if gold is not None:
        if export is None or not (export / "events.jsonl").exists():
            console.print("[red]--gold needs --export DIR holding events.jsonl[/red]")
            raise typer.Exit(code=2)
        if not gold.exists():
            console.print(f"[red]no gold file at {gold}[/red]")
            raise typer.Exit(code=2)
        if _is_corpus_gold(gold):
            from eventledger.evaluate.corpus_gold import score_corpus

            result = score_corpus(gold, export)
            _print_corpus(result)
            path = json_out or export / "eval-corpus.json"
        else:
            from eventledger.evaluate.gold import score

            result = score(gold, export)
            _print_gold(result)
            path = json_out or export / "eval.json"
    elif suite is not None:
        from eventledger.evaluate.registry import SUITES, run

        root = shared or _shared_default()
        if not (root / "eval-data").is_dir():
            console.print(f"[red]no eval-data/ under {root} (use --shared)[/red]")
            raise typer.Exit(code=2)
        if suite not in (*SUITES, "all"):
            console.print(f"[red]unknown suite {suite!r}: {', '.join(SUITES)} or all[/red]")
            raise typer.Exit(code=2)
        names = list(SUITES) if suite == "all" else [suite]
        results = [run(name, root) for name in names]
        _print_suites(results)
        result = {"suites": results}
        path = json_out or Path(f"eval-{suite}.json")
    else:
        console.print("[red]give --gold FILE --export DIR, or --suite NAME[/red]")
        raise typer.Exit(code=2)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    console.print(f"wrote {path}")
