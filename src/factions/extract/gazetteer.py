"""The armed-actor gazetteer: a versioned data file of actors and people, and its name index.

The data lives in `factions/data/actors.toml`; this module only reads it, indexes every spelling
for look-up, turns the spellings into EntityRuler patterns and checks the file for mistakes.
Names match case-insensitively; acronyms match case-sensitively so that "IS" is never "is".
Aliases shared by several different groups ("Jundullah") are kept, but marked ambiguous so
that the extractor decides between the candidates in context.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
from rapidfuzz import fuzz, process

from factions.extract.lexicons import load_lexicons
from factions.packaged import read_toml
from factions.partial_date import PartialDate, not_after
from factions.vocabulary import vocabulary

ACTOR_TYPES = ("armed_group", "state_force", "organization")
PERSON_TYPE = "person"
# Links between gazetteer actors are relations; a person's links are posts.
LINK_PREDICATES = vocabulary().of_kind("relation")
ROLE_PREDICATES = vocabulary().roles
RULER_LABELS = {
    "armed_group": "ARMED_GROUP",
    "state_force": "STATE_FORCE",
    "organization": "ORGANIZATION",
    "person": "PERSON",
}
AMBIGUOUS_PREFIX = "ambiguous:"
# How close (rapidfuzz ratio) a long name must be to an actor's name to be taken for a
# misspelling of it, and how long a name must be for that (short names differ by a letter).
SPELLING_SCORE = 92.0
_SPELLING_MIN_LENGTH = 12

_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_APOSTROPHES = "'’‘ʼʻ`´"
_DASHES = "-‐‑‒–—/"
_POSSESSIVE = re.compile(r"[" + _APOSTROPHES + r"]s$")
_LEADING_THE = re.compile(r"^the\s+", re.IGNORECASE)


@dataclass(frozen=True)
class GazetteerLink:
    """A dated relation from an entry to another: a group's link or a person's role."""

    predicate: str
    target: str
    valid_from: str | None = None
    valid_to: str | None = None


@dataclass(frozen=True)
class GazetteerEntry:
    """One actor or person. Tuples, not lists: the default gazetteer is shared and cached."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    founded: str | None = None
    ambiguous: tuple[str, ...] = ()
    links: tuple[GazetteerLink, ...] = ()

    def surfaces(self) -> tuple[str, ...]:
        """The canonical name and every alias, each once, in file order."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))


def fold_diacritics(text: str) -> str:
    """The text with accents removed ("Öcalan" → "Ocalan"), so both spellings meet."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _strip_article_and_possessive(text: str) -> str:
    text = " ".join(text.split())
    text = _POSSESSIVE.sub("", text)
    return _LEADING_THE.sub("", text)


def name_key(surface: str) -> str:
    """The case-insensitive look-up key of a name: "the al-Qa'ida" and "Al Qaida" share one."""
    text = fold_diacritics(_strip_article_and_possessive(surface)).casefold()
    text = text.translate({ord(c): None for c in _APOSTROPHES})
    text = text.translate({ord(c): " " for c in _DASHES})
    text = re.sub(r"[^\w\s&]", " ", text)
    return " ".join(text.split())


def compact_key(surface: str) -> str:
    """The name key without spaces, the fallback for "AlQaeda" or "Hizbul" against "Hizb-ul"."""
    return name_key(surface).replace(" ", "")


def acronym_key(surface: str) -> str:
    """The case-sensitive look-up key of an acronym: "ISIS-K" and "ISIS K" share one.

    Accents are kept: the Turkish "MİT" must not become the "MIT" of Massachusetts.
    """
    text = _strip_article_and_possessive(surface)
    text = text.translate({ord(c): " " for c in _DASHES})
    text = text.replace(".", "")
    return " ".join(text.split())


def is_partial_iso_date(value: str) -> bool:
    """True for "2015", "2015-08" and "2015-08-01" that the calendar has; the precision is the
    length."""
    parsed = PartialDate.of(value)
    return parsed is not None and parsed.precision in {"year", "month", "day"}


# How many spelling look-ups a gazetteer keeps before it starts afresh.
_CLOSEST_CACHE = 100_000


