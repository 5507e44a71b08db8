"""The same event reported by several articles (or twice in one) becomes one event.

Two event records are the same event when type, day and place agree and their actors do not
contradict each other; different events on the same day and place (a bombing and an arrest)
stay apart because their types differ.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, and_, or_, select

from factions.store import schema

# Events that may be the same: one type, sub-type, day and place.
GroupKey = tuple[str, str, str, str]
_CHUNK = 100


def _actor_sets(conn: Connection, event_ids: list[str] | None = None) -> dict[str, set[str]]:
    """Event id -> its actors, for every event or for those of `event_ids`."""
    participants = schema.event_participants
    query = select(participants.c.event_id, participants.c.entity_id).where(
        participants.c.role == "actor"
    )
    chunks = (
        [query]
        if event_ids is None
        else [
            query.where(participants.c.event_id.in_(event_ids[start : start + 500]))
            for start in range(0, len(event_ids), 500)
        ]
    )
    actors: dict[str, set[str]] = defaultdict(set)
    for chunk in chunks:
        for event_id, entity_id in conn.execute(chunk):
            actors[event_id].add(entity_id)
    return actors


def _event_rows():  # type: ignore[no-untyped-def]
    events = schema.events
    return select(
        events.c.id,
        events.c.event_type,
        events.c.sub_event_type,
        events.c.date,
        events.c.date_precision,
        events.c.place,
    ).where(events.c.date.is_not(None), events.c.place.is_not(None))


def group_key(
    event_type: str, sub_type: str, date: str | None, precision: str | None, place: str | None
) -> GroupKey | None:
    """The group an event may be linked within: only events dated to the day and placed."""
    if precision != "day" or date is None or place is None:
        return None
    return (event_type, sub_type, date, place)


def _groups(rows) -> dict[GroupKey, list[str]]:  # type: ignore[no-untyped-def]
    groups: dict[GroupKey, list[str]] = defaultdict(list)
    for event_id, event_type, sub_type, date, precision, place in rows:
        key = group_key(event_type, sub_type, date, precision, place)
        if key is not None:
            groups[key].append(event_id)
    return groups


def _links_within(
    groups: dict[GroupKey, list[str]], actors: dict[str, set[str]]
) -> list[tuple[str, str, float, str]]:
    """Each group's events linked to its first (by id), unless their actors differ."""
    links = []
    for members in groups.values():
        canonical = members[0]
        for other in members[1:]:
            a, b = actors.get(canonical, set()), actors.get(other, set())
            if a and b and not a & b:
                continue
            links.append((other, canonical, 0.9 if a & b else 0.7, "type+day+place"))
    return links


def same_event_links(conn: Connection) -> list[tuple[str, str, float, str]]:
    """(event id, canonical event id, score, method) for every event reported more than once."""
    rows = conn.execute(_event_rows().order_by(schema.events.c.id))
    return _links_within(_groups(rows), _actor_sets(conn))


def same_event_links_within(
    conn: Connection, keys: set[GroupKey]
) -> tuple[list[str], list[tuple[str, str, float, str]]]:
    """The events of these groups and their same-event links, as `same_event_links` finds
    them: a new event can only be linked within its own group, so a batch recomputes the
    groups of its events and no others."""
    events = schema.events
    ordered = sorted(keys)
    rows = []
    for start in range(0, len(ordered), _CHUNK):
        terms = [
            and_(
                events.c.event_type == t,
                events.c.sub_event_type == s,
                events.c.date == d,
                events.c.place == p,
            )
            for t, s, d, p in ordered[start : start + _CHUNK]
        ]
        rows.extend(conn.execute(_event_rows().where(or_(*terms))).all())
    rows.sort(key=lambda row: row.id)
    groups = _groups(rows)
    members = sorted(i for ids in groups.values() for i in ids)
    return members, _links_within(groups, _actor_sets(conn, members))
