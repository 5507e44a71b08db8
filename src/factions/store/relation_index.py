"""The relation index: positive relation claims by canonical entities, and per edge its periods.

An edge is (canonical subject, predicate, canonical object). For each edge and certainty grade,
the days are cut where a claim starts or ends, so that within one span the same claims hold:
"the network as of a date" then reads one span per edge and grade instead of every claim, and
an answer that meets two spans of an edge is recounted from its claims. Everything here is
derived from `claims`, `evidence`, `documents`, `entity_links` and `inferred_ends` (where later
contrary evidence ends a relation: resolve/changes.py; a claim's days are cut there) and can be
rebuilt from them (`rebuild_relation_index`); the machine ids on claims are never rewritten
(links stay an overlay).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    false,
    func,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.sql.elements import ColumnElement

from factions.partial_date import (
    LENGTH_CLASSES,
    OPEN_END,
    OPEN_START,
    length_class,
    validity_days,
)
from factions.store import schema
from factions.store.dialect import has_table, insert_ignore, insert_rows
from factions.store.judgements import Overlay, overlay
from factions.store.linker import Linker
from factions.vocabulary import vocabulary

EdgeKey = tuple[str, str, str]
_SYMMETRIC = vocabulary().symmetric
_BATCH = 200


@dataclass(frozen=True)
class RelationSpan:
    """One positive relation claim as the index keeps it."""

    claim_id: str
    subject: str
    predicate: str
    object: str
    certainty: str
    weight: int
    day_first: int
    day_last: int
    # Copied from the claim and its document, so that an edge's details need no join.
    attributed_to: str | None = None
    document_id: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    reported: str | None = None
    outlet: str | None = None

    @property
    def edge(self) -> EdgeKey:
        return (self.subject, self.predicate, self.object)

    def row(self) -> dict:
        return {
            "claim_id": self.claim_id,
            "subject": self.subject,
            "predicate": self.predicate,
            "object": self.object,
            "certainty": self.certainty,
            "weight": self.weight,
            "day_first": self.day_first,
            "day_last": self.day_last,
            "length_class": length_class(self.day_first, self.day_last),
            "attributed_to": self.attributed_to,
            "document_id": self.document_id,
            "valid_from": self.valid_from,
            "valid_to": self.valid_to,
            "reported": self.reported,
            "outlet": self.outlet,
        }


def relation_span(
    claim_id: str,
    subject: str,
    predicate: str,
    obj: str | None,
    *,
    certainty: str,
    polarity: bool,
    evidence: int,
    valid_from: str | None,
    valid_to: str | None,
    reported: str | None,
    attributed_to: str | None = None,
    document_id: str | None = None,
    outlet: str | None = None,
) -> RelationSpan | None:
    """The index entry of a claim (subject and object already canonical), or None when the
    claim is no edge: no object, negated, or a self-loop after linking."""
    if obj is None or not polarity or subject == obj:
        return None
    # A symmetric relation is one edge per pair, whichever way a sentence put it.
    if predicate in _SYMMETRIC and obj < subject:
        subject, obj = obj, subject
    days = validity_days(valid_from, valid_to, reported)
    if days is None:
        return None
    return RelationSpan(
        claim_id,
        subject,
        predicate,
        obj,
        certainty,
        max(evidence, 1),
        days[0],
        days[1],
        attributed_to,
        document_id,
        valid_from,
        valid_to,
        reported,
        outlet,
    )


def add_relation_spans(conn: Connection, spans: Iterable[RelationSpan]) -> None:
    """Index new claims and add each to its edge's stretches, batch-wise.

    Only the stretches a claim's period meets are read and rewritten, so that a document costs
    the same whether its edges hold ten claims or ten thousand; a batch reads them, deletes the
    ones it changes and writes the new ones in a few statements, whatever its number of claims.
    """
    spans = _new_spans(conn, list(spans))
    for start in range(0, len(spans), _BATCH):
        insert_ignore(conn, schema.relation_spans, [s.row() for s in spans[start : start + _BATCH]])
    ids = edge_ids(conn, (span.edge for span in spans))
    groups: dict[_GradeKey, list[RelationSpan]] = defaultdict(list)
    for span in spans:
        groups[(ids[span.edge], span.certainty)].append(span)
    stored = _stretches_meeting(conn, groups)
    gone: list[int] = []
    rows: list[dict] = []
    for key, group in groups.items():
        before = stored.get(key, [])
        after = _with_periods([s for _, s in before], group)
        unchanged = Counter(after)
        for row_id, stretch in before:
            if unchanged[stretch] > 0:
                unchanged[stretch] -= 1
            else:
                gone.append(row_id)
        fields = {"edge": key[0], "predicate": group[0].predicate, "certainty": key[1]}
        rows.extend(fields | _stretch_row(s) for s in unchanged.elements())
    table = schema.edge_spans
    for start in range(0, len(gone), _BATCH):
        conn.execute(delete(table).where(table.c.id.in_(gone[start : start + _BATCH])))
    if rows:
        insert_rows(conn, table, rows)
    _add_to_totals(conn, groups)


def _new_spans(conn: Connection, spans: list[RelationSpan]) -> list[RelationSpan]:
    """The spans not indexed yet, each once."""
    table = schema.relation_spans
    edges = sorted({s.edge for s in spans})
    known: set[tuple[str, str, str, str]] = set()
    for start in range(0, len(edges), _BATCH):
        known.update(
            conn.execute(
                select(table.c.subject, table.c.predicate, table.c.object, table.c.claim_id).where(
                    edge_condition(table, edges[start : start + _BATCH])
                )
            ).all()
        )
    new = {}
    for span in spans:
        if (*span.edge, span.claim_id) not in known:
            new.setdefault(span.claim_id, span)
    return list(new.values())


# An edge's stretches of one certainty grade: (edge id, certainty).
_GradeKey = tuple[int, str]


def _with_periods(stretches: list[Stretch], spans: list[RelationSpan]) -> list[Stretch]:
    """The stretches once each span is added in turn (as `add_period` adds one)."""
    current = sorted(stretches, key=lambda s: s.first)
    for span in spans:
        first, last = span.day_first, span.day_last
        met = [s for s in current if s.first <= last and s.last >= first]
        kept = [s for s in current if not (s.first <= last and s.last >= first)]
        current = sorted(kept + add_period(met, first, last, span.weight), key=lambda s: s.first)
    return current


def _stretches_meeting(
    conn: Connection, groups: dict[_GradeKey, list[RelationSpan]]
) -> dict[_GradeKey, list[tuple[int, Stretch]]]:
    """The stored stretches of each (edge, certainty) that meet the days its spans cover, with
    their row ids. Stretches of one grade never overlap, and adding a period changes only the
    ones it meets, so those meeting [earliest first, latest last] are all a batch can change."""
    table = schema.edge_spans
    keys = sorted(groups)
    found: dict[_GradeKey, list[tuple[int, Stretch]]] = defaultdict(list)
    for start in range(0, len(keys), _BATCH):
        terms, values = [], {}
        for number, key in enumerate(keys[start : start + _BATCH]):
            group = groups[key]
            terms.append(
                f"(edge_spans.edge = :e{number} AND edge_spans.certainty = :c{number}"
                f" AND edge_spans.day_first <= :l{number} AND edge_spans.day_last >= :f{number})"
            )
            values |= {
                f"e{number}": key[0],
                f"c{number}": key[1],
                f"f{number}": min(s.day_first for s in group),
                f"l{number}": max(s.day_last for s in group),
            }
        # As text with bound values, like edge_condition: hundreds of expression objects cost
        # more than the query.
        condition = text("(" + " OR ".join(terms) + ")").bindparams(**values)
        for row in conn.execute(
            select(
                table.c.id,
                table.c.edge,
                table.c.certainty,
                table.c.day_first,
                table.c.day_last,
                table.c.claims,
                table.c.weight,
                table.c.new_claims,
                table.c.new_weight,
            ).where(condition)
        ):
            found[(row.edge, row.certainty)].append((row.id, Stretch(*row[3:])))
    return found


def _add_to_totals(conn: Connection, groups: dict[_GradeKey, list[RelationSpan]]) -> None:
    """Count a batch's spans into their edges' totals by certainty grade."""
    totals = schema.edge_totals
    edges = sorted({edge for edge, _ in groups})
    stored: set[_GradeKey] = set()
    for start in range(0, len(edges), _BATCH):
        stored.update(
            (edge, certainty)
            for edge, certainty in conn.execute(
                select(totals.c.edge, totals.c.certainty).where(
                    totals.c.edge.in_(edges[start : start + _BATCH])
                )
            )
        )
    added = {
        key: (len(group), sum(s.weight for s in group), group[0].predicate)
        for key, group in sorted(groups.items())
    }
    updates = [
        {"key_edge": e, "key_certainty": c, "added_claims": n, "added_weight": w}
        for (e, c), (n, w, _) in added.items()
        if (e, c) in stored
    ]
    if updates:
        conn.execute(
            update(totals)
            .where(
                totals.c.edge == bindparam("key_edge"),
                totals.c.certainty == bindparam("key_certainty"),
            )
            .values(
                claims=totals.c.claims + bindparam("added_claims"),
                weight=totals.c.weight + bindparam("added_weight"),
            ),
            updates,
        )
    inserts = [
        {"edge": e, "certainty": c, "predicate": p, "claims": n, "weight": w}
        for (e, c), (n, w, p) in added.items()
        if (e, c) not in stored
    ]
    if inserts:
        insert_rows(conn, totals, inserts)


def add_period(stretches: list[Stretch], first: int, last: int, weight: int) -> list[Stretch]:
    """The stretches that replace `stretches` (those meeting [first, last], in day order) once
    a claim holding from `first` to `last` with `weight` is added."""
    result = []
    cursor = first

    def gap(until: int) -> None:
        starts = (1, weight) if cursor == first else (0, 0)
        result.append(Stretch(cursor, until, 1, weight, *starts))

    for s in stretches:
        if s.first < first:
            result.append(replace(s, last=first - 1))
            inner_first, inner_new = first, (0, 0)
        else:
            inner_first, inner_new = s.first, (s.new_claims, s.new_weight)
        if inner_first > cursor:
            gap(inner_first - 1)
        starts = (1, weight) if inner_first == first else (0, 0)
        inner_last = min(s.last, last)
        result.append(
            Stretch(
                inner_first,
                inner_last,
                s.claims + 1,
                s.weight + weight,
                inner_new[0] + starts[0],
                inner_new[1] + starts[1],
            )
        )
        if s.last > last:
            result.append(Stretch(last + 1, s.last, s.claims, s.weight, 0, 0))
        cursor = inner_last + 1
    if cursor <= last:
        gap(last)
    return result


def _stretch_row(stretch: Stretch) -> dict:
    return {
        "day_first": stretch.first,
        "day_last": stretch.last,
        "length_class": length_class(stretch.first, stretch.last),
        "claims": stretch.claims,
        "weight": stretch.weight,
        "new_claims": stretch.new_claims,
        "new_weight": stretch.new_weight,
    }


def edge_condition(table: Table, edges: Iterable[EdgeKey]) -> ColumnElement[bool]:
    """SQL: the row belongs to one of these edges.

    Spelled as ORs of equalities, each an index lookup: SQLite scans the whole table for a
    row-value IN. Written as text with bound values because building hundreds of expression
    objects costs more than the query.
    """
    name = table.name
    terms, values = [], {}
    for number, (subject, predicate, obj) in enumerate(edges):
        terms.append(
            f"({name}.subject = :s{number} AND {name}.predicate = :p{number}"
            f" AND {name}.object = :o{number})"
        )
        values |= {f"s{number}": subject, f"p{number}": predicate, f"o{number}": obj}
    if not terms:
        return false()
    return text("(" + " OR ".join(terms) + ")").bindparams(**values)  # type: ignore[return-value]


def edge_ids(conn: Connection, keys: Iterable[EdgeKey]) -> dict[EdgeKey, int]:
    """The integer id of each edge, numbering the ones not seen before."""
    table = schema.edges
    keys = sorted(set(keys))
    found: dict[EdgeKey, int] = {}
    for start in range(0, len(keys), _BATCH):
        batch = keys[start : start + _BATCH]
        found.update(
            ((s, p, o), i)
            for i, s, p, o in conn.execute(
                select(table.c.id, table.c.subject, table.c.predicate, table.c.object).where(
                    edge_condition(table, batch)
                )
            )
        )
    missing = [k for k in keys if k not in found]
    if missing:
        insert_ignore(
            conn, table, [{"subject": s, "predicate": p, "object": o} for s, p, o in missing]
        )
        found.update(edge_ids(conn, missing))
    return found


def refresh_edges(conn: Connection, edges: Iterable[EdgeKey]) -> None:
    """Recompute the spans of these edges from their indexed claims."""
    edges = sorted(set(edges))
    table, spans = schema.relation_spans, schema.edge_spans
    for start in range(0, len(edges), _BATCH):
        batch = edges[start : start + _BATCH]
        ids = list(edge_ids(conn, batch).values())
        conn.execute(delete(spans).where(spans.c.edge.in_(ids)))
        claims: dict[tuple[str, str, str, str], list[tuple[int, int, int]]] = defaultdict(list)
        for row in conn.execute(
            select(
                table.c.subject,
                table.c.predicate,
                table.c.object,
                table.c.certainty,
                table.c.day_first,
                table.c.day_last,
                table.c.weight,
            ).where(edge_condition(table, batch))
        ):
            claims[row[:4]].append((row[4], row[5], row[6]))
        _insert_edge_spans(conn, claims)
        fill_edge_totals(conn, ids)
        # An edge left without claims (its claims moved to another canonical id) is no edge.
        held = {key[:3] for key in claims}
        empty = [i for key, i in edge_ids(conn, batch).items() if key not in held]
        if empty:
            conn.execute(delete(schema.edges).where(schema.edges.c.id.in_(empty)))


def _insert_edge_spans(
    conn: Connection, periods: dict[tuple[str, str, str, str], list[tuple[int, int, int]]]
) -> None:
    """Store the constant stretches of each (subject, predicate, object, grade)'s periods."""
    ids = edge_ids(conn, (key[:3] for key in periods))
    rows = [
        {"edge": ids[(subject, predicate, obj)], "predicate": predicate, "certainty": grade}
        | _stretch_row(stretch)
        for (subject, predicate, obj, grade), spans in periods.items()
        for stretch in constant_spans(spans)
    ]
    for start in range(0, len(rows), _BATCH):
        insert_rows(conn, schema.edge_spans, rows[start : start + _BATCH])