class Gazetteer:
    """The entries of one gazetteer file with look-up indexes over their names."""

    def __init__(self, version: str, entries: Sequence[GazetteerEntry], schema: int = 1) -> None:
        self.version = version
        self.schema = schema
        self.entries: tuple[GazetteerEntry, ...] = tuple(entries)
        self._by_id: dict[str, GazetteerEntry] = {}
        for entry in self.entries:
            # The first of two entries with one id wins; validate_gazetteer reports the clash.
            self._by_id.setdefault(entry.id, entry)
        self._names: dict[str, list[GazetteerEntry]] = {}
        self._compact_names: dict[str, list[GazetteerEntry]] = {}
        self._acronyms: dict[str, list[GazetteerEntry]] = {}
        self._ambiguous: dict[str, list[str]] = {}
        # Actor name keys -> entry ids, built on the first spelling look-up.
        self._actor_keys: dict[str, set[str]] | None = None
        self._actor_key_list: list[str] = []
        # (spelling key, score) -> the closest actor: the same names come back in every
        # story, and each look-up scores the key against every actor's names.
        self._closest: dict[tuple[str, float], GazetteerEntry | None] = {}
        self._index()

    def _index(self) -> None:
        for entry in self.entries:
            acronyms = set(entry.acronyms)
            for surface in entry.surfaces():
                if surface in acronyms:
                    _add_once(self._acronyms, acronym_key(surface), entry)
                else:
                    _add_once(self._names, name_key(surface), entry)
                    _add_once(self._compact_names, compact_key(surface), entry)
            for alias in entry.ambiguous:
                ids = self._ambiguous.setdefault(name_key(alias), [])
                if entry.id not in ids:
                    ids.append(entry.id)

    @property
    def actors(self) -> tuple[GazetteerEntry, ...]:
        return tuple(e for e in self.entries if e.type != PERSON_TYPE)

    @property
    def persons(self) -> tuple[GazetteerEntry, ...]:
        return tuple(e for e in self.entries if e.type == PERSON_TYPE)

    def get(self, id: str) -> GazetteerEntry | None:
        """The entry with this id, or None."""
        return self._by_id.get(id)

    def lookup(self, surface: str) -> list[GazetteerEntry]:
        """Every entry that a name as written in text may refer to (several when ambiguous).

        Acronyms must match case and all; names match whatever their case, with or without
        "the", a possessive, accents, apostrophes, hyphens or the space in "al Qaeda".
        """
        found = list(self._acronyms.get(acronym_key(surface), []))
        named = self._names.get(name_key(surface)) or self._compact_names.get(
            compact_key(surface), []
        )
        found.extend(e for e in named if e not in found)
        return found

    def closest_actor(self, surface: str, score: float = SPELLING_SCORE) -> GazetteerEntry | None:
        """The one actor (not a person) whose name this long name misspells or transliterates
        differently ("Asai'ib Ahl al-Haqq" for "Asa'ib Ahl al-Haq"), or None when no name is
        close enough or two different actors are equally close."""
        key = _spelling_key(surface)
        if len(key) < _SPELLING_MIN_LENGTH:
            return None
        if (key, score) not in self._closest:
            if len(self._closest) >= _CLOSEST_CACHE:
                self._closest.clear()
            self._closest[key, score] = self._closest_to_key(key, score)
        return self._closest[key, score]

    def _closest_to_key(self, key: str, score: float) -> GazetteerEntry | None:
        if self._actor_keys is None:
            keys: dict[str, set[str]] = {}
            for entry in self.actors:
                for alias in entry.surfaces():
                    if alias not in entry.acronyms:
                        keys.setdefault(_spelling_key(alias), set()).add(entry.id)
            self._actor_keys = {k: v for k, v in keys.items() if len(k) >= _SPELLING_MIN_LENGTH}
            self._actor_key_list = list(self._actor_keys)
        found = process.extract(key, self._actor_key_list, scorer=fuzz.ratio, limit=3)
        best = [name for name, value, _ in found if value >= score]
        if not best:
            return None
        top = max(value for _, value, _ in found)
        ids = {i for name, value, _ in found if value == top for i in self._actor_keys[name]}
        return self._by_id[ids.pop()] if len(ids) == 1 else None

    def candidates_for_ambiguous(self, alias: str) -> list[str]:
        """The ids an ambiguous alias may stand for ("Jundullah" or "ambiguous:jundullah")."""
        if alias.startswith(AMBIGUOUS_PREFIX):
            alias = alias[len(AMBIGUOUS_PREFIX) :]
        return list(self._ambiguous.get(name_key(alias), []))

    def entity_ruler_patterns(self) -> list[dict[str, Any]]:
        """Token patterns for spaCy's EntityRuler, one per spelling variant of every surface.

        Names match the lower-cased form of each token, acronyms the exact text, so "IS"
        matches "IS" (and the "IS" of "IS's", which spaCy splits off) but never "is".
        """
        tokenizer = _blank_tokenizer()
        patterns: list[dict[str, Any]] = []
        seen: set[tuple[str, str, str]] = set()
        for entry in self.entries:
            for surface in entry.surfaces():
                label, pattern_id = self._label_and_id(entry, surface)
                exact = surface in entry.acronyms
                for tokens in _token_variants(tokenizer, surface, fold=not exact):
                    pattern = _token_pattern(tokens, exact=exact)
                    key = (label, pattern_id, repr(pattern))
                    if key in seen:
                        continue
                    seen.add(key)
                    patterns.append({"label": label, "pattern": pattern, "id": pattern_id})
        return patterns

    def _label_and_id(self, entry: GazetteerEntry, surface: str) -> tuple[str, str]:
        if surface not in entry.ambiguous:
            return RULER_LABELS.get(entry.type, "ORGANIZATION"), entry.id
        candidates = [self._by_id[i] for i in self.candidates_for_ambiguous(surface)]
        # The label of an ambiguous alias is the commonest type among its candidates (the
        # first in file order on a tie), so "SNA" stays an armed force whichever army it is.
        types = Counter(c.type for c in candidates)
        best = max(types.values())
        label_type = next(c.type for c in candidates if types[c.type] == best)
        return RULER_LABELS.get(label_type, "ORGANIZATION"), AMBIGUOUS_PREFIX + surface.lower()


