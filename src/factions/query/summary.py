"""What the knowledge base holds, in counts and the most-mentioned actors."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from factions.query.common import ACTOR_TYPES, PLACE_TYPES, Canon, chunks
from factions.query.events import count_canonical_events
from factions.query.labels import readable
from factions.store import schema
from factions.store.dialect import one_of


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


def _canonical_count(conn: Connection, types: tuple[str, ...]) -> int:
    """Entities of these types that are not linked into another one."""
    linked = select(schema.entity_links.c.entity_id)
    return _count(
        conn,
        select(func.count())
        .select_from(schema.entities)
        .where(schema.entities.c.type.in_(types), schema.entities.c.id.not_in(linked)),
    )


def _most_mentioned(conn: Connection, top: int) -> list[tuple[str, str, str, int]]:
    """The `top` canonical actors by mentions, their linked names' mentions added.

    Exact without reading every mention: a canonical entity's count is its own plus its
    members', so the answer lies among the `top` largest own counts and the link targets.
    """
    entities, links = schema.entities, schema.entity_links
    canon = Canon(conn)
    # Mentions of linked entities, by the entity they are linked to.
    linked = conn.execute(
        select(links.c.canonical_id, func.sum(entities.c.mentions))
        .select_from(links.join(entities, entities.c.id == links.c.entity_id))
        .group_by(links.c.canonical_id)
    ).all()
    # Per type, so that each reads the (type, mentions) index from its top.
    leaders = [
        entity_id
        for entity_type in ACTOR_TYPES
        for entity_id in conn.execute(
            select(entities.c.id)
            .where(
                entities.c.type == entity_type,
                entities.c.id.not_in(select(links.c.entity_id)),
            )
            .order_by(entities.c.mentions.desc())
            .limit(top)
        ).scalars()
    ]
    roots = canon.many([*leaders, *(target for target, _ in linked)])
    counts = dict.fromkeys(roots.values(), 0)
    for batch in chunks(sorted(counts)):
        for entity_id, mentions in conn.execute(
            select(entities.c.id, entities.c.mentions).where(one_of(conn, entities.c.id, batch))
        ):
            counts[entity_id] += mentions
    for target, mentions in linked:
        counts[roots[target]] += int(mentions or 0)
    canon.prefetch(counts)
    actors = [
        (i, canon.name(i) or i, canon.type(i) or "", n)
        for i, n in counts.items()
        if canon.type(i) in ACTOR_TYPES and n
    ]
    return sorted(actors, key=lambda row: (-row[3], row[1]))[:top]


def knowledge_base_summary(conn: Connection, top: int = 8) -> Summary:
    """Counts of canonical things (a merged entity or a twice-reported event counts once)."""
    dispute_rows = conn.execute(
        select(schema.disputes.c.subject, schema.disputes.c.reason).order_by(schema.disputes.c.id)
    ).all()
    canon = Canon(conn)
    canon.prefetch(subject for subject, _ in dispute_rows)
    return Summary(
        documents=_count(conn, select(func.count()).select_from(schema.documents)),
        actors=_canonical_count(conn, ACTOR_TYPES),
        places=_canonical_count(conn, PLACE_TYPES),
        events=count_canonical_events(conn),
        relations=_count(
            conn,
            select(func.count())
            .select_from(schema.claims)
            .where(schema.claims.c.object.is_not(None)),
        ),
        claims=_count(conn, select(func.count()).select_from(schema.claims)),
        disputes=len(dispute_rows),
        top_actors=_most_mentioned(conn, top),
        disputes_list=[(canon.name(s) or s, readable(reason)) for s, reason in dispute_rows],
    )
