"""Claims by id: what each says, who says it, where, and the sentences behind it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from factions.query.common import (
    Canon,
    Ended,
    Evidence,
    chunks,
    ends_for,
    evidence_for,
    strongest,
)
from factions.query.labels import event_labels, is_event_predicate, speaker_or_outlet
from factions.store import schema
from factions.store.dialect import one_of
from factions.vocabulary import vocabulary


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
                .where(one_of(conn, schema.claims.c.id, batch))
            ).mappings()
        )
    evidence = evidence_for(conn, "claim", ids)
    ends = ends_for(conn, ids)
    # An event's claim names the event by id (its object or value): said in words instead.
    events_named = event_labels(
        conn,
        (r["object"] or r["value"] for r in rows if is_event_predicate(r["predicate"])),
        canon,
    )
    linked = canon.many(i for r in rows for i in (r["subject"], r["object"], r["attributed_to"]))
    canon.prefetch(linked.values())
    found = {}
    for r in rows:
        event_name = (
            events_named.get(r["object"] or r["value"])
            if is_event_predicate(r["predicate"])
            else None
        )
        other = None if event_name else canon.of(r["object"])
        subject = canon.of(r["subject"]) or r["subject"]
        speaker = canon.of(r["attributed_to"])
        found[r["id"]] = ClaimDetail(
            id=r["id"],
            subject=subject,
            subject_name=canon.name(subject) or subject,
            predicate=r["predicate"],
            object=other,
            object_name=event_name or (canon.name(other) if other else None),
            value=r["value"],
            valid_from=r["valid_from"],
            valid_to=r["valid_to"],
            certainty=r["certainty"],
            polarity=bool(r["polarity"]),
            # A speaker that is the outlet itself is the reporter's voice.
            speaker=speaker_or_outlet(canon.name(speaker) if speaker else None, [r["outlet"]]),
            outlet=r["outlet"],
            document=r["document_id"],
            title=r["title"],
            published=r["published"],
            evidence=evidence.get(r["id"], []),
            ended=ends.get(r["id"]),
        )
    return found


@dataclass
class SentenceClaims:
    """One sentence and what it stands behind: the claims of a relation drawn from it (a
    symmetric relation's two directions being one sentence, not two)."""

    evidence: Evidence
    says: list[str]  # each distinct thing it says, in words ('IMU ally of Taliban')
    certainty: str  # the strongest grade among its claims
    speakers: list[str]
    claims: list[str]


def claims_by_sentence(conn: Connection, ids: list[str]) -> list[SentenceClaims]:
    """The claims with these ids, as the sentences behind them, each sentence once, in the
    order they were reported (unknown ids are left out)."""
    words = vocabulary()
    found = claims_by_id(conn, ids)
    by_sentence: dict[tuple[str, int, int], tuple[Evidence, list[ClaimDetail]]] = {}
    for claim in (found[i] for i in dict.fromkeys(ids) if i in found):
        for item in claim.evidence:
            key = (item.document, item.start, item.end)
            by_sentence.setdefault(key, (item, []))[1].append(claim)
    sentences = []
    for item, claims in by_sentence.values():
        says: dict[tuple[str, str, str, bool], str] = {}
        for c in claims:
            other = c.object_name or c.value or ""
            ends = (c.subject_name, other)
            if c.predicate in words.symmetric:
                ends = tuple(sorted(ends))  # type: ignore[assignment]
            key = (ends[0], c.predicate, ends[1], c.polarity)
            negated = "" if c.polarity else "not "
            says.setdefault(key, f"{ends[0]} {negated}{words.label_of(c.predicate)} {ends[1]}")
        sentences.append(
            SentenceClaims(
                evidence=item,
                says=list(says.values()),
                certainty=strongest(c.certainty for c in claims),
                speakers=sorted({c.speaker for c in claims if c.speaker}),
                claims=[c.id for c in claims],
            )
        )
    return sorted(
        sentences,
        key=lambda s: (s.evidence.published or "9999", s.evidence.document, s.evidence.start),
    )