def _spelling_key(surface: str) -> str:
    """A name key without its particles (lexicons/entities.toml), for comparing spellings of
    one name: "Islamic Army of Iraq" and "Islamic Army in Iraq", "Jaish-e-Islam" and "Jaish
    al-Islam"."""
    particles = load_lexicons().actors.particles
    return " ".join(w for w in name_key(surface).split() if w not in particles)


def _add_once(index: dict[str, list[GazetteerEntry]], key: str, entry: GazetteerEntry) -> None:
    if not key:
        return
    bucket = index.setdefault(key, [])
    if entry not in bucket:
        bucket.append(entry)


@lru_cache(maxsize=1)
def _blank_tokenizer() -> Any:
    # spaCy is imported here, not at module level: loading and checking the gazetteer must not
    # pay for it, and the patterns must be tokenised exactly as the pipeline tokenises text.
    import spacy

    return spacy.blank("en").tokenizer


# Names with up to this many hyphens get every mix of hyphens and spaces ("Nusrat al-Islam
# wal Muslimin" beside "al-Islam wal-Muslimin"); more would multiply patterns for little.
_MAX_MIXED_HYPHENS = 3


def _mixed_hyphenation(surface: str) -> list[str]:
    """The surface with each of its hyphens kept or made a space, in every combination."""
    parts = re.split(f"([{re.escape(''.join(_DASHES))}])", surface)
    dashes = len(parts) // 2
    if not 1 < dashes + 1 <= _MAX_MIXED_HYPHENS + 1:
        return []
    variants = []
    for mask in range(1, 2**dashes - 1):
        out = [parts[0]]
        for k in range(dashes):
            out.append(parts[2 * k + 1] if mask >> k & 1 else " ")
            out.append(parts[2 * k + 2])
        variants.append(" ".join("".join(out).split()))
    return variants


