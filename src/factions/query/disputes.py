"""Disputes: claims that cannot all be true, side by side with who said each and where."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from factions.query.claims import ClaimDetail, claims_by_id
from factions.query.common import Canon, chunks, page
from factions.query.lookup import find_entity
from factions.store import schema


@dataclass
class Dispute:
    id: str
    subject: str
    subject_name: str
    reason: str
    claims: list[ClaimDetail]


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
    claims = claims_by_id(conn, [c for ids in members_of.values() for c in ids])
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
