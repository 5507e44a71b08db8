"""Disputes: claims that cannot all be true, side by side with who said each and where."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from factions.query.claims import ClaimDetail, claims_by_id
from factions.query.common import Canon, Evidence, chunks, page, strongest
from factions.query.labels import predicate_label, readable
from factions.query.lookup import find_entity
from factions.store import schema
from factions.store.dialect import one_of


@dataclass
class Alternative:
    """One thing an account says: 'killed', or 'ally of Taliban'."""

    claim: str
    object: str | None
    object_name: str | None
    value: str | None
    certainty: str
    polarity: bool


@dataclass
class Account:
    """What one sentence says, from one speaker: one claim, or the alternatives it names
    ("cannot confirm that he is killed or captured": killed, captured)."""

    subject: str
    subject_name: str
    predicate: str
    label: str
    alternatives: list[Alternative]
    certainty: str  # the strongest of its claims
    valid_from: str | None
    valid_to: str | None
    speaker: str | None  # None: the outlet's own voice
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
    reason: str  # said in words: predicates by their labels
    claims: list[ClaimDetail]
    accounts: list[Account] = field(default_factory=list)


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
            .where(one_of(conn, schema.dispute_claims.c.dispute_id, batch))
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
                reason=readable(r["reason"]),
                claims=[claims[c] for c in members_of[r["id"]] if c in claims],
                accounts=accounts_of([claims[c] for c in members_of[r["id"]] if c in claims]),
            )
        )
    total = int(conn.execute(counted).scalar_one())
    return DisputePage(total=total, limit=limit, offset=offset, disputes=disputes)


def accounts_of(claims: list[ClaimDetail]) -> list[Account]:
    """The claims as accounts: those drawn from the same sentence, about the same subject and
    relation and said by the same speaker, are one account naming its alternatives."""
    groups: dict[tuple, list[ClaimDetail]] = {}
    for claim in claims:
        sentence = tuple((e.document, e.start, e.end) for e in claim.evidence[:1]) or (claim.id,)
        key = (sentence, claim.subject, claim.predicate, claim.speaker)
        groups.setdefault(key, []).append(claim)
    accounts = []
    for members in groups.values():
        first = members[0]
        seen: dict[tuple[str, int, int], Evidence] = {}
        for claim in members:
            for item in claim.evidence:
                seen.setdefault((item.document, item.start, item.end), item)
        accounts.append(
            Account(
                subject=first.subject,
                subject_name=first.subject_name,
                predicate=first.predicate,
                label=predicate_label(first.predicate),
                alternatives=[
                    Alternative(c.id, c.object, c.object_name, c.value, c.certainty, c.polarity)
                    for c in members
                ],
                certainty=strongest(c.certainty for c in members),
                valid_from=min((c.valid_from for c in members if c.valid_from), default=None),
                valid_to=max((c.valid_to for c in members if c.valid_to), default=None),
                speaker=first.speaker,
                outlet=first.outlet,
                document=first.document,
                title=first.title,
                published=first.published,
                evidence=list(seen.values()),
            )
        )
    return accounts
