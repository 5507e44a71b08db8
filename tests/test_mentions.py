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


# --- descriptions of groups ----------------------------------------------------------------


def _claims(nlp, text: str):  # type: ignore[no-untyped-def]
    from factions.extract.pipeline import extract_from_doc
    from factions.ingest.documents import make_document

    document = make_document(text, {"published": "2016-05-01"}, source="t")
    extraction = extract_from_doc(document, nlp(text))
    names = {e.id: e.name for e in extraction.entities}
    claims = {
        (names.get(c.subject), c.predicate, names.get(c.object))
        for c in extraction.claims
        if c.object
    }
    return extraction, claims


def test_a_descriptor_in_apposition_is_about_the_named_group(nlp) -> None:  # type: ignore[no-untyped-def]
    extraction, claims = _claims(
        nlp, "Jamaat-ul-Ahrar, a breakaway faction of the TTP, claimed the bombing in Lahore."
    )
    # One claim, from the named group to the parent, and no entity for the description.
    assert ("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-i-Taliban Pakistan") in claims
    assert not any("faction" in e.name for e in extraction.entities)
    # The bombing is the named group's, never the parent's.
    actors = {p.entity for e in extraction.events for p in e.participants if p.role == "actor"}
    assert "a:ttp" not in actors
    # The parent is still mentioned.
    assert "a:ttp" in {m.entity for m in extraction.mentions}


def test_a_descriptor_before_the_name_is_about_the_name(nlp) -> None:  # type: ignore[no-untyped-def]
    extraction, claims = _claims(
        nlp, "A Taliban splinter group, Fidai Mahaz, said it had killed the district chief."
    )
    assert ("Fidai Mahaz", "splinter_of", "Taliban") in claims
    assert not any("splinter" in e.name for e in extraction.entities)


def test_a_branch_described_by_parent_and_country_is_the_gazetteers_branch(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "Al-Qaeda's branch in Yemen attacked an army base near Aden.")
    assert _names(mentions)["Al-Qaeda's branch in Yemen"] == "al-Qaeda in the Arabian Peninsula"
    _, mentions, _ = _resolve(nlp, "The Yemeni branch of al-Qaeda said it had killed two soldiers.")
    assert "al-Qaeda in the Arabian Peninsula" in _names(mentions).values()


def test_a_branch_in_a_country_with_no_one_branch_stays_a_described_group(nlp) -> None:  # type: ignore[no-untyped-def]
    # The gazetteer knows no al-Qaeda branch in Chile: the description is its own group,
    # linked to al-Qaeda, and never al-Qaeda itself.
    doc, mentions, registry = _resolve(nlp, "Al-Qaeda's branch in Chile claimed the attack.")
    branch = next(m for m in mentions if m.text.startswith("Al-Qaeda's branch"))
    assert branch.entity.id != "a:al-qaeda" and branch.rule == "described-group"
    [claim] = derived_claims(doc, registry)
    assert claim.predicate == "faction_of" and claim.object == "a:al-qaeda"


def test_a_branch_named_with_its_parent_after_of_is_the_branch(nlp) -> None:  # type: ignore[no-untyped-def]
    # "<branch> of the <parent>": one mention, of the branch, which then did what it claims.
    extraction, _ = _claims(
        nlp,
        "Gunmen ambushed soldiers near Menaka on Monday. "
        "The Sahel Province of the Islamic State claimed the ambush.",
    )
    actors = {p.entity for e in extraction.events for p in e.participants if p.role == "actor"}
    assert "a:isgs" in actors and "a:isis" not in actors


def test_a_chapter_named_by_its_region_is_the_gazetteers_branch(nlp) -> None:  # type: ignore[no-untyped-def]
    # The region's word is no country: the parent's one branch carrying that word.
    extraction, _ = _claims(
        nlp,
        "A roadside bomb hit a patrol near Arish on Monday. "
        "The Sinai Chapter of the Islamic State claimed the bombing.",
    )
    actors = {p.entity for e in extraction.events for p in e.participants if p.role == "actor"}
    assert "a:is-sinai" in actors and "a:isis" not in actors
    # "Sinai Chapter" read as a person's name was a misreading of the group's words.
    assert not any(e.type == "person" for e in extraction.entities)


# --- names beyond the gazetteer --------------------------------------------------------------


def test_an_acronym_never_defined_spells_a_group_named_in_the_document(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "JA separated from the TTP last year. Jamaat-ul-Ahrar later rejoined it."
    )
    assert _names(mentions)["JA"] == "Jamaat-ul-Ahrar"


