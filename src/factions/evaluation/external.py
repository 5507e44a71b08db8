"""Scoring external gold on what users get: ingest each gold item as a document, read the export.

Each gold row or document becomes one article of a JSON Lines corpus (its key as the title, its
date as the publication date), ingested by the same `ingest_paths` a user runs, and the
knowledge base is read back through the JSON Lines export. Suites then match gold to the
exported events, entities and claims of the document that came from the gold item.

A gold item is traced to its stored documents by the corpus line it was written to (the
`source` the ingest records), not by title: the cleaner may split a page into several stories,
and a story after the first takes its own headline as title.

All gold items share one knowledge base, so the resolver may merge the events of two gold
items (same type, day and place): the export then lists one event, with the participants of
both, under each item. Scoring a gold item against another item's participants would be
unfair either way, so besides the export (`events_by_key`) the knowledge base is also read
per document (`document_events_by_key`): the event records the item's own extraction stored,
in the export's row shape (entity ids canonical, as exported), plus the `trigger` word and the
id of the exported event they became. `merged_keys` lists the gold items whose events the
export merged with another item's.
"""

from __future__ import annotations

import json
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from factions.export.jsonl import export_rows
from factions.ingest.run import IngestReport, ingest_paths
from factions.resolve import canonical_map
from factions.store import open_database, schema

PLACE_TYPES = frozenset({"location", "country", "region"})
ACTOR_TYPES = frozenset({"armed_group", "state_force", "organization"})


@dataclass(frozen=True)
class GoldDocument:
    key: str
    text: str
    published: str | None = None


@dataclass(frozen=True)
class StoredDocument:
    """A document the ingest stored for a gold item (one per story the cleaner found)."""

    id: str
    part: int
    text: str


@dataclass
class ExportedKnowledgeBase:
    """The export of a knowledge base, indexed by the gold key of each document."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    events_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claims_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    # Per gold item: the stored documents, the item's own event records and entity mentions.
    documents_by_key: dict[str, list[StoredDocument]] = field(default_factory=dict)
    document_events_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    mentions_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    merged_keys: set[str] = field(default_factory=set)

    def names(self, entity_id: str | None) -> list[str]:
        """The canonical name and aliases of an entity (empty for an unknown id)."""
        row = self.entities.get(entity_id or "")
        return [row["name"], *row.get("aliases", [])] if row else []

    def entity_type(self, entity_id: str | None) -> str | None:
        row = self.entities.get(entity_id or "")
        return row["type"] if row else None

    def name(self, entity_id: str | None) -> str:
        row = self.entities.get(entity_id or "")
        return row["name"] if row else str(entity_id)

    def own_events(self, key: str) -> list[dict[str, Any]]:
        """The gold item's own event records, in text order (see the module docstring)."""
        return self.document_events_by_key.get(key, [])


