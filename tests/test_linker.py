"""One linker follows entity links to canonical ids for resolution, queries, exports and scoring."""

from __future__ import annotations

from factions.model import Document, EntityRecord, Mention
from factions.store import open_database, schema, writer
from factions.store.linker import Linker, canonical_ids


def _links(conn, pairs: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    writer.set_links(conn, schema.entity_links, [(a, b, 0.9, "test") for a, b in pairs])


def test_whole_and_lazy_linkers_follow_every_hop(kb_db: str) -> None:
    engine = open_database(kb_db)
    with engine.begin() as conn:
        _links(conn, [("a", "b"), ("b", "c"), ("c", "d")])
    with engine.connect() as conn:
        for linker in (Linker.whole(conn), Linker.lazy(conn)):
            assert linker.canonical("a") == "d"
            assert linker.many(["b", "x", None]) == {"b": "d", "x": "x"}
            assert linker.maybe(None) is None
        assert canonical_ids(conn) == {"a": "d", "b": "d", "c": "d"}


def test_a_link_made_in_memory_counts_before_it_is_stored() -> None:
    linker = Linker.of_links({"a": "b"})
    linker.link("b", "c")
    assert linker.canonical("a") == "c" and linker.is_linked("b")


def test_sample_scoring_sees_mentions_under_the_end_of_a_chain(kb_db: str) -> None:
    # Scoring used to follow one link only: a mention of `a` linked a -> b -> c stayed at b.
    from factions.evaluation.sample import KnowledgeBase

    engine = open_database(kb_db)
    document = Document(id="d-1", text="Alpha met Gamma.", published="2015")
    with engine.begin() as conn:
        writer.insert_document(
            conn, document, fingerprint=None, near_duplicate_of=None, extractor="t"
        )
        writer.upsert_entities(
            conn,
            [
                EntityRecord(id=i, type="person", name=n)
                for i, n in [("a", "Alpha"), ("b", "Beta"), ("c", "Gamma")]
            ],
        )
        writer.insert_mentions(conn, "d-1", [Mention("a", "Alpha", 0, 5, "PERSON", "t")])
        _links(conn, [("a", "b"), ("b", "c")])
    with engine.connect() as conn:
        kb = KnowledgeBase(conn)
    assert [m[0] for m in kb.mentions["d-1"]] == ["c"]
