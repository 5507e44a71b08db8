"""The geocoder on the place names conflict news uses, and on its documented choices."""

from __future__ import annotations

import time
import tomllib

import pytest

from factions.extract.geocode import (
    REGIONS_PATH,
    PlaceMatch,
    PlaceSpan,
    document_focus,
    get_geocoder,
    name_key,
)

# Place names as the seed articles phrase them: (surface, country, precision, admin1 key or None).
SEED_PLACES = [
    ("northern Takhar Province", "AF", "admin1", "takhar"),
    ("Zabul", "AF", "admin1", "zabul"),
    ("Karachi airport", "PK", "point", "sindh"),
    ("the tribal areas", "PK", "region", None),
    ("North Waziristan tribal area", "PK", "district", "khyber pakhtunkhwa"),
    ("Kunduz and Takhar provinces", "AF", "region", None),
    ("Central Asia", None, "region", None),
    ("northern Afghanistan", "AF", "region", None),
    ("North Caucasus", "RU", "region", None),
    ("western Pakistan", "PK", "region", None),
    ("Badakhshan", "AF", "admin1", "badakhshan"),
    ("Faryab Province", "AF", "admin1", "faryab"),
    ("Astana", "KZ", "point", None),
    ("Tashkent", "UZ", "point", None),
    ("Kabul", "AF", "point", "kabul"),
]


@pytest.fixture(scope="module")
def geocoder():
    return get_geocoder()


def resolve(geocoder, surface: str, focus=("AF",)) -> PlaceMatch:
    match = geocoder.resolve(surface, focus=list(focus))
    assert match is not None, surface
    return match


@pytest.mark.parametrize(("surface", "country", "precision", "admin1"), SEED_PLACES)
def test_seed_place_names_resolve_with_their_precision(
    geocoder, surface, country, precision, admin1
):
    match = resolve(geocoder, surface)
    assert match.country == country
    assert match.precision == precision
    assert match.lat is not None and match.lon is not None
    assert -90 <= match.lat <= 90 and -180 <= match.lon <= 180
    if admin1 is not None:
        assert match.admin1 is not None and name_key(match.admin1) == admin1


def test_coordinates_fall_where_the_places_are(geocoder):
    kabul = resolve(geocoder, "Kabul")
    assert abs(kabul.lat - 34.5) < 0.2 and abs(kabul.lon - 69.2) < 0.2
    takhar = resolve(geocoder, "Takhar province")
    assert 36 < takhar.lat < 38 and 69 < takhar.lon < 71
    central_asia = resolve(geocoder, "Central Asia")
    assert 35 < central_asia.lat < 50 and 55 < central_asia.lon < 80
    north = resolve(geocoder, "northern Afghanistan")
    south = resolve(geocoder, "southern Afghanistan")
    assert north.lat > south.lat + 2


def test_town_without_feature_word_and_province_with_one(geocoder):
    town = resolve(geocoder, "Kunduz")
    assert (town.precision, town.feature) == ("point", "populated place")
    province = resolve(geocoder, "the province of Kunduz")
    assert province.precision == "admin1"
    assert province.gazetteer_id != town.gazetteer_id
    assert province.gazetteer_id in town.alternatives
    assert resolve(geocoder, "Kunduz province").gazetteer_id == province.gazetteer_id


def test_landmark_word_keeps_the_town_and_names_the_feature(geocoder):
    airport = resolve(geocoder, "Karachi airport", focus=("PK",))
    town = resolve(geocoder, "Karachi", focus=("PK",))
    assert airport.feature == "airport"
    assert airport.gazetteer_id == town.gazetteer_id


def test_compass_word_on_a_province_keeps_the_province(geocoder):
    assert (
        resolve(geocoder, "northern Takhar Province").gazetteer_id
        == resolve(geocoder, "Takhar").gazetteer_id
    )


def test_district_names_resolve_to_districts(geocoder):
    assert resolve(geocoder, "Dand district").precision == "district"
    shindand = resolve(geocoder, "Shindand district")
    assert (shindand.precision, shindand.country) == ("district", "AF")


def test_country_and_generic_compass_part_of_a_country(geocoder):
    country = resolve(geocoder, "Afghanistan")
    assert (country.precision, country.country, country.admin1) == ("country", "AF", None)
    chad = resolve(geocoder, "northern Chad", focus=())
    assert (chad.precision, chad.country) == ("region", "TD")
    assert chad.lat > resolve(geocoder, "Chad", focus=()).lat


def test_qalat_follows_the_document_focus(geocoder):
    afghan = resolve(geocoder, "Qalat", focus=("AF",))
    iranian = resolve(geocoder, "Qalat", focus=("IR",))
    assert afghan.country == "AF"
    assert iranian.country == "IR"
    assert afghan.gazetteer_id in iranian.alternatives


