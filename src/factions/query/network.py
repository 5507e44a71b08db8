"""The network of actors as of a date or over an interval: who allied with, fought or led whom.

A claim is valid at a date D when its period [valid_from, valid_to] meets D's (so dates compare
at the shorter of the two precisions), a missing bound being open. A claim with no dates at
all holds at its document's publication date (and always, when no date is asked for). Claims
are aggregated into one edge per (subject, predicate, object) of canonical entities, read from
the relation index (store/relations.py) rather than from every claim.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, Table, func, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from factions.periods import OPEN_END, OPEN_START, query_days
from factions.query.common import (
    BadQuery,
    Canon,
    date_bounds,
    grades_at_least,
    strongest,
)
from factions.store import schema
from factions.store.relations import EdgeKey, overlapping

GradedKey = tuple[str, str, str, str]


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
    """'ally_of,fights' or a list of them -> a list; None or empty means every predicate."""
    if value is None:
        return None
    items = value if isinstance(value, list) else [value]
    found = [p.strip() for item in items for p in item.split(",") if p.strip()]
    return found or None


@dataclass
class _Totals:
    claims: int = 0
    weight: int = 0
    grades: set[str] = field(default_factory=set)


def _spans_filter(
    table: Table,
    days: tuple[int, int],
    predicates: list[str] | None,
    grades: list[str] | None,
) -> list[ColumnElement[bool]]:
    conditions = []
    if days != (OPEN_START, OPEN_END):
        conditions.append(overlapping(table, *days))
    if predicates:
        conditions.append(table.c.predicate.in_(predicates))
    if grades:
        conditions.append(table.c.certainty.in_(grades))
    return conditions


def _claim_totals(
    conn: Connection,
    days: tuple[int, int],
    predicates: list[str] | None,
    grades: list[str] | None,
    edges: list[GradedKey] | None = None,
) -> dict[GradedKey, tuple[int, int]]:
    """(edge, grade) -> (claims, weight), counted claim by claim."""
    table = schema.relation_spans
    key = (table.c.subject, table.c.predicate, table.c.object, table.c.certainty)
    conditions = _spans_filter(table, days, predicates, grades)
    statement = select(*key, func.count(), func.sum(table.c.weight)).group_by(*key)
    if edges is None:
        return {tuple(r[:4]): (r[4], r[5]) for r in conn.execute(statement.where(*conditions))}
    found: dict[GradedKey, tuple[int, int]] = {}
    for start in range(0, len(edges), 200):
        batch = edges[start : start + 200]
        found.update(
            (tuple(r[:4]), (r[4], r[5]))
            for r in conn.execute(statement.where(*conditions, tuple_(*key).in_(batch)))
        )
    return found


def _edge_totals(
    conn: Connection,
    days: tuple[int, int],
    predicates: list[str] | None,
    grades: list[str] | None,
) -> dict[EdgeKey, _Totals]:
    """Each edge with a claim valid during `days`: its claims, evidence and grades.

    Reads one stored span per edge and grade where the same claims hold all through `days`;
    an edge whose claims change during `days` is recounted from its claims.
    """
    if days == (OPEN_START, OPEN_END):
        counts = _claim_totals(conn, days, predicates, grades)
    else:
        table = schema.edge_spans
        spans: dict[GradedKey, list[tuple[int, int]]] = defaultdict(list)
        for s, p, o, grade, claims, weight in conn.execute(
            select(
                table.c.subject,
                table.c.predicate,
                table.c.object,
                table.c.certainty,
                table.c.claims,
                table.c.weight,
            ).where(*_spans_filter(table, days, predicates, grades))
        ):
            spans[(s, p, o, grade)].append((claims, weight))
        counts = {key: found[0] for key, found in spans.items() if len(found) == 1}
        changing = sorted(key for key, found in spans.items() if len(found) > 1)
        if changing:
            counts.update(_claim_totals(conn, days, predicates, grades, changing))
    totals: dict[EdgeKey, _Totals] = defaultdict(_Totals)
    for (s, p, o, grade), (claims, weight) in counts.items():
        edge = totals[(s, p, o)]
        edge.claims += claims
        edge.weight += weight
        edge.grades.add(grade)
    return totals


def _edge_claims(
    conn: Connection,
    edges: list[EdgeKey],
    days: tuple[int, int],
    grades: list[str] | None,
) -> dict[EdgeKey, list[dict]]:
    """The claims behind each edge valid during `days`, with their documents."""
    spans, claims, documents = schema.relation_spans, schema.claims, schema.documents
    key = tuple_(spans.c.subject, spans.c.predicate, spans.c.object)
    statement = (
        select(
            spans.c.subject,
            spans.c.predicate,
            spans.c.object,
            claims.c.id,
            claims.c.certainty,
            claims.c.attributed_to,
            claims.c.document_id,
            claims.c.valid_from,
            claims.c.valid_to,
            documents.c.outlet,
            documents.c.published,
        )
        .select_from(
            spans.join(claims, claims.c.id == spans.c.claim_id).join(
                documents, documents.c.id == claims.c.document_id
            )
        )
        .where(*_spans_filter(spans, days, None, grades))
    )
    found: dict[EdgeKey, list[dict]] = defaultdict(list)
    for start in range(0, len(edges), 200):
        for row in conn.execute(statement.where(key.in_(edges[start : start + 200]))).mappings():
            found[(row["subject"], row["predicate"], row["object"])].append(dict(row))
    for rows in found.values():
        rows.sort(key=lambda r: r["id"])
    return found


def _earliest(values: list[str | None]) -> str | None:
    dated = [v for v in values if v]
    return min(dated) if dated else None


def _latest(values: list[str | None]) -> str | None:
    dated = [v for v in values if v]
    return max(dated) if dated else None


def actor_network(
    conn: Connection,
    *,
    as_of: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    predicates: str | list[str] | None = None,
    min_certainty: str | None = None,
    limit: int | None = None,
) -> Network:
    """Actors and the relation claims between them valid at a date or over an interval.

    Edge weight is the number of evidence sentences; certainty the strongest among its claims.
    Negated claims ("X is not allied with Y") are left out: they are not edges. Edges come
    heaviest first; `limit` keeps that many (`total_edges` says how many there were).
    """
    if limit is not None and limit < 0:
        raise BadQuery("limit must be 0 or more")
    lower, upper = date_bounds(as_of, date_from, date_to)
    wanted = parse_predicates(predicates)
    grades = grades_at_least(min_certainty)
    days = query_days(lower, upper)
    totals = _edge_totals(conn, days, wanted, grades)
    ranked = sorted(totals, key=lambda k: (-totals[k].weight, k))
    shown = ranked if limit is None else ranked[:limit]
    claims = _edge_claims(conn, shown, days, grades)
    canon = Canon(conn)
    canon.prefetch({i for edge in shown for i in (edge[0], edge[2])})
    speakers = canon.many(c["attributed_to"] for rows in claims.values() for c in rows)
    canon.prefetch(speakers.values())
    edges = []
    for subject, predicate, obj in shown:
        rows = claims.get((subject, predicate, obj), [])
        said_by = {canon.name(speakers[c["attributed_to"]]) for c in rows if c["attributed_to"]}
        edges.append(
            NetworkEdge(
                subject=subject,
                subject_name=canon.name(subject) or subject,
                predicate=predicate,
                object=obj,
                object_name=canon.name(obj) or obj,
                weight=totals[(subject, predicate, obj)].weight,
                certainty=strongest(totals[(subject, predicate, obj)].grades),
                speakers=sorted(s for s in said_by if s),
                outlets=sorted({c["outlet"] for c in rows if c["outlet"]}),
                claims=[c["id"] for c in rows],
                documents=len({c["document_id"] for c in rows}),
                valid_from=_earliest([c["valid_from"] for c in rows]),
                valid_to=_latest([c["valid_to"] for c in rows]),
                first_reported=_earliest([c["published"] for c in rows]),
                last_reported=_latest([c["published"] for c in rows]),
            )
        )
    return Network(
        as_of=as_of,
        date_from=lower if not as_of else None,
        date_to=upper if not as_of else None,
        predicates=wanted,
        min_certainty=min_certainty,
        limit=limit,
        total_edges=len(ranked),
        nodes=_nodes(edges, canon),
        edges=edges,
    )


def _nodes(edges: list[NetworkEdge], canon: Canon) -> list[NetworkNode]:
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
                name=canon.name(node) or node,
                type=canon.type(node),
                degree=degree[node],
                weight=weight[node],
            )
            for node in degree
        ),
        key=lambda n: (-n.weight, n.name),
    )


__all__ = ["BadQuery", "Network", "NetworkEdge", "NetworkNode", "actor_network"]
