"""Writing records into the knowledge base. Every insert is idempotent on its id."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update

from factions.model import ClaimRecord, Document, EntityRecord, EventRecord, Evidence, Mention
from factions.partial_date import day_span, length_class, validity_days
from factions.store import schema
from factions.store.dialect import insert_ignore, insert_rows

_CHUNK = 500


def stored_document_ids(conn: Connection, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that the knowledge base holds documents of."""
    return _stored_ids(conn, schema.documents, ids)


def _stored_ids(conn: Connection, table: Table, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that `table` holds rows of, asked for `_CHUNK` at a time."""
    ids = sorted(set(ids))
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        batch = ids[start : start + _CHUNK]
        found.update(conn.execute(select(table.c.id).where(table.c.id.in_(batch))).scalars())
    return found


def insert_document(
    conn: Connection,
    document: Document,
    *,
    fingerprint: str | None,
    near_duplicate_of: str | None,
    extractor: str,
) -> None:
    insert_documents(conn, [StoredDocument(document, fingerprint, near_duplicate_of, extractor)])


@dataclass(frozen=True)
class StoredDocument:
    """A document with what ingest learnt about it besides its text."""

    document: Document
    fingerprint: str | None = None
    near_duplicate_of: str | None = None
    extractor: str = ""


def insert_documents(conn: Connection, documents: Iterable[StoredDocument]) -> None:
    ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
    insert_ignore(
        conn,
        schema.documents,
        [
            {
                "id": d.document.id,
                "title": d.document.title,
                "url": d.document.url,
                "outlet": d.document.outlet,
                "author": d.document.author,
                "published": d.document.published,
                "published_precision": d.document.published_precision,
                "source": d.document.source,
                "part": d.document.part,
                "text": d.document.text,
                "fingerprint": d.fingerprint,
                "near_duplicate_of": d.near_duplicate_of,
                "extractor": d.extractor,
                "ingested_at": ingested_at,
            }
            for d in documents
        ],
    )


# The columns of an entity that two documents may describe differently (a name's case, a
# place's candidates): the value kept is chosen by `_preference`, so that it is the same
# whichever document came first.
_CHOSEN_COLUMNS = ("name", "country", "admin1", "lat", "lon", "geo_precision", "alternatives")
_PERSON_KEY = "person:"
_BLOCK_DROPPED = re.compile(r"[aeiouyhw]")
_REPEATS = re.compile(r"(.)\1+")


def person_name_block(match_key: str | None) -> str | None:
    """The block a person's full name is filed under: the first letter of its last word and
    that word's consonants ("person:attiqullah barayalai" -> "brl", as "Baryalai"), so that
    transliteration variants meet. None for a one-word name or a key that is no person's."""
    if not match_key or not match_key.startswith(_PERSON_KEY):
        return None
    words = match_key[len(_PERSON_KEY) :].split()
    if len(words) < 2:
        return None
    last = words[-1]
    return last[0] + _REPEATS.sub(r"\1", _BLOCK_DROPPED.sub("", last[1:]))


def person_profile(record: EntityRecord) -> str | None:
    """What a document says about a person it alone holds, as stored (JSON), else None."""
    if record.type != "person" or record.gazetteer_id:
        return None
    return json.dumps(
        {
            "context": sorted(set(record.context)),
            "sides": sorted(set(record.sides)),
            "ties": sorted(set(record.ties)),
        },
        sort_keys=True,
    )


def _preference(row: dict) -> tuple:
    name = row["name"] or ""
    rest = json.dumps([row[c] for c in _CHOSEN_COLUMNS[1:]], default=str)
    # More capitals first ("Eastern Valley Front" over "eastern valley front"), then the text.
    return (-sum(c.isupper() for c in name), name, rest)


def upsert_entities(conn: Connection, records: Iterable[EntityRecord]) -> list[str]:
    """Insert new entities and add any new aliases to existing ones; returns the stored
    entities whose description (name, place) changed.

    When documents describe one entity differently, the description kept is the same whatever
    order they come in."""
    entity_rows: dict[str, dict] = {}
    alias_rows, name_rows = [], []
    for record in records:
        row = {
            "id": record.id,
            "type": record.type,
            "name": record.name,
            "country": record.country,
            "admin1": record.admin1,
            "lat": record.lat,
            "lon": record.lon,
            "geo_precision": record.geo_precision,
            "gazetteer_id": record.gazetteer_id,
            "match_key": record.match_key,
            "alternatives": json.dumps(record.alternatives) if record.alternatives else None,
            "profile": person_profile(record),
        }
        known = entity_rows.get(record.id)
        if known is None:
            entity_rows[record.id] = row
        elif known != row:
            entity_rows[record.id] = min(known, row, key=_preference)
        for alias in {record.name, *record.aliases}:
            alias_rows.append({"entity_id": record.id, "alias": alias, "source": "machine"})
        block = None if record.gazetteer_id else person_name_block(record.match_key)
        if record.type == "person" and block:
            name_rows.append({"block": block, "match_key": record.match_key})
    changed = _update_descriptions(conn, entity_rows)
    insert_ignore(conn, schema.entities, list(entity_rows.values()))
    insert_ignore(conn, schema.aliases, alias_rows)
    insert_ignore(conn, schema.person_names, name_rows)
    return changed


def _update_descriptions(conn: Connection, rows: dict[str, dict]) -> list[str]:
    """Where a stored entity is described differently, keep the preferred description;
    returns the ids changed."""
    entities = schema.entities
    columns = [entities.c.id, *(entities.c[c] for c in _CHOSEN_COLUMNS)]
    changes = []
    ids = sorted(rows)
    for start in range(0, len(ids), _CHUNK):
        batch = ids[start : start + _CHUNK]
        for stored in conn.execute(select(*columns).where(entities.c.id.in_(batch))).mappings():
            incoming = rows[stored["id"]]
            if all(stored[c] == incoming[c] for c in _CHOSEN_COLUMNS):
                continue
            if _preference(incoming) < _preference(dict(stored)):
                changes.append((stored["id"], {c: incoming[c] for c in _CHOSEN_COLUMNS}))
    _set_by_id(conn, entities, changes)
    return [entity_id for entity_id, _ in changes]


def insert_mentions(conn: Connection, document_id: str, mentions: Iterable[Mention]) -> None:
    insert_mentions_of(conn, [(document_id, list(mentions))])


def insert_mentions_of(conn: Connection, groups: Iterable[tuple[str, list[Mention]]]) -> None:
    """Mentions of several documents: (document id, mentions); entities' counts go up."""
    rows = [
        {
            "document_id": document_id,
            "entity_id": m.entity,
            "text": m.text,
            "start": m.start,
            "end": m.end,
            "label": m.label,
            "rule": m.rule,
        }
        for document_id, mentions in groups
        for m in mentions
    ]
    if rows:
        insert_rows(conn, schema.mentions, rows)
        counts = Counter(row["entity_id"] for row in rows)
        conn.execute(
            update(schema.entities)
            .where(schema.entities.c.id == bindparam("key"))
            .values(mentions=schema.entities.c.mentions + bindparam("added")),
            [{"key": entity_id, "added": added} for entity_id, added in counts.items()],
        )


def _evidence_rows(kind: str, owner_id: str, evidence: Iterable[Evidence]) -> list[dict]:
    return [
        {
            "owner_kind": kind,
            "owner_id": owner_id,
            "document_id": e.document,
            "text": e.text,
            "start": e.start,
            "end": e.end,
            "triggers": _triggers_json(e),
        }
        for e in evidence
    ]


def _triggers_json(evidence: Evidence) -> str | None:
    """An event's trigger words as [start, end, arguments], its arguments as [[start, end,
    role], ...] (empty when the parse gave none): the column predates arguments, so a row of
    two numbers is a trigger whose arguments were never read."""
    if not evidence.triggers:
        return None
    rows: list[list[Any]] = []
    for index, (start, end) in enumerate(evidence.triggers):
        arguments = [[a.start, a.end, a.role] for a in evidence.arguments if a.trigger == index]
        rows.append([start, end, arguments])
    return json.dumps(rows)


def _new_ids(conn: Connection, table: Table, ids: list[str]) -> set[str]:
    return set(ids) - _stored_ids(conn, table, ids)


def _period_columns(days: tuple[int, int] | None) -> dict[str, int | None]:
    return {
        "day_first": days[0] if days else None,
        "day_last": days[1] if days else None,
        "length_class": length_class(*days) if days else None,
    }


def event_days(date: str | None, published: str | None) -> dict[str, int | None]:
    """The derived day columns of an event (see schema.events): an undated one at `published`."""
    return _period_columns(day_span(date or published))


def claim_days(
    valid_from: str | None, valid_to: str | None, published: str | None
) -> dict[str, int | None]:
    """The derived day columns of a claim (see schema.claims)."""
    placed = day_span(valid_from or valid_to or published)
    return _period_columns(validity_days(valid_from, valid_to, published)) | {
        "sort_day": placed[0] if placed else None
    }


# Records of one document, with the document's publication date (where undated ones sit).
Group = tuple[str, str | None, list]


def insert_claims(
    conn: Connection,
    document_id: str,
    claims: Iterable[ClaimRecord],
    published: str | None = None,
) -> None:
    """Insert new claims with their evidence; an undated claim is placed at `published`."""
    insert_claims_of(conn, [(document_id, published, list(claims))])


def insert_claims_of(conn: Connection, groups: Iterable[Group]) -> None:
    """New claims of several documents: (document id, published, claims)."""
    groups = list(groups)
    new = _new_ids(conn, schema.claims, [c.id for _, _, claims in groups for c in claims])
    claim_rows, evidence_rows = [], []
    for document_id, published, claims in groups:
        for c in claims:
            if c.id not in new:
                continue
            new.discard(c.id)
            claim_rows.append(
                {
                    "id": c.id,
                    "subject": c.subject,
                    "predicate": c.predicate,
                    "object": c.object,
                    "value": c.value,
                    "valid_from": c.valid_from,
                    "valid_to": c.valid_to,
                    "certainty": c.certainty,
                    "polarity": c.polarity,
                    "attributed_to": c.attributed_to,
                    "rule": c.rule,
                    "document_id": document_id,
                }
                | claim_days(c.valid_from, c.valid_to, published)
            )
            evidence_rows.extend(_evidence_rows("claim", c.id, c.evidence))
    if claim_rows:
        insert_rows(conn, schema.claims, claim_rows)
    if evidence_rows:
        insert_rows(conn, schema.evidence, evidence_rows)


def insert_events(
    conn: Connection,
    document_id: str,
    events: Iterable[EventRecord],
    published: str | None = None,
) -> None:
    """Insert new events; an undated one is placed, for date queries, at `published`."""
    insert_events_of(conn, [(document_id, published, list(events))])


def _counts(event: EventRecord) -> dict[str, int | None]:
    """The wounded, kidnapped and arrested columns of an event row."""
    row: dict[str, int | None] = {}
    for kind in schema.EVENT_COUNTS:
        count = getattr(event, kind)
        for part in ("low", "best", "high"):
            row[f"{kind}_{part}"] = getattr(count, part) if count else None
    return row


def _instruments(event: EventRecord) -> str | None:
    """The instruments column of an event row (JSON), None when the text names none."""
    if not event.instruments:
        return None
    return json.dumps(
        [{"text": i.text, "start": i.start, "end": i.end} for i in event.instruments],
        ensure_ascii=False,
    )


def insert_events_of(conn: Connection, groups: Iterable[Group]) -> None:
    """New events of several documents: (document id, published, events)."""
    groups = list(groups)
    new = _new_ids(conn, schema.events, [e.id for _, _, events in groups for e in events])
    event_rows, participant_rows, evidence_rows = [], [], []
    for document_id, published, events in groups:
        for e in events:
            if e.id not in new:
                continue
            new.discard(e.id)
            fatalities = e.fatalities
            event_rows.append(
                {
                    "id": e.id,
                    "event_type": e.event_type,
                    "sub_event_type": e.sub_event_type,
                    "date": e.date,
                    "date_precision": e.date_precision,
                    "place": e.place,
                    "geo_precision": e.geo_precision,
                    "fatalities_low": fatalities.low if fatalities else None,
                    "fatalities_best": fatalities.best if fatalities else None,
                    "fatalities_high": fatalities.high if fatalities else None,
                    **_counts(e),
                    "instruments": _instruments(e),
                    "certainty": e.certainty,
                    "attributed_to": e.attributed_to,
                    "trigger": e.trigger,
                    "rule": e.rule,
                    "document_id": document_id,
                }
                | event_days(e.date, published)
            )
            seen = set()
            for p in e.participants:
                if (p.entity, p.role) not in seen:
                    seen.add((p.entity, p.role))
                    participant_rows.append(
                        {"event_id": e.id, "entity_id": p.entity, "role": p.role}
                    )
            evidence_rows.extend(_evidence_rows("event", e.id, e.evidence))
    if event_rows:
        insert_rows(conn, schema.events, event_rows)
    if participant_rows:
        insert_rows(conn, schema.event_participants, participant_rows)
    if evidence_rows:
        insert_rows(conn, schema.evidence, evidence_rows)


def set_links(conn: Connection, table, links: Iterable[tuple[str, str, float, str]]) -> None:  # type: ignore[no-untyped-def]
    """Replace the machine links of the given ids: (id, canonical_id, score, method)."""
    links = list(links)
    if not links:
        return
    key = table.c.entity_id if "entity_id" in table.c else table.c.event_id
    conn.execute(delete(table).where(key.in_([link[0] for link in links])))
    insert_rows(
        conn,
        table,
        [{key.name: i, "canonical_id": c, "score": s, "method": m} for i, c, s, m in links],
    )


def delete_links(conn: Connection, table: Table, ids: Iterable[str]) -> None:
    """Take away the links of the given ids."""
    ids = sorted(set(ids))
    key = table.c.entity_id if "entity_id" in table.c else table.c.event_id
    for start in range(0, len(ids), _CHUNK):
        conn.execute(delete(table).where(key.in_(ids[start : start + _CHUNK])))


def replace_disputes(
    conn: Connection,
    disputes: Iterable[tuple[str, str, str, list[str]]],
    *,
    among: Iterable[str] | None = None,
) -> None:
    """Replace the machine-found disputes: (id, subject, reason, claim ids). With `among`
    (claim ids), only the disputes holding one of those claims are replaced; the rest stay."""
    if among is None:
        conn.execute(delete(schema.dispute_claims))
        conn.execute(delete(schema.disputes))
    else:
        _delete_disputes(conn, _disputes_holding(conn, among))
    dispute_rows, member_rows = [], []
    for dispute_id, subject, reason, claim_ids in disputes:
        dispute_rows.append({"id": dispute_id, "subject": subject, "reason": reason})
        member_rows.extend(
            {"dispute_id": dispute_id, "claim_id": c} for c in sorted(set(claim_ids))
        )
    if dispute_rows:
        insert_rows(conn, schema.disputes, dispute_rows)
        insert_rows(conn, schema.dispute_claims, member_rows)


def _disputes_holding(conn: Connection, claim_ids: Iterable[str]) -> set[str]:
    members = schema.dispute_claims
    ids = sorted(set(claim_ids))
    found: set[str] = set()
    for start in range(0, len(ids), _CHUNK):
        found.update(
            conn.execute(
                select(members.c.dispute_id).where(
                    members.c.claim_id.in_(ids[start : start + _CHUNK])
                )
            ).scalars()
        )
    return found


def _delete_disputes(conn: Connection, dispute_ids: set[str]) -> None:
    ids = sorted(dispute_ids)
    for start in range(0, len(ids), _CHUNK):
        batch = ids[start : start + _CHUNK]
        conn.execute(
            delete(schema.dispute_claims).where(schema.dispute_claims.c.dispute_id.in_(batch))
        )
        conn.execute(delete(schema.disputes).where(schema.disputes.c.id.in_(batch)))


def fill_event_days(conn: Connection) -> int:
    """Set the days of events stored without them (before migration 4, or by other tools)."""
    events, documents = schema.events, schema.documents
    rows = conn.execute(
        select(events.c.id, events.c.date, documents.c.published)
        .select_from(events.join(documents, documents.c.id == events.c.document_id))
        .where(events.c.day_first.is_(None))
    )
    changes = [(event_id, event_days(date, published)) for event_id, date, published in rows]
    # An event with neither a date nor a report date has no days to set.
    return _set_by_id(conn, events, [c for c in changes if c[1]["day_first"] is not None])


def fill_claim_days(conn: Connection) -> int:
    """Set the day columns of every claim (migration 7, or rows written by other tools)."""
    claims, documents = schema.claims, schema.documents
    rows = conn.execute(
        select(claims.c.id, claims.c.valid_from, claims.c.valid_to, documents.c.published)
        .select_from(claims.join(documents, documents.c.id == claims.c.document_id))
        .where(claims.c.day_first.is_(None))
    )
    return _set_by_id(
        conn,
        claims,
        [(claim_id, claim_days(start, end, published)) for claim_id, start, end, published in rows],
    )


def _set_by_id(conn: Connection, table: Table, changes: list[tuple[str, dict]]) -> int:
    """Set columns of rows by id: (id, {column: value}), every change the same columns."""
    if not changes:
        return 0
    columns = list(changes[0][1])
    # Bound names differ from the column names, which SQLAlchemy reserves in an UPDATE.
    statement = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
    )
    values = [{"row_id": i} | {f"new_{c}": v[c] for c in columns} for i, v in changes]
    for start in range(0, len(values), 5000):
        conn.execute(statement, values[start : start + 5000])
    return len(values)


