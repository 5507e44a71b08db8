"""Relations between groups read from the parse (extract/frames.py), one phrasing a test, on
sentences written for these tests."""

from __future__ import annotations

import pytest

from factions.extract.frames import load_frames
from factions.vocabulary import vocabulary

from .test_relations import extract

SYMMETRIC = vocabulary().symmetric


def said(text: str, published: str = "2016-05-10") -> set[tuple[str, str, str, bool]]:
    """(subject, predicate, object, polarity) by name for every relation between two actors;
    a symmetric relation either way round, as the sentence put it."""
    result = extract(text, published)
    names = {e.id: e.name for e in result.entities}
    found = set()
    for c in result.claims:
        if not c.object or c.object not in names or c.rule.startswith("event:"):
            continue
        found.add((names[c.subject], c.predicate, names[c.object], c.polarity))
        if c.predicate in SYMMETRIC:
            found.add((names[c.object], c.predicate, names[c.subject], c.polarity))
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an apposition naming a foe
        (
            "Al-Shabaab, a long-time foe of Hizbul Islam, seized the port.",
            ("al-Shabaab", "rival_of", "Hizbul Islam"),
        ),
        # an apposition naming the parent: "Y, X's wing in Somalia"
        (
            "Al-Shabaab, al-Qaeda's wing in Somalia, attacked the base.",
            ("al-Shabaab", "faction_of", "al-Qaeda"),
        ),
        # "one of its rivals": the pronoun is the clause's subject, not the last group named
        (
            "Hizbul Islam took the town from al-Shabaab, one of its main rivals.",
            ("al-Shabaab", "rival_of", "Hizbul Islam"),
        ),
        # coordinated / combined operations
        (
            "Ahrar al-Sham coordinated its operations with Jabhat al-Nusra in Idlib.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        (
            "Ahrar al-Sham combined its operations with Jabhat al-Nusra in Idlib.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # through a control verb, and to each of a coordination
        (
            "The Free Syrian Army began cooperating with Ahrar al-Sham and Jabhat al-Nusra.",
            ("Free Syrian Army", "ally_of", "Jabhat al-Nusra"),
        ),
        # coordinated subjects of a joint act
        (
            "Hizbul Islam and al-Shabaab conducted a joint raid on the airport.",
            ("Hizbul Islam", "ally_of", "al-Shabaab"),
        ),
        (
            "Hizbul Islam and al-Shabaab worked together to take the port.",
            ("Hizbul Islam", "ally_of", "al-Shabaab"),
        ),
        # joining another group
        (
            "Jaysh al-Islam joined Hayat Tahrir al-Sham in 2017.",
            ("Jaysh al-Islam", "member_of", "Hayat Tahrir al-Sham"),
        ),
        # joining a group in a fight: at its side
        (
            "The Nour al-Din al-Zenki Movement joined Ahrar al-Sham in the battle for Aleppo.",
            ("Nour al-Din al-Zenki Movement", "ally_of", "Ahrar al-Sham"),
        ),
        # mergers
        (
            "Jaysh al-Islam merged with Hayat Tahrir al-Sham in 2017.",
            ("Jaysh al-Islam", "merged_with", "Hayat Tahrir al-Sham"),
        ),
        (
            "Jaysh al-Islam merged into Hayat Tahrir al-Sham in 2017.",
            ("Jaysh al-Islam", "merged_into", "Hayat Tahrir al-Sham"),
        ),
        (
            "Jaysh al-Islam and Ahrar al-Sham merged to form Hayat Tahrir al-Sham.",
            ("Ahrar al-Sham", "merged_into", "Hayat Tahrir al-Sham"),
        ),
        (
            "The Islamic State absorbed the remnants of Ansar al-Islam in 2014.",
            ("Ansar al-Islam (Iraq)", "merged_into", "Islamic State"),
        ),
        # splits
        (
            "Jamaat-ul-Ahrar broke away from the Pakistani Taliban in 2014.",
            ("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-i-Taliban Pakistan"),
        ),
        (
            "Jamaat-ul-Ahrar was formed by former members of the Pakistani Taliban.",
            ("Jamaat-ul-Ahrar", "splinter_of", "Tehrik-i-Taliban Pakistan"),
        ),
        # declared war on, turned on its former allies
        (
            "In 2016 al-Shabaab declared war on Hizbul Islam.",
            ("al-Shabaab", "fights", "Hizbul Islam"),
        ),
        (
            "By 2015 the Islamic State had turned on its former allies in the Naqshbandi Army.",
            ("Islamic State", "fights", "Naqshbandi Army"),
        ),
        # a group written as its fighters; the attacked side as something of its own
        (
            "Hizbul Islam fighters attacked al-Shabaab in Kismayo.",
            ("Hizbul Islam", "fights", "al-Shabaab"),
        ),
        (
            "Ansar al-Islam bombed a Mahdi Army checkpoint in Diyala.",
            ("Ansar al-Islam (Iraq)", "fights", "Mahdi Army"),
        ),
        # coordinated subjects acting on one another
        (
            "The Taliban and the IMU fought each other in Zabul.",
            ("Taliban", "fights", "Islamic Movement of Uzbekistan"),
        ),
        # "the two groups": the two the sentence named
        (
            "Hizbul Islam and al-Shabaab fell out in 2010, and the two groups clashed in Kismayo.",
            ("Hizbul Islam", "fights", "al-Shabaab"),
        ),
        # a leader speaks for the group in a pledge
        (
            "Boko Haram leader Abubakar Shekau pledged allegiance to the Islamic State.",
            ("Boko Haram", "pledged_allegiance_to", "Islamic State"),
        ),
    ],
)
def test_relation_phrasings(text: str, expected: tuple[str, str, str]) -> None:
    assert (*expected, True) in said(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ansar Dine ended its alliance with the MNLA in June 2012.",
            ("Ansar Dine", "ally_of", "National Movement for the Liberation of Azawad"),
        ),
        (
            "Ahrar al-Sham stopped cooperating with Jabhat al-Nusra in 2016.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        (
            "Al-Shabaab no longer cooperates with Hizbul Islam.",
            ("al-Shabaab", "ally_of", "Hizbul Islam"),
        ),
        # the relation's noun is the subject of a verb that ends it
        (
            "The alliance between Hizbul Islam and al-Shabaab collapsed in 2010.",
            ("Hizbul Islam", "ally_of", "al-Shabaab"),
        ),
    ],
)
def test_ended_or_negated_ties_are_negated_claims(
    text: str, expected: tuple[str, str, str]
) -> None:
    found = said(text)
    assert (*expected, False) in found
    assert (*expected, True) not in found


