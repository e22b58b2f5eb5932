"""DuckDB store. Every batch is written in one transaction, so a killed run loses
nothing already committed and a re-run resumes from the article ids it finds."""

from __future__ import annotations

import json
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from eventledger.fuse.entities import EntityRow, People, Tally
from eventledger.fuse.stories import StoryIndex, WordStats
from eventledger.ingest.readers import InputFile
from eventledger.records import BatchResult, Problem

if TYPE_CHECKING:
    from eventledger.fuse.corpus import CorpusResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, started TIMESTAMP, finished TIMESTAMP, inputs VARCHAR,
    status VARCHAR, summary JSON);
CREATE TABLE IF NOT EXISTS articles (
    article_id VARCHAR PRIMARY KEY, source_path VARCHAR, title VARCHAR, published VARCHAR,
    published_precision VARCHAR, published_source VARCHAR, text VARCHAR, removed JSON,
    language VARCHAR, duplicate_of VARCHAR, story_id VARCHAR, url VARCHAR, source VARCHAR,
    format VARCHAR, status VARCHAR, skip_reason VARCHAR, raw VARCHAR, run_id VARCHAR,
    duplicate_kind VARCHAR);
CREATE TABLE IF NOT EXISTS sentences (
    article_id VARCHAR, idx INTEGER, start_char INTEGER, end_char INTEGER, text VARCHAR,
    PRIMARY KEY (article_id, idx));
CREATE TABLE IF NOT EXISTS entities (
    article_id VARCHAR, sentence_index INTEGER, start_char INTEGER, end_char INTEGER,
    text VARCHAR, label VARCHAR, country VARCHAR, sector VARCHAR, entity_id VARCHAR,
    lat DOUBLE, lon DOUBLE);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY, article_id VARCHAR, type VARCHAR, mode VARCHAR,
    source JSON, target JSON, date VARCHAR, date_precision VARCHAR, location JSON,
    killed INTEGER, injured INTEGER, status VARCHAR, claimed_by JSON, sentence VARCHAR,
    start_char INTEGER, end_char INTEGER, confidence DOUBLE, fused_id VARCHAR, trigger VARCHAR,
    time_text VARCHAR);
CREATE TABLE IF NOT EXISTS claims (
    claim_id VARCHAR PRIMARY KEY, article_id VARCHAR, speaker JSON, speaker_text VARCHAR,
    verb VARCHAR, stance VARCHAR, content VARCHAR, direct BOOLEAN, sentence VARCHAR,
    start_char INTEGER, end_char INTEGER);
CREATE TABLE IF NOT EXISTS stories (
    story_id VARCHAR PRIMARY KEY, label VARCHAR, article_ids JSON, first_date VARCHAR,
    last_date VARCHAR, n_articles INTEGER);
CREATE TABLE IF NOT EXISTS fused_events (
    fused_id VARCHAR PRIMARY KEY, story_id VARCHAR, type VARCHAR, mode VARCHAR, source JSON,
    target JSON, date VARCHAR, date_precision VARCHAR, location JSON, killed INTEGER,
    injured INTEGER, status VARCHAR, asserted_by JSON, denied_by JSON, tolls JSON, dates JSON,
    event_ids JSON, article_ids JSON, sources JSON, independent_sources INTEGER,
    confidence DOUBLE, sentence VARCHAR);
CREATE TABLE IF NOT EXISTS canonical_entities (
    entity_id VARCHAR PRIMARY KEY, name VARCHAR, label VARCHAR, country VARCHAR, sector VARCHAR,
    variants JSON, article_ids JSON, mentions INTEGER);
CREATE TABLE IF NOT EXISTS entity_tallies (
    entity_id VARCHAR PRIMARY KEY, key VARCHAR, founder VARCHAR, filed INTEGER, names JSON,
    countries JSON, sectors JSON);
CREATE TABLE IF NOT EXISTS article_cache (
    article_id VARCHAR PRIMARY KEY, version VARCHAR, minhash BLOB, terms VARCHAR);
CREATE TABLE IF NOT EXISTS mention_cache (
    article_id VARCHAR PRIMARY KEY, version VARCHAR, names VARCHAR, body VARCHAR,
    people VARCHAR);
CREATE TABLE IF NOT EXISTS pair_cache (
    article_id VARCHAR, other VARCHAR, test VARCHAR, version VARCHAR, verdict BOOLEAN);
CREATE TABLE IF NOT EXISTS story_words (word VARCHAR PRIMARY KEY, df INTEGER, rarity DOUBLE);
CREATE TABLE IF NOT EXISTS story_signatures (
    article_id VARCHAR PRIMARY KEY, signature BLOB, bar DOUBLE);
CREATE TABLE IF NOT EXISTS fused_keys (key VARCHAR, fused_id VARCHAR);
CREATE TABLE IF NOT EXISTS problems (
    run_id VARCHAR, source_path VARCHAR, kind VARCHAR, reason VARCHAR);
CREATE TABLE IF NOT EXISTS input_files (
    stamp VARCHAR PRIMARY KEY, coder VARCHAR, path VARCHAR, documents INTEGER, problems JSON,
    refused INTEGER);
