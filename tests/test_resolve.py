"""Resolution across documents: which names merge, which stay apart, and why."""

from __future__ import annotations

import random

from factions.extract.mentions import normalise_name
from factions.model import EntityRecord
from factions.resolve.entities import (
    SAME_NAME,
    VARIANT,
    Person,
    Profile,
    name_similarity,
    resolve_family,
)


def _p(
    entity_id: str,
    name: str,
    context: tuple[str, ...] = (),
    sides: tuple[str, ...] = (),
    ties: tuple[str, ...] = (),
) -> Person:
    profile = Profile(frozenset(context), frozenset(sides), frozenset(ties))
    return Person(entity_id, name, f"person:{normalise_name(name)}", profile)


def _canonical(people: list[Person]) -> dict[str, str]:
    links = {link.entity_id: link.canonical_id for link in resolve_family(people)}
    result = {}
    for person in people:
        current = person.id
        while current in links:
            current = links[current]
        result[person.id] = current
    return result


def test_transliteration_variant_merges_when_context_agrees() -> None:
    links = resolve_family(
        [
            _p("e-1", "Attiqullah Barayalai", ("a:taliban",)),
            _p("e-2", "Attiqullah Baryalai", ("a:taliban", "a:imu")),
        ]
    )
    [link] = links
    assert link.method == VARIANT and link.score >= 0.85
    # The longer spelling is canonical.
    assert (link.entity_id, link.canonical_id) == ("e-2", "e-1")


def test_variant_stays_apart_without_shared_context() -> None:
    people = [
        _p("e-1", "Attiqullah Barayalai", ("a:al-shabaab",)),
        _p("e-2", "Attiqullah Baryalai", ("a:taliban",)),
    ]
    assert resolve_family(people) == []


def test_dropped_first_name_merges_with_context() -> None:
    assert name_similarity(("daud", "daud"), ("mohammad", "daud", "daud")) == 90.0
    canonical = _canonical(
        [_p("e-1", "Daud Daud", ("a:taliban",)), _p("e-2", "Mohammad Daud Daud", ("a:taliban",))]
    )
    assert canonical == {"e-1": "e-2", "e-2": "e-2"}


def test_two_men_sharing_one_word_do_not_merge() -> None:
    assert name_similarity(("mohammad", "omar"), ("omar", "abdullah")) < 85
    people = [
        _p("e-1", "Omar Abdullah", ("a:taliban",)),
        _p("e-2", "Hamid Omar", ("a:taliban",)),
    ]
    assert resolve_family(people) == []


def test_the_same_full_name_in_two_documents_is_one_person() -> None:
    links = resolve_family(
        [
            _p("e-2", "Rahim Saleh", ("a:taliban",), ("armed",)),
            _p("e-1", "Rahim Saleh", ()),
            _p("e-3", "Rahim Saleh", ("a:imu",)),
        ]
    )
    assert {(k.entity_id, k.canonical_id, k.method) for k in links} == {
        ("e-2", "e-1", SAME_NAME),
        ("e-3", "e-1", SAME_NAME),
    }


def test_a_governor_and_a_movements_leader_of_one_name_stay_apart() -> None:
    governor = _p("e-1", "Karim Nazari", ("a:taliban",), ("state",))
    leader = _p("e-2", "Karim Nazari", ("a:taliban",), ("armed",), ("a:taliban",))
    # A third report says only that Karim Nazari spoke: it cannot tell which one it means.
    unplaced = _p("e-3", "Karim Nazari", ("a:taliban",))
    canonical = _canonical([governor, leader, unplaced])
    assert canonical["e-1"] != canonical["e-2"]
    assert canonical["e-3"] not in {canonical["e-1"], canonical["e-2"]}


def test_an_unplaced_report_joins_the_one_person_its_actors_point_to() -> None:
    governor = _p("e-1", "Karim Nazari", ("a:afghan-government",), ("state",))
    leader = _p("e-2", "Karim Nazari", ("a:taliban",), ("armed",), ("a:taliban",))
    unplaced = _p("e-3", "Karim Nazari", ("a:taliban", "a:imu"))
    canonical = _canonical([governor, leader, unplaced])
    assert canonical["e-3"] == canonical["e-2"] != canonical["e-1"]


