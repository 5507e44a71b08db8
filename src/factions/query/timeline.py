"""A timeline: events and relation claims of an actor (or at a place), in date order.

Each entry keeps its date precision; a claim with no dates of its own sits at its document's
publication date, marked with precision 'published'.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, func, or_, select

from factions.partial_date import day_span, precision_of, query_days
from factions.query.common import (
    Canon,
    chunks,
    date_bounds,
    evidence_for,
    ids_in_day_order,
    page,
)
from factions.query.events import EventRow, find_events, place_condition, place_scope
from factions.query.labels import event_labels, is_event_predicate, predicate_label
from factions.query.lookup import find_entity
from factions.store import schema
from factions.store.dialect import one_of
from factions.store.relation_index import meeting_days


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


def _sort_key(date: str | None, kind: str, entry_id: str) -> tuple[int, int, str, str]:
    """Order by first day (as the events query orders), undated last."""
    days = day_span(date)
    if days is None:
        return (1, 0, kind, entry_id)
    return (0, days[0], kind, entry_id)


def _claim_entries(
    conn: Connection,
    canon: Canon,
    actor_id: str | None,
    place_filter: object | None,
    lower: str | None,
    upper: str | None,
    wanted: int | None,
) -> tuple[int, list[TimelineEntry]]:
    """(how many claims match, the first `wanted` of them as entries, or all).

    The database counts and orders the claims by their stored days; names and sentences are
    read only for those returned.
    """
    claims, documents = schema.claims, schema.documents
    conditions = []
    if actor_id:
        members = canon.members(actor_id)
        conditions.append(or_(claims.c.subject.in_(members), claims.c.object.in_(members)))
    if place_filter is not None:
        conditions.append(place_filter)
    # An actor's or a place's claims are fewer than a period's.
    conditions += meeting_days(claims, query_days(lower, upper), few=bool(conditions))
    total = conn.execute(select(func.count()).select_from(claims).where(*conditions)).scalar_one()
    chosen = ids_in_day_order(
        conn, claims.c.sort_day, claims.c.id, conditions, wanted, narrow=place_filter is not None
    )
    joined = claims.join(documents, documents.c.id == claims.c.document_id)
    rows = [
        r
        for batch in chunks(chosen)
        for r in conn.execute(
            select(claims, documents.c.published)
            .select_from(joined)
            .where(one_of(conn, claims.c.id, batch))
        ).mappings()
    ]
    canonical = canon.many(i for r in rows for i in (r["subject"], r["object"], r["attributed_to"]))
    canon.prefetch(canonical.values())
    evidence = _evidence_texts(conn, "claim", chosen)
    events_named = event_labels(
        conn,
        (r["object"] or r["value"] for r in rows if is_event_predicate(r["predicate"])),
        canon,
    )
    entries = []
    for r in rows:
        dated = r["valid_from"] or r["valid_to"]
        subject = canonical[r["subject"]]
        other = events_named.get(r["object"] or r["value"] or "") or (
            canon.name(canonical[r["object"]]) if r["object"] else r["value"]
        )
        negated = "" if r["polarity"] else "not "
        ends_later = r["valid_to"] and r["valid_to"] != r["valid_from"]
        span = f" (until {r['valid_to']})" if ends_later else ""
        speaker = canonical.get(r["attributed_to"]) if r["attributed_to"] else None
        entries.append(
            TimelineEntry(
                date=dated or r["published"],
                precision=precision_of(dated) if dated else "published",
                kind="claim",
                id=r["id"],
                label=r["predicate"],
                detail=f"{canon.name(subject)} {negated}{predicate_label(r['predicate'])} {other}"
                + span
                + (f", says {canon.name(speaker)}" if speaker else ""),
                certainty=r["certainty"],
                place=canon.name(canonical[r["object"]])
                if r["object"] and canon.type(canonical[r["object"]]) in ("location", "country")
                else None,
                entities=[e for e in (subject, canonical.get(r["object"] or "")) if e],
                evidence=evidence.get(r["id"], []),
            )
        )
    return total, entries


def _evidence_texts(conn: Connection, kind: str, ids: list[str]) -> dict[str, list[str]]:
    return {k: [e.text for e in v] for k, v in evidence_for(conn, kind, ids).items()}


def _event_entry(e: EventRow) -> TimelineEntry:
    # An undated event sits at its report's date, as the events query places it (its own
    # report's sentences come first, before those of duplicate reports).
    reported = e.evidence[0].published if e.evidence else None
    return TimelineEntry(
        date=e.date or reported,
        precision=e.date_precision if e.date else ("published" if reported else None),
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
    """What happened to or was said about an actor and/or at a place (or anything, when
    neither is given), in date order."""
    limit, offset = page(limit, offset)
    lower, upper = date_bounds(None, date_from, date_to)
    canon = Canon(conn)
    actor_id = find_entity(conn, actor, kind="actor", canon=canon) if actor else None
    scope = place_scope(conn, place, canon) if place else None
    place_filter = place_condition(conn, scope, canon, schema.claims.c.object) if scope else None
    # Only the first offset+limit of each kind can reach the page: both come in the same order.
    wanted = None if limit is None else offset + limit
    events = find_events(
        conn,
        actor=actor_id,
        place=scope.id if scope else None,
        date_from=lower,
        date_to=upper,
        limit=wanted,
    )
    entries = [_event_entry(e) for e in events.events]
    claim_total, claims = _claim_entries(conn, canon, actor_id, place_filter, lower, upper, wanted)
    entries.extend(claims)
    entries.sort(key=lambda e: _sort_key(e.date, e.kind, e.id))
    total = events.total + claim_total
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
