"""Triggers by meaning, typed in context, and the clauses that make no event: on sentences
written for these tests."""

from __future__ import annotations

import pytest

from .test_relations import extract


def _types(text: str, published: str = "2016-05-10") -> list[tuple[str, str]]:
    """(type, sub-type) of every event the text reports, in order."""
    return [(e.event_type, e.sub_event_type) for e in extract(text, published).events]


def _one(text: str) -> tuple[str, str]:
    found = _types(text)
    assert len(found) == 1, found
    return found[0]


# --- lemma classes, multi-word and nominal triggers -------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Army artillery shelled rebel positions near Kunduz on Monday.",
            ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
        ),
        (
            "A suicide bombing at a market in Kunduz killed nine people on Monday.",
            ("Explosions/Remote violence", "Suicide bomb"),
        ),
        (
            "Militants blew the bridge up near Kunduz on Monday.",
            ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
        ),
        (
            "Gunmen opened fire on a bus carrying farmers near Kunduz on Monday.",
            ("Violence against civilians", "Attack"),
        ),
        (
            "Gunmen ambushed an army patrol near Kunduz on Monday.",
            ("Battles", "Armed clash"),
        ),
        (
            "A drone strike hit a compound near Miranshah on Monday.",
            ("Explosions/Remote violence", "Air/drone strike"),
        ),
        (
            "Two villagers were taken hostage by gunmen near Kunduz on Monday.",
            ("Violence against civilians", "Abduction/forced disappearance"),
        ),
        (
            "Police defused a roadside bomb near Kunduz on Monday.",
            ("Strategic developments", "Disrupted weapons use"),
        ),
        (
            "Rebels set fire to the district office in Kunduz on Monday.",
            ("Strategic developments", "Looting/property destruction"),
        ),
    ],
)
def test_trigger_classes(text: str, expected: tuple[str, str]) -> None:
    assert _one(text) == expected


def test_a_place_taken_is_a_change_of_territory() -> None:
    assert _one("Rebels took control of the town of Dara on Monday.") == (
        "Battles",
        "Non-state actor overtakes territory",
    )
    assert _one("The army recaptured the town of Dara on Monday.") == (
        "Battles",
        "Government regains territory",
    )


def test_the_fall_of_a_town_is_a_nominal_trigger() -> None:
    assert _one("The fall of Dara to the rebels on Monday shocked the capital.") == (
        "Battles",
        "Non-state actor overtakes territory",
    )


def test_weapon_nouns_alone_are_no_trigger() -> None:
    events = extract("A roadside bomb killed three soldiers near Kunduz on Monday.").events
    assert [(e.sub_event_type, e.trigger) for e in events] == [
        ("Remote explosive/landmine/IED", "killed")
    ]


def test_a_place_name_is_no_weapon() -> None:
    # "Tank" is a town here, not a tank.
    assert _one(
        "Gunmen shot dead two traders in Tank district, Khyber Pakhtunkhwa, on Monday."
    ) == (
        "Violence against civilians",
        "Attack",
    )


def test_armed_victims_make_a_battle_and_off_duty_ones_civilians() -> None:
    assert _one("Gunmen shot and killed two soldiers in Kunduz on Monday.")[0] == "Battles"
    assert _one("Gunmen shot and killed an off-duty soldier in Kunduz on Monday.") == (
        "Violence against civilians",
        "Attack",
    )


def test_property_destroyed_by_a_named_group_or_guerrillas_is_an_event() -> None:
    # Destruction needs a sign of conflict: a named armed group acting is one, and so are
    # guerrillas, as much as rebels.
    destroyed = ("Strategic developments", "Looting/property destruction")
    assert _one("Al-Shabaab destroyed a telecommunications mast outside Baidoa.") == destroyed
    assert _one("The guerrillas burned two buses on the road to Kunduz.") == destroyed
    assert _types("The council destroyed the old market in Kunduz.") == []


