"""What the knowledge base holds, in counts and the most-mentioned actors."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from factions.resolve import canonical_map
from factions.store import schema

ACTOR_TYPES = ("armed_group", "state_force", "organization", "person")


@dataclass
class Summary:
    documents: int
    actors: int
    places: int
    events: int
    relations: int
    claims: int
    disputes: int
    top_actors: list[tuple[str, str, str, int]] = field(default_factory=list)
    disputes_list: list[tuple[str, str]] = field(default_factory=list)


def _count(conn: Connection, statement) -> int:  # type: ignore[no-untyped-def]
    return int(conn.execute(statement).scalar_one())


def knowledge_base_summary(conn: Connection, top: int = 8) -> Summary:
    """Counts of canonical things (a merged entity or a twice-reported event counts once)."""
    canonical = canonical_map(conn)
    linked_events = select(schema.event_links.c.event_id)
    entities = conn.execute(select(schema.entities.c.id, schema.entities.c.type)).all()
    canonical_entities = [(i, t) for i, t in entities if i not in canonical]
    mention_counts = dict(
        conn.execute(
            select(schema.mentions.c.entity_id, func.count()).group_by(schema.mentions.c.entity_id)
        ).all()
    )
    by_canonical: dict[str, int] = {}
    for entity_id, count in mention_counts.items():
        key = canonical.get(entity_id, entity_id)
        by_canonical[key] = by_canonical.get(key, 0) + count
    names = {
        r.id: (r.name, r.type)
        for r in conn.execute(
            select(schema.entities.c.id, schema.entities.c.name, schema.entities.c.type)
        )
    }
    actors = sorted(
        (
            (entity_id, *names[entity_id], count)
            for entity_id, count in by_canonical.items()
            if names.get(entity_id, ("", ""))[1] in ACTOR_TYPES
        ),
        key=lambda row: (-row[3], row[1]),
    )
    dispute_rows = conn.execute(
        select(schema.disputes.c.subject, schema.disputes.c.reason).order_by(schema.disputes.c.id)
    ).all()
    return Summary(
        documents=_count(conn, select(func.count()).select_from(schema.documents)),
        actors=sum(1 for _, t in canonical_entities if t in ACTOR_TYPES),
        places=sum(1 for _, t in canonical_entities if t in {"location", "country", "region"}),
        events=_count(
            conn,
            select(func.count())
            .select_from(schema.events)
            .where(schema.events.c.id.not_in(linked_events)),
        ),
        relations=_count(
            conn,
            select(func.count())
            .select_from(schema.claims)
            .where(schema.claims.c.object.is_not(None)),
        ),
        claims=_count(conn, select(func.count()).select_from(schema.claims)),
        disputes=len(dispute_rows),
        top_actors=actors[:top],
        disputes_list=[(names.get(s, (s, ""))[0], reason) for s, reason in dispute_rows],
    )
