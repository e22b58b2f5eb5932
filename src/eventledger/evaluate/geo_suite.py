"""Geo suite: toponym resolution on the news sets of Gritta et al.'s geoparsing benchmark.

For every gold toponym (its text, with the document's other gold toponyms as the context a
geoparser would have found), resolve a place and count it right when it lies within 161 km
(100 miles) of the gold point: accuracy@161km per set, the median error, and the same for the
largest-population baseline on the same toponyms. Sets: GeoWebNews (resolution gold of
2,401 spans), LGL (US local news) and TR-News. The main metric is the worst set's accuracy.
GeoVirus (WikiNews on epidemics) is scored the same way and reported without a floor.
Gold is read from the shared folder at run time and never copied into the repo.
"""

from __future__ import annotations

import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from eventledger.geo.gazetteer import gazetteer
from eventledger.geo.resolve import candidates, distance_km, largest, resolve_document

FLOOR = 0.75
DIR = Path("eval-data/geoparsing-gritta")
SETS = {"gwn": "GeoWebNews_geocoding_gold.txt", "lgl": "lgl.xml", "trnews": "TR-News.xml"}
KM = 161.0


@dataclass
class Toponym:
    text: str
    lat: float
    lon: float


def read_gritta_xml(path: Path) -> list[list[Toponym]]:
    """LGL / TR-News: one list of gold toponyms (those with a gazetteer tag) per article."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        found = []
        for t in article.iter("toponym"):
            tag = t.find("gaztag")
            if tag is not None and tag.findtext("lat"):
                found.append(
                    Toponym(
                        t.findtext("phrase", ""),
                        float(tag.findtext("lat")),
                        float(tag.findtext("lon")),
                    )
                )
        docs.append(found)
    return docs


def read_geovirus(path: Path) -> list[list[Toponym]]:
    """GeoVirus (WikiNews on epidemics): <location> with name, lat, lon per article."""
    return [
        [
            Toponym(
                loc.findtext("name", ""), float(loc.findtext("lat")), float(loc.findtext("lon"))
            )
            for loc in article.iter("location")
        ]
        for article in ET.parse(path).getroot().iter("article")
    ]


def read_gwn(path: Path) -> list[list[Toponym]]:
    """GeoWebNews resolution gold: "name,,surface,,lat,,lon,,start,,end||..." per article."""
    docs = []
    for line in path.read_text("utf-8").splitlines():
        found = []
        for item in line.split("||"):
            parts = item.split(",,")
            if len(parts) == 6:
                found.append(Toponym(parts[1], float(parts[2]), float(parts[3])))
        docs.append(found)
    return docs


def score_set(docs: list[list[Toponym]]) -> dict:
    gaz = gazetteer()
    hits = base_hits = 0
    errors, base_errors = [], []
    n = 0
    for gold in docs:
        picks = resolve_document([t.text for t in gold], gaz=gaz)
        for t in gold:
            n += 1
            place = picks.get(t.text)
            base = largest(candidates(t.text, gaz))
            for p, errs in ((place, errors), (base, base_errors)):
                errs.append(distance_km(p.lat, p.lon, t.lat, t.lon) if p else 20000.0)
            hits += errors[-1] <= KM
            base_hits += base_errors[-1] <= KM
    return {
        "n": n,
        "acc161": round(hits / n, 4) if n else 0.0,
        "median_km": round(statistics.median(errors), 1) if errors else None,
        "baseline_acc161": round(base_hits / n, 4) if n else 0.0,
        "baseline_median_km": round(statistics.median(base_errors), 1) if base_errors else None,
    }


def run_geo(shared: Path) -> dict:
    folder = shared / DIR
    started = time.perf_counter()
    results = {}
    for name, file in SETS.items():
        path = folder / file
        docs = read_gwn(path) if name == "gwn" else read_gritta_xml(path)
        results[name] = score_set(docs)
    worst = min(r["acc161"] for r in results.values())
    extra = folder / "GeoVirus.xml"  # no floor: reported beside the three news sets
    geovirus = score_set(read_geovirus(extra)) if extra.exists() else None
    return {
        "suite": "geo",
        "metric": "acc161_min",
        "acc161_min": worst,
        "floor": FLOOR,
        "n": sum(r["n"] for r in results.values()),
        "sets": results,
        "geovirus": geovirus,
        "anchors": {"mordecai3_acc161": {"gwn": 0.941, "lgl": 0.827, "trnews": 0.873}},
        "seconds": round(time.perf_counter() - started, 1),
    }
