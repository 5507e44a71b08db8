"""Resolve: link what extraction found to what the knowledge base already knows, then store it.

Resolution across documents happens here, inside the transaction that stores a batch, from what
the store holds at that moment: entities share ids by match key, people are linked by name
and context (resolve/entities.py), events reported twice are linked by type, day and place,
and contradictions become disputes. Every decision is a function of the documents stored, not
of the order they came in: a batch recomputes the links of the names it touches.
"""

from __future__ import annotations

from sqlalchemy import Connection, select

from factions.model import EntityRecord, Extraction
from factions.resolve.disputes import find_disputes
from factions.resolve.entities import (
    METHODS,
    Person,
    Profile,
    add_role_ties,
    family_keys,
    resolve_family,
    stored_links,
    stored_people,
)
from factions.resolve.events import same_event_links
from factions.store import schema, writer
from factions.store.batch import ResolvedBatch, ResolvedDocument
from factions.store.linker import Linker, canonical_ids
from factions.store.relation_index import RelationSpan, relation_span
from factions.store.writer import StoredDocument, person_name_block

__all__ = [
    "canonical_map",
    "derived_is_stale",
    "fingerprints",
    "refresh_derived",
    "resolve_batch",
]

_CHUNK = 500


def fingerprints(conn: Connection) -> list[tuple[str, str]]:
    """(document id, SimHash fingerprint) of every stored document, for near-duplicates."""
    rows = conn.execute(
        select(schema.documents.c.id, schema.documents.c.fingerprint).where(
            schema.documents.c.fingerprint.is_not(None)
        )
    )
    return [(r[0], r[1]) for r in rows]


def resolve_batch(
    conn: Connection, documents: list[tuple[StoredDocument, Extraction]]
) -> ResolvedBatch:
    """One complete batch for the store, read against the store inside the caller's (writing)
    transaction: the documents not stored yet, the links of the people they touch, and every
    claim's index entry under the canonical ids those links give."""
    batch = ResolvedBatch()
    known = _stored_documents(conn, [stored.document.id for stored, _ in documents])
    for stored, extraction in documents:
        document_id = stored.document.id
        if document_id in known:
            # Stored meanwhile by another ingest: storing it again would count it twice.
            batch.skipped.append(document_id)
            continue
        known.add(document_id)
        add_role_ties(extraction)
        batch.documents.append(ResolvedDocument(stored, extraction))
    people = [_person(e) for d in batch.documents for e in d.extraction.entities if _is_kept(e)]
    linker = _resolve_people(conn, people, batch)
    # The canonical ids of everything the batch's claims name, read in a few queries.
    linker.many(
        i for d in batch.documents for c in d.extraction.claims for i in (c.subject, c.object)
    )
    for resolved in batch.documents:
        batch.relation_spans.extend(_relation_spans(resolved.extraction, linker))
    return batch


def _stored_documents(conn: Connection, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        found.update(
            conn.execute(
                select(schema.documents.c.id).where(
                    schema.documents.c.id.in_(ids[start : start + _CHUNK])
                )
            ).scalars()
        )
    return found


def _is_kept(record: EntityRecord) -> bool:
    """A person of one document with a full name: the ones resolution links."""
    return (
        record.type == "person"
        and not record.gazetteer_id
        and person_name_block(record.match_key) is not None
    )


def _person(record: EntityRecord) -> Person:
    profile = Profile(frozenset(record.context), frozenset(record.sides), frozenset(record.ties))
    return Person(record.id, record.name, record.match_key or "", profile)


def _resolve_people(conn: Connection, new: list[Person], batch: ResolvedBatch) -> Linker:
    """Recompute the links of the name families the new people belong to; put what changed in
    the batch. Returns a linker that sees the batch's links as if they were stored."""
    if not new:
        return Linker.lazy(conn)
    keys = {p.key for p in new}
    family = family_keys(conn, keys, unstored=keys)
    people = {p.id: p for p in stored_people(conn, family)}
    fresh = {p.id for p in new if p.id not in people}
    people.update((p.id, p) for p in new)
    wanted = {link.entity_id: link for link in resolve_family(list(people.values()))}
    stored = stored_links(conn, people)
    # An analyst's link (any method but ours) is never overwritten.
    ours = {i: link for i, link in stored.items() if link.method in METHODS}
    chosen = {i: link for i, link in wanted.items() if i in ours or i not in stored}
    batch.links = sorted(
        (link for i, link in chosen.items() if ours.get(i) != link), key=lambda k: k.entity_id
    )
    batch.unlinked = sorted(i for i in ours if i not in chosen)
    changes: dict[str, str | None] = {k.entity_id: k.canonical_id for k in batch.links}
    changes.update(dict.fromkeys(batch.unlinked))
    before = Linker.lazy(conn).many(people)
    after = Linker.lazy(conn, changes)
    now = after.many(people)
    batch.moved = {i: before[i] for i in sorted(people) if i not in fresh and before[i] != now[i]}
    return after


def _relation_spans(extraction: Extraction, linker: Linker) -> list[RelationSpan]:
    return [
        span
        for c in extraction.claims
        if c.object
        and (
            span := relation_span(
                c.id,
                linker.canonical(c.subject),
                c.predicate,
                linker.canonical(c.object),
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
    """Recompute what depends on the whole knowledge base: same-event links and disputes."""
    conn.execute(schema.event_links.delete())
    writer.set_links(conn, schema.event_links, same_event_links(conn))
    mapping = canonical_map(conn)
    writer.replace_disputes(conn, find_disputes(conn, lambda i: mapping.get(i, i)))
    writer.mark_derived(conn, stale=False)


def derived_is_stale(conn: Connection) -> bool:
    """Whether records were written since the last `refresh_derived`."""
    return writer.derived_is_stale(conn)
