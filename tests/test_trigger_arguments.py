"""Each trigger word's own arguments, read from the parse: who acted, whom or what it hit,
where and with what, named or not. Sentences written for these tests."""

from __future__ import annotations

from .test_relations import extract


def _arguments(text: str) -> dict[str, set[tuple[str, str]]]:
    """Trigger word -> {(phrase, role)} over every event of the text."""
    found: dict[str, set[tuple[str, str]]] = {}
    for event in extract(text).events:
        for evidence in event.evidence:
            for index, (start, end) in enumerate(evidence.triggers):
                words = found.setdefault(text[start:end], set())
                words |= {
                    (text[a.start : a.end], a.role)
                    for a in evidence.arguments
                    if a.trigger == index
                }
    return found


def test_subject_object_and_the_places_named_after_in() -> None:
    found = _arguments(
        "On 3 May, rebel gunmen and suicide bombers attacked Fort Meridian in Kessala "
        "Province, Nigeria."
    )
    assert found["attacked"] >= {
        ("rebel gunmen", "actor"),
        ("suicide bombers", "actor"),
        ("Fort Meridian", "target"),
        ("Kessala Province", "place"),
        ("Nigeria", "place"),
    }
    # A date is never a place nor a participant.
    assert not any(words == "3 May" for words, _ in found["attacked"])


def test_passive_with_agent_and_a_pronoun() -> None:
    found = _arguments("In June, she was detained in Kano by intelligence officers.")
    assert found["detained"] == {
        ("she", "target"),
        ("intelligence officers", "actor"),
        ("Kano", "place"),
    }


def test_a_list_after_including_shares_the_role() -> None:
    found = _arguments(
        "Dozens of activists were arrested, including John Okafor, Ibrahim Musa and Peter Eze."
    )
    words = {w for w, role in found["arrested"] if role == "target"}
    assert {"activists", "John Okafor", "Ibrahim Musa", "Peter Eze"} <= words


def test_a_count_names_what_it_counts() -> None:
    found = _arguments("The militants seized hundreds of hostages at a hospital in Garo.")
    assert ("hostages", "target") in found["seized"]
    assert ("hundreds", "target") not in found["seized"]
    # Where the hostages were taken is where it happened.
    assert ("Garo", "place") in found["seized"]


def test_weapons_set_off_or_used() -> None:
    found = _arguments("The insurgents detonated two car bombs across the town on Monday.")
    assert found["detonated"] >= {("insurgents", "actor"), ("car bombs", "instrument")}
    assert ("town", "place") in found["detonated"]
    found = _arguments("Later that day the bombs began to explode near the bridge in Kaduna.")
    assert found["explode"] >= {("bombs", "instrument"), ("Kaduna", "place")}


def test_what_went_off_is_no_actor() -> None:
    found = _arguments(
        "Two devices were left outside the market in Jos. Minutes later they exploded."
    )
    assert found["exploded"] == {("they", "instrument")}


def test_a_suicide_bomber_acts() -> None:
    found = _arguments("A suicide bomber blew himself up at a checkpoint in Maiduguri.")
    roles = dict(found["blew"])
    assert roles.get("suicide bomber") == "actor"


def test_noun_trigger_possessor_and_what_it_hit_after_by() -> None:
    found = _arguments("Boko Haram's bombing of the depot killed four guards.")
    assert found["bombing"] >= {("Boko Haram", "actor"), ("depot", "target")}
    found = _arguments(
        "The courthouse in Zaria was wrecked by an explosion at 9:15 a.m. on Friday."
    )
    assert found["explosion"] == {("courthouse", "target"), ("Zaria", "place")}


def test_a_named_place_after_at_is_where_it_happened() -> None:
    found = _arguments("The two worst explosions at Kofar Street and Bida Road wounded dozens.")
    places = {w for w, role in found["explosions"] if role == "place"}
    assert {"Kofar Street", "Bida Road"} <= places