def fill_mention_counts(conn: Connection) -> None:
    """Recount every entity's mentions (after migration 4, or rows written by other tools)."""
    mentions = schema.mentions
    conn.execute(
        update(schema.entities).values(
            mentions=select(func.count())
            .where(mentions.c.entity_id == schema.entities.c.id)
            .scalar_subquery()
        )
    )


def fill_person_names(conn: Connection) -> None:
    """File every stored full name of a person outside the gazetteer by its block (migration 8)."""
    entities = schema.entities
    keys = conn.execute(
        select(entities.c.match_key)
        .where(entities.c.type == "person", entities.c.gazetteer_id.is_(None))
        .distinct()
    ).scalars()
    rows = [{"block": block, "match_key": key} for key in keys if (block := person_name_block(key))]
    for start in range(0, len(rows), 5000):
        insert_ignore(conn, schema.person_names, rows[start : start + 5000])


_DERIVED = "derived_data"


def mark_derived(conn: Connection, *, stale: bool) -> None:
    """Record whether what depends on more than one document (same-event links, inferred ends,
    disputes) lags behind the records: a write makes it stale, the batch's own derived update
    (in the same transaction) or a full refresh fresh again. Left stale (by a migration, or a
    writer that does not update it), the next ingest recomputes it whole."""
    conn.execute(delete(schema.meta).where(schema.meta.c.key == _DERIVED))
    if stale:
        conn.execute(schema.meta.insert().values(key=_DERIVED, value="stale"))


def derived_is_stale(conn: Connection) -> bool:
    found = conn.execute(select(schema.meta.c.value).where(schema.meta.c.key == _DERIVED)).first()
    return found is not None
