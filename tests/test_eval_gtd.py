"""The GTD scorer: on rows and summaries written here, and on the first rows of the real file."""

from __future__ import annotations

import csv
import dataclasses
import math
import tempfile
from pathlib import Path

from factions.evaluation.gtd import (
    GtdScores,
    allowed_types,
    claim_status_of_gold,
    claim_status_of_ours,
    evaluate_gtd,
    format_gtd_scores,
    gtd_figures,
    incident_date,
    read_gtd,
    score_row,
    sentence_cue,
    wounded_count,
)
from tests.conftest import SHARED, require_shared
from tests.eval_helpers import event, kb_with

GTD_FILE = SHARED / "eval" / "events-gtd" / "gtd-2021h1-dev.csv"
COLUMNS = [
    "eventid", "iyear", "imonth", "iday", "country_txt", "provstate", "city", "latitude",
    "longitude", "specificity", "summary", "suicide", "attacktype1_txt", "targtype1_txt",
    "gname", "gname2", "gname3", "guncertain1", "claimed", "weaptype1_txt", "weapsubtype1_txt",
    "nkill", "nwound",
]  # fmt: skip
SUMMARY = (
    "03/02/2021: Gunmen attacked a checkpoint in Lowtown, Hill Province. Two guards were killed. "
    "The Red Valley Front claimed responsibility for the attack."
)


def _row(**values: str) -> dict[str, str]:
    base = {
        "eventid": "1",
        "iyear": "2021",
        "imonth": "3",
        "iday": "2",
        "city": "Lowtown",
        "latitude": "10.0",
        "longitude": "20.0",
        "specificity": "1",
        "summary": SUMMARY,
        "suicide": "0",
        "attacktype1_txt": "Armed Assault",
        "targtype1_txt": "Police",
        "gname": "Red Valley Front (RVF)",
        "guncertain1": "0",
        "claimed": "1",
        "weaptype1_txt": "Firearms",
        "weapsubtype1_txt": "Unknown Gun Type",
        "nkill": "2.0",
        "nwound": "",
    }
    return base | values


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_gtd_rows(rows: list[dict[str, str]]) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        return read_gtd(_write(Path(tmp) / "gtd.csv", rows))


def test_reader(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "gtd.csv",
        [
            _row(),
            _row(eventid="2", iday="0", gname="Unknown", gname2="Hill Band", nkill=""),
        ],
    )
    first, second = read_gtd(path)
    assert (first.key, first.published, first.day, first.groups) == (
        "1",
        "2021-03-02",
        "2021-03-02",
        ("Red Valley Front (RVF)",),
    )
    assert first.claimed and not first.uncertain and first.nkill == 2 and first.nwound is None
    # Day 0: a month-precision date and no exact day; an unknown main group names no one.
    assert (second.published, second.day, second.groups, second.nkill) == (
        "2021-03",
        None,
        (),
        None,
    )
    assert read_gtd(path, limit=1) == [first]
    assert read_gtd(path, limit=0) == []
    assert incident_date("2021", "0", "0") == ("2021", None)


def test_type_table(tmp_path: Path) -> None:
    rows = read_gtd(
        _write(
            tmp_path / "gtd.csv",
            [
                _row(attacktype1_txt="Bombing/Explosion", suicide="1", weaptype1_txt="Explosives"),
                _row(attacktype1_txt="Armed Assault", targtype1_txt="Private Citizens & Property"),
                _row(attacktype1_txt="Armed Assault", targtype1_txt="Police"),
                _row(attacktype1_txt="Unknown"),
            ],
        )
    )
    suicide, civilians, police, unknown = (allowed_types(r) for r in rows)
    assert suicide == (frozenset({"Explosions/Remote violence"}), frozenset({"Suicide bomb"}))
    assert civilians is not None and civilians[0] == {"Violence against civilians"}
    assert police is not None and {"Battles", "Violence against civilians"} <= police[0]
    assert unknown is None