def fill_edge_totals(conn: Connection, only: list[int] | None = None) -> None:
    """(Re)compute the totals of the edges with these ids (or of all) from the indexed claims."""
    spans, edges, totals = schema.relation_spans, schema.edges, schema.edge_totals
    chosen = [] if only is None else [edges.c.id.in_(only)]
    conn.execute(delete(totals).where(*([] if only is None else [totals.c.edge.in_(only)])))
    conn.execute(
        totals.insert().from_select(
            ["edge", "certainty", "predicate", "claims", "weight"],
            select(
                edges.c.id,
                spans.c.certainty,
                edges.c.predicate,
                func.count(),
                func.sum(spans.c.weight),
            )
            .select_from(
                spans.join(
                    edges,
                    and_(
                        edges.c.subject == spans.c.subject,
                        edges.c.predicate == spans.c.predicate,
                        edges.c.object == spans.c.object,
                    ),
                )
            )
            .where(*chosen)
            .group_by(edges.c.id, spans.c.certainty, edges.c.predicate),
        )
    )


@dataclass(frozen=True)
class Stretch:
    """Days over which the same claims hold, with how many of them start on its first day."""

    first: int
    last: int
    claims: int
    weight: int
    new_claims: int
    new_weight: int


def constant_spans(periods: list[tuple[int, int, int]]) -> list[Stretch]:
    """The stretches over which the same periods hold, in day order.

    `periods` are (first day, last day, weight); days covered by none give no stretch.
    """
    changes: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for first, last, weight in periods:
        start, end = changes[first], changes[last + 1]
        start[0] += 1
        start[1] += weight
        start[2] += 1
        start[3] += weight
        end[0] -= 1
        end[1] -= weight
    stretches = []
    active, weight = 0, 0
    days = sorted(changes)
    for day, following in pairwise(days):
        count, total, new_count, new_total = changes[day]
        active += count
        weight += total
        if active:
            stretches.append(Stretch(day, following - 1, active, weight, new_count, new_total))
    return stretches


