"""Events: triggers, participants and dates, on sentences written for these tests."""

from __future__ import annotations

from .test_relations import extract


def _events(text: str, published: str = "2016-05-10"):  # type: ignore[no-untyped-def]
    result = extract(text, published)
    names = {e.id: e.name for e in result.entities}
    return result.events, names


def test_actor_modifying_the_noun_the_trigger_modifies() -> None:
    events, names = _events("Taliban mortar fire killed nine civilians in Kunduz on Monday.")
    assert events[0].sub_event_type == "Shelling/artillery/missile attack"
    actors = [names[p.entity] for p in events[0].participants if p.role == "actor"]
    assert actors == ["Taliban"]
    assert events[0].fatalities is not None and events[0].fatalities.best == 9


def test_pledge_is_a_change_to_the_group() -> None:
    events, _ = _events("Boko Haram pledged allegiance to the Islamic State in March 2015.")
    assert [(e.event_type, e.sub_event_type, e.date) for e in events] == [
        ("Strategic developments", "Change to group/activity", "2015-03")
    ]


def test_event_takes_its_own_date_not_a_since_bound() -> None:
    events, _ = _events(
        "Shekau, who has led the movement since 2009, rejected the appointment on May 4.",
        "2016-05-10",
    )
    assert events and events[0].date == "2016-05-04"


def test_withdrawal_is_a_transfer_of_territory() -> None:
    events, _ = _events("Al-Shabaab pulled out of Baidoa in August.")
    assert events[0].sub_event_type == "Non-violent transfer of territory"


def test_no_event_in_a_sentence_about_plans() -> None:
    events, _ = _events("The Taliban are planning attacks on Kunduz.")
    assert events == []


def test_a_dateline_dates_the_events_of_the_report() -> None:
    events, _ = _events(
        "03/02/2021: Gunmen attacked a checkpoint in Kunduz. Two guards were killed.", "2021-03-02"
    )
    assert [(e.date, e.date_precision) for e in events] == [("2021-03-02", "day")]


def test_an_undated_event_takes_the_date_of_the_event_before_it() -> None:
    events, _ = _events(
        "On Monday, gunmen attacked a checkpoint in Kunduz. Police arrested two suspects in "
        "Baghlan.",
        "2016-05-11",
    )
    assert [e.date for e in events] == ["2016-05-09", "2016-05-09"]


def test_a_later_paragraph_does_not_inherit_the_date() -> None:
    events, _ = _events(
        "On Monday, gunmen attacked a checkpoint in Kunduz.\n\nPolice arrested two suspects in "
        "Baghlan.",
        "2016-05-11",
    )
    assert [e.date for e in events] == ["2016-05-09", None]


def test_counts_beside_the_dead() -> None:
    events, _ = _events(
        "On Monday, gunmen killed two villagers, wounded five and abducted three others in Kunduz."
    )
    [event] = events
    assert event.fatalities is not None and event.fatalities.best == 2
    assert event.wounded is not None and event.wounded.best == 5
    assert event.kidnapped is not None and event.kidnapped.best == 3


def test_an_attack_that_hits_only_a_thing_destroys_property() -> None:
    result = extract(
        "A commando of the Valley Front attacked a bank in Lima on Monday.", "2021-05-24"
    )
    (event,) = result.events
    assert (event.event_type, event.sub_event_type) == (
        "Strategic developments",
        "Looting/property destruction",
    )
    result = extract("Gunmen attacked a police station in Lima on Monday.", "2021-05-24")
    (event,) = result.events
    assert event.event_type == "Battles"


def test_the_doers_nationality_is_not_where_it_happened() -> None:
    """'killed by a U.S. drone' says whose drone, not that the strike was in the United States;
    the place comes from elsewhere in the report, or stays unknown."""
    events, names = _events(
        "Fighting spread across Kandahar province last week. A local commander, Mullah Sadiq, "
        "was killed by a U.S. drone on Friday. A U.S. drone strike killed five militants on "
        "Monday. Pakistani jets bombed hideouts near Miranshah."
    )
    told = {e.evidence[0].text.split()[1]: e for e in events}
    for key in ("local", "U.S."):
        assert told[key].sub_event_type == "Air/drone strike"
        assert names.get(told[key].place) != "United States", key
    assert names[told["jets"].place] == "Miranshah"