def _kb(events: list[dict], claims: list[dict] | None = None, city_entity: str = "location"):
    return kb_with(
        [
            ("a:rvf", "armed_group", "Red Valley Front", ["RVF"]),
            ("g-low", city_entity, "Lowtown", []),
            ("g-far", "location", "Farville", []),
        ],
        places={
            "g-low": {"lat": 10.1, "lon": 20.1, "country": "XX"},
            "g-far": {"lat": 12.0, "lon": 22.0, "country": "XX"},
        },
        events={"1": events},
        claims={"1": claims or []},
        texts={"1": SUMMARY},
        mentions={"1": [("g-low", 44, 51), ("a:rvf", 96, 112)]},
    )


def test_a_row_scored_field_by_field(tmp_path: Path) -> None:
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row()]))
    wrong_place = event(
        "Battles", "Armed clash", [("a:rvf", "target")], date="2021-03-02", place="g-far"
    )
    right = event(
        "Battles",
        "Armed clash",
        [("a:rvf", "actor"), ("g-low", "target")],
        id="right",
        date="2021-03-02",
        place="g-low",
        fatalities={"low": 2, "best": 2, "high": 2},
        certainty="claimed",
    )
    scores = GtdScores()
    score_row(row, _kb([wrong_place, right]), scores)
    # The best-matching event is the second one: every field agrees there.
    for ratio in (scores.found, scores.type, scores.sub_type, scores.date, scores.killed):
        assert (ratio.right, ratio.total) == (1, 1)
    assert (scores.place.right, scores.place.total) == (1, 1)
    assert (scores.perpetrator_recall.right, scores.perpetrator_recall.total) == (1, 1)
    # Only the second event names an actor, and it is the gold group.
    assert (scores.perpetrator_precision.right, scores.perpetrator_precision.total) == (1, 1)
    assert scores.claim_agreement.right == 1 and scores.claim_classes["claimed"].tp == 1
    assert (scores.city_place.right, scores.city_person_org.right) == (1, 0)
    assert not scores.wounded_available and scores.misses == []
    assert "(tp 0, fp 0, fn 0)" in format_gtd_scores(scores)  # the alleged class, never seen
    assert all(0.0 <= v <= 1.0 for v in gtd_figures(scores).values())


def test_misses_and_the_zero_toll_rule(tmp_path: Path) -> None:
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row(nkill="0.0", claimed="0")]))
    ours = event("Riots", "Mob violence", [("g-low", "actor")], place="g-low")
    scores = GtdScores()
    score_row(row, _kb([ours], city_entity="person"), scores)
    assert scores.killed.right == 1  # gold 0 and no figure of ours
    assert scores.type.right == 0 and scores.date.right == 0
    assert scores.perpetrator_recall.right == 0
    # A place-typed actor never counts as naming a group, and is not precision's business
    # beyond being an actor of the event.
    assert scores.perpetrator_precision.total == 1
    assert scores.perpetrator_misses == {"recognised, not an event actor (cue: claim)": 1}
    assert (scores.city_place.right, scores.city_person_org.right) == (0, 1)
    (line,) = scores.misses
    assert line.startswith("1 [type, date, perpetrator, city]")
    assert "ours: Riots/Mob violence actor=Lowtown place=Lowtown" in line


def test_no_event_found(tmp_path: Path) -> None:
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row()]))
    scores = GtdScores()
    score_row(row, _kb([]), scores)
    assert (scores.found.right, scores.found.total) == (0, 1)
    assert scores.type.total == scores.killed.total == 0
    assert "ours: no event" in scores.misses[0]


def test_claim_status_and_cues() -> None:
    (row,) = read_gtd_rows([_row(claimed="0", guncertain1="1")])
    assert claim_status_of_gold(row) == "alleged"
    assert claim_status_of_ours([{"certainty": "alleged"}], []) == "alleged"
    claim = {"predicate": "claimed_responsibility_for", "polarity": True}
    assert claim_status_of_ours([], [claim]) == "claimed"
    assert claim_status_of_ours([], [claim | {"polarity": False}]) == "neither"
    text = "No group claimed responsibility; however, sources attributed the attack to the Band."
    assert sentence_cue(text, text.index("Band")) == "attributed"
    text = "Officials said the Band claimed responsibility for the blast."
    assert sentence_cue(text, text.index("Band"), text.index("Band") + 4) == "claim"
    assert wounded_count({"wounded": {"low": 1, "best": None, "high": 3}}) == 1
    assert wounded_count({"wounded": 4}) == 4