Day = int | ColumnElement[int]


def overlapping(table: schema.Table, first: Day, last: Day) -> ColumnElement[bool]:
    """SQL: the row's [day_first, day_last] meets [first, last], as short index ranges.

    Within a length class a period that reaches `first` starts at most that many days before
    it, so each class is one range of the (length_class, day_first) index.
    """
    return or_(*reaching_ranges(table, first), *starting_ranges(table, first, last))


def meeting_days(
    table: schema.Table, days: tuple[int, int], *, few: bool = False
) -> list[ColumnElement[bool]]:
    """SQL: the row's days meet `days` (no condition when both ends are open).

    With `few` (another filter picks fewer rows than a period would, like an actor's), as
    plain comparisons: index ranges on the days would lead SQLite to read the period's rows.
    """
    if days == (OPEN_START, OPEN_END):
        return []
    if few:
        return [table.c.day_first <= days[1], table.c.day_last >= days[0]]
    return [overlapping(table, *days)]


def reaching_ranges(table: schema.Table, first: Day) -> list[ColumnElement[bool]]:
    """SQL: one condition per length class, for the rows that start by day `first` and hold it.

    The classes never share a row, so a UNION ALL of one SELECT per condition reads each
    matching row once from a covering index (an OR of them makes SQLite fetch the rows).
    """
    ranges = [
        and_(
            table.c.length_class == index,
            table.c.day_first >= first - longest,
            table.c.day_first <= first,
            table.c.day_last >= first,
        )
        for index, longest in enumerate(LENGTH_CLASSES)
    ]
    ranges.append(
        and_(
            table.c.length_class == len(LENGTH_CLASSES),
            table.c.day_first <= first,
            table.c.day_last >= first,
        )
    )
    return ranges


