"""Actor profiles: who an entity is, what is claimed about it, and the sentences behind it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, or_, select

from factions.partial_date import day_span
from factions.query.common import (
    CERTAINTY_RANK,
    Canon,
    Ended,
    Evidence,
    ends_for,
    evidence_for,
    strongest,
)
from factions.query.labels import event_labels, is_event_predicate, speaker_or_outlet
from factions.query.lookup import NoSuchEntity, find_entity
from factions.store import schema
from factions.vocabulary import vocabulary

__all__ = ["NoSuchEntity", "Profile", "RelationLine", "actor_profile", "find_entity_id"]


@dataclass
class ClaimLine:
    id: str
    predicate: str
    direction: str
    other: str | None
    other_name: str | None
    value: str | None
    valid_from: str | None
    valid_to: str | None
    certainty: str
    polarity: bool
    speaker: str | None
    evidence: list[Evidence] = field(default_factory=list)
    # Where later contrary evidence ends it (inferred; resolve/changes.py), with that evidence.
    ended: Ended | None = None


@dataclass
class EventLine:
    id: str
    event_type: str
    sub_event_type: str
    date: str | None
    place: str | None
    role: str
    certainty: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class RelationLine:
    """One relation with one counterpart, every claim of it together: a line of a profile.

    A symmetric relation stated both ways ("X ally of Y", "Y ally of X") is one line
    (direction 'both'); a sentence behind several of its claims counts once.
    """

    predicate: str
    family: str
    label: str  # read from the profiled entity's side: 'ally of', 'led by', 'leader'
    direction: str  # out, in or both
    other: str | None  # the counterpart's entity id (None for an event or a literal value)
    other_name: str | None  # the counterpart, the event in words, or the value
    other_kind: str  # entity, event or value
    polarity: bool
    certainty: str  # the strongest grade among its claims
    grades: dict[str, int]  # claims per grade, strongest first
    claims: list[str]
    sentences: int
    sources: int  # documents
    outlets: list[str]
    speakers: list[str]
    first: str | None  # the earliest date a claim states (or its report's date)
    last: str | None  # the latest
    first_day: str | None  # ISO days bounding first and last, for a time bar
    last_day: str | None
    evidence: list[Evidence] = field(default_factory=list)
    # Where later contrary evidence ends the relation (inferred; resolve/changes.py): set when
    # every open-ended claim of the line is ended, with the latest such end and its evidence.
    ended: Ended | None = None


@dataclass
class Profile:
    id: str
    name: str
    type: str
    aliases: list[str]
    members: list[str]
    mentions: int
    documents: int
    first_seen: str | None
    last_seen: str | None
    claims: list[ClaimLine]
    events: list[EventLine]
    roles: list[RelationLine] = field(default_factory=list)
    relations: list[RelationLine] = field(default_factory=list)


def find_entity_id(conn: Connection, name: str) -> str:
    """The canonical id of the entity a name (or id) refers to; raises NoSuchEntity."""
    return find_entity(conn, name)


def _event_of(predicate: str, obj: str | None, value: str | None) -> str | None:
    """The event an event predicate's claim names (its object or its value), else None."""
    return (obj or value) if is_event_predicate(predicate) else None


def _known_name(canon: Canon, entity_id: str | None) -> str | None:
    """The entity's name, or None when the id is not a stored entity."""
    return canon.name(entity_id) if entity_id and canon.row(entity_id) else None


