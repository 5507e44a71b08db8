"""Geoparsing evaluation: the scoring rules on hand-made inputs, and a few articles of the gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from factions.evaluation.geoparsing import (
    ACCURACY_KM,
    GEOPARSING_FILES,
    Answer,
    GoldToponym,
    RecognisedArticle,
    ResolutionTally,
    evaluate_geoparsing,
    format_geo_scores,
    geonames_points,
    haversine_km,
    judge,
    most_populous,
    pipeline_recogniser,
    read_gold,
    span_scores,
)
from factions.evaluation.suites import SuiteOptions, registered_suites

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
GOLD_DIR = SHARED / "eval" / "geoparsing"

# Two made-up articles in the TR-News/LGL form: one right, one far off, one unknown, one
# toponym without a gazetteer entry (skipped).
TINY_XML = """<?xml version="1.0"?>
<articles>
  <article>
    <text>Fighting near Kabul and in Zzqxwv; Kandahar was calm.</text>
    <toponyms>
      <toponym><phrase>Kabul</phrase><start>14</start><end>19</end>
        <gaztag geonameid="1"><name>Kabul</name><lat>34.53</lat><lon>69.17</lon></gaztag>
      </toponym>
      <toponym><phrase>Zzqxwv</phrase><start>27</start><end>33</end>
        <gaztag geonameid="2"><name>Zzqxwv</name><lat>10.0</lat><lon>10.0</lon></gaztag>
      </toponym>
      <toponym><phrase>Kandahar</phrase><start>35</start><end>43</end></toponym>
    </toponyms>
  </article>
  <article>
    <text>Troops left Tashkent.</text>
    <toponyms>
      <toponym><phrase>Tashkent</phrase><start>12</start><end>20</end>
        <gaztag geonameid="3"><name>Tashkent</name><lat>0.0</lat><lon>0.0</lon></gaztag>
      </toponym>
    </toponyms>
  </article>
