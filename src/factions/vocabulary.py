"""The shared vocabulary: entity types, certainty grades, roles, predicates and event types.

One data file (data/vocabulary.toml) read here, once; every stage asks this module which
predicates are symmetric, which are a person's post, which family a relation belongs to and
how a reader says it, instead of keeping its own list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from factions.packaged import read_toml

PREDICATE_KINDS = ("relation", "role", "presence", "event", "attribute")


@dataclass(frozen=True)
class Predicate:
    name: str
    kind: str
    family: str
    label: str
    inverse: str
    symmetric: bool = False
    post: str | None = None
    point: bool = False
    # One holder at a time (a group's leader): a new holder ends the previous one's post.
    exclusive: bool = False
    # A title for good ("founder"): no death or successor ends it.
    permanent: bool = False


@dataclass(frozen=True)
class Family:
    name: str
    label: str
    colour: str


@dataclass(frozen=True)
class Vocabulary:
    version: int
    entity_types: tuple[str, ...]
    actor_types: tuple[str, ...]
    place_types: tuple[str, ...]
    armed_types: tuple[str, ...]
    certainty_grades: tuple[str, ...]
    participant_roles: tuple[str, ...]
    predicates: dict[str, Predicate]
    families: dict[str, Family]
    event_types: dict[str, tuple[str, ...]]
    armed_event_types: frozenset[str]

    def predicate(self, name: str) -> Predicate | None:
        return self.predicates.get(name)

    def of_kind(self, *kinds: str) -> frozenset[str]:
        """The names of the predicates of these kinds."""
        return frozenset(p.name for p in self.predicates.values() if p.kind in kinds)

    @property
    def symmetric(self) -> frozenset[str]:
        return frozenset(p.name for p in self.predicates.values() if p.symmetric)

    @property
    def roles(self) -> frozenset[str]:
        """Predicates that give a person a post in an organisation."""
        return self.of_kind("role")

    @property
    def exclusive(self) -> frozenset[str]:
        """Posts held by one person at a time: a successor ends the predecessor's."""
        return frozenset(p.name for p in self.predicates.values() if p.exclusive)

    @property
    def posts_that_end(self) -> frozenset[str]:
        """Roles that end with their holder's death or capture (all but titles for good)."""
        return frozenset(
            p.name for p in self.predicates.values() if p.kind == "role" and not p.permanent
        )

    @property
    def points(self) -> frozenset[str]:
        """Predicates whose claims are moments, not states."""
        return frozenset(p.name for p in self.predicates.values() if p.point)

    def label_of(self, predicate: str, *, inverse: bool = False) -> str:
        """How a reader says a predicate ('pledged_allegiance_to' -> 'pledged allegiance to')."""
        found = self.predicates.get(predicate)
        if found is None:
            return predicate.replace("_", " ")
        return found.inverse if inverse else found.label

    def post_of(self, predicate: str) -> str:
        """A role's post as read from the organisation's side ('leader_of' -> 'leader')."""
        found = self.predicates.get(predicate)
        if found is not None and found.post:
            return found.post
        return predicate.removesuffix("_of").replace("_", " ")


def _predicate(name: str, raw: dict) -> Predicate:
    if raw["kind"] not in PREDICATE_KINDS:
        raise ValueError(f"vocabulary: predicate {name} has unknown kind {raw['kind']!r}")
    return Predicate(
        name=name,
        kind=raw["kind"],
        family=raw["family"],
        label=raw["label"],
        inverse=raw.get("inverse", raw["label"]),
        symmetric=raw.get("symmetric", False),
        post=raw.get("post"),
        point=raw.get("point", False),
        exclusive=raw.get("exclusive", False),
        permanent=raw.get("permanent", False),
    )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, read once per process."""
    raw = read_toml("vocabulary.toml")
    families = {
        name: Family(name, item["label"], item["colour"]) for name, item in raw["families"].items()
    }
    predicates = {name: _predicate(name, item) for name, item in raw["predicates"].items()}
    unknown = sorted({p.family for p in predicates.values()} - set(families))
    if unknown:
        raise ValueError(f"vocabulary: predicates use undefined families {unknown}")
    return Vocabulary(
        version=raw["version"],
        entity_types=tuple(raw["entity_types"]),
        actor_types=tuple(raw["actor_types"]),
        place_types=tuple(raw["place_types"]),
        armed_types=tuple(raw["armed_types"]),
        certainty_grades=tuple(raw["certainty_grades"]),
        participant_roles=tuple(raw["participant_roles"]),
        predicates=predicates,
        families=families,
        event_types={name: tuple(item["sub_types"]) for name, item in raw["event_types"].items()},
        armed_event_types=frozenset(
            name for name, item in raw["event_types"].items() if item.get("armed", False)
        ),
    )
