"""Recording analysts' judgements: who decided what, when and why, about which record.

Every decision is one new row of `judgements` (store/judgements.py reads them back as an
overlay); nothing here changes or deletes a machine record. After a decision that changes which
entity is which, or which claims count, the derived data (relation index, disputes, inferred
ends) is recomputed so that the network and the disputes show it at once.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterable, Iterator
from typing import IO, Any

from sqlalchemy import Connection, select

from factions import partial_date
from factions.model import CERTAINTY_GRADES, stable_id
from factions.query.lookup import NoSuchEntity, find_entity
from factions.query.records import judgement_rows
from factions.resolve import refresh_derived
from factions.store import schema
from factions.store.judgements import (
    Judgement,
    add_judgements,
    correctable_fields,
    entity_span,
    judgement_from_row,
    judgement_kinds,
    judgement_vocabulary,
    overlay,
    record_span,
)
from factions.store.linker import members_of
from factions.store.relation_index import rebuild_relation_index
from factions.vocabulary import vocabulary

USER_ENV = "FACTIONS_USER"
# Kinds after which the network, disputes and inferred ends must be recomputed.
_RESHAPING = {"merge", "split", "never-merge", "accept", "reject", "correct", "undo"}


class JudgementError(ValueError):
    """A judgement that cannot be made (no reason given, an unknown target or field)."""


def current_user() -> str:
    """Who is judging: $FACTIONS_USER, else the operating system's user."""
    return os.environ.get(USER_ENV) or getpass.getuser()


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# --- targets ---------------------------------------------------------------------------------


def target_kind_of(conn: Connection, target_id: str) -> str | None:
    """Which kind of record an id names (claim, event, dispute, entity, judgement), or None."""
    for kind, table in (
        ("claim", schema.claims),
        ("event", schema.events),
        ("dispute", schema.disputes),
        ("entity", schema.entities),
    ):
        if conn.execute(select(table.c.id).where(table.c.id == target_id)).first():
            return kind
    if conn.execute(
        select(schema.judgements.c.uid).where(schema.judgements.c.uid == target_id)
    ).first():
        return "judgement"
    return None


def entity_id_of(conn: Connection, name_or_id: str) -> str:
    """A machine entity id as given, else the canonical id of the entity a name refers to."""
    if target_kind_of(conn, name_or_id) == "entity":
        return name_or_id
    try:
        return find_entity(conn, name_or_id)
    except NoSuchEntity as exc:
        raise JudgementError(str(exc)) from exc


def _span(conn: Connection, kind: str, target_id: str) -> dict[str, Any] | None:
    if kind == "entity":
        members = sorted(members_of(conn, [target_id])[target_id])
        return entity_span(conn, [target_id]) or entity_span(conn, members)
    if kind in ("claim", "event"):
        return record_span(conn, kind, target_id)
    if kind == "dispute":
        claims = conn.execute(
            select(schema.dispute_claims.c.claim_id).where(
                schema.dispute_claims.c.dispute_id == target_id
            )
        ).scalars()
        return {"claims": [{"id": c, **(record_span(conn, "claim", c) or {})} for c in claims]}
    return None


# --- checking what a judgement says ----------------------------------------------------------


def _check_value(conn: Connection, kind: str, target_kind: str, value: dict[str, Any]) -> None:
    if kind == "correct":
        field_name = value.get("field")
        allowed = correctable_fields(target_kind)
        if field_name not in allowed:
            raise JudgementError(
                f"cannot correct '{field_name}' of a {target_kind} (one of: {', '.join(allowed)})"
            )
        value["value"] = corrected_value(field_name, value.get("value"))
        if field_name == "place":
            value["value"] = entity_id_of(conn, str(value["value"]))
    elif kind == "retype" and value.get("type") not in vocabulary().entity_types:
        raise JudgementError(
            f"unknown entity type '{value.get('type')}' "
            f"(one of: {', '.join(vocabulary().entity_types)})"
        )
    elif kind == "split" and not value.get("documents"):
        raise JudgementError("a split names the documents whose mentions are someone else")
    elif (
        kind == "close-dispute"
        and value.get("reading")
        and target_kind_of(conn, str(value["reading"])) != "claim"
    ):
        raise JudgementError(f"the chosen reading {value['reading']} is not a claim")
    for name in judgement_vocabulary()["kinds"][kind].get("value", []):
        if name not in value and not (kind == "close-dispute" and name == "note"):
            raise JudgementError(f"a {kind} judgement needs {name}")


def corrected_value(field_name: str, raw: Any) -> Any:
    """A corrected field's value, checked: a partial date, a grade, a count, an event type."""
    text = None if raw is None else str(raw).strip()
    if field_name in ("date", "valid_from", "valid_to"):
        try:
            return partial_date.check_date(text or None)
        except ValueError as exc:
            raise JudgementError(f"{field_name}: {exc}") from exc
    if field_name == "certainty" and text not in CERTAINTY_GRADES:
        raise JudgementError(f"certainty is one of: {', '.join(CERTAINTY_GRADES)}")
    if field_name == "fatalities":
        if not text or not text.isdigit():
            raise JudgementError("fatalities is a whole number")
        return int(text)
    if field_name == "event_type" and text not in vocabulary().event_types:
        raise JudgementError(
            f"unknown event type '{text}' (one of: {', '.join(vocabulary().event_types)})"
        )
    return text


