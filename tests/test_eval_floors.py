"""CI floors for events on external gold (../shared/eval): the figures of each suite, on a fixed
subset where the set is big, may not drop below tests/baselines/events.json by more than its
margin. Raise the floors when the figures rise. GTD and ACLED run on their first rows only
(`limit` in the baseline) to stay within CI's time; MUC-4 and WikiEvents run whole."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factions.evaluation.acled import acled_figures, evaluate_acled
from factions.evaluation.gtd import evaluate_gtd, gtd_figures
from factions.evaluation.muc4 import evaluate_muc4, muc4_figures
from factions.evaluation.wikievents import evaluate_wikievents, wiki_figures
from tests.conftest import SHARED, require_shared

BASELINE = Path(__file__).parent / "baselines" / "events.json"
EVAL = SHARED / "eval"
SUITES: dict[str, tuple[Path, Callable[..., Any], Callable[[Any], dict[str, float]]]] = {
    "gtd": (EVAL / "events-gtd" / "gtd-2021h1-dev.csv", evaluate_gtd, gtd_figures),
    "acled": (EVAL / "events-acled" / "acled-2022h1-dev.csv", evaluate_acled, acled_figures),
    "muc4": (EVAL / "events-muc4" / "muc4-dev.jsonl", evaluate_muc4, muc4_figures),
    "wikievents": (EVAL / "events-wikievents" / "dev.jsonl", evaluate_wikievents, wiki_figures),
}


def _baseline() -> dict[str, Any]:
    return json.loads(BASELINE.read_text(encoding="utf-8"))


def test_baseline_names_known_suites_and_figures() -> None:
    baseline = _baseline()
    assert set(baseline["suites"]) <= set(SUITES)
    assert 0 < baseline["margin"] < 0.1


@pytest.mark.parametrize("name", sorted(SUITES))
def test_event_figures_hold_their_floor(name: str) -> None:
    baseline = _baseline()
    if name not in baseline["suites"]:
        pytest.skip(f"no floor recorded for {name}")
    path, evaluate, figures_of = SUITES[name]
    require_shared(path)
    floor = baseline["suites"][name]
    figures = figures_of(evaluate(path, limit=floor.get("limit")))
    dropped = {
        figure: (round(figures[figure], 3), value)
        for figure, value in floor["figures"].items()
        if figures[figure] < value - baseline["margin"]
    }
    assert not dropped, f"{name} below its floor: {dropped}"
