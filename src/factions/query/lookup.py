"""Finding the entity a user means by a name, an alias or an id, with 'did you mean' hints."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils
from sqlalchemy import Connection, func, select

from factions.query.common import Canon, chunks
from factions.store import schema
from factions.store.dialect import one_of

# Short names (acronyms) are compared whole: WRatio would match "imu" inside "Hakimullah".
_SHORT = 5


class NoSuchEntity(LookupError):
    """No entity matches a name; carries the closest names for a 'did you mean'."""

    def __init__(self, name: str, suggestions: list[str], kind: str = "entity") -> None:
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no {kind} matches '{name}'{hint}")
        self.name = name
        self.kind = kind
        self.suggestions = suggestions


def closest_names(name: str, choices: Sequence[str], limit: int = 3) -> list[tuple[str, float]]:
    """The choices nearest to a name, best first, with scores out of 100."""
    short = len(name.strip()) <= _SHORT
    scorer = fuzz.ratio if short else fuzz.WRatio
    found = process.extract(
        name,
        choices,
        scorer=scorer,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=60 if short else 75,
    )
    return [(choice, score) for choice, score, _ in found]


def _alias_rows(conn: Connection, types: Sequence[str] | None) -> list[tuple[str, str]]:
    statement = select(schema.aliases.c.entity_id, schema.aliases.c.alias)
    if types:
        statement = statement.join(
            schema.entities, schema.entities.c.id == schema.aliases.c.entity_id
        ).where(schema.entities.c.type.in_(types))
    return [(r[0], r[1]) for r in conn.execute(statement)]


def _exact_alias_ids(conn: Connection, name: str, types: Sequence[str] | None) -> list[str]:
    wanted = name.casefold().strip()
    statement = select(schema.aliases.c.entity_id, schema.aliases.c.alias).where(
        func.lower(schema.aliases.c.alias) == name.strip().lower()
    )
    rows = conn.execute(statement).all()
    if not rows and not name.isascii():
        # SQLite's lower() folds ASCII only; compare every alias in Python instead.
        rows = _alias_rows(conn, None)
    ids = sorted({entity_id for entity_id, alias in rows if alias.casefold() == wanted})
    if types and ids:
        typed = set()
        for batch in chunks(ids):
            typed.update(
                conn.execute(
                    select(schema.entities.c.id).where(
                        one_of(conn, schema.entities.c.id, batch), schema.entities.c.type.in_(types)
                    )
                ).scalars()
            )
        ids = [i for i in ids if i in typed]
    return ids


def _mention_counts(conn: Connection, ids: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for batch in chunks(ids):
        counts.update(
            conn.execute(
                select(schema.entities.c.id, schema.entities.c.mentions).where(
                    one_of(conn, schema.entities.c.id, batch)
                )
            ).all()
        )
    return counts


def suggestions_for(
    conn: Connection, name: str, types: Sequence[str] | None = None, limit: int = 3
) -> list[str]:
    """Names close to one that matched nothing."""
    aliases = sorted({alias for _, alias in _alias_rows(conn, types)})
    return [alias for alias, _ in closest_names(name, aliases, limit)]


def find_entity(
    conn: Connection,
    name: str,
    *,
    types: Sequence[str] | None = None,
    kind: str = "entity",
    canon: Canon | None = None,
) -> str:
    """The canonical id of the entity a name, alias or id refers to; raises NoSuchEntity.

    Among several entities sharing an alias, the most mentioned wins.
    """
    canon = canon or Canon(conn)
    by_id = conn.execute(select(schema.entities.c.id).where(schema.entities.c.id == name)).first()
    if by_id and (not types or canon.type(by_id[0]) in types):
        return canon.of(by_id[0]) or by_id[0]
    ids = _exact_alias_ids(conn, name, types)
    if ids:
        counts = _mention_counts(conn, ids)
        best = max(ids, key=lambda i: (counts.get(i, 0), i))
        return canon.of(best) or best
    raise NoSuchEntity(name, suggestions_for(conn, name, types), kind)
