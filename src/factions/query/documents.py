"""The document reader: one cleaned article, the mentions in it, and what was drawn from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, func, select

from factions.query.common import (
    Canon,
    instrument_words,
    other_counts,
    stored_triggers,
    strongest,
)
from factions.query.labels import event_labels, is_event_predicate, speaker_or_outlet
from factions.store import schema
from factions.vocabulary import vocabulary


class NoSuchDocument(LookupError):
    """No stored document has this id."""


@dataclass
class MentionSpan:
    start: int
    end: int
    text: str
    entity: str
    entity_name: str
    entity_type: str


@dataclass
class Argument:
    """A word an event's trigger governs in its sentence, with its role (actor, target, ...)."""

    start: int
    end: int
    text: str
    role: str


@dataclass
class Trigger:
    """The word that tells of an event in one sentence, and the arguments read for it."""

    start: int
    end: int
    text: str
    arguments: list[Argument] = field(default_factory=list)


@dataclass
class Span:
    start: int
    end: int
    text: str
    triggers: list[Trigger] = field(default_factory=list)


@dataclass
class DocumentClaim:
    id: str
    subject: str
    subject_name: str
    predicate: str
    object: str | None
    object_name: str | None
    value: str | None
    valid_from: str | None
    valid_to: str | None
    certainty: str
    polarity: bool
    speaker: str | None
    evidence: list[Span] = field(default_factory=list)


@dataclass
class DocumentClaimLine:
    """The claims of one document that say the same thing (a symmetric relation's two
    directions, or one relation stated in several sentences), as one line of the reader."""

    ids: list[str]
    subject: str
    subject_name: str
    predicate: str
    label: str
    object: str | None
    object_name: str | None
    value: str | None
    valid_from: str | None
    valid_to: str | None
    certainty: str
    polarity: bool
    speakers: list[str]
    evidence: list[Span] = field(default_factory=list)


@dataclass
class EventActor:
    id: str
    name: str
    type: str
    role: str


@dataclass
class DocumentEvent:
    id: str
    event_type: str
    sub_event_type: str
    date: str | None
    place: str | None
    place_name: str | None
    certainty: str
    fatalities: int | None
    evidence: list[Span] = field(default_factory=list)
    participants: list[EventActor] = field(default_factory=list)
    # The best figure of each other count the text gives (wounded, kidnapped, arrested).
    counts: dict[str, int] = field(default_factory=dict)
    # What the event was done with, as the text words it ("a car bomb").
    instruments: list[str] = field(default_factory=list)


@dataclass
class Segment:
    """A run of text with no mention or evidence boundary inside it."""

    start: int
    end: int
    text: str
    mention: MentionSpan | None = None


@dataclass
class DocumentView:
    id: str
    title: str | None
    url: str | None
    outlet: str | None
    author: str | None
    published: str | None
    text: str
    mentions: list[MentionSpan]
    claims: list[DocumentClaim]
    events: list[DocumentEvent]
    claim_lines: list[DocumentClaimLine] = field(default_factory=list)


