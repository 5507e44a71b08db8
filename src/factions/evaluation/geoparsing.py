"""Score the geocoder (and optionally a spaCy pipeline's place recognition) on geoparsing gold.

Reads the corpora recommended by Gritta et al. (GeoWebNews, TR-News, LGL) in the XML form of
their repository: one <article> with <text> and <toponyms>; each <toponym> has <start>/<end>
and either <latitude>/<longitude> (GeoWebNews) or a <gaztag> with <lat>/<lon> (TR-News, LGL).

Resolution: every gold toponym with coordinates is resolved from its gold surface alone, with
the article's country focus computed from all its gold surfaces. GeoWebNews toponyms marked
nonLocational or typed Demonym are skipped (they carry no coordinates). Adjectival references
that the gold does locate ("Turkish" -> Turkey in TR-News, type Non_Literal_Modifier in
GeoWebNews) are resolved with allow_demonym=True, since the gold asserts they point at a place.
A toponym the geocoder cannot place counts against accuracy and is reported as "no answer".
"""

from __future__ import annotations

import math
import statistics
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.geocode import PlaceMatch, document_focus, get_geocoder

GEOPARSING_FILES = ("GeoWebNews.xml", "TR-News.xml", "LGL.xml")
ACCURACY_KM = 161.0
EARTH_RADIUS_KM = 6371.0
# Half the Earth's circumference: the error a missing answer is given in the AUC.
MAX_ERROR_KM = 20039.0
PLACE_LABELS = ("GPE", "LOC", "FAC")
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


@dataclass
class GoldArticle:
    text: str
    toponyms: list[GoldToponym]


@dataclass
class GeoScores:
    corpus: str
    articles: int
    toponyms: int  # gold toponyms with coordinates that were resolved
    skipped: int  # gold toponyms without coordinates, nonLocational or demonyms
    answered: int
    within_161km: int
    accuracy_161km: float  # share of `toponyms` placed within 161 km (no answer = wrong)
    accuracy_answered: float  # the same among the answered ones
    mean_error_km: float | None
    median_error_km: float | None
    auc: float | None  # area under the log error curve, lower is better
    no_answer_share: float
    seconds: float
    recognition_gold: int = 0
    recognition_predicted: int = 0
    recognition_matched: int = 0
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    misses: list[str] = field(default_factory=list)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


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
        lat, lon = _float(gaztag.findtext("lat")), _float(gaztag.findtext("lon"))
        return GoldToponym(surface, start, end, lat, lon)
    kind = node.findtext("type")
    if kind is None:  # TR-News/LGL toponym without a gazetteer entry
        return GoldToponym(surface, start, end, None, None)
    non_locational = (node.findtext("nonLocational") or "No") == "Yes"
    adjectival = kind == "Demonym" or node.findtext("modifierType") == "Adjective"
    located = not non_locational and kind != "Demonym"
    return GoldToponym(
        surface,
        start,
        end,
        _float(node.findtext("latitude")) if located else None,
        _float(node.findtext("longitude")) if located else None,
        named=kind in _GWN_NAMED_TYPES and not non_locational and not adjectival,
        adjectival=adjectival,
    )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def evaluate_geoparsing(
    xml_path: Path, limit: int | None = None, nlp: Any = None, max_misses: int = 40
) -> GeoScores:
    """Resolution (and, given a spaCy pipeline, recognition) scores on one gold corpus."""
    started = time.perf_counter()
    geocoder = get_geocoder()
    articles = read_gold(Path(xml_path), limit)
    errors: list[float] = []
    total = skipped = 0
    misses: list[tuple[float, str]] = []
    for article in articles:
        focus = document_focus([t.surface for t in article.toponyms])
        for toponym in article.toponyms:
            if toponym.lat is None or toponym.lon is None:
                skipped += 1
                continue
            total += 1
            adjectival = toponym.adjectival or geocoder.demonym_country(toponym.surface) is not None
            match = geocoder.resolve(toponym.surface, focus, allow_demonym=adjectival)
            error = _error_km(match, toponym)
            if error is None:
                misses.append((-1.0, f"{toponym.surface!r}: no answer (focus {focus[:3]})"))
                continue
            errors.append(error)
            if error > ACCURACY_KM:
                misses.append((error, _miss_line(toponym, match, error)))  # type: ignore[arg-type]
    scores = _resolution_scores(Path(xml_path).stem, len(articles), total, skipped, errors)
    # The farthest wrong answers first, then a few of the names left unplaced.
    wrong = sorted((m for m in misses if m[0] >= 0), key=lambda m: -m[0])
    unplaced = [m for m in misses if m[0] < 0]
    half = max_misses // 2
    scores.misses = [line for _, line in wrong[:half] + unplaced[: max_misses - half]]
    if nlp is not None:
        _add_recognition(scores, articles, nlp)
    scores.seconds = round(time.perf_counter() - started, 2)
    return scores