def test_a_governor_is_not_the_gazetteers_movement_leader_of_his_name() -> None:
    # "Mohammad Omar" is the name of the gazetteer's Mullah Mohammad Omar without his title.
    leader = _p("e-1", "Mohammad Omar", ("a:taliban",), ("armed",), ("a:taliban",))
    governor = _p("e-2", "Mohammad Omar", ("a:taliban",), ("state",))
    unplaced = _p("e-3", "Mohammad Omar", ("a:taliban",))
    canonical = _canonical([leader, governor, unplaced])
    assert canonical["e-1"] == "a:mullah-omar"
    assert canonical["e-2"] == "e-2"
    # Seen with the Taliban but neither a governor nor a leader: either man; joins neither.
    assert canonical["e-3"] == "e-3"


def test_a_variant_of_a_gazetteer_name_needs_a_shared_actor() -> None:
    assert _canonical([_p("e-1", "Mohammad Omar", ("a:taliban",))]) == {"e-1": "a:mullah-omar"}
    assert _canonical([_p("e-1", "Mohammad Omar", ("a:al-shabaab",))]) == {"e-1": "e-1"}


def test_resolution_does_not_depend_on_the_order_of_the_people() -> None:
    people = [
        _p("e-1", "Karim Nazari", ("a:taliban",), ("state",)),
        _p("e-2", "Karim Nazari", ("a:taliban",), ("armed",), ("a:taliban",)),
        _p("e-3", "Karim Nazari", ("a:taliban",)),
        _p("e-4", "Karim Nazary", ("a:taliban",), ("armed",)),
        _p("e-5", "Abdul Karim Nazari", ("a:taliban",)),
        _p("e-6", "Karim Nazari", ()),
    ]
    expected = resolve_family(people)
    generator = random.Random(7)
    for _ in range(20):
        shuffled = people[:]
        generator.shuffle(shuffled)
        assert resolve_family(shuffled) == expected


def _extraction(doc_text: str, person: str, context: list[str]):  # type: ignore[no-untyped-def]
    from factions.ingest.documents import make_document
    from factions.model import Extraction, stable_id

    document = make_document(doc_text, {}, source="t")
    key = f"person:{person.lower()}"
    record = EntityRecord(
        id=stable_id("ent", f"{key}@{document.id}"),
        type="person",
        name=person,
        match_key=key,
        context=context,
    )
    return Extraction(document=document, entities=[record])


def test_resolver_never_links_two_names_both_ways(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factions.resolve import canonical_map, resolve_batch
    from factions.store import open_database, writing
    from factions.store.batch import write_batch
    from factions.store.writer import StoredDocument

    engine = open_database(str(tmp_path / "kb.db"))
    for text, name in [
        ("First report.", "Mohammad Daud Daud"),
        ("Second report.", "Daud Daud"),
        ("Third report.", "Mohammad Daud Daud"),
    ]:
        extraction = _extraction(text, name, ["a:taliban"])
        with writing(engine) as conn:
            stored = StoredDocument(extraction.document)
            write_batch(conn, resolve_batch(conn, [(stored, extraction)]))
    with engine.connect() as conn:
        mapping = canonical_map(conn)
    assert len(set(mapping.values())) == 1
    [full] = set(mapping.values())
    assert full not in mapping and len(mapping) == 2


def test_canonical_map_leaves_members_of_a_loop_canonical(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factions.resolve import canonical_map
    from factions.store import open_database, schema

    engine = open_database(str(tmp_path / "kb.db"))
    with engine.begin() as conn:
        conn.execute(
            schema.entity_links.insert(),
            [
                {"entity_id": "a", "canonical_id": "b", "score": 0.9, "method": "t"},
                {"entity_id": "b", "canonical_id": "a", "score": 0.9, "method": "t"},
                {"entity_id": "c", "canonical_id": "a", "score": 0.9, "method": "t"},
            ],
        )
        mapping = canonical_map(conn)
    assert "a" not in mapping or mapping["a"] != "a"
    assert mapping.get("c") in {"a", "b"}