def test_a_part_of_a_place_stands_for_the_place() -> None:
    found = _arguments("Gunmen attacked a bank in the heart of Kaduna on Sunday.")
    places = {w for w, role in found["attacked"] if role == "place"}
    assert "Kaduna" in places and "heart" not in places


def test_a_pronoun_set_off_is_the_weapon() -> None:
    found = _arguments(
        "Police say the two brothers carried the bombs in backpacks before detonating them."
    )
    assert ("them", "instrument") in found["detonating"]
    found = _arguments("The bomb was placed at the gate and exploded in the afternoon.")
    assert ("bomb", "instrument") in found["exploded"]


def test_what_an_event_is_or_caused_is_not_what_it_hit() -> None:
    found = _arguments("He said the bombings were retaliation for the raids.")
    assert not any(role == "target" for _, role in found.get("bombings", set()))
    found = _arguments("The explosion caused widespread chaos in the market.")
    assert not any(role == "target" for _, role in found["explosion"])


def test_a_list_with_descriptions_apposed() -> None:
    found = _arguments(
        "Several activists were arrested, including John Okafor, brother of the editor "
        "Samuel Ade, Ibrahim Musa, the lawyer Peter Eze, and the writer David Mark."
    )
    targets = {w for w, role in found["arrested"] if role == "target"}
    assert {"John Okafor", "Ibrahim Musa", "Peter Eze", "David Mark"} <= targets
    # A description of an item and the relative it names are not items.
    assert not targets & {"brother", "lawyer", "Samuel Ade"}


def test_the_place_hung_on_a_date_or_on_a_participant() -> None:
    found = _arguments("On 21 December in Kaduna, a suicide bomber blew himself up.")
    assert ("Kaduna", "place") in found["blew"]
    found = _arguments("Five were hurt in a battle between soldiers and rebels in the market area.")
    assert ("market area", "place") in found["battle"] or ("area", "place") in found["battle"]


def test_a_claim_of_responsibility_names_the_actor() -> None:
    found = _arguments("Boko Haram accepted responsibility for the bombings in Kano.")
    assert ("Boko Haram", "actor") in found["bombings"]
    found = _arguments("Boko Haram did not claim responsibility for the bombings in Kano.")
    assert ("Boko Haram", "actor") not in found.get("bombings", set())


def test_whose_decision_it_was_to_carry_out_an_attack() -> None:
    found = _arguments("Boko Haram's decision to carry out the raid on Baga shocked many.")
    assert ("Boko Haram", "actor") in found["raid"]


def test_what_an_event_was_aimed_at() -> None:
    found = _arguments(
        "Boko Haram accepted responsibility for the bombings, which seemed to be aimed at "
        "civilians."
    )
    assert ("civilians", "target") in found["bombings"]


def test_the_city_after_of_is_where_it_happened() -> None:
    found = _arguments("Boko Haram's bombing of the city killed nine people on Friday.")
    assert ("city", "place") in found["bombing"]


def test_reading_trigger_arguments_changes_no_other_record(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The dry reading adds no generic actor, thing or mention: the records are those made
    # without it, but for the arguments themselves.
    from factions.extract import pipeline

    text = (
        "Boko Haram fighters attacked Baga on Monday, and the raid destroyed a granary. Later "
        "two civilians were detained by soldiers near the market."
    )

    def records(result):  # type: ignore[no-untyped-def]
        return (
            sorted((e.id, e.type, e.name, sorted(e.aliases)) for e in result.entities),
            sorted((m.entity, m.start, m.end, m.rule) for m in result.mentions),
            [(e.id, [(p.entity, p.role) for p in e.participants]) for e in result.events],
        )

    read = extract(text)
    assert any(v.arguments for e in read.events for v in e.evidence)
    monkeypatch.setattr(pipeline, "trigger_arguments", lambda *args: ())
    assert records(extract(text)) == records(read)
