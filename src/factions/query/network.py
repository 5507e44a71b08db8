"""The network of actors as of a date or over an interval: who allied with, fought or led whom.

A claim is valid at a date D when its period [valid_from, valid_to] meets D's (so dates compare
at the shorter of the two precisions), a missing bound being open. A claim with no dates at
all holds at its document's publication date (and always, when no date is asked for). Claims
are aggregated into one edge per (subject, predicate, object) of canonical entities, read from
the relation index (store/relation_index.py) rather than from every claim. A claim that later
contrary evidence ends (resolve/changes.py) holds until that evidence begins: the index cuts its
days there, and an edge whose claims all end says where and by which claims.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    func,
    select,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from factions.model import CERTAINTY_GRADES
from factions.partial_date import OPEN_END, OPEN_START, query_days
from factions.query.common import (
    BadQuery,
    Canon,
    chunks,
    date_bounds,
    grades_at_least,
)
from factions.store import schema
from factions.store.dialect import one_of
from factions.store.relation_index import reaching_ranges, starting_ranges
from factions.vocabulary import vocabulary


@dataclass
class NetworkNode:
    id: str
    name: str
    type: str | None
    degree: int
    weight: int


@dataclass
class NetworkEdge:
    subject: str
    subject_name: str
    predicate: str
    object: str
    object_name: str
    weight: int
    certainty: str
    speakers: list[str]
    outlets: list[str]
    claims: list[str]
    documents: int
    valid_from: str | None
    valid_to: str | None
    first_reported: str | None
    last_reported: str | None
    # When every claim of the edge is ended by later contrary evidence (inferred;
    # resolve/changes.py): where, and the claims that end it.
    ended_on: str | None = None
    ended_by: list[str] = field(default_factory=list)


@dataclass
class Network:
    as_of: str | None
    date_from: str | None
    date_to: str | None
    predicates: list[str] | None
    min_certainty: str | None
    limit: int | None = None
    total_edges: int = 0
    nodes: list[NetworkNode] = field(default_factory=list)
    edges: list[NetworkEdge] = field(default_factory=list)


def parse_predicates(value: str | list[str] | None) -> list[str] | None:
    """'ally_of,fights' or a list of them -> a list; None or empty means every predicate.

    A name the vocabulary does not know is refused (BadQuery) rather than matching nothing."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    found = [p.strip() for item in items for p in item.split(",") if p.strip()]
    known = vocabulary().predicates
    unknown = [p for p in found if p not in known]
    if unknown:
        raise BadQuery(f"unknown predicate '{unknown[0]}' (one of: {', '.join(sorted(known))})")
    return found or None


_GRADE_RANK = {grade: rank for rank, grade in enumerate(CERTAINTY_GRADES)}


def _grade_rank(certainty: ColumnElement[str]) -> ColumnElement[int]:
    """SQL: the grade's place in CERTAINTY_GRADES, strongest 0; an unknown grade last."""
    return case(_GRADE_RANK, value=certainty, else_=len(_GRADE_RANK))


# The period asked for, bound at execution: the statements below are built once per shape of
# query and reused (building one costs about as much as SQLite's reading the index).
_FIRST_DAY = bindparam("first_day", type_=Integer)
_LAST_DAY = bindparam("last_day", type_=Integer)


def _kind_filter(
    table: Table, predicates: tuple[str, ...] | None, grades: tuple[str, ...] | None
) -> list[ColumnElement[bool]]:
    conditions = []
    if predicates:
        conditions.append(table.c.predicate.in_(predicates))
    if grades:
        conditions.append(table.c.certainty.in_(grades))
    return conditions


