"""Search: full text over the evidence sentences, and names with typo tolerance.

A misspelt name ("Yuldashov") still finds its entity by fuzzy matching over every alias, and
the sentences that mention it by searching for the alias it matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, select

from factions.query.common import Canon, chunks, page
from factions.query.labels import event_labels, is_event_predicate, predicate_label
from factions.query.lookup import closest_names
from factions.store import schema
from factions.store.dialect import one_of, search_evidence_ids

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass
class EntityHit:
    id: str
    name: str
    type: str | None
    matched: str
    score: float


@dataclass
class EvidenceHit:
    evidence_id: int
    kind: str
    owner: str
    summary: str
    document: str
    title: str | None
    outlet: str | None
    published: str | None
    text: str
    matched: str


@dataclass
class SearchResult:
    query: str
    entities: list[EntityHit]
    evidence: list[EvidenceHit]


def search_words(text: str) -> list[str]:
    """The words of free text, each to be found in a sentence (no operator syntax)."""
    return _WORD.findall(text)


def _entity_hits(conn: Connection, canon: Canon, text: str, limit: int) -> list[EntityHit]:
    aliases: dict[str, set[str]] = {}
    for entity_id, alias in conn.execute(
        select(schema.aliases.c.entity_id, schema.aliases.c.alias)
    ):
        aliases.setdefault(alias, set()).add(entity_id)
    hits: dict[str, EntityHit] = {}
    for alias, score in closest_names(text, list(aliases), limit=limit * 3):
        for entity_id in sorted(aliases[alias]):
            canonical = canon.of(entity_id) or entity_id
            if canonical not in hits or hits[canonical].score < score:
                hits[canonical] = EntityHit(
                    canonical,
                    canon.name(canonical) or canonical,
                    canon.type(canonical),
                    alias,
                    score,
                )
    return sorted(hits.values(), key=lambda h: (-h.score, h.name))[:limit]


def _owner_summaries(conn: Connection, canon: Canon, kind: str, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    table = schema.claims if kind == "claim" else schema.events
    for batch in chunks(ids):
        for row in conn.execute(select(table).where(one_of(conn, table.c.id, batch))).mappings():
            if kind == "claim":
                other = canon.name(canon.of(row["object"])) if row["object"] else row["value"]
                if is_event_predicate(row["predicate"]):
                    event = row["object"] or row["value"]
                    other = event_labels(conn, [event], canon).get(event, other)
                found[row["id"]] = (
                    f"{canon.name(canon.of(row['subject']))} "
                    f"{predicate_label(row['predicate'])} {other}"
                )
            else:
                place = canon.name(canon.of(row["place"])) if row["place"] else None
                found[row["id"]] = f"{row['sub_event_type']} {row['date'] or 'undated'}" + (
                    f" in {place}" if place else ""
                )
    return found


def _evidence_hits(  # type: ignore[no-untyped-def]
    conn: Connection, canon: Canon, queries: list[tuple[list[str], str]], limit: int
):
    order: list[tuple[int, str]] = []
    seen: set[int] = set()
    for words, matched in queries:
        for evidence_id in search_evidence_ids(conn, words, limit):
            if evidence_id not in seen:
                seen.add(evidence_id)
                order.append((evidence_id, matched))
    order = order[:limit]
    rows = {}
    for batch in chunks([str(i) for i, _ in order]):
        for row in conn.execute(
            select(
                schema.evidence,
                schema.documents.c.title,
                schema.documents.c.outlet,
                schema.documents.c.published,
            )
            .select_from(
                schema.evidence.join(
                    schema.documents, schema.documents.c.id == schema.evidence.c.document_id
                )
            )
            .where(schema.evidence.c.id.in_([int(i) for i in batch]))
        ).mappings():
            rows[row["id"]] = row
    summaries: dict[str, str] = {}
    for kind in ("claim", "event"):
        owners = [r["owner_id"] for r in rows.values() if r["owner_kind"] == kind]
        summaries.update(_owner_summaries(conn, canon, kind, owners))
    return [
        EvidenceHit(
            evidence_id=i,
            kind=rows[i]["owner_kind"],
            owner=rows[i]["owner_id"],
            summary=summaries.get(rows[i]["owner_id"], ""),
            document=rows[i]["document_id"],
            title=rows[i]["title"],
            outlet=rows[i]["outlet"],
            published=rows[i]["published"],
            text=rows[i]["text"],
            matched=matched,
        )
        for i, matched in order
        if i in rows
    ]


def search(conn: Connection, text: str, *, limit: int = 20) -> SearchResult:
    """Entities whose names are close to the text, and evidence sentences containing it.

    When the words themselves find no sentence, the aliases they fuzzily match are searched.
    """
    limit, _ = page(limit, 0)
    canon = Canon(conn)
    entities = _entity_hits(conn, canon, text, limit or 0) if text.strip() else []
    queries: list[tuple[list[str], str]] = []
    own = search_words(text)
    if own:
        queries.append((own, text))
    for hit in entities:
        alias_words = search_words(hit.matched)
        if alias_words and hit.matched.casefold() != text.casefold():
            queries.append((alias_words, hit.matched))
    evidence = _evidence_hits(conn, canon, queries, limit or 0) if limit else []
    return SearchResult(query=text, entities=entities, evidence=evidence)