def test_demonyms_are_not_places_unless_asked(geocoder):
    assert geocoder.resolve("Afghan", focus=["AF"]) is None
    assert geocoder.resolve("Uzbek") is None
    assert geocoder.resolve("Afghans") is None
    asked = geocoder.resolve("Uzbek", allow_demonym=True)
    assert asked is not None
    assert (asked.country, asked.precision, asked.feature) == ("UZ", "country", "demonym")


def test_unknown_names_give_none(geocoder):
    assert geocoder.resolve("Qqzzxxv Wwyyq") is None
    assert geocoder.resolve("") is None


def test_press_abbreviations_and_country_short_forms(geocoder):
    assert resolve(geocoder, "U.S.", focus=()).country == "US"
    assert resolve(geocoder, "U.S.", focus=()).precision == "country"
    kentucky = resolve(geocoder, "Ky.", focus=("US",))
    assert (kentucky.country, kentucky.precision) == ("US", "admin1")


def test_every_region_member_in_the_data_file_is_found(geocoder):
    data = tomllib.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    missing = [
        f"{entry['name']}: {member}"
        for entry in data["region"]
        for member in entry.get("members", [])
        if not geocoder.region_members({"members": [member]})
    ]
    assert missing == []


def test_document_focus_counts_unambiguous_mentions(geocoder):
    focus = document_focus(["Afghan", "Kabul", "Takhar", "Uzbekistan", "Afghanistan", "Qalat"])
    assert focus[:2] == ["AF", "UZ"]
    assert document_focus(["Qqzzxxv"]) == []


def test_resolve_is_fast_once_warm(geocoder):
    names = [name for name, *_ in SEED_PLACES]
    for name in names:
        geocoder.resolve(name, focus=["AF"])
    started = time.perf_counter()
    for _ in range(200):
        for name in names:
            geocoder.resolve(name, focus=["AF"])
    per_call = (time.perf_counter() - started) / (200 * len(names))
    assert per_call < 0.001


def _story(geocoder, text: str, *names: str, focus=()):  # type: ignore[no-untyped-def]
    """Resolve the given names of a made-up story together, in text order."""
    spans = []
    at = 0
    for name in names:
        start = text.index(name, at)
        spans.append(PlaceSpan(start, start + len(name), name, unlisted=True, variants=True))
        at = start + len(name)
    return geocoder.resolve_document(text, spans, list(focus))


def test_the_container_named_beside_a_town_picks_the_namesake_inside_it(geocoder):
    faizabad, _ = _story(
        geocoder, "Gunmen killed two policemen near Faizabad, Badakhshan.", "Faizabad", "Badakhshan"
    )
    assert (faizabad.country, name_key(faizabad.admin1)) == ("AF", "badakhshan")
    springfield, _ = _story(
        geocoder,
        "The rally was held in Springfield, Illinois, on Sunday.",
        "Springfield",
        "Illinois",
    )
    assert (springfield.country, springfield.admin1) == ("US", "Illinois")


def test_a_town_named_inside_a_province_makes_the_province_of_its_capitals_name(geocoder):
    # Bauchi and Aleppo alone mean the towns; as the container of a town 100-200 km from
    # them they are the state and the governorate, and the town inside is found, not lost.
    gamawa, bauchi, _ = _story(
        geocoder,
        "Fighters shelled a market in Gamawa, Bauchi, Nigeria, on Sunday.",
        "Gamawa",
        "Bauchi",
        "Nigeria",
    )
    assert (bauchi.precision, gamawa.precision, gamawa.feature) == (
        "admin1",
        "point",
        "populated place",
    )
    assert abs(gamawa.lat - 12.13) < 0.1 and abs(gamawa.lon - 10.54) < 0.1
    town, aleppo, _ = _story(
        geocoder, "A car bomb went off in Jarabulus, Aleppo, Syria.", "Jarabulus", "Aleppo", "Syria"
    )
    assert (aleppo.precision, town.precision, town.country) == ("admin1", "point", "SY")
    # A district inside a province of a capital's name: the province, and the district found.
    district, uruzgan, _ = _story(
        geocoder,
        "Police posts fell in Tarin Kot, Uruzgan, Afghanistan.",
        "Tarin Kot",
        "Uruzgan",
        "Afghanistan",
    )
    assert (uruzgan.precision, district.precision) == ("admin1", "district")
    assert district.feature != "unlisted place"
    # A place inside the town keeps the town: "Police District 10, Kabul" is in Kabul city.
    _, kabul, _ = _story(
        geocoder,
        "A bomb hit a bus in Shahr-e Naw, Kabul, Afghanistan.",
        "Shahr-e Naw",
        "Kabul",
        "Afghanistan",
    )
    assert kabul.precision == "point"