def _spelling_variants(surface: str, fold: bool = True) -> list[str]:
    """The surface as written, without hyphens, without apostrophes, with curly ones, unaccented."""
    variants = [surface, *_mixed_hyphenation(surface)]
    unhyphenated = " ".join(surface.translate({ord(c): " " for c in _DASHES}).split())
    variants.append(unhyphenated)
    for text in list(variants):
        if any(c in text for c in _APOSTROPHES):
            variants.append(text.translate({ord(c): None for c in _APOSTROPHES}))
            variants.append(text.translate({ord(c): "’" for c in _APOSTROPHES}))
            variants.append(text.translate({ord(c): "'" for c in _APOSTROPHES}))
    if fold:
        variants.extend([fold_diacritics(v) for v in variants])
    return list(dict.fromkeys(v for v in variants if v.strip()))


def _token_variants(tokenizer: Any, surface: str, fold: bool) -> Iterator[list[str]]:
    for variant in _spelling_variants(surface, fold):
        tokens = [t.text for t in tokenizer(variant) if not t.is_space]
        if tokens:
            yield tokens


def _token_pattern(tokens: Iterable[str], exact: bool) -> list[dict[str, str]]:
    if exact:
        return [{"ORTH": t} for t in tokens]
    return [{"LOWER": t.lower()} for t in tokens]


