"""What every query shares: canonical ids, partial-date comparison, certainty grades.

Queries look up only the ids they touch (never the whole link table), so that they stay fast on
a knowledge base of a hundred thousand documents.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, func, select
from sqlalchemy.sql.elements import ColumnElement

from factions import partial_date
from factions.model import CERTAINTY_GRADES
from factions.partial_date import not_after
from factions.store import schema
from factions.store.dialect import one_of
from factions.store.linker import Linker, members_of
from factions.vocabulary import vocabulary

ACTOR_TYPES = vocabulary().actor_types
PLACE_TYPES = vocabulary().place_types
_CHUNK = 500


class BadQuery(ValueError):
    """A parameter the query cannot use (a malformed date, an unknown grade)."""


def chunks(items: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
    """Lists of at most `size` items, so IN (...) stays under the database's variable limit."""
    batch: list[str] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- dates -----------------------------------------------------------------------------------


def check_date(value: str | None, label: str = "date") -> str | None:
    """A user's partial ISO date (2015, 2015-11, 2015-11-14), or BadQuery saying why not."""
    try:
        return partial_date.check_date(value)
    except ValueError as exc:
        raise BadQuery(f"{label} {exc}") from None


def date_bounds(
    as_of: str | None, date_from: str | None, date_to: str | None
) -> tuple[str | None, str | None]:
    """(lower, upper) from --as-of or --from/--to, checked."""
    as_of = check_date(as_of, "as-of date")
    date_from = check_date(date_from, "from date")
    date_to = check_date(date_to, "to date")
    if as_of and (date_from or date_to):
        raise BadQuery("give either an as-of date or a from/to interval, not both")
    if as_of:
        return as_of, as_of
    if date_from and date_to and not not_after(date_from, date_to):
        raise BadQuery(f"from date {date_from} is after to date {date_to}")
    return date_from, date_to


# --- certainty -------------------------------------------------------------------------------

CERTAINTY_RANK = {grade: rank for rank, grade in enumerate(CERTAINTY_GRADES)}


def grades_at_least(minimum: str | None) -> list[str] | None:
    """The grades as strong as `minimum` or stronger (None: no filter)."""
    if not minimum:
        return None
    if minimum not in CERTAINTY_RANK:
        raise BadQuery(f"unknown certainty '{minimum}' (one of: {', '.join(CERTAINTY_GRADES)})")
    return list(CERTAINTY_GRADES[: CERTAINTY_RANK[minimum] + 1])


def strongest(grades: Iterable[str]) -> str:
    return min(grades, key=lambda g: CERTAINTY_RANK.get(g, len(CERTAINTY_RANK)))


# --- canonical entities and events -----------------------------------------------------------


class Canon:
    """Canonical ids and names for the entities one query touches, fetched on demand."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.linker = Linker.lazy(conn)
        self._info: dict[str, Row] = {}
        self._missing: set[str] = set()

    def of(self, entity_id: str | None) -> str | None:
        """The canonical id (the linker follows chains of links)."""
        return self.linker.maybe(entity_id)

    def many(self, ids: Iterable[str | None]) -> dict[str, str]:
        return self.linker.many(ids)

    def members(self, canonical_id: str) -> list[str]:
        """Every machine id whose canonical id is this one, itself included (analysts' merges
        and splits applied)."""
        found = members_of(self.conn, [canonical_id])[canonical_id]
        return sorted(i for i in found if self.of(i) == canonical_id)

    def _load_info(self, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if i and i not in self._info and i not in self._missing})
        for batch in chunks(wanted):
            # Rows kept as they come: most callers want a name, and a dict per row costs more.
            for row in self.conn.execute(
                select(schema.entities).where(one_of(self.conn, schema.entities.c.id, batch))
            ):
                self._info[row.id] = row
        self._missing.update(i for i in wanted if i not in self._info)

    def _info_of(self, entity_id: str) -> Row | None:
        if entity_id not in self._info and entity_id not in self._missing:
            self._load_info([entity_id])
        return self._info.get(entity_id)

    def judged(self, entity_id: str, field_name: str) -> Any:
        """The value an analyst gave this entity's field (name, type), or None."""
        for judged_id, fields in self.linker.overlay.entity_fields.items():
            if field_name in fields and self.of(judged_id) == entity_id:
                return fields[field_name].value
        return None

    def name(self, entity_id: str | None) -> str | None:
        if not entity_id:
            return None
        judged = self.judged(entity_id, "name") if self.linker.overlay.entity_fields else None
        if judged:
            return str(judged)
        info = self._info_of(entity_id)
        return info.name if info else entity_id

    def type(self, entity_id: str | None) -> str | None:
        if not entity_id:
            return None
        judged = self.judged(entity_id, "type") if self.linker.overlay.entity_fields else None
        if judged:
            return str(judged)
        info = self._info_of(entity_id)
        return info.type if info else None

    def row(self, entity_id: str) -> dict[str, Any] | None:
        info = self._info_of(entity_id)
        return dict(info._mapping) if info else None

    def prefetch(self, ids: Iterable[str | None]) -> None:
        """Load names of many ids in a few queries instead of one each."""
        self._load_info([i for i in ids if i])