def test_the_other_places_of_a_story_choose_among_namesakes(geocoder):
    alexandria, _, _ = _story(
        geocoder,
        "Flooding closed roads in Alexandria and Pineville, and the governor of Louisiana "
        "visited on Friday.",
        "Alexandria",
        "Pineville",
        "Louisiana",
    )
    assert (alexandria.country, alexandria.admin1) == ("US", "Louisiana")
    cairo = _story(geocoder, "Protesters gathered in Alexandria.", "Alexandria")[0]
    assert cairo.country == "EG"  # alone, the largest namesake


def test_transliteration_variants_of_districts_resolve(geocoder):
    (nahri,) = _story(geocoder, "Clashes in Nahri Sarraj district.", "Nahri Sarraj district")
    (nahr,) = _story(geocoder, "Clashes in Nahr-e Saraj district.", "Nahr-e Saraj district")
    assert nahri.gazetteer_id == nahr.gazetteer_id
    assert nahri.precision == "district"
    (khanabad,) = _story(geocoder, "A raid near Khanabad, Kunduz.", "Khanabad", focus=("AF",))
    (khan_abad,) = _story(geocoder, "A raid near Khan Abad, Kunduz.", "Khan Abad", focus=("AF",))
    assert khanabad.country == khan_abad.country == "AF"
    assert abs(khanabad.lat - khan_abad.lat) < 0.2 and abs(khanabad.lon - khan_abad.lon) < 0.2


def test_a_name_the_gazetteer_lacks_is_kept_at_its_container(geocoder):
    kasba, district = _story(
        geocoder,
        "Fighting reached Qqzzxx village in Shindand district on Monday.",
        "Qqzzxx",
        "Shindand district",
    )
    assert kasba.feature == "unlisted place"
    assert (kasba.precision, kasba.country) == ("district", "AF")
    assert (kasba.lat, kasba.lon) == (district.lat, district.lon)
    assert kasba.gazetteer_id is None


def test_a_capital_is_what_a_bare_name_means(geocoder):
    (washington,) = _story(geocoder, "Officials in Washington said.", "Washington")
    assert (washington.precision, washington.country) == ("point", "US")
    assert abs(washington.lat - 38.9) < 0.2


def test_continents_and_their_adjectives(geocoder):
    europe = resolve(geocoder, "Europe", focus=())
    assert europe.gazetteer_id.startswith("geonames:")
    assert geocoder.resolve("European") is None
    assert geocoder.resolve("European", allow_demonym=True).name == "Europe"
    chinese = geocoder.resolve("Chinese", allow_demonym=True)
    assert chinese.country == "CN"


def test_common_nouns_in_lower_case_are_no_names_and_say_nothing_of_the_story(geocoder):
    # "act" and "building" are words of the text, not the Australian Capital Territory or a
    # town called Belding; they neither resolve nor pull the story's focus abroad.
    text = "The act closed the building near the lagoon outside Springfield, Illinois."
    act, building, springfield, illinois = _story(
        geocoder, text, "act", "building", "Springfield", "Illinois"
    )
    assert act is None and building is None
    assert (springfield.country, illinois.country) == ("US", "US")
    assert geocoder.unambiguous_country("act") is None
    assert document_focus(["act", "Ohio"]) == ["US"]


def test_press_abbreviations_of_australian_and_canadian_provinces(geocoder):
    nsw = resolve(geocoder, "NSW", focus=())
    assert (nsw.country, nsw.precision) == ("AU", "admin1")
    brunswick = resolve(geocoder, "N.B.", focus=())
    assert (brunswick.country, brunswick.precision, brunswick.admin1) == (
        "CA",
        "admin1",
        "New Brunswick",
    )


def test_a_countrys_bare_name_is_the_country_not_its_capital_city(geocoder):
    # "Mexico City" and "Kuwait City" are indexed under the bare name too; among towns of the
    # same country named in the story, the country still wins, unless "city" follows it.
    mexico, city = _story(
        geocoder,
        "Mexico told the envoys who met in Mexico City that it would act.",
        "Mexico",
        "Mexico City",
    )
    assert (mexico.country, mexico.precision) == ("MX", "country")
    assert city.precision == "point"
    kuwait, _ = _story(
        geocoder, "Kuwait pledged aid at a meeting in Kuwait City.", "Kuwait", "Kuwait City"
    )
    assert kuwait.precision == "country"


