"""Resolve: link what extraction found to what the knowledge base already knows, then store it.

Resolution across documents happens here, where records are stored: entities by match key,
spelling variants and short names by score with context, events reported twice by type, day
and place, relations that later evidence ends (changes.py), and contradictions as disputes.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Connection, select

from factions.model import Extraction
from factions.resolve.changes import find_inferred_ends
from factions.resolve.disputes import find_disputes
from factions.resolve.entities import (
    KnownPerson,
    find_person_link,
    load_known_people,
    name_tokens,
)
from factions.resolve.events import same_event_links
from factions.store import schema, writer
from factions.store.batch import EntityLink, ResolvedBatch, ResolvedDocument
from factions.store.linker import Linker, canonical_ids
from factions.store.relation_index import RelationSpan, relation_span, replace_inferred_ends
from factions.store.writer import StoredDocument

__all__ = ["Resolver", "canonical_map", "refresh_derived"]


class Resolver:
    """Resolves batches of extractions against the entities already known."""

    def __init__(self, people: dict[str, KnownPerson], linker: Linker) -> None:
        self.people = people
        self.linker = linker

    @classmethod
    def load(cls, conn: Connection) -> Resolver:
        return cls(load_known_people(conn), Linker.whole(conn))

    def canonical(self, entity_id: str) -> str:
        return self.linker.canonical(entity_id)

    @staticmethod
    def fingerprints(conn: Connection) -> list[tuple[str, str]]:
        rows = conn.execute(
            select(schema.documents.c.id, schema.documents.c.fingerprint).where(
                schema.documents.c.fingerprint.is_not(None)
            )
        )
        return [(r[0], r[1]) for r in rows]

    def resolve(self, documents: list[tuple[StoredDocument, Extraction]]) -> ResolvedBatch:
        """One complete batch for the store: links first, then every claim's index entry
        under the canonical ids those links give."""
        batch = ResolvedBatch()
        for stored, extraction in documents:
            batch.documents.append(ResolvedDocument(stored, extraction))
            batch.links.extend(self._person_links(extraction))
        for resolved in batch.documents:
            batch.relation_spans.extend(self._relation_spans(resolved.extraction))
        return batch

    def _person_links(self, extraction: Extraction) -> list[EntityLink]:
        links = []
        for record in extraction.entities:
            if record.type != "person" or record.gazetteer_id:
                continue
            link = find_person_link(record, self.people)
            # Link to the canonical end of the chain, and never back to this record.
            target = self.canonical(link[0]) if link else None
            if link and target and target != record.id and not self.linker.is_linked(record.id):
                links.append(EntityLink(record.id, target, link[1], link[2]))
                self.linker.link(record.id, target)
            known = self.people.setdefault(
                record.id, KnownPerson(record.id, record.name, name_tokens(record.name))
            )
            known.context.update(record.context)
        return links

    def _relation_spans(self, extraction: Extraction) -> list[RelationSpan]:
        return [
            span
            for c in extraction.claims
            if c.object
            and (
                span := relation_span(
                    c.id,
                    self.canonical(c.subject),
                    c.predicate,
                    self.canonical(c.object),
                    certainty=c.certainty,
                    polarity=c.polarity,
                    evidence=len(c.evidence),
                    valid_from=c.valid_from,
                    valid_to=c.valid_to,
                    reported=extraction.document.published,
                    attributed_to=c.attributed_to,
                    document_id=extraction.document.id,
                    outlet=extraction.document.outlet,
                )
            )
        ]


def canonical_map(conn: Connection) -> dict[str, str]:
    """Machine entity id -> canonical id, following chains of links."""
    return canonical_ids(conn)


def refresh_derived(conn: Connection) -> None:
    """Recompute what depends on the whole knowledge base: same-event links, the relations
    later evidence ends (and the relation index cut there), and disputes."""
    conn.execute(schema.event_links.delete())
    writer.set_links(conn, schema.event_links, same_event_links(conn))
    mapping = canonical_map(conn)
    ends = find_inferred_ends(conn, lambda i: mapping.get(i, i))
    replace_inferred_ends(conn, [asdict(end) for end in ends])
    writer.replace_disputes(conn, find_disputes(conn, lambda i: mapping.get(i, i)))