def starting_ranges(table: schema.Table, first: Day, last: Day) -> list[ColumnElement[bool]]:
    """SQL: one condition per length class, for the rows that start after `first`, by `last`."""
    return [
        and_(
            table.c.length_class == index,
            table.c.day_first > first,
            table.c.day_first <= last,
        )
        for index in range(len(LENGTH_CLASSES) + 1)
    ]


def _cut(span: RelationSpan, last: int | None) -> RelationSpan:
    """The span cut at an inferred end (see resolve/changes.py), never before its first day."""
    if last is None or last >= span.day_last:
        return span
    return replace(span, day_last=max(last, span.day_first))


def inferred_end_days(conn: Connection, claim_ids: Iterable[str] | None = None) -> dict[str, int]:
    """Claim id -> the last day later evidence lets it hold (the inferred_ends table), for
    every claim or for those of `claim_ids`."""
    table = schema.inferred_ends
    # Migrations older than the table rebuild the index before it exists.
    if not has_table(conn, table.name):
        return {}
    query = select(table.c.claim_id, table.c.day_last)
    if claim_ids is None:
        return dict(conn.execute(query).all())
    ids = sorted(set(claim_ids))
    found: dict[str, int] = {}
    for start in range(0, len(ids), _BATCH):
        found.update(
            conn.execute(query.where(table.c.claim_id.in_(ids[start : start + _BATCH]))).all()
        )
    return found


