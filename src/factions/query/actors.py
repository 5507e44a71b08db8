"""Listing actors: canonical entities, optionally matching a name, most mentioned first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from factions.query.common import ACTOR_TYPES, BadQuery, Canon, chunks, page
from factions.query.lookup import closest_names
from factions.store import schema
from factions.store.dialect import one_of


@dataclass
class ActorRow:
    id: str
    name: str
    type: str
    aliases: list[str]
    mentions: int


@dataclass
class ActorPage:
    total: int
    limit: int | None
    offset: int
    actors: list[ActorRow]
    suggestions: list[str]


def _matching_ids(conn: Connection, q: str, types: tuple[str, ...]) -> list[str]:
    statement = (
        select(schema.aliases.c.entity_id)
        .join(schema.entities, schema.entities.c.id == schema.aliases.c.entity_id)
        .where(schema.entities.c.type.in_(types))
        .distinct()
    )
    if q:
        # autoescape: '%' and '_' in a name are the characters themselves, not LIKE wildcards.
        statement = statement.where(
            func.lower(schema.aliases.c.alias).contains(q.lower(), autoescape=True)
        )
    return list(conn.execute(statement).scalars())


def list_actors(
    conn: Connection,
    q: str | None = None,
    *,
    type: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> ActorPage:
    """Canonical actors whose name or an alias contains `q`, most mentioned first.

    When nothing contains `q`, `suggestions` holds the closest names.
    """
    limit, offset = page(limit, offset)
    if type and type not in ACTOR_TYPES:
        raise BadQuery(f"unknown actor type '{type}' (one of: {', '.join(ACTOR_TYPES)})")
    types = (type,) if type else ACTOR_TYPES
    canon = Canon(conn)
    ids = _matching_ids(conn, (q or "").strip(), types)
    canonical = canon.many(ids)
    wanted = sorted({c for c in canonical.values() if canon.type(c) in types})
    suggestions: list[str] = []
    if q and not wanted:
        aliases = sorted(
            set(
                conn.execute(
                    select(schema.aliases.c.alias)
                    .join(schema.entities, schema.entities.c.id == schema.aliases.c.entity_id)
                    .where(schema.entities.c.type.in_(types))
                ).scalars()
            )
        )
        suggestions = [a for a, _ in closest_names(q, aliases)]
    members: dict[str, list[str]] = {c: canon.members(c) for c in wanted}
    owner = {m: c for c, ms in members.items() for m in ms}
    counts: dict[str, int] = defaultdict(int)
    aliases_of: dict[str, set[str]] = defaultdict(set)
    for batch in chunks(list(owner)):
        for entity_id, count in conn.execute(
            select(schema.mentions.c.entity_id, func.count())
            .where(one_of(conn, schema.mentions.c.entity_id, batch))
            .group_by(schema.mentions.c.entity_id)
        ):
            counts[owner[entity_id]] += count
        for entity_id, alias in conn.execute(
            select(schema.aliases.c.entity_id, schema.aliases.c.alias).where(
                one_of(conn, schema.aliases.c.entity_id, batch)
            )
        ):
            aliases_of[owner[entity_id]].add(alias)
    rows = sorted(
        (
            ActorRow(
                id=c,
                name=canon.name(c) or c,
                type=canon.type(c) or "",
                aliases=sorted(aliases_of[c] - {canon.name(c)}),
                mentions=counts[c],
            )
            for c in wanted
        ),
        key=lambda r: (-r.mentions, r.name),
    )
    window = rows[offset : offset + limit if limit is not None else None]
    return ActorPage(
        total=len(rows), limit=limit, offset=offset, actors=window, suggestions=suggestions
    )
