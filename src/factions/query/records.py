"""The whole knowledge base as canonical records: the rows of the JSON Lines contract.

Entities, claims and events come in their canonical forms: machine entities linked to another
entity appear once, under the canonical id, with every alias; an event reported twice appears
once with all its evidence. Exports (JSON Lines, Parquet) and the evaluations read these rows;
they never read the tables themselves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from factions.store import schema
from factions.store.linker import canonical_ids
from factions.vocabulary import vocabulary


def _evidence_by_owner(conn: Connection, kind: str) -> dict[str, list[dict]]:
    evidence: dict[str, list[dict]] = defaultdict(list)
    rows = conn.execute(
        select(
            schema.evidence.c.owner_id,
            schema.evidence.c.document_id,
            schema.evidence.c.text,
            schema.evidence.c.start,
            schema.evidence.c.end,
            schema.evidence.c.triggers,
        )
        .where(schema.evidence.c.owner_kind == kind)
        .order_by(schema.evidence.c.id)
    )
    for owner, document, text, start, end, triggers in rows:
        item: dict[str, Any] = {"document": document, "text": text, "start": start, "end": end}
        if triggers:
            # An event's trigger words in this sentence (document offsets).
            item["triggers"] = [{"start": s, "end": e} for s, e in json.loads(triggers)]
        evidence[owner].append(item)
    return evidence


def _count(row: Any, kind: str) -> dict[str, int | None] | None:
    """A {low, best, high} count of an event row (fatalities, wounded, ...), or None."""
    low, best, high = row[f"{kind}_low"], row[f"{kind}_best"], row[f"{kind}_high"]
    if low is None and best is None and high is None:
        return None
    return {"low": low, "best": best, "high": high}


def _counts(row: Any) -> dict[str, dict[str, int | None] | None]:
    return {kind: _count(row, kind) for kind in schema.EVENT_COUNTS}


def document_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    rows = conn.execute(select(schema.documents).order_by(schema.documents.c.id))
    for d in rows.mappings():
        yield {
            "kind": "document",
            "id": d["id"],
            "title": d["title"],
            "url": d["url"],
            "outlet": d["outlet"],
            "author": d["author"],
            "published": d["published"],
            "published_precision": d["published_precision"],
        }


def entity_rows(conn: Connection, canonical: dict[str, str]) -> Iterator[dict[str, Any]]:
    aliases: dict[str, set[str]] = defaultdict(set)
    for entity_id, alias in conn.execute(
        select(schema.aliases.c.entity_id, schema.aliases.c.alias)
    ):
        aliases[canonical.get(entity_id, entity_id)].add(alias)
    names: dict[str, str] = {}
    for e in conn.execute(select(schema.entities.c.id, schema.entities.c.name)):
        names[e.id] = e.name
    for e in conn.execute(select(schema.entities).order_by(schema.entities.c.id)).mappings():
        if e["id"] in canonical:
            continue
        row: dict[str, Any] = {
            "kind": "entity",
            "id": e["id"],
            "type": e["type"],
            "name": e["name"],
            "aliases": sorted(aliases[e["id"]] - {e["name"]}),
        }
        if e["type"] in vocabulary().place_types:
            row.update(
                country=e["country"],
                admin1=e["admin1"],
                lat=e["lat"],
                lon=e["lon"],
                geo_precision=e["geo_precision"],
                alternatives=json.loads(e["alternatives"]) if e["alternatives"] else [],
            )
        yield row


def claim_rows(conn: Connection, canonical: dict[str, str]) -> Iterator[dict[str, Any]]:
    evidence = _evidence_by_owner(conn, "claim")
    for c in conn.execute(select(schema.claims).order_by(schema.claims.c.id)).mappings():
        row: dict[str, Any] = {
            "kind": "claim",
            "id": c["id"],
            "subject": canonical.get(c["subject"], c["subject"]),
            "predicate": c["predicate"],
        }
        if c["object"] is not None:
            row["object"] = canonical.get(c["object"], c["object"])
        else:
            row["value"] = c["value"]
        row.update(
            valid_from=c["valid_from"],
            valid_to=c["valid_to"],
            certainty=c["certainty"],
            polarity=bool(c["polarity"]),
            attributed_to=canonical.get(c["attributed_to"], c["attributed_to"]),
            evidence=evidence[c["id"]],
        )
        yield row


def event_rows(conn: Connection, canonical: dict[str, str]) -> Iterator[dict[str, Any]]:
    evidence = _evidence_by_owner(conn, "event")
    same_as = dict(
        conn.execute(select(schema.event_links.c.event_id, schema.event_links.c.canonical_id)).all()
    )
    participants: dict[str, list[dict]] = defaultdict(list)
    for event_id, entity_id, role in conn.execute(
        select(
            schema.event_participants.c.event_id,
            schema.event_participants.c.entity_id,
            schema.event_participants.c.role,
        ).order_by(schema.event_participants.c.event_id)
    ):
        target = same_as.get(event_id, event_id)
        item = {"entity": canonical.get(entity_id, entity_id), "role": role}
        if item not in participants[target]:
            participants[target].append(item)
    merged_evidence: dict[str, list[dict]] = defaultdict(list)
    for event_id, items in evidence.items():
        merged_evidence[same_as.get(event_id, event_id)].extend(items)
    for e in conn.execute(select(schema.events).order_by(schema.events.c.id)).mappings():
        if e["id"] in same_as:
            continue
        yield {
            "kind": "event",
            "id": e["id"],
            "event_type": e["event_type"],
            "sub_event_type": e["sub_event_type"],
            "date": e["date"],
            "date_precision": e["date_precision"],
            "place": canonical.get(e["place"], e["place"]),
            "geo_precision": e["geo_precision"],
            "participants": participants[e["id"]],
            "fatalities": _count(e, "fatalities"),
            **_counts(e),
            "certainty": e["certainty"],
            "attributed_to": canonical.get(e["attributed_to"], e["attributed_to"]),
            "evidence": merged_evidence[e["id"]],
        }


def dispute_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    members: dict[str, list[str]] = defaultdict(list)
    for dispute_id, claim_id in conn.execute(
        select(schema.dispute_claims.c.dispute_id, schema.dispute_claims.c.claim_id)
    ):
        members[dispute_id].append(claim_id)
    for d in conn.execute(select(schema.disputes).order_by(schema.disputes.c.id)).mappings():
        yield {
            "kind": "dispute",
            "id": d["id"],
            "subject": d["subject"],
            "claims": sorted(members[d["id"]]),
            "reason": d["reason"],
        }


def export_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every row of the export, documents first, then entities, events, claims, disputes."""
    canonical = canonical_ids(conn)
    yield from document_rows(conn)
    yield from entity_rows(conn, canonical)
    yield from event_rows(conn, canonical)
    yield from claim_rows(conn, canonical)
    yield from dispute_rows(conn)


