"""Relation patterns over masked sentences, on sentences written for these tests."""

from __future__ import annotations

from functools import lru_cache

import pytest

from factions.extract.lexicons import load_lexicons
from factions.extract.mentions import LocalEntity
from factions.extract.pipeline import Extractor
from factions.extract.relations import MaskedSentence, find_relations
from factions.model import Document, Extraction


@lru_cache(maxsize=1)
def _extractor() -> Extractor:
    return Extractor()


def extract(text: str, published: str = "2016-05-10") -> Extraction:
    """Run the whole per-document extraction on a made-up article."""
    return _extractor().extract(Document(id="d-test", text=text, published=published))


def relations(text: str, published: str = "2016-05-10") -> set[tuple[str, str, str]]:
    """(subject, predicate, object) by entity name, for every relation claim."""
    result = extract(text, published)
    names = {e.id: e.name for e in result.entities}
    return {
        (names[c.subject], c.predicate, names[c.object])
        for c in result.claims
        if c.object and c.polarity and not c.rule.startswith("event:")
    }


def claim(text: str, predicate: str, published: str = "2016-05-10"):  # type: ignore[no-untyped-def]
    """The one claim with this predicate, with names instead of ids."""
    result = extract(text, published)
    names = {e.id: e.name for e in result.entities}
    found = [c for c in result.claims if c.predicate == predicate]
    assert found, f"no {predicate} claim in {[(c.predicate, c.rule) for c in result.claims]}"
    return found[0], names


def _masked(text: str, kinds: list[str]) -> MaskedSentence:
    entities = [
        LocalEntity(key=f"k{i}", id=f"e{i}", type=kind, name=f"N{i}")
        for i, kind in enumerate(kinds)
    ]
    return MaskedSentence(text, entities, [])


def test_coordinated_subjects_each_get_the_relation() -> None:
    masked = _masked("[[E0]] and [[E1]] attacked [[E2]] last week.", ["armed_group"] * 3)
    found = {
        (m.subject.id, m.predicate, m.object.id) for m in find_relations(masked, load_lexicons())
    }
    assert ("e0", "fights", "e2") in found
    assert ("e1", "fights", "e2") in found
    assert ("e0", "fights", "e1") not in found


def test_coordinated_places_each_get_operates_in() -> None:
    masked = _masked(
        "[[E0]]'s fighters have been seen in [[P0]], [[P1]] and [[P2]].", ["armed_group"]
    )
    masked.places = [
        LocalEntity(key=f"pk{i}", id=f"p{i}", type="location", name=f"P{i}") for i in range(3)
    ]
    found = {
        m.object.id for m in find_relations(masked, load_lexicons()) if m.predicate == "operates_in"
    }
    assert found == {"p0", "p1", "p2"}


def test_apposition_on_the_last_conjunct_is_not_shared() -> None:
    masked = _masked(
        "a feud between [[E0]] and [[E1]], [[E2]]'s affiliate in the east", ["armed_group"] * 3
    )
    found = {
        (m.subject.id, m.predicate, m.object.id) for m in find_relations(masked, load_lexicons())
    }
    assert ("e1", "affiliated_with", "e2") in found
    assert ("e0", "affiliated_with", "e2") not in found


