"""Disputes: claims that cannot all be true, side by side with who said each and where."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from factions.query.common import Canon, Evidence, chunks, evidence_for, page
from factions.query.lookup import find_entity
from factions.store import schema


@dataclass
class DisputedClaim:
    id: str
    subject: str
    subject_name: str
    predicate: str
    object: str | None
    object_name: str | None
    value: str | None
    valid_from: str | None
    valid_to: str | None
    certainty: str
    polarity: bool
    speaker: str | None
    outlet: str | None
    document: str
    title: str | None
    published: str | None
    evidence: list[Evidence]


@dataclass
class Dispute:
    id: str
    subject: str
    subject_name: str
    reason: str
    claims: list[DisputedClaim]


@dataclass
class DisputePage:
    total: int
    limit: int | None
    offset: int
    disputes: list[Dispute]


def list_disputes(
    conn: Connection, actor: str | None = None, *, limit: int | None = None, offset: int = 0
) -> DisputePage:
    """Disputes (about one actor, if given), each with its claims, speakers and sources."""
    limit, offset = page(limit, offset)
    canon = Canon(conn)
    statement = select(schema.disputes).order_by(schema.disputes.c.id)
    counted = select(func.count()).select_from(schema.disputes)
    if actor:
        actor_id = find_entity(conn, actor, kind="actor", canon=canon)
        members = canon.members(actor_id)
        statement = statement.where(schema.disputes.c.subject.in_(members))
        counted = counted.where(schema.disputes.c.subject.in_(members))
    if limit is not None:
        statement = statement.limit(limit)
    if offset:
        statement = statement.offset(offset)
    rows = [dict(r) for r in conn.execute(statement).mappings()]
    members_of: dict[str, list[str]] = defaultdict(list)
    for batch in chunks([r["id"] for r in rows]):
        for dispute_id, claim_id in conn.execute(
            select(schema.dispute_claims.c.dispute_id, schema.dispute_claims.c.claim_id)
            .where(schema.dispute_claims.c.dispute_id.in_(batch))
            .order_by(schema.dispute_claims.c.claim_id)
        ):
            members_of[dispute_id].append(claim_id)
    claims = _claims(conn, canon, [c for ids in members_of.values() for c in ids])
    disputes = []
    for r in rows:
        subject = canon.of(r["subject"]) or r["subject"]
        disputes.append(
            Dispute(
                id=r["id"],
                subject=subject,
                subject_name=canon.name(subject) or subject,
                reason=r["reason"],
                claims=[claims[c] for c in members_of[r["id"]] if c in claims],
            )
        )
    total = int(conn.execute(counted).scalar_one())
    return DisputePage(total=total, limit=limit, offset=offset, disputes=disputes)


def _claims(conn: Connection, canon: Canon, ids: list[str]) -> dict[str, DisputedClaim]:
    rows = []
    for batch in chunks(ids):
        rows.extend(
            conn.execute(
                select(
                    schema.claims,
                    schema.documents.c.outlet,
                    schema.documents.c.title,
                    schema.documents.c.published,
                )
                .select_from(
                    schema.claims.join(
                        schema.documents, schema.documents.c.id == schema.claims.c.document_id
                    )
                )
                .where(schema.claims.c.id.in_(batch))
            ).mappings()
        )
    evidence = evidence_for(conn, "claim", ids)
    found = {}
    for r in rows:
        other = canon.of(r["object"])
        subject = canon.of(r["subject"]) or r["subject"]
        speaker = canon.of(r["attributed_to"])
        found[r["id"]] = DisputedClaim(
            id=r["id"],
            subject=subject,
            subject_name=canon.name(subject) or subject,
            predicate=r["predicate"],
            object=other,
            object_name=canon.name(other) if other else None,
            value=r["value"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            certainty=r["certainty"],
            polarity=bool(r["polarity"]),
            speaker=canon.name(speaker) if speaker else None,
            outlet=r["outlet"],
            document=r["document_id"],
            title=r["title"],
            published=r["published"],
            evidence=evidence.get(r["id"], []),
        )
    return found