def canonical_events(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Event id -> the canonical event id (itself unless linked as a duplicate)."""
    ids = list(ids)
    same_as: dict[str, str] = {}
    for batch in chunks(ids):
        same_as.update(
            conn.execute(
                select(schema.event_links.c.event_id, schema.event_links.c.canonical_id).where(
                    one_of(conn, schema.event_links.c.event_id, batch)
                )
            ).all()
        )
    return {i: same_as.get(i, i) for i in ids}


def duplicates_of(conn: Connection, canonical_ids: Iterable[str]) -> dict[str, list[str]]:
    """Canonical event id -> every event id merged into it, itself first."""
    merged: dict[str, list[str]] = {i: [i] for i in canonical_ids}
    for batch in chunks(list(merged)):
        for event_id, canonical_id in conn.execute(
            select(schema.event_links.c.event_id, schema.event_links.c.canonical_id).where(
                one_of(conn, schema.event_links.c.canonical_id, batch)
            )
        ):
            if event_id != canonical_id:
                merged[canonical_id].append(event_id)
    return merged


def is_duplicate_event() -> ColumnElement[bool]:
    """SQL: the event is a duplicate report of another (shown under its canonical event)."""
    return schema.events.c.id.in_(
        select(schema.event_links.c.event_id).where(
            schema.event_links.c.event_id != schema.event_links.c.canonical_id
        )
    )


def other_counts(row: Any) -> dict[str, int]:
    """An event row's best figure of each count kept beside the killed (wounded, kidnapped,
    arrested), the range's ends when no best figure was given; zero and unknown left out."""
    counts = {}
    for kind in schema.EVENT_COUNTS:
        low, best, high = row[f"{kind}_low"], row[f"{kind}_best"], row[f"{kind}_high"]
        figure = next((f for f in (best, high, low) if f is not None), None)
        if figure:
            counts[kind] = figure
    return counts


def stored_triggers(
    stored: str,
) -> list[tuple[int, int, list[tuple[int, int, str]] | None]]:
    """The triggers kept with an evidence sentence, as (start, end, arguments): each stored as
    [start, end] or, once its arguments were read, [start, end, [[start, end, role], ...]];
    arguments None when they were never read."""
    return [
        (raw[0], raw[1], [(a, b, role) for a, b, role in raw[2]] if len(raw) > 2 else None)
        for raw in json.loads(stored)
    ]


def instrument_words(stored: str | None) -> list[str]:
    """What an event was done with, as its text words it, once each (a stored JSON list)."""
    words: list[str] = []
    for item in json.loads(stored) if stored else []:
        if item["text"] not in words:
            words.append(item["text"])
    return words


@dataclass
class Evidence:
    """One sentence behind a claim or event, with where it comes from."""

    document: str
    title: str | None
    outlet: str | None
    published: str | None
    url: str | None
    text: str
    start: int
    end: int


@dataclass
class Ended:
    """Where later contrary evidence ends a relation claim (resolve/changes.py): inferred, so
    the claim keeps its stated validity and this note comes beside it, with the evidence that
    ends it."""

    ended_on: str | None
    ended_by: str
    reason: str
    evidence: list[Evidence] = field(default_factory=list)


