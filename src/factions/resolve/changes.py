"""Change, not contradiction: where later evidence ends a relation, and which accounts speak of
the same time.

A claim keeps the validity its sentence states. A relation said to hold from some date on with
no end ("allied since the late 1990s") is a state: the relation index stretches it forward past
its source's publication, since a state lasts until something changes it. Its source vouches
for it only up to its own publication, though (`partial_date.stated_days`), so later contrary
evidence ends it: from the day a contrary claim begins, the relation no longer holds. The end is
*inferred*, and kept apart from the claim:

- `inferred_ends` (one row per ended claim) holds the last day it holds, the contrary claim's
  start as written, the contrary claim's id and the reason in words. Nothing in the claim is
  rewritten, and the rows are recomputed from the claims with every batch, for the claims
  around it that can end (`find_inferred_ends_within`; all of them:
  `resolve.refresh_derived`).
- the relation index cuts the claim's days at that end (`store.relation_index`), so
  `factions network --as-of` shows the relation before and not after; edges and claims carry the
  ending claim, so both evidences are shown side by side.

What ends what. A positive relation of the alliance or hierarchy families (ally_of, supports,
hosted_by; pledged_allegiance_to, affiliated_with, faction_of, part_of, member_of between groups)
between X and Y, open-ended, is ended by the first of these that begins after its source's
publication:

- hostility between X and Y (fights, rival_of, either way);
- the relation's family negated between them ("ended their alliance", "cut its ties");
- a split between them (splinter_of, either way);
- a pledge of X (or Y) to a group the knowledge base shows hostile to the other side.

A person's post (a role: leader_of, commander_of, ...) held from some date on ends the same way
at the holder's death or capture (a fate claim), and an exclusive post (the leader) when someone
else is said to hold it from a later date: roles over time, across articles (extract/roles.py
does the same within one article).

Contrary claims that are only rumoured (speculative, unconfirmed) or denied end nothing. A later
source restating the relation (same pair and family, positive, its stated time covering the
day the contrary claim begins) keeps it alive past that point: that time then holds two
accounts, a dispute (resolve/disputes.py pairs only accounts whose stated times meet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Connection, Row, and_, or_, select
from sqlalchemy.sql.elements import ColumnElement

from factions.partial_date import OPEN_END, stated_days, validity_days
from factions.store import schema
from factions.store.linker import Linker, members_of
from factions.vocabulary import vocabulary

# The families of relations that later evidence can end, and the posts that end with their
# holder (roles) or with a successor (exclusive posts).
ENDABLE_FAMILIES = frozenset({"alliance", "hierarchy"})
ROLES = vocabulary().posts_that_end
EXCLUSIVE = vocabulary().exclusive
ENDING_FATES = frozenset({"killed", "captured"})
HOSTILE = frozenset({"fights", "rival_of"})
SPLIT = frozenset({"splinter_of"})
PLEDGE = "pledged_allegiance_to"
# A rumour or a denial ends nothing.
_WEAK = frozenset({"speculative", "unconfirmed", "denied"})


@dataclass(frozen=True)
class InferredEnd:
    claim_id: str
    day_last: int
    ended_on: str | None
    ended_by: str
    reason: str


@dataclass(frozen=True)
class _Claim:
    id: str
    subject: str
    predicate: str
    object: str
    polarity: bool
    certainty: str
    valid_from: str | None
    valid_to: str | None
    reported: str | None
    days: tuple[int, int]
    stated: tuple[int, int]

    @property
    def family(self) -> str:
        found = vocabulary().predicate(self.predicate)
        return found.family if found else ""

    @property
    def pair(self) -> frozenset[str]:
        return frozenset((self.subject, self.object))

    @property
    def start(self) -> str | None:
        """Where it begins, as written: its start date, else its source's date."""
        return self.valid_from or (None if self.valid_to else self.reported)


def _claim_rows(conn: Connection, *conditions: ColumnElement[bool]) -> list[Row]:  # type: ignore[type-arg]
    """The claims between two entities, and the fates that end a person's posts."""
    claims, documents = schema.claims, schema.documents
    return conn.execute(
        select(
            claims.c.id,
            claims.c.subject,
            claims.c.predicate,
            claims.c.object,
            claims.c.value,
            claims.c.polarity,
            claims.c.certainty,
            claims.c.valid_from,
            claims.c.valid_to,
            documents.c.published,
        )
        .select_from(claims.join(documents, documents.c.id == claims.c.document_id))
        .where(
            or_(
                claims.c.object.is_not(None),
                and_(claims.c.predicate == "fate", claims.c.value.in_(sorted(ENDING_FATES))),
            ),
            *conditions,
        )
    ).all()