@dataclass(frozen=True)
class DocumentSource:
    id: str
    source: str | None
    part: int
    published: str | None
    text: str
    title: str | None = None


def document_sources(conn: Connection) -> Iterator[DocumentSource]:
    """Each document with where it came from (file, part) and its text."""
    documents = schema.documents
    rows = conn.execute(
        select(
            documents.c.id,
            documents.c.source,
            documents.c.part,
            documents.c.published,
            documents.c.text,
            documents.c.title,
        ).order_by(documents.c.id)
    )
    for row in rows:
        yield DocumentSource(row.id, row.source, row.part or 0, row.published, row.text, row.title)


def canonical_mentions(conn: Connection) -> dict[str, list[tuple[str, str, int, int]]]:
    """Document id -> (canonical entity, text, start, end) of every mention in it."""
    canonical = canonical_ids(conn)
    mentions: dict[str, list[tuple[str, str, int, int]]] = defaultdict(list)
    for doc_id, entity_id, text, start, end in conn.execute(
        select(
            schema.mentions.c.document_id,
            schema.mentions.c.entity_id,
            schema.mentions.c.text,
            schema.mentions.c.start,
            schema.mentions.c.end,
        )
    ):
        mentions[doc_id].append((canonical.get(entity_id, entity_id), text, start, end))
    return mentions


def located_places(conn: Connection) -> Iterator[dict[str, Any]]:
    """Canonical place entities that have coordinates, as table rows."""
    canonical = canonical_ids(conn)
    rows = conn.execute(
        select(schema.entities)
        .where(schema.entities.c.type.in_(vocabulary().place_types))
        .where(schema.entities.c.lat.is_not(None), schema.entities.c.lon.is_not(None))
        .order_by(schema.entities.c.id)
    ).mappings()
    for row in rows:
        if row["id"] not in canonical:
            yield dict(row)


def canonical_mention_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every mention with its document, canonical entity, text, offsets and NER label."""
    canonical = canonical_ids(conn)
    for document, entity, text, start, end, label in conn.execute(
        select(
            schema.mentions.c.document_id,
            schema.mentions.c.entity_id,
            schema.mentions.c.text,
            schema.mentions.c.start,
            schema.mentions.c.end,
            schema.mentions.c.label,
        ).order_by(schema.mentions.c.id)
    ):
        yield {
            "document": document,
            "entity": canonical.get(entity, entity),
            "text": text,
            "start": start,
            "end": end,
            "label": label,
        }


def stored_event_rows(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every event record as its own document stored it, before same-event merging: the
    export's row shape with the document, the exported event it became and its trigger."""
    canonical = canonical_ids(conn)
    same_as = dict(
        conn.execute(select(schema.event_links.c.event_id, schema.event_links.c.canonical_id)).all()
    )
    participants: dict[str, list[dict[str, str]]] = defaultdict(list)
    for event_id, entity_id, role in conn.execute(
        select(
            schema.event_participants.c.event_id,
            schema.event_participants.c.entity_id,
            schema.event_participants.c.role,
        )
    ):
        item = {"entity": canonical.get(entity_id, entity_id), "role": role}
        if item not in participants[event_id]:
            participants[event_id].append(item)
    evidence = _evidence_by_owner(conn, "event")
    for e in conn.execute(select(schema.events).order_by(schema.events.c.id)).mappings():
        yield {
            "id": e["id"],
            "exported_as": same_as.get(e["id"], e["id"]),
            "document": e["document_id"],
            "event_type": e["event_type"],
            "sub_event_type": e["sub_event_type"],
            "date": e["date"],
            "date_precision": e["date_precision"],
            "place": canonical.get(e["place"], e["place"]),
            "geo_precision": e["geo_precision"],
            "participants": participants[e["id"]],
            "fatalities": _count(e, "fatalities"),
            **_counts(e),
            "certainty": e["certainty"],
            "attributed_to": canonical.get(e["attributed_to"], e["attributed_to"]),
            "trigger": e["trigger"] or "",
            "evidence": [v for v in evidence[e["id"]] if v["document"] == e["document_id"]],
        }
