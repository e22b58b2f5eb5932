"""Toponym resolution: pick one gazetteer place for each place name in a document.

A candidate's score is its prior (log10 population, or its kind's prior) plus bonuses from the
document: its country is named or implied there (the article's countries, its actors'
countries, its other places), its state is named there, or it lies near the document's other
places. A candidate in a context country beats a same-named, larger place elsewhere: the
country of a place is not guessed from a namesake abroad when the article says otherwise.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from eventledger.geo.gazetteer import Gazetteer, Place, gazetteer, normalize

# Bonuses and penalties, in log10 "people" like the priors they are added to.
IN_CONTEXT_COUNTRY = 3.5  # its country is the document's: worth 3,000 times the population
SHARE_WEIGHT = 0.5  # how much of that bonus depends on the country's share of the document
IN_CONTEXT_STATE = 1.5  # its state is named in the document
SUPPORT = 1.5  # per other name of the document that may lie in its state (at most 2)
NEAR = 1.5  # at most, for a candidate at the point of another place of the document
NEAR_KM = 300.0
ALTERNATE = 1.0  # matched by an alternate name only ("Mashhad" is also "Alexandria")
NAMESAKE = IN_CONTEXT_COUNTRY  # a town named like a country needs more than that country
PARTIAL = 1.0  # matched by part of the name ("Dubai World Cup" -> Dubai)
PARTIAL_MIN_PRIOR = 5.0  # a part names a city only if it is a large one ("Trump Tower")
CONFIDENT_MARGIN = 1.0  # a pick this far ahead of the runner-up is context for the others
MAX_CANDIDATES = 30  # the largest namesakes; the rest are hamlets (and cost time)
NAMED_AREAS = {"continent", "country", "region", "sea"}
POINTS = {"city", "town", "district", "corridor"}
AREAS = {"continent", "country", "admin1", "county", "region", "sea"}  # not a point to be near
GENERIC = {
    "county", "parish", "province", "governorate", "district", "region", "oblast", "state",
    "city", "township", "borough", "municipality", "area", "metro", "valley", "town",
}  # fmt: skip


@dataclass
class Context:
    """What a document says about where it is: counts of countries, named states, points."""

    countries: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)  # (country, admin1) of named states
    points: list[tuple[str, Place]] = field(default_factory=list)  # (key, place) of cities
    # State -> how many of the document's names could lie there (a name with candidates in
    # n states counts 1/n in each): local news names places of one area.
    support: Counter = field(default_factory=Counter)


@dataclass
class Pick:
    place: Place
    lead: float  # score over the runner-up
    country_agreed: bool  # every close runner-up lies in the same country


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def candidates(name: str, gaz: Gazetteer | None = None) -> list[tuple[Place, float]]:
    """(place, penalty) for a name; when the whole name is unknown, its parts at a penalty."""
    gaz = gaz or gazetteer()
    found = gaz.lookup(name)
    if found:
        area = any(p.kind in NAMED_AREAS and not p.alternate for p in found)
        options = sorted(((p, _penalty(p, area)) for p in found), key=lambda o: o[1] - o[0].prior)
        return options[:MAX_CANDIDATES]
    words = normalize(name).split()
    parts: list[Place] = []
    if len(words) > 1 and words[-1] in GENERIC:  # "Idlib province"
        parts += gaz.lookup(" ".join(words[:-1]))
    if not parts and "of" in words[:-1]:  # "University of Louisville"
        parts += gaz.lookup(" ".join(words[words.index("of") + 1 :]))
    for size in range(len(words) - 1, 0, -1):  # the longest known part
        if parts:
            break
        for i in range(len(words) - size + 1):
            if words[i] not in GENERIC:
                parts += gaz.lookup(" ".join(words[i : i + size]))
    return [
        (p, PARTIAL)
        for p in parts
        if not p.alternate and (p.kind != "city" or p.prior >= PARTIAL_MIN_PRIOR)
    ]


def _penalty(place: Place, area_named: bool) -> float:
    """Alternate names count less; a town named like a country ("China", Maine) needs local
    evidence (its state named, its neighbours), not just its country, to beat the country."""
    namesake = NAMESAKE if area_named and place.kind in POINTS else 0.0
    return (ALTERNATE if place.alternate else 0.0) + namesake


def score(place: Place, penalty: float, ctx: Context) -> float:
    s = place.prior - penalty
    mentions = ctx.countries.get(place.country, 0) if place.country else 0
    if mentions > 0:  # the more the document is about that country, the more it counts
        share = mentions / sum(n for n in ctx.countries.values() if n > 0)
        s += IN_CONTEXT_COUNTRY * (1 - SHARE_WEIGHT + SHARE_WEIGHT * share)
    if place.admin1 and place.kind != "admin1":
        state = (place.country, place.admin1)
        s += IN_CONTEXT_STATE if ctx.states.get(state, 0) > 0 else 0.0
        s += SUPPORT * min(ctx.support.get(state, 0.0), 2.0)
    if ctx.points and place.kind not in AREAS:
        near = min(distance_km(place.lat, place.lon, p.lat, p.lon) for _, p in ctx.points)
        s += NEAR * max(0.0, 1.0 - near / NEAR_KM)
    return s


def best(options: list[tuple[Place, float]], ctx: Context) -> Pick | None:
    if not options:
        return None
    ranked = sorted(((score(p, pen, ctx), i) for i, (p, pen) in enumerate(options)), reverse=True)
    top = options[ranked[0][1]][0]
    lead = ranked[0][0] - ranked[1][0] if len(ranked) > 1 else math.inf
    close = [options[i][0] for s, i in ranked if s >= ranked[0][0] - CONFIDENT_MARGIN]
    return Pick(top, lead, all(p.country == top.country for p in close))


def largest(options: list[tuple[Place, float]]) -> Place | None:
    """The baseline: the candidate with the largest population (or prior)."""
    return max(options, key=lambda o: o[0].prior - o[1])[0] if options else None


def _evidence(key: str, pick: Pick, n: int, ctx: Context, sign: int = 1) -> None:
    """Add (or with sign -1 take back) what one picked name says about the document."""
    place = pick.place
    if place.country and (pick.country_agreed or pick.lead >= CONFIDENT_MARGIN):
        ctx.countries[place.country] += sign * n
    if pick.lead < CONFIDENT_MARGIN:
        return
    if place.kind in ("admin1", "county") and place.admin1:
        ctx.states[(place.country, place.admin1)] += sign * n
    if place.kind not in AREAS and sign > 0:
        ctx.points.append((key, place))


def _states(options: list[tuple[Place, float]]) -> Counter:
    """The states a name may lie in, each weighing 1/n."""
    states = {(p.country, p.admin1) for p, _ in options if p.admin1}
    return Counter({s: 1.0 / len(states) for s in states})


def _without(ctx: Context, key: str, pick: Pick | None, n: int, states: Counter) -> Context:
    """The context as one name sees it: a name does not vouch for itself."""
    support = Counter(ctx.support)
    support.subtract(states)
    points = [p for p in ctx.points if p[0] != key]
    own = Context(Counter(ctx.countries), Counter(ctx.states), points, support)
    if pick is not None:
        _evidence(key, pick, n, own, sign=-1)
    return own


def _placed(place: Place, points: list[tuple[str, Place]], gaz: Gazetteer) -> Place:
    """A county has no point of its own: the centre of the document's places in its state,
    else its namesake town there ("Orange County": Orange), else the state's centre."""
    if place.kind != "county":
        return place
    state = (place.country, place.admin1)
    base = " ".join(place.name.split()[:-1])
    towns = [p for p in gaz.lookup(base) if p.kind in POINTS and (p.country, p.admin1) == state]
    inside = [p for _, p in points if (p.country, p.admin1) == state] or towns[:1]
    if not inside:
        return place
    lat = sum(p.lat for p in inside) / len(inside)
    return replace(place, lat=lat, lon=sum(p.lon for p in inside) / len(inside))


def resolve_document(
    names: list[str], countries: Iterable[str] = (), gaz: Gazetteer | None = None
) -> dict[str, Place | None]:
    """Name -> place for every place name of one document (repeats count as more evidence).

    `countries` are codes the document names besides these places: its actors' countries.
    """
    gaz = gaz or gazetteer()
    counts = Counter(normalize(n) for n in names)
    options = {normalize(n): candidates(n, gaz) for n in set(names)}
    seed = Counter(c for c in countries if c)
    states = {key: _states(opts) for key, opts in options.items()}
    support = sum(states.values(), Counter())
    picks: dict[str, Pick] = {}
    ctx = Context(countries=Counter(seed), support=support)
    for _ in range(3):  # population and the seed, then twice with the picks as context
        for key, opts in options.items():
            pick = best(opts, _without(ctx, key, picks.get(key), counts[key], states[key]))
            if pick is not None:
                picks[key] = pick
        ctx = Context(countries=Counter(seed), support=support)
        for key, pick in picks.items():
            _evidence(key, pick, counts[key], ctx)
    out = {k: _placed(p.place, ctx.points, gaz) for k, p in picks.items()}
    return {n: out.get(normalize(n)) for n in names}