def test_murder_of_a_named_person_is_not_read_into_a_battle() -> None:
    events, names = _events(
        "Rebels clashed with army troops near Puerto Nuevo on Monday. "
        "Residents were shocked by the murder of the mayor, Juan Ortega Salas."
    )
    assert [e.event_type for e in events] == ["Battles", "Violence against civilians"]
    victims = [names[p.entity] for p in events[1].participants if p.role == "victim"]
    assert victims == ["Juan Ortega Salas"]
    assert all(names[p.entity] != "Juan Ortega Salas" for p in events[0].participants)


def test_assassination_of_civilians_is_its_own_event_beside_a_battle() -> None:
    events, _ = _events(
        "Rebels clashed with army troops near Puerto Nuevo on Monday. "
        "The assassination of three priests in the town by gunmen shocked the country."
    )
    assert [(e.event_type, e.sub_event_type) for e in events] == [
        ("Battles", "Armed clash"),
        ("Violence against civilians", "Attack"),
    ]


def test_an_event_named_in_passing_with_its_actor_and_victims_is_kept() -> None:
    events, _ = _events(
        "The minister resigned on Monday after the murder of six priests by uniformed men "
        "in the capital."
    )
    assert [(e.event_type, e.sub_event_type) for e in events] == [
        ("Violence against civilians", "Attack")
    ]


def test_a_killing_told_in_passing_and_the_strike_it_happened_in_are_one_event() -> None:
    # "after the killing" is a point of reference; the strike it happened in is the same
    # happening, not a second event placed in the main clause's country.
    events, names = _events(
        "The group grew in northern Afghanistan after the killing of its leader Abu Karim in "
        "a U.S. drone strike in western Pakistan in 2009."
    )
    assert len(events) == 1
    assert names[events[0].place or ""] == "Pakistan" and events[0].date == "2009"
    roles = {(names[p.entity], p.role) for p in events[0].participants}
    assert {("United States", "actor"), ("Abu Karim", "victim")} <= roles


def test_a_death_of_another_date_is_no_more_of_the_fighting_before_it() -> None:
    events, names = _events(
        "Rebels of the Northern Front fought a splinter group in Mali's Kidal region at the "
        "start of November. The Front has split since the group announced the death of its "
        "leader Ahmed Dali in July.",
        "2015-11-20",
    )
    assert [e.date for e in events] == ["2015-11"]
    assert "Ahmed Dali" not in {names[p.entity] for p in events[0].participants}
    assert len(events[0].evidence) == 1


def test_an_event_named_in_passing_without_its_actor_is_no_event() -> None:
    events, _ = _events("Police arrested two men on Monday after the bombing of the market.")
    assert [e.sub_event_type for e in events] == ["Arrests"]


def test_victims_identified_by_name_join_the_event_before() -> None:
    events, names = _events(
        "Gunmen attacked a bus in Puerto Nuevo on Monday. "
        "The victims were identified as Juan Ortega Salas and Maria Lopez Diaz."
    )
    assert len(events) == 1
    victims = {names[p.entity] for p in events[0].participants if p.role == "victim"}
    assert {"Juan Ortega Salas", "Maria Lopez Diaz"} <= victims


def test_the_body_of_a_named_person_names_the_victim() -> None:
    events, names = _events(
        "The body of Juan Ortega Salas was found near the road in Puerto Nuevo on Monday."
    )
    victims = [names[p.entity] for p in events[0].participants if p.role == "victim"]
    assert victims == ["Juan Ortega Salas"]


def test_civilians_killed_in_the_attack_are_the_battles_toll() -> None:
    events, _ = _events(
        "Gunmen attacked an army post near Puerto Nuevo on Monday. The attack killed two civilians."
    )
    assert [e.event_type for e in events] == ["Battles"]


def test_the_killing_of_priests_is_its_own_event_beside_a_battle() -> None:
    events, _ = _events(
        "Rebels clashed with army troops near Puerto Nuevo on Monday. "
        "The killing of three priests in the town by gunmen shocked the country."
    )
    assert [e.event_type for e in events] == ["Battles", "Violence against civilians"]