def test_an_acronym_of_a_faraway_group_is_the_local_group_it_spells(nlp) -> None:  # type: ignore[no-untyped-def]
    # KIA is the Kachin Independence Army in Myanmar; in a report on Iraq it is Kata'ib Imam Ali.
    _, mentions, _ = _resolve(nlp, "KIA fighters clashed with police in Baghdad, Iraq, on Sunday.")
    assert _names(mentions)["KIA"] == "Kataib Imam Ali"
    _, mentions, _ = _resolve(nlp, "KIA fighters clashed with the army in Kachin State, Myanmar.")
    assert _names(mentions)["KIA"] == "Kachin Independence Army"


def test_a_group_name_spelt_another_way_is_the_group(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "Fighters of Asai'ib Ahl al-Haqq and the Badr Organization met.")
    assert _names(mentions)["Asai'ib Ahl al-Haqq"] == "Asa'ib Ahl al-Haq"


def test_a_shared_alias_is_the_group_of_the_documents_country(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "ASWJ fighters took the town from al-Shabaab after two days of fighting."
    )
    assert _names(mentions)["ASWJ"] == "Ahlu Sunna Wal Jama'a (Somalia)"


def test_a_name_described_by_a_persons_role_is_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp, "IMU commander Karim Nazzari was killed in Zabul province, the Taliban said."
    )
    person = next(m.entity for m in mentions if m.text == "Karim Nazzari")
    assert person.type == "person"
    assert person.ties == {"a:imu"} and person.sides == {"armed"}


def test_a_title_or_description_puts_a_person_on_the_states_side(nlp) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Governor Karim Nazari said the Taliban had left the district.",
        "Karim Nazari, the governor of Kunduz, said the Taliban had left the district.",
    ):
        _, mentions, _ = _resolve(nlp, text)
        person = next(m.entity for m in mentions if m.text == "Karim Nazari")
        assert person.sides == {"state"}, text


def test_people_are_kept_per_document_under_a_shared_key(nlp) -> None:  # type: ignore[no-untyped-def]
    _, first, _ = _resolve(nlp, "Karim Nazari said the post had fallen.", "d-one")
    _, second, _ = _resolve(nlp, "Karim Nazari said the post had fallen.", "d-two")
    a = next(m.entity for m in first if m.text == "Karim Nazari")
    b = next(m.entity for m in second if m.text == "Karim Nazari")
    assert a.id != b.id and a.match_key == b.match_key == "person:karim nazari"


def test_gazetteer_people_are_named_without_their_titles(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "Mullah Mohammad Omar led the Taliban until his death.")
    person = next(m.entity for m in mentions if m.entity.type == "person")
    assert person.name == "Mohammad Omar" and "Mullah Mohammad Omar" in person.aliases


# --- what is not an actor --------------------------------------------------------------------


def _types(mentions) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {m.text: m.entity.type for m in mentions}


def test_outlets_are_organisations_never_people(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "Pajhwok reported that two policemen were killed in Kunduz.")
    assert _types(mentions)["Pajhwok"] == "organization"
    _, mentions, _ = _resolve(
        nlp, "A Taliban spokesman told Radio Azadi that the fighters had withdrawn."
    )
    assert _types(mentions)["Radio Azadi"] == "organization"


def test_an_outlets_local_name_is_an_alias_of_it(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Kabul Radio's Pashto Service, known locally as Da Kabul Ghag, held a debate.",
    )
    names = _names(mentions)
    assert names["Da Kabul Ghag"] == names["Kabul Radio's Pashto Service"]
    assert _types(mentions)["Da Kabul Ghag"] == "organization"


def test_page_chrome_and_common_words_are_not_actors(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Home | News | Afghanistan | Opinion | Podcasts | Video | Contact Us\n"
        "The Provincial Council said the Taliban controlled three districts. The Coalition "
        "denied it.",
    )
    assert {m.entity.name for m in mentions} == {"Taliban"}