def replace_inferred_ends(
    conn: Connection, ends: list[dict], *, among: Iterable[str] | None = None
) -> int:
    """Store the inferred ends (rows of the inferred_ends table) in place of the previous ones
    and cut the indexed claims at them: a claim newly ended loses its later days, one no longer
    ended gets its stated days back. With `among` (claim ids), only the ends of those claims
    are replaced (`ends` must be theirs); the rest stay. Returns how many claims changed."""
    table = schema.inferred_ends
    scope = None if among is None else sorted(set(among))
    before = inferred_end_days(conn, scope)
    after = {row["claim_id"]: row["day_last"] for row in ends}
    if scope is None:
        conn.execute(delete(table))
    else:
        for start in range(0, len(scope), _BATCH):
            conn.execute(delete(table).where(table.c.claim_id.in_(scope[start : start + _BATCH])))
    for start in range(0, len(ends), _BATCH):
        insert_rows(conn, table, ends[start : start + _BATCH])
    changed = {c for c in before.keys() | after.keys() if before.get(c) != after.get(c)}
    # A claim indexed again since (a re-extracted document) may have its full days back.
    spans = schema.relation_spans
    ended = sorted(after)
    for start in range(0, len(ended), _BATCH):
        changed.update(
            claim_id
            for claim_id, day_last in conn.execute(
                select(spans.c.claim_id, spans.c.day_last).where(
                    spans.c.claim_id.in_(ended[start : start + _BATCH])
                )
            )
            if day_last > after[claim_id]
        )
    if not changed:
        return 0
    changed_ids = sorted(changed)
    claims, documents = schema.claims, schema.documents
    touched: set[EdgeKey] = set()
    for start in range(0, len(changed_ids), _BATCH):
        batch = changed_ids[start : start + _BATCH]
        rows = conn.execute(
            select(
                spans.c.subject,
                spans.c.predicate,
                spans.c.object,
                spans.c.claim_id,
                claims.c.valid_from,
                claims.c.valid_to,
                documents.c.published,
            )
            .select_from(
                spans.join(claims, claims.c.id == spans.c.claim_id).join(
                    documents, documents.c.id == claims.c.document_id
                )
            )
            .where(spans.c.claim_id.in_(batch))
        ).all()
        for subject, predicate, obj, claim_id, valid_from, valid_to, published in rows:
            days = validity_days(valid_from, valid_to, published)
            if days is None:
                continue
            last = min(days[1], after.get(claim_id, days[1]))
            # A claim ended before it starts holds on its first day only (never an empty span).
            last = max(last, days[0])
            conn.execute(
                update(spans)
                .where(spans.c.claim_id == claim_id)
                .values(day_last=last, length_class=length_class(days[0], last))
            )
            touched.add((subject, predicate, obj))
    refresh_edges(conn, touched)
    return len(changed_ids)


