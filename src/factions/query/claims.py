"""Claims by id: what each says, who says it, where, and the sentences behind it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from factions.query.common import Canon, Ended, Evidence, chunks, ends_for, evidence_for
from factions.store import schema


@dataclass
class ClaimDetail:
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
    # Where later contrary evidence ends it (inferred; resolve/changes.py), if it does.
    ended: Ended | None = None


def claims_by_id(
    conn: Connection, ids: list[str], canon: Canon | None = None
) -> dict[str, ClaimDetail]:
    """Claim id -> the claim with canonical names, its source and its sentences (unknown ids
    are left out)."""
    canon = canon or Canon(conn)
    ids = list(dict.fromkeys(ids))
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
    ends = ends_for(conn, ids)
    linked = canon.many(i for r in rows for i in (r["subject"], r["object"], r["attributed_to"]))
    canon.prefetch(linked.values())
    found = {}
    for r in rows:
        other = canon.of(r["object"])
        subject = canon.of(r["subject"]) or r["subject"]
        speaker = canon.of(r["attributed_to"])
        found[r["id"]] = ClaimDetail(
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
            ended=ends.get(r["id"]),
        )
    return found
