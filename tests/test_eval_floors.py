"""CI floors on external gold: each suite's headline figures may not drop below the recorded
baseline (tests/baselines/external.json) by more than its margin. Raise a floor when a figure
rises. The gold lives in ../shared/eval; without it these tests skip, saying so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factions.evaluation.run import default_shared_dir
from factions.evaluation.suites import SuiteOptions, registered_suites

BASELINE = Path(__file__).parent / "baselines" / "external.json"
FLOORS = json.loads(BASELINE.read_text(encoding="utf-8"))
SHARED = default_shared_dir()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FLOORS["suites"]))
def test_external_figures_hold_their_floors(name: str) -> None:
    if not (SHARED / "eval").exists():
        pytest.skip(f"{SHARED / 'eval'} not found: external gold is read from ../shared")
    recorded = FLOORS["suites"][name]
    options = SuiteOptions(shared=SHARED, limit=recorded.get("limit"))
    report = registered_suites()[name].run(options)
    missing = set(recorded["figures"]) - set(report.figures)
    assert not missing, f"{name} no longer reports {sorted(missing)}"
    dropped = {
        figure: (round(report.figures[figure], 3), floor)
        for figure, floor in recorded["figures"].items()
        if report.figures[figure] < floor - FLOORS["margin"]
    }
    assert not dropped, f"{name} below its floors: {dropped}\n{report.text}"


def test_every_floor_names_a_registered_suite() -> None:
    assert set(FLOORS["suites"]) <= set(registered_suites())
