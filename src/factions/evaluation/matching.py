"""Matching gold names and values against what factions exported, shared by the event suites.

Names. A gold actor name and one of our entities are the same actor when, after folding case,
accents, apostrophes, hyphens, a leading "the" and a possessive (the gazetteer's `name_key`):

1. one of the gold name's alternatives equals one of our entity's names or aliases; the
   alternatives of a gold name are the name itself, the name without its parenthesised parts,
   each parenthesised part ("Houthi extremists (Ansar Allah)" -> "Houthi extremists",
   "Ansar Allah") unless it names a country (a qualifier, "Islamic State (Iraq)"), and both
   sides of an "ACRONYM: Name" pair ("TTP: Tehrik-i-Taliban");
2. or the two resolve to the same entry of the actor gazetteer (`actors.toml`): the gold
   alternatives are looked up there (acronyms case-sensitively, as the extractor does), and so
   are our entity's names, besides the gazetteer id an `a:<id>` entity carries;
3. or their word bags agree: the folded words in any order, without particles ("of", "the",
   "in") and without the nouns datasets use for a group's branch ("province", "chapter",
   "branch", "wilayat"), when two or more words remain ("Sinai Province of the Islamic State"
   and "Islamic State Sinai Province");
4. or their cores agree: the folded name with trailing generic descriptor words removed
   ("Fulani extremists" and "Fulani herdsmen" both have the core "fulani") and a plural -s
   dropped. Cores of one word that is itself a descriptor never match.

Only our actors are compared with gold actor names: entities typed as places never match a
group by name (the core of "Niger Communal Militia" is not the country Niger). Countries are
recognised by the geocoder's country names and demonyms, plus the few ACLED spellings listed
in `factions/data/eval/acled.toml`.

No gold string is special-cased; the descriptor list is generic English.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from factions.extract.gazetteer import Gazetteer, load_gazetteer, name_key
from factions.extract.geocode import get_geocoder

# Generic words that say what kind of people a group is, not which group: stripped from the
# end of a name to get its core.
DESCRIPTORS = frozenset(
    {
        "extremist",
        "extremists",
        "militant",
        "militants",
        "militia",
        "militias",
        "militiamen",
        "gunmen",
        "fighters",
        "rebels",
        "insurgents",
        "herdsmen",
        "herders",
        "members",
        "supporters",
        "group",
        "groups",
        "faction",
        "elements",
        "ethnic",
        "communal",
        "tribal",
        "clan",
    }
)

_PARENTHESISED = re.compile(r"\(([^()]*)\)")
_ACRONYM_PAIR = re.compile(r"^([^:]{1,20}):\s*(.+)$")


def fold(text: str) -> str:
    """The comparison key of a name (case, accents, punctuation, "the", possessive)."""
    return name_key(text)


def eval_table(name: str) -> dict[str, Any]:
    """A TOML table of `factions/data/eval/` (cached)."""
    return _eval_table(name)


@lru_cache(maxsize=8)
def _eval_table(name: str) -> dict[str, Any]:
    resource = resources.files("factions") / "data" / "eval" / name
    return tomllib.loads(resource.read_text(encoding="utf-8"))


@lru_cache(maxsize=4096)
def country_code(name: str) -> str | None:
    """The ISO code of a country name or demonym ("Democratic Republic of Congo", "Iraqi")."""
    name = " ".join(name.split())
    if not name:
        return None
    aliases = {fold(k): v for k, v in eval_table("acled.toml").get("country_aliases", {}).items()}
    if fold(name) in aliases:
        return aliases[fold(name)]
    geocoder = get_geocoder()
    match = geocoder.resolve(name)
    if match is not None and match.feature == "country":
        return match.country
    return geocoder.demonym_country(name)


def name_alternatives(name: str) -> list[str]:
    """The forms a gold actor name may be written in (see the module docstring)."""
    found: list[str] = []

    def add(text: str) -> None:
        text = " ".join(text.split()).strip(" ,;-")
        if text and text not in found:
            found.append(text)

    pair = _ACRONYM_PAIR.match(name.strip())
    names = [pair.group(1), pair.group(2)] if pair else [name]
    for item in names:
        add(item)
        add(_PARENTHESISED.sub(" ", item))
        for inner in _PARENTHESISED.findall(item):
            if not country_code(inner):
                add(inner)
    return found


def core_key(key: str) -> str:
    """A folded name without trailing descriptor words, singular ("" when nothing is left)."""
    words = key.split()
    while len(words) > 1 and words[-1] in DESCRIPTORS:
        words.pop()
    if len(words) == 1 and words[0] in DESCRIPTORS:
        return ""
    if words and len(words[-1]) > 4 and words[-1].endswith("s") and not words[-1].endswith("ss"):
        words[-1] = words[-1][:-1]
    return " ".join(words)


# Words a name may carry or not, in any order, and still be the same group's name.
_BAG_IGNORED = frozenset(
    {"of", "the", "in", "and", "province", "chapter", "branch", "wilayat", "wilaya"}
)


def word_bag(key: str) -> frozenset[str]:
    """A folded name's words as a set, without particles and branch nouns."""
    return frozenset(w for w in key.split() if w not in _BAG_IGNORED)


