"""A timeline: events and relation claims of an actor (or at a place), in date order.

Each entry keeps its date precision; a claim with no dates of its own sits at its document's
publication date, marked with precision 'published'.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, or_, select

from factions.query.common import (
    BadQuery,
    Canon,
    comparable_date,
    date_bounds,
    date_precision,
    evidence_for,
    page,
    within,
)
from factions.query.events import find_events, place_condition, place_scope
from factions.query.lookup import find_entity
from factions.store import schema


@dataclass
class TimelineEntry:
    date: str | None
    precision: str | None
    kind: str
    id: str
    label: str
    detail: str
    certainty: str
    place: str | None
    entities: list[str]
    evidence: list[str]


@dataclass
class Timeline:
    actor: str | None
    actor_name: str | None
    place: str | None
    place_name: str | None
    total: int
    limit: int | None
    offset: int
    entries: list[TimelineEntry]


def _sort_key(entry: TimelineEntry) -> tuple[int, str, str, str]:
    if entry.date is None:
        return (1, "", entry.kind, entry.id)
    return (0, comparable_date(entry.date), entry.kind, entry.id)


def _claim_entries(
    conn: Connection,
    canon: Canon,
    actor_id: str | None,
    place_filter: object | None,
    lower: str | None,
    upper: str | None,
) -> list[TimelineEntry]:
    conditions = []
    if actor_id:
        members = canon.members(actor_id)
        conditions.append(
            or_(schema.claims.c.subject.in_(members), schema.claims.c.object.in_(members))
        )
    if place_filter is not None:
        conditions.append(place_filter)
    rows = (
        conn.execute(
            select(schema.claims, schema.documents.c.published)
            .select_from(
                schema.claims.join(
                    schema.documents, schema.documents.c.id == schema.claims.c.document_id
                )
            )
            .where(and_(*conditions))
        )
        .mappings()
        .all()
    )
    canonical = canon.many(i for r in rows for i in (r["subject"], r["object"], r["attributed_to"]))
    canon.prefetch(canonical.values())
    evidence = _evidence_texts(conn, "claim", [r["id"] for r in rows])
    entries = []
    for r in rows:
        dated = r["valid_from"] or r["valid_to"]
        start = r["valid_from"] if dated else r["published"]
        end = r["valid_to"] if dated else r["published"]
        if not within(start, end, lower, upper):
            continue
        subject = canonical[r["subject"]]
        other = canon.name(canonical[r["object"]]) if r["object"] else r["value"]
        negated = "" if r["polarity"] else "NOT "
        ends_later = r["valid_to"] and r["valid_to"] != r["valid_from"]
        span = f" (until {r['valid_to']})" if ends_later else ""
        speaker = canonical.get(r["attributed_to"]) if r["attributed_to"] else None
        entries.append(
            TimelineEntry(
                date=dated or r["published"],
                precision=date_precision(dated) if dated else "published",
                kind="claim",
                id=r["id"],
                label=r["predicate"],
                detail=f"{canon.name(subject)} {negated}{r['predicate']} {other}{span}"
                + (f", says {canon.name(speaker)}" if speaker else ""),
                certainty=r["certainty"],
                place=canon.name(canonical[r["object"]])
                if r["object"] and canon.type(canonical[r["object"]]) in ("location", "country")
                else None,
                entities=[e for e in (subject, canonical.get(r["object"] or "")) if e],
                evidence=evidence.get(r["id"], []),
            )
        )
    return entries


def _evidence_texts(conn: Connection, kind: str, ids: list[str]) -> dict[str, list[str]]:
    return {k: [e.text for e in v] for k, v in evidence_for(conn, kind, ids).items()}


def actor_timeline(
    conn: Connection,
    actor: str | None = None,
    *,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Timeline:
    """What happened to or was said about an actor and/or at a place, in date order."""
    limit, offset = page(limit, offset)
    if not actor and not place:
        raise BadQuery("give an actor, a place, or both")
    lower, upper = date_bounds(None, date_from, date_to)
    canon = Canon(conn)
    actor_id = find_entity(conn, actor, kind="actor", canon=canon) if actor else None
    scope = place_scope(conn, place, canon) if place else None
    place_filter = place_condition(conn, scope, canon, schema.claims.c.object) if scope else None
    events = find_events(
        conn,
        actor=actor_id,
        place=scope.id if scope else None,
        date_from=lower,
        date_to=upper,
        limit=None,
    ).events
    entries = [
        TimelineEntry(
            date=e.date,
            precision=e.date_precision,
            kind="event",
            id=e.id,
            label=e.sub_event_type,
            detail=f"{e.sub_event_type} in {e.place.name if e.place else 'an unknown place'}"
            + (
                f" ({', '.join(f'{p.name} as {p.role}' for p in e.participants)})"
                if e.participants
                else ""
            ),
            certainty=e.certainty,
            place=e.place.name if e.place else None,
            entities=[p.id for p in e.participants],
            evidence=[x.text for x in e.evidence],
        )
        for e in events
    ]
    entries.extend(_claim_entries(conn, canon, actor_id, place_filter, lower, upper))
    entries.sort(key=_sort_key)
    total = len(entries)
    window = entries[offset : offset + limit if limit is not None else None]
    return Timeline(
        actor=actor_id,
        actor_name=canon.name(actor_id) if actor_id else None,
        place=scope.id if scope else None,
        place_name=scope.name if scope else None,
        total=total,
        limit=limit,
        offset=offset,
        entries=window,
    )