def _document_entities(
    conn: Connection, document_id: str
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(machine id -> canonical id, canonical id -> (name, type)) for the entities this
    document mentions or its claims and events name: never the whole table."""
    ids: set[str] = set()
    for statement in (
        select(schema.mentions.c.entity_id).where(schema.mentions.c.document_id == document_id),
        select(
            schema.claims.c.subject, schema.claims.c.object, schema.claims.c.attributed_to
        ).where(schema.claims.c.document_id == document_id),
        select(schema.events.c.place, schema.events.c.attributed_to).where(
            schema.events.c.document_id == document_id
        ),
        select(schema.event_participants.c.entity_id).where(
            schema.event_participants.c.event_id.in_(
                select(schema.events.c.id).where(schema.events.c.document_id == document_id)
            )
        ),
    ):
        ids.update(i for row in conn.execute(statement) for i in row if i)
    canon = Canon(conn)
    canonical = canon.many(ids)
    canon.prefetch(canonical.values())
    names = {
        i: (canon.name(i) or i, canon.type(i) or "unknown")
        for i in set(canonical.values())
        if canon.row(i)
    }
    return canonical, names


def _evidence_in(conn: Connection, document_id: str, kind: str) -> dict[str, list[Span]]:
    found: dict[str, list[Span]] = {}
    # Filtered on kind here: given both, SQLite may walk the (owner_kind, owner_id) index,
    # i.e. every claim's evidence, instead of this document's rows.
    rows = conn.execute(
        select(
            schema.evidence.c.owner_kind,
            schema.evidence.c.owner_id,
            schema.evidence.c.start,
            schema.evidence.c.end,
            schema.evidence.c.text,
            schema.evidence.c.triggers,
        )
        .where(schema.evidence.c.document_id == document_id)
        .order_by(schema.evidence.c.start)
    )
    for owner_kind, owner, start, end, text, triggers in rows:
        if owner_kind == kind:
            span = Span(start, end, text, _triggers(triggers, text, start))
            found.setdefault(owner, []).append(span)
    return found


def _triggers(stored: str | None, sentence: str, offset: int) -> list[Trigger]:
    """The triggers stored with a sentence ([start, end, [[start, end, role], ...]] in
    document offsets), their words cut from the sentence itself."""
    if not stored:
        return []

    def words(start: int, end: int) -> str:
        return sentence[start - offset : end - offset]

    return [
        Trigger(
            start,
            end,
            words(start, end),
            [Argument(a, b, words(a, b), r) for a, b, r in args or []],
        )
        for start, end, args in stored_triggers(stored)
    ]


def _mentions(
    conn: Connection,
    document_id: str,
    canonical: dict[str, str],
    names: dict[str, tuple[str, str]],
) -> list[MentionSpan]:
    rows = conn.execute(
        select(
            schema.mentions.c.start,
            schema.mentions.c.end,
            schema.mentions.c.text,
            schema.mentions.c.entity_id,
        )
        .where(schema.mentions.c.document_id == document_id)
        .order_by(schema.mentions.c.start, schema.mentions.c.end.desc())
    )
    spans = []
    for start, end, text, entity_id in rows:
        entity = canonical.get(entity_id, entity_id)
        name, type_ = names.get(entity, (text, "unknown"))
        spans.append(MentionSpan(start, end, text, entity, name, type_))
    return spans


def _claims(
    conn: Connection,
    document_id: str,
    canonical: dict[str, str],
    names: dict[str, tuple[str, str]],
) -> list[DocumentClaim]:
    evidence = _evidence_in(conn, document_id, "claim")
    if not evidence:
        return []
    rows = conn.execute(select(schema.claims).where(schema.claims.c.id.in_(list(evidence))))

    def name_of(entity_id: str | None) -> str | None:
        return names.get(entity_id, (entity_id, ""))[0] if entity_id else None

    rows = list(rows.mappings())
    outlet = conn.execute(
        select(schema.documents.c.outlet).where(schema.documents.c.id == document_id)
    ).scalar()
    # An event's claim names the event (by id, in its object or value): said in words.
    events_named = event_labels(
        conn,
        (c["object"] or c["value"] for c in rows if is_event_predicate(c["predicate"])),
    )
    claims = []
    for c in rows:
        subject = canonical.get(c["subject"], c["subject"])
        event_name = (
            events_named.get(c["object"] or c["value"])
            if is_event_predicate(c["predicate"])
            else None
        )
        obj = canonical.get(c["object"], c["object"]) if c["object"] and not event_name else None
        speaker = canonical.get(c["attributed_to"], c["attributed_to"])
        claims.append(
            DocumentClaim(
                id=c["id"],
                subject=subject,
                subject_name=name_of(subject) or subject,
                predicate=c["predicate"],
                object=obj,
                object_name=event_name or name_of(obj),
                value=c["value"],
                valid_from=c["valid_from"],
                valid_to=c["valid_to"],
                certainty=c["certainty"],
                polarity=bool(c["polarity"]),
                speaker=speaker_or_outlet(name_of(speaker), [outlet]),
                evidence=evidence[c["id"]],
            )
        )
    return sorted(claims, key=lambda claim: (claim.evidence[0].start, claim.predicate))


def claim_lines(claims: list[DocumentClaim]) -> list[DocumentClaimLine]:
    """The claims as one line per (subject, relation, object, polarity), a symmetric
    relation's two directions together, each sentence once; in the order of the text."""
    words = vocabulary()
    groups: dict[tuple[str, ...], list[DocumentClaim]] = {}
    for claim in claims:
        found = words.predicate(claim.predicate)
        subject, other = claim.subject, claim.object or claim.object_name or claim.value or ""
        if found is not None and found.symmetric and claim.object and other < subject:
            subject, other = other, subject
        key = (subject, claim.predicate, other, str(claim.polarity))
        groups.setdefault(key, []).append(claim)
    lines = []
    for members in groups.values():
        first = members[0]
        spans = {(s.start, s.end): s for claim in members for s in claim.evidence}
        lines.append(
            DocumentClaimLine(
                ids=[c.id for c in members],
                subject=first.subject,
                subject_name=first.subject_name,
                predicate=first.predicate,
                label=words.label_of(first.predicate),
                object=first.object,
                object_name=first.object_name,
                value=None if first.object_name else first.value,
                valid_from=min((c.valid_from for c in members if c.valid_from), default=None),
                valid_to=max((c.valid_to for c in members if c.valid_to), default=None),
                certainty=strongest(c.certainty for c in members),
                polarity=first.polarity,
                speakers=sorted({c.speaker for c in members if c.speaker}),
                evidence=[spans[k] for k in sorted(spans)],
            )
        )
    return sorted(lines, key=lambda line: line.evidence[0].start if line.evidence else 0)


def _events(
    conn: Connection,
    document_id: str,
    canonical: dict[str, str],
    names: dict[str, tuple[str, str]],
) -> list[DocumentEvent]:
    evidence = _evidence_in(conn, document_id, "event")
    if not evidence:
        return []
    rows = conn.execute(select(schema.events).where(schema.events.c.id.in_(list(evidence))))
    participants = _participants(conn, list(evidence), canonical, names)
    events = []
    for e in rows.mappings():
        place = canonical.get(e["place"], e["place"]) if e["place"] else None
        events.append(
            DocumentEvent(
                id=e["id"],
                event_type=e["event_type"],
                sub_event_type=e["sub_event_type"],
                date=e["date"],
                place=place,
                place_name=names.get(place, (None, ""))[0] if place else None,
                certainty=e["certainty"],
                fatalities=e["fatalities_best"],
                evidence=evidence[e["id"]],
                participants=participants.get(e["id"], []),
                counts=other_counts(e),
                instruments=instrument_words(e["instruments"]),
            )
        )
    return sorted(events, key=lambda event: event.evidence[0].start)


def _participants(
    conn: Connection,
    event_ids: list[str],
    canonical: dict[str, str],
    names: dict[str, tuple[str, str]],
) -> dict[str, list[EventActor]]:
    rows = conn.execute(
        select(
            schema.event_participants.c.event_id,
            schema.event_participants.c.entity_id,
            schema.event_participants.c.role,
        )
        .where(schema.event_participants.c.event_id.in_(event_ids))
        .order_by(schema.event_participants.c.role, schema.event_participants.c.entity_id)
    )
    found: dict[str, list[EventActor]] = {}
    for event_id, entity_id, role in rows:
        entity = canonical.get(entity_id, entity_id)
        name, type_ = names.get(entity, (entity, "unknown"))
        actor = EventActor(entity, name, type_, role)
        if actor not in found.setdefault(event_id, []):
            found[event_id].append(actor)
    return found


def document_view(conn: Connection, document_id: str) -> DocumentView:
    """A document with its mentions (canonical entities), claims and events; NoSuchDocument."""
    doc = conn.execute(select(schema.documents).where(schema.documents.c.id == document_id)).first()
    if doc is None:
        raise NoSuchDocument(f"no document has id '{document_id}'")
    canonical, names = _document_entities(conn, document_id)
    claims = _claims(conn, document_id, canonical, names)
    return DocumentView(
        id=doc.id,
        title=doc.title,
        url=doc.url,
        outlet=doc.outlet,
        author=doc.author,
        published=doc.published,
        text=doc.text,
        mentions=_mentions(conn, document_id, canonical, names),
        claims=claims,
        events=_events(conn, document_id, canonical, names),
        claim_lines=claim_lines(claims),
    )


def _non_overlapping(mentions: list[MentionSpan], length: int) -> list[MentionSpan]:
    # Nested or crossing mentions cannot both be drawn as one highlight; keep the first, longest.
    kept: list[MentionSpan] = []
    reach = 0
    for mention in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if mention.start >= reach and 0 <= mention.start < mention.end <= length:
            kept.append(mention)
            reach = mention.end
    return kept


def document_segments(view: DocumentView) -> list[Segment]:
    """The text cut at every mention and evidence boundary, so any evidence span is whole runs."""
    text = view.text
    mentions = _non_overlapping(view.mentions, len(text))
    cuts = {0, len(text)}
    for mention in mentions:
        cuts.update((mention.start, mention.end))
    for item in [*view.claims, *view.events]:
        for span in item.evidence:
            cuts.update(c for c in (span.start, span.end) if 0 <= c <= len(text))
    by_start = {mention.start: mention for mention in mentions}
    ordered = sorted(cuts)
    segments: list[Segment] = []
    active: MentionSpan | None = None
    for start, end in pairwise(ordered):
        if start in by_start:
            active = by_start[start]
        if active is not None and start >= active.end:
            active = None
        segments.append(Segment(start, end, text[start:end], active))
    return segments


def knowledge_base_dates(conn: Connection) -> tuple[str | None, str | None]:
    """The earliest and latest publication dates: one MIN/MAX, for the time slider's range."""
    first, last = conn.execute(
        select(func.min(schema.documents.c.published), func.max(schema.documents.c.published))
    ).one()
    return first, last


# How much of a document's opening the reading list shows.
OPENING_CHARS = 140


def opening(text: str | None, limit: int = OPENING_CHARS) -> str:
    """The first line of a text, cut at a word near `limit` characters."""
    line = " ".join((text or "").strip().split("\n", 1)[0].split())
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def latest_documents(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """The most recently published documents (undated last), for the overview's reading list,
    each with the opening of its text (documents often share a title: a column's name)."""
    published = schema.documents.c.published
    rows = conn.execute(
        select(
            schema.documents.c.id,
            schema.documents.c.title,
            schema.documents.c.outlet,
            published,
            func.substr(schema.documents.c.text, 1, OPENING_CHARS * 2).label("opening"),
        )
        .order_by(published.is_(None), published.desc(), schema.documents.c.id)
        .limit(limit)
    ).mappings()
    return [{**row, "opening": opening(row["opening"])} for row in rows]
