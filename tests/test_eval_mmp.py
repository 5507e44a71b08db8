"""MMP relations evaluation: dates, names, families and counts on hand-made rows, and a few real
rows of the shared gold (skipped when ../shared is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from factions.evaluation.mmp import (
    MMP_TYPES,
    MmpRelation,
    MmpScores,
    clean_description,
    evaluate_mmp,
    format_mmp_scores,
    load_families,
    matching_entities,
    name_variants,
    named_in_text,
    parse_mmp_date,
    read_relations,
    score_row,
    type_labels,
)
from factions.evaluation.suites import SuiteOptions, registered_suites
from factions.extract.gazetteer import LINK_PREDICATES
from factions.extract.lexicons import load_lexicons

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MMP_DIR = SHARED / "eval" / "relations-mmp"


def _relation(kind: str = "riv", date: str = "2010-02-00") -> MmpRelation:
    return MmpRelation(
        uid="1",
        type=kind,
        group1_id="10",
        group2_id="20",
        group1_name="The Front of Example (FOE) ",
        group2_name="Other Guys Brigade",
        date=date,
        description="The FOE fought the Other Guys Brigade in 2010.",
    )


MENTIONED = {"e-foe": ["FOE"], "e-other": ["other guys brigade"], "e-place": ["Somewhere"]}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2/18/10", ("2010-02-18", "day")),
        ("12/1/98", ("1998-12-01", "day")),
        ("1/1/2004", ("2004-01-01", "day")),
        ("2007-00-00", ("2007", "year")),
        ("2014-02-00", ("2014-02", "month")),
        ("2014-02-03", ("2014-02-03", "day")),
        (" 2014-02-00 ", ("2014-02", "month")),
        ("13/1/10", (None, None)),
        ("2014-13-00", (None, None)),
        ("0000-00-00", (None, None)),
        ("", (None, None)),
        ("sometime", (None, None)),
    ],
)
def test_parse_mmp_date(raw, expected):
    assert parse_mmp_date(raw) == expected


def test_clean_description_decodes_scraping_debris():
    assert clean_description("the group&#039;s  men and it\\'s  done ") == (
        "the group's men and it's done"
    )


def test_name_variants_split_a_parenthesised_acronym():
    assert name_variants(" Front of Example  (FOE) ") == {
        "Front of Example (FOE)",
        "Front of Example",
        "FOE",
    }
    assert name_variants("Other Guys") == {"Other Guys"}
    # A former name in the parentheses is a name of the group.
    assert "Old Front" in name_variants("New Front (Formerly Old Front)")


def test_names_match_folding_case_accents_article_and_hyphens():
    variants = name_variants("The Front of Éxample")
    candidates = {"e1": ["front-of-example"], "e2": ["Front of Examples"]}
    assert matching_entities(variants, candidates) == {"e1"}
    assert matching_entities(name_variants("Front (FOE)"), {"e3": ["FOE"]}) == {"e3"}


def test_names_match_through_the_actor_gazetteer():
    # "Islamic Movement of Turkestan" is an alias of the gazetteer's IMU (our own data): the
    # entity `a:imu` matches it whatever names this document gave it.
    assert matching_entities({"Islamic Movement of Turkestan"}, {"a:imu": ["IMU"]}) == {"a:imu"}
    # And a gazetteer entity's own aliases count: the document only wrote the acronym.
    assert matching_entities({"Uzbekistan Islamic Movement"}, {"a:imu": []}) == {"a:imu"}
    assert matching_entities({"Islamic Movement of Turkestan"}, {"e9": ["Movement"]}) == set()


def test_a_group_under_an_earlier_name_is_the_group():
    # MMP follows one group through its renamings; the gazetteer links al-Qaeda in Iraq to the
    # Islamic State by successor_of (our own data).
    assert matching_entities({"The Islamic State"}, {"a:aqi": ["AQI"]}) == {"a:aqi"}
    assert matching_entities({"The Islamic State"}, {"a:al-qaeda": ["AQ"]}) == set()


def test_named_in_text_matches_acronyms_as_written():
    variants = name_variants("Front of Example (FOE)")
    assert named_in_text(variants, "Yesterday the FOE attacked.")
    assert named_in_text(variants, "the front of example attacked")
    assert not named_in_text(variants, "A foe attacked.")
    assert not named_in_text(variants, "Nobody attacked.")


def test_family_mapping():
    families = load_families()
    assert families["ally_of"] == "all"
    assert families["fights"] == families["rival_of"] == "riv"
    for predicate in ("affiliated_with", "pledged_allegiance_to", "faction_of", "member_of"):
        assert families[predicate] == "aff"
    assert families["splinter_of"] == "spl"
    assert families["merged_into"] == "mer"
    assert "supports" not in families and "leader_of" not in families
    assert set(families.values()) == set(MMP_TYPES) == set(type_labels())
    # Every mapped predicate is one factions produces: the relation lexicon or a gazetteer link.
    known = {rule.predicate for rule in load_lexicons().relations} | set(LINK_PREDICATES)
    assert set(families) <= known


def _claim(subject: str, predicate: str, obj: str, polarity: bool = True, valid_from=None):
    return {
        "subject": subject,
        "predicate": predicate,
        "object": obj,
        "polarity": polarity,
        "valid_from": valid_from,
    }


def test_score_row_right_family_either_direction_with_its_date():
    claims = [_claim("e-other", "fights", "e-foe", valid_from="2010-02-18")]
    row = score_row(
        _relation(),
        text=_relation().description,
        mentioned=MENTIONED,
        claims=claims,
        families=load_families(),
    )
    assert row.both_recognised and row.both_named
    assert row.any_claim and row.right_family and row.date_right


def test_score_row_wrong_family_negated_and_unrelated_claims():
    families = load_families()
    claims = [
        _claim("e-foe", "ally_of", "e-other"),  # wrong family
        _claim("e-foe", "fights", "e-other", polarity=False),  # negated: links, not right
        _claim("e-foe", "operates_in", "e-place"),  # not between the two groups
    ]
    row = score_row(
        _relation(date="2/18/10"), text="", mentioned=MENTIONED, claims=claims, families=families
    )
    assert row.any_claim and not row.right_family
    assert [p for p, _, _ in row.linking] == ["ally_of", "fights"]
    assert row.other_predicates == ["operates_in"]
    assert not row.named1  # the empty text names neither group


def test_score_row_uses_groups_csv_names_and_misses_unknown_groups():
    relation = _relation()
    only_other = {"e-x": ["Example Front"]}
    without = score_row(relation, text="", mentioned=only_other, claims=[], families={})
    assert not without.recognised1
    with_names = score_row(
        relation,
        text="",
        mentioned=only_other,
        claims=[],
        families={},
        group_names={"10": "Example Front"},
    )
    assert with_names.recognised1 and not with_names.recognised2


def test_scores_by_type_add_up():
    families = load_families()
    rows = []
    for kind, claims in (
        ("riv", [_claim("e-foe", "fights", "e-other")]),
        ("all", [_claim("e-foe", "fights", "e-other")]),
        ("all", []),
    ):
        relation = _relation(kind)
        rows.append(
            score_row(
                relation,
                text=relation.description,
                mentioned=MENTIONED,
                claims=claims,
                families=families,
            )
        )
    scores = MmpScores(rows=rows)
    figures = scores.figures()
    assert figures["rows"] == 3
    assert figures["any_claim"] == pytest.approx(2 / 3)
    assert figures["right_family"] == pytest.approx(1 / 3)
    assert figures["wrong_family_of_found"] == pytest.approx(1 / 2)
    assert figures["all_rows"] == 2 and figures["riv_right_family"] == 1.0
    assert "aff_rows" not in figures
    assert "right family" in format_mmp_scores(scores)


def _shared_relations() -> Path:
    path = MMP_DIR / "relations-dev.csv"
    if not path.exists():
        pytest.skip(f"../shared absent: {path} not found")
    return path


def test_real_rows_read_and_dates_parse():
    path = _shared_relations()
    relations = read_relations(path)
    assert len(relations) == 316
    assert {r.type for r in relations} == set(MMP_TYPES)
    assert all(parse_mmp_date(r.date)[0] for r in relations)


def test_evaluate_a_few_real_rows():
    path = _shared_relations()
    limit = 12
    scores = evaluate_mmp(path, limit=limit)
    figures = scores.figures()
    assert figures["rows"] == limit == len(scores.rows)
    assert sum(figures.get(f"{kind}_rows", 0) for kind in MMP_TYPES) == limit
    measures = scores.measures()
    assert measures["groups_recognised"].total == 2 * limit
    both, any_claim = measures["both_groups_recognised"], measures["any_claim"]
    right = measures["right_family"]
    assert right.right <= any_claim.right <= limit and both.right <= limit
    assert measures["wrong_family_of_found"].total == any_claim.right
    for name, value in figures.items():
        if not name.endswith("rows"):
            assert 0.0 <= value <= 1.0, name


def test_mmp_suite_runs_with_a_limit():
    _shared_relations()
    report = registered_suites()["mmp"].run(SuiteOptions(shared=SHARED, limit=5))
    assert report.figures["rows"] == 5
    assert 0.0 <= report.figures["both_groups_recognised"] <= 1.0
    assert len(report.misses) <= 5


def test_evaluate_a_hand_written_file(tmp_path):
    # Our own two rows, in the MMP CSV layout, through the real ingest.
    path = tmp_path / "relations.csv"
    path.write_text(
        "unique_id,type,group1_id,group2_id,date,description,group1_name,group2_name\n"
        '1,all,1,2,3/4/15,"The Islamic Movement of Uzbekistan has teamed up with the Taliban.",'
        "Islamic Movement of Uzbekistan,The Taliban\n"
        '2,spl,1,3,2002-00-00,"In 2002 the Islamic Jihad Union split from the IMU.",'
        "Islamic Movement of Uzbekistan (IMU),Islamic Jihad Union\n",
        encoding="utf-8",
    )
    scores = evaluate_mmp(path, groups_path=tmp_path / "absent.csv")
    assert scores.failed == 0
    alliance, splinter = scores.rows
    assert alliance.both_recognised and splinter.both_recognised
    # ally_of is symmetric: one claim each way.
    assert alliance.right_family and {p for p, _, _ in alliance.linking} == {"ally_of"}
    assert splinter.right_family and splinter.date_right
    assert scores.figures()["right_family"] == 1.0
