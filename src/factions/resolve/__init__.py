"""Resolve: link what extraction found to what the knowledge base already knows, then store it.

Resolution across documents happens here, where records are stored: entities by match key,
spelling variants and short names by score with context, events reported twice by type, day
and place, and contradictions as disputes.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from factions.model import Extraction
from factions.resolve.disputes import find_disputes
from factions.resolve.entities import (
    KnownPerson,
    find_person_link,
    load_known_people,
    name_tokens,
)
from factions.resolve.events import same_event_links
from factions.store import relations, schema, writer

__all__ = ["Resolver", "canonical_map", "refresh_derived"]


class Resolver:
    """Stores extractions, linking their entities to entities already known."""

    def __init__(self, people: dict[str, KnownPerson], links: dict[str, str]) -> None:
        self.people = people
        self.links = links

    @classmethod
    def load(cls, conn: Connection) -> Resolver:
        return cls(load_known_people(conn), canonical_map(conn))

    def canonical(self, entity_id: str) -> str:
        seen = {entity_id}
        while entity_id in self.links and self.links[entity_id] not in seen:
            entity_id = self.links[entity_id]
            seen.add(entity_id)
        return entity_id

    @staticmethod
    def fingerprints(conn: Connection) -> list[tuple[str, str]]:
        rows = conn.execute(
            select(schema.documents.c.id, schema.documents.c.fingerprint).where(
                schema.documents.c.fingerprint.is_not(None)
            )
        )
        return [(r[0], r[1]) for r in rows]

    def store(
        self,
        conn: Connection,
        extraction: Extraction,
        *,
        fingerprint: str | None,
        near_duplicate_of: str | None,
        extractor: str,
    ) -> None:
        document = extraction.document
        writer.insert_document(
            conn,
            document,
            fingerprint=fingerprint,
            near_duplicate_of=near_duplicate_of,
            extractor=extractor,
        )
        writer.upsert_entities(conn, extraction.entities)
        links = []
        for record in extraction.entities:
            if record.type != "person" or record.gazetteer_id:
                continue
            link = find_person_link(record, self.people)
            # Link to the canonical end of the chain, and never back to this record.
            target = self.canonical(link[0]) if link else None
            if link and target != record.id and record.id not in self.links:
                links.append((record.id, target, link[1], link[2]))
                self.links[record.id] = target
            known = self.people.setdefault(
                record.id, KnownPerson(record.id, record.name, name_tokens(record.name))
            )
            known.context.update(record.context)
        writer.set_links(conn, schema.entity_links, links)
        for entity_id, target, _score, _method in links:
            relations.relink_entity(conn, entity_id, target)
        writer.insert_mentions(conn, document.id, extraction.mentions)
        writer.insert_claims(conn, document.id, extraction.claims, document.published)
        relations.add_relation_spans(conn, self._relation_spans(extraction))
        writer.insert_events(conn, document.id, extraction.events, document.published)

    def _relation_spans(self, extraction: Extraction) -> list[relations.RelationSpan]:
        return [
            span
            for c in extraction.claims
            if c.object
            and (
                span := relations.relation_span(
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
    return relations.canonical_ids(conn)


def refresh_derived(conn: Connection) -> None:
    """Recompute what depends on the whole knowledge base: same-event links and disputes."""
    conn.execute(schema.event_links.delete())
    writer.set_links(conn, schema.event_links, same_event_links(conn))
    mapping = canonical_map(conn)
    writer.replace_disputes(conn, find_disputes(conn, lambda i: mapping.get(i, i)))
