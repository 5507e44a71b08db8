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

from sqlalchemy import Connection

from factions.ingest.run import IngestReport, ingest_paths
from factions.query.records import (
    canonical_mention_rows,
    document_sources,
    export_rows,
    stored_event_rows,
)
from factions.store import open_database
from factions.vocabulary import vocabulary

PLACE_TYPES = frozenset(vocabulary().place_types)
# Actors that can be an event's perpetrator (people are scored apart).
ACTOR_TYPES = frozenset(vocabulary().actor_types) - {"person"}


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

    @property
    def mentioned_by_key(self) -> dict[str, set[str]]:
        """The (canonical) ids of the entities each gold item mentions."""
        return {key: {m["entity"] for m in items} for key, items in self.mentions_by_key.items()}

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
    for document in document_sources(conn):
        line = _line_of(document.source)
        if line is not None and line < len(unique):
            key = unique[line].key
        else:
            key = document.title or document.id
        key_of[document.id] = key
        by_key[key].append(StoredDocument(document.id, document.part, document.text))
    for stored in by_key.values():
        stored.sort(key=lambda d: d.part)
    return key_of, dict(by_key)


def _own_events(conn: Connection, key_of: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    """Every stored event record, as the export would show it had its document been alone."""
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in stored_event_rows(conn):
        key = key_of.get(row["document"])
        if key is not None:
            by_key[key].append(row)
    for items in by_key.values():
        items.sort(key=lambda r: (min((v["start"] for v in r["evidence"]), default=0), r["id"]))
    return dict(by_key)


def _mentions(conn: Connection, key_of: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    by_key: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in canonical_mention_rows(conn):
        key = key_of.get(row["document"])
        if key is not None:
            by_key[key].append(row)
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
            key_of, stored = _stored_documents(conn, unique)
            own = _own_events(conn, key_of)
            mentions = _mentions(conn, key_of)
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
