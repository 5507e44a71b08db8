"""The matching rules shared by the event suites, and the per-document view of external gold.

Names here are invented, or come from our own gazetteer (`actors.toml`); no gold text.
"""

from __future__ import annotations

from factions.evaluation.external import GoldDocument, knowledge_base_of
from factions.evaluation.matching import (
    NameSet,
    core_key,
    country_code,
    describe_event,
    entity_name_set,
    fatality_count,
    fold,
    gold_name_set,
    haversine_km,
    name_alternatives,
    name_set,
    truncate,
)
from tests.eval_helpers import kb_with


def test_alternatives_keep_the_name_strip_brackets_and_try_them() -> None:
    assert name_alternatives("Hill Country Extremists (Sons of the Valley)") == [
        "Hill Country Extremists (Sons of the Valley)",
        "Hill Country Extremists",
        "Sons of the Valley",
    ]


def test_alternatives_split_an_acronym_pair() -> None:
    assert name_alternatives("RVF: Red Valley Front") == ["RVF", "Red Valley Front"]


def test_a_country_in_brackets_is_a_qualifier_not_a_name() -> None:
    assert name_alternatives("River Brigade (Kenya)") == ["River Brigade (Kenya)", "River Brigade"]


def test_core_drops_trailing_descriptors_and_a_plural() -> None:
    assert core_key(fold("Hill Farmers extremists")) == "hill farmer"
    assert core_key(fold("Valley militia")) == core_key(fold("Valley gunmen")) == "valley"
    assert core_key("extremists") == ""
    assert core_key(fold("Red Sashes")) == "red sashe"


def test_names_match_folded_and_by_core() -> None:
    gold = gold_name_set("The Hill Fighters' (HF)")
    assert gold.matches(name_set(["hill fighters"]))
    assert gold.matches(name_set(["HF"]))
    assert gold_name_set("Ödön militants").matches(name_set(["Odon militia"]))
    assert not gold_name_set("Extremists").matches(name_set(["Militants"]))


def test_names_match_through_the_gazetteer_aliases() -> None:
    # "Uzbekistan Islamic Movement" is an alias of the gazetteer entry "imu", whose acronym
    # is "IMU": the two names share no words, only the entry.
    gold = gold_name_set("Uzbekistan Islamic Movement")
    assert gold.gazetteer_ids == {"imu"}
    assert gold.matches(name_set(["IMU"]))
    assert gold.matches(name_set([], entity_id="a:imu"))
    # Acronyms are case-sensitive, as the extractor reads them.
    assert not name_set(["imu"]).gazetteer_ids


def test_entity_names_include_aliases_and_gazetteer_id() -> None:
    kb = kb_with(entities=[("a:imu", "armed_group", "Islamic Movement of Uzbekistan", ["IMU"])])
    names = entity_name_set(kb, "a:imu")
    assert "imu" in names.gazetteer_ids and "imu" in names.keys
    assert entity_name_set(kb, None) == NameSet()


def test_country_names_and_demonyms() -> None:
    assert country_code("Kenya") == "KE"
    assert country_code("Democratic Republic of Congo") == "CD"
    assert country_code("Kenyan") == "KE"
    assert country_code("Sons of the Valley") is None


def test_small_helpers() -> None:
    assert round(haversine_km(0.0, 0.0, 0.0, 1.0)) == 111
    assert truncate("a  b\nc") == "a b c"
    assert len(truncate("x" * 500, 160)) == 160
    assert fatality_count({"fatalities": {"low": 2, "best": None, "high": 5}}) == 2
    assert fatality_count({"fatalities": None}) is None
    kb = kb_with(entities=[("e1", "armed_group", "Red Valley Front", [])])
    event = {
        "event_type": "Battles",
        "sub_event_type": "Armed clash",
        "participants": [{"entity": "e1", "role": "actor"}],
        "fatalities": {"low": 3, "best": 3, "high": 3},
        "certainty": "claimed",
    }
    assert (
        describe_event(kb, event) == "Battles/Armed clash actor=Red Valley Front killed=3 claimed"
    )
    assert describe_event(kb, None) == "no event"


def test_knowledge_base_of_reads_each_item_on_its_own() -> None:
    """Two reports of one day's clash in one town: the export merges them, each item keeps its
    own participants; a repeated text reads the first copy's records."""
    first = "Rebels of the Red Valley Front attacked an army post in Kandahar on Monday."
    second = "Soldiers clashed with gunmen in Kandahar on Monday, officials said."
    kb = knowledge_base_of(
        [
            GoldDocument("one", first, "2021-03-01"),
            GoldDocument("two", second, "2021-03-01"),
            GoldDocument("three", first, "2021-03-01"),
        ]
    )
    assert set(kb.documents_by_key) == {"one", "two", "three"}
    assert kb.documents_by_key["one"][0].text == first
    for key in ("one", "two"):
        for event in kb.own_events(key):
            assert {e["document"] for e in event["evidence"]} == {kb.documents_by_key[key][0].id}
            assert isinstance(event["trigger"], str)
    assert kb.own_events("three") == kb.own_events("one")
    assert kb.mentions_by_key["one"]
    assert not kb.failed


def test_a_branch_named_in_either_order_matches() -> None:
    from factions.evaluation.matching import gold_name_set, name_set

    ours = name_set(["Islamic State Sinai Province"])
    assert gold_name_set("Sinai Province of the Islamic State").matches(ours)
    assert gold_name_set("Sinai Chapter of the Islamic State").matches(ours)
    # The words must be the same ones: another branch is another group.
    assert not gold_name_set("Sahel Province of the Islamic State").matches(ours)
    assert not gold_name_set("Islamic State").matches(ours)
