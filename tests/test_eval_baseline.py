"""CI floor: the sample-corpus figures may not drop below the recorded baseline by more than
its margin. Raise the baseline (tests/baselines/sample.json) when the figures rise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factions.evaluation.run import sample_gold_path
from factions.evaluation.sample import evaluate_sample, format_sample_scores

BASELINE = Path(__file__).parent / "baselines" / "sample.json"


@pytest.fixture(scope="module")
def sample_scores(sample_kb):  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        return evaluate_sample(conn, sample_gold_path())


def test_sample_figures_hold_the_baseline(sample_scores) -> None:  # type: ignore[no-untyped-def]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    figures = sample_scores.figures()
    assert set(baseline["figures"]) == set(figures), "baseline and figures name different measures"
    dropped = {
        name: (round(figures[name], 3), floor)
        for name, floor in baseline["figures"].items()
        if figures[name] < floor - baseline["margin"]
    }
    assert not dropped, f"below baseline: {dropped}\n{format_sample_scores(sample_scores)}"


def test_scores_count_every_gold_record(sample_scores) -> None:  # type: ignore[no-untyped-def]
    gold = [json.loads(line) for line in sample_gold_path().read_text().splitlines() if line]
    relations = sum(1 for g in gold if g["kind"] == "relation")
    events = sum(1 for g in gold if g["kind"] == "event")
    places = sum(1 for g in gold if g["kind"] == "place")
    assert sample_scores.relations.tp + sample_scores.relations.fn <= relations
    assert sample_scores.events.tp + sample_scores.events.fn == events
    assert sample_scores.places_found.total == places
