"""Actor profiles: who an entity is, what is claimed about it, and the sentences behind it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from sqlalchemy import Connection, func, or_, select

from factions.resolve import canonical_map
from factions.store import schema


class NoSuchEntity(LookupError):
    """No entity matches a name; carries the closest names for a 'did you mean'."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no entity matches '{name}'{hint}")
        self.suggestions = suggestions


@dataclass
class EvidenceLine:
    document: str
    title: str | None
    published: str | None
    text: str
    start: int
    end: int


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
    evidence: list[EvidenceLine] = field(default_factory=list)


@dataclass
class EventLine:
    id: str
    event_type: str
    sub_event_type: str
    date: str | None
    place: str | None
    role: str
    certainty: str
    evidence: list[EvidenceLine] = field(default_factory=list)


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
    canonical = canonical_map(conn)
    by_id = conn.execute(select(schema.entities.c.id).where(schema.entities.c.id == name)).first()
    if by_id:
        return canonical.get(by_id[0], by_id[0])
    rows = conn.execute(
        select(schema.aliases.c.entity_id, schema.aliases.c.alias, func.count(schema.mentions.c.id))
        .select_from(
            schema.aliases.outerjoin(
                schema.mentions, schema.mentions.c.entity_id == schema.aliases.c.entity_id
            )
        )
        .group_by(schema.aliases.c.entity_id, schema.aliases.c.alias)
    ).all()
    wanted = name.casefold().strip()
    exact = sorted(
        ((count, entity_id) for entity_id, alias, count in rows if alias.casefold() == wanted),
        reverse=True,
    )
    if exact:
        return canonical.get(exact[0][1], exact[0][1])
    aliases = sorted({alias for _, alias, _ in rows})
    close = process.extract(name, aliases, limit=3, score_cutoff=70)
    raise NoSuchEntity(name, [alias for alias, _score, _ in close])


def _names(conn: Connection) -> dict[str, str]:
    return dict(conn.execute(select(schema.entities.c.id, schema.entities.c.name)).all())


def _evidence_for(conn: Connection, kind: str, ids: list[str]) -> dict[str, list[EvidenceLine]]:
    found: dict[str, list[EvidenceLine]] = defaultdict(list)
    if not ids:
        return found
    rows = conn.execute(
        select(
            schema.evidence.c.owner_id,
            schema.evidence.c.document_id,
            schema.documents.c.title,
            schema.documents.c.published,
            schema.evidence.c.text,
            schema.evidence.c.start,
            schema.evidence.c.end,
        )
        .select_from(
            schema.evidence.join(
                schema.documents, schema.documents.c.id == schema.evidence.c.document_id
            )
        )
        .where(schema.evidence.c.owner_kind == kind, schema.evidence.c.owner_id.in_(ids))
        .order_by(schema.evidence.c.id)
    )
    for owner, document, title, published, text, start, end in rows:
        found[owner].append(EvidenceLine(document, title, published, text, start, end))
    return found


def actor_profile(conn: Connection, name: str) -> Profile:
    """Everything the knowledge base holds about one entity, with its evidence."""
    entity_id = find_entity_id(conn, name)
    canonical = canonical_map(conn)
    members = sorted({entity_id, *(k for k, v in canonical.items() if v == entity_id)})
    entity = conn.execute(select(schema.entities).where(schema.entities.c.id == entity_id)).one()
    names = _names(conn)
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
    claim_evidence = _evidence_for(conn, "claim", [c["id"] for c in claim_rows])
    claims = []
    for c in claim_rows:
        outgoing = c["subject"] in members
        other = c["object"] if outgoing else c["subject"]
        other = canonical.get(other, other) if other else None
        speaker = canonical.get(c["attributed_to"], c["attributed_to"])
        claims.append(
            ClaimLine(
                id=c["id"],
                predicate=c["predicate"],
                direction="out" if outgoing else "in",
                other=other,
                other_name=names.get(other) if other else None,
                value=c["value"],
                valid_from=c["valid_from"],
                valid_to=c["valid_to"],
                certainty=c["certainty"],
                polarity=bool(c["polarity"]),
                speaker=names.get(speaker) if speaker else None,
                evidence=claim_evidence[c["id"]],
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
    event_evidence = _evidence_for(conn, "event", [e["id"] for e in event_rows])
    events = [
        EventLine(
            id=e["id"],
            event_type=e["event_type"],
            sub_event_type=e["sub_event_type"],
            date=e["date"],
            place=names.get(canonical.get(e["place"], e["place"])) if e["place"] else None,
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
