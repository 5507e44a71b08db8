"""Across documents: which people are the same person.

Gazetteer actors and people share one id in every document, and so do groups outside the
gazetteer with the same name. People outside the gazetteer are kept once per document that
names them, with what that document says about them (a `Profile`): the gazetteer actors it
names, the side their titles and descriptions put them on (a governor is of the state, a
Taliban commander of an armed group) and the actors it ties them to. Who is whom is then a
function of those stored facts alone, so it comes out the same whatever order, batches or
processes the documents arrive in:

* within one full name, the people whose profiles are compatible are one person (two men named
  Mohammad Omar, a governor and a movement's leader, stay two);
* a spelling variant (Baryalai/Barayalai) or a name with its first name dropped (Daud Daud for
  Mohammad Daud Daud) joins a longer name, or a gazetteer person, when the profiles are
  compatible AND share an actor: names alone are not enough.

A batch recomputes the links of the *name families* it touches (full names that are spelling
variants of each other), never the whole knowledge base. Each link keeps its score and method,
so it can be explained and undone; the canonical person is the gazetteer's, else the longest
name, ties going to the smallest id. A one-word name stays with its own document.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

from factions.extract.gazetteer import load_gazetteer
from factions.extract.lexicons import load_lexicons
from factions.extract.mentions import SIDE_OF_TYPE, normalise_name, strip_titles
from factions.model import Extraction
from factions.store import schema
from factions.store.batch import EntityLink
from factions.store.writer import person_name_block
from factions.vocabulary import vocabulary

VARIANT_SCORE = 85.0
SAME_NAME = "same-name+context"
VARIANT = "name-variant+context"
# The methods this module writes; links of other kinds (an analyst's) are never touched.
METHODS = frozenset({SAME_NAME, VARIANT, "short-name+context"})
_PERSON = "person:"
_CHUNK = 500
_ROLE_PREDICATES = frozenset(vocabulary().roles)
_TIE_TYPES = frozenset({*SIDE_OF_TYPE, "organization"})


@dataclass(frozen=True)
class Profile:
    """What documents say about a person: actors around them, their side, their ties."""

    context: frozenset[str] = frozenset()
    sides: frozenset[str] = frozenset()
    ties: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, text: str | None) -> Profile:
        return _profile_of_json(text or "")

    @property
    def placed(self) -> bool:
        """Whether the documents say anything about who this person is (a side or a tie)."""
        return bool(self.sides or self.ties)

    def merged(self, other: Profile) -> Profile:
        return Profile(
            self.context | other.context, self.sides | other.sides, self.ties | other.ties
        )


# A name family's stored people are read again by every batch that meets the family, and
# parsing their profiles was a fifth of storing a batch; a profile is immutable, so one parse
# per distinct text serves them all (a few MB at most: a profile is a few actor ids).
@lru_cache(maxsize=8192)
def _profile_of_json(text: str) -> Profile:
    data = json.loads(text) if text else {}
    return Profile(
        frozenset(data.get("context", ())),
        frozenset(data.get("sides", ())),
        frozenset(data.get("ties", ())),
    )


def compatible(a: Profile, b: Profile) -> bool:
    """Nothing said of one contradicts the other: not on two different sides, not tied to two
    different sets of actors."""
    if a.sides and b.sides and not a.sides & b.sides:
        return False
    return not (a.ties and b.ties and not a.ties & b.ties)


def share_actors(a: Profile, b: Profile) -> bool:
    """The positive evidence a spelling variant needs: an actor both are seen with."""
    return bool((a.context | a.ties) & (b.context | b.ties))


@dataclass(frozen=True)
class Person:
    """A person of one document (or, with `gazetteer`, a gazetteer person)."""

    id: str
    name: str
    key: str
    profile: Profile
    gazetteer: bool = False

    @cached_property
    def tokens(self) -> tuple[str, ...]:
        # Kept: a family's ranking asks for every person's tokens once per pair of groups.
        return name_tokens(self.key[len(_PERSON) :] if self.key.startswith(_PERSON) else self.key)


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(name.lower().replace("-", " ").split())


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two multi-word names are, 0-100, tolerant of transliteration.

    A name of two or more words that ends another ("Daud Daud" in "Mohammad Daud Daud") scores
    90: the press often drops a first name.
    """
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return 90.0 if len(short) >= 2 and long_[-len(short) :] == short else 0.0
    return min(fuzz.ratio(x, y) for x, y in zip(a, b, strict=True))


# --- what one document says about its people -------------------------------------------------


