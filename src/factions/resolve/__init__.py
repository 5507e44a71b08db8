"""Resolve: link what extraction found to what the knowledge base already knows, then store it.

Resolution across documents happens here, inside the transaction that stores a batch, from what
the store holds at that moment: entities share ids by match key, people are linked by name
and context (resolve/entities.py), events reported twice are linked by type, day and place,
and contradictions become disputes. Every decision is a function of the documents stored, not
of the order they came in: a batch recomputes the links of the names it touches. What depends
on more than one document (same-event links, relations later evidence ends (changes.py),
disputes) is brought up to date in the same transaction as each batch (`store_batch`), for
the part of the knowledge base the batch can change; `refresh_derived` recomputes all of it.
"""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import Connection, select

from factions.model import EntityRecord, Extraction
from factions.resolve.changes import find_inferred_ends, find_inferred_ends_within, touched_by
from factions.resolve.disputes import (
    DisputeKey,
    claims_naming_places,
    disputable,
    dispute_keys,
    find_disputes,
    find_disputes_within,
)
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
from factions.resolve.events import GroupKey, group_key, same_event_links, same_event_links_within
from factions.store import schema, writer
from factions.store.batch import ResolvedBatch, ResolvedDocument, write_batch
from factions.store.linker import Linker, canonical_ids
from factions.store.relation_index import RelationSpan, relation_span, replace_inferred_ends
from factions.store.writer import StoredDocument, person_name_block

__all__ = [
    "canonical_map",
    "derived_is_stale",
    "fingerprints",
    "refresh_derived",
    "resolve_batch",
    "store_batch",
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
    known = writer.stored_document_ids(conn, [stored.document.id for stored, _ in documents])
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
    """Recompute what depends on the whole knowledge base: same-event links, the relations
    later evidence ends (and the relation index cut there), and disputes."""
    conn.execute(schema.event_links.delete())
    writer.set_links(conn, schema.event_links, same_event_links(conn))
    mapping = canonical_map(conn)
    ends = find_inferred_ends(conn, lambda i: mapping.get(i, i))
    replace_inferred_ends(conn, [asdict(end) for end in ends])
    writer.replace_disputes(conn, find_disputes(conn, lambda i: mapping.get(i, i)))
    writer.mark_derived(conn, stale=False)


def derived_is_stale(conn: Connection) -> bool:
    """Whether records were written since the last `refresh_derived`."""
    return writer.derived_is_stale(conn)


# A claim as derived data reads it: (subject, predicate, object, value, polarity), machine ids.
_ClaimKey = tuple[str, str, str | None, str | None, bool]


def store_batch(conn: Connection, batch: ResolvedBatch) -> None:
    """Write a resolved batch and bring derived data up to date with it, in the caller's
    (writing) transaction: a process killed between batches never leaves derived data behind
    the records. Derived data already behind (an older run, a migration) is recomputed whole."""
    behind = writer.derived_is_stale(conn)
    renamed = write_batch(conn, batch)
    if not batch.documents:
        return
    if behind:
        refresh_derived(conn)
        return
    update_derived(conn, batch, renamed)
    writer.mark_derived(conn, stale=False)


def update_derived(conn: Connection, batch: ResolvedBatch, renamed: list[str]) -> None:
    """Recompute the derived data a written batch can change, and only that: the same-event
    links of its events' groups, the inferred ends around its claims' pairs and sides, the
    disputes of its claims' keys; each also for the claims of entities whose canonical id the
    batch moved (under the ids before and after). Gives what `refresh_derived` gives."""
    linker = Linker.lazy(conn)
    added = _batch_claims(batch)
    moved = _claims_of_entities(conn, sorted(batch.moved))
    claims = added + moved
    linker.many(i for c in claims for i in (c[0], c[2]))
    # Claims of a moved entity leave the keys they were under (as write_batch reindexes them).
    views = [linker.canonical]
    if batch.moved:
        views.append(lambda i: batch.moved.get(i) or linker.canonical(i))
    _update_event_links(conn, _event_groups(batch))
    _update_inferred_ends(conn, claims, views, linker)
    _update_disputes(conn, added, moved, views, linker, renamed)


def _batch_claims(batch: ResolvedBatch) -> list[_ClaimKey]:
    return [
        (c.subject, c.predicate, c.object, c.value, c.polarity)
        for d in batch.documents
        for c in d.extraction.claims
    ]


def _claims_of_entities(conn: Connection, entity_ids: list[str]) -> list[_ClaimKey]:
    """The stored claims about or naming these machine entities."""
    claims = schema.claims
    found: list[_ClaimKey] = []
    for start in range(0, len(entity_ids), _CHUNK):
        chunk = entity_ids[start : start + _CHUNK]
        found.extend(
            (r.subject, r.predicate, r.object, r.value, bool(r.polarity))
            for r in conn.execute(
                select(
                    claims.c.subject,
                    claims.c.predicate,
                    claims.c.object,
                    claims.c.value,
                    claims.c.polarity,
                ).where(claims.c.subject.in_(chunk) | claims.c.object.in_(chunk))
            )
        )
    return found


def _event_groups(batch: ResolvedBatch) -> set[GroupKey]:
    return {
        key
        for d in batch.documents
        for e in d.extraction.events
        if (key := group_key(e.event_type, e.sub_event_type, e.date, e.date_precision, e.place))
    }


def _update_event_links(conn: Connection, groups: set[GroupKey]) -> None:
    if not groups:
        return
    members, links = same_event_links_within(conn, groups)
    writer.delete_links(conn, schema.event_links, members)
    writer.set_links(conn, schema.event_links, links)


def _update_inferred_ends(
    conn: Connection,
    claims: list[_ClaimKey],
    views: list,
    linker: Linker,  # type: ignore[type-arg]
) -> None:
    """`views`: the canonical ids now and, when the batch moved entities, before."""
    pairs: set[frozenset[str]] = set()
    entities: set[str] = set()
    for subject, predicate, obj, _, _ in claims:
        for canonical in views:
            found_pairs, found_entities = touched_by(
                canonical(subject), predicate, canonical(obj) if obj else None
            )
            pairs |= found_pairs
            entities |= found_entities
    if not pairs and not entities:
        return
    among, ends = find_inferred_ends_within(conn, pairs, entities, linker)
    replace_inferred_ends(conn, [asdict(end) for end in ends], among=among)


def _update_disputes(
    conn: Connection,
    added: list[_ClaimKey],
    moved: list[_ClaimKey],
    views: list,  # type: ignore[type-arg]
    linker: Linker,
    renamed: list[str],
) -> None:
    """`added`: the batch's claims; `moved`: the stored claims of entities whose canonical id
    the batch moved. The keys the batch only added claims to are read when they can hold a
    dispute (`disputable`); the keys claims left, or whose places were renamed, always."""
    # A place renamed changes the words of the disputes that say where.
    named = claims_naming_places(conn, renamed) if renamed else []
    changed = moved + [(s, p, o, v, True) for s, p, o, v in named]
    linker.many(i for c in added + changed for i in (c[0], c[2]))
    keys = _keys_of(changed, views)
    keys |= disputable(conn, _keys_of(added, views) - keys, linker)
    if not keys:
        return
    among, disputes = find_disputes_within(conn, keys, linker)
    writer.replace_disputes(conn, disputes, among=among)


def _keys_of(claims: list[_ClaimKey], views: list) -> set[DisputeKey]:  # type: ignore[type-arg]
    return {
        key
        for subject, predicate, obj, value, polarity in claims
        for canonical in views
        for key in dispute_keys(subject, predicate, obj, value, polarity, canonical)
    }