def _ranked_edges(
    dated: bool,
    predicates: tuple[str, ...] | None,
    grades: tuple[str, ...] | None,
    limit: int | None,
    once: bool = False,
) -> Select:
    """SQL: the heaviest edges with a claim valid during the period, with the count of all such.

    Rows are (edge id, weight, total). Over all time (not `dated`) each edge's stored totals
    are summed. For a period the database reads the stored stretches of each edge that meet
    it, never the claims: a stretch holding the period's first day brings the weight of all
    its claims, a later one only that of the claims starting in it, so every claim counts
    once. What the claims say (and how many there are) is read later, for the heaviest edges
    only.
    """
    if not dated:
        # Each edge's totals per grade, stored in edge order: grouped without a sort.
        totals = schema.edge_totals
        grouped = (
            select(
                totals.c.edge,
                func.sum(totals.c.weight).label("weight"),
                *([func.max(_symmetric_flag(totals)).label("symmetric")] if once else []),
            )
            .where(*_kind_filter(totals, predicates, grades))
            .group_by(totals.c.edge)
        )
        return _heaviest(grouped, limit, once)
    table = schema.edge_spans
    filters = _kind_filter(table, predicates, grades)
    # Each length class read on its own from the covering index, the stretches holding the
    # first day apart from those starting later (no CASE to weigh them), then grouped by the
    # edge's integer id: much cheaper than by its three text ids.
    # With `once`, each row says whether its relation is symmetric (an integer: cheap to carry).
    kind = [_symmetric_flag(table).label("symmetric")] if once else []
    meeting = union_all(
        *(
            select(table.c.edge, table.c.weight, *kind).where(days_range, *filters)
            for days_range in reaching_ranges(table, _FIRST_DAY)
        ),
        *(
            select(table.c.edge, table.c.new_weight, *kind).where(days_range, *filters)
            for days_range in starting_ranges(table, _FIRST_DAY, _LAST_DAY)
        ),
    ).subquery("meeting")
    grouped = select(
        meeting.c.edge,
        func.sum(meeting.c.weight).label("weight"),
        *([func.max(meeting.c.symmetric).label("symmetric")] if once else []),
    ).group_by(meeting.c.edge)
    return _heaviest(grouped, limit, once)


def _symmetric_flag(table: Table) -> ColumnElement[int]:
    """SQL: 1 when the row's predicate is symmetric, else 0."""
    return case((table.c.predicate.in_(sorted(vocabulary().symmetric)), 1), else_=0)


def _heaviest(grouped: Select, limit: int | None, once: bool = False) -> Select:
    """SQL: the `limit` heaviest of the grouped edges, each row carrying how many there were.

    The groups are materialized once, then counted and ranked: cheaper than a window count,
    which keeps every group through the sort. With `once`, of a symmetric relation present
    both ways only the direction whose subject sorts first is kept (its claims are read both
    ways later), so that it is ranked and counted once.
    """
    groups = grouped.cte("edge_groups").prefix_with("MATERIALIZED")
    if once:
        # The symmetric edges among the groups (few), and the second halves of their pairs.
        paired = (
            select(groups.c.edge)
            .where(groups.c.symmetric == 1)
            .cte("symmetric_groups")
            .prefix_with("MATERIALIZED")
        )
        ours, theirs = schema.edges.alias("ours"), schema.edges.alias("theirs")
        reverse = paired.alias("reverse")
        second = (
            select(paired.c.edge)
            .select_from(
                paired.join(ours, ours.c.id == paired.c.edge)
                .join(
                    theirs,
                    and_(
                        theirs.c.subject == ours.c.object,
                        theirs.c.predicate == ours.c.predicate,
                        theirs.c.object == ours.c.subject,
                    ),
                )
                .join(reverse, reverse.c.edge == theirs.c.id)
            )
            .where(ours.c.subject > ours.c.object)
        )
        groups = (
            select(groups)
            .where(groups.c.edge.not_in(second))
            .cte("kept_groups")
            .prefix_with("MATERIALIZED")
        )
    total = select(func.count()).select_from(groups).scalar_subquery()
    heaviest = select(groups, total.label("total")).order_by(groups.c.weight.desc(), groups.c.edge)
    # One row at least, which carries the total.
    return heaviest if limit is None else heaviest.limit(max(limit, 1))


# Joins the ids and names of one edge's claims; none of them contains it.
_SEPARATOR = "\x1f"


def _split(value: str | None) -> list[str]:
    return [item for item in (value or "").split(_SEPARATOR) if item]


class _EdgeRow(NamedTuple):
    """A row of the network statement, its columns in order."""

    subject: str
    predicate: str
    object: str
    weight: int
    total: int
    grade: int
    claim_ids: str | None
    speakers: str | None
    outlets: str | None
    documents: int
    valid_from: str | None
    valid_to: str | None
    first_reported: str | None
    last_reported: str | None