def _between(found: set[tuple[str, str, str, bool]], a: str, b: str) -> set[str]:
    return {p for s, p, o, _ in found if {s, o} == {a, b}}


@pytest.mark.parametrize(
    "text",
    [
        # two groups attacking the same target are not thereby allies
        "Hizbul Islam and al-Shabaab attacked the airport.",
        # only proposed
        "Hizbul Islam and al-Shabaab proposed an alliance.",
    ],
)
def test_no_alliance_without_a_joint_act(text: str) -> None:
    assert "ally_of" not in _between(said(text), "Hizbul Islam", "al-Shabaab")


def test_taking_orders_is_not_taking_ground() -> None:
    found = said("Jabhat al-Nusra takes orders from al-Qaeda.")
    assert "fights" not in _between(found, "Jabhat al-Nusra", "al-Qaeda")


def test_fighting_alongside_one_another_is_no_enmity() -> None:
    found = said("IMU and Taliban militants fight alongside one another against NATO forces.")
    assert _between(found, "Islamic Movement of Uzbekistan", "Taliban") == {"ally_of"}


def test_a_word_of_a_name_is_no_description() -> None:
    # "Province" in "Islamic State West Africa Province" is part of the name, not a faction word.
    found = said("Boko Haram has since called itself Islamic State West Africa Province.")
    assert not [f for f in found if f[1] == "faction_of"]


def test_a_merger_of_people_is_not_a_merger_of_their_group() -> None:
    found = said("The Levantine Front's Aleppo fighters merged with Ahrar al-Sham.")
    assert not [f for f in found if f[1] in {"merged_with", "merged_into"}]


def test_symmetric_relations_come_once() -> None:
    result = extract("Hizbul Islam and al-Shabaab conducted a joint raid on the airport.")
    allied = [c for c in result.claims if c.predicate == "ally_of"]
    assert len(allied) == 1


def test_frames_name_known_predicates() -> None:
    frames = load_frames()
    known = set(vocabulary().predicates)
    for frame in (*frames.verbs, *frames.nouns, *frames.appositions):
        assert frame.predicate in known
    assert set(frames.posts.values()) <= vocabulary().roles