def test_person_cannot_be_a_faction_and_place_cannot_be_fought() -> None:
    masked = _masked("[[E0]], [[E1]]'s regional branch, grew fast.", ["person", "armed_group"])
    assert not [m for m in find_relations(masked, load_lexicons()) if m.predicate == "faction_of"]
    masked = _masked("[[E0]] captured [[P0]] from [[E1]].", ["state_force", "armed_group"])
    masked.places = [LocalEntity(key="pk0", id="p0", type="location", name="Town")]
    found = {
        (m.subject.id, m.predicate, m.object.id) for m in find_relations(masked, load_lexicons())
    }
    assert found == {("e0", "fights", "e1")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # passive voice
        ("The Taliban were backed by al-Qaeda for a decade.", ("al-Qaeda", "supports", "Taliban")),
        # nominal offensive with a verb in between
        (
            "The Afghan army moved north on Friday, opening a new offensive against the Taliban.",
            ("Afghan National Army", "fights", "Taliban"),
        ),
        # fought beside = alliance
        ("Al-Shabaab has fought beside al-Qaeda for years.", ("al-Shabaab", "ally_of", "al-Qaeda")),
        # led by (apposition)
        (
            "Boko Haram, led by Abubakar Shekau, raided a market town.",
            ("Abubakar Shekau", "leader_of", "Boko Haram"),
        ),
        # X's branch -> faction_of
        (
            "Islamic State Khorasan Province, the Islamic State's regional branch, grew quickly.",
            ("Islamic State Khorasan Province", "faction_of", "Islamic State"),
        ),
        # under the protection of -> hosted_by
        (
            "The Islamic Movement of Uzbekistan lives under the protection of the Taliban.",
            ("Islamic Movement of Uzbekistan", "hosted_by", "Taliban"),
        ),
        # rivalry nouns
        (
            "Weeks of feuding between al-Shabaab and Hizbul Islam ended.",
            ("al-Shabaab", "rival_of", "Hizbul Islam"),
        ),
    ],
)
def test_relation_families(text: str, expected: tuple[str, str, str]) -> None:
    assert expected in relations(text)


@pytest.mark.parametrize(
    "text",
    [
        "Al-Shabaab has fought beside al-Qaeda for years.",
        "The Taliban held talks with officials in Doha.",
        "Reporters asked the Taliban about al-Qaeda.",
    ],
)
def test_sentences_without_an_enmity(text: str) -> None:
    assert not [r for r in relations(text) if r[1] == "fights"]


def test_loyal_to_is_not_a_pledge() -> None:
    found = relations("Taliban fighters loyal to Mullah Akhtar Mohammad Mansour took the district.")
    assert not [r for r in found if r[1] == "pledged_allegiance_to"]


def test_cutting_ties_is_a_negated_affiliation() -> None:
    found, names = claim("Jabhat al-Nusra cut its ties with al-Qaeda in July.", "affiliated_with")
    assert (names[found.subject], names[found.object]) == ("Jabhat al-Nusra", "al-Qaeda")
    assert found.polarity is False


def test_not_joining_is_a_negated_membership() -> None:
    found, _ = claim(
        "Ahrar al-Sham, the biggest holdout, did not join Hayat Tahrir al-Sham.", "member_of"
    )
    assert found.polarity is False


def test_former_leader_ends_before_the_publication_date() -> None:
    found, names = claim(
        "Boko Haram's former leader, Mohammed Yusuf, preached in the city.",
        "leader_of",
        "2016-05-10",
    )
    assert names[found.subject] == "Mohammed Yusuf"
    # "Former" with no date: over by the time of writing, so by the day before.
    assert found.valid_to == "2016-05-09"
    assert found.valid_from is None


def test_since_opens_the_relation() -> None:
    found, _ = claim("Al-Shabaab had held Baidoa since March 2009.", "operates_in")
    assert (found.valid_from, found.valid_to) == ("2009-03", None)


def test_group_possessive_follows_the_subject_of_the_previous_sentence() -> None:
    text = (
        "Hizbul Islam made a deal with al-Shabaab in 2009. Then al-Shabaab attacked the city. "
        "Hizbul Islam fought beside al-Shabaab in the capital. Its fighters were seen in Baidoa."
    )
    found = relations(text)
    assert ("Hizbul Islam", "operates_in", "Baidoa") in found
    assert ("al-Shabaab", "operates_in", "Baidoa") not in found


