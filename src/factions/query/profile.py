"""Actor profiles: who an entity is, what is claimed about it, and the sentences behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, func, or_, select

from factions.query.common import Canon, Ended, Evidence, ends_for, evidence_for
from factions.query.lookup import NoSuchEntity, find_entity
from factions.store import schema

__all__ = ["NoSuchEntity", "Profile", "actor_profile", "find_entity_id"]


@dataclass
class ClaimLine:
    id: str
    predicate: str
    direction: str
    other: str | None
    other_name: str | None
    value: str | None
    valid_from: str | None
    valid_to: str | None
    certainty: str
    polarity: bool
    speaker: str | None
    evidence: list[Evidence] = field(default_factory=list)
    # Where later contrary evidence ends it (inferred; resolve/changes.py), with that evidence.
    ended: Ended | None = None


@dataclass
class EventLine:
    id: str
    event_type: str
    sub_event_type: str
    date: str | None
    place: str | None
    role: str
    certainty: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class Profile:
    id: str
    name: str
    type: str
    aliases: list[str]
    members: list[str]
    mentions: int
    documents: int
    first_seen: str | None
    last_seen: str | None
    claims: list[ClaimLine]
    events: list[EventLine]


def find_entity_id(conn: Connection, name: str) -> str:
    """The canonical id of the entity a name (or id) refers to; raises NoSuchEntity."""
    return find_entity(conn, name)


def _known_name(canon: Canon, entity_id: str | None) -> str | None:
    """The entity's name, or None when the id is not a stored entity."""
    return canon.name(entity_id) if entity_id and canon.row(entity_id) else None


def actor_profile(conn: Connection, name: str) -> Profile:
    """Everything the knowledge base holds about one entity, with its evidence."""
    canon = Canon(conn)
    entity_id = find_entity(conn, name, canon=canon)
    members = canon.members(entity_id)
    entity = conn.execute(select(schema.entities).where(schema.entities.c.id == entity_id)).one()
    aliases = sorted(
        {
            a
            for (a,) in conn.execute(
                select(schema.aliases.c.alias).where(schema.aliases.c.entity_id.in_(members))
            )
        }
        - {entity.name}
    )
    mention_stats = conn.execute(
        select(
            func.count(schema.mentions.c.id),
            func.count(func.distinct(schema.mentions.c.document_id)),
            func.min(schema.documents.c.published),
            func.max(schema.documents.c.published),
        )
        .select_from(
            schema.mentions.join(
                schema.documents, schema.documents.c.id == schema.mentions.c.document_id
            )
        )
        .where(schema.mentions.c.entity_id.in_(members))
    ).one()
    claim_rows = (
        conn.execute(
            select(schema.claims)
            .where(or_(schema.claims.c.subject.in_(members), schema.claims.c.object.in_(members)))
            .order_by(schema.claims.c.predicate, schema.claims.c.valid_from)
        )
        .mappings()
        .all()
    )
    claim_evidence = evidence_for(conn, "claim", [c["id"] for c in claim_rows])
    ends = ends_for(conn, [c["id"] for c in claim_rows])
    canon.prefetch(
        canon.of(i) for c in claim_rows for i in (c["subject"], c["object"], c["attributed_to"])
    )
    claims = []
    for c in claim_rows:
        outgoing = c["subject"] in members
        other = c["object"] if outgoing else c["subject"]
        other = canon.of(other) if other else None
        speaker = canon.of(c["attributed_to"])
        claims.append(
            ClaimLine(
                id=c["id"],
                predicate=c["predicate"],
                direction="out" if outgoing else "in",
                other=other,
                other_name=_known_name(canon, other),
                value=c["value"],
                valid_from=c["valid_from"],
                valid_to=c["valid_to"],
                certainty=c["certainty"],
                polarity=bool(c["polarity"]),
                speaker=_known_name(canon, speaker),
                evidence=claim_evidence[c["id"]],
                ended=ends.get(c["id"]),
            )
        )
    event_rows = (
        conn.execute(
            select(schema.events, schema.event_participants.c.role)
            .select_from(
                schema.events.join(
                    schema.event_participants,
                    schema.event_participants.c.event_id == schema.events.c.id,
                )
            )
            .where(schema.event_participants.c.entity_id.in_(members))
            .order_by(schema.events.c.date)
        )
        .mappings()
        .all()
    )
    event_evidence = evidence_for(conn, "event", [e["id"] for e in event_rows])
    events = [
        EventLine(
            id=e["id"],
            event_type=e["event_type"],
            sub_event_type=e["sub_event_type"],
            date=e["date"],
            place=_known_name(canon, canon.of(e["place"])),
            role=e["role"],
            certainty=e["certainty"],
            evidence=event_evidence[e["id"]],
        )
        for e in event_rows
    ]
    return Profile(
        id=entity_id,
        name=entity.name,
        type=entity.type,
        aliases=aliases,
        members=members,
        mentions=mention_stats[0],
        documents=mention_stats[1],
        first_seen=mention_stats[2],
        last_seen=mention_stats[3],
        claims=claims,
        events=events,
    )
