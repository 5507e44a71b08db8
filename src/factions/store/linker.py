"""The linker: from a machine entity id to its canonical id, by following entity links.

Links are an overlay (`entity_links`: id -> the entity it is the same as); a chain of them ends
at the canonical entity. Everything that shows or exports an entity asks this one class, so a
later layer of analysts' judgements (merge, split, never-merge) changes every answer at once.

Analysts' judgements (store/judgements.py) lie over the machine links: a merge links one
canonical entity to another, a split or a never-merge takes machine links away. A linker applies
them unless asked for the machine's links alone (`judged=False`).

A linker either reads every link at once (`Linker.whole`, for rebuilds and exports) or the
links of the ids it is asked about (`Linker.lazy`, for queries that touch a few entities of a
large knowledge base).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import Connection, select

from factions.store import schema
from factions.store.dialect import one_of
from factions.store.judgements import Overlay, overlay

# Ids per IN (...) list, under every database's variable limit.
_CHUNK = 500

LinkFetcher = Callable[[set[str]], dict[str, str]]


class Linker:
    """Canonical ids, following chains of links; a loop leaves its members canonical."""

    def __init__(
        self,
        fetch: LinkFetcher | None = None,
        links: dict[str, str | None] | None = None,
        overlay: Overlay | None = None,
    ):
        self._fetch = fetch
        # What analysts decided, for the queries that show it beside the canonical ids.
        self.overlay = overlay if overlay is not None else Overlay()
        # id -> the id it is linked to, or None once we know it has no link.
        self._links: dict[str, str | None] = dict(links or {})
        self._complete = fetch is None

    @classmethod
    def whole(cls, conn: Connection, *, judged: bool = True) -> Linker:
        """Every link of the knowledge base, read once, with the analysts' over them."""
        links: dict[str, str | None] = dict(_all_links(conn))
        judgements = overlay(conn) if judged else Overlay()
        links.update(judgements.links)
        return cls(links=links, overlay=judgements)

    @classmethod
    def lazy(
        cls,
        conn: Connection,
        changes: dict[str, str | None] | None = None,
        *,
        judged: bool = True,
    ) -> Linker:
        """Links read on demand for the ids asked about; `changes` (id -> its new target, or
        None for no link) stand in for what is stored, for a resolver about to write them.
        Analysts' links win over both: they correct the machine."""
        judgements = overlay(conn) if judged else Overlay()
        links = dict(changes or {})
        links.update(judgements.links)
        return cls(fetch=lambda ids: _links_of(conn, ids), links=links, overlay=judgements)

    @classmethod
    def of_links(cls, links: dict[str, str]) -> Linker:
        return cls(links=links)

    def _load_one(self, entity_id: str) -> None:
        # Most ids asked about are known by then: no set to build for them.
        if entity_id not in self._links:
            self._load([entity_id])

    def _load(self, ids: Iterable[str]) -> None:
        if self._complete or self._fetch is None:
            return
        wanted = {i for i in ids if i and i not in self._links}
        while wanted:
            found = self._fetch(wanted)
            for entity_id in wanted:
                self._links[entity_id] = found.get(entity_id)
            wanted = {t for t in found.values() if t not in self._links}

    def canonical(self, entity_id: str) -> str:
        """The canonical id of an entity (itself when it is linked to nothing)."""
        self._load_one(entity_id)
        current = self._links.get(entity_id)
        if current is None:
            return entity_id
        self._load_one(current)
        seen = {entity_id}
        # A loop (which the resolver never writes, but an older database may hold) ends where
        # it comes back: each of its members stays canonical rather than all being hidden.
        while self._links.get(current) is not None and current not in seen:
            seen.add(current)
            current = self._links[current]  # type: ignore[assignment]
            self._load_one(current)
        return current

    def maybe(self, entity_id: str | None) -> str | None:
        return None if entity_id is None else self.canonical(entity_id)

    def many(self, ids: Iterable[str | None]) -> dict[str, str]:
        """Canonical ids of many entities, their links read in a few queries."""
        wanted = [i for i in ids if i]
        self._load(wanted)
        return {i: self.canonical(i) for i in wanted}

    def link(self, entity_id: str, target: str) -> None:
        """Record a new link (the resolver's own, before it is stored)."""
        self._links[entity_id] = target

    def is_linked(self, entity_id: str) -> bool:
        self._load([entity_id])
        return self._links.get(entity_id) is not None

    def mapping(self) -> dict[str, str]:
        """Every linked id -> its canonical id (for a whole linker: the entire overlay)."""
        result = {}
        for entity_id in list(self._links):
            target = self.canonical(entity_id)
            if target != entity_id:
                result[entity_id] = target
        return result


def _all_links(conn: Connection) -> dict[str, str]:
    return dict(
        conn.execute(
            select(schema.entity_links.c.entity_id, schema.entity_links.c.canonical_id)
        ).all()
    )


def _links_of(conn: Connection, ids: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        batch = ordered[start : start + _CHUNK]
        found.update(
            conn.execute(
                select(schema.entity_links.c.entity_id, schema.entity_links.c.canonical_id).where(
                    one_of(conn, schema.entity_links.c.entity_id, batch)
                )
            ).all()
        )
    return found


def canonical_ids(conn: Connection) -> dict[str, str]:
    """Machine entity id -> canonical id for every linked entity."""
    return Linker.whole(conn).mapping()


def members_of(conn: Connection, canonical: Iterable[str]) -> dict[str, set[str]]:
    """Canonical id -> every machine id whose canonical id it is (itself included), by walking
    the links backwards: what a claim may name to be about it."""
    wanted = sorted(set(canonical))
    linker = Linker.lazy(conn)
    found: dict[str, set[str]] = {c: {c} for c in wanted}
    frontier = set(wanted)
    seen = set(wanted)
    while frontier:
        pointing = _linked_to(conn, frontier, linker.overlay.links) - seen
        seen |= pointing
        frontier = pointing
    # A link into a chain is followed to its end, so each found id's canonical says whose it is.
    for entity_id, target in linker.many(seen).items():
        if target in found:
            found[target].add(entity_id)
    return found


def effective_members(conn: Connection, root: str, links: dict[str, str | None]) -> set[str]:
    """Every machine id whose canonical id is `root` once `links` lie over the machine's."""
    linker = Linker.lazy(conn, dict(links), judged=False)
    seen, frontier = {root}, {root}
    while frontier:
        frontier = _linked_to(conn, frontier, links) - seen
        seen |= frontier
    return {i for i in seen if linker.canonical(i) == root}


def _linked_to(
    conn: Connection, targets: set[str], overrides: dict[str, str | None] | None = None
) -> set[str]:
    """The ids linked directly to any of `targets` (analysts' links included)."""
    found: set[str] = {s for s, t in (overrides or {}).items() if t in targets}
    ordered = sorted(targets)
    for start in range(0, len(ordered), _CHUNK):
        found.update(
            conn.execute(
                select(schema.entity_links.c.entity_id).where(
                    one_of(
                        conn, schema.entity_links.c.canonical_id, ordered[start : start + _CHUNK]
                    )
                )
            ).scalars()
        )
    return found