def test_attributive_link_does_not_spread_over_a_coordination() -> None:
    from factions.extract import Extractor
    from factions.ingest.documents import make_document

    text = (
        "Observers warn that alliances between the al-Qaeda linked Northern Front and the "
        "Taliban could spread."
    )
    extraction = Extractor().extract(make_document(text, {"published": "2012-01"}, source="t"))
    names = {e.id: e.name for e in extraction.entities}
    affiliated = {
        (names[c.subject], names[c.object])
        for c in extraction.claims
        if c.predicate == "affiliated_with"
    }
    assert ("Taliban", "al-Qaeda") not in affiliated


def _all_slot_patterns():  # type: ignore[no-untyped-def]
    from factions.extract.arguments import argument_words
    from factions.extract.lexicons import load_lexicons

    lex = load_lexicons()
    rules = [*lex.relations, *lex.fates, *argument_words().perpetrators]
    return [(p, r) for rule in rules for p, r in zip(rule.patterns, rule.required, strict=True)]


def test_a_patterns_required_text_is_its_literal_words() -> None:
    import re

    from factions.extract.lexicons import compile_slot_pattern, may_match, required_text

    pattern = compile_slot_pattern(r"{X} (?:has )?pledged allegiance to {Y}")
    required = required_text(pattern)
    assert "pledged allegiance to " in required and "[[e" in required
    assert "has " not in required  # optional
    assert may_match(required, "[[e1]] pledged allegiance to [[e2]]")
    assert not may_match(required, "[[e1]] swore allegiance to [[e2]]")
    assert may_match(required, None)  # text that is not ASCII: the regex alone says
    assert required_text(re.compile("pledged")) == ()  # case-sensitive: none


def test_a_patterns_required_choices_are_one_word_of_each_alternation() -> None:
    import re

    from factions.extract.lexicons import LiteralScreen, compile_slot_pattern, required_choices

    pattern = compile_slot_pattern(r"{X} (?:hosted|sheltered|harboured) (?:a|the )?{Y}")
    assert ("harboured", "hosted", "sheltered") in required_choices(pattern)
    # "a" alone is too short to look for, so that alternation requires nothing.
    assert all("a" not in choice for choice in required_choices(pattern))
    screen = LiteralScreen([pattern, compile_slot_pattern(r"{X} fought {Y}")])
    assert screen.possible("[[e1]] sheltered [[e2]]") == [True, False]
    assert screen.possible("[[e1]] protected [[e2]]") == [False, False]
    assert screen.possible(None) == [True, True]  # not ASCII: the regexes alone can say
    # A pattern that needs no string of its own is never screened out.
    assert LiteralScreen([re.compile("x|yz"), pattern]).possible("no words here") == [True, False]


def test_every_text_a_pattern_matches_passes_the_screen() -> None:
    """Strings made to match each relation, fate, perpetrator and hedge pattern are never
    screened out, alternatives included."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from factions.extract.lexicons import LiteralScreen, ascii_lowered, load_lexicons

    hedges = [regex for regex, _ in load_lexicons().hedges]
    patterns = [p for p, _ in _all_slot_patterns()] + hedges
    screen = LiteralScreen(patterns)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data) -> None:  # type: ignore[no-untyped-def]
        index = data.draw(st.integers(0, len(patterns) - 1))
        pattern = patterns[index]
        text = data.draw(st.from_regex(pattern, alphabet=st.characters(max_codepoint=127)))
        assert pattern.search(text)
        assert screen.possible(ascii_lowered(text))[index], (pattern.pattern, text)

    check()


def test_every_text_a_pattern_matches_holds_its_required_text() -> None:
    """Strings made to match each relation, fate and perpetrator pattern are never skipped."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from factions.extract.lexicons import ascii_lowered, may_match

    patterns = _all_slot_patterns()
    assert len(patterns) > 100

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data) -> None:  # type: ignore[no-untyped-def]
        pattern, required = data.draw(st.sampled_from(patterns))
        text = data.draw(st.from_regex(pattern, alphabet=st.characters(max_codepoint=127)))
        assert pattern.search(text)
        assert may_match(required, ascii_lowered(text)), (pattern.pattern, text)

    check()
