"""Events filtered by type, actor, place (or anything inside a province or country), date and
certainty: one row per canonical event, with every report of it merged in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Connection, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from factions.partial_date import query_days
from factions.query.common import (
    PLACE_TYPES,
    BadQuery,
    Canon,
    Evidence,
    canonical_events,
    chunks,
    count_of,
    date_bounds,
    duplicates_of,
    evidence_for,
    grades_at_least,
    ids_in_day_order,
    instrument_words,
    is_duplicate_event,
    other_counts,
    page,
)
from factions.query.lookup import find_entity
from factions.store import schema
from factions.store.dialect import one_of
from factions.store.relation_index import meeting_days
from factions.vocabulary import vocabulary


@dataclass
class EventParticipant:
    id: str
    name: str
    type: str | None
    role: str


@dataclass
class Place:
    id: str
    name: str
    type: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    geo_precision: str | None


@dataclass
class EventRow:
    id: str
    event_type: str
    sub_event_type: str
    date: str | None
    date_precision: str | None
    place: Place | None
    geo_precision: str | None
    participants: list[EventParticipant]
    fatalities_low: int | None
    fatalities_best: int | None
    fatalities_high: int | None
    certainty: str
    speaker: str | None
    reports: list[str]
    evidence: list[Evidence] = field(default_factory=list)
    # Analysts' corrections now in the fields above: {field, value, original, by, at, why,
    # judgement} each, the machine's value as `original`.
    corrections: list[dict[str, Any]] = field(default_factory=list)
    # The wounded, kidnapped and arrested the report counts, and what the event was done with.
    counts: dict[str, int] = field(default_factory=dict)
    instruments: list[str] = field(default_factory=list)


@dataclass
class EventPage:
    total: int
    limit: int | None
    offset: int
    events: list[EventRow]


@dataclass
class PlaceScope:
    """What a place filter covers: one place, an admin1 province, or a whole country."""

    id: str
    name: str
    kind: str
    country: str | None
    admin1: str | None


def place_scope(conn: Connection, name: str, canon: Canon | None = None) -> PlaceScope:
    """The area a place name stands for; raises NoSuchEntity (kind 'place')."""
    canon = canon or Canon(conn)
    place_id = find_entity(conn, name, types=PLACE_TYPES, kind="place", canon=canon)
    row = canon.row(place_id) or {}
    if row.get("type") == "country" and row.get("country"):
        kind = "country"
    elif row.get("geo_precision") == "admin1" and row.get("country") and row.get("admin1"):
        kind = "admin1"
    else:
        kind = "place"
    return PlaceScope(
        place_id, row.get("name", place_id), kind, row.get("country"), row.get("admin1")
    )


def place_condition(conn: Connection, scope: PlaceScope, canon: Canon, column: Any) -> Any:
    """SQL: `column` (a place id) lies in the scope: the place itself or anything inside it."""
    members = canon.members(scope.id)
    if scope.kind == "place":
        return column.in_(members)
    # Places only: actors carry a country too, and there are many more of them.
    inside = select(schema.entities.c.id).where(
        schema.entities.c.type.in_(PLACE_TYPES), schema.entities.c.country == scope.country
    )
    if scope.kind == "admin1":
        inside = inside.where(schema.entities.c.admin1 == scope.admin1)
    if conn.dialect.name == "postgresql":
        # One list of ids: PostgreSQL tests an OR with a subquery row by row, but finds each
        # id of a list in the (place, day) index.
        return one_of(conn, column, sorted({*members, *conn.execute(inside).scalars()}))
    return or_(column.in_(members), column.in_(inside))


@cache
def _type_spellings() -> dict[str, tuple[str, str]]:
    """Lowercased event type or sub-type -> (column, stored spelling), from the vocabulary."""
    spellings: dict[str, tuple[str, str]] = {}
    for event_type, sub_types in vocabulary().event_types.items():
        spellings[event_type.lower()] = ("event_type", event_type)
        for sub_type in sub_types:
            spellings.setdefault(sub_type.lower(), ("sub_event_type", sub_type))
    return spellings


def type_condition(event_type: str) -> ColumnElement[bool]:
    """SQL: the event has this type or sub-type, matched case-insensitively.

    A known name becomes its stored spelling, so that an index finds it; a name the vocabulary
    does not know is refused (BadQuery) rather than matching nothing.
    """
    wanted = event_type.strip()
    known = _type_spellings().get(wanted.lower())
    if not known:
        raise BadQuery(
            f"unknown event type '{wanted}' (one of: {', '.join(vocabulary().event_types)}, "
            "or one of their sub-types)"
        )
    column, spelling = known
    return schema.events.c[column] == spelling


def _filters(
    conn: Connection,
    canon: Canon,
    *,
    event_type: str | None,
    actor: str | None,
    role: str | None,
    place: str | None,
    days: tuple[int, int],
    grades: list[str] | None,
) -> list[Any]:
    conditions: list[Any] = []
    if event_type:
        conditions.append(type_condition(event_type))
    if actor:
        actor_id = find_entity(conn, actor, kind="actor", canon=canon)
        members = canon.members(actor_id)
        involved = select(schema.event_participants.c.event_id).where(
            schema.event_participants.c.entity_id.in_(members)
        )
        if role:
            involved = involved.where(schema.event_participants.c.role == role)
        conditions.append(schema.events.c.id.in_(involved))
    if place:
        scope = place_scope(conn, place, canon)
        conditions.append(place_condition(conn, scope, canon, schema.events.c.place))
    conditions += meeting_days(schema.events, days, few=bool(actor))
    if grades:
        conditions.append(schema.events.c.certainty.in_(grades))
    # An event an analyst rejected is in no list, count or export of events.
    rejected = sorted(canon.linker.overlay.rejected)
    if rejected:
        conditions.append(schema.events.c.id.not_in(rejected))
    return conditions


def find_events(
    conn: Connection,
    *,
    event_type: str | None = None,
    actor: str | None = None,
    role: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    as_of: str | None = None,
    min_certainty: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
    newest_first: bool = False,
) -> EventPage:
    """Canonical events matching every filter given, oldest first (or newest first).

    An undated event is placed at its document's publication date, for the order as for date
    filters; with no date at all it comes last. `place` may name a country or an admin1
    province: everything inside it matches.
    """
    limit, offset = page(limit, offset)
    lower, upper = date_bounds(None, date_from, date_to)
    if as_of:
        lower, upper = None, date_bounds(as_of, None, None)[1]
    canon = Canon(conn)
    conditions = _filters(
        conn,
        canon,
        event_type=event_type,
        actor=actor,
        role=role,
        place=place,
        days=query_days(lower, upper),
        grades=grades_at_least(min_certainty),
    )
    # Ids first, from the indexes alone; whole rows only for the page.
    ids = ids_in_day_order(
        conn,
        schema.events.c.day_first,
        schema.events.c.id,
        [*conditions, ~is_duplicate_event()],
        limit,
        offset,
        newest_first,
        narrow=bool(place),
    )
    found = {
        r["id"]: dict(r)
        for batch in chunks(ids)
        for r in conn.execute(
            select(schema.events, schema.documents.c.published)
            .select_from(
                schema.events.join(
                    schema.documents, schema.documents.c.id == schema.events.c.document_id
                )
            )
            .where(one_of(conn, schema.events.c.id, batch))
        ).mappings()
    }
    rows = [found[i] for i in ids]
    # Counted as all that match less the duplicate reports among them: the few duplicates are
    # looked up once instead of testing every matching event against them.
    total = count_canonical_events(conn, conditions)
    return EventPage(total=total, limit=limit, offset=offset, events=event_rows(conn, rows, canon))


def count_canonical_events(conn: Connection, conditions: list[Any] | None = None) -> int:
    """How many canonical events meet the conditions."""
    if not conditions:
        # All events less the duplicate reports: two counts the database keeps cheaply.
        links = schema.event_links
        every = count_of(conn, select(schema.events.c.id))
        duplicates = count_of(
            conn, select(links.c.event_id).where(links.c.event_id != links.c.canonical_id)
        )
        return every - duplicates
    # One pass counts the matching events and, among them, the duplicate reports.
    counted = conn.execute(
        select(func.count(), func.sum(case((is_duplicate_event(), 1), else_=0))).where(*conditions)
    ).one()
    return int(counted[0]) - int(counted[1] or 0)


def event_rows(conn: Connection, rows: list[dict], canon: Canon | None = None) -> list[EventRow]:
    """Stored event rows as canonical events, with participants, place and merged evidence."""
    canon = canon or Canon(conn)
    merged = duplicates_of(conn, [r["id"] for r in rows])
    all_ids = [i for ids in merged.values() for i in ids]
    participants = _participants(conn, merged, canon)
    evidence = evidence_for(conn, "event", all_ids)
    # Links and names of every place and speaker in a few queries, not one each.
    linked = canon.many(i for r in rows for i in (r["place"], r["attributed_to"]))
    canon.prefetch(linked.values())
    result = []
    for r in rows:
        place_id = canon.of(r["place"])
        speaker = canon.of(r["attributed_to"])
        row = EventRow(
            id=r["id"],
            event_type=r["event_type"],
            sub_event_type=r["sub_event_type"],
            date=r["date"],
            date_precision=r["date_precision"],
            place=_place(canon, place_id) if place_id else None,
            geo_precision=r["geo_precision"],
            participants=participants.get(r["id"], []),
            fatalities_low=r["fatalities_low"],
            fatalities_best=r["fatalities_best"],
            fatalities_high=r["fatalities_high"],
            certainty=r["certainty"],
            speaker=canon.name(speaker) if speaker else None,
            reports=merged[r["id"]],
            evidence=[e for i in merged[r["id"]] for e in evidence.get(i, [])],
            counts=other_counts(r),
            instruments=instrument_words(r["instruments"]),
        )
        result.append(_corrected(row, canon))
    return result


def _corrected(row: EventRow, canon: Canon) -> EventRow:
    """The event with analysts' corrections in its fields, the machine's values kept beside
    them (as the exports give them)."""
    corrections = canon.linker.overlay.corrections.get(row.id, {})
    for name, correction in corrections.items():
        value = correction.value
        if name == "fatalities":
            original: Any = {
                "low": row.fatalities_low,
                "best": row.fatalities_best,
                "high": row.fatalities_high,
            }
            row.fatalities_low = row.fatalities_best = row.fatalities_high = value
        elif name == "place":
            original = row.place.id if row.place else None
            place_id = canon.of(value)
            row.place = _place(canon, place_id) if place_id else None
        elif hasattr(row, name):
            original = getattr(row, name)
            setattr(row, name, value)
        else:
            continue
        row.corrections.append(
            {
                "field": name,
                "value": value,
                "original": original,
                "by": correction.author,
                "at": correction.created_at,
                "why": correction.why,
                "judgement": correction.judgement,
            }
        )
    return row


def _place(canon: Canon, place_id: str) -> Place:
    row = canon.row(place_id) or {}
    return Place(
        id=place_id,
        name=row.get("name", place_id),
        type=row.get("type"),
        country=row.get("country"),
        admin1=row.get("admin1"),
        lat=row.get("lat"),
        lon=row.get("lon"),
        geo_precision=row.get("geo_precision"),
    )


def _participants(
    conn: Connection, merged: dict[str, list[str]], canon: Canon
) -> dict[str, list[EventParticipant]]:
    owner = {i: canonical for canonical, ids in merged.items() for i in ids}
    found: dict[str, list[EventParticipant]] = {}
    rows = []
    for batch in chunks(list(owner)):
        rows.extend(
            conn.execute(
                select(
                    schema.event_participants.c.event_id,
                    schema.event_participants.c.entity_id,
                    schema.event_participants.c.role,
                )
                .where(one_of(conn, schema.event_participants.c.event_id, batch))
                .order_by(
                    schema.event_participants.c.event_id,
                    schema.event_participants.c.role,
                    schema.event_participants.c.entity_id,
                )
            ).all()
        )
    canonical = canon.many(r[1] for r in rows)
    canon.prefetch(canonical.values())
    for event_id, entity_id, role in rows:
        target = owner[event_id]
        entity = canonical[entity_id]
        item = EventParticipant(entity, canon.name(entity) or entity, canon.type(entity), role)
        if item not in found.setdefault(target, []):
            found[target].append(item)
    return found


def event_by_id(conn: Connection, event_id: str) -> EventRow | None:
    """One event (a duplicate id gives its canonical event), or None."""
    canonical = canonical_events(conn, [event_id])[event_id]
    rows = conn.execute(
        select(schema.events, schema.documents.c.published)
        .select_from(
            schema.events.join(
                schema.documents, schema.documents.c.id == schema.events.c.document_id
            )
        )
        .where(schema.events.c.id == canonical)
    ).mappings()
    found = [dict(r) for r in rows]
    return event_rows(conn, found)[0] if found else None