def rebuild_relation_index(conn: Connection, canonical: Callable[[str], str] | None = None) -> int:
    """Rebuild the whole relation index from the claims; returns the claims indexed."""
    if canonical is None:
        canonical = Linker.whole(conn).canonical

    conn.execute(delete(schema.edge_spans))
    conn.execute(delete(schema.edge_totals))
    conn.execute(delete(schema.edges))
    conn.execute(delete(schema.relation_spans))
    spans = _claim_spans(conn, [], canonical)
    for start in range(0, len(spans), 5000):
        insert_rows(conn, schema.relation_spans, [s.row() for s in spans[start : start + 5000]])
    by_edge: dict[tuple[str, str, str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for s in spans:
        by_edge[(s.subject, s.predicate, s.object, s.certainty)].append(
            (s.day_first, s.day_last, s.weight)
        )
    _insert_edge_spans(conn, by_edge)
    fill_edge_totals(conn)
    return len(spans)


def _claim_spans(
    conn: Connection, conditions: list[ColumnElement[bool]], canonical: Callable[[str], str]
) -> list[RelationSpan]:
    """The index entries of the stored positive relation claims meeting `conditions`."""
    claims = schema.claims
    rows = conn.execute(
        select(
            claims.c.id,
            claims.c.subject,
            claims.c.predicate,
            claims.c.object,
            claims.c.certainty,
            claims.c.polarity,
            claims.c.valid_from,
            claims.c.valid_to,
            claims.c.attributed_to,
            claims.c.document_id,
            schema.documents.c.published,
            schema.documents.c.outlet,
            select(func.count())
            .where(
                schema.evidence.c.owner_kind == "claim", schema.evidence.c.owner_id == claims.c.id
            )
            .scalar_subquery()
            .label("evidence"),
        )
        .select_from(claims.join(schema.documents, schema.documents.c.id == claims.c.document_id))
        .where(claims.c.object.is_not(None), claims.c.polarity.is_(True), *conditions)
    ).all()
    # An end inferred from later evidence (resolve/changes.py) cuts the claim's days; a few
    # claims read the ends of their own, not the whole table's.
    ended = inferred_end_days(conn, [r.id for r in rows] if conditions else None)
    # Analysts' judgements: a rejected claim is not in the network, a corrected one is there
    # as corrected.
    judged = overlay(conn)
    return [
        _cut(span, ended.get(span.claim_id))
        for r in rows
        if r.id not in judged.rejected
        and (
            span := relation_span(
                r.id,
                canonical(r.subject),
                r.predicate,
                canonical(r.object),
                certainty=_judged(judged, r.id, "certainty", r.certainty),
                polarity=bool(r.polarity),
                evidence=r.evidence,
                valid_from=_judged(judged, r.id, "valid_from", r.valid_from),
                valid_to=_judged(judged, r.id, "valid_to", r.valid_to),
                reported=r.published,
                attributed_to=r.attributed_to,
                document_id=r.document_id,
                outlet=r.outlet,
            )
        )
    ]


def _judged(judged: Overlay, claim_id: str, name: str, value: Any) -> Any:
    """A claim's field as an analyst corrected it, else as extracted."""
    correction = judged.corrections.get(claim_id, {}).get(name)
    return value if correction is None else correction.value


def without_rejected(conn: Connection, spans: list[RelationSpan]) -> list[RelationSpan]:
    """The spans whose claims no analyst rejected (a re-ingest writes the same claim again)."""
    rejected = overlay(conn).rejected
    return [s for s in spans if s.claim_id not in rejected] if rejected else spans


def reindex_entities(
    conn: Connection,
    entity_ids: Iterable[str],
    before: Callable[[str], str],
    after: Callable[[str], str],
) -> None:
    """Move the indexed claims of these machine entities from the canonical ids they were
    indexed under (`before`) to the ones they have now (`after`): resolution has just changed
    their links (a link added, moved to a better target, or taken away)."""
    ids = sorted(set(entity_ids))
    claims, table = schema.claims, schema.relation_spans
    touched: set[EdgeKey] = set()
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        mine = or_(claims.c.subject.in_(batch), claims.c.object.in_(batch))
        old = _claim_spans(conn, [mine], before)
        new = _claim_spans(conn, [mine], after)
        if old:
            conn.execute(
                delete(table).where(
                    table.c.subject == bindparam("s"),
                    table.c.predicate == bindparam("p"),
                    table.c.object == bindparam("o"),
                    table.c.claim_id == bindparam("c"),
                ),
                [{"s": x.subject, "p": x.predicate, "o": x.object, "c": x.claim_id} for x in old],
            )
        insert_ignore(conn, table, [x.row() for x in new])
        touched.update(x.edge for x in old + new)
    refresh_edges(conn, touched)