# --- protests and riots -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hundreds of teachers marched through Kunduz on Monday to demand unpaid wages.",
            ("Protests", "Peaceful protest"),
        ),
        (
            "Police used tear gas to disperse a protest by students in Kunduz on Monday.",
            ("Protests", "Protest with intervention"),
        ),
        (
            "Security forces fired live ammunition at a protest in Kunduz on Monday, and two "
            "protesters were killed.",
            ("Protests", "Excessive force against protesters"),
        ),
        (
            "Demonstrators threw stones at police and burned tyres during a protest in Kunduz on "
            "Monday.",
            ("Riots", "Violent demonstration"),
        ),
        (
            "Residents beat a suspected thief to death in Kunduz on Monday.",
            ("Riots", "Mob violence"),
        ),
        (
            "Residents blocked the main road in Kunduz on Monday.",
            ("Protests", "Peaceful protest"),
        ),
    ],
)
def test_protests_and_riots(text: str, expected: tuple[str, str]) -> None:
    assert _one(text) == expected


def test_what_a_protest_is_about_is_no_event() -> None:
    # The attack is the protest's reason, not an event of the sentence.
    assert _types(
        "Hundreds of people protested in Kunduz on Monday against the bombing of a school."
    ) == [("Protests", "Peaceful protest")]


def test_an_arrest_by_police_and_one_by_militants() -> None:
    assert _one("Police arrested two suspects in Kunduz on Monday.") == (
        "Strategic developments",
        "Arrests",
    )
    assert _one("Taliban militants detained two teachers in Kunduz on Monday.") == (
        "Violence against civilians",
        "Abduction/forced disappearance",
    )


def test_a_reference_to_another_event_stays_apart() -> None:
    assert _types("Police arrested two men in Kunduz on Monday after the bombing.") == [
        ("Strategic developments", "Arrests")
    ]


# --- not every trigger is an event ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # negated
        "The rebels did not attack the town of Dara on Monday.",
        # modal, future
        "The rebels could attack the town of Dara on Monday.",
        "The rebels will storm the town of Dara on Monday.",
        # intended or threatened
        "The rebels threatened to attack the town of Dara on Monday.",
        "The Taliban are planning attacks on Kunduz.",
        # conditional
        "If the rebels attack Dara on Monday, the army will respond.",
        "If killing the militants remains the only aim, then thousands will replace them, the "
        "analyst said of the strike in Dara on Monday.",
        # a question
        "Did the rebels attack the town of Dara on Monday?",
        # habitual
        "The rebels often ambush army convoys near Dara.",
        "Its fighters have repeatedly attacked schools in Dara.",
        # generic
        "Dara has seen frequent attacks on army convoys.",
        "A wave of bombings has hit Dara.",
        # a state over time, not one event
        "The rebels have fought the army in Dara since 2009.",
        "The rebels are fighting alongside the army in Dara.",
        "During the past ten years the rebels have intensified their attacks on Dara.",
        # a kind of thing, not an event
        "An attack helicopter landed in Dara on Monday.",
        # an intention governs both of two coordinated verbs
        "The rebels vowed to storm the town of Dara and kill its mayor.",
        # not yet
        "The rebels are about to attack the town of Dara.",
        # a word of a hyphenated compound, a participle describing a thing
        "Soldiers in Dara carried slow-burning fuses on Monday.",
        "Soldiers in Dara found 300 exploding bullets on Monday.",
        # a habit
        "The army shells the villages near Dara every day.",
        # a cleft that denies the means
        "It is not by bombing markets in Dara that the rebels will win.",
    ],
)
def test_clauses_that_make_no_event(text: str) -> None:
    assert _types(text) == []


def test_an_event_named_as_a_point_in_time_is_no_event_of_its_own() -> None:
    assert _types("Ten villagers fled Dara four days after the rebel offensive began.") == []


def test_a_hedge_in_a_trailing_clause_leaves_the_main_clause() -> None:
    found = _types(
        "Gunmen killed four soldiers in Kunduz on Monday, and officials said more attacks "
        "could follow."
    )
    assert found == [("Battles", "Armed clash")]


def test_a_hedge_describing_a_noun_leaves_the_event_asserted() -> None:
    # The doubt is about the car, not about the killing.
    events = extract(
        "Two judges were shot dead in Cali by gunmen who fled in a car that was thought to "
        "be stolen."
    ).events
    assert [(e.sub_event_type, e.certainty) for e in events] == [("Attack", "asserted")]
    # A hedge on the killing itself still grades it.
    events = extract("Two judges were thought to have been shot dead in Cali on Monday.").events
    assert [e.certainty for e in events] == ["speculative"]