"""

# tables holding rows of an article, emptied of them when the article is coded again;
# article_cache and mention_cache: the corpus stage's per-article work (MinHash signature,
# word counts; the bodies and people its text names beyond its entity rows); pair_cache:
# the answers of its pairwise tests (is one article a copy or rewrite of the `other`);
# story_signatures: each article's top-term MinHash, for online passes
TABLES_OF_ARTICLE = (
    "sentences",
    "entities",
    "events",
    "claims",
    "article_cache",
    "mention_cache",
    "pair_cache",
    "story_signatures",
    "articles",
)

# columns added after the first release: older stores gain them on open
ADDED_COLUMNS = (
    ("articles", "duplicate_kind", "VARCHAR"),
    ("entities", "entity_id", "VARCHAR"),
    ("entities", "lat", "DOUBLE"),
    ("entities", "lon", "DOUBLE"),
    ("events", "time_text", "VARCHAR"),
    ("articles", "coder", "VARCHAR"),
    ("article_cache", "counts", "BLOB"),
)

# Plain copies of the fields the UI filters and sorts on, so a big store answers from
# columns instead of parsing JSON on every row. Filled by SQL on insert (and once for older
# stores); exports leave them out. Events also keep a copy of their article's story_id.
DERIVED = {
    "source_name": "json_extract_string(source, '$.name')",
    "source_country": "json_extract_string(source, '$.country')",
    "target_name": "json_extract_string(target, '$.name')",
    "target_country": "json_extract_string(target, '$.country')",
    "location_name": "json_extract_string(location, '$.name')",
    "location_country": "json_extract_string(location, '$.country')",
}
# What the coder found, kept beside what the corpus stage makes of it: the stage reads
# these, so its answers (an article dated from its story, its events dated again) never
# feed its next pass. Stores from before they existed keep the corpus's dates as coded.
CODED = {
    "articles": {
        "published": "coded_published",
        "published_precision": "coded_published_precision",
        "published_source": "coded_published_source",
    },
    "events": {
        "date": "coded_date",
        "date_precision": "coded_date_precision",
        "time_text": "coded_time_text",
    },
}


def as_coded(table: str, columns: list[str] | tuple[str, ...], prefix: str = "") -> list[str]:
    """SELECT expressions for `columns` that read the coded copy where there is one."""
    coded = CODED[table]
    return [f"{prefix}{coded[c]} AS {c}" if c in coded else f"{prefix}{c}" for c in columns]


DERIVED_COLUMNS = {
    "articles": {coded: field for field, coded in CODED["articles"].items()},
    "events": {
        **DERIVED,
        "claimed_by_name": "json_extract_string(claimed_by, '$.name')",
        "story_id": "NULL",  # copied from the article by the corpus stage
        **{coded: field for field, coded in CODED["events"].items()},
    },
    "fused_events": DERIVED,
}

# record field -> column, where they differ (SQL keywords and clearer names)
RENAMES = {"start": "start_char", "end": "end_char", "index": "idx", "fmt": "format"}
FIELDS_OF_COLUMNS = {column: field for field, column in RENAMES.items()}
KEYED = {"articles", "sentences", "events", "claims"}
JSON_FIELDS = {
    "source",
    "target",
    "location",
    "claimed_by",
    "speaker",
    "removed",
    "article_ids",
    "asserted_by",
    "denied_by",
    "tolls",
    "dates",
    "event_ids",
    "sources",
    "variants",
}


# the article fields the corpus stage reads (the dates as coded); the last three from
# article_cache
ARTICLE_INPUTS = (
    "article_id",
    "source_path",
    "title",
    "text",
    "published",
    "published_precision",
    "published_source",
    "url",
    "source",
    "minhash",
    "terms",
    "counts",
)
# what an online corpus pass reads of the stored answers, beside the inputs: where each
# article and event was placed (`fuse.online.placements`)
PLACED = {
    "articles": {
        "placed_story": "story_id",
        "placed_original": "duplicate_of",
        "placed_kind": "duplicate_kind",
    },
    "events": {"placed_date": "date", "placed_precision": "date_precision"},
}
STREAM_BATCH = 10_000

JSON = json.JSONEncoder(ensure_ascii=False, default=asdict)  # as json.dumps, built once


def _row(record: Any, run_id: str | None = None, encode=JSON.encode) -> dict[str, Any]:
    """A record as column values. Shallow: nested records (actors, places) are turned into
    JSON directly, not deep-copied first as `asdict` would (a third of a write's time)."""
    data = (
        {f.name: getattr(record, f.name) for f in fields(record)}
        if is_dataclass(record)
        else dict(record)
    )
    row = {}
    for key, value in data.items():
        if key in JSON_FIELDS:
            value = None if value is None else encode(value)
        row[RENAMES.get(key, key)] = value
    if run_id is not None and "run_id" not in row:
        row["run_id"] = run_id
    return row


def _parsed(row: dict[str, Any], json_keys: list[str], parsed: dict[str, Any]) -> dict[str, Any]:
    """The row with its JSON fields parsed, one object per distinct text (`parsed`)."""
    for key in json_keys:
        text = row[key]
        if text is not None:
            if text not in parsed:
                parsed[text] = json.loads(text)
            row[key] = parsed[text]
    return row


@dataclass
class FusedRows:
    """Fused events as Arrow tables of store rows, made a chunk at a time: at 100k
    articles millions of `FusedEvent` records would take gigabytes, their rows a tenth."""

    tables: list[pa.Table] = field(default_factory=list)
    rows: int = 0  # kept when the tables are let go

    def add(self, records: list) -> None:
        shared: dict[int, str] = {}  # actors and places are objects shared between records

        def encode(value: Any) -> str:
            if isinstance(value, list):
                return JSON.encode(value) if value else "[]"
            if id(value) not in shared:
                shared[id(value)] = JSON.encode(value)
            return shared[id(value)]

        if not records:
            return
        columns = {}  # column by column: a dict per row cost as much as the encoding
        for f in fields(records[0]):
            values = [getattr(r, f.name) for r in records]
            if f.name in JSON_FIELDS:
                values = [None if v is None else encode(v) for v in values]
            columns[RENAMES.get(f.name, f.name)] = values
        self.tables.append(pa.table(columns))
        self.rows += len(records)

    def release(self) -> None:
        """Let the tables go once they are written; their count stays."""
        self.tables = []

    def __len__(self) -> int:
        return self.rows


# DuckDB keeps what it wrote in its buffer pool up to 80% of RAM by default, so a long run
# grew with its store; past this it writes pages out and spills large queries to disk
MEMORY_LIMIT = "512MB"


class StoreError(RuntimeError):
    """The store file cannot be opened; the message is the user-facing reason."""


class Store:
    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self.con = duckdb.connect(self.path, config={"memory_limit": MEMORY_LIMIT})
        except (OSError, duckdb.Error) as exc:
            first = str(exc).splitlines()[0]
            raise StoreError(f"cannot open the store {self.path}: {first}") from exc
        self.con.execute(SCHEMA)
        for table, column, kind in ADDED_COLUMNS:
            self.con.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
        self._add_derived()

    def _add_derived(self) -> None:
        """Derived columns on a new store, or added and filled on an older one."""
        for table, derived in DERIVED_COLUMNS.items():
            have = self._columns(table)
            missing = [c for c in derived if c not in have]
            for column in missing:
                self.con.execute(f"ALTER TABLE {table} ADD COLUMN {column} VARCHAR")
            if missing:
                self.fill_derived(table)

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self.con.execute(f"PRAGMA table_info('{table}')").fetchall()]

    def fill_derived(self, table: str) -> None:
        """Recompute a table's derived columns (for rows written by plain SQL)."""
        derived = {c: e for c, e in DERIVED_COLUMNS[table].items() if c != "story_id"}
        self.con.execute(
            f"UPDATE {table} SET {', '.join(f'{c} = {e}' for c, e in derived.items())}"
        )
        if table == "events":
            self._copy_story_ids()

    def _copy_story_ids(self) -> None:
        self.con.execute(
            "UPDATE events SET story_id = a.story_id FROM articles a WHERE"
            " a.article_id = events.article_id AND events.story_id IS DISTINCT FROM a.story_id"
        )

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- runs -------------------------------------------------------------------------
    def start_run(self, run_id: str, inputs: list[str]) -> None:
        self.con.execute(
            "INSERT INTO runs VALUES (?, ?, NULL, ?, 'running', NULL)",
            [run_id, datetime.now(UTC), json.dumps(inputs)],
        )

    def finish_run(self, run_id: str, summary: dict) -> None:
        self.con.execute(
            "UPDATE runs SET finished = ?, status = 'done', summary = ? WHERE run_id = ?",
            [datetime.now(UTC), json.dumps(summary), run_id],
        )

    def last_change(self) -> str | None:
        """The last run that may have changed what the store holds (one that stored
        articles, ran the corpus stage or did not finish), if any: every write is a run's."""
        for run_id, status, summary in self.con.execute(
            "SELECT run_id, status, summary FROM runs ORDER BY started DESC"
        ).fetchall():
            done = json.loads(summary or "{}")
            if status != "done" or done.get("new_articles") or done.get("corpus_pass"):
                return run_id
        return None

    # --- input files ------------------------------------------------------------------
    def input_files(self, coder: str) -> dict[str, InputFile]:
        """The input files that runs of this coder read to the end and stored, by stamp."""
        rows = self.con.execute(
            "SELECT stamp, path, documents, problems, refused FROM input_files WHERE coder = ?",
            [coder],
        ).fetchall()
        files = {}
        for stamp, path, n, said, refused in rows:
            problems = [Problem(**p) for p in json.loads(said)]
            files[stamp] = InputFile(stamp, path, n, problems, refused, stored=True)
        return files

    def note_input_files(self, files: list[InputFile], coder: str) -> None:
        if not files:
            return
        rows = [
            {
                "stamp": f.stamp,
                "coder": coder,
                "path": f.path,
                "documents": f.documents,
                "problems": json.dumps([asdict(p) for p in f.problems]),
                "refused": f.refused,
            }
            for f in files
        ]
        with self.transaction():
            self.con.execute(
                "DELETE FROM input_files WHERE stamp IN (SELECT unnest(?))",
                [[f.stamp for f in files]],
            )
            self._insert("input_files", rows)

    # --- writes -----------------------------------------------------------------------
    def known(self, article_ids: list[str]) -> dict[str, str | None]:
        """The ids already stored, with the coder that coded each."""
        if not article_ids:
            return {}
        rows = self.con.execute(
            "SELECT article_id, coder FROM articles WHERE article_id IN (SELECT unnest(?))",
            [article_ids],
        ).fetchall()
        return dict(rows)

    def write(self, batch: BatchResult, run_id: str, coder: str | None = None) -> None:
        """All tables of one batch in one transaction: all of it lands, or none. An
        article stored before (by an older coder) is replaced with everything it held."""
        tables = {
            "articles": [{**_row(a, run_id), "coder": coder} for a in batch.articles],
            "sentences": [_row(s) for s in batch.sentences],
            "entities": [_row(e) for e in batch.entities],
            "events": [_row(e) for e in batch.events],
            "claims": [_row(c) for c in batch.claims],
            "problems": [_row(p, run_id) for p in batch.problems],
        }
        ids = [a.article_id for a in batch.articles]
        with self.transaction():
            if ids and self.known(ids):
                for table in TABLES_OF_ARTICLE:
                    self.con.execute(
                        f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [ids]
                    )
            for table, rows in tables.items():
                self._insert(table, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All statements inside land together, or none does."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def _insert(self, table: str, rows: list[dict]) -> None:
        if not rows:
            return
        derived = DERIVED_COLUMNS.get(table, {})
        stored = [c for c in self._columns(table) if c not in derived]
        arrow = pa.Table.from_pylist([{c: r.get(c) for c in stored} for r in rows])
        self._insert_table(table, arrow)

    def _insert_table(self, table: str, arrow: pa.Table, where: str = "") -> None:
        """Rows already in Arrow form; columns it lacks are NULL. `where`: only the rows
        it selects (SQL over the rows' columns)."""
        columns = self._columns(table)
        derived = DERIVED_COLUMNS.get(table, {})
        have = set(arrow.column_names)
        select = ", ".join(derived.get(c) or (c if c in have else "NULL") for c in columns)
        verb = "INSERT OR IGNORE" if table in KEYED else "INSERT"
        self.con.register("_batch", arrow)  # replaced on the next call, also after a failure
        self.con.execute(f"{verb} INTO {table} SELECT {select} FROM _batch {where}")
        self.con.unregister("_batch")

    def _replace_rows(
        self, table: str, key: str, rows: pa.Table, within: set[str] | None = None
    ) -> None:
        """Make `table` hold exactly `rows`, deleting and inserting only the rows that
        differ: a pass that adds a few articles changes few of the corpus answers, and a
        commit costs what it writes (rewriting 90k fused events took 3 s at 10k).
        `within`: the keys `rows` answers for (an online pass's); other rows stay."""
        scope = ""
        if within is not None:
            self.con.register("_within", pa.table({key: pa.array(sorted(within), pa.string())}))
            scope = f" AND {key} IN (SELECT {key} FROM _within)"
        if not rows.num_rows:
            self.con.execute(f"DELETE FROM {table} WHERE TRUE{scope}")
        else:
            derived = DERIVED_COLUMNS.get(table, {})
            have = set(rows.column_names)
            same = " AND ".join(
                f"t.{c} IS NOT DISTINCT FROM {f'n.{c}' if c in have else 'NULL'}"
                for c in self._columns(table)
                if c not in derived
            )
            self.con.register("_rows", rows)
            self.con.execute(
                f"DELETE FROM {table} t WHERE NOT EXISTS"
                f" (SELECT 1 FROM _rows n WHERE n.{key} = t.{key} AND {same}){scope}"
            )
            self.con.unregister("_rows")
            self._insert_table(table, rows, f"WHERE {key} NOT IN (SELECT {key} FROM {table})")
        if within is not None:
            self.con.unregister("_within")

    def write_fused(self, result: CorpusResult) -> None:
        """Replace the corpus answers about articles and events (duplicates, stories,
        dates found from the corpus, fused events) in one transaction; an online pass's
        only within its scopes (`article_scope`, `story_scope`, `fused_scope`). Changes go
        to DuckDB as Arrow columns: a row dict per event would cost more than the event.

        With them go what online passes look things up by: the block keys each fused
        event is filed under (`fused_keys`), and the story index (`story_words`: each
        word's document frequency and rarity; `story_signatures`)."""
        copies = result.duplicates
        duplicates = pa.table(
            {
                "article_id": list(copies),
                "duplicate_of": [of for of, _ in copies.values()],
                "duplicate_kind": [kind for _, kind in copies.values()],
            }
        )
        stories = pa.table(
            {"article_id": list(result.story_of), "story_id": list(result.story_of.values())}
        )
        fused_of = pa.table(
            {"event_id": list(result.fused_of), "fused_id": list(result.fused_of.values())}
        )
        published = pa.table(
            {
                "article_id": list(result.published),
                "published": [d for d, _ in result.published.values()],
                "published_precision": [p for _, p in result.published.values()],
                "published_source": ["corpus"] * len(result.published),
            }
        )
        within = result.article_scope
        with self.transaction():
            if within is not None:
                scope = pa.table({"article_id": pa.array(sorted(within), pa.string())})
                self.con.register("_scope", scope)
            columns = ("duplicate_of", "duplicate_kind")
            self._unset("articles", "article_id", duplicates, columns, scoped=within is not None)
            self._update("articles", "article_id", duplicates)
            self._unset("articles", "article_id", stories, ("story_id",), scoped=within is not None)
            self._update("articles", "article_id", stories)
            self._copy_story_ids()
            self._update("events", "event_id", fused_of)
            dated = {"articles": published, "events": pa.Table.from_pylist(result.event_dates)}
            for table, coded in CODED.items():  # as coded, unless this pass dates them
                key = "article_id" if table == "articles" else "event_id"
                self._unset(
                    table, key, dated[table], tuple(coded), coded, scoped=within is not None
                )
                self._update(table, key, dated[table])
            if within is not None:
                self.con.unregister("_scope")
            self._replace_rows(
                "stories",
                "story_id",
                pa.Table.from_pylist([_row(s) for s in result.stories]),
                result.story_scope,
            )
            if isinstance(result.fused, FusedRows):
                parts = result.fused.tables or [pa.table({})]  # none in an empty store
                fused = pa.concat_tables(parts, promote_options="permissive")
            else:
                fused = pa.Table.from_pylist([_row(f) for f in result.fused])
            self._replace_rows("fused_events", "fused_id", fused, result.fused_scope)
            self._write_keys(result.fused_keys, result.fused_scope)
            if result.index is not None:
                self._write_index(result.index, result.article_scope is not None)

    def _write_keys(self, keys: list[pa.Table], scope: set[str] | None) -> None:
        if scope is None:
            self.con.execute("DELETE FROM fused_keys")
        else:
            within = pa.table({"fused_id": pa.array(sorted(scope), pa.string())})
            self.con.register("_within", within)
            self.con.execute("DELETE FROM fused_keys WHERE fused_id IN (SELECT * FROM _within)")
            self.con.unregister("_within")
        for rows in keys:
            self._insert_table("fused_keys", rows)

    def _write_index(self, index: StoryIndex, added: bool) -> None:
        """A full pass's story index replaces the stored one; an online pass's (`added`)
        counts its articles into it."""
        words = pa.table(
            {
                "word": pa.array(index.words, pa.string()),
                "df": pa.array(index.df, pa.int32()),
                "rarity": pa.array(index.rarity, pa.float64()),
            }
        )
        signatures = pa.table(
            {
                "article_id": pa.array(index.ids, pa.string()),
                "signature": pa.array([s.tobytes() for s in index.signatures], pa.binary()),
                "bar": pa.array(index.bars, pa.float64()),
            }
        )
        self.con.register("_words", words)
        if added:
            self.con.execute(
                "INSERT OR REPLACE INTO story_words SELECT n.word, coalesce(s.df, 0) + n.df,"
                " n.rarity FROM _words n LEFT JOIN story_words s USING (word)"
            )
            self.con.execute(
                "DELETE FROM story_signatures WHERE article_id IN (SELECT unnest(?))", [index.ids]
            )
        else:
            self.con.execute("DELETE FROM story_words")
            self.con.execute("INSERT INTO story_words SELECT * FROM _words")
            self.con.execute("DELETE FROM story_signatures")
        self.con.unregister("_words")
        self._insert_table("story_signatures", signatures)

    def _unset(
        self,
        table: str,
        key: str,
        kept: pa.Table,
        columns: tuple[str, ...],
        to: dict[str, str] | None = None,
        scoped: bool = False,
    ) -> None:
        """Set `columns` to NULL (or to the columns `to` names) on the rows `kept` does
        not name and that hold something else: last pass's answers this pass has not
        given again. `scoped`: only on rows of the articles in the registered `_scope`."""
        value = to or dict.fromkeys(columns, "NULL")
        assignments = ", ".join(f"{c} = {value[c]}" for c in columns)
        differ = " OR ".join(f"{c} IS DISTINCT FROM {value[c]}" for c in columns)
        scope = " AND article_id IN (SELECT article_id FROM _scope)" if scoped else ""
        self.con.register("_kept", kept.select([key]) if kept.num_rows else pa.table({key: []}))
        self.con.execute(
            f"UPDATE {table} SET {assignments} WHERE ({differ})"
            f" AND {key} NOT IN (SELECT {key} FROM _kept){scope}"
        )
        self.con.unregister("_kept")

    def write_entities(self, result: CorpusResult) -> None:
        """Replace the canonical entities, their tallies and each entity row's
        `entity_id` (an online pass's: add to them)."""
        entity_ids = pa.table(
            {"rowid": list(result.entity_of), "entity_id": list(result.entity_of.values())}
        )
        tallies = pa.table(
            {
                "entity_id": [e.entity_id for e in result.entities],
                "key": [t.key for t in result.tallies],
                "founder": [t.founder for t in result.tallies],
                "filed": pa.array([t.filed for t in result.tallies], pa.int32()),
                **{
                    name: [JSON.encode(getattr(t, name)) for t in result.tallies]
                    for name in ("names", "countries", "sectors")
                },
            }
        )
        scope = result.entity_scope
        with self.transaction():
            if scope is None:
                self.con.register("_kept", entity_ids)  # rows no entity holds any more
                self.con.execute(
                    "UPDATE entities SET entity_id = NULL WHERE entity_id IS NOT NULL"
                    " AND rowid NOT IN (SELECT rowid FROM _kept)"
                )
                self.con.unregister("_kept")
            self._update("entities", "rowid", entity_ids)
            rows = pa.Table.from_pylist([_row(e) for e in result.entities])
            self._replace_rows("canonical_entities", "entity_id", rows, scope)
            self._replace_rows("entity_tallies", "entity_id", tallies, scope)

    def people(self) -> People:
        """The canonical people as stored, in filing order (for an online pass)."""
        people = People()
        for key, founder in self._stream(
            "SELECT key, founder FROM entity_tallies WHERE key LIKE 'PER|%' ORDER BY filed"
        ):
            people.found(key, founder)
        return people

    def tallies(self, keys: list[str]) -> dict[str, Tally]:
        """The stored tallies of the entities with these keys (for an online pass)."""
        found = {}
        for key, founder, filed, names, countries, sectors, variants, aids, n in self._stream(
            "SELECT t.key, t.founder, t.filed, t.names, t.countries, t.sectors, c.variants,"
            " c.article_ids, c.mentions FROM entity_tallies t"
            " JOIN canonical_entities c USING (entity_id) WHERE t.key IN (SELECT unnest($keys))",
            {"keys": keys},
        ):
            counts = [Counter(json.loads(v)) for v in (names, countries, sectors)]
            found[key] = Tally(
                key, *counts, set(json.loads(variants)), set(json.loads(aids)), n, founder, filed
            )
        return found

    def write_cache(self, rows: list[dict], table: str = "article_cache") -> None:
        """Keep the corpus stage's per-article work (`article_cache`, `mention_cache`).
        It stands apart from the corpus answers: it is valid whatever else the pass decides."""
        fresh = [r["article_id"] for r in rows]
        with self.transaction():
            self.con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [fresh])
            self._insert(table, rows)

    def write_mentions(self, rows: list[dict]) -> None:
        self.write_cache(rows, "mention_cache")

    def pair_verdicts(self, test: str, version: str) -> dict[tuple[str, str], bool]:
        """The answers `pair_cache` keeps for `test`, made by `version` of its code."""
        return {
            (other, aid): verdict
            for aid, other, verdict in self._stream(
                "SELECT article_id, other, verdict FROM pair_cache"
                " WHERE test = $t AND version = $v",
                {"t": test, "v": version},
            )
        }

    def write_pairs(self, test: str, version: str, verdicts: dict[tuple[str, str], bool]) -> None:
        """Keep a pairwise test's answers found anew, by (other, article id); those of
        other versions of its code go."""
        rows = pa.table(
            {
                "article_id": [b for _, b in verdicts],
                "other": [a for a, _ in verdicts],
                "test": [test] * len(verdicts),
                "version": [version] * len(verdicts),
                "verdict": list(verdicts.values()),
            }
        )
        with self.transaction():
            self.con.execute(
                "DELETE FROM pair_cache WHERE test = ? AND version <> ?", [test, version]
            )
            self._insert_table("pair_cache", rows)

    def _update(self, table: str, key: str, changes: pa.Table) -> None:
        """Set the columns of `changes` on the rows whose `key` it names, touching only
        rows it changes: a re-run rewrites few of a million rows, and DuckDB keeps an
        undo copy of every row an open transaction updates."""
        if not changes.num_rows:
            return
        self.con.register("_changes", changes)
        columns = [c for c in changes.column_names if c != key]
        assignments = ", ".join(f"{c} = _changes.{c}" for c in columns)
        changed = " OR ".join(f"{table}.{c} IS DISTINCT FROM _changes.{c}" for c in columns)
        self.con.execute(
            f"UPDATE {table} SET {assignments} FROM _changes"
            f" WHERE {table}.{key} = _changes.{key} AND ({changed})"
        )
        self.con.unregister("_changes")

    def corpus_inputs(self, cache_version: str | None = None) -> tuple[list[dict], list[dict]]:
        """Coded articles and their events, for a full corpus pass. Articles carry their
        cached `minhash`, `terms` and `counts` when cached by `cache_version`, else None.

        Rows stream from DuckDB and are put in order here: a DuckDB sort of whole
        articles holds them twice over, and its allocator keeps the memory after."""
        columns = as_coded("articles", ARTICLE_INPUTS[:-3], "a.")
        columns += ["c.minhash", "c.terms", "c.counts"]
        return self._coded_articles(ARTICLE_INPUTS, columns, cache_version), self.coded_events()

    def _coded_articles(
        self, names: tuple[str, ...], columns: list[str], cache_version: str | None, join: str = ""
    ) -> list[dict]:
        """The coded articles as dicts of `names` (`columns`, SQL over the articles `a`,
        their `article_cache` row `c` of `cache_version`, and what `join` adds)."""
        articles = [
            dict(zip(names, row, strict=True))
            for row in self._stream(
                f"SELECT {', '.join(columns)} FROM articles a"
                " LEFT JOIN article_cache c ON c.article_id = a.article_id AND c.version = $v"
                f" {join} WHERE status = 'ok'",
                {"v": cache_version},
            )
        ]
        articles.sort(key=itemgetter("article_id"))
        return articles

    def online_articles(self, cache_version: str) -> list[dict]:
        """Coded articles for an online pass, light: what placing the new ones needs of
        every article (dates as coded, their length as `size`, where the last pass
        placed them: `PLACED`, the cached MinHash and the story signature). The text and
        word counts come only with the articles no pass has placed, or whose cached work
        is missing; `article_texts` and `article_terms` read the others' when needed."""
        light = [c for c in ARTICLE_INPUTS[:-3] if c != "text"]
        placed = PLACED["articles"]
        names = (*light, "size", *placed, "minhash", "story_signature", "story_bar")
        names += ("text", "terms", "counts")
        missing = "a.story_id IS NULL OR c.minhash IS NULL"
        columns = [
            *as_coded("articles", light, "a."),
            "length(a.text)",
            *(f"a.{c}" for c in placed.values()),
            "c.minhash",
            "s.signature",
            "s.bar",
            f"CASE WHEN {missing} THEN a.text END",
            f"CASE WHEN {missing} THEN c.terms END",
            f"CASE WHEN {missing} THEN c.counts END",
        ]
        signed = "LEFT JOIN story_signatures s ON s.article_id = a.article_id"
        return self._coded_articles(names, columns, cache_version, signed)

    def article_texts(self, article_ids: list[str]) -> dict[str, str]:
        return dict(
            self._stream(
                "SELECT article_id, text FROM articles WHERE article_id IN (SELECT unnest($ids))",
                {"ids": article_ids},
            )
        )

    def article_terms(self, article_ids: list[str], cache_version: str) -> dict[str, tuple]:
        """The cached word counts (`terms`, `counts`) of these articles."""
        return {
            aid: (terms, counts)
            for aid, terms, counts in self._stream(
                "SELECT article_id, terms, counts FROM article_cache"
                " WHERE version = $v AND article_id IN (SELECT unnest($ids))",
                {"ids": article_ids, "v": cache_version},
            )
        }

    def word_stats(self, words: list[str]) -> WordStats:
        """The stored document frequency and rarity of these words, and the number of
        articles counted (see `write_fused`)."""
        (n,) = self.con.execute("SELECT count(*) FROM story_signatures").fetchone()
        df, rarity = {}, {}
        for word, count, rare in self._stream(
            "SELECT word, df, rarity FROM story_words WHERE word IN (SELECT unnest($w))",
            {"w": words},
        ):
            df[word], rarity[word] = count, rare
        return WordStats(n, df, rarity)

    def filed(self, keys: list[str]) -> set[str]:
        """The fused events filed under any of these block keys (see `write_fused`)."""
        return {
            fused_id
            for (fused_id,) in self._stream(
                "SELECT DISTINCT fused_id FROM fused_keys WHERE key IN (SELECT unnest($k))",
                {"k": keys},
            )
        }

    def coded_events(
        self, key: str | None = None, ids: list[str] | None = None, placed: bool = False
    ) -> list[dict]:
        """Events whole and as coded (dates as the coder found them), in article order;
        only those whose `key` column ("event_id", "article_id", "fused_id") is one of
        `ids`, when given. `placed`: with the dates the last pass placed them at
        (`PLACED`)."""
        stored = [c for c in self._columns("events") if c not in DERIVED_COLUMNS["events"]]
        columns = as_coded("events", stored)
        if placed:
            columns += [f"{c} AS {name}" for name, c in PLACED["events"].items()]
        where, params = "", None
        if key is not None:
            where, params = f"WHERE {key} IN (SELECT unnest($ids))", {"ids": ids}
        order = ("article_id", "start", "event_id")
        return self._records("events", order, columns, where, params)

    def entity_inputs(
        self,
        mention_version: str | None = None,
        labels: tuple[str, ...] | None = None,
        article_ids: list[str] | None = None,
    ) -> tuple[list[dict], list[EntityRow], dict[str, tuple[str, str, str]]]:
        """Claims (who speaks, and where: what entities need of a claim), entities (with
        their row ids; of `labels` only, when given) and the text mentions cached by
        `mention_version` (article id -> names digest, bodies, people), for the corpus
        stage's entity pass; of the `article_ids` only, when given."""
        params = {"ids": article_ids}
        only = " AND ($ids IS NULL OR list_contains($ids, article_id))"
        claims = self._records(
            "claims",
            ("article_id", "start", "claim_id"),
            ("claim_id", "article_id", "start_char", "speaker", "speaker_text"),
            "WHERE TRUE" + only,
            params,
        )
        seen: dict[str, str] = {}  # ids, labels and codes recur across a million rows

        def one(value: str | None) -> str | None:
            return value if value is None else seen.setdefault(value, value)

        entities = [
            EntityRow(rowid, one(aid), start, text, one(label), one(country), one(sector))
            for rowid, aid, start, text, label, country, sector in self._stream(
                "SELECT rowid, article_id, start_char, text, label, country, sector FROM entities"
                " WHERE ($labels IS NULL OR list_contains($labels, label))" + only,
                {"labels": list(labels) if labels else None, **params},
            )
        ]
        entities.sort(key=itemgetter(0))
        cached = {
            aid: (names, body, people)
            for aid, names, body, people in self._stream(
                "SELECT article_id, names, body, people FROM mention_cache WHERE version = $v"
                + only,
                {"v": mention_version, **params},
            )
        }
        return claims, entities, cached

    def entity_spans(self, article_ids: list[str]) -> dict[str, array]:
        """The articles' entity spans, every label's, as start, end, start, … (the end
        counted as the corpus stage does, from the text's length)."""
        if not article_ids:
            return {}
        spans: dict[str, array] = defaultdict(lambda: array("i"))
        for aid, start, size in self._stream(
            "SELECT article_id, start_char, length(text) FROM entities"
            " WHERE article_id IN (SELECT unnest($ids)) ORDER BY rowid",
            {"ids": article_ids},
        ):
            spans[aid].extend((start, start + size))
        return dict(spans)

    def _stream(self, sql: str, params: dict | None = None) -> Iterator[tuple]:
        """A query's rows as tuples, read in Arrow batches rather than materialised (on a
        cursor of its own, so the connection's last result need not be finished)."""
        cursor = self.con.cursor()
        try:
            for batch in cursor.sql(sql, params=params).to_arrow_reader(STREAM_BATCH):
                yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)
        finally:
            cursor.close()

    def _records(
        self,
        table: str,
        order: tuple[str, ...],
        columns: tuple[str, ...] | None = None,
        where: str = "",
        params: dict | None = None,
    ) -> list[dict[str, Any]]:
        """Rows with their fields' names (or only `columns`, SQL, maybe "x AS y"),
        without the derived columns, in `order` (fields), and with one parsed object per
        distinct JSON text (the same actors recur across millions of events; the corpus
        stage never changes them)."""
        derived = DERIVED_COLUMNS.get(table, {})
        columns = columns or [c for c in self._columns(table) if c not in derived]
        names = [c.rsplit(" AS ", 1)[-1] for c in columns]  # "coded_date AS date"
        keys = [FIELDS_OF_COLUMNS.get(c, c) for c in names]
        json_keys = [k for k in keys if k in JSON_FIELDS]
        parsed: dict[str, Any] = {}
        out = []
        for values in self._stream(f"SELECT {', '.join(columns)} FROM {table} {where}", params):
            out.append(_parsed(dict(zip(keys, values, strict=True)), json_keys, parsed))
        out.sort(key=itemgetter(*order))
        return out

    def query(self, sql: str, params: list | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]

    # --- reads ------------------------------------------------------------------------
    def export_rows(
        self, table: str, fields: list[str], order: str, size: int = 5_000
    ) -> Iterator[list[dict[str, Any]]]:
        """`fields` of the table's rows, JSON parsed, in `order` (SQL), `size` rows at a
        time, streamed: exports of a big store never hold it in memory."""
        columns = ", ".join(RENAMES.get(f, f) for f in fields)
        json_keys = [f for f in fields if f in JSON_FIELDS]
        chunk: list[dict[str, Any]] = []
        parsed: dict[str, Any] = {}  # actors recur; a chunk's rows share their objects
        for values in self._stream(f"SELECT {columns} FROM {table} ORDER BY {order}"):
            chunk.append(_parsed(dict(zip(fields, values, strict=True)), json_keys, parsed))
            if len(chunk) == size:
                yield chunk
                chunk, parsed = [], {}
        if chunk:
            yield chunk

    def object_keys(self, table: str, column: str, order: str) -> list[str]:
        """The keys of a JSON column's objects, in the order rows (in `order`, SQL) first
        use them: the CSV columns a nested field expands to."""
        shapes = self.con.execute(
            f"SELECT json_keys({column}) FROM (SELECT {column}, row_number() OVER"
            f" (ORDER BY {order}) AS n FROM {table}) WHERE json_type({column}) = 'OBJECT'"
            f" GROUP BY 1 ORDER BY min(n)"
        ).fetchall()
        return list(dict.fromkeys(key for (keys,) in shapes for key in keys))

    def counts(self) -> dict[str, int]:
        tables = ("articles", "sentences", "entities", "events", "claims", "runs")
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