def test_an_acronym_split_by_a_slash_is_one_name(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(nlp, "KVN/TV reported the clashes near the border on Friday.")
    assert "KVN/TV" in _names(mentions)


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


def test_a_place_the_gazetteer_lacks_is_one_place_only_within_its_container(nlp) -> None:  # type: ignore[no-untyped-def]
    def unlisted(text: str) -> set[str]:
        extraction, _ = _claims(nlp, text)
        return {e.id for e in extraction.entities if e.name.startswith("Police District")}

    in_kabul = unlisted("A bomb exploded in Police District 5, Kabul, Afghanistan, on Monday.")
    in_kandahar = unlisted("A bomb exploded in Police District 5, Kandahar, Afghanistan, today.")
    assert in_kabul and in_kandahar and not in_kabul & in_kandahar


def _where(mentions) -> dict[str, tuple[str | None, str]]:  # type: ignore[no-untyped-def]
    return {
        m.text: (m.entity.place.country, m.entity.place.precision)
        for m in mentions
        if m.entity.place is not None
    }


def test_the_place_of_a_dateline_in_capitals_is_a_place(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, registry = _resolve(
        nlp,
        "KANDAHAR, Afghanistan (Reuters) - Two policemen were wounded on Tuesday when a "
        "roadside bomb hit their vehicle, officials said.\n\n"
        "By Jane Roe. PESHAWAR, March 3 - A market reopened after the curfew ended.",
    )
    places = _where(registry.absorbed)
    assert places["KANDAHAR"] == ("AF", "point")
    assert places["Afghanistan"] == ("AF", "country")
    assert places["PESHAWAR"] == ("PK", "point")
    # Where the report was filed is recorded, but is no sentence's place.
    assert not {"KANDAHAR", "PESHAWAR"} & {m.text for m in mentions}


def test_words_in_capitals_that_are_no_dateline_stay_unplaced(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Officials met on Monday.\nUPDATE: The talks will resume. He said the NATO (alliance) "
        "would decide.",
    )
    assert "UPDATE" not in _where(mentions)


def test_a_province_or_region_the_ner_calls_a_person_is_the_place(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Kerala told the court on Monday that the dam was safe, while officials in Chennai "
        "and Bangalore disagreed.",
    )
    assert _where(mentions)["Kerala"] == ("IN", "admin1")


def test_a_union_of_states_stays_an_organisation() -> None:
    from factions.extract.mentions import _names_a_unit

    assert not _names_a_unit("EU", [])
    assert _names_a_unit("Sahel", [])


def test_one_sense_per_story_a_name_the_ner_calls_a_place_stays_one(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, _ = _resolve(
        nlp,
        "Fighting spread across Zabul province. In Qalat, the capital, Qalat told reporters "
        "the roads were shut.",
    )
    qalat = [m for m in mentions if m.text == "Qalat"]
    assert len(qalat) == 2
    assert all(m.entity.type == "location" for m in qalat)


def test_a_capital_that_speaks_is_the_state_not_a_person(nlp) -> None:  # type: ignore[no-untyped-def]
    doc, mentions, _ = _resolve(
        nlp, "Beijing said on Friday it would retaliate against the tariffs."
    )
    assert [e.label_ for e in doc.ents if e.text == "Beijing"] == ["GPE"]
    assert _where(mentions)["Beijing"] == ("CN", "point")


def test_a_place_named_inside_an_organisations_name_is_recorded(nlp) -> None:  # type: ignore[no-untyped-def]
    _, mentions, registry = _resolve(
        nlp,
        "A spokesman for the University of Michigan said the Central Bank of Malta and the "
        "Chamber of Commerce would fund the study.",
    )
    inside = {m.text: m for m in registry.absorbed if m.rule == "embedded-place"}
    assert inside["Michigan"].entity.place.precision == "admin1"
    assert inside["Malta"].entity.type == "country"
    assert "Commerce" not in inside and "Central" not in inside
    # The organisations stay organisations, and no sentence is about their places.
    kinds = {m.text: m.entity.type for m in mentions}
    assert kinds["University of Michigan"] == "organization"
    assert "Michigan" not in kinds


def test_a_country_closing_an_organisations_name_and_a_city_opening_a_papers(nlp) -> None:  # type: ignore[no-untyped-def]
    _, _, registry = _resolve(
        nlp, "Flights by Air Zimbabwe resumed on Monday, the New York Times said."
    )
    inside = {m.text: m.entity.place for m in registry.absorbed if m.rule == "embedded-place"}
    assert inside["Zimbabwe"].precision == "country"
    assert (inside["New York"].country, inside["New York"].precision) == ("US", "point")


def test_a_capital_the_ner_calls_a_person_is_the_place(nlp) -> None:  # type: ignore[no-untyped-def]
    extraction, _ = _claims(
        nlp,
        "A bomb tore through the crowded Nyanya bus station on the southern edge of Abuja on "
        "Monday during the morning rush hour, killing at least 71 people, the agency said.",
    )
    types = {e.name: e.type for e in extraction.entities}
    assert types.get("Abuja") == "location"


def test_a_short_form_given_in_brackets_names_the_group_over_the_gazetteer(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Jabhat Fatah al-Sham (Fatah al-Sham) broke with its old patrons in July. "
        "In January, Fatah al-Sham merged with Harakat Nour al-Din al-Zenki to form Hayat "
        "Tahrir al-Sham."
    )
    _, mentions, _ = _resolve(nlp, text)
    short = [m for m in mentions if m.text == "Fatah al-Sham"]
    assert len(short) == 2
    assert {m.entity.name for m in short} == {"Jabhat Fateh al-Sham"}
    assert "Fatah" not in {m.entity.name for m in mentions}
    _, claims = _claims(nlp, text)
    assert ("Jabhat Fateh al-Sham", "merged_into", "Hayat Tahrir al-Sham") in claims or (
        "Jabhat Fateh al-Sham",
        "merged_with",
        "Harakat Nour al-Din al-Zenki",
    ) in claims
