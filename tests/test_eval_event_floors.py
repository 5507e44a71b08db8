"""CI floors for events on the external dev sets: the figures reached may not drop below
tests/baselines/events.json by more than its margin. The full dev files are scored (GTD about
one minute, ACLED about two, WikiEvents half a minute on one core); the tests skip when
../shared is absent."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factions.evaluation.acled import acled_figures, evaluate_acled, format_acled_scores
from factions.evaluation.gtd import evaluate_gtd, format_gtd_scores, gtd_figures
from factions.evaluation.wikievents import evaluate_wikievents, format_wiki_scores, wiki_figures
from tests.conftest import SHARED, require_shared

BASELINE = json.loads((Path(__file__).parent / "baselines" / "events.json").read_text("utf-8"))
FILES = {
    "gtd": SHARED / "eval" / "events-gtd" / "gtd-2021h1-dev.csv",
    "acled": SHARED / "eval" / "events-acled" / "acled-2022h1-dev.csv",
    "wikievents": SHARED / "eval" / "events-wikievents" / "dev.jsonl",
}


def _check(suite: str, figures: dict[str, float], report: str) -> None:
    floors = BASELINE[suite]
    assert set(floors) <= set(figures), f"{suite}: the baseline names unknown figures"
    dropped = {
        name: (round(figures[name], 3), floor)
        for name, floor in floors.items()
        if figures[name] < floor - BASELINE["margin"]
    }
    assert not dropped, f"{suite} below baseline: {dropped}\n{report}"


@pytest.mark.slow
def test_gtd_figures_hold_the_baseline() -> None:
    scores = evaluate_gtd(require_shared(FILES["gtd"]))
    _check("gtd", gtd_figures(scores), format_gtd_scores(scores))


@pytest.mark.slow
def test_acled_figures_hold_the_baseline() -> None:
    scores = evaluate_acled(require_shared(FILES["acled"]))
    _check("acled", acled_figures(scores), format_acled_scores(scores))


@pytest.mark.slow
def test_wikievents_figures_hold_the_baseline() -> None:
    scores = evaluate_wikievents(require_shared(FILES["wikievents"]))
    _check("wikievents", wiki_figures(scores), format_wiki_scores(scores))