def _claims(rows: Iterable[Row], canonical: Callable[[str], str]) -> list[_Claim]:  # type: ignore[type-arg]
    found = []
    for row in rows:
        days = validity_days(row.valid_from, row.valid_to, row.published)
        stated = stated_days(row.valid_from, row.valid_to, row.published)
        subject = canonical(row.subject)
        # A fate's "object" is what became of the person.
        obj = canonical(row.object) if row.object else f"fate:{row.value}"
        if days is None or stated is None or subject == obj:
            continue
        found.append(
            _Claim(
                row.id,
                subject,
                row.predicate,
                obj,
                bool(row.polarity),
                row.certainty,
                row.valid_from,
                row.valid_to,
                row.published,
                days,
                stated,
            )
        )
    return found


def _endable(claim: _Claim) -> bool:
    """An open-ended positive state that can end (a relation of an endable family, or a
    person's post), stated before its end."""
    return (
        claim.polarity
        and claim.certainty != "denied"
        and (claim.family in ENDABLE_FAMILIES or claim.predicate in ROLES)
        and claim.days[1] == OPEN_END
        and claim.stated[1] < OPEN_END
    )


def _contrary_reason(claim: _Claim, other: _Claim) -> str | None:
    """How `other` (between the same two sides) goes against `claim`, or None."""
    if other.certainty in _WEAK:
        return None
    if other.polarity and other.predicate in HOSTILE:
        return "hostility"
    if other.polarity and other.predicate in SPLIT:
        return "a split"
    if not other.polarity and other.family == claim.family:
        return f"{vocabulary().label_of(other.predicate)} negated"
    return None


def _restates(claim: _Claim, other: _Claim, day: int) -> bool:
    """`other` says the same relation (a post: the same post) holds on `day`."""
    same = (
        other.predicate == claim.predicate and other.subject == claim.subject
        if claim.predicate in ROLES
        else other.family == claim.family
    )
    return (
        other.id != claim.id
        and same
        and other.polarity
        and other.certainty != "denied"
        and other.stated[0] <= day <= other.stated[1]
    )


