"""The network of actors as of a date or over an interval: who allied with, fought or led whom.

A claim is valid at a date D when valid_from <= D <= valid_to, comparing at the shorter of the
two precisions, a missing bound being open. A claim with no dates at all holds at its
document's publication date (and always, when no date is asked for). Claims are aggregated
into one edge per (subject, predicate, object) of canonical entities.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, func, select

from factions.query.common import (
    BadQuery,
    Canon,
    chunks,
    claim_validity,
    date_bounds,
    grades_at_least,
    sql_not_after,
    sql_not_before,
    strongest,
    within,
)
from factions.store import schema


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


def _claim_rows(
    conn: Connection,
    lower: str | None,
    upper: str | None,
    predicates: list[str] | None,
    grades: list[str] | None,
) -> list[dict]:
    start, end = claim_validity()
    conditions = [schema.claims.c.object.is_not(None), schema.claims.c.polarity.is_(True)]
    if predicates:
        conditions.append(schema.claims.c.predicate.in_(predicates))
    if grades:
        conditions.append(schema.claims.c.certainty.in_(grades))
    if upper:
        conditions.append(sql_not_after(start, upper))
    if lower:
        conditions.append(sql_not_before(end, lower))
    statement = (
        select(
            schema.claims.c.id,
            schema.claims.c.subject,
            schema.claims.c.predicate,
            schema.claims.c.object,
            schema.claims.c.certainty,
            schema.claims.c.attributed_to,
            schema.claims.c.document_id,
            schema.documents.c.outlet,
            schema.documents.c.published,
            schema.claims.c.valid_from,
            schema.claims.c.valid_to,
            start.label("start"),
            end.label("end"),
        )
        .select_from(
            schema.claims.join(
                schema.documents, schema.documents.c.id == schema.claims.c.document_id
            )
        )
        .where(and_(*conditions))
    )
    # Sorted here: ORDER BY id would walk the primary key index instead of the table.
    rows = sorted((dict(r) for r in conn.execute(statement).mappings()), key=lambda r: r["id"])
    # SQL keeps a superset for ISO-week dates; the exact test runs here.
    return [r for r in rows if within(r["start"], r["end"], lower, upper)]


def _evidence_counts(conn: Connection, claim_ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for batch in chunks(claim_ids):
        counts.update(
            conn.execute(
                select(schema.evidence.c.owner_id, func.count())
                .where(schema.evidence.c.owner_kind == "claim")
                .where(schema.evidence.c.owner_id.in_(batch))
                .group_by(schema.evidence.c.owner_id)
            ).all()
        )
    return counts


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
    rows = _claim_rows(conn, lower, upper, wanted, grades)
    canon = Canon(conn)
    canonical = canon.many(i for r in rows for i in (r["subject"], r["object"], r["attributed_to"]))
    canon.prefetch(canonical.values())
    weights = _evidence_counts(conn, [r["id"] for r in rows])
    grouped: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        key = (canonical[r["subject"]], r["predicate"], canonical[r["object"]])
        grouped[key].append(r)
    edges = []
    for (subject, predicate, obj), claims in sorted(grouped.items()):
        speakers = {canon.name(canonical[c["attributed_to"]]) for c in claims if c["attributed_to"]}
        edges.append(
            NetworkEdge(
                subject=subject,
                subject_name=canon.name(subject) or subject,
                predicate=predicate,
                object=obj,
                object_name=canon.name(obj) or obj,
                weight=sum(max(weights.get(c["id"], 0), 1) for c in claims),
                certainty=strongest(c["certainty"] for c in claims),
                speakers=sorted(s for s in speakers if s),
                outlets=sorted({c["outlet"] for c in claims if c["outlet"]}),
                claims=[c["id"] for c in claims],
                documents=len({c["document_id"] for c in claims}),
                valid_from=_earliest([c["valid_from"] for c in claims]),
                valid_to=_latest([c["valid_to"] for c in claims]),
                first_reported=_earliest([c["published"] for c in claims]),
                last_reported=_latest([c["published"] for c in claims]),
            )
        )
    total = len(edges)
    edges.sort(key=lambda e: (-e.weight, e.subject_name, e.predicate, e.object_name))
    if limit is not None:
        edges = edges[:limit]
    return Network(
        as_of=as_of,
        date_from=lower if not as_of else None,
        date_to=upper if not as_of else None,
        predicates=wanted,
        min_certainty=min_certainty,
        limit=limit,
        total_edges=total,
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
