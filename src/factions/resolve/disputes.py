"""Claims that cannot all be true, grouped as disputes with the reason; never merged away.

- a person's fate told two incompatible ways (killed vs fled or alive);
- the same relation asserted and negated, including a deed and its denial ("the group's
  spokesman denied its fighters did it");
- two actors said to be allies and enemies over the same period.

A dispute pairs only accounts of the same time: claims whose stated times meet
(`partial_date.stated_days`: a claim's validity, an open end cut at its source's publication, an
undated claim at its source's date). An alliance "since the late 1990s" reported in 2011 and an
attack in 2015 are a change (resolve/changes.py ends the alliance), not a contradiction. Two
accounts of the same time that name different places say where: "allies in Kunduz, enemies in
Zabul" may both be true.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import Connection, select

from factions.model import stable_id
from factions.partial_date import stated_days
from factions.store import schema
from factions.vocabulary import vocabulary

# Claims whose value is an event: who carried it out, who claimed it.
EVENT_PREDICATES = vocabulary().of_kind("event")
# Places narrow a claim down: countries are too broad to tell two accounts apart.
PLACE_TYPES = ("location", "region")
INCOMPATIBLE_FATES = {
    frozenset({"killed", "fled"}),
    frozenset({"killed", "alive"}),
    frozenset({"killed", "captured"}),
    frozenset({"captured", "fled"}),
}


def find_disputes(
    conn: Connection, canonical: Callable[[str], str]
) -> list[tuple[str, str, str, list[str]]]:
    """(id, subject, reason, claim ids) for every contradiction in the knowledge base."""
    claims, documents = schema.claims, schema.documents
    rows = conn.execute(
        select(
            claims.c.id,
            claims.c.subject,
            claims.c.predicate,
            claims.c.object,
            claims.c.value,
            claims.c.polarity,
            claims.c.valid_from,
            claims.c.valid_to,
            documents.c.published,
        ).select_from(claims.join(documents, documents.c.id == claims.c.document_id))
    ).all()
    disputes = []
    fates: dict[str, list] = defaultdict(list)
    relations: dict[tuple[str, str, str], list] = defaultdict(list)
    stated: dict[str, tuple[int, int] | None] = {}
    for row in rows:
        stated[row.id] = stated_days(row.valid_from, row.valid_to, row.published)
        subject = canonical(row.subject)
        if row.predicate == "fate" and row.polarity:
            fates[subject].append(row)
        elif row.object:
            relations[(subject, row.predicate, canonical(row.object))].append(row)
        elif row.predicate in EVENT_PREDICATES and row.value:
            relations[(subject, row.predicate, row.value)].append(row)

    def same_time(a, b) -> bool:  # type: ignore[no-untyped-def]
        first, second = stated[a.id], stated[b.id]
        return first is None or second is None or (first[0] <= second[1] and second[0] <= first[1])

    for subject, rows_ in fates.items():
        values = {r.value for r in rows_}
        clashing = [pair for pair in INCOMPATIBLE_FATES if pair <= values]
        if clashing:
            members = [r.id for r in rows_ if any(r.value in pair for pair in clashing)]
            told = " vs ".join(sorted({v for pair in clashing for v in pair}))
            reason = f"incompatible accounts of what became of them: {told}"
            disputes.append(
                (stable_id("dsp", subject, "fate", *sorted(members)), subject, reason, members)
            )
    for (subject, predicate, obj), rows_ in relations.items():
        if subject > obj and predicate in vocabulary().symmetric:
            continue
        positive = [r for r in rows_ if r.polarity]
        negative = [r for r in rows_ if not r.polarity]
        pairs = [(p, n) for p in positive for n in negative if same_time(p, n)]
        if pairs:
            members = sorted({r.id for pair in pairs for r in pair})
            reason = f"{predicate} both stated and denied"
            disputes.append(
                (stable_id("dsp", subject, predicate, obj, *members), subject, reason, members)
            )
    places = _places_of(conn, [r.id for rows_ in relations.values() for r in rows_])
    for (subject, predicate, obj), allies in relations.items():
        if predicate != "ally_of" or subject > obj:
            continue
        enemies = [
            r
            for hostile in ("fights", "rival_of")
            for key in ((subject, hostile, obj), (obj, hostile, subject))
            for r in relations.get(key, [])
        ]
        pairs = [
            (a, e) for a in allies for e in enemies if a.polarity and e.polarity and same_time(a, e)
        ]
        if pairs:
            members = sorted({r.id for pair in pairs for r in pair})
            reason = "allies and enemies over the same period" + _where(pairs, places)
            disputes.append(
                (
                    stable_id("dsp", subject, "ally-vs-fights", obj, *members),
                    subject,
                    reason,
                    members,
                )
            )
    return disputes


def _where(pairs: list, places: dict[str, list[str]]) -> str:  # type: ignore[type-arg]
    """ ": allies in Kunduz; enemies in Zabul" when the two sides' sentences name different
    places, else nothing."""
    allied = sorted({p for a, _ in pairs for p in places.get(a.id, [])})
    hostile = sorted({p for _, e in pairs for p in places.get(e.id, [])})
    if not allied or not hostile or set(allied) == set(hostile):
        return ""
    return f": allies in {', '.join(allied)}; enemies in {', '.join(hostile)}"


def _places_of(conn: Connection, claim_ids: list[str]) -> dict[str, list[str]]:
    """Claim id -> the names of the places its evidence sentences mention."""
    evidence, mentions, entities = schema.evidence, schema.mentions, schema.entities
    found: dict[str, list[str]] = defaultdict(list)
    ids = sorted(set(claim_ids))
    for start in range(0, len(ids), 500):
        rows = conn.execute(
            select(evidence.c.owner_id, entities.c.name)
            .select_from(
                evidence.join(
                    mentions,
                    (mentions.c.document_id == evidence.c.document_id)
                    & (mentions.c.start >= evidence.c.start)
                    & (mentions.c.end <= evidence.c.end),
                ).join(entities, entities.c.id == mentions.c.entity_id)
            )
            .where(
                evidence.c.owner_kind == "claim",
                evidence.c.owner_id.in_(ids[start : start + 500]),
                entities.c.type.in_(PLACE_TYPES),
            )
        )
        for claim_id, name in rows:
            if name not in found[claim_id]:
                found[claim_id].append(name)
    return found
