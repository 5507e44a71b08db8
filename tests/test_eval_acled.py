"""The ACLED scorer: actor names read the ACLED way, rows written here, and the real file."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from factions.evaluation.acled import (
    AcledScores,
    EntityIndex,
    acled_figures,
    actor_matches,
    evaluate_acled,
    format_acled_scores,
    parse_actor,
    read_acled,
    score_row,
)
from factions.evaluation.matching import name_set
from tests.conftest import SHARED, require_shared
from tests.eval_helpers import event, kb_with

ACLED_FILE = SHARED / "eval" / "events-acled" / "acled-2022h1-dev.csv"
COLUMNS = [
    "event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2",
    "country", "fatalities", "notes", "text",
]  # fmt: skip


def test_state_forces_are_read_by_country() -> None:
    army = parse_actor("Military Forces of Kenya (2022-)")
    assert (army.kind, army.country) == ("state", "KE")
    police = parse_actor("Police Forces of the Democratic Republic of Congo (2019-) Border Unit")
    assert (police.kind, police.country) == ("state", "CD")
    assert police.names.matches(name_set(["Border Unit"]))


def test_generic_actors_are_kinds() -> None:
    assert (parse_actor("Protesters (Kenya)").kind, parse_actor("Protesters (Kenya)").generic) == (
        "generic",
        "protesters",
    )
    assert parse_actor("Unidentified Armed Group (Kenya)").generic == "unidentified"
    assert parse_actor("Civilians (Kenya)").country == "KE"


def test_named_groups_split_acronym_and_drop_the_country_qualifier() -> None:
    front = parse_actor("RVF: Red Valley Front")
    assert front.kind == "named"
    assert front.names.matches(name_set(["RVF"]))
    assert front.names.matches(name_set(["Red Valley Front"]))
    branch = parse_actor("Hill Brigade (Kenya)")
    assert (branch.kind, branch.country) == ("named", "KE")
    assert branch.names.matches(name_set(["Hill Brigade"]))
    assert not branch.names.matches(name_set(["Kenya"]))


def _kb():
    return kb_with(
        [
            ("sf-ke", "state_force", "Kenyan army", []),
            ("sf-ug", "state_force", "Armed Forces of Uganda", []),
            ("c-ke", "country", "Kenya", []),
            ("g-rvf", "armed_group", "Red Valley Front", ["RVF"]),
            ("p-1", "person", "Adam Example", []),
            ("x-1", "organization", "Lakeside demonstrators", []),
        ],
        places={"c-ke": {"country": "KE", "lat": 0.0, "lon": 38.0}},
    )


def test_actor_matching_rules() -> None:
    kb = _kb()
    index = EntityIndex(kb)
    army = parse_actor("Military Forces of Kenya (2022-)")
    assert actor_matches(index, army, "sf-ke")  # country from the demonym
    assert actor_matches(index, army, "c-ke")  # the country itself
    assert not actor_matches(index, army, "sf-ug")
    assert not actor_matches(index, army, "g-rvf")
    front = parse_actor("RVF: Red Valley Front")
    assert actor_matches(index, front, "g-rvf") and not actor_matches(index, front, "p-1")
    protesters = parse_actor("Protesters (Kenya)")
    assert actor_matches(index, protesters, "x-1") and not actor_matches(index, protesters, "p-1")


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(**values: str) -> dict[str, str]:
    base = {
        "event_id_cnty": "KEN1",
        "event_date": "2022-02-03",
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Kenya (2022-)",
        "actor2": "RVF: Red Valley Front",
        "country": "Kenya",
        "fatalities": "0.0",
        "notes": "not to be read",
        "text": "On 3 February 2022, Kenyan soldiers clashed with the Red Valley Front.",
    }
    return base | values


def test_reader_takes_text_not_notes(tmp_path: Path) -> None:
    (row,) = read_acled(_write(tmp_path / "acled.csv", [_row()]))
    assert row.text.startswith("On 3 February") and row.fatalities == 0
    assert read_acled(tmp_path / "acled.csv", limit=0) == []


def test_a_row_scored(tmp_path: Path) -> None:
    (row,) = read_acled(_write(tmp_path / "acled.csv", [_row()]))
    kb = _kb()
    kb.document_events_by_key = {
        "KEN1": [
            event("Explosions/Remote violence", "Grenade", [("p-1", "actor")]),
            event("Battles", "Armed clash", [("sf-ke", "actor"), ("g-rvf", "target")], id="b"),
        ]
    }
    scores = AcledScores()
    score_row(row, kb, scores)
    for ratio in (scores.found, scores.type, scores.sub_type, scores.fatalities):
        assert (ratio.right, ratio.total) == (1, 1)  # no fatality figure matches a gold 0
    assert (scores.actor1.right, scores.actor2.right) == (1, 1)
    assert scores.by_class["state"].right == scores.by_class["named"].right == 1
    assert scores.misses == []
    assert "Battles" in format_acled_scores(scores)


def test_a_missed_row(tmp_path: Path) -> None:
    (row,) = read_acled(
        _write(tmp_path / "acled.csv", [_row(actor2="Civilians (Kenya)", fatalities="2")])
    )
    kb = _kb()
    kb.document_events_by_key = {"KEN1": [event("Riots", "Mob violence", [("p-1", "victim")])]}
    scores = AcledScores()
    score_row(row, kb, scores)
    assert scores.type.right == 0 and scores.fatalities.right == 0
    assert scores.by_class["generic"].total == 1 and scores.by_class["generic"].right == 0
    assert scores.confusion[("Battles", "Riots")] == 1
    (line,) = scores.misses
    assert "[type, fatalities, actor1 (state), actor2 (generic)]" in line
    assert "ours: Riots/Mob violence victim=Adam Example" in line


def test_real_rows() -> None:
    require_shared(ACLED_FILE)
    scores = evaluate_acled(ACLED_FILE, limit=30)
    assert scores.rows == scores.found.total == scores.actor1.total == 30
    assert scores.type.total == scores.found.right
    assert sum(r.total for r in scores.by_class.values()) == (
        scores.actor1.total + scores.actor2.total
    )
    assert sum(scores.confusion.values()) == 30
    figures = acled_figures(scores)
    assert figures and all(0.0 <= v <= 1.0 and not math.isnan(v) for v in figures.values())