def ends_for(conn: Connection, claim_ids: Iterable[str]) -> dict[str, Ended]:
    """Claim id -> its inferred end, for the claims that have one, with the ending claim's
    sentences."""
    table = schema.inferred_ends
    rows = []
    for batch in chunks(sorted(set(claim_ids))):
        rows.extend(
            conn.execute(
                select(table.c.claim_id, table.c.ended_on, table.c.ended_by, table.c.reason).where(
                    one_of(conn, table.c.claim_id, batch)
                )
            ).all()
        )
    evidence = evidence_for(conn, "claim", [r.ended_by for r in rows])
    return {
        r.claim_id: Ended(r.ended_on, r.ended_by, r.reason, evidence.get(r.ended_by, []))
        for r in rows
    }


def evidence_for(conn: Connection, kind: str, ids: Iterable[str]) -> dict[str, list[Evidence]]:
    """Owner id -> its evidence sentences, in the order they were stored."""
    found: dict[str, list[Evidence]] = defaultdict(list)
    for batch in chunks(sorted(set(ids))):
        rows = conn.execute(
            select(
                schema.evidence.c.owner_id,
                schema.evidence.c.document_id,
                schema.documents.c.title,
                schema.documents.c.outlet,
                schema.documents.c.published,
                schema.documents.c.url,
                schema.evidence.c.text,
                schema.evidence.c.start,
                schema.evidence.c.end,
            )
            .select_from(
                schema.evidence.join(
                    schema.documents, schema.documents.c.id == schema.evidence.c.document_id
                )
            )
            .where(
                schema.evidence.c.owner_kind == kind,
                one_of(conn, schema.evidence.c.owner_id, batch),
            )
            .order_by(schema.evidence.c.id)
        )
        for owner, *rest in rows:
            found[owner].append(Evidence(*rest))
    return found


def count_of(conn: Connection, statement: Any) -> int:
    """The number of rows a select returns, counted by the database."""
    return int(conn.execute(select(func.count()).select_from(statement.subquery())).scalar_one())


def ids_in_day_order(
    conn: Connection,
    day: Any,
    key: Any,
    conditions: list[Any],
    limit: int | None,
    offset: int = 0,
    newest_first: bool = False,
    narrow: bool = False,
) -> list[str]:
    """The `key`s of one page of the rows meeting `conditions`: those with a `day` in day
    order (then by key), then those without one, by key.

    Two queries rather than one ORDER BY "undated last", which no index can serve. `narrow`
    says another condition (a place) picks few rows: PostgreSQL then sorts them, ordered by
    an expression no index holds, where it would otherwise walk the day index from the
    start, expecting a page of matches soon (at 20,000 documents it read 28,000 events to
    find 50 in Afghanistan). SQLite chooses well without it.
    """
    if narrow and conn.dialect.name == "postgresql":
        day = day + 0
    order = (day.desc(), key.desc()) if newest_first else (day, key)
    dated = select(key).where(*conditions, day.is_not(None)).order_by(*order)
    if limit is not None:
        dated = dated.limit(limit)
    ids = list(conn.execute(dated.offset(offset) if offset else dated).scalars())
    if limit is not None and len(ids) == limit:
        return ids
    # The undated follow the last dated one: from their first if this page holds dated ones,
    # else from where the offset falls past all the dated.
    if offset and not ids:
        offset -= count_of(conn, select(key).where(*conditions, day.is_not(None)))
    else:
        offset = 0
    undated = select(key).where(*conditions, day.is_(None)).order_by(key)
    if limit is not None:
        undated = undated.limit(limit - len(ids))
    if offset > 0:
        undated = undated.offset(offset)
    return ids + list(conn.execute(undated).scalars())


def page(limit: int | None, offset: int) -> tuple[int | None, int]:
    if limit is not None and limit < 0:
        raise BadQuery("limit must be 0 or more")
    if offset < 0:
        raise BadQuery("offset must be 0 or more")
    return limit, offset