def _error_km(match: PlaceMatch | None, toponym: GoldToponym) -> float | None:
    if match is None or match.lat is None or match.lon is None:
        return None
    return haversine_km(match.lat, match.lon, toponym.lat, toponym.lon)  # type: ignore[arg-type]


def _miss_line(toponym: GoldToponym, match: PlaceMatch, error: float) -> str:
    return (
        f"{toponym.surface!r}: {match.name} ({match.country}, {match.precision}) "
        f"is {error:.0f} km from gold ({toponym.lat:.2f}, {toponym.lon:.2f})"
    )


def _resolution_scores(
    corpus: str, articles: int, total: int, skipped: int, errors: list[float]
) -> GeoScores:
    within = sum(1 for e in errors if e <= ACCURACY_KM)
    unanswered = total - len(errors)
    # AUC as in Gritta et al.: mean of ln(1 + error) / ln(max error), a missing answer maximal.
    curve = [math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in errors] + [1.0] * unanswered
    return GeoScores(
        corpus=corpus,
        articles=articles,
        toponyms=total,
        skipped=skipped,
        answered=len(errors),
        within_161km=within,
        accuracy_161km=within / total if total else 0.0,
        accuracy_answered=within / len(errors) if errors else 0.0,
        mean_error_km=statistics.fmean(errors) if errors else None,
        median_error_km=statistics.median(errors) if errors else None,
        auc=statistics.fmean(curve) if curve else None,
        no_answer_share=unanswered / total if total else 0.0,
        seconds=0.0,
    )


def _add_recognition(scores: GeoScores, articles: list[GoldArticle], nlp: Any) -> None:
    """Precision/recall/F1 of GPE/LOC/FAC entities against the named gold spans (any overlap)."""
    gold_total = predicted_total = matched_gold = matched_predicted = 0
    for article in articles:
        gold = [(t.start, t.end) for t in article.toponyms if t.named]
        doc = nlp(article.text)
        predicted = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in PLACE_LABELS]
        gold_total += len(gold)
        predicted_total += len(predicted)
        matched_gold += sum(1 for g in gold if any(_overlaps(g, p) for p in predicted))
        matched_predicted += sum(1 for p in predicted if any(_overlaps(p, g) for g in gold))
    precision = matched_predicted / predicted_total if predicted_total else 0.0
    recall = matched_gold / gold_total if gold_total else 0.0
    scores.recognition_gold = gold_total
    scores.recognition_predicted = predicted_total
    scores.recognition_matched = matched_gold
    scores.precision = precision
    scores.recall = recall
    scores.f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def format_geo_scores(scores: GeoScores) -> str:
    """A short human-readable report of a GeoScores."""

    def km(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.0f} km"

    lines = [
        f"{scores.corpus}: {scores.articles} articles, {scores.toponyms} toponyms resolved "
        f"({scores.skipped} skipped), {scores.seconds:.1f} s",
        f"  accuracy@161km {scores.accuracy_161km:.3f} "
        f"({scores.accuracy_answered:.3f} of answered); no answer {scores.no_answer_share:.3f}",
        f"  error: mean {km(scores.mean_error_km)}, median {km(scores.median_error_km)}, "
        f"AUC {scores.auc:.3f}"
        if scores.auc is not None
        else "  error: n/a",
    ]
    if scores.f1 is not None:
        lines.append(
            f"  recognition (GPE/LOC/FAC, overlap): P {scores.precision:.3f} "
            f"R {scores.recall:.3f} F1 {scores.f1:.3f} "
            f"(gold {scores.recognition_gold}, predicted {scores.recognition_predicted})"
        )
    if scores.misses:
        lines.append("  worst misses:")
        lines.extend(f"    {line}" for line in scores.misses)
    return "\n".join(lines)


@suite("geo", "places: GeoWebNews, TR-News and LGL (Gritta et al.)")
def geo_suite(options: SuiteOptions) -> SuiteReport:
    paths = (
        [options.data]
        if options.data
        else [options.eval_dir / "geoparsing" / name for name in GEOPARSING_FILES]
    )
    texts, figures, misses = [], {}, []
    for path in paths:
        scores = evaluate_geoparsing(path, limit=options.limit)
        texts.append(format_geo_scores(scores))
        figures[f"{scores.corpus}_accuracy_161km"] = scores.accuracy_161km
        misses.extend(scores.misses)
    return SuiteReport("geo", "\n".join(texts), figures, misses)
