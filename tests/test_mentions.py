"""Recognising actors inside one document and resolving every name to one entity."""

from __future__ import annotations

import pytest

from factions.extract.mentions import derived_claims, resolve_mentions
from factions.extract.nlp import build_pipeline


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return build_pipeline()


def _resolve(nlp, text: str, doc_id: str = "d-test"):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    mentions, registry = resolve_mentions(doc, doc_id)
    return doc, mentions, registry


def _names(mentions) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.text: m.entity.name for m in mentions}


def test_acronym_defined_in_text_points_to_the_long_form(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Fighters of the Eastern Valley Liberation Front (EVLF) raided a checkpoint. "
        "The EVLF later withdrew into the hills.",
    )
    entities = {
        m.entity.id for m in mentions if m.text in {"EVLF", "Eastern Valley Liberation Front"}
    }
    assert len(entities) == 1


def test_short_name_and_title_resolve_to_the_full_name(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "General Rahmatullah Sarwari commanded the operation. Sarwari said the road was open.",
    )
    people = {m.entity.name for m in mentions if m.entity.type == "person"}
    assert people == {"Rahmatullah Sarwari"}


def test_spelling_slip_of_a_surname_joins_the_person(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Former minister Attiqullah Baryalai spoke first. Barayalai later added that talks failed.",
    )
    ids = {m.entity.id for m in mentions if m.entity.type == "person"}
    assert len(ids) == 1


def test_gazetteer_spellings_resolve_to_one_actor(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "Daesh and ISIL are names for the Islamic State. Al Qaida and al-Qaeda are one group."
    )
    names = _names(mentions)
    assert names["Daesh"] == names["ISIL"] == names["Islamic State"]
    assert names["Al Qaida"] == names["al-Qaeda"]


def test_lone_first_name_is_local_to_its_document(nlp) -> None:  # type: ignore[no-untyped-def]
    _, first, _ = _resolve(nlp, "Noori said the post had fallen.", "d-one")
    _, second, _ = _resolve(nlp, "Noori said the post had fallen.", "d-two")
    a = [m.entity.id for m in first if m.text == "Noori"]
    b = [m.entity.id for m in second if m.text == "Noori"]
    assert a and b and a != b


def test_described_group_becomes_a_splinter_of_its_parent(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, mentions, registry = _resolve(
        nlp, "The IMU fought alongside a Taliban splinter group in Zabul Province."
    )
    described = [m for m in mentions if m.rule == "described-group"]
    assert [m.text for m in described] == ["Taliban splinter group"]
    [claim] = derived_claims(doc, registry)
    assert claim.predicate == "splinter_of" and claim.object == "a:taliban"
    assert claim.subject == described[0].entity.id


def test_mentions_never_cross_a_line_break(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "Reports from Kunduz\n\nTaliban fighters attacked the town.")
    assert all("\n" not in m.text for m in mentions)


def test_alias_statement_joins_the_named_group(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, registry = _resolve(
        nlp, "The Eastern Valley Front, also known as Jaish al-Sharq, attacked a border post."
    )
    names = _names(mentions)
    assert names["Jaish al-Sharq"] == names["Eastern Valley Front"]
    assert all(e.name != "Jaish al-Sharq" for e in registry.by_key.values())


def test_alias_statement_never_joins_two_known_actors(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "The Taliban, or al-Qaeda as some officials put it, denied it.")
    names = _names(mentions)
    assert names["Taliban"] != names["al-Qaeda"]


def test_names_after_a_locative_preposition_are_places(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Pakistani troops fought in South Waziristan. Families fled to camps in Tank and "
        "Dera Ismail Khan, officials said.",
    )
    types = {m.text: m.entity.type for m in mentions}
    assert types["Tank"] == "location"
    assert types["Dera Ismail Khan"] == "location"


def test_a_person_named_in_the_document_stays_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Commander Rahim Jan said the road was open. Officials met at Jan's house in Kunduz.",
    )
    assert {m.entity.type for m in mentions if "Jan" in m.text} == {"person"}


def _places(mentions) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {m.text: m.entity for m in mentions}


def test_a_name_under_a_feature_word_is_a_place_never_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    # "Kasba" is in no gazetteer of Afghanistan: it is kept at the district named beside it.
    _, mentions, _ = _resolve(
        nlp,
        "Taliban fighters overran Kasba village in Khan Abad district, Kunduz province, on "
        "Monday, residents said.",
    )
    kasba = _places(mentions)["Kasba"]
    assert kasba.type == "location"
    assert kasba.place.country == "AF"
    assert kasba.place.feature == "unlisted place"
    assert kasba.place.precision == "district"
    district = _places(mentions)["Khan Abad district"]
    assert (kasba.place.lat, kasba.place.lon) == (district.place.lat, district.place.lon)


def test_variant_spelling_of_a_district_under_a_place_cue(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "Fighters attacked a checkpoint in Nahri Sarraj district of Helmand province."
    )
    nahri = _places(mentions)["Nahri Sarraj"]
    assert nahri.type == "location"
    assert (nahri.place.country, nahri.place.admin1, nahri.place.precision) == (
        "AF",
        "Helmand",
        "district",
    )


def test_a_country_the_ner_calls_a_person_is_the_country(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "Russia said on Monday that it would send more troops to the border region."
    )
    russia = _places(mentions)["Russia"]
    assert (russia.type, russia.place.country) == ("country", "RU")


def test_a_small_homonym_abroad_is_kept_at_its_container(nlp) -> None:  # type: ignore[no-untyped-def]
    # "Police District 6" must not become a Polish county, however the gazetteer spells it.
    _, mentions, _ = _resolve(
        nlp, "A bomb went off in Police District 6, Kabul, Afghanistan, on Tuesday."
    )
    countries = {m.entity.place.country for m in mentions if m.entity.place is not None}
    assert countries == {"AF"}
