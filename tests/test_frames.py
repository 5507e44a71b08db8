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


# Issue 15: relations stated through clauses, descriptors, pronouns and lists (our own sentences).
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an act noun lends its clause its maker's subject
        (
            "Boko Haram launched a campaign to eliminate Ansaru in 2013.",
            ("Boko Haram", "fights", "Ansaru"),
        ),
        # a copula's adjective takes the copula's subject
        (
            "Al-Shabaab has remained loyal to al-Qaeda since 2012.",
            ("al-Shabaab", "affiliated_with", "al-Qaeda"),
        ),
        # a subject hung on the auxiliary
        (
            "Ansaru became associated with al-Qaeda in the Islamic Maghreb through its founders.",
            ("Ansaru", "affiliated_with", "al-Qaeda in the Islamic Maghreb"),
        ),
        # what one group gives another to fight with
        (
            "The Haqqani Network sent fighters to the Tehrik-i-Taliban Pakistan for the assault.",
            ("Haqqani Network", "supports", "Tehrik-i-Taliban Pakistan"),
        ),
        # split from Y to form Z: Z split from Y
        (
            "In 2012 a faction of Boko Haram split from Boko Haram to form Ansaru.",
            ("Ansaru", "splinter_of", "Boko Haram"),
        ),
        (
            "Many commanders broke away from the Taliban in 2014, forming Jamaat-ul-Ahrar.",
            ("Jamaat-ul-Ahrar", "splinter_of", "Taliban"),
        ),
        # the people of a group's part found the new group
        (
            "Abu Sayyaf was formed by rebels from the northern front of the Moro National "
            "Liberation Front.",
            ("Abu Sayyaf", "splinter_of", "Moro National Liberation Front"),
        ),
        # "helped found": to found, though tagged as the past of "find"
        (
            "Dissident members of Boko Haram helped found Ansaru in 2012.",
            ("Ansaru", "splinter_of", "Boko Haram"),
        ),
        # the split beside the forming ("led a group to split from Y, forming Z")
        (
            "Khalid Barnawi led a group of veterans to split from Boko Haram in 2012, forming "
            "Ansaru.",
            ("Ansaru", "splinter_of", "Boko Haram"),
        ),
        # merging into another group's forces is merging into that group
        (
            "In 2014 Liwa al-Tawhid merged into the armed forces of Ahrar al-Sham.",
            ("Liwa al-Tawhid", "merged_into", "Ahrar al-Sham"),
        ),
        # a group organising units of its own
        (
            "In 2013 Ahrar al-Sham organized two new units, called Liwa al-Tawhid and Jaysh "
            "al-Islam, to hold Aleppo.",
            ("Jaysh al-Islam", "faction_of", "Ahrar al-Sham"),
        ),
        # one body made of several groups' people acts for both
        (
            "A force that included Ahrar al-Sham fighters and some Jabhat al-Nusra fighters "
            "stormed the airbase.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # joining a body made of groups allies the joiner with them
        (
            "In 2015 Ahrar al-Sham joined a new coalition that included Jabhat al-Nusra and "
            "Jaysh al-Islam.",
            ("Ahrar al-Sham", "ally_of", "Jaysh al-Islam"),
        ),
        # acting in another group's name
        (
            "Ansar Dine fought under the banner of al-Qaeda in the Islamic Maghreb in 2012.",
            ("Ansar Dine", "affiliated_with", "al-Qaeda in the Islamic Maghreb"),
        ),
        # attacking ground another group holds
        (
            "Al-Shabaab attacked a town held by Hizbul Islam.",
            ("al-Shabaab", "fights", "Hizbul Islam"),
        ),
        # people tied to a group by a participle act for it
        (
            "Al-Shabaab-linked fighters joined Hizbul Islam in the battle for the port.",
            ("al-Shabaab", "ally_of", "Hizbul Islam"),
        ),
        # an open call to fight a group is enmity
        (
            "Al-Shabaab issued a statement calling for all Somalis to help fight against Hizbul "
            "Islam.",
            ("al-Shabaab", "rival_of", "Hizbul Islam"),
        ),
        # names the parse left without their verb
        (
            "In the months following the 2011 uprising, Ahrar al-Sham and Jabhat al-Nusra "
            "worked closely with one another to take Idlib.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # a relationship noun read by its adjective
        (
            "The raid created a hostile relationship between Ahrar al-Sham and Jabhat al-Nusra.",
            ("Ahrar al-Sham", "rival_of", "Jabhat al-Nusra"),
        ),
        (
            "Ahrar al-Sham has a close working relationship with Jabhat al-Nusra.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # "one another" with a clause of its own
        (
            "After 2011 Ahrar al-Sham and Jabhat al-Nusra worked closely with one another to "
            "hold Idlib.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # the preposition written as two words
        (
            "Ahrar al-Sham fought along side Jabhat al-Nusra in Idlib.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # "X members and Y members" parsed as an apposition
        (
            "Moro Islamic Liberation Front (MILF) members and Abu Sayyaf (ASG) members were "
            "involved in an attack on an army camp.",
            ("Moro Islamic Liberation Front", "ally_of", "Abu Sayyaf"),
        ),
        # a second preposition coordinated with the first
        (
            "Ansar Dine allied with the MNLA and later with al-Qaeda in the Islamic Maghreb.",
            ("Ansar Dine", "ally_of", "al-Qaeda in the Islamic Maghreb"),
        ),
        # "the two groups" / "both groups" across sentences
        (
            "Ahrar al-Sham and Jabhat al-Nusra are Syrian Islamist groups. Both groups "
            "collaborated on several offensives.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        (
            "Ahrar al-Sham was founded in 2011. Jabhat al-Nusra was founded the same year. The "
            "two groups often coordinate on military operations.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        # a subject "it": the speaker of its clause, else the group the text is about
        (
            "Ahrar al-Sham said that it and Jabhat al-Nusra coordinated the raid on the base.",
            ("Ahrar al-Sham", "ally_of", "Jabhat al-Nusra"),
        ),
        (
            "Ansaru joined Boko Haram in 2015. In 2016, however, it split off from Boko Haram.",
            ("Ansaru", "splinter_of", "Boko Haram"),
        ),
        # object control: the accused is the one said to act
        (
            "Ahrar al-Sham accused Jabhat al-Nusra of targeting members of Ahrar al-Sham.",
            ("Jabhat al-Nusra", "fights", "Ahrar al-Sham"),
        ),
        # an ended affiliation is a split
        (
            "Jabhat al-Nusra ended its affiliation with al-Qaeda in July 2016.",
            ("Jabhat al-Nusra", "splinter_of", "al-Qaeda"),
        ),
        # a merger governed by the verb whose clause forms the new group
        (
            "Turkey brokered a merger of twenty groups, including Liwa al-Tawhid, to create a "
            "new coalition known as the Levant Front.",
            ("Liwa al-Tawhid", "merged_into", "Levant Front"),
        ),
        # merging subjects merge with each other too
        (
            "Ahrar al-Sham and Liwa al-Tawhid merged to form the Islamic Front.",
            ("Ahrar al-Sham", "merged_with", "Liwa al-Tawhid"),
        ),
        # the names a parse leaves out of a list, an unknown name among them
        (
            "The Islamic Front was formed by the merger of Ahrar al-Sham (HASI), Liwa Fulan, "
            "and Liwa al-Tawhid.",
            ("Liwa al-Tawhid", "merged_into", "Islamic Front (Syria)"),
        ),
        # groups merged without their names, named in the next sentence
        (
            "In 2013 three Syrian groups merged to form the Islamic Front. The three groups were "
            "Ahrar al-Sham, Liwa al-Tawhid and Jaysh al-Islam.",
            ("Jaysh al-Islam", "merged_into", "Islamic Front (Syria)"),
        ),
        (
            "In 2013 three Syrian groups merged to form the Islamic Front. The three groups were "
            "Ahrar al-Sham, Liwa al-Tawhid and Jaysh al-Islam.",
            ("Ahrar al-Sham", "merged_with", "Jaysh al-Islam"),
        ),
    ],
)
def test_relations_through_clauses_descriptors_pronouns_and_lists(
    text: str, expected: tuple[str, str, str]
) -> None:
    assert (*expected, True) in said(text)


@pytest.mark.parametrize(
    ("text", "subject", "obj"),
    [
        (
            "Ansaru was established as a splinter group of Boko Haram in 2012.",
            "Ansaru",
            "Boko Haram",
        ),
        ("Ansaru formed as a breakaway faction of Boko Haram in 2012.", "Ansaru", "Boko Haram"),
        ("A breakaway faction of Boko Haram formed Ansaru in 2012.", "Ansaru", "Boko Haram"),
    ],
)
def test_a_description_said_by_a_verb_is_the_named_groups(
    text: str, subject: str, obj: str
) -> None:
    result = extract(text)
    names = {e.name for e in result.entities}
    # the description is no group of its own
    assert not [n for n in names if n.lower().startswith(("splinter", "breakaway"))]
    assert (subject, "splinter_of", obj, True) in said(text)


def test_an_alliance_ended_is_no_split() -> None:
    found = said("Ansar Dine ended its alliance with the MNLA in June 2012.")
    assert "splinter_of" not in _between(
        found, "Ansar Dine", "National Movement for the Liberation of Azawad"
    )


def test_a_list_needs_its_and() -> None:
    # "Y said" after a comma is no list: only a name after "and"/"or" closes one.
    found = said(
        "The Islamic Front was formed by the merger of Ahrar al-Sham, Jabhat al-Nusra said."
    )
    assert "merged_into" not in _between(found, "Jabhat al-Nusra", "Islamic Front (Syria)")


def test_giving_a_place_to_a_group_is_no_support() -> None:
    found = said("The Haqqani Network gave the town to the Tehrik-i-Taliban Pakistan.")
    assert "supports" not in _between(found, "Haqqani Network", "Tehrik-i-Taliban Pakistan")


def test_unnamed_groups_need_a_merger_before() -> None:
    found = said("The three groups were Ahrar al-Sham, Liwa al-Tawhid and Jaysh al-Islam.")
    assert not [f for f in found if f[1] in {"merged_with", "merged_into"}]


def test_a_body_made_of_groups_is_no_alliance_by_itself() -> None:
    # a body's make-up is said by "included", which is no act of its members
    found = said("The report named a group that included Ahrar al-Sham and Jabhat al-Nusra.")
    assert "ally_of" not in _between(found, "Ahrar al-Sham", "Jabhat al-Nusra")


def test_a_sponsors_proxies_are_not_the_sponsor() -> None:
    found = said("Iran-backed fighters attacked Jabhat al-Nusra near Aleppo.")
    assert not [f for f in found if f[0] == "Iran" and f[1] == "fights"]


def test_troops_from_a_country_are_not_that_countrys_fight() -> None:
    found = said("AMISOM troops from Uganda and Burundi have fought al-Shabaab in Mogadishu.")
    assert not [f for f in found if f[1] == "fights" and "Uganda" in (f[0], f[2])]


def test_a_relation_only_possible_is_no_claim() -> None:
    found = said(
        "Boko Haram and ISWAP split in 2016. Analysts say the two factions may now compete "
        "for fighters."
    )
    assert "rival_of" not in _between(found, "Boko Haram", "Islamic State West Africa Province")


def test_a_call_to_stop_fighting_is_no_enmity() -> None:
    found = said("The UN urged al-Shabaab to stop attacking Hizbul Islam.")
    assert not [f for f in found if f[1] == "rival_of" and f[3]]


def test_a_gerund_under_a_sentence_without_a_verb_ends() -> None:
    # "killing" hangs from a noun phrase whose root is a noun: the climb to its verb stops at
    # the root (it looped forever on one GTD summary when tokens were compared by identity).
    # A daemon thread, so that a regression fails this test instead of hanging the suite.
    import threading

    results: list[object] = []
    worker = threading.Thread(
        target=lambda: results.append(
            extract(
                "A statement by the Taliban on killing two al-Shabaab commanders in Helmand "
                "province."
            )
        ),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=120)
    assert results, "extraction did not finish"
