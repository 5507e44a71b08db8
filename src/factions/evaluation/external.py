"""Scoring external gold on what users get: ingest each gold item as a document, read the export.

Each gold row or document becomes one article of a JSON Lines corpus (its key as the title, its
date as the publication date), ingested by the same `ingest_paths` a user runs, and the
knowledge base is read back through the JSON Lines export. Suites then match gold to the
exported events, entities and claims of the document whose title is the gold key. The export
does not say which document names which entity, so the entities each document mentions are
read from the same knowledge base's mentions (under their canonical ids, as the export lists
them).
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
from factions.query.records import canonical_mentions, export_rows
from factions.store import open_database


@dataclass(frozen=True)
class GoldDocument:
    key: str
    text: str
    published: str | None = None


@dataclass
class ExportedKnowledgeBase:
    """The export of a knowledge base, indexed by the gold key of each document."""

    entities: dict[str, dict[str, Any]] = field(default_factory=dict)
    events_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    claims_by_key: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # The (canonical) ids of the entities each document mentions.
    mentioned_by_key: dict[str, set[str]] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def names(self, entity_id: str | None) -> list[str]:
        """The canonical name and aliases of an entity (empty for an unknown id)."""
        row = self.entities.get(entity_id or "")
        return [row["name"], *row.get("aliases", [])] if row else []


def _write_corpus(documents: list[GoldDocument], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for document in documents:
            record = {"text": document.text, "title": document.key}
            if document.published:
                record["published"] = document.published
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def _mentioned(conn: Connection) -> dict[str, set[str]]:
    """Document id -> the canonical ids of the entities it mentions."""
    return {
        document_id: {entity for entity, *_ in mentions}
        for document_id, mentions in canonical_mentions(conn).items()
    }


def _index(
    rows: list[dict[str, Any]], report: IngestReport, mentioned: dict[str, set[str]]
) -> ExportedKnowledgeBase:
    kb = ExportedKnowledgeBase()
    key_of: dict[str, str] = {}
    for row in rows:
        if row["kind"] == "document":
            key_of[row["id"]] = row["title"] or row["id"]
        elif row["kind"] == "entity":
            kb.entities[row["id"]] = row
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claims: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["kind"] not in {"event", "claim"}:
            continue
        # An event merged across documents is listed under each document it has evidence in.
        keys = {key_of.get(e["document"]) for e in row["evidence"]} - {None}
        target = events if row["kind"] == "event" else claims
        for key in keys:
            target[key].append(row)  # type: ignore[index]
    kb.events_by_key, kb.claims_by_key = dict(events), dict(claims)
    kb.mentioned_by_key = {key_of[d]: ids for d, ids in mentioned.items() if d in key_of}
    kb.failed = {failure.source: failure.reason for failure in report.failed}
    return kb


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
            mentioned = _mentioned(conn)
        engine.dispose()
    kb = _index(rows, report, mentioned)
    kb.texts = {d.key: d.text for d in documents}
    for document in documents:
        source = first_key[document.text]
        if source != document.key:
            kb.events_by_key[document.key] = kb.events_by_key.get(source, [])
            kb.claims_by_key[document.key] = kb.claims_by_key.get(source, [])
            kb.mentioned_by_key[document.key] = kb.mentioned_by_key.get(source, set())
    return kb
