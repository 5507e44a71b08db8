"""What an event was done with: weapons named in its sentence, on sentences written for these
tests."""

from __future__ import annotations

from .test_relations import extract


def _instruments(text: str) -> list[list[str]]:
    result = extract(text, "2021-05-24")
    return [[i.text for i in e.instruments] for e in result.events]


def test_a_weapon_that_went_off_is_the_instrument() -> None:
    assert _instruments("A car bomb exploded outside the ministry in Kabul on Monday.") == [
        ["car bomb"]
    ]


def test_a_weapon_modifying_another_noun_is_named_alone() -> None:
    # "machine-gun fire": the gun, not the fire; "a dynamite attack": the dynamite.
    assert _instruments("Rebels attacked a police post near Kunduz with machine-gun fire.") == [
        ["machine-gun"]
    ]
    assert _instruments("A dynamite attack damaged a bank in Lima on Monday.") == [["dynamite"]]


def test_the_instrument_keeps_its_modifiers_not_what_comes_before_them() -> None:
    assert _instruments("Gunmen fired four powerful rockets at a factory in Cali on Monday.") == [
        ["four powerful rockets"]
    ]


def test_the_capitals_of_a_wire_report_are_quoted_as_written() -> None:
    assert _instruments("GUERRILLAS BLEW UP FOUR PYLONS WITH DYNAMITE IN USULUTAN ON MONDAY.") == [
        ["DYNAMITE"]
    ]


def test_weapons_seized_and_general_words_are_no_instrument() -> None:
    assert _instruments("Police seized rifles and grenades in Kunduz on Monday.") == [[]]
    assert _instruments("Gunmen attacked a bus with weapons near Kunduz on Monday.") == [[]]


def test_a_hyphen_inside_a_word_keeps_the_words_together() -> None:
    assert _instruments("A medium-sized bomb exploded at a bank in Lima on Monday.") == [
        ["medium-sized bomb"]
    ]


def test_weapons_a_relative_clause_lists_are_what_its_noun_s_verb_took() -> None:
    found = _instruments(
        "Rebels ambushed a police patrol near Cali on Monday and stole the policemen's weapons, "
        "which consisted of eight rifles and two grenades."
    )
    assert found and all(not names for names in found)


def test_weapons_a_relative_clause_took_are_no_instrument() -> None:
    found = _instruments(
        "Prisoners stormed the armoury of the jail in Cali, where they seized 90 carbines."
    )
    assert all("carbines" not in " ".join(names) for names in found)