def _write_corpus(documents: list[GoldDocument], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            record = {"text": document.text, "title": document.key}
            if document.published:
                record["published"] = document.published
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _line_of(source: str | None) -> int | None:
    """The corpus line of a stored document's source ("/tmp/…/gold.jsonl#12" -> 12)."""
    if not source or "#" not in source:
        return None
    tail = source.rsplit("#", 1)[1]
    return int(tail) if tail.isdigit() else None


def _index(
    rows: list[dict[str, Any]], report: IngestReport, key_of_document: dict[str, str]
) -> ExportedKnowledgeBase:
    kb = ExportedKnowledgeBase()
    for row in rows:
        if row["kind"] == "entity":
            kb.entities[row["id"]] = row
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["kind"] not in {"event", "claim"}:
            continue
        # An event merged across documents is listed under each document it has evidence in.
        keys = {key_of_document.get(e["document"]) for e in row["evidence"]} - {None}
        target = events if row["kind"] == "event" else claims
        for key in keys:
            target[key].append(row)  # type: ignore[index]
        if row["kind"] == "event" and len(keys) > 1:
            kb.merged_keys |= keys  # type: ignore[arg-type]
    kb.events_by_key, kb.claims_by_key = dict(events), dict(claims)
    return kb


def _stored_documents(
    conn: Connection, unique: list[GoldDocument]
) -> tuple[dict[str, str], dict[str, list[StoredDocument]]]:
    key_of: dict[str, str] = {}
    by_key: dict[str, list[StoredDocument]] = defaultdict(list)
    rows = conn.execute(
        select(
            schema.documents.c.id,
            schema.documents.c.title,
            schema.documents.c.source,
            schema.documents.c.part,
            schema.documents.c.text,
        )
    )
    for doc_id, title, source, part, text in rows:
        line = _line_of(source)
        key = unique[line].key if line is not None and line < len(unique) else title or doc_id
        key_of[doc_id] = key
        by_key[key].append(StoredDocument(doc_id, part or 0, text))
    for stored in by_key.values():
        stored.sort(key=lambda d: d.part)
    return key_of, dict(by_key)


def _own_events(
    conn: Connection, canonical: dict[str, str], key_of: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    """Every stored event record, as the export would show it had its document been alone."""
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
    evidence: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for owner, document, text, start, end in conn.execute(
        select(
            schema.evidence.c.owner_id,
            schema.evidence.c.document_id,
            schema.evidence.c.text,
            schema.evidence.c.start,
            schema.evidence.c.end,
        )
        .where(schema.evidence.c.owner_kind == "event")
        .order_by(schema.evidence.c.id)
    ):
        evidence[owner].append({"document": document, "text": text, "start": start, "end": end})
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in conn.execute(select(schema.events)).mappings():
        key = key_of.get(e["document_id"])
        if key is None:
            continue
        low, best, high = e["fatalities_low"], e["fatalities_best"], e["fatalities_high"]
        own_evidence = [v for v in evidence[e["id"]] if v["document"] == e["document_id"]]
        by_key[key].append(
            {
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
                "fatalities": None
                if low is None and best is None and high is None
                else {"low": low, "best": best, "high": high},
                "certainty": e["certainty"],
                "attributed_to": canonical.get(e["attributed_to"], e["attributed_to"]),
                "trigger": e["trigger"] or "",
                "evidence": own_evidence,
            }
        )
    for items in by_key.values():
        items.sort(key=lambda r: (min((v["start"] for v in r["evidence"]), default=0), r["id"]))
    return dict(by_key)


def _mentions(
    conn: Connection, canonical: dict[str, str], key_of: dict[str, str]
) -> dict[str, list[dict[str, Any]]]:
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
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
        key = key_of.get(document)
        if key is not None:
            by_key[key].append(
                {
                    "document": document,
                    "entity": canonical.get(entity, entity),
                    "text": text,
                    "start": start,
                    "end": end,
                    "label": label,
                }
            )
    return dict(by_key)


def knowledge_base_of(
    documents: list[GoldDocument], *, processes: int = 1, keep_db: Path | None = None
) -> ExportedKnowledgeBase:
    """Ingest the gold documents into a fresh knowledge base and index its export."""
    # Gold sets repeat texts (two incidents, one summary): the knowledge base holds one
    # document, and every key with that text reads its records.
    first_key: dict[str, str] = {}
    for document in documents:
        first_key.setdefault(document.text, document.key)
    unique = [d for d in documents if first_key[d.text] == d.key]
    with tempfile.TemporaryDirectory(prefix="factions-eval-") as tmp:
        corpus = Path(tmp) / "gold.jsonl"
        _write_corpus(unique, corpus)
        db = str(keep_db) if keep_db else str(Path(tmp) / "gold.db")
        engine = open_database(db)
        report = ingest_paths([corpus], engine, processes=processes)
        with engine.connect() as conn:
            rows = list(export_rows(conn))
            canonical = canonical_map(conn)
            key_of, stored = _stored_documents(conn, unique)
            own = _own_events(conn, canonical, key_of)
            mentions = _mentions(conn, canonical, key_of)
        engine.dispose()
    kb = _index(rows, report, key_of)
    kb.documents_by_key, kb.document_events_by_key, kb.mentions_by_key = stored, own, mentions
    for failure in report.failed:
        line = _line_of(failure.source)
        key = unique[line].key if line is not None and line < len(unique) else failure.source
        kb.failed[key] = failure.reason
    kb.texts = {d.key: d.text for d in documents}
    for document in documents:
        source = first_key[document.text]
        if source != document.key:
            for index in (
                kb.events_by_key,
                kb.claims_by_key,
                kb.documents_by_key,
                kb.document_events_by_key,
                kb.mentions_by_key,
            ):
                if source in index:
                    index[document.key] = index[source]  # type: ignore[index]
            if source in kb.failed:
                kb.failed[document.key] = kb.failed[source]
            if source in kb.merged_keys:
                kb.merged_keys.add(document.key)
    return kb