@lru_cache(maxsize=128)
def _network_statement(
    dated: bool,
    predicates: tuple[str, ...] | None,
    grades: tuple[str, ...] | None,
    limit: int | None,
    once: bool = False,
) -> Select:
    """SQL: each of the heaviest edges with what its claims valid during the period say.

    One statement, so that the edges' keys never travel to Python and back.
    """
    edges = schema.edges
    spans = schema.relation_spans
    key = (edges.c.subject, edges.c.predicate, edges.c.object)
    aggregates = (
        func.min(_grade_rank(spans.c.certainty)).label("grade"),
        func.aggregate_strings(spans.c.claim_id, _SEPARATOR).label("claim_ids"),
        func.aggregate_strings(spans.c.attributed_to, _SEPARATOR).label("speakers"),
        func.aggregate_strings(spans.c.outlet, _SEPARATOR).label("outlets"),
        func.count(spans.c.document_id.distinct()).label("documents"),
        func.min(spans.c.valid_from).label("valid_from"),
        func.max(spans.c.valid_to).label("valid_to"),
        func.min(spans.c.reported).label("first_reported"),
        func.max(spans.c.reported).label("last_reported"),
    )
    # Plain comparisons: the edges, not the dates, drive the join with the claims' spans.
    meets = (
        spans.c.day_first <= _LAST_DAY,
        spans.c.day_last >= _FIRST_DAY,
        *([spans.c.certainty.in_(grades)] if grades else []),
    )
    if once:
        return _network_once_statement(dated, predicates, grades, limit, aggregates, meets)
    ranked = _ranked_edges(dated, predicates, grades, limit).subquery("heaviest")
    return (
        select(*key, ranked.c.weight, ranked.c.total, *aggregates)
        .select_from(
            ranked.join(edges, edges.c.id == ranked.c.edge).join(
                spans,
                and_(
                    spans.c.subject == edges.c.subject,
                    spans.c.predicate == edges.c.predicate,
                    spans.c.object == edges.c.object,
                    *meets,
                ),
            )
        )
        .group_by(ranked.c.edge, *key, ranked.c.weight, ranked.c.total)
        .order_by(ranked.c.weight.desc(), ranked.c.edge)
    )


def _network_once_statement(
    dated: bool,
    predicates: tuple[str, ...] | None,
    grades: tuple[str, ...] | None,
    limit: int | None,
    aggregates: tuple[ColumnElement, ...],
    meets: tuple[ColumnElement[bool], ...],
) -> Select:
    """SQL: as _network_statement, a symmetric relation once: each edge kept gathers the
    claims of its own key and, when symmetric, of the other direction's."""
    edges, spans = schema.edges, schema.relation_spans
    ranked = (
        _ranked_edges(dated, predicates, grades, limit, once=True)
        .cte("heaviest")
        .prefix_with("MATERIALIZED")
    )
    carried = (ranked.c.edge, ranked.c.weight, ranked.c.total)
    own = select(
        *carried,
        edges.c.subject.label("subject"),
        edges.c.predicate.label("predicate"),
        edges.c.object.label("object"),
    ).join_from(ranked, edges, edges.c.id == ranked.c.edge)
    other = (
        select(*carried, edges.c.object, edges.c.predicate, edges.c.subject)
        .join_from(ranked, edges, edges.c.id == ranked.c.edge)
        .where(ranked.c.symmetric == 1)
    )
    ends = union_all(own, other).subquery("ends")
    key = (edges.c.subject, edges.c.predicate, edges.c.object)
    return (
        select(*key, ends.c.weight, ends.c.total, *aggregates)
        .select_from(
            ends.join(edges, edges.c.id == ends.c.edge).join(
                spans,
                and_(
                    spans.c.subject == ends.c.subject,
                    spans.c.predicate == ends.c.predicate,
                    spans.c.object == ends.c.object,
                    *meets,
                ),
            )
        )
        .group_by(ends.c.edge, *key, ends.c.weight, ends.c.total)
        .order_by(ends.c.weight.desc(), ends.c.edge)
    )