</articles>
"""


def _gold(lat: float = 10.0, lon: float = 20.0, geonameid: str | None = "100") -> GoldToponym:
    return GoldToponym("Somewhere", 0, 9, lat, lon, geonameid=geonameid)


def _answer(
    gazetteer_id: str | None, lat: float | None, lon: float | None, precision: str = "point"
) -> Answer:
    return Answer(gazetteer_id, "Answer", "XX", lat, lon, precision)


def test_haversine_known_distance():
    # One degree of latitude is about 111 km.
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.2, abs=0.5)
    assert haversine_km(34.5, 69.2, 34.5, 69.2) == 0.0


def test_same_geonames_id_is_right_wherever_our_point_lies():
    far = judge(_answer("geonames:100", -40.0, -60.0, "country"), _gold(), {})
    assert far.right and far.same_id and far.error_km == 0.0


def test_another_id_is_right_only_within_161_km():
    near = judge(_answer("geonames:7", 11.0, 20.0), _gold(), {})  # ~111 km north
    assert near.right and not near.same_id
    assert near.error_km == pytest.approx(111.2, abs=0.5)
    off = judge(_answer("geonames:7", 12.0, 20.0), _gold(), {})  # ~222 km north
    assert not off.right and off.error_km > ACCURACY_KM
    # Without an id in the gold, distance alone decides.
    assert judge(_answer("geonames:100", 11.0, 20.0), _gold(geonameid=None), {}).right


def test_no_answer_and_answer_without_coordinates_are_wrong():
    assert judge(None, _gold(), {}).error_km is None
    missing = judge(_answer("region:somewhere", None, None, "region"), _gold(), {})
    assert not missing.right and missing.error_km is None


def test_country_and_province_are_measured_from_their_geonames_point():
    points = {"55": (10.5, 20.0), "66": (30.0, 20.0)}
    # Our centroid is ~1,100 km away, the unit's GeoNames point ~56 km: right.
    country = _answer("geonames:55", 20.0, 20.0, "country")
    judged = judge(country, _gold(), points)
    assert judged.right and not judged.centroid_fallback
    assert judged.error_km == pytest.approx(55.6, abs=0.5)
    # The other way round: our centroid sits on the gold, the GeoNames point does not.
    province = _answer("geonames:66", 10.0, 20.0, "admin1")
    assert not judge(province, _gold(), points).right
    # A unit without a known GeoNames point falls back to our centroid, and says so.
    unknown = judge(_answer("geonames:77", 10.0, 20.0, "admin1"), _gold(), points)
    assert unknown.right and unknown.centroid_fallback
    # A town is its own GeoNames point: the table is not consulted.
    town = judge(_answer("geonames:55", 10.0, 20.0, "point"), _gold(), points)
    assert town.right and not town.centroid_fallback


def test_tally_figures():
    tally = ResolutionTally()
    tally.add(judge(_answer("geonames:100", 0.0, 0.0), _gold(), {}), _gold())  # same id
    tally.add(judge(_answer("geonames:9", 12.0, 20.0), _gold(), {}), _gold())  # 222 km
    tally.add(judge(None, _gold(), {}), _gold(geonameid=None))  # no answer
    assert (tally.total, tally.answered, tally.right, tally.same_id) == (3, 2, 1, 1)
    assert tally.accuracy == pytest.approx(1 / 3)
    assert tally.same_id_share == pytest.approx(1 / 2)  # two of the gold give an id
    assert tally.no_answer_share == pytest.approx(1 / 3)
    assert tally.median_error_km == pytest.approx(111.2, abs=0.5)  # of 0 and ~222
    assert 1 / 3 < tally.auc < 1.0


def test_span_scores_exact_and_overlap():
    gold = [(0, 5), (10, 20), (30, 35)]
    predicted = [(0, 5), (12, 20), (40, 45), (50, 55)]
    neutral = [(50, 60)]  # a common-noun annotation: a place predicted there is neutral
    exact = span_scores(gold, predicted, neutral, overlap=False)
    assert (exact.gold, exact.predicted, exact.matched_gold) == (3, 3, 1)
    assert exact.precision == pytest.approx(1 / 3)
    assert exact.recall == pytest.approx(1 / 3)
    overlap = span_scores(gold, predicted, neutral, overlap=True)
    assert (overlap.matched_gold, overlap.matched_predicted) == (2, 2)
    assert overlap.precision == pytest.approx(2 / 3)
    assert overlap.recall == pytest.approx(2 / 3)
    assert overlap.f1 == pytest.approx(2 / 3)
    # One long prediction over two gold names finds both, and is one right prediction.
    wide = span_scores([(0, 5), (6, 10)], [(0, 10)], overlap=True)
    assert (wide.matched_gold, wide.matched_predicted, wide.predicted) == (2, 1, 1)


def test_geonames_points_read_from_gaztags(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY_XML, encoding="utf-8")
    points = geonames_points([path, tmp_path / "absent.xml"])
    assert points["1"] == (34.53, 69.17)
    assert set(points) == {"1", "2", "3"}


def test_most_populous_picks_a_geonames_candidate():
    answer = most_populous("Kabul")
    assert answer is not None and answer.gazetteer_id.startswith("geonames:")
    assert haversine_km(answer.lat, answer.lon, 34.53, 69.17) < ACCURACY_KM
    assert most_populous("Zzqxwv") is None


def test_tiny_corpus_counts_and_figures(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY_XML, encoding="utf-8")
    scores = evaluate_geoparsing(path)
    r = scores.resolution
    assert (scores.articles, r.total, scores.skipped) == (2, 3, 1)
    # The made-up name, unknown to the gazetteer, is kept at the place named before it (Kabul),
    # which is far from its made-up gold point.
    assert r.answered == 3
    assert r.right == 1  # Kabul; Tashkent's gold point is deliberately wrong
    assert r.accuracy == pytest.approx(1 / 3)
    assert r.no_answer_share == pytest.approx(0.0)
    assert r.median_error_km is not None and r.median_error_km > 1000
    assert scores.baseline.total == 3
    assert scores.baseline.answered == 2  # the baseline has no answer for the made-up name
    assert any("Zzqxwv" in line and "(AF, point, None)" in line for line in scores.misses)
    assert any("Tashkent" in line for line in scores.misses)
    assert sum(scores.resolution_classes.values()) == 2
    assert "acc@161km 0.333" in format_geo_scores(scores)
    figures = scores.figures()
    assert figures["tiny_accuracy_161km"] == pytest.approx(1 / 3)
    assert "tiny_recognition_f1" not in figures


def test_recognition_with_a_fake_recogniser(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY_XML, encoding="utf-8")
    kabul = Answer("geonames:1", "Kabul", "AF", 34.5, 69.2, "point")

    def recognise(texts: list[str]) -> list[RecognisedArticle]:
        # Finds "Kabul" and a wrong span in the first article, nothing in the second.
        first = RecognisedArticle([(14, 19, kabul), (0, 8, None)], ner=[(14, 19)])
        return [first, RecognisedArticle()][: len(texts)]

    scores = evaluate_geoparsing(path, recogniser=recognise)
    exact = scores.recognition_exact
    assert (exact.gold, exact.predicted, exact.matched_gold) == (4, 2, 1)
    assert exact.precision == pytest.approx(0.5)
    assert exact.recall == pytest.approx(0.25)
    assert scores.ner_overlap.precision == 1.0
    # End to end: three counted gold toponyms have coordinates; Kabul found and right.
    assert (scores.end_to_end_gold, scores.end_to_end.total, scores.end_to_end.right) == (3, 1, 1)
    assert scores.end_to_end_found_right == pytest.approx(1 / 3)
    assert scores.recognition_classes["spurious place"] == 1
    assert "tiny_recognition_overlap_f1" in scores.figures()


def _shared_corpus(corpus: str) -> Path:
    path = GOLD_DIR / corpus
    if not path.exists():
        pytest.skip(f"../shared absent: {path} not found")
    return path


@pytest.mark.parametrize("corpus", GEOPARSING_FILES)
def test_shared_gold_first_articles(corpus):
    path = _shared_corpus(corpus)
    limit = 3
    articles = read_gold(path, limit)
    assert len(articles) == limit
    for article in articles:
        for toponym in article.toponyms:
            # Offsets point at the surface in the text (GeoWebNews names can differ in case).
            assert 0 <= toponym.start < toponym.end <= len(article.text)
    gold_total = sum(len(a.toponyms) for a in articles)
    named = sum(1 for a in articles for t in a.toponyms if t.named)
    points = geonames_points([GOLD_DIR / name for name in GEOPARSING_FILES])
    scores = evaluate_geoparsing(path, limit=limit, recogniser=pipeline_recogniser, points=points)
    r = scores.resolution
    assert scores.articles == limit
    assert r.total + scores.skipped == gold_total
    assert r.total > 0 and scores.baseline.total == r.total
    assert r.same_id <= r.right <= r.total and r.answered <= r.total
    assert r.with_id <= r.total
    for tally in (r, scores.baseline, scores.end_to_end):
        if tally.answered:
            assert 0.0 <= tally.median_error_km <= 20_040.0
    assert scores.recognition_exact.gold == scores.recognition_overlap.gold == named
    assert scores.recognition_exact.matched_gold <= scores.recognition_overlap.matched_gold
    assert scores.end_to_end.total <= scores.recognition_overlap.matched_gold
    assert scores.end_to_end.total <= scores.end_to_end_gold <= named
    for name, value in scores.figures().items():
        if name.endswith(("_km", "_seconds", "_toponyms")):
            assert value >= 0.0, name
        else:
            assert 0.0 <= value <= 1.0, name
    assert format_geo_scores(scores).startswith(path.stem)


def test_geo_suite_on_one_article_per_corpus():
    _shared_corpus(GEOPARSING_FILES[0])
    report = registered_suites()["geo"].run(SuiteOptions(shared=SHARED, limit=1))
    for corpus in ("GeoWebNews", "TR-News", "LGL"):
        for figure in ("accuracy_161km", "same_id_share", "auc", "recognition_f1"):
            assert 0.0 <= report.figures[f"{corpus}_{figure}"] <= 1.0
        assert f"{corpus}_baseline_accuracy_161km" in report.figures
        assert f"{corpus}_recognition_overlap_f1" in report.figures
