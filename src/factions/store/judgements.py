"""Analysts' judgements, read back as one overlay over the machine's records.

A judgement is a row of `judgements` (never changed once written; undo is a judgement too).
`overlay(conn)` reads them all, in the order they were made, and says what they mean now:
entity-link overrides for the linker (merge, split, never-merge), rejected and accepted records,
corrected fields, names, types and aliases, closed disputes; and what could not be applied: the
*orphans* (a target that no longer exists, by id or by its evidence span) and the *conflicts*
(two analysts deciding the same thing differently; the later one applies).

A target is found by its id first, then by its evidence span (document, offsets and a hint: the
predicate or event type), so a judgement survives a re-extraction that gives its record a new id.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, and_, select

from factions.packaged import read_toml
from factions.store import schema
from factions.store.dialect import has_table, insert_rows

TARGET_KINDS = ("entity", "claim", "event", "dispute", "judgement")


@lru_cache(maxsize=1)
def judgement_vocabulary() -> dict[str, Any]:
    """The kinds of judgement and the correctable fields (data/judgements.toml)."""
    return read_toml("judgements.toml")


def judgement_kinds() -> tuple[str, ...]:
    return tuple(judgement_vocabulary()["kinds"])


def correctable_fields(record_kind: str) -> tuple[str, ...]:
    return tuple(judgement_vocabulary()["fields"].get(record_kind, ()))


@dataclass(frozen=True)
class Judgement:
    uid: str
    kind: str
    target_kind: str
    target_id: str
    why: str
    author: str
    created_at: str
    other_id: str | None = None
    value: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        """The judgement as a table row."""
        return {
            "uid": self.uid,
            "kind": self.kind,
            "target_kind": self.target_kind,
            "target_id": self.target_id,
            "other_id": self.other_id,
            "value": json.dumps(self.value, sort_keys=True) if self.value else None,
            "evidence": json.dumps(self.evidence, sort_keys=True) if self.evidence else None,
            "why": self.why,
            "author": self.author,
            "created_at": self.created_at,
        }

    @property
    def order(self) -> tuple[str, str]:
        return (self.created_at, self.uid)


@dataclass(frozen=True)
class Correction:
    """A field as an analyst corrected it, with who, when and why."""

    field: str
    value: Any
    author: str
    created_at: str
    why: str
    judgement: str


@dataclass(frozen=True)
class Conflict:
    """Two analysts decided the same thing differently: `later` applies."""

    earlier: Judgement
    later: Judgement
    about: str


@dataclass
class Overlay:
    # Entity id -> its analyst link (None: its machine link no longer counts).
    links: dict[str, str | None] = field(default_factory=dict)
    rejected: dict[str, Judgement] = field(default_factory=dict)
    accepted: dict[str, Judgement] = field(default_factory=dict)
    # Record id -> field -> the correction.
    corrections: dict[str, dict[str, Correction]] = field(default_factory=dict)
    # Entity id (the target as judged; `named` follows it to its canonical id) -> corrections.
    entity_fields: dict[str, dict[str, Correction]] = field(default_factory=dict)
    aliases_added: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    aliases_removed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    closed: dict[str, Judgement] = field(default_factory=dict)
    # uid -> the id its target has now (entity, claim, event, dispute or judgement uid).
    targets: dict[str, str] = field(default_factory=dict)
    orphans: list[tuple[Judgement, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    undone: set[str] = field(default_factory=set)
    judgements: list[Judgement] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.judgements

    def is_rejected(self, record_id: str) -> bool:
        return record_id in self.rejected


EMPTY = Overlay()


def judgement_from_row(row: Any) -> Judgement:
    return Judgement(
        uid=row.uid,
        kind=row.kind,
        target_kind=row.target_kind,
        target_id=row.target_id,
        other_id=row.other_id,
        value=json.loads(row.value) if row.value else {},
        evidence=json.loads(row.evidence) if row.evidence else {},
        why=row.why,
        author=row.author,
        created_at=row.created_at,
    )


def stored_judgements(conn: Connection) -> list[Judgement]:
    """Every judgement, in the order they were made."""
    if not has_table(conn, "judgements"):
        return []
    rows = conn.execute(select(schema.judgements).order_by(schema.judgements.c.created_at))
    return sorted((judgement_from_row(r) for r in rows), key=lambda j: j.order)


def add_judgements(conn: Connection, judgements: list[Judgement]) -> int:
    """Store judgements not stored yet (by uid); returns how many were new."""
    known = set(conn.execute(select(schema.judgements.c.uid)).scalars())
    new = [j.row() for j in judgements if j.uid not in known]
    if new:
        insert_rows(conn, schema.judgements, new)
    return len(new)


# --- finding a target ------------------------------------------------------------------------


def _exists(conn: Connection, kind: str, target_id: str) -> bool:
    table = {
        "entity": schema.entities,
        "claim": schema.claims,
        "event": schema.events,
        "dispute": schema.disputes,
    }[kind]
    return conn.execute(select(table.c.id).where(table.c.id == target_id)).first() is not None


def _entity_at(conn: Connection, span: dict[str, Any]) -> str | None:
    m = schema.mentions
    rows = conn.execute(
        select(m.c.entity_id, m.c.start, m.c.end, m.c.text)
        .where(m.c.document_id == span["document"])
        .where(m.c.start < span["end"], m.c.end > span["start"])
        .order_by(m.c.id)
    ).all()
    # The mention at the very same place first, then one of the same words overlapping it.
    for r in rows:
        if (r.start, r.end) == (span["start"], span["end"]):
            return r.entity_id
    for r in rows:
        if r.text == span.get("text"):
            return r.entity_id
    return None


def _record_at(conn: Connection, kind: str, span: dict[str, Any]) -> str | None:
    e = schema.evidence
    table = schema.claims if kind == "claim" else schema.events
    hint_column = table.c.predicate if kind == "claim" else table.c.event_type
    rows = conn.execute(
        select(e.c.owner_id, hint_column.label("hint"))
        .select_from(e.join(table, and_(table.c.id == e.c.owner_id)))
        .where(e.c.owner_kind == kind, e.c.document_id == span["document"])
        .where(e.c.start < span["end"], e.c.end > span["start"])
        .order_by(e.c.id)
    ).all()
    # A record of the same predicate (event type) first: a sentence may hold several.
    for r in rows:
        if r.hint == span.get("hint"):
            return r.owner_id
    return rows[0].owner_id if rows else None


def _dispute_of_claims(conn: Connection, claims: list[str]) -> str | None:
    if not claims:
        return None
    dc = schema.dispute_claims
    found: dict[str, int] = defaultdict(int)
    for dispute_id, _ in conn.execute(
        select(dc.c.dispute_id, dc.c.claim_id).where(dc.c.claim_id.in_(claims))
    ):
        found[dispute_id] += 1
    return max(sorted(found), key=lambda d: found[d]) if found else None


def locate(conn: Connection, kind: str, target_id: str, span: dict[str, Any] | None) -> str | None:
    """The id the target has now: its own id while it exists, else the record at its evidence
    span (a re-extraction may have changed the id), else None."""
    if kind == "judgement":
        return target_id
    if _exists(conn, kind, target_id):
        return target_id
    if not span:
        return None
    if kind == "entity" and span.get("document"):
        return _entity_at(conn, span)
    if kind in ("claim", "event") and span.get("document"):
        return _record_at(conn, kind, span)
    if kind == "dispute":
        claims = [
            c for c in (locate(conn, "claim", s["id"], s) for s in span.get("claims", [])) if c
        ]
        return _dispute_of_claims(conn, claims)
    return None


# --- what they mean now ----------------------------------------------------------------------


def _undone(judgements: list[Judgement]) -> set[str]:
    """The uids undone by an undo that is itself in force (undoing an undo restores)."""
    undos = defaultdict(list)
    for j in judgements:
        if j.kind == "undo":
            undos[j.target_id].append(j.uid)
    memo: dict[str, bool] = {}

    def in_force(uid: str, depth: int = 0) -> bool:
        if uid not in memo:
            memo[uid] = depth > 50 or not any(in_force(u, depth + 1) for u in undos.get(uid, []))
        return memo[uid]

    return {j.uid for j in judgements if not in_force(j.uid)}


# What two judgements decide the same question about (None: not comparable).
def _question(j: Judgement, target: str, other: str | None) -> tuple[str, ...] | None:
    if j.kind in ("accept", "reject"):
        return ("verdict", target)
    if j.kind == "correct":
        return ("correct", target, str(j.value.get("field")))
    if j.kind in ("rename", "retype", "close-dispute"):
        return (j.kind, target)
    if j.kind in ("merge", "never-merge") and other:
        return ("same", *sorted((target, other)))
    if j.kind in ("add-alias", "remove-alias"):
        return ("alias", target, str(j.value.get("alias")))
    return None


def _answer(j: Judgement) -> str:
    if j.kind in ("correct", "rename", "retype", "close-dispute"):
        return json.dumps(j.value, sort_keys=True)
    return j.kind


def overlay(conn: Connection) -> Overlay:
    """What the judgements in force say now, applied in the order they were made."""
    judgements = stored_judgements(conn)
    if not judgements:
        return Overlay()
    result = Overlay(judgements=judgements)
    result.undone = _undone(judgements)
    decided: dict[tuple[str, ...], Judgement] = {}
    for j in judgements:
        if j.kind == "undo":
            if not any(k.uid == j.target_id for k in judgements):
                result.orphans.append((j, "the judgement it undoes is not here"))
            continue
        if j.uid in result.undone:
            continue
        target = locate(conn, j.target_kind, j.target_id, j.evidence.get("target"))
        other = None
        if j.other_id:
            other = locate(conn, "entity", j.other_id, j.evidence.get("other"))
        if target is None or (j.other_id and other is None):
            result.orphans.append((j, "its target is no longer in the knowledge base"))
            continue
        result.targets[j.uid] = target
        question = _question(j, target, other)
        if question is not None:
            earlier = decided.get(question)
            if earlier and earlier.author != j.author and _answer(earlier) != _answer(j):
                result.conflicts.append(Conflict(earlier, j, " ".join(question)))
            decided[question] = j
        reason = _apply(conn, result, j, target, other)
        if reason:
            result.orphans.append((j, reason))
    return result


def _apply(
    conn: Connection, result: Overlay, j: Judgement, target: str, other: str | None
) -> str | None:
    """Apply one judgement to the overlay; a reason when it has nothing to act on."""
    if j.kind in ("merge", "never-merge", "split"):
        return _apply_to_links(conn, result, j, target, other)
    if j.kind in ("accept", "reject"):
        result.rejected.pop(target, None)
        result.accepted.pop(target, None)
        (result.rejected if j.kind == "reject" else result.accepted)[target] = j
    elif j.kind == "correct":
        name = str(j.value["field"])
        result.corrections.setdefault(target, {})[name] = _correction(j, name, j.value["value"])
    elif j.kind in ("rename", "retype"):
        name = "name" if j.kind == "rename" else "type"
        result.entity_fields.setdefault(target, {})[name] = _correction(j, name, j.value[name])
    elif j.kind in ("add-alias", "remove-alias"):
        alias = str(j.value["alias"])
        keep, drop = (
            (result.aliases_added, result.aliases_removed)
            if j.kind == "add-alias"
            else (result.aliases_removed, result.aliases_added)
        )
        keep[target].add(alias)
        drop[target].discard(alias)
    elif j.kind == "close-dispute":
        result.closed[target] = j
    return None


def _correction(j: Judgement, name: str, value: Any) -> Correction:
    return Correction(name, value, j.author, j.created_at, j.why, j.uid)


def _apply_to_links(
    conn: Connection, result: Overlay, j: Judgement, target: str, other: str | None
) -> str | None:
    from factions.store.linker import Linker, effective_members

    linker = Linker.lazy(conn, dict(result.links), judged=False)
    root = linker.canonical(target)
    if j.kind == "merge":
        into = linker.canonical(other or target)
        if root == into:
            return None
        result.links[root] = into
        return None
    if j.kind == "never-merge":
        if root != linker.canonical(other or target):
            return None
        # The one of the two that is not the canonical entity leaves the group.
        leaving = other if target == root else target
        result.links[leaving or target] = None
        return None
    members = effective_members(conn, root, result.links)
    documents = set(j.value.get("documents", []))
    apart = {m for m in members if _documents_of(conn, m) and _documents_of(conn, m) <= documents}
    if not apart or apart == members:
        return "nothing to split: no machine entity of it is only in those documents"
    for group in (apart, members - apart):
        leader = root if root in group else min(group)
        for member in group:
            result.links[member] = None if member == leader else leader
    return None


def _documents_of(conn: Connection, entity_id: str) -> set[str]:
    m = schema.mentions
    return set(
        conn.execute(select(m.c.document_id).where(m.c.entity_id == entity_id).distinct())
        .scalars()
        .all()
    )


def entity_span(conn: Connection, entity_ids: list[str]) -> dict[str, Any] | None:
    """Where the entity (or the first of its members) is first mentioned."""
    m = schema.mentions
    row = conn.execute(
        select(m.c.document_id, m.c.start, m.c.end, m.c.text)
        .where(m.c.entity_id.in_(entity_ids))
        .order_by(m.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    return {"document": row.document_id, "start": row.start, "end": row.end, "text": row.text}


def record_span(conn: Connection, kind: str, record_id: str) -> dict[str, Any] | None:
    """The record's first evidence, with its predicate or event type as a hint."""
    e = schema.evidence
    row = conn.execute(
        select(e.c.document_id, e.c.start, e.c.end, e.c.text)
        .where(e.c.owner_kind == kind, e.c.owner_id == record_id)
        .order_by(e.c.id)
        .limit(1)
    ).first()
    if row is None:
        return None
    table = schema.claims if kind == "claim" else schema.events
    hint = table.c.predicate if kind == "claim" else table.c.event_type
    return {
        "document": row.document_id,
        "start": row.start,
        "end": row.end,
        "text": row.text,
        "hint": conn.execute(select(hint).where(table.c.id == record_id)).scalar(),
    }