def actor_network(
    conn: Connection,
    *,
    as_of: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    predicates: str | list[str] | None = None,
    min_certainty: str | None = None,
    limit: int | None = None,
    symmetric_once: bool = False,
) -> Network:
    """Actors and the relation claims between them valid at a date or over an interval.

    Edge weight is the number of evidence sentences; certainty the strongest among its claims.
    Negated claims ("X is not allied with Y") are left out: they are not edges. Edges come
    heaviest first; `limit` keeps that many (`total_edges` says how many there were).

    A symmetric relation is stored both ways ("X ally of Y", "Y ally of X"), two edges; with
    `symmetric_once` each such pair is one edge, from the subject that sorts first (ranked by
    that direction's weight: both directions come from the same sentences; its claims those of
    both directions), counted once in `total_edges`.
    """
    if limit is not None and limit < 0:
        raise BadQuery("limit must be 0 or more")
    lower, upper = date_bounds(as_of, date_from, date_to)
    wanted = parse_predicates(predicates)
    grades = grades_at_least(min_certainty)
    days = query_days(lower, upper)
    statement = _network_statement(
        days != (OPEN_START, OPEN_END),
        tuple(wanted) if wanted else None,
        tuple(grades) if grades else None,
        limit,
        symmetric_once,
    )
    result = conn.execute(statement, {"first_day": days[0], "last_day": days[1]})
    # Plain named tuples: a SQLAlchemy row's attributes cost a microsecond each to read.
    assert tuple(result.keys()) == _EdgeRow._fields
    rows = [_EdgeRow._make(row) for row in result]
    total = rows[0].total if rows else 0
    rows = rows if limit is None else rows[:limit]
    # Speakers are machine ids (linked to their canonical entity here); ends are canonical.
    speakers = Canon(conn).many(i for r in rows for i in _split(r.speakers))
    names = _names(conn, {i for r in rows for i in (r.subject, r.object)} | set(speakers.values()))
    ends = _ends(conn, [c for r in rows for c in _split(r.claim_ids)])
    edges = []
    for r in rows:
        claim_ids = sorted(_split(r.claim_ids))
        ended = [ends[c] for c in claim_ids if c in ends]
        all_ended = bool(claim_ids) and len(ended) == len(claim_ids)
        said_by = {names.get(speakers[i], (None,))[0] for i in _split(r.speakers)}
        edges.append(
            NetworkEdge(
                subject=r.subject,
                subject_name=names.get(r.subject, (r.subject,))[0],
                predicate=r.predicate,
                object=r.object,
                object_name=names.get(r.object, (r.object,))[0],
                weight=int(r.weight),
                certainty=CERTAINTY_GRADES[r.grade],
                speakers=sorted(s for s in said_by if s),
                outlets=sorted(set(_split(r.outlets))),
                claims=claim_ids,
                documents=r.documents,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                first_reported=r.first_reported,
                last_reported=r.last_reported,
                ended_on=max((e[0] for e in ended if e[0]), default=None) if all_ended else None,
                ended_by=sorted({e[1] for e in ended}) if all_ended else [],
            )
        )
    return Network(
        as_of=as_of,
        date_from=lower if not as_of else None,
        date_to=upper if not as_of else None,
        predicates=wanted,
        min_certainty=min_certainty,
        limit=limit,
        total_edges=total,
        nodes=_nodes(edges, names),
        edges=edges,
    )


def _ends(conn: Connection, claim_ids: list[str]) -> dict[str, tuple[str | None, str]]:
    """Claim id -> (where it ends, the claim that ends it), for claims later evidence ends."""
    table = schema.inferred_ends
    found: dict[str, tuple[str | None, str]] = {}
    for batch in chunks(sorted(set(claim_ids))):
        found.update(
            (claim_id, (ended_on, ended_by))
            for claim_id, ended_on, ended_by in conn.execute(
                select(table.c.claim_id, table.c.ended_on, table.c.ended_by).where(
                    one_of(conn, table.c.claim_id, batch)
                )
            )
        )
    return found


def _names(conn: Connection, ids: set[str]) -> dict[str, tuple[str, str]]:
    """Entity id -> (name, type), two columns only: an edge list needs no more."""
    entities = schema.entities
    found: dict[str, tuple[str, str]] = {}
    for batch in chunks(sorted(ids)):
        found.update(
            (i, (name, kind))
            for i, name, kind in conn.execute(
                select(entities.c.id, entities.c.name, entities.c.type).where(
                    one_of(conn, entities.c.id, batch)
                )
            )
        )
    return found


def _nodes(edges: list[NetworkEdge], names: dict[str, tuple[str, str]]) -> list[NetworkNode]:
    degree: dict[str, int] = defaultdict(int)
    weight: dict[str, int] = defaultdict(int)
    for edge in edges:
        for end in (edge.subject, edge.object):
            degree[end] += 1
            weight[end] += edge.weight
    return sorted(
        (
            NetworkNode(
                id=node,
                name=names.get(node, (node,))[0],
                type=names.get(node, (None, None))[1],
                degree=degree[node],
                weight=weight[node],
            )
            for node in degree
        ),
        key=lambda n: (-n.weight, n.name),
    )


__all__ = ["BadQuery", "Network", "NetworkEdge", "NetworkNode", "actor_network"]