def add_role_ties(extraction: Extraction) -> None:
    """Complete the profiles of a document's people with its role claims: "X leads the Y
    Front" ties X to the front and puts X on its side."""
    types = {e.id: e.type for e in extraction.entities}
    people = {e.id: e for e in extraction.entities if e.type == "person" and not e.gazetteer_id}
    for claim in extraction.claims:
        person = people.get(claim.subject)
        if person is None or claim.predicate not in _ROLE_PREDICATES or not claim.polarity:
            continue
        tied = types.get(claim.object or "")
        if claim.object is None or tied not in _TIE_TYPES:
            continue
        person.ties = sorted({*person.ties, claim.object})
        side = SIDE_OF_TYPE.get(tied)
        if side:
            person.sides = sorted({*person.sides, side})


# --- the gazetteer's people --------------------------------------------------------------------


@dataclass(frozen=True)
class _GazetteerPeople:
    by_block: dict[str, list[tuple[Person, tuple[str, ...]]]]


@lru_cache(maxsize=1)
def _gazetteer_people() -> _GazetteerPeople:
    """Every gazetteer person under each of its names (titles stripped), filed by block, with
    the profile its roles give it."""
    gazetteer = load_gazetteer()
    titles = load_lexicons().titles
    by_block: dict[str, list[tuple[Person, tuple[str, ...]]]] = defaultdict(list)
    for entry in gazetteer.persons:
        ties = frozenset(f"a:{link.target}" for link in entry.links)
        sides = frozenset(
            side
            for link in entry.links
            if (target := gazetteer.get(link.target)) is not None
            and (side := SIDE_OF_TYPE.get(target.type))
        )
        person = Person(
            f"a:{entry.id}",
            entry.name,
            f"gaz:{entry.id}",
            Profile(context=ties, sides=sides, ties=ties),
            gazetteer=True,
        )
        for surface in entry.surfaces():
            key = f"{_PERSON}{normalise_name(strip_titles(surface, titles))}"
            block = person_name_block(key)
            if block:
                by_block[block].append((person, name_tokens(key[len(_PERSON) :])))
    return _GazetteerPeople(dict(by_block))


# --- families: the names a batch touches and their variants -----------------------------------


def family_keys(conn: Connection, seeds: Iterable[str], unstored: Iterable[str] = ()) -> set[str]:
    """The full names (match keys) that are spelling variants of the seeds, of those, and so on:
    the names whose people must be resolved together. `unstored` are keys of a batch not yet
    in the store."""
    pending = {k for k in seeds if person_name_block(k)}
    extra: dict[str, set[str]] = defaultdict(set)
    for key in unstored:
        if block := person_name_block(key):
            extra[block].add(key)
    family: set[str] = set()
    while pending:
        key = pending.pop()
        family.add(key)
        block = person_name_block(key)
        assert block is not None
        stored = conn.execute(
            select(schema.person_names.c.match_key).where(schema.person_names.c.block == block)
        ).scalars()
        tokens = name_tokens(key[len(_PERSON) :])
        for other in {*stored, *extra[block]} - family - pending:
            if name_similarity(tokens, name_tokens(other[len(_PERSON) :])) >= VARIANT_SCORE:
                pending.add(other)
    return family


def stored_people(conn: Connection, keys: Iterable[str]) -> list[Person]:
    """The stored people (outside the gazetteer) under these full names."""
    entities = schema.entities
    keys = sorted(set(keys))
    people = []
    for start in range(0, len(keys), _CHUNK):
        rows = conn.execute(
            select(entities.c.id, entities.c.name, entities.c.match_key, entities.c.profile).where(
                entities.c.match_key.in_(keys[start : start + _CHUNK]),
                entities.c.type == "person",
                entities.c.gazetteer_id.is_(None),
            )
        )
        people.extend(Person(i, n, k, Profile.from_json(p)) for i, n, k, p in rows)
    return people


# --- resolving a family -------------------------------------------------------------------------


@dataclass
class _Cluster:
    """People found to be one person, under one name."""

    members: list[Person] = field(default_factory=list)
    profile: Profile = field(default_factory=Profile)

    def add(self, person: Person) -> None:
        self.members.append(person)
        self.profile = self.profile.merged(person.profile)

    @property
    def head(self) -> Person:
        return min(self.members, key=_rank)

    @property
    def from_gazetteer(self) -> bool:
        return self.head.gazetteer