def test_repeatedly_after_a_past_verb_tells_how_one_act_was_done() -> None:
    assert _types("Gunmen shot repeatedly at a bus near Kunduz on Monday.") != []
    assert _types("Gunmen have shot repeatedly at buses near Kunduz.") == []
    assert _types("The rebels repeatedly attacked the town.") == []


def test_a_known_event_keeps_its_event_when_its_author_is_only_possible() -> None:
    events = extract(
        "The bombing of the market in Kunduz on Monday may have been organised by the rebels."
    ).events
    assert [e.sub_event_type for e in events] == ["Remote explosive/landmine/IED"]


def test_a_sentence_telling_more_of_an_event_joins_it() -> None:
    result = extract(
        "Gunmen attacked a checkpoint in Kunduz on Monday. Three soldiers were killed in the "
        "attack. The assailant was also killed by police."
    )
    assert len(result.events) == 1
    event = result.events[0]
    assert event.fatalities is not None and event.fatalities.best == 4
    assert len(event.evidence) == 3


def test_each_evidence_sentence_keeps_its_trigger_words() -> None:
    text = "An explosion hit a market in Kunduz on Monday. The blast wounded nine people."
    [event] = extract(text).events
    words = [text[s:e] for item in event.evidence for s, e in item.triggers]
    assert words == ["explosion", "blast"]
    assert event.wounded is not None and event.wounded.best == 9


def test_the_type_is_refined_by_a_later_sentence() -> None:
    # "attacked the village" says nothing of whom; the next sentence says civilians.
    [event] = extract(
        "Gunmen attacked the village of Dara on Monday. Six civilians were killed in the attack."
    ).events
    assert (event.event_type, event.sub_event_type) == ("Violence against civilians", "Attack")


def test_a_headline_in_the_present_tense_tells_an_event() -> None:
    # Headlines tell what just happened in the present tense; the same words in the body say
    # what is usual.
    headline = (
        "Taliban fighters attack police checkpoints in Kunduz\n"
        "The governor spoke to reporters on Monday."
    )
    assert _types(headline, "2016-05-10")[:1] == [("Battles", "Armed clash")]
    body = "Officials said on Monday that Taliban fighters attack police checkpoints in Kunduz."
    assert _types(body) == []


def test_a_long_first_paragraph_without_its_full_stop_is_no_headline() -> None:
    text = (
        "Officials said on Monday that in the hills north of the city Taliban fighters attack "
        "police checkpoints at night and that the police answer them with patrols of their own "
        "which rarely reach the villages where the fighters shelter\nThe governor spoke to "
        "reporters on Monday."
    )
    assert _types(text) == []


def test_what_is_intercepted_decides_a_disrupted_weapons_use() -> None:
    assert _types("Air defences intercepted two rockets over Ashkelon on Monday.") == [
        ("Strategic developments", "Disrupted weapons use")
    ]
    assert ("Strategic developments", "Disrupted weapons use") not in _types(
        "Gunmen on motorcycles intercepted the judge's car in Cali on Monday."
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gunmen murdered police colonel Juan Ortega Salas in Puerto Nuevo on Monday.",
            ("Violence against civilians", "Attack"),
        ),
        (
            "Rebels executed two captured soldiers near Puerto Nuevo on Monday.",
            ("Violence against civilians", "Attack"),
        ),
        (
            "Rebels killed two soldiers near Puerto Nuevo on Monday.",
            ("Battles", "Armed clash"),
        ),
        (
            "Rebels attacked and executed an army patrol near Puerto Nuevo on Monday.",
            ("Battles", "Armed clash"),
        ),
    ],
)
def test_an_armed_person_murdered_is_attacked_not_fought(
    text: str, expected: tuple[str, str]
) -> None:
    assert _one(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Before: an IED, the default of a bombing with no weapon named.
        (
            "A U.S. bombing killed twelve fighters near Jilib on Wednesday.",
            "Air/drone strike",
        ),
        ("The army bombed rebel hideouts near Jilib on Wednesday.", "Air/drone strike"),
        # Nobody's forces named: a bombing stays a bomb's.
        ("A bombing killed twelve shoppers in a market in Jilib on Wednesday.", None),
    ],
)
def test_a_bombing_by_a_state_is_from_the_air(text: str, expected: str | None) -> None:
    subs = [sub for _, sub in _types(text)]
    assert subs, text
    assert subs[0] == (expected or "Remote explosive/landmine/IED")
