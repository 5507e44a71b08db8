"""Claims that cannot all be true, grouped as disputes with the reason; never merged away.

- a person's fate told two incompatible ways (killed vs fled or alive);
- the same relation asserted and negated, including a deed and its denial ("the group's
  spokesman denied its fighters did it");
- two actors said to be allies and enemies over the same period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import Connection, select

from factions.model import stable_id
from factions.partial_date import intervals_overlap
from factions.store import schema
from factions.vocabulary import vocabulary

# Claims whose value is an event: who carried it out, who claimed it.
EVENT_PREDICATES = vocabulary().of_kind("event")
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
    claims = conn.execute(
        select(
            schema.claims.c.id,
            schema.claims.c.subject,
            schema.claims.c.predicate,
            schema.claims.c.object,
            schema.claims.c.value,
            schema.claims.c.polarity,
            schema.claims.c.valid_from,
            schema.claims.c.valid_to,
        )
    ).all()
    disputes = []
    fates: dict[str, list] = defaultdict(list)
    relations: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in claims:
        subject = canonical(row.subject)
        if row.predicate == "fate" and row.polarity:
            fates[subject].append(row)
        elif row.object:
            relations[(subject, row.predicate, canonical(row.object))].append(row)
        elif row.predicate in EVENT_PREDICATES and row.value:
            relations[(subject, row.predicate, row.value)].append(row)
    for subject, rows in fates.items():
        values = {r.value for r in rows}
        clashing = [pair for pair in INCOMPATIBLE_FATES if pair <= values]
        if clashing:
            members = [r.id for r in rows if any(r.value in pair for pair in clashing)]
            told = " vs ".join(sorted({v for pair in clashing for v in pair}))
            reason = f"incompatible accounts of what became of them: {told}"
            disputes.append(
                (stable_id("dsp", subject, "fate", *sorted(members)), subject, reason, members)
            )
    for (subject, predicate, obj), rows in relations.items():
        if subject > obj and predicate in vocabulary().symmetric:
            continue
        positive = [r for r in rows if r.polarity]
        negative = [r for r in rows if not r.polarity]
        if positive and negative:
            members = [r.id for r in positive + negative]
            reason = f"{predicate} both stated and denied"
            disputes.append(
                (
                    stable_id("dsp", subject, predicate, obj, *sorted(members)),
                    subject,
                    reason,
                    members,
                )
            )
    for (subject, predicate, obj), allies in relations.items():
        if predicate != "ally_of" or subject > obj:
            continue
        enemies = relations.get((subject, "fights", obj), []) + relations.get(
            (obj, "fights", subject), []
        )
        pairs = [
            (a, e)
            for a in allies
            for e in enemies
            if a.polarity
            and e.polarity
            and intervals_overlap((a.valid_from, a.valid_to), (e.valid_from, e.valid_to))
            and (a.valid_from or a.valid_to)
            and (e.valid_from or e.valid_to)
        ]
        if pairs:
            members = sorted({r.id for pair in pairs for r in pair})
            reason = "allies and enemies over the same period"
            disputes.append(
                (
                    stable_id("dsp", subject, "ally-vs-fights", obj, *members),
                    subject,
                    reason,
                    members,
                )
            )
    return disputes
