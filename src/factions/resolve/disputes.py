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

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from itertools import accumulate

from sqlalchemy import Connection, and_, or_, select

from factions.model import stable_id
from factions.partial_date import stated_days
from factions.store import schema
from factions.store.linker import Linker, members_of
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


# A dispute is found within one key: a subject's fate, one relation (subject, predicate,
# canonical object) or one deed (subject, predicate, event value); allies-and-enemies reads
# the alliance and hostility keys of one pair together.
DisputeKey = tuple[str, ...]
Dispute = tuple[str, str, str, list[str]]
ALLY_AND_HOSTILE = ("ally_of", "fights", "rival_of")
_CHUNK = 100


def _claim_rows():  # type: ignore[no-untyped-def]
    claims, documents = schema.claims, schema.documents
    return select(
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


def find_disputes(conn: Connection, canonical: Callable[[str], str]) -> list[Dispute]:
    """(id, subject, reason, claim ids) for every contradiction in the knowledge base."""
    return _disputes_of(conn, conn.execute(_claim_rows()).all(), canonical)


def dispute_keys(
    subject: str,
    predicate: str,
    obj: str | None,
    value: str | None,
    polarity: bool,
    canonical: Callable[[str], str],
) -> list[DisputeKey]:
    """The key whose disputes a claim can take part in, as `_disputes_of` files it: a fate,
    a relation (by canonical object) or a deed (by the event it names); none for the rest."""
    if predicate == "fate" and polarity:
        return [("fate", canonical(subject))]
    if obj:
        return [("relation", canonical(subject), predicate, canonical(obj))]
    if predicate in EVENT_PREDICATES and value:
        return [("deed", canonical(subject), predicate, value)]
    return []


def _closed(keys: set[DisputeKey]) -> set[DisputeKey]:
    """The keys, with every alliance and hostility key of a pair that has one: an
    allies-and-enemies dispute reads them together, and shares their claims."""
    closed = set(keys)
    for key in keys:
        if key[0] == "relation" and key[2] in ALLY_AND_HOSTILE:
            a, b = key[1], key[3]
            closed.update(
                ("relation", x, p, y) for p in ALLY_AND_HOSTILE for x, y in ((a, b), (b, a))
            )
    return closed


def disputable(conn: Connection, keys: set[DisputeKey], linker: Linker) -> set[DisputeKey]:
    """The keys among these (and their pairs' alliance and hostility keys) that can hold a
    dispute, told from a few of their claims: a fate whose accounts include two incompatible
    ones, a relation or deed also denied, a pair said to be both allies and enemies. The time
    of each account is not read: some of these may hold none, the rest hold none for sure.

    As claims are only added to a key (an entity whose canonical id moves is recomputed
    apart), a key that cannot hold a dispute held none before either, so a batch need not read
    its claims, which in a knowledge base about a few actors are most of what it holds."""
    keys = _closed(keys)
    if not keys:
        return set()
    fates = {k[1] for k in keys if k[0] == "fate"}
    others = {k for k in keys if k[0] != "fate"}
    members = members_of(conn, fates | {k[1] for k in others} | _objects(others))
    told = _fates_told(conn, {i for s in fates for i in members[s]}, linker)
    clashing = {s for s in fates if any(pair <= told.get(s, set()) for pair in INCOMPATIBLE_FATES)}
    denied = _denied_keys(conn, {i for k in others for i in members[k[1]]}, linker)
    paired = [k for k in others if k[0] == "relation" and k[2] in ALLY_AND_HOSTILE]
    sides = {e for k in paired for e in (k[1], k[3])}
    both = _allied_and_hostile(conn, {i for e in sides for i in members[e]}, linker)
    return {
        k
        for k in keys
        if (k[0] == "fate" and k[1] in clashing)
        or k in denied
        or (k[0] == "relation" and k[2] in ALLY_AND_HOSTILE and frozenset((k[1], k[3])) in both)
    }


def _objects(keys: set[DisputeKey]) -> set[str]:
    return {k[3] for k in keys if k[0] == "relation"}


def _fates_told(conn: Connection, ids: set[str], linker: Linker) -> dict[str, set[str]]:
    """Canonical subject -> the fates positive claims about these machine ids tell."""
    claims = schema.claims
    rows = _distinct_rows(
        conn,
        select(claims.c.subject, claims.c.value).where(
            claims.c.predicate == "fate", claims.c.polarity.is_(True)
        ),
        claims.c.subject,
        ids,
    )
    linker.many(row.subject for row in rows)
    told: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        told[linker.canonical(row.subject)].add(row.value)
    return told


def _denied_keys(conn: Connection, ids: set[str], linker: Linker) -> set[DisputeKey]:
    """The keys of the negated claims about these machine ids, as `dispute_keys` files them."""
    claims = schema.claims
    rows = _distinct_rows(
        conn,
        select(claims.c.subject, claims.c.predicate, claims.c.object, claims.c.value).where(
            claims.c.polarity.is_(False)
        ),
        claims.c.subject,
        ids,
    )
    linker.many(i for row in rows for i in (row.subject, row.object))
    return {
        key
        for row in rows
        for key in dispute_keys(
            row.subject, row.predicate, row.object, row.value, False, linker.canonical
        )
    }


def _allied_and_hostile(conn: Connection, ids: set[str], linker: Linker) -> set[frozenset[str]]:
    """The canonical pairs among these machine ids said (positively) to be allies and also
    enemies, at any time."""
    claims = schema.claims
    rows = _distinct_rows(
        conn,
        select(claims.c.subject, claims.c.predicate, claims.c.object).where(
            claims.c.polarity.is_(True), claims.c.predicate.in_(ALLY_AND_HOSTILE)
        ),
        claims.c.subject,
        ids,
    )
    rows = [row for row in rows if row.object in ids]
    linker.many(i for row in rows for i in (row.subject, row.object))
    allied: set[frozenset[str]] = set()
    hostile: set[frozenset[str]] = set()
    for row in rows:
        pair = frozenset((linker.canonical(row.subject), linker.canonical(row.object)))
        (allied if row.predicate == "ally_of" else hostile).add(pair)
    return allied & hostile


def _distinct_rows(conn: Connection, query, column, ids: set[str]) -> list:  # type: ignore[no-untyped-def, type-arg]
    """The distinct rows of `query` whose `column` is one of `ids`, a chunk of ids a query."""
    ordered = sorted(ids)
    rows = []
    for start in range(0, len(ordered), 500):
        rows.extend(
            conn.execute(query.where(column.in_(ordered[start : start + 500])).distinct()).all()
        )
    return rows


def find_disputes_within(
    conn: Connection, keys: set[DisputeKey], linker: Linker
) -> tuple[set[str], list[Dispute]]:
    """The claims of these keys and their disputes, as `find_disputes` finds them: a
    dispute's claims all share its key, so recomputing the keys a batch touches, from all of
    their stored claims, gives what a full recompute gives there."""
    keys = _closed(keys)
    members = members_of(conn, {k[1] for k in keys} | {k[3] for k in keys if k[0] == "relation"})
    claims = schema.claims

    def of(entity: str):  # type: ignore[no-untyped-def]
        return claims.c.subject.in_(sorted(members[entity]))

    terms = []
    for key in sorted(keys):
        if key[0] == "fate":
            terms.append(
                and_(of(key[1]), claims.c.predicate == "fate", claims.c.polarity.is_(True))
            )
        elif key[0] == "relation":
            terms.append(
                and_(
                    of(key[1]),
                    claims.c.predicate == key[2],
                    claims.c.object.in_(sorted(members[key[3]])),
                )
            )
        else:
            terms.append(
                and_(
                    of(key[1]),
                    claims.c.predicate == key[2],
                    claims.c.object.is_(None),
                    claims.c.value == key[3],
                )
            )
    rows = []
    for start in range(0, len(terms), _CHUNK):
        rows.extend(conn.execute(_claim_rows().where(or_(*terms[start : start + _CHUNK]))).all())
    unique = list({row.id: row for row in rows}.values())
    linker.many(i for row in unique for i in (row.subject, row.object))
    # A row read for one key may fall under another (a fate with an object): only the keys
    # asked for, read whole, are answered.
    wanted = {("relation", *k[1:]) if k[0] == "deed" else k for k in keys}
    return {row.id for row in unique}, _disputes_of(
        conn, unique, linker.canonical, wanted.__contains__
    )


def claims_naming_places(conn: Connection, place_ids: list[str]) -> list[tuple]:  # type: ignore[type-arg]
    """(subject, predicate, object, value) of the alliance and hostility claims whose
    sentences mention these places: their disputes say where, by the places' names."""
    evidence, mentions, claims = schema.evidence, schema.mentions, schema.claims
    found = []
    for start in range(0, len(place_ids), 500):
        found.extend(
            conn.execute(
                select(claims.c.subject, claims.c.predicate, claims.c.object, claims.c.value)
                .select_from(
                    mentions.join(
                        evidence,
                        (evidence.c.document_id == mentions.c.document_id)
                        & (mentions.c.start >= evidence.c.start)
                        & (mentions.c.end <= evidence.c.end),
                    ).join(claims, claims.c.id == evidence.c.owner_id)
                )
                .where(
                    mentions.c.entity_id.in_(place_ids[start : start + 500]),
                    evidence.c.owner_kind == "claim",
                    claims.c.predicate.in_(ALLY_AND_HOSTILE),
                )
                .distinct()
            ).all()
        )
    return found


def _disputes_of(
    conn: Connection,
    rows: list,  # type: ignore[type-arg]
    canonical: Callable[[str], str],
    keep: Callable[[DisputeKey], bool] = lambda _: True,
) -> list[Dispute]:
    """The disputes among these claim rows, of the keys `keep` accepts."""
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
    fates = defaultdict(list, {s: r for s, r in fates.items() if keep(("fate", s))})
    relations = defaultdict(list, {k: r for k, r in relations.items() if keep(("relation", *k))})

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
        stating, denying = meeting_in_time(positive, negative, stated)
        if stating:
            members = sorted({r.id for r in [*stating, *denying]})
            reason = f"{predicate} both stated and denied"
            disputes.append(
                (stable_id("dsp", subject, predicate, obj, *members), subject, reason, members)
            )
    clashes = []
    for (subject, predicate, obj), allies in relations.items():
        if predicate != "ally_of" or subject > obj:
            continue
        enemies = [
            r
            for hostile in ("fights", "rival_of")
            for key in ((subject, hostile, obj), (obj, hostile, subject))
            for r in relations.get(key, [])
            if r.polarity
        ]
        allied, hostile = meeting_in_time([a for a in allies if a.polarity], enemies, stated)
        if allied:
            clashes.append((subject, obj, allied, hostile))
    # Only the claims of a clash say where: reading the places of every claim read was most
    # of the cost of a batch's disputes.
    places = _places_of(conn, [r.id for *_, allied, hostile in clashes for r in allied + hostile])
    for subject, obj, allied, hostile in clashes:
        members = sorted({r.id for r in [*allied, *hostile]})
        reason = "allies and enemies over the same period" + _where(allied, hostile, places)
        disputes.append(
            (stable_id("dsp", subject, "ally-vs-fights", obj, *members), subject, reason, members)
        )
    return disputes


def meeting_in_time(first: list, second: list, stated: dict) -> tuple[list, list]:  # type: ignore[type-arg]
    """(the rows of `first` whose stated time meets that of a row of `second`, the rows of
    `second` whose time meets that of a row of `first`); a row without a stated time meets
    every other. What testing every pair finds, with sorting instead: a key stated hundreds
    of times over made the pairs most of a batch's disputes."""
    return _meeting(first, second, stated), _meeting(second, first, stated)


def _meeting(rows: list, others: list, stated: dict) -> list:  # type: ignore[type-arg]
    if not others:
        return []
    spans = [stated[o.id] for o in others]
    if any(span is None for span in spans):
        return list(rows)
    spans.sort()
    starts = [start for start, _ in spans]
    # The latest end among the others that start no later than each one in this order.
    reach = list(accumulate((end for _, end in spans), max))
    found = []
    for row in rows:
        own = stated[row.id]
        if own is None:
            found.append(row)
            continue
        begun = bisect_right(starts, own[1])
        if begun and reach[begun - 1] >= own[0]:
            found.append(row)
    return found


def _where(allied_rows: list, hostile_rows: list, places: dict[str, list[str]]) -> str:  # type: ignore[type-arg]
    """ ": allies in Kunduz; enemies in Zabul" when the two sides' sentences name different
    places, else nothing."""
    allied = sorted({p for a in allied_rows for p in places.get(a.id, [])})
    hostile = sorted({p for e in hostile_rows for p in places.get(e.id, [])})
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