# --- loading -----------------------------------------------------------------------------------


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """The gazetteer in `path`, or the packaged one (read once per process) when no path."""
    if path is None:
        return _load_packaged_gazetteer()
    return parse_gazetteer(tomllib.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _load_packaged_gazetteer() -> Gazetteer:
    return parse_gazetteer(read_toml("actors.toml"))


def parse_gazetteer(data: dict[str, Any]) -> Gazetteer:
    """A gazetteer from parsed TOML; lenient, so that validate_gazetteer can report mistakes."""
    entries = [_actor_entry(raw) for raw in data.get("actor", [])]
    entries += [_person_entry(raw) for raw in data.get("person", [])]
    return Gazetteer(str(data.get("version", "")), entries, int(data.get("schema", 1)))


def _actor_entry(raw: dict[str, Any]) -> GazetteerEntry:
    return _entry(raw, str(raw.get("type", "")), raw.get("links", []))


def _person_entry(raw: dict[str, Any]) -> GazetteerEntry:
    return _entry(raw, PERSON_TYPE, raw.get("roles", []))


def _entry(raw: dict[str, Any], type_: str, links: list[dict[str, Any]]) -> GazetteerEntry:
    return GazetteerEntry(
        id=str(raw.get("id", "")),
        name=str(raw.get("name", "")),
        type=type_,
        aliases=_strings(raw.get("aliases")),
        acronyms=_strings(raw.get("acronyms")),
        countries=_strings(raw.get("countries")),
        founded=_date_text(raw.get("founded")),
        ambiguous=_strings(raw.get("ambiguous")),
        links=tuple(_link(link) for link in links),
    )


def _link(raw: dict[str, Any]) -> GazetteerLink:
    return GazetteerLink(
        predicate=str(raw.get("predicate", "")),
        target=str(raw.get("target", "")),
        valid_from=_date_text(raw.get("from")),
        valid_to=_date_text(raw.get("to")),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _date_text(value: Any) -> str | None:
    # TOML allows bare dates (1998-04-01) and numbers (1998); both become ISO text.
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


# --- checking ----------------------------------------------------------------------------------


def validate_gazetteer(g: Gazetteer) -> list[str]:
    """Every problem in a gazetteer, one line each, prefixed with its kind (e.g. "duplicate-id")."""
    problems: list[str] = []
    problems += _id_problems(g)
    for entry in g.entries:
        problems += _entry_problems(entry, g)
    problems += _shared_alias_problems(g)
    return problems


def _id_problems(g: Gazetteer) -> list[str]:
    counts = Counter(e.id for e in g.entries)
    problems = [f"duplicate-id: {i!r} is used by {n} entries" for i, n in counts.items() if n > 1]
    problems += [
        f"bad-id: {e.id!r} is not a lowercase slug"
        for e in g.entries
        if not _ID_PATTERN.match(e.id)
    ]
    if not g.version:
        problems.append("missing-version: the file has no version")
    return problems


def _entry_problems(entry: GazetteerEntry, g: Gazetteer) -> list[str]:
    problems: list[str] = []
    where = f"{entry.id!r}"
    if entry.type not in (*ACTOR_TYPES, PERSON_TYPE):
        problems.append(f"unknown-type: {where} has type {entry.type!r}")
    if not entry.name:
        problems.append(f"missing-name: {where} has no name")
    aliases = set(entry.aliases)
    problems += [
        f"acronym-not-alias: {where} lists acronym {a!r} that is not among its aliases"
        for a in entry.acronyms
        if a not in aliases
    ]
    problems += [
        f"ambiguous-not-alias: {where} marks {a!r} ambiguous but does not list it as an alias"
        for a in entry.ambiguous
        if a not in aliases
    ]
    problems += [
        f"bad-country: {where} has {c!r}, not an ISO 3166-1 alpha-2 code"
        for c in entry.countries
        if not _is_country_code(c)
    ]
    if entry.founded is not None and not is_partial_iso_date(entry.founded):
        problems.append(f"bad-date: {where} founded {entry.founded!r} is not a partial ISO date")
    for link in entry.links:
        problems += _link_problems(entry, link, g)
    if entry.type == PERSON_TYPE:
        problems += _short_name_problems(entry)
    return problems


def _is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None


def _link_problems(entry: GazetteerEntry, link: GazetteerLink, g: Gazetteer) -> list[str]:
    where = f"{entry.id!r} {link.predicate} {link.target!r}"
    allowed = ROLE_PREDICATES if entry.type == PERSON_TYPE else LINK_PREDICATES
    problems = []
    if link.predicate not in allowed:
        problems.append(f"unknown-predicate: {where}")
    if g.get(link.target) is None:
        problems.append(f"unknown-target: {where} points to no entry")
    elif link.target == entry.id:
        problems.append(f"self-link: {where}")
    for label, value in (("from", link.valid_from), ("to", link.valid_to)):
        if value is not None and not is_partial_iso_date(value):
            problems.append(f"bad-date: {where} {label} {value!r} is not a partial ISO date")
    if link.valid_from and link.valid_to and _is_ordered_wrongly(link.valid_from, link.valid_to):
        problems.append(f"bad-date: {where} ends ({link.valid_to}) before it starts")
    return problems


def _is_ordered_wrongly(start: str, end: str) -> bool:
    if not (is_partial_iso_date(start) and is_partial_iso_date(end)):
        return False
    return not not_after(start, end)


def _short_name_problems(person: GazetteerEntry) -> list[str]:
    """A one-word alias that is a word of the person's longer names is a short form ("Omar")."""
    longer_words = {w for s in person.surfaces() if len(s.split()) > 1 for w in name_key(s).split()}
    return [
        f"short-name: {person.id!r} has the short form {a!r} as an alias"
        for a in person.aliases
        if len(name_key(a).split()) == 1 and name_key(a) in longer_words
    ]


def _shared_alias_problems(g: Gazetteer) -> list[str]:
    """The same spelling on two entries is only allowed when both mark it ambiguous."""
    owners: dict[tuple[str, str], list[tuple[GazetteerEntry, str]]] = {}
    for entry in g.entries:
        for surface in entry.surfaces():
            bucket = owners.setdefault(_surface_key(entry, surface), [])
            if all(owner is not entry for owner, _ in bucket):
                bucket.append((entry, surface))
    problems = []
    for (_, key), bucket in owners.items():
        unmarked = [e.id for e, surface in bucket if not _marks_ambiguous(e, surface)]
        if len(bucket) > 1 and unmarked:
            ids = ", ".join(e.id for e, _ in bucket)
            unmarked_ids = ", ".join(unmarked)
            problems.append(
                f"shared-alias: {key!r} is on {ids} but not marked ambiguous in {unmarked_ids}"
            )
    return problems


def _surface_key(entry: GazetteerEntry, surface: str) -> tuple[str, str]:
    """The index a surface lives in and its key there, as lookup sees it."""
    if surface in entry.acronyms:
        return ("acronym", acronym_key(surface))
    return ("name", name_key(surface))


def _marks_ambiguous(entry: GazetteerEntry, surface: str) -> bool:
    keys = {name_key(a) for a in entry.ambiguous}
    return surface in entry.ambiguous or name_key(surface) in keys
