"""Tolls: the killed, wounded, kidnapped and arrested, read from the parse of sentences written
for these tests."""

from __future__ import annotations

from functools import lru_cache

import pytest

from factions.extract.nlp import build_pipeline, model_name
from factions.extract.tolls import Tolls, combine, figure, tolls_in
from factions.model import Fatalities

from .test_relations import extract


@lru_cache(maxsize=1)
def _nlp():  # type: ignore[no-untyped-def]
    return build_pipeline(model_name())


def _tolls(text: str) -> Tolls:
    return tolls_in(next(_nlp()(text).sents))


def _figures(text: str) -> dict[str, int]:
    tolls = _tolls(text)
    return {
        kind: figure(count)
        for kind in ("killed", "wounded", "kidnapped", "arrested")
        if (count := tolls.get(kind)) is not None
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the killed are not the wounded
        ("Two soldiers were killed and five civilians were wounded.", {"killed": 2, "wounded": 5}),
        (
            "Gunmen killed three police officers and wounded seven others.",
            {"killed": 3, "wounded": 7},
        ),
        # coordinated groups add up; "including" does not
        ("Eight assailants and four soldiers were killed in the clash.", {"killed": 12}),
        ("The blast killed ten people, including three children.", {"killed": 10}),
        # one each for someone singular or named
        ("Gunmen shot dead a teacher and his son.", {"killed": 2}),
        ("Rahim Khan was killed in the attack.", {"killed": 1}),
        ("One officer was killed and another was injured.", {"killed": 1, "wounded": 1}),
        # ACLED's vague numbers
        ("Dozens of villagers were killed in the raid.", {"killed": 12}),
        # a participle modifying its people, a headline
        ("Seven militants killed in blasts", {"killed": 7}),
        ("The explosion left five dead and 12 injured.", {"killed": 5, "wounded": 12}),
        # kidnapped and arrested
        ("Gunmen abducted nine passengers from a bus.", {"kidnapped": 9}),
        ("The rebels took four engineers hostage.", {"kidnapped": 4}),
        ("Police arrested 14 suspects after the raid.", {"arrested": 14}),
        # a bare figure
        ("1 fatality.", {"killed": 1}),
        ("The death toll rose to 30.", {"killed": 30}),
        # a year is no toll
        ("In 2022, three people were killed in the village.", {"killed": 3}),
        # nobody
        ("No one was hurt in the explosion.", {"wounded": 0}),
    ],
)
def test_counts(text: str, expected: dict[str, int]) -> None:
    assert _figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # cumulative tolls are no event's
        "Since 2009, the insurgency has killed 20,000 people.",
        "The group has killed more than 1,500 people so far this year.",
        "At least 20 assailants were killed and ten others were injured across the four attacks.",
        # casualties that do not separate the dead from the hurt
        "The attack killed or wounded 40 people.",
        # plural with no number
        "Several soldiers were killed in the clash.",
    ],
)
def test_no_count(text: str) -> None:
    assert _figures(text) == {}


def test_qualified_and_ranged_counts() -> None:
    assert _tolls("At least 12 soldiers were killed.").killed == Fatalities(12, 12, None)
    assert _tolls("About 12 soldiers were killed.").killed == Fatalities(None, 12, None)
    assert _tolls("Up to 12 soldiers were killed.").killed == Fatalities(None, None, 12)
    assert _tolls("Between 20 and 30 fighters were killed.").killed == Fatalities(20, None, 30)


def test_a_bare_total_is_not_added_to_the_people_named() -> None:
    named = _tolls("A man was shot dead by gunmen.")
    total = _tolls("1 fatality.")
    assert "killed" in total.totals
    assert combine(named, total).killed == Fatalities(1, 1, 1)
    more = _tolls("Two bystanders were also killed.")
    assert combine(named, more).killed == Fatalities(3, 3, 3)


def test_an_event_adds_the_dead_of_the_sentences_about_it() -> None:
    [event] = extract(
        "Gunmen shot and killed six police officers in Kunduz on Monday. The assailant was "
        "killed by police. 7 fatalities."
    ).events
    assert event.fatalities is not None and figure(event.fatalities) == 7
