"""Resolution across documents: which names merge, which stay apart, and why."""

from __future__ import annotations

from factions.model import EntityRecord
from factions.resolve.entities import KnownPerson, find_person_link, name_similarity


def _person(name: str, context: list[str]) -> EntityRecord:
    return EntityRecord(id=f"ent-{name}", type="person", name=name, context=context)


def _known(name: str, context: set[str]) -> dict[str, KnownPerson]:
    return {f"k-{name}": KnownPerson(f"k-{name}", name, tuple(name.lower().split()), context)}


def test_transliteration_variant_merges_when_context_agrees() -> None:
    link = find_person_link(
        _person("Attiqullah Barayalai", ["taliban"]),
        _known("Attiqullah Baryalai", {"taliban", "imu"}),
    )
    assert link is not None
    canonical, score, method = link
    assert (
        canonical == "k-Attiqullah Baryalai" and score >= 0.85 and method == "name-variant+context"
    )


def test_variant_stays_apart_without_shared_context() -> None:
    assert (
        find_person_link(
            _person("Attiqullah Barayalai", ["al-shabaab"]),
            _known("Attiqullah Baryalai", {"taliban"}),
        )
        is None
    )


def test_dropped_first_name_merges_with_context() -> None:
    assert name_similarity(("daud", "daud"), ("mohammad", "daud", "daud")) == 90.0
    link = find_person_link(
        _person("Daud Daud", ["taliban"]), _known("Mohammad Daud Daud", {"taliban"})
    )
    assert link is not None and link[0] == "k-Mohammad Daud Daud"


def test_two_men_sharing_one_word_do_not_merge() -> None:
    assert name_similarity(("mohammad", "omar"), ("omar", "abdullah")) < 85
    assert (
        find_person_link(
            _person("Omar Abdullah", ["taliban"]), _known("Mohammad Omar", {"taliban"})
        )
        is None
    )


def _extraction(doc_text: str, person: str, context: list[str]):  # type: ignore[no-untyped-def]
    from factions.ingest.documents import make_document
    from factions.model import Extraction, stable_id

    document = make_document(doc_text, {}, source="t")
    record = EntityRecord(
        id=stable_id("ent", f"person:{person.lower()}"),
        type="person",
        name=person,
        context=context,
    )
    return Extraction(document=document, entities=[record])


def test_resolver_never_links_two_names_both_ways(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from factions.resolve import Resolver, canonical_map
    from factions.store import open_database
    from factions.store.batch import write_batch
    from factions.store.writer import StoredDocument

    engine = open_database(str(tmp_path / "kb.db"))
    with engine.connect() as conn:
        resolver = Resolver.load(conn)
    for text, name in [
        ("First report.", "Mohammad Daud Daud"),
        ("Second report.", "Daud Daud"),
        ("Third report.", "Mohammad Daud Daud"),
    ]:
        extraction = _extraction(text, name, ["taliban"])
        with engine.begin() as conn:
            write_batch(conn, resolver.resolve([(StoredDocument(extraction.document), extraction)]))
    with engine.connect() as conn:
        mapping = canonical_map(conn)
    assert len(mapping) == 1
    [(short, full)] = mapping.items()
    assert full not in mapping and short != full


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
