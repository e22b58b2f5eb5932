"""Geocode one article's results: points for its place entities and its events' locations.

The article's context is its own: the countries its entities name or act for (GPE countries,
demonyms, actors' countries) and its other place names. An event keeps the place extraction
gave it and gains the point; an event without one takes the place named after a locative
preposition ("in", "near" ...) in its sentence, if any.
"""

from __future__ import annotations

from collections import defaultdict

from eventledger.geo.gazetteer import Place
from eventledger.geo.resolve import POINTS, resolve_document
from eventledger.records import Article, BatchResult, Entity, Event, Location

PLACE_LABELS = {"GPE", "LOC", "FAC"}
LOCATIVE = {
    "in", "at", "near", "outside", "around", "across", "into", "inside", "within",
    "toward", "towards", "throughout",
}  # fmt: skip
# A town makes a better event location than the province or country it lies in.
SPECIFIC = {"city": 0, "town": 0, "district": 0, "corridor": 0, "county": 1, "admin1": 1}


def _preceding_word(text: str, start: int) -> str:
    words = text[max(0, start - 20) : start].split()
    return words[-1].lower() if words else ""


def _event_place(
    event: Event, places: list[tuple[Entity, Place]], text: str
) -> tuple[Entity, Place] | None:
    """The most specific place introduced by a locative word in the event's sentence."""
    inside = [
        (e, p)
        for e, p in places
        if event.start <= e.start < event.end and _preceding_word(text, e.start) in LOCATIVE
    ]
    return min(inside, key=lambda ep: SPECIFIC.get(ep[1].kind, 2), default=None)


def geocode_article(article: Article, entities: list[Entity], events: list[Event]) -> None:
    """Fill `lat`/`lon` of the place entities and `location` of the events, in place."""
    names = [e.text for e in entities if e.label in PLACE_LABELS]
    names += [ev.location.name for ev in events if ev.location]
    if not names:
        return
    # Countries named by people, groups and demonyms; a place's own lexicon country
    # ("Paris": FRA) must not vouch for itself.
    countries = [e.country for e in entities if e.country and e.label not in PLACE_LABELS]
    # sources only: a target's country may itself come from the place it is in
    countries += [ev.source.country for ev in events if ev.source and ev.source.country]
    found = resolve_document(names, countries)
    places = []
    for e in entities:
        place = found.get(e.text) if e.label in PLACE_LABELS else None
        if place is not None:
            e.lat, e.lon = round(place.lat, 4), round(place.lon, 4)
            if place.kind in POINTS and place.country:  # Tripoli, Lebanon is not Libya's
                e.country = place.country
            places.append((e, place))
    for ev in events:
        if ev.location is not None:
            place = found.get(ev.location.name)
            if place is not None:  # the article's own reading of the name wins
                ev.location.lat, ev.location.lon = round(place.lat, 4), round(place.lon, 4)
                ev.location.country = place.country or ev.location.country
            continue
        chosen = _event_place(ev, places, article.text)
        if chosen is not None:
            e, place = chosen
            ev.location = Location(e.text, place.country, e.lat, e.lon)


def geocode_batch(result: BatchResult) -> BatchResult:
    """Geocode every article of a batch (entities and events grouped by article)."""
    entities: dict[str, list[Entity]] = defaultdict(list)
    events: dict[str, list[Event]] = defaultdict(list)
    for e in result.entities:
        entities[e.article_id].append(e)
    for ev in result.events:
        events[ev.article_id].append(ev)
    for article in result.articles:
        geocode_article(article, entities[article.article_id], events[article.article_id])
    return result