def actor_profile(conn: Connection, name: str) -> Profile:
    """Everything the knowledge base holds about one entity, with its evidence."""
    canon = Canon(conn)
    entity_id = find_entity(conn, name, canon=canon)
    members = canon.members(entity_id)
    entity = conn.execute(select(schema.entities).where(schema.entities.c.id == entity_id)).one()
    aliases = sorted(
        {
            a
            for (a,) in conn.execute(
                select(schema.aliases.c.alias).where(schema.aliases.c.entity_id.in_(members))
            )
        }
        - {entity.name}
    )
    mention_stats = conn.execute(
        select(
            func.count(schema.mentions.c.id),
            func.count(func.distinct(schema.mentions.c.document_id)),
            func.min(schema.documents.c.published),
            func.max(schema.documents.c.published),
        )
        .select_from(
            schema.mentions.join(
                schema.documents, schema.documents.c.id == schema.mentions.c.document_id
            )
        )
        .where(schema.mentions.c.entity_id.in_(members))
    ).one()
    claim_rows = (
        conn.execute(
            select(schema.claims)
            .where(or_(schema.claims.c.subject.in_(members), schema.claims.c.object.in_(members)))
            .order_by(schema.claims.c.predicate, schema.claims.c.valid_from)
        )
        .mappings()
        .all()
    )
    # Analysts' judgements: a rejected claim is not part of the profile; a corrected one shows
    # the correction.
    judged = canon.linker.overlay
    claim_rows = [
        {**c, **{k: v.value for k, v in judged.corrections.get(c["id"], {}).items()}}
        for c in claim_rows
        if c["id"] not in judged.rejected
    ]
    claim_evidence = evidence_for(conn, "claim", [c["id"] for c in claim_rows])
    ends = ends_for(conn, [c["id"] for c in claim_rows])
    # An event's claims ("carried out", "claimed responsibility for") name an event, not an
    # entity: said in words.
    events_named = event_labels(
        conn, (_event_of(c["predicate"], c["object"], c["value"]) for c in claim_rows), canon
    )
    canon.prefetch(
        canon.of(i) for c in claim_rows for i in (c["subject"], c["object"], c["attributed_to"])
    )
    claims = []
    for c in claim_rows:
        outgoing = c["subject"] in members
        other = c["object"] if outgoing else c["subject"]
        event_name = events_named.get(_event_of(c["predicate"], c["object"], c["value"]) or "")
        other = None if event_name and other == c["object"] else canon.of(other)
        speaker = canon.of(c["attributed_to"])
        evidence = claim_evidence[c["id"]]
        claims.append(
            ClaimLine(
                id=c["id"],
                predicate=c["predicate"],
                direction="out" if outgoing else "in",
                other=other,
                other_name=event_name or _known_name(canon, other),
                value=c["value"],
                valid_from=c["valid_from"],
                valid_to=c["valid_to"],
                certainty=c["certainty"],
                polarity=bool(c["polarity"]),
                speaker=speaker_or_outlet(
                    _known_name(canon, speaker), (e.outlet for e in evidence)
                ),
                evidence=evidence,
                ended=ends.get(c["id"]),
            )
        )
    event_rows = (
        conn.execute(
            select(schema.events, schema.event_participants.c.role)
            .select_from(
                schema.events.join(
                    schema.event_participants,
                    schema.event_participants.c.event_id == schema.events.c.id,
                )
            )
            .where(schema.event_participants.c.entity_id.in_(members))
            .order_by(schema.events.c.date)
        )
        .mappings()
        .all()
    )
    event_rows = [
        {**e, **{k: v.value for k, v in judged.corrections.get(e["id"], {}).items()}}
        for e in event_rows
        if e["id"] not in judged.rejected
    ]
    event_evidence = evidence_for(conn, "event", [e["id"] for e in event_rows])
    events = [
        EventLine(
            id=e["id"],
            event_type=e["event_type"],
            sub_event_type=e["sub_event_type"],
            date=e["date"],
            place=_known_name(canon, canon.of(e["place"])),
            role=e["role"],
            certainty=e["certainty"],
            evidence=event_evidence[e["id"]],
        )
        for e in event_rows
    ]
    roles = vocabulary().roles
    return Profile(
        id=entity_id,
        name=canon.name(entity_id) or entity.name,
        type=canon.type(entity_id) or entity.type,
        aliases=aliases,
        members=members,
        mentions=mention_stats[0],
        documents=mention_stats[1],
        first_seen=mention_stats[2],
        last_seen=mention_stats[3],
        claims=claims,
        events=events,
        roles=relation_lines((c for c in claims if c.predicate in roles), events_named),
        relations=relation_lines((c for c in claims if c.predicate not in roles), events_named),
    )


# --- one line per relation and counterpart ---------------------------------------------------


def _days(value: str | None) -> tuple[int, int] | None:
    try:
        return day_span(value)
    except ValueError:
        return None


