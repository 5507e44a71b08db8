"""The review queue, most useful first, and what changed in the knowledge base since a date.

The queue holds what an analyst is best placed to decide: entities that are likely one (same
type, names alike), disputes not yet closed, events that name no participant or no place, and
names typed differently in different documents. Each item carries its sentences. What has been
judged already (a never-merge, a closed dispute, an accepted or rejected event) leaves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import Connection, func, select

from factions.query.common import ACTOR_TYPES, Canon
from factions.query.labels import readable
from factions.query.records import judgement_rows
from factions.store import schema
from factions.store.judgements import overlay

# Names at least this alike (rapidfuzz token-sort ratio, 0-100) make a likely duplicate.
SIMILAR_NAMES = 85
# Entities compared per type, the most mentioned first: the pairs grow with the square.
COMPARED_PER_TYPE = 400
SENTENCES_PER_ITEM = 2


@dataclass(frozen=True)
class ReviewItem:
    kind: str
    # Higher first; kinds are ranked by `_KIND_WEIGHT`, then by this score within a kind.
    score: float
    title: str
    ids: tuple[str, ...]
    sentences: tuple[str, ...] = ()
    # What a decision on it records: the judgement kinds offered.
    decisions: tuple[str, ...] = field(default_factory=tuple)


_KIND_WEIGHT = {"duplicate": 4, "dispute": 3, "mixed-type": 2, "incomplete-event": 1}


def review_queue(conn: Connection, limit: int | None = None) -> list[ReviewItem]:
    """The items to review, most useful first."""
    items = (
        likely_duplicates(conn) + open_disputes(conn) + mixed_types(conn) + incomplete_events(conn)
    )
    items.sort(key=lambda i: (-_KIND_WEIGHT[i.kind], -i.score, i.ids))
    return items[:limit] if limit else items


def _mention_sentences(conn: Connection, entity_ids: list[str]) -> tuple[str, ...]:
    """A sentence around the first mentions of the entities, one per entity."""
    m, d = schema.mentions, schema.documents
    found = []
    for entity_id in entity_ids:
        row = conn.execute(
            select(d.c.text, m.c.start, m.c.end)
            .select_from(m.join(d, d.c.id == m.c.document_id))
            .where(m.c.entity_id == entity_id)
            .order_by(m.c.id)
            .limit(1)
        ).first()
        if row:
            found.append(_sentence_around(row.text, row.start, row.end))
    return tuple(found)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start) + 2, text.rfind("\n", 0, start) + 1, 0)
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i != -1]
    right = min(stops) + 1 if stops else len(text)
    return " ".join(text[left:right].split())


def _evidence_sentences(conn: Connection, kind: str, ids: list[str]) -> tuple[str, ...]:
    e = schema.evidence
    rows = conn.execute(
        select(e.c.text)
        .where(e.c.owner_kind == kind, e.c.owner_id.in_(ids))
        .order_by(e.c.id)
        .limit(SENTENCES_PER_ITEM * max(1, len(ids)))
    ).scalars()
    return tuple(dict.fromkeys(" ".join(t.split()) for t in rows))


def _canonical_entities(conn: Connection) -> dict[str, list[tuple[str, str, int]]]:
    """Type -> (canonical id, name, mentions), the most mentioned first."""
    canon = Canon(conn)
    rows = conn.execute(
        select(schema.entities.c.id, schema.entities.c.type, schema.entities.c.mentions)
        .where(schema.entities.c.type.in_((*ACTOR_TYPES, "person")))
        .order_by(schema.entities.c.mentions.desc(), schema.entities.c.id)
    ).all()
    mapping = canon.many(r.id for r in rows)
    by_type: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
    seen: set[str] = set()
    for r in rows:
        root = mapping[r.id]
        if root in seen:
            continue
        seen.add(root)
        kind = canon.type(root) or r.type
        by_type[kind].append((root, canon.name(root) or root, r.mentions))
    return by_type


def likely_duplicates(conn: Connection) -> list[ReviewItem]:
    """Pairs of canonical entities of one type whose names are alike, not judged apart."""
    judged = overlay(conn)
    apart = {
        frozenset((judged.targets.get(j.uid, j.target_id), j.other_id))
        for j in judged.judgements
        if j.kind == "never-merge" and j.uid not in judged.undone
    }
    items = []
    for kind, entities in _canonical_entities(conn).items():
        entities = entities[:COMPARED_PER_TYPE]
        for i, (a, a_name, _) in enumerate(entities):
            for b, b_name, _ in entities[i + 1 :]:
                score = fuzz.token_sort_ratio(a_name.lower(), b_name.lower())
                if score < SIMILAR_NAMES or frozenset((a, b)) in apart:
                    continue
                items.append(
                    ReviewItem(
                        "duplicate",
                        score,
                        f"same {kind}? {a_name} / {b_name}",
                        (a, b),
                        _mention_sentences(conn, [a, b]),
                        ("merge", "never-merge"),
                    )
                )
    return items


def open_disputes(conn: Connection) -> list[ReviewItem]:
    closed = set(overlay(conn).closed)
    dc = schema.dispute_claims
    claims: dict[str, list[str]] = defaultdict(list)
    for dispute_id, claim_id in conn.execute(select(dc.c.dispute_id, dc.c.claim_id)):
        claims[dispute_id].append(claim_id)
    items = []
    for d in conn.execute(select(schema.disputes).order_by(schema.disputes.c.id)):
        if d.id in closed:
            continue
        members = sorted(claims[d.id])
        items.append(
            ReviewItem(
                "dispute",
                len(members),
                readable(d.reason),
                (d.id, *members),
                _evidence_sentences(conn, "claim", members),
                ("close-dispute",),
            )
        )
    return items


def mixed_types(conn: Connection) -> list[ReviewItem]:
    """One name typed differently in different documents (a group here, a person there)."""
    e = schema.entities
    names = conn.execute(
        select(func.lower(e.c.name).label("key"))
        .group_by(func.lower(e.c.name))
        .having(func.count(func.distinct(e.c.type)) > 1)
    ).scalars()
    items = []
    for key in names:
        rows = conn.execute(
            select(e.c.id, e.c.type, e.c.name).where(func.lower(e.c.name) == key).order_by(e.c.id)
        ).all()
        types = sorted({r.type for r in rows})
        items.append(
            ReviewItem(
                "mixed-type",
                len(rows),
                f"{rows[0].name}: typed {' / '.join(types)}",
                tuple(r.id for r in rows),
                _mention_sentences(conn, [r.id for r in rows]),
                ("retype", "never-merge"),
            )
        )
    return items


def incomplete_events(conn: Connection) -> list[ReviewItem]:
    """Events that name no participant or no place (not yet accepted or rejected)."""
    judged = overlay(conn)
    ev, ep = schema.events, schema.event_participants
    with_participants = select(ep.c.event_id)
    rows = conn.execute(
        select(ev.c.id, ev.c.event_type, ev.c.date, ev.c.place, ev.c.fatalities_best)
        .where((ev.c.place.is_(None)) | ev.c.id.not_in(with_participants))
        .where(ev.c.id.not_in(select(schema.event_links.c.event_id)))
        .order_by(ev.c.id)
    ).all()
    participants = set(conn.execute(with_participants).scalars())
    items = []
    for r in rows:
        if r.id in judged.rejected or r.id in judged.accepted or r.id in judged.corrections:
            continue
        missing = [
            w
            for w, gone in (("place", r.place is None), ("participants", r.id not in participants))
            if gone
        ]
        items.append(
            ReviewItem(
                "incomplete-event",
                (r.fatalities_best or 0) + len(missing),
                f"{r.event_type} on {r.date or 'an unknown day'} without {' or '.join(missing)}",
                (r.id,),
                _evidence_sentences(conn, "event", [r.id]),
                ("accept", "reject", "correct"),
            )
        )
    return items


# --- what changed ----------------------------------------------------------------------------


def changes_since(conn: Connection, since: str) -> dict[str, list[dict[str, Any]]]:
    """What is new since a date (an ISO day or time): documents, the entities first seen in
    them, their claims, the disputes those claims are in, and the judgements made."""
    d = schema.documents
    new_documents = [
        dict(r._mapping)
        for r in conn.execute(
            select(d.c.id, d.c.title, d.c.ingested_at)
            .where(d.c.ingested_at >= since)
            .order_by(d.c.ingested_at, d.c.id)
        )
    ]
    new_ids = [r["id"] for r in new_documents]
    canon = Canon(conn)
    judged = canon.linker.overlay
    m = schema.mentions
    seen_before = select(m.c.entity_id).where(m.c.document_id.not_in(new_ids))
    entity_ids = conn.execute(
        select(m.c.entity_id)
        .where(m.c.document_id.in_(new_ids))
        .where(m.c.entity_id.not_in(seen_before))
        .distinct()
    ).scalars()
    roots = sorted({canon.of(i) or i for i in entity_ids})
    c = schema.claims
    claims = [
        {
            "id": r.id,
            "subject": canon.of(r.subject),
            "predicate": r.predicate,
            "object": canon.of(r.object),
            "value": r.value,
            "document": r.document_id,
        }
        for r in conn.execute(
            select(c.c.id, c.c.subject, c.c.predicate, c.c.object, c.c.value, c.c.document_id)
            .where(c.c.document_id.in_(new_ids))
            .order_by(c.c.id)
        )
        if r.id not in judged.rejected
    ]
    claim_ids = [x["id"] for x in claims]
    dc = schema.dispute_claims
    disputes = sorted(
        set(conn.execute(select(dc.c.dispute_id).where(dc.c.claim_id.in_(claim_ids))).scalars())
    )
    return {
        "documents": new_documents,
        "entities": [{"id": i, "name": canon.name(i), "type": canon.type(i)} for i in roots],
        "claims": claims,
        "disputes": [{"id": i, "closed": i in judged.closed} for i in disputes],
        "judgements": [row for row in judgement_rows(judged) if row["at"] >= since],
    }
