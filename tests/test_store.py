"""The database: migrations, WAL, idempotent writes, full-text search, links as an overlay.

Tests taking `kb_db` run on SQLite and on PostgreSQL (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from factions.ingest.documents import document_id, fingerprint, hamming
from factions.model import ClaimRecord, Document, EntityRecord, EventRecord, Evidence, Participant
from factions.store import open_database, schema, writer
from factions.store.db import SCHEMA_VERSION, StoreError, schema_version
from factions.store.dialect import has_table, insert_rows, one_of, search_evidence_ids


def _document(body: str = "The Northern Front attacked a police post.") -> Document:
    return Document(id=document_id(body), text=body, title="T", published="2012-03")


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "kb.db"))
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def _columns(conn, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {column["name"] for column in inspect(conn).get_columns(table)}


def _reopened_from_version(db: str, version: int, *statements: str):  # type: ignore[no-untyped-def]
    """The knowledge base taken back to schema `version` by `statements`, then opened again:
    the migrations after that version run on it."""
    engine = open_database(db)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
        conn.execute(text(f"UPDATE meta SET value = '{version}' WHERE key = 'schema_version'"))
    engine.dispose()
    return open_database(db)


def test_opening_twice_keeps_the_schema_version(kb_db: str) -> None:
    open_database(kb_db).dispose()
    engine = open_database(kb_db)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(schema.meta)).scalar_one()
    assert rows == 1


def test_missing_database_is_reported_when_it_must_exist(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no knowledge base here"):
        open_database(str(tmp_path / "absent.db"), create=False)


def test_document_id_ignores_whitespace_and_case_but_not_words() -> None:
    assert document_id("Forces  attacked\nthe town.") == document_id("forces attacked the town.")
    assert document_id("Forces attacked the town.") != document_id("Forces left the town.")


def test_fingerprint_finds_near_duplicates_only() -> None:
    base = " ".join(f"word{i}" for i in range(200))
    near = base.replace("word100", "changed")
    other = " ".join(f"other{i}" for i in range(200))
    assert hamming(fingerprint(base), fingerprint(near)) <= 3
    assert hamming(fingerprint(base), fingerprint(other)) > 10


def _simhash_bit_by_bit(text: str) -> str:
    """The SimHash as first written, a vote per bit per shingle: fingerprints stored by
    earlier versions must stay comparable with new ones."""
    import hashlib

    from factions.ingest.documents import _WORD, normalised_text

    words = _WORD.findall(normalised_text(text))
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    weights = [0] * 64
    for shingle in shingles:
        h = int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    return f"{sum(1 << bit for bit in range(64) if weights[bit] > 0):016x}"


@pytest.mark.parametrize(
    "text",
    [
        "The Northern Front attacked a police post in Kunduz on Monday.",
        "one",
        "",
        "x y x y z w x " * 7,
        "Ünïcode ſtraße text, twice. Ünïcode ſtraße text, twice.",
    ],
)
def test_fingerprint_is_the_simhash_first_stored(text: str) -> None:
    assert fingerprint(text) == _simhash_bit_by_bit(text)


def test_writes_are_idempotent_and_evidence_is_searchable(kb_db: str) -> None:
    engine = open_database(kb_db)
    doc = _document()
    evidence = [Evidence(doc.id, doc.text, 0, len(doc.text))]
    entities = [
        EntityRecord(id="ent-a", type="armed_group", name="Northern Front", aliases=["NF"]),
        EntityRecord(id="ent-b", type="state_force", name="Police"),
    ]
    claim = ClaimRecord(subject="ent-a", predicate="fights", object="ent-b", evidence=evidence)
    event = EventRecord(
        event_type="Battles",
        sub_event_type="Armed clash",
        evidence=evidence,
        participants=[Participant("ent-a", "actor"), Participant("ent-b", "target")],
        trigger="attacked",
    )
    for _ in range(2):
        with engine.begin() as conn:
            writer.insert_document(
                conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t"
            )
            writer.upsert_entities(conn, entities)
            writer.insert_claims(conn, doc.id, [claim])
            writer.insert_events(conn, doc.id, [event])
    with engine.connect() as conn:
        count = lambda table: conn.execute(select(func.count()).select_from(table)).scalar_one()  # noqa: E731
        assert count(schema.documents) == 1
        assert count(schema.claims) == 1
        assert count(schema.events) == 1
        assert count(schema.evidence) == 2
        assert count(schema.aliases) == 3
        hits = search_evidence_ids(conn, ["police"], 10)
        assert len(hits) == 2
        assert search_evidence_ids(conn, ["POLICE", "northern"], 10) == hits
        assert search_evidence_ids(conn, ["police", "airport"], 10) == []
        assert search_evidence_ids(conn, ["airport"], 10) == []


def test_claim_ids_are_deterministic() -> None:
    evidence = [Evidence("d-1", "s", 0, 1)]
    a = ClaimRecord(subject="x", predicate="ally_of", object="y", evidence=evidence)
    b = ClaimRecord(subject="x", predicate="ally_of", object="y", evidence=list(evidence))
    c = ClaimRecord(subject="x", predicate="fights", object="y", evidence=evidence)
    assert a.id == b.id != c.id


def test_a_version_2_database_is_migrated_to_keep_place_alternatives(kb_db: str) -> None:
    engine = _reopened_from_version(kb_db, 2, "ALTER TABLE entities DROP COLUMN alternatives")
    with engine.connect() as conn:
        assert "alternatives" in _columns(conn, "entities")
        assert schema_version(conn) == SCHEMA_VERSION


def test_place_alternatives_reach_the_export(kb_db: str) -> None:
    import io
    import json

    from factions.export.jsonl import write_jsonl

    engine = open_database(kb_db)
    with engine.begin() as conn:
        writer.upsert_entities(
            conn,
            [
                EntityRecord(
                    id="geo-1",
                    type="location",
                    name="Qalat",
                    country="AF",
                    lat=32.1,
                    lon=66.9,
                    geo_precision="point",
                    alternatives=["geonames:2"],
                )
            ],
        )
    buffer = io.StringIO()
    with engine.connect() as conn:
        write_jsonl(conn, buffer)
    [row] = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert row["alternatives"] == ["geonames:2"]


def test_event_counts_and_trigger_spans_reach_the_export(kb_db: str) -> None:
    import io
    import json

    from factions.export.jsonl import write_jsonl
    from factions.model import Fatalities

    engine = open_database(kb_db)
    from factions.model import TriggerArgument

    doc = _document("Gunmen attacked a police post, wounding five and abducting two.")
    arguments = (TriggerArgument(0, 0, 6, "actor"), TriggerArgument(0, 18, 29, "target"))
    evidence = [
        Evidence(doc.id, doc.text, 0, len(doc.text), triggers=((7, 15),), arguments=arguments)
    ]
    event = EventRecord(
        event_type="Battles",
        sub_event_type="Armed clash",
        evidence=evidence,
        fatalities=None,
        wounded=Fatalities(5, 5, 5),
        kidnapped=Fatalities(2, 2, 2),
        trigger="attacked",
    )
    claim = ClaimRecord(subject="ent-a", predicate="fights", object="ent-b", evidence=evidence[:1])
    with engine.begin() as conn:
        writer.insert_document(conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t")
        writer.insert_events(conn, doc.id, [event])
        writer.insert_claims(conn, doc.id, [claim])
    buffer = io.StringIO()
    with engine.connect() as conn:
        write_jsonl(conn, buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    [row] = [r for r in rows if r["kind"] == "event"]
    assert row["fatalities"] is None and row["arrested"] is None
    assert row["wounded"] == {"low": 5, "best": 5, "high": 5}
    assert row["kidnapped"] == {"low": 2, "best": 2, "high": 2}
    assert row["evidence"][0]["triggers"] == [
        {
            "start": 7,
            "end": 15,
            "arguments": [
                {"start": 0, "end": 6, "role": "actor"},
                {"start": 18, "end": 29, "role": "target"},
            ],
        }
    ]
    # A trigger stored before arguments were read is exported as it was, without them.
    with engine.begin() as conn:
        conn.execute(text("UPDATE evidence SET triggers = '[[7, 15]]' WHERE triggers IS NOT NULL"))
    buffer = io.StringIO()
    with engine.connect() as conn:
        write_jsonl(conn, buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    [row] = [r for r in rows if r["kind"] == "event"]
    assert row["evidence"][0]["triggers"] == [{"start": 7, "end": 15}]


def test_event_instruments_reach_the_export_and_old_databases_gain_the_column(
    kb_db: str,
) -> None:
    import io
    import json

    from factions.export.jsonl import write_jsonl
    from factions.model import Instrument

    engine = _reopened_from_version(kb_db, 11, "ALTER TABLE events DROP COLUMN instruments")
    with engine.connect() as conn:
        assert "instruments" in _columns(conn, "events")
    doc = _document("A car bomb exploded outside the ministry.")
    event = EventRecord(
        event_type="Explosions/Remote violence",
        sub_event_type="Remote explosive/landmine/IED",
        evidence=[Evidence(doc.id, doc.text, 0, len(doc.text))],
        instruments=[Instrument("car bomb", 2, 10)],
        trigger="exploded",
    )
    with engine.begin() as conn:
        writer.insert_document(conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t")
        writer.insert_events(conn, doc.id, [event])
    buffer = io.StringIO()
    with engine.connect() as conn:
        write_jsonl(conn, buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    [row] = [r for r in rows if r["kind"] == "event"]
    assert row["instruments"] == [{"text": "car bomb", "document": doc.id, "start": 2, "end": 10}]


def test_a_version_8_database_is_migrated_to_keep_event_counts(kb_db: str) -> None:
    counts = [
        f"ALTER TABLE events DROP COLUMN {kind}_{part}"
        for kind in schema.EVENT_COUNTS
        for part in ("low", "best", "high")
    ]
    engine = _reopened_from_version(kb_db, 8, *counts, "ALTER TABLE evidence DROP COLUMN triggers")
    with engine.connect() as conn:
        events = _columns(conn, "events")
        evidence = _columns(conn, "evidence")
        assert {"wounded_best", "kidnapped_low", "arrested_high"} <= events
        assert "triggers" in evidence
        assert schema_version(conn) == SCHEMA_VERSION


def test_a_version_12_database_is_migrated_to_find_disputes_by_claim(kb_db: str) -> None:
    from sqlalchemy import inspect

    engine = _reopened_from_version(kb_db, 12, "DROP INDEX ix_dispute_claims_claim_id")
    with engine.connect() as conn:
        indexes = {
            i["name"]: i["column_names"] for i in inspect(conn).get_indexes("dispute_claims")
        }
        assert indexes.get("ix_dispute_claims_claim_id") == ["claim_id"]
        assert schema_version(conn) == SCHEMA_VERSION


def test_an_entity_described_twice_keeps_one_description_whatever_the_order(
    new_kb_db,  # type: ignore[no-untyped-def]
) -> None:
    spellings = [
        EntityRecord(id="g-1", type="armed_group", name="eastern valley front", match_key="k"),
        EntityRecord(id="g-1", type="armed_group", name="Eastern Valley Front", match_key="k"),
    ]
    names = set()
    for number, order in enumerate((spellings, spellings[::-1])):
        engine = open_database(new_kb_db(f"kb{number}.db"))
        for record in order:
            with engine.begin() as conn:
                writer.upsert_entities(conn, [record])
        with engine.connect() as conn:
            names.add(conn.execute(select(schema.entities.c.name)).scalar_one())
    assert names == {"Eastern Valley Front"}


def test_a_writing_transaction_takes_the_lock_as_it_begins(kb_db: str) -> None:
    import threading
    import time

    from factions.store import writing

    engine = open_database(kb_db)
    order: list[str] = []

    def write(name: str) -> None:
        with writing(engine) as conn:
            order.append(f"{name} in")
            time.sleep(0.3)
            conn.execute(text("SELECT 1"))
            order.append(f"{name} out")

    threads = [threading.Thread(target=write, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Never both inside at once: the second waited for the first to commit.
    assert order[1].endswith("out") and order[3].endswith("out")


def test_a_reading_transaction_sees_one_snapshot(kb_db: str) -> None:
    from factions.store import writing

    engine = open_database(kb_db)
    documents = lambda conn: conn.execute(  # noqa: E731
        select(func.count()).select_from(schema.documents)
    ).scalar_one()
    with engine.connect() as reader:
        before = documents(reader)
        with writing(engine) as conn:
            doc = _document()
            writer.insert_document(
                conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t"
            )
        # Still the same transaction: what another writer committed meanwhile is not seen.
        assert documents(reader) == before == 0
    with engine.connect() as reader:
        assert documents(reader) == 1


def test_a_read_only_engine_refuses_writes(kb_db: str) -> None:
    from sqlalchemy.exc import DBAPIError

    open_database(kb_db).dispose()
    engine = open_database(kb_db, read_only=True)
    with pytest.raises(DBAPIError, match=r"read-only|readonly"), engine.begin() as conn:
        conn.execute(schema.meta.insert().values(key="k", value="v"))
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION


def test_words_joined_by_a_hyphen_or_an_apostrophe_are_found_apart(kb_db: str) -> None:
    engine = open_database(kb_db)
    doc = _document("Al-Qaeda's fighters and the Taliban's allies met in Khōst.")
    claim = ClaimRecord(
        subject="ent-a",
        predicate="fights",
        object="ent-b",
        evidence=[Evidence(doc.id, doc.text, 0, len(doc.text))],
    )
    with engine.begin() as conn:
        writer.insert_document(conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t")
        writer.insert_claims(conn, doc.id, [claim])
    with engine.connect() as conn:
        assert len(search_evidence_ids(conn, ["al", "qaeda"], 10)) == 1
        assert len(search_evidence_ids(conn, ["Taliban", "allies"], 10)) == 1
        assert len(search_evidence_ids(conn, ["Khōst"], 10)) == 1
        assert search_evidence_ids(conn, [], 10) == []


def test_a_postgresql_database_without_a_knowledge_base_is_not_one(postgres_server) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.create()
    try:
        with pytest.raises(FileNotFoundError, match="no knowledge base here"):
            open_database(url, create=False)
        with pytest.raises(FileNotFoundError, match="no knowledge base here"):
            open_database(url, read_only=True)
        open_database(url).dispose()
        assert open_database(url, read_only=True).dialect.name == "postgresql"
    finally:
        postgres_server.drop(url)


def test_a_postgresql_error_names_the_database_but_not_the_password(postgres_server) -> None:  # type: ignore[no-untyped-def]
    url = postgres_server.url.set(
        drivername="postgresql", database="factions_absent", password="s3cret"
    ).render_as_string(hide_password=False)
    with pytest.raises(StoreError) as caught:
        open_database(url)
    message = str(caught.value)
    assert "factions_absent" in message and "s3cret" not in message
    assert len(message.splitlines()) == 1


def test_text_holding_nul_is_stored_and_looked_up_without_error(kb_db: str) -> None:
    # PostgreSQL text cannot hold NUL (a JSON corpus or a URL can carry one): it is stored
    # and looked up as U+FFFD there, one character for one, so that offsets stay.
    engine = open_database(kb_db)
    doc = _document("The Northern Front\x00 attacked a police post.")
    with engine.begin() as conn:
        writer.insert_document(conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t")
    with engine.connect() as conn:
        stored = conn.execute(select(schema.documents.c.text)).scalar_one()
        missing = conn.execute(
            select(schema.claims.c.id).where(schema.claims.c.id == "c-\x00")
        ).all()
    assert len(stored) == len(doc.text) and stored.replace("\ufffd", "\x00") == doc.text
    assert missing == []


def test_one_of_finds_the_rows_whose_value_is_in_a_list_on_both_back_ends(kb_db: str) -> None:
    # PostgreSQL gets the list as one array parameter, SQLite as IN (...): the same rows.
    engine = open_database(kb_db)
    bodies = [f"The Northern Front attacked police post {n}." for n in range(5)]
    with engine.begin() as conn:
        for body in bodies:
            writer.insert_document(
                conn, _document(body), fingerprint=None, near_duplicate_of=None, extractor="t"
            )
    wanted = sorted(document_id(b) for b in bodies[1:4])
    with engine.connect() as conn:
        found = conn.execute(
            select(schema.documents.c.id)
            .where(one_of(conn, schema.documents.c.id, [*wanted, "no-such-document"]))
            .order_by(schema.documents.c.id)
        ).scalars()
        assert list(found) == wanted
        # An id holding NUL (which PostgreSQL text cannot) is looked up as any other.
        assert conn.execute(
            select(schema.documents.c.id).where(
                one_of(conn, schema.documents.c.id, [wanted[0], "d-\x00"])
            )
        ).scalars().all() == [wanted[0]]
        assert (
            conn.execute(
                select(schema.documents.c.id).where(one_of(conn, schema.documents.c.id, []))
            ).all()
            == []
        )


def test_has_table_tells_a_table_of_the_knowledge_base_from_a_missing_one(kb_db: str) -> None:
    engine = open_database(kb_db)
    with engine.connect() as conn:
        assert has_table(conn, "judgements")
        assert not has_table(conn, "no_such_table")


def test_rows_inserted_in_one_executemany_read_back_as_written(kb_db: str) -> None:
    # insert_rows hands rows to the driver itself: a left-out column must still get its
    # default, a Boolean still reach PostgreSQL as a boolean, a float stay a float.
    engine = open_database(kb_db)
    doc = _document()
    entity = {"id": "ent-x", "type": "armed_group", "name": "Eastern Valley Front", "lat": 34.5}
    claims = [
        {
            "id": f"c-{n}",
            "subject": "ent-x",
            "predicate": "fights",
            "certainty": "reported",
            "polarity": polarity,
            "document_id": doc.id,
        }
        for n, polarity in enumerate([True, False])
    ]
    try:
        with engine.begin() as conn:
            writer.insert_document(
                conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t"
            )
            insert_rows(conn, schema.entities, [entity])
            insert_rows(conn, schema.aliases, [{"entity_id": "ent-x", "alias": "EVF"}])
            insert_rows(conn, schema.claims, claims)
        with engine.begin() as conn:
            insert_rows(conn, schema.aliases, [{"entity_id": "ent-x", "alias": "EVF"}], ignore=True)
        with engine.connect() as conn:
            stored = conn.execute(select(schema.entities)).mappings().one()
            assert (stored["name"], stored["lat"], stored["mentions"]) == (
                "Eastern Valley Front",
                34.5,
                0,
            )
            aliases = conn.execute(select(schema.aliases.c.alias, schema.aliases.c.source)).all()
            assert [tuple(a) for a in aliases] == [("EVF", "machine")]
            polarity = dict(
                conn.execute(select(schema.claims.c.id, schema.claims.c.polarity)).all()
            )
            assert polarity == {"c-0": True, "c-1": False}
        with pytest.raises(IntegrityError), engine.begin() as conn:
            insert_rows(conn, schema.aliases, [{"entity_id": "ent-x", "alias": "EVF"}])
    finally:
        engine.dispose()


def test_stored_document_ids_names_only_those_held(kb_db: str) -> None:
    engine = open_database(kb_db)
    doc = _document()
    try:
        with engine.begin() as conn:
            writer.insert_document(
                conn, doc, fingerprint=None, near_duplicate_of=None, extractor="t"
            )
        with engine.connect() as conn:
            assert writer.stored_document_ids(conn, [doc.id, "d-unknown", doc.id]) == {doc.id}
            assert writer.stored_document_ids(conn, []) == set()
    finally:
        engine.dispose()