def _claim_period(claim: ClaimLine) -> tuple[tuple[int, str], tuple[int, str]] | None:
    """((first day, date), (last day, date)) a claim speaks of: its stated period, a missing
    end being the day it was reported (it held then), a claim with no dates its report's."""
    reported = min((e.published for e in claim.evidence if e.published), default=None)
    start = claim.valid_from or claim.valid_to or reported
    end = claim.valid_to or reported or start
    start_days, end_days = _days(start), _days(end)
    if start_days is None or end_days is None or start is None or end is None:
        return None
    if end_days[1] < start_days[0]:
        end, end_days = start, start_days
    return (start_days[0], start), (end_days[1], end)


def _line_label(predicate: str, direction: str) -> str:
    """How the line reads from the profiled entity's side."""
    words = vocabulary()
    found = words.predicate(predicate)
    if found is not None and found.kind == "role" and direction == "in":
        # An organisation's leader, founder or spokesperson: the post itself.
        return words.post_of(predicate)
    return words.label_of(predicate, inverse=direction == "in")


def relation_lines(claims: Iterable[ClaimLine], events_named: dict[str, str]) -> list[RelationLine]:
    """The claims as one line per (relation, direction, counterpart, polarity); a symmetric
    relation's two directions are one line. Ordered by family (as the vocabulary lists them),
    then by how many sentences stand behind each line."""
    words = vocabulary()
    groups: dict[tuple[str, str, str, str, bool], list[ClaimLine]] = {}
    for claim in claims:
        found = words.predicate(claim.predicate)
        direction = "both" if found is not None and found.symmetric else claim.direction
        event = _event_of(claim.predicate, claim.other, claim.value)
        if event and event in events_named:
            kind, key = "event", event
        elif claim.other:
            kind, key = "entity", claim.other
        else:
            kind, key = "value", (claim.value or "").casefold()
        groups.setdefault((claim.predicate, direction, kind, key, claim.polarity), []).append(claim)
    families = list(words.families)
    lines = []
    for (predicate, direction, kind, _key, polarity), members in groups.items():
        sentences: dict[tuple[str, int, int], Evidence] = {}
        for claim in members:
            for item in claim.evidence:
                sentences.setdefault((item.document, item.start, item.end), item)
        evidence = sorted(
            sentences.values(), key=lambda e: (e.published or "9999", e.document, e.start)
        )
        periods = [p for p in (_claim_period(c) for c in members) if p]
        first = min((p[0] for p in periods), default=None)
        last = max((p[1] for p in periods), default=None)
        grades: dict[str, int] = {}
        for claim in sorted(members, key=lambda c: CERTAINTY_RANK.get(c.certainty, 99)):
            grades[claim.certainty] = grades.get(claim.certainty, 0) + 1
        sample = members[0]
        found = words.predicate(predicate)
        open_ended = [c for c in members if c.valid_to is None]
        ends = [c.ended for c in open_ended if c.ended is not None]
        ended = (
            max(ends, key=lambda e: e.ended_on or "")
            if open_ended and len(ends) == len(open_ended)
            else None
        )
        lines.append(
            RelationLine(
                predicate=predicate,
                family=found.family if found else "attribute",
                label=_line_label(predicate, "out" if direction == "both" else direction),
                direction=direction,
                other=sample.other if kind == "entity" else None,
                other_name=sample.value if kind == "value" else sample.other_name,
                other_kind=kind,
                polarity=polarity,
                certainty=strongest(c.certainty for c in members),
                grades=grades,
                claims=[c.id for c in members],
                sentences=len(evidence) or len(members),
                sources=len({e.document for e in evidence}),
                outlets=sorted({e.outlet for e in evidence if e.outlet}),
                speakers=sorted({c.speaker for c in members if c.speaker}),
                first=first[1] if first else None,
                last=last[1] if last else None,
                first_day=dt.date.fromordinal(first[0]).isoformat() if first else None,
                last_day=dt.date.fromordinal(last[0]).isoformat() if last else None,
                evidence=evidence,
                ended=ended,
            )
        )
    return sorted(
        lines,
        key=lambda line: (
            families.index(line.family) if line.family in families else len(families),
            not line.polarity,
            -line.sentences,
            line.label,
            (line.other_name or "").casefold(),
        ),
    )
