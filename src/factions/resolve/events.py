"""The same event reported by several articles (or twice in one) becomes one event.

Two event records are the same event when type, day and place agree and their actors do not
contradict each other; different events on the same day and place (a bombing and an arrest)
stay apart because their types differ.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, select

from factions.store import schema


def _actor_sets(conn: Connection) -> dict[str, set[str]]:
    actors: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        select(schema.event_participants.c.event_id, schema.event_participants.c.entity_id).where(
            schema.event_participants.c.role == "actor"
        )
    )
    for event_id, entity_id in rows:
        actors[event_id].add(entity_id)
    return actors


def same_event_links(conn: Connection) -> list[tuple[str, str, float, str]]:
    """(event id, canonical event id, score, method) for every event reported more than once."""
    rows = conn.execute(
        select(
            schema.events.c.id,
            schema.events.c.event_type,
            schema.events.c.sub_event_type,
            schema.events.c.date,
            schema.events.c.date_precision,
            schema.events.c.place,
        )
        .where(schema.events.c.date.is_not(None), schema.events.c.place.is_not(None))
        .order_by(schema.events.c.id)
    )
    groups: dict[tuple[str, str, str, str], list[str]] = defaultdict(list)
    for event_id, event_type, sub_type, date, precision, place in rows:
        if precision != "day":
            continue
        groups[(event_type, sub_type, date, place)].append(event_id)
    actors = _actor_sets(conn)
    links = []
    for members in groups.values():
        canonical = members[0]
        for other in members[1:]:
            a, b = actors.get(canonical, set()), actors.get(other, set())
            if a and b and not a & b:
                continue
            links.append((other, canonical, 0.9 if a & b else 0.7, "type+day+place"))
    return links