def test_a_small_namesake_town_does_not_stand_for_its_province(geocoder):
    # Kunduz city is a large part of Kunduz province, so the bare name is the town; Quebec
    # City holds a small share of Quebec's people, so the bare name is the province.
    (quebec,) = _story(geocoder, "Forest fires spread across Quebec on Sunday.", "Quebec")
    assert (quebec.country, quebec.precision) == ("CA", "admin1")
    (kunduz,) = _story(geocoder, "Clashes in Kunduz left five dead.", "Kunduz")
    assert kunduz.precision == "point"


def test_an_unlisted_place_is_kept_at_the_place_the_story_names_most(geocoder):
    kandahar, _, herat, bazaar = _story(
        geocoder,
        "Rockets hit Kandahar on Monday. Traders in Kandahar said a convoy from Herat was "
        "late, and the Qqzzxx Bazaar stayed shut.",
        "Kandahar",
        "Kandahar",
        "Herat",
        "Qqzzxx Bazaar",
        focus=("AF",),
    )
    assert bazaar.feature == "unlisted place"
    assert (bazaar.lat, bazaar.lon) == (kandahar.lat, kandahar.lon)
    assert (bazaar.lat, bazaar.lon) != (herat.lat, herat.lon)


def test_a_chain_ending_in_a_country_holds_its_first_name_in_that_country(geocoder):
    # Wazirabad is a Pakistani town; "Wazirabad, Baghlan, Afghanistan" is a place in Baghlan
    # the gazetteer lacks, whatever the town Baghlan beside it.
    wazirabad, _, _ = _story(
        geocoder,
        "Gunmen attacked a base in Wazirabad, Baghlan, Afghanistan, on Monday.",
        "Wazirabad",
        "Baghlan",
        "Afghanistan",
        focus=("AF",),
    )
    assert wazirabad.country == "AF"
    assert wazirabad.feature == "unlisted place"


def test_which_points_lie_near_is_kept_by_the_points_and_read_only() -> None:
    """Nearness is kept across stories by the points it was worked out for: the same points
    give the same answer as working it out again, other points their own, and the kept answer
    cannot be changed by a reader."""
    import numpy as np

    from factions.extract.geocode import _NEAR_KM, _distances, _near_points

    kabul = np.radians([34.53]), np.radians([69.17])
    places = np.radians([34.5, 31.6, 36.7]), np.radians([69.2, 65.7, 67.1])  # ~0, 460, 300 km
    first = _near_points(*places, *kabul)
    again = _near_points(*places, *kabul)
    assert again is first
    assert first.tolist() == (_distances(*places, *kabul) <= _NEAR_KM).tolist()
    assert first[:, 0].tolist() == [True, False, False]
    with pytest.raises(ValueError):
        first[0, 0] = False
    farther = _near_points(*places, np.radians([31.6]), np.radians([65.7]))
    assert farther[:, 0].tolist() == [False, True, False]


def test_a_names_candidates_are_kept_between_stories_and_each_story_rescores_its_own() -> None:
    """A name's candidates and priors are made once and copied for each story: Tripoli beside
    Benghazi, then beside Beirut, then beside Benghazi again, is each time what a geocoder
    that kept nothing says, and the kept group's arrays cannot be written to."""
    geocoder = get_geocoder()

    def places(text: str) -> list[tuple[str | None, str | None]]:
        spans = [
            PlaceSpan(text.index(name), text.index(name) + len(name), name)
            for name in ("Tripoli", "Benghazi", "Beirut")
            if name in text
        ]
        return [
            (m.name, m.country) if m else (None, None)
            for m in geocoder.resolve_document(text, spans)
        ]

    stories = [
        "Clashes in Tripoli and Benghazi.",
        "Clashes in Tripoli and Beirut.",
        "Clashes in Tripoli and Benghazi.",
    ]
    kept = [places(story) for story in stories]
    fresh = []
    for story in stories:
        geocoder._groups.clear()
        fresh.append(places(story))
    assert kept == fresh
    assert kept[0][0][1] == "LY" and kept[1][0][1] == "LB"
    group = next(iter(geocoder._groups.values()))
    with pytest.raises(ValueError):
        group.prior[...] = 0.0


def test_resolved_names_kept_have_a_bound_and_can_be_forgotten(monkeypatch) -> None:
    """What a geocoder keeps of the names it resolved must not grow with a long ingest's ever
    new names, and a benchmark's repeat can start from nothing kept."""
    from factions.extract import geocode

    geocoder = get_geocoder()
    geocoder.forget_stories()
    monkeypatch.setattr(geocode, "_RESOLVED_KEPT", 3)
    for name in ("Kabul", "Kunduz", "Herat", "Mosul", "Aleppo", "Sanaa", "Gao"):
        assert geocoder.resolve(name) is not None
        assert len(geocoder._cache) <= 3
    geocoder.forget_stories()
    assert not geocoder._cache and not geocoder._groups and not geocode._NEAR
