"""ACLED-style CSV of events: ACLED's column names wherever the meaning is the same.

ACLED always gives a full date with a time precision code; a partial date is written as the
first day of its period (a week as its Monday) with the code for its precision. Extra columns
keep what ACLED has no column for: the fatality range, certainty and our ids.
"""

from __future__ import annotations

import csv
from typing import IO

import pycountry
from sqlalchemy import Connection

from factions.export.formats import export_format
from factions.partial_date import first_day_iso
from factions.query.events import EventRow, find_events

COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    # Not in ACLED:
    "fatalities_low",
    "fatalities_high",
    "date",
    "date_precision",
    "certainty",
    "attributed_to",
    "place_id",
    "documents",
)

# ACLED: 1 = the day is known, 2 = the week or a part of the month, 3 = the month or longer.
TIME_PRECISION = {
    "day": 1,
    "week": 2,
    "part_of_month": 2,
    "month": 3,
    "season": 3,
    "part_of_year": 3,
    "year": 3,
    "decade": 3,
}
# ACLED: 1 = the town itself, 2 = near it or a district, 3 = only the province or larger.
GEO_PRECISION = {"point": 1, "district": 2, "admin1": 3, "country": 3, "region": 3}

ACTOR_ROLES = ("actor",)
OTHER_SIDE_ROLES = ("target", "victim", "wounded")


def full_date(date: str | None) -> str:
    """A partial ISO date as the first day of its period (2015-11 -> 2015-11-01)."""
    return first_day_iso(date) or ""


def _country(code: str | None) -> tuple[str, str]:
    if not code:
        return "", ""
    found = pycountry.countries.get(alpha_2=code)
    return (str(int(found.numeric)), found.name) if found else ("", code)


def acled_row(event: EventRow) -> dict[str, object]:
    """One event as an ACLED-style row."""
    actors = [p.name for p in event.participants if p.role in ACTOR_ROLES]
    others = [p.name for p in event.participants if p.role in OTHER_SIDE_ROLES]
    assoc = [p.name for p in event.participants if p.role == "assoc"]
    place = event.place
    iso, country = _country(place.country if place else None)
    date = full_date(event.date)
    fatalities = next(
        (n for n in (event.fatalities_best, event.fatalities_low) if n is not None), 0
    )
    return {
        "event_id_cnty": event.id,
        "event_date": date,
        "year": date[:4],
        "time_precision": TIME_PRECISION.get(event.date_precision or "", "") if date else "",
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "actor1": actors[0] if actors else "",
        "assoc_actor_1": "; ".join(actors[1:] + assoc),
        "actor2": others[0] if others else "",
        "assoc_actor_2": "; ".join(others[1:]),
        "iso": iso,
        "country": country,
        "admin1": (place.admin1 or "") if place else "",
        "location": place.name if place else "",
        "latitude": place.lat if place and place.lat is not None else "",
        "longitude": place.lon if place and place.lon is not None else "",
        "geo_precision": GEO_PRECISION.get(event.geo_precision or "", "") if place else "",
        "source": "; ".join(sorted({e.outlet or e.title or e.document for e in event.evidence})),
        "notes": " ".join(e.text for e in event.evidence),
        "fatalities": fatalities,
        "fatalities_low": "" if event.fatalities_low is None else event.fatalities_low,
        "fatalities_high": "" if event.fatalities_high is None else event.fatalities_high,
        "date": event.date or "",
        "date_precision": event.date_precision or "",
        "certainty": event.certainty,
        "attributed_to": event.speaker or "",
        "place_id": place.id if place else "",
        "documents": "; ".join(sorted({e.document for e in event.evidence})),
    }


def write_acled_csv(conn: Connection, out: IO[str], *, as_of: str | None = None) -> int:
    """Write every canonical event (up to `as_of`, if given); returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    events = find_events(conn, as_of=as_of, limit=None).events
    for event in events:
        writer.writerow(acled_row(event))
    return len(events)


@export_format("acled-csv", "events with ACLED's column names", dated=True)
def _acled_csv(conn: Connection, out: IO[str], as_of: str | None) -> int:
    return write_acled_csv(conn, out, as_of=as_of)