# --- making one ------------------------------------------------------------------------------


def judge(
    conn: Connection,
    kind: str,
    target: str,
    *,
    why: str,
    by: str | None = None,
    other: str | None = None,
    value: dict[str, Any] | None = None,
    at: str | None = None,
) -> Judgement:
    """Record one judgement and bring what depends on it up to date; returns it."""
    if kind not in judgement_kinds():
        raise JudgementError(f"unknown judgement '{kind}' (one of: {', '.join(judgement_kinds())})")
    if not why or not why.strip():
        raise JudgementError("say why (--why): a judgement without a reason cannot be reviewed")
    spec = judgement_vocabulary()["kinds"][kind]
    allowed = str(spec["target"]).split("|")
    if "entity" in allowed:
        target = entity_id_of(conn, target)
        other = entity_id_of(conn, other) if other else None
    target_kind = target_kind_of(conn, target)
    if target_kind not in allowed:
        raise JudgementError(f"{target} is not a {' or '.join(allowed)} of this knowledge base")
    if spec.get("other") and not other:
        raise JudgementError(f"a {kind} judgement names two entities")
    value = dict(value or {})
    _check_value(conn, kind, target_kind, value)
    made = Judgement(
        uid="",
        kind=kind,
        target_kind=target_kind,
        target_id=target,
        other_id=other,
        value=value,
        evidence=_evidence(conn, target_kind, target, other),
        why=why.strip(),
        author=by or current_user(),
        created_at=at or now(),
    )
    made = _with_uid(made)
    add_judgements(conn, [made])
    if kind in _RESHAPING:
        refresh_after_judgements(conn)
    return made


def _evidence(conn: Connection, target_kind: str, target: str, other: str | None) -> dict[str, Any]:
    evidence: dict[str, Any] = {}
    span = _span(conn, target_kind, target)
    if span:
        evidence["target"] = span
    if other:
        other_span = _span(conn, "entity", other)
        if other_span:
            evidence["other"] = other_span
    return evidence


def _with_uid(j: Judgement) -> Judgement:
    uid = stable_id(
        "jdg",
        j.author,
        j.created_at,
        j.kind,
        j.target_id,
        j.other_id,
        json.dumps(j.value, sort_keys=True),
    )
    return Judgement(**{**j.__dict__, "uid": uid})


def refresh_after_judgements(conn: Connection) -> None:
    """Derived data under the judgements now in force: entity links first (the index is keyed
    by canonical ids), then disputes and inferred ends."""
    rebuild_relation_index(conn)
    refresh_derived(conn)


# --- reading them back -----------------------------------------------------------------------


def judgement_lines(
    conn: Connection, by: str | None = None, since: str | None = None
) -> list[dict[str, Any]]:
    """The judgements made (by someone, since a date), oldest first, as export rows: with
    whether each is undone, the id its target has now, or why it is orphaned."""
    return [
        row
        for row in judgement_rows(overlay(conn))
        if (not by or row["by"] == by) and (not since or row["at"][: len(since)] >= since)
    ]


def write_judgements(conn: Connection, out: IO[str]) -> int:
    """Every judgement as JSON Lines, to share with another analyst; returns the count."""
    count = 0
    for row in judgement_lines(conn):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def judgements_in(lines: Iterable[str]) -> Iterator[Judgement]:
    """The judgements of a JSON Lines file (another analyst's, or an export's judgement rows)."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JudgementError(f"line {number}: not JSON ({exc.msg})") from exc
        if row.get("kind") != "judgement":
            continue
        try:
            yield Judgement(
                uid=row["id"],
                kind=row["judgement"],
                target_kind=row["target_kind"],
                target_id=row["target"],
                other_id=row.get("other"),
                value=row.get("value") or {},
                evidence=row.get("evidence") or {},
                why=row["why"],
                author=row["by"],
                created_at=row["at"],
            )
        except KeyError as exc:
            raise JudgementError(f"line {number}: a judgement row without {exc}") from exc


def import_judgements(conn: Connection, lines: Iterable[str]) -> int:
    """Add another analyst's judgements (those not here yet); returns how many were new."""
    found = list(judgements_in(lines))
    for j in found:
        if j.kind not in judgement_kinds():
            raise JudgementError(f"unknown judgement '{j.kind}' in {j.uid}")
    added = add_judgements(conn, found)
    if added:
        refresh_after_judgements(conn)
    return added


def stored_judgement(conn: Connection, uid: str) -> Judgement | None:
    row = conn.execute(select(schema.judgements).where(schema.judgements.c.uid == uid)).first()
    return judgement_from_row(row) if row else None
