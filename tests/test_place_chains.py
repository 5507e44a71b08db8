"""Address chains ("X, Y, Country"): every link a place name, whole, each inside the next."""

from __future__ import annotations

import pytest

from factions.extract.mentions import resolve_mentions
from factions.extract.nlp import build_pipeline
from factions.extract.place_chains import chain_spans


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return build_pipeline()


def _places(nlp, text: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    mentions, _ = resolve_mentions(nlp(text), "d-test")
    return {m.text: m.entity.place for m in mentions if m.entity.place is not None}


def test_hyphenated_and_two_word_names_are_one_place(nlp) -> None:  # type: ignore[no-untyped-def]
    places = _places(nlp, "Gunmen stormed a clinic in Qala-i-Naw, Badghis, Afghanistan.")
    town = places["Qala-i-Naw"]
    assert (town.country, town.precision) == ("AF", "point")
    places = _places(nlp, "Rockets fell on Puli Alam, Logar, Afghanistan, on Monday.")
    assert places["Puli Alam"].precision == "point"


def test_a_country_name_with_of_the_is_the_country_and_holds_the_chain(nlp) -> None:  # type: ignore[no-untyped-def]
    places = _places(
        nlp,
        "Militiamen burned homes in Kibanda, Malambo, North Kivu, Democratic Republic of "
        "the Congo.",
    )
    assert places["Democratic Republic of the Congo"].country == "CD"
    # Unknown to the gazetteer, and Malambo is only a town in Colombia: both are kept in
    # North Kivu, the first container of the chain that lies in its country.
    for name in ("Kibanda", "Malambo"):
        assert (places[name].country, places[name].precision) == ("CD", "admin1")


def test_names_the_ner_calls_people_are_places_in_a_chain(nlp) -> None:  # type: ignore[no-untyped-def]
    places = _places(nlp, "A bomb went off in Saravan, Sistan and Baluchestan, Iran.")
    assert places["Sistan and Baluchestan"].precision == "admin1"
    assert places["Saravan"].country == "IR"


def test_prose_words_end_the_first_name_and_a_tagged_feature_word_stays(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("A mine hit a truck between Shibam and Seiyun, Hadramawt, Yemen.")
    assert "Seiyun" in {s.text for s in chain_spans(doc)}
    places = _places(nlp, "It claimed the raid on a base in Khost province, Afghanistan, today.")
    assert places["Khost province"].precision == "admin1"


def test_no_chain_without_a_country_closing_it(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Ahmad Karimi, Afghanistan's envoy, met Omar Sharif, a trader, in the capital.")
    assert chain_spans(doc) == []
    doc = nlp("Ahmad Karimi, Omar Sharif and Jan Agha, all traders, were freed.")
    assert chain_spans(doc) == []