def test_real_rows() -> None:
    """The first rows of the real file: figures are shares, and the counts add up."""
    require_shared(GTD_FILE)
    scores = evaluate_gtd(GTD_FILE, limit=30)
    assert scores.rows == scores.found.total == scores.claim_agreement.total == 30
    assert scores.type.total <= scores.found.right and scores.date.total <= scores.found.right
    assert scores.perpetrator_recall.total <= 30
    assert sum(scores.perpetrator_misses.values()) == (
        scores.perpetrator_recall.total - scores.perpetrator_recall.right
    )
    assert sum(scores.claim_confusion.values()) == 30
    assert scores.city_person_org.total == scores.city_place.total
    figures = gtd_figures(scores)
    assert figures and all(0.0 <= v <= 1.0 and not math.isnan(v) for v in figures.values())


def test_claim_status_reads_the_grade_of_who_did_it() -> None:
    alleged = {"predicate": "carried_out", "polarity": True, "certainty": "alleged"}
    reported = {"predicate": "carried_out", "polarity": True, "certainty": "reported"}
    claimed = {"predicate": "carried_out", "polarity": True, "certainty": "claimed"}
    asserted_event = [{"certainty": "asserted"}]
    assert claim_status_of_ours(asserted_event, [alleged]) == "alleged"
    # Unnamed sources attributing an attack are reports, not suspicion (GTD's guncertain1).
    assert claim_status_of_ours(asserted_event, [reported]) == "neither"
    assert claim_status_of_ours(asserted_event, [claimed, alleged]) == "claimed"


def test_a_failed_bombing_may_be_a_disrupted_weapon(tmp_path: Path) -> None:
    rows = read_gtd(
        _write(
            tmp_path / "gtd.csv",
            [
                _row(
                    attacktype1_txt="Bombing/Explosion",
                    weaptype1_txt="Explosives",
                    weapsubtype1_txt="Remote Trigger",
                )
            ],
        )
    )
    (failed,) = [dataclasses.replace(rows[0], success=0)]
    allowed = allowed_types(failed)
    assert allowed is not None
    assert "Strategic developments" in allowed[0] and "Disrupted weapons use" in allowed[1]
    succeeded = allowed_types(rows[0])
    assert succeeded is not None and "Strategic developments" not in succeeded[0]


def test_wounded_scored_like_killed(tmp_path: Path) -> None:
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row(nwound="0.0")]))
    scores = GtdScores()
    score_row(row, _kb([event("Battles", "Armed clash", wounded=None)]), scores)
    assert scores.wounded_available and scores.wounded.right == 1
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row(nwound="3.0")]))
    scores = GtdScores()
    wounded = {"low": 3, "best": 3, "high": 3}
    score_row(row, _kb([event("Battles", "Armed clash", wounded=wounded)]), scores)
    assert scores.wounded.right == 1 and gtd_figures(scores)["wounded"] == 1.0


def test_a_thwarted_attack_is_the_attackers_not_the_force_that_thwarted_it(
    tmp_path: Path,
) -> None:
    (row,) = read_gtd(_write(tmp_path / "gtd.csv", [_row()]))
    # As ACLED codes it: the force that defused the bomb acts; the group named is the side
    # it acted against.
    thwarted = event(
        "Strategic developments",
        "Disrupted weapons use",
        [("g-far", "actor"), ("a:rvf", "target")],
    )
    thwarted["participants"][1]["certainty"] = "reported"
    scores = GtdScores()
    score_row(row, _kb([thwarted]), scores)
    assert (scores.perpetrator_precision.right, scores.perpetrator_precision.total) == (1, 1)
    assert scores.perpetrator_recall.right == 1
    # With no group named against it, the thwarting force is no perpetrator to score.
    alone = event("Strategic developments", "Disrupted weapons use", [("g-far", "actor")])
    scores = GtdScores()
    score_row(row, _kb([alone]), scores)
    assert scores.perpetrator_precision.total == 0
