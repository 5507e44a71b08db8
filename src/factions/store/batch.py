"""A resolved batch, and the one pass that writes it.

Resolution hands the store one complete batch: the documents with their extractions, the entity
links to set and to take away, the entities whose indexed relations must move to a new
canonical id, and the relation-index entries of the batch's claims (already under canonical
ids). `write_batch` writes all of it inside the caller's transaction, each table once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from factions.model import Extraction
from factions.store import relation_index, schema, writer
from factions.store.linker import Linker
from factions.store.relation_index import RelationSpan
from factions.store.writer import StoredDocument


@dataclass(frozen=True)
class EntityLink:
    """A machine entity found to be the same as another: kept as an overlay, never a merge."""

    entity_id: str
    canonical_id: str
    score: float
    method: str


@dataclass
class ResolvedDocument:
    stored: StoredDocument
    extraction: Extraction


@dataclass
class ResolvedBatch:
    documents: list[ResolvedDocument] = field(default_factory=list)
    # Documents of the batch found already stored (by another ingest): not written again.
    skipped: list[str] = field(default_factory=list)
    links: list[EntityLink] = field(default_factory=list)
    # Entities whose machine link is taken away.
    unlinked: list[str] = field(default_factory=list)
    # Stored entities whose canonical id the batch changes: id -> the canonical id before.
    moved: dict[str, str] = field(default_factory=dict)
    relation_spans: list[RelationSpan] = field(default_factory=list)


def _groups(batch: ResolvedBatch, kind: str) -> list[writer.Group]:
    return [
        (d.stored.document.id, d.stored.document.published, getattr(d.extraction, kind))
        for d in batch.documents
    ]


def write_batch(conn: Connection, batch: ResolvedBatch) -> list[str]:
    """Write a resolved batch: documents, entities, links, mentions, claims, index, events.
    Returns the stored entities whose description (a name, a place) the batch changed, which
    derived data naming them must follow."""
    if not batch.documents:
        return []
    writer.mark_derived(conn, stale=True)
    writer.insert_documents(conn, [d.stored for d in batch.documents])
    renamed = writer.upsert_entities(
        conn, [e for d in batch.documents for e in d.extraction.entities]
    )
    writer.delete_links(conn, schema.entity_links, batch.unlinked)
    writer.set_links(
        conn,
        schema.entity_links,
        [(k.entity_id, k.canonical_id, k.score, k.method) for k in batch.links],
    )
    # Relations indexed under an entity whose canonical id has just changed move to the new
    # one; the batch's own spans are already under canonical ids.
    if batch.moved:
        now = Linker.lazy(conn)
        relation_index.reindex_entities(
            conn,
            batch.moved,
            before=lambda i: batch.moved.get(i) or now.canonical(i),
            after=now.canonical,
        )
    writer.insert_mentions_of(
        conn, [(d.stored.document.id, d.extraction.mentions) for d in batch.documents]
    )
    writer.insert_claims_of(conn, _groups(batch, "claims"))
    relation_index.add_relation_spans(
        conn, relation_index.without_rejected(conn, batch.relation_spans)
    )
    writer.insert_events_of(conn, _groups(batch, "events"))
    return renamed
