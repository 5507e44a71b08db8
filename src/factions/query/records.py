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

from factions.query.common import stored_triggers
from factions.store import schema
from factions.store.judgements import Correction, Overlay, overlay
from factions.store.linker import Linker, canonical_ids
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
            item["triggers"] = [_trigger_item(*parts) for parts in stored_triggers(triggers)]
        evidence[owner].append(item)
    return evidence


def _trigger_item(
    start: int, end: int, arguments: list[tuple[int, int, str]] | None
) -> dict[str, Any]:
    """A stored trigger as the export shows it: arguments only when they were read."""
    item: dict[str, Any] = {"start": start, "end": end}
    if arguments is not None:
        item["arguments"] = [{"start": s, "end": e, "role": r} for s, e, r in arguments]
    return item


def _count(row: Any, kind: str) -> dict[str, int | None] | None:
    """A {low, best, high} count of an event row (fatalities, wounded, ...), or None."""
    low, best, high = row[f"{kind}_low"], row[f"{kind}_best"], row[f"{kind}_high"]
    if low is None and best is None and high is None:
        return None
    return {"low": low, "best": best, "high": high}


def _counts(row: Any) -> dict[str, dict[str, int | None] | None]:
    return {kind: _count(row, kind) for kind in schema.EVENT_COUNTS}


def _instruments_by_event(conn: Connection, same_as: dict[str, str]) -> dict[str, list[dict]]:
    """Each exported event's instruments ({text, document, start, end}), those of the events
    merged into it included, in the order they were stored."""
    found: dict[str, list[dict]] = defaultdict(list)
    rows = conn.execute(
        select(schema.events.c.id, schema.events.c.document_id, schema.events.c.instruments)
        .where(schema.events.c.instruments.is_not(None))
        .order_by(schema.events.c.id)
    )
    for event_id, document, instruments in rows:
        target = found[same_as.get(event_id, event_id)]
        for item in json.loads(instruments):
            entry = {"text": item["text"], "document": document, **item}
            if entry not in target:
                target.append(entry)
    return found


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


def _provenance(correction: Correction, original: Any) -> dict[str, Any]:
    """A corrected field as the export says it: the value, the original, who, when, why."""
    return {
        "field": correction.field,
        "value": correction.value,
        "original": original,
        "by": correction.author,
        "at": correction.created_at,
        "why": correction.why,
        "judgement": correction.judgement,
    }


def _judged_entity_fields(
    judged: Overlay, canonical: dict[str, str]
) -> dict[str, dict[str, Correction]]:
    """Canonical entity id -> its fields as analysts renamed or retyped them."""
    fields: dict[str, dict[str, Correction]] = defaultdict(dict)
    for entity_id, corrections in judged.entity_fields.items():
        fields[canonical.get(entity_id, entity_id)].update(corrections)
    return fields


def entity_rows(
    conn: Connection, canonical: dict[str, str], judged: Overlay | None = None
) -> Iterator[dict[str, Any]]:
    judged = judged or Overlay()
    aliases: dict[str, set[str]] = defaultdict(set)
    for entity_id, alias in conn.execute(
        select(schema.aliases.c.entity_id, schema.aliases.c.alias)
    ):
        aliases[canonical.get(entity_id, entity_id)].add(alias)
    for entity_id, added in judged.aliases_added.items():
        aliases[canonical.get(entity_id, entity_id)] |= added
    for entity_id, removed in judged.aliases_removed.items():
        aliases[canonical.get(entity_id, entity_id)] -= removed
    judged_fields = _judged_entity_fields(judged, canonical)
    names: dict[str, str] = {}
    for e in conn.execute(select(schema.entities.c.id, schema.entities.c.name)):
        names[e.id] = e.name
    for e in conn.execute(select(schema.entities).order_by(schema.entities.c.id)).mappings():
        if e["id"] in canonical:
            continue
        fields = judged_fields.get(e["id"], {})
        name = fields["name"].value if "name" in fields else e["name"]
        row: dict[str, Any] = {
            "kind": "entity",
            "id": e["id"],
            "type": fields["type"].value if "type" in fields else e["type"],
            "name": name,
            "aliases": sorted(aliases[e["id"]] - {name}),
        }
        if fields:
            row["corrections"] = [_provenance(c, e[c.field]) for c in fields.values()]
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


def _verdict(judged: Overlay, record_id: str) -> dict[str, Any] | None:
    """Whether an analyst accepted or rejected the record: by whom, when, why."""
    for verdict, table in (("rejected", judged.rejected), ("accepted", judged.accepted)):
        j = table.get(record_id)
        if j is not None:
            return {"verdict": verdict, "by": j.author, "at": j.created_at, "why": j.why}
    return None


def _judged_row(row: dict[str, Any], judged: Overlay, original: dict[str, Any]) -> dict[str, Any]:
    """The row with analysts' corrections in place (each saying who made it and what the
    machine had) and their verdict."""
    corrections = judged.corrections.get(row["id"], {})
    for name, correction in corrections.items():
        if name == "fatalities":
            count = correction.value
            row["fatalities"] = {"low": count, "best": count, "high": count}
        else:
            row[name] = correction.value
    if corrections:
        row["corrections"] = [_provenance(c, original.get(c.field)) for c in corrections.values()]
    verdict = _verdict(judged, row["id"])
    if verdict:
        row["judged"] = verdict
    return row


