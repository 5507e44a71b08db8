"""GeoJSON for QGIS and web maps: one FeatureCollection of events and places.

Each feature's `kind` property says which it is. Events without coordinates are left out (a
GeoJSON point needs them); places carry how many events happened there.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import IO, Any

from sqlalchemy import Connection

from factions.export.formats import export_format
from factions.query.events import find_events
from factions.query.records import located_places


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [lon, lat]}


def feature_collection(conn: Connection, *, as_of: str | None = None) -> dict[str, Any]:
    """Events (up to `as_of`, if given) and every canonical place with coordinates."""
    events = find_events(conn, as_of=as_of, limit=None).events
    features = []
    per_place: Counter[str] = Counter()
    for event in events:
        place = event.place
        if not place or place.lat is None or place.lon is None:
            continue
        per_place[place.id] += 1
        features.append(
            {
                "type": "Feature",
                "id": event.id,
                "geometry": _point(place.lon, place.lat),
                "properties": {
                    "kind": "event",
                    "event_type": event.event_type,
                    "sub_event_type": event.sub_event_type,
                    "date": event.date,
                    "date_precision": event.date_precision,
                    "place": place.id,
                    "location": place.name,
                    "country": place.country,
                    "admin1": place.admin1,
                    "geo_precision": event.geo_precision or place.geo_precision,
                    "actors": [p.name for p in event.participants if p.role == "actor"],
                    "targets": [p.name for p in event.participants if p.role != "actor"],
                    "fatalities_low": event.fatalities_low,
                    "fatalities_best": event.fatalities_best,
                    "fatalities_high": event.fatalities_high,
                    "certainty": event.certainty,
                    "evidence": [e.text for e in event.evidence],
                },
            }
        )
    for row in located_places(conn):
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": _point(row["lon"], row["lat"]),
                "properties": {
                    "kind": "place",
                    "name": row["name"],
                    "type": row["type"],
                    "country": row["country"],
                    "admin1": row["admin1"],
                    "geo_precision": row["geo_precision"],
                    "gazetteer_id": row["gazetteer_id"],
                    "events": per_place[row["id"]],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(conn: Connection, out: IO[str], *, as_of: str | None = None) -> int:
    """Write the FeatureCollection; returns the number of features."""
    collection = feature_collection(conn, as_of=as_of)
    json.dump(collection, out, ensure_ascii=False)
    return len(collection["features"])


@export_format("geojson", "events and places as points, for QGIS", dated=True)
def _geojson(conn: Connection, out: IO[str], as_of: str | None) -> int:
    return write_geojson(conn, out, as_of=as_of)