@dataclass(frozen=True)
class NameSet:
    """What a name (or an entity's names) can be matched on."""

    keys: frozenset[str] = field(default_factory=frozenset)
    cores: frozenset[str] = field(default_factory=frozenset)
    gazetteer_ids: frozenset[str] = field(default_factory=frozenset)
    bags: frozenset[frozenset[str]] = field(default_factory=frozenset)

    def matches(self, other: NameSet) -> bool:
        return bool(
            self.keys & other.keys
            or self.gazetteer_ids & other.gazetteer_ids
            or self.bags & other.bags
            or (self.cores & other.cores) - {""}
        )

    def __bool__(self) -> bool:
        return bool(self.keys or self.gazetteer_ids)


def name_set(
    names: Iterable[str], gazetteer: Gazetteer | None = None, entity_id: str | None = None
) -> NameSet:
    """The keys, cores and gazetteer entries of a list of names (and an entity id)."""
    gazetteer = gazetteer or load_gazetteer()
    keys: set[str] = set()
    ids: set[str] = set()
    for name in names:
        if not name:
            continue
        key = fold(name)
        if key:
            keys.add(key)
        ids.update(entry.id for entry in gazetteer.lookup(name) if entry.type != "person")
    if entity_id and entity_id.startswith("a:"):
        ids.add(entity_id[2:])
    bags = {bag for bag in (word_bag(k) for k in keys) if len(bag) >= 2}
    return NameSet(
        frozenset(keys), frozenset(core_key(k) for k in keys), frozenset(ids), frozenset(bags)
    )


def gold_name_set(name: str, gazetteer: Gazetteer | None = None) -> NameSet:
    """The name set of a gold actor name, with all its alternatives."""
    return name_set(name_alternatives(name), gazetteer)


def entity_name_set(kb: Any, entity_id: str | None, gazetteer: Gazetteer | None = None) -> NameSet:
    """The name set of one of our exported entities (name, aliases, gazetteer id)."""
    if not entity_id:
        return NameSet()
    return name_set(kb.names(entity_id), gazetteer, entity_id)


def parser() -> Any:
    """spaCy's English model as the extractor loads it, without NER: for head words."""
    from factions.extract.nlp import parse_only_pipeline

    return parse_only_pipeline()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def truncate(text: str, limit: int = 160) -> str:
    """One line of at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fatality_count(event: dict[str, Any] | None) -> int | None:
    """Our fatality figure: the best estimate, else the low one (None when none given)."""
    if not event or not event.get("fatalities"):
        return None
    figures = event["fatalities"]
    return figures.get("best") if figures.get("best") is not None else figures.get("low")


def describe_event(kb: Any, event: dict[str, Any] | None) -> str:
    """What we produced, for a miss line: type, sub-type, actors and other roles by name."""
    if event is None:
        return "no event"
    roles: dict[str, list[str]] = {}
    for participant in event.get("participants", []):
        roles.setdefault(participant["role"], []).append(kb.name(participant["entity"]))
    parts = [f"{event['event_type']}/{event['sub_event_type']}"]
    parts += [f"{role}={'; '.join(names)}" for role, names in sorted(roles.items())]
    if event.get("place"):
        parts.append(f"place={kb.name(event['place'])}")
    count = fatality_count(event)
    if count is not None:
        parts.append(f"killed={count}")
    if event.get("certainty") and event["certainty"] != "asserted":
        parts.append(event["certainty"])
    return " ".join(parts)