def claim_rows(
    conn: Connection,
    canonical: dict[str, str],
    judged: Overlay | None = None,
    *,
    include_rejected: bool = False,
) -> Iterator[dict[str, Any]]:
    judged = judged or Overlay()
    evidence = _evidence_by_owner(conn, "claim")
    for c in conn.execute(select(schema.claims).order_by(schema.claims.c.id)).mappings():
        if c["id"] in judged.rejected and not include_rejected:
            continue
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
        yield _judged_row(row, judged, dict(c))


def event_rows(
    conn: Connection,
    canonical: dict[str, str],
    judged: Overlay | None = None,
    *,
    include_rejected: bool = False,
) -> Iterator[dict[str, Any]]:
    judged = judged or Overlay()
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
        ).order_by(*schema.event_participants.primary_key.columns)
    ):
        target = same_as.get(event_id, event_id)
        item = {"entity": canonical.get(entity_id, entity_id), "role": role}
        if item not in participants[target]:
            participants[target].append(item)
    instruments = _instruments_by_event(conn, same_as)
    merged_evidence: dict[str, list[dict]] = defaultdict(list)
    for event_id, items in evidence.items():
        merged_evidence[same_as.get(event_id, event_id)].extend(items)
    for e in conn.execute(select(schema.events).order_by(schema.events.c.id)).mappings():
        if e["id"] in same_as:
            continue
        if e["id"] in judged.rejected and not include_rejected:
            continue
        original = {**dict(e), "fatalities": _count(e, "fatalities")}
        row = {
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
            "instruments": instruments.get(e["id"], []),
            "certainty": e["certainty"],
            "attributed_to": canonical.get(e["attributed_to"], e["attributed_to"]),
            "evidence": merged_evidence[e["id"]],
        }
        place = judged.corrections.get(e["id"], {}).get("place")
        yield _judged_row(row, judged, original) | (
            {"place": canonical.get(str(place.value), place.value)} if place else {}
        )


def dispute_rows(conn: Connection, judged: Overlay | None = None) -> Iterator[dict[str, Any]]:
    judged = judged or Overlay()
    members: dict[str, list[str]] = defaultdict(list)
    for dispute_id, claim_id in conn.execute(
        select(schema.dispute_claims.c.dispute_id, schema.dispute_claims.c.claim_id)
    ):
        members[dispute_id].append(claim_id)
    for d in conn.execute(select(schema.disputes).order_by(schema.disputes.c.id)).mappings():
        row: dict[str, Any] = {
            "kind": "dispute",
            "id": d["id"],
            "subject": d["subject"],
            "claims": sorted(members[d["id"]]),
            "reason": d["reason"],
        }
        closed = judged.closed.get(d["id"])
        if closed:
            # The rival claims stay listed: closing a dispute chooses a reading, no more.
            row["closed"] = {
                "reading": closed.value.get("reading"),
                "note": closed.value.get("note"),
                "by": closed.author,
                "at": closed.created_at,
                "why": closed.why,
            }
        yield row


def export_rows(conn: Connection, *, include_rejected: bool = False) -> Iterator[dict[str, Any]]:
    """Every row of the export, documents first, then entities, events, claims, disputes and
    the analysts' judgements. Records an analyst rejected are left out unless asked for."""
    linker = Linker.whole(conn)
    canonical = linker.mapping()
    judged = linker.overlay
    yield from document_rows(conn)
    yield from entity_rows(conn, canonical, judged)
    yield from event_rows(conn, canonical, judged, include_rejected=include_rejected)
    yield from claim_rows(conn, canonical, judged, include_rejected=include_rejected)
    yield from dispute_rows(conn, judged)
    yield from judgement_rows(judged)


def judgement_rows(judged: Overlay) -> Iterator[dict[str, Any]]:
    """Each judgement as an export row: what it decided, who, when, why, and what became of
    it (undone, the id its target has now, or why it is orphaned)."""
    orphans = {j.uid: reason for j, reason in judged.orphans}
    for j in judged.judgements:
        yield {
            "kind": "judgement",
            "id": j.uid,
            "judgement": j.kind,
            "target_kind": j.target_kind,
            "target": j.target_id,
            "other": j.other_id,
            "value": j.value,
            "why": j.why,
            "by": j.author,
            "at": j.created_at,
            "evidence": j.evidence,
            "undone": j.uid in judged.undone,
            "applies_to": j.target_id if j.kind == "undo" else judged.targets.get(j.uid),
            "orphaned": orphans.get(j.uid),
        }


def judgements_overlay(conn: Connection) -> Overlay:
    """What the analysts' judgements say now (for listings of them)."""
    return overlay(conn)


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
        ).order_by(*schema.event_participants.primary_key.columns)
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
            "instruments": [
                {"text": i["text"], "document": e["document_id"], **i}
                for i in json.loads(e["instruments"] or "[]")
            ],
            "certainty": e["certainty"],
            "attributed_to": canonical.get(e["attributed_to"], e["attributed_to"]),
            "trigger": e["trigger"] or "",
            "evidence": [v for v in evidence[e["id"]] if v["document"] == e["document_id"]],
        }