def _same_name_clusters(people: list[Person], known: list[Person]) -> list[_Cluster]:
    """The people of one full name, grouped into persons; `known` are the gazetteer's people
    of that name, each a person of its own from the start.

    People the documents place (a side, a tie) join the first group they agree with, in an
    order fixed by what is said of them. People nobody placed join the one group there is (a
    gazetteer person only when they share an actor with it), else the group sharing most
    actors with them; with no clear choice they form a group of their own. Everything is
    sorted first, so the result does not depend on the order people were stored in.
    """

    def signature(p: Person) -> tuple:
        return (sorted(p.profile.sides), sorted(p.profile.ties), p.id)

    clusters: list[_Cluster] = []
    for person in sorted(known, key=lambda p: p.id):
        clusters.append(_Cluster())
        clusters[-1].add(person)
    placed = sorted((p for p in people if p.profile.placed), key=signature)
    unplaced = sorted((p for p in people if not p.profile.placed), key=lambda p: p.id)
    for person in placed:
        home = next((c for c in clusters if compatible(c.profile, person.profile)), None)
        if home is None:
            home = _Cluster()
            clusters.append(home)
        home.add(person)
    # The groups are fixed before anyone unplaced joins, so that joining never depends on who
    # else joined.
    fixed = [(c, c.profile) for c in clusters]
    undecided = _Cluster()
    for person in unplaced:
        if len(fixed) == 1 and not fixed[0][0].from_gazetteer:
            fixed[0][0].add(person)
            continue
        overlaps = [len(person.profile.context & profile.context) for _, profile in fixed]
        best = max(overlaps, default=0)
        if best and overlaps.count(best) == 1:
            fixed[overlaps.index(best)][0].add(person)
        else:
            undecided.add(person)
    if undecided.members:
        clusters.append(undecided)
    return clusters


def _rank(person: Person) -> tuple:
    """Which of two persons is canonical: the gazetteer's, the longer name, the smaller id."""
    return (not person.gazetteer, -len(person.tokens), -len(person.name), person.id)


def _gazetteer_candidates(tokens: tuple[str, ...]) -> list[tuple[Person, tuple[str, ...]]]:
    block = person_name_block(_PERSON + " ".join(tokens))
    return _gazetteer_people().by_block.get(block or "", [])


def resolve_family(people: list[Person]) -> list[EntityLink]:
    """The links among the people of a family: a pure function of the people and profiles."""
    by_key: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_key[person.key].append(person)
    clusters = []
    for key in sorted(by_key):
        tokens = by_key[key][0].tokens
        known = {p.id: p for p, names in _gazetteer_candidates(tokens) if names == tokens}
        clusters.extend(_same_name_clusters(by_key[key], list(known.values())))
    links = []
    heads = [cluster.head for cluster in clusters]
    for cluster, head in zip(clusters, heads, strict=True):
        links.extend(
            EntityLink(p.id, head.id, 1.0, SAME_NAME) for p in cluster.members if p.id != head.id
        )
        target = None if head.gazetteer else _variant_target(cluster, clusters, heads)
        if target is not None:
            links.append(EntityLink(head.id, target[0].id, round(target[1] / 100, 3), VARIANT))
    return sorted(links, key=lambda link: link.entity_id)


def _variant_target(
    cluster: _Cluster, clusters: list[_Cluster], heads: list[Person]
) -> tuple[Person, float] | None:
    """The person a group's name is a variant of: one ranked above it (so links never loop),
    compatible with it and seen with one of its actors; the closest name, then the best
    ranked. `heads` are the groups' heads, in the order of `clusters`."""
    head = cluster.head
    tokens = head.tokens
    candidates = [
        (h, h.tokens, c.profile) for c, h in zip(clusters, heads, strict=True) if c is not cluster
    ]
    known = _gazetteer_candidates(tokens)
    # People of one name were grouped (or kept apart) above, gazetteer people included; a
    # variant is someone of another name.
    same_name = {p.id for p, names in known if names == tokens}
    candidates.extend((p, names, p.profile) for p, names in known if p.id not in same_name)
    best: tuple[tuple, Person, float] | None = None
    for person, names, profile in candidates:
        if _rank(person) >= _rank(head) or names == tokens:
            continue
        score = name_similarity(tokens, names)
        if score < VARIANT_SCORE:
            continue
        if not compatible(cluster.profile, profile) or not share_actors(cluster.profile, profile):
            continue
        order = (-score, _rank(person))
        if best is None or order < best[0]:
            best = (order, person, score)
    return (best[1], best[2]) if best else None


def stored_links(conn: Connection, ids: Iterable[str]) -> dict[str, EntityLink]:
    """The machine links of these ids as stored (an analyst's are not ours to change)."""
    links = schema.entity_links
    ids = sorted(set(ids))
    found = {}
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(links.c.entity_id, links.c.canonical_id, links.c.score, links.c.method).where(
                links.c.entity_id.in_(ids[start : start + _CHUNK])
            )
        )
        for entity_id, canonical, score, method in rows:
            found[entity_id] = EntityLink(entity_id, canonical, score, method)
    return found