def _hostile_pairs(claims: list[_Claim]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        if claim.polarity and claim.predicate in HOSTILE and claim.certainty not in _WEAK:
            found[claim.subject].add(claim.object)
            found[claim.object].add(claim.subject)
    return found


def find_inferred_ends(conn: Connection, canonical: Callable[[str], str]) -> list[InferredEnd]:
    """Every relation claim that later contrary evidence ends, with where and why."""
    claims = _claims(_claim_rows(conn), canonical)
    return list(inferred_ends(claims))


def _relevant_predicates() -> list[str]:
    """The predicates that can end, be ended or keep a relation alive (see the module's
    docstring): other claims never change an inferred end."""
    found = {p.name for p in vocabulary().predicates.values() if p.family in ENDABLE_FAMILIES}
    return sorted(found | ROLES | EXCLUSIVE | HOSTILE | SPLIT | {PLEDGE, "fate"})


_RELEVANT = frozenset(_relevant_predicates())
# The predicates of the claims that can end: a relation of an endable family, or a post.
_ENDABLE_PREDICATES = frozenset(
    {p.name for p in vocabulary().predicates.values() if p.family in ENDABLE_FAMILIES} | ROLES
)


def touched_by(
    subject: str, predicate: str, obj: str | None
) -> tuple[set[frozenset[str]], set[str]]:
    """Whose inferred ends a claim (under canonical ids) can change: the relations of its
    pair, and every relation of an entity when it is a fate (the posts of the dead), a pledge
    or a hostility (a pledge to a rival), or a successor to an exclusive post."""
    if predicate not in _RELEVANT:
        return set(), set()
    if predicate == "fate" or obj is None:
        return set(), {subject}
    entities: set[str] = set()
    if predicate == PLEDGE:
        entities.add(subject)
    if predicate in HOSTILE:
        entities.update((subject, obj))
    if predicate in EXCLUSIVE:
        entities.add(obj)
    return {frozenset((subject, obj))}, entities


def find_inferred_ends_within(
    conn: Connection,
    pairs: set[frozenset[str]],
    entities: set[str],
    linker: Linker,
) -> tuple[set[str], list[InferredEnd]]:
    """The claims of these pairs and of these entities (canonical ids) that can end, and
    their inferred ends as `find_inferred_ends` finds them. Only an open-ended state can end
    (`_could_end`, a few claims in most keys), and its end is read from the claims that can
    end or keep it: its pair's, its sides' pledges and the hostility those pledges meet, its
    holder's fate and the post's other holders. So neither the other claims of the pairs and
    entities asked about nor every claim of its sides is read (each batch read them all
    before, and a knowledge base about a few actors grew the read with every batch)."""
    claims = schema.claims
    relevant = claims.c.predicate.in_(sorted(_RELEVANT))
    members = members_of(conn, {e for pair in pairs for e in pair} | entities)

    def of(entity: str) -> list[str]:
        return sorted(members[entity])

    terms: list[ColumnElement[bool]] = [_between(of(a), of(b)) for a, b in _sorted_pairs(pairs)]
    terms.extend(_involving(of(e)) for e in sorted(entities))
    asked = _rows_meeting(conn, terms, and_(relevant, _could_end()))
    linker.many(i for row in asked for i in (row.subject, row.object))
    endable = [c for c in _claims(asked, linker.canonical) if _endable(c)]
    context = _context_of(conn, endable, relevant, linker)
    ids = {row.id for row in asked}
    every = list({row.id: row for row in [*asked, *context]}.values())
    ends = [end for end in inferred_ends(_claims(every, linker.canonical)) if end.claim_id in ids]
    return ids, ends


def _sorted_pairs(pairs: set[frozenset[str]]) -> list[tuple[str, str]]:
    """Each pair as (a, b), a <= b; an entity paired with itself as (a, a)."""
    return sorted(
        (min(pair), max(pair)) if len(pair) == 2 else (next(iter(pair)),) * 2 for pair in pairs
    )


def _could_end() -> ColumnElement[bool]:
    """The claims `_endable` may accept, told by their columns: positive, not denied, of a
    family or post that ends, with a start and no end (`validity_days` open-ended) and a
    source's date (else `stated_days` is open too). A superset: the rest cannot end."""
    claims, documents = schema.claims, schema.documents
    return and_(
        claims.c.predicate.in_(sorted(_ENDABLE_PREDICATES)),
        claims.c.polarity.is_(True),
        claims.c.certainty != "denied",
        claims.c.valid_from.is_not(None),
        claims.c.valid_from != "",
        or_(claims.c.valid_to.is_(None), claims.c.valid_to == ""),
        documents.c.published.is_not(None),
    )


def _context_of(
    conn: Connection,
    endable: list[_Claim],
    relevant: ColumnElement[bool],
    linker: Linker,
) -> list[Row]:  # type: ignore[type-arg]
    """The claims `inferred_ends` reads to end these claims, under canonical ids: every claim
    of their pairs (the contrary and the restating), the pledges of their sides, the subject's
    fates and the other holders of an exclusive post; then the hostility between a side and
    the groups the other side pledged to (a pledge to a rival)."""
    if not endable:
        return []
    claims = schema.claims
    pairs = {(min(c.subject, c.object), max(c.subject, c.object)) for c in endable}
    sides = {e for c in endable for e in (c.subject, c.object)}
    roles = [c for c in endable if c.predicate in ROLES]
    members = members_of(conn, sides)

    def of(entity: str) -> list[str]:
        return sorted(members[entity])

    terms: list[ColumnElement[bool]] = [_between(of(a), of(b)) for a, b in sorted(pairs)]
    terms.extend(
        and_(claims.c.predicate == PLEDGE, claims.c.subject.in_(of(side))) for side in sorted(sides)
    )
    terms.extend(
        and_(claims.c.predicate == "fate", claims.c.subject.in_(of(subject)))
        for subject in sorted({c.subject for c in roles})
    )
    terms.extend(
        and_(claims.c.predicate == predicate, claims.c.object.in_(of(obj)))
        for predicate, obj in sorted({(c.predicate, c.object) for c in roles})
        if predicate in EXCLUSIVE
    )
    rows = _rows_meeting(conn, terms, relevant)
    linker.many(i for row in rows for i in (row.subject, row.object))
    pledged: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        if row.predicate == PLEDGE and row.object:
            pledged[linker.canonical(row.subject)].add(linker.canonical(row.object))
    rivals = {
        (other, target)
        for c in endable
        for side, other in ((c.subject, c.object), (c.object, c.subject))
        for target in pledged.get(side, ())
        if target != other
    }
    return rows + _hostility_between(conn, rivals, relevant)


def _hostility_between(
    conn: Connection, pairs: set[tuple[str, str]], relevant: ColumnElement[bool]
) -> list[Row]:  # type: ignore[type-arg]
    """The hostile claims between each pair (canonical ids), either way."""
    if not pairs:
        return []
    members = members_of(conn, {e for pair in pairs for e in pair})
    terms = [
        and_(
            _between(sorted(members[a]), sorted(members[b])),
            schema.claims.c.predicate.in_(sorted(HOSTILE)),
        )
        for a, b in sorted(pairs)
    ]
    return _rows_meeting(conn, terms, relevant)


def _between(a: list[str], b: list[str]) -> ColumnElement[bool]:
    claims = schema.claims
    return or_(
        and_(claims.c.subject.in_(a), claims.c.object.in_(b)),
        and_(claims.c.subject.in_(b), claims.c.object.in_(a)),
    )


def _involving(ids: list[str]) -> ColumnElement[bool]:
    claims = schema.claims
    return or_(claims.c.subject.in_(ids), claims.c.object.in_(ids))


def _rows_meeting(
    conn: Connection, terms: list[ColumnElement[bool]], relevant: ColumnElement[bool]
) -> list[Row]:  # type: ignore[type-arg]
    """The claims meeting any of `terms`, a few terms per query."""
    rows: list[Row] = []  # type: ignore[type-arg]
    for start in range(0, len(terms), 50):
        rows.extend(_claim_rows(conn, relevant, or_(*terms[start : start + 50])))
    return rows


def inferred_ends(claims: list[_Claim]) -> Iterator[InferredEnd]:
    by_pair: dict[frozenset[str], list[_Claim]] = defaultdict(list)
    pledges: dict[str, list[_Claim]] = defaultdict(list)
    fates: dict[str, list[_Claim]] = defaultdict(list)
    holders: dict[tuple[str, str], list[_Claim]] = defaultdict(list)
    for claim in claims:
        strong = claim.polarity and claim.certainty not in _WEAK
        if claim.predicate == "fate":
            if strong:
                fates[claim.subject].append(claim)
            continue
        by_pair[claim.pair].append(claim)
        if claim.predicate == PLEDGE and strong:
            pledges[claim.subject].append(claim)
        if claim.predicate in EXCLUSIVE and strong:
            holders[(claim.predicate, claim.object)].append(claim)
    hostile = _hostile_pairs(claims)
    for claim in claims:
        if claim.predicate == "fate" or not _endable(claim):
            continue
        after = claim.stated[1]
        contrary: list[tuple[_Claim, str]] = []
        if claim.family in ENDABLE_FAMILIES:
            for other in by_pair[claim.pair]:
                reason = _contrary_reason(claim, other)
                if reason and other.days[0] > after:
                    contrary.append((other, reason))
            # A pledge to the other side's enemy: "X pledged allegiance to Z", Z fights Y.
            for side, other_side in ((claim.subject, claim.object), (claim.object, claim.subject)):
                for pledge in pledges.get(side, []):
                    if (
                        pledge.object != other_side
                        and pledge.object in hostile.get(other_side, set())
                        and pledge.days[0] > after
                    ):
                        contrary.append((pledge, "a pledge to a rival"))
        if claim.predicate in ROLES:
            # A post ends with its holder's death or capture, or with a successor in it.
            for fate in fates.get(claim.subject, []):
                if fate.days[0] > after:
                    contrary.append((fate, "death" if fate.object == "fate:killed" else "capture"))
            for successor in holders.get((claim.predicate, claim.object), []):
                if successor.subject != claim.subject and successor.days[0] > after:
                    contrary.append((successor, "a successor"))
        for other, reason in sorted(contrary, key=lambda c: (c[0].days[0], c[0].id)):
            day = other.days[0]
            if any(_restates(claim, r, day) for r in by_pair[claim.pair]):
                continue
            yield InferredEnd(
                claim_id=claim.id,
                day_last=day - 1,
                ended_on=other.start,
                ended_by=other.id,
                reason=f"ended (inferred) by {reason} from {other.start or 'a later report'}",
            )
            break
