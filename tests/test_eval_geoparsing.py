"""Geoparsing evaluation: a tiny hand-made corpus, and a few articles of the shared gold."""

from __future__ import annotations

from pathlib import Path

import pytest

from factions.evaluation.geoparsing import (
    evaluate_geoparsing,
    format_geo_scores,
    haversine_km,
    read_gold,
)

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


def test_haversine_known_distance():
    # One degree of latitude is about 111 km.
    assert haversine_km(0.0, 0.0, 1.0, 0.0) == pytest.approx(111.2, abs=0.5)
    assert haversine_km(34.5, 69.2, 34.5, 69.2) == 0.0


def test_tiny_corpus_counts_and_figures(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY_XML, encoding="utf-8")
    scores = evaluate_geoparsing(path)
    assert (scores.articles, scores.toponyms, scores.skipped) == (2, 3, 1)
    assert scores.answered == 2  # the made-up name has no answer
    assert scores.within_161km == 1  # Kabul; Tashkent's gold point is deliberately wrong
    assert scores.accuracy_161km == pytest.approx(1 / 3)
    assert scores.no_answer_share == pytest.approx(1 / 3)
    assert scores.median_error_km is not None and scores.median_error_km > 1000
    assert any("Zzqxwv" in line and "no answer" in line for line in scores.misses)
    assert any("Tashkent" in line for line in scores.misses)
    report = format_geo_scores(scores)
    assert "accuracy@161km 0.333" in report


class _FakeEntity:
    def __init__(self, start: int, end: int, label: str) -> None:
        self.start_char, self.end_char, self.label_ = start, end, label


class _FakeDoc:
    def __init__(self, ents: list[_FakeEntity]) -> None:
        self.ents = ents


def test_recognition_counts_overlaps(tmp_path):
    path = tmp_path / "tiny.xml"
    path.write_text(TINY_XML, encoding="utf-8")

    def nlp(text: str) -> _FakeDoc:
        # Finds "Kabul" (GPE) and a wrong span in the first article; a PERSON is ignored.
        if text.startswith("Fighting"):
            return _FakeDoc([_FakeEntity(14, 19, "GPE"), _FakeEntity(0, 8, "LOC")])
        return _FakeDoc([_FakeEntity(12, 20, "PERSON")])

    scores = evaluate_geoparsing(path, nlp=nlp)
    assert (scores.recognition_gold, scores.recognition_predicted) == (4, 2)
    assert scores.recognition_matched == 1
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(0.25)
    assert scores.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


@pytest.mark.parametrize("corpus", ["GeoWebNews.xml", "TR-News.xml", "LGL.xml"])
def test_shared_gold_first_articles(corpus):
    path = GOLD_DIR / corpus
    if not path.exists():
        pytest.skip(f"../shared absent: {path} not found")
    limit = 5
    articles = read_gold(path, limit)
    assert len(articles) == limit
    for article in articles:
        for toponym in article.toponyms:
            # Offsets point at the surface in the text (GeoWebNews names can differ in case).
            assert 0 <= toponym.start < toponym.end <= len(article.text)
    gold_total = sum(len(a.toponyms) for a in articles)
    scores = evaluate_geoparsing(path, limit=limit)
    assert scores.articles == limit
    assert scores.toponyms + scores.skipped == gold_total
    assert scores.toponyms > 0
    assert 0.0 <= scores.accuracy_161km <= 1.0
    assert scores.within_161km <= scores.answered <= scores.toponyms
    assert 0.0 <= scores.no_answer_share <= 1.0
    if scores.answered:
        assert 0.0 <= scores.median_error_km <= 20_040.0
    assert format_geo_scores(scores).startswith(path.stem)
