"""The database: migrations, WAL, idempotent writes, full-text search, links as an overlay."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from factions.ingest.documents import document_id, fingerprint, hamming
from factions.model import ClaimRecord, Document, EntityRecord, EventRecord, Evidence, Participant
from factions.store import open_database, schema, sqlite, writer
from factions.store.db import SCHEMA_VERSION, schema_version


def _document(body: str = "The Northern Front attacked a police post.") -> Document:
    return Document(id=document_id(body), text=body, title="T", published="2012-03")


def test_new_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "kb.db"))
    with engine.connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"


def test_opening_twice_keeps_the_schema_version(tmp_path: Path) -> None:
    open_database(str(tmp_path / "kb.db"))
    engine = open_database(str(tmp_path / "kb.db"))
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


def test_writes_are_idempotent_and_evidence_is_searchable(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "kb.db"))
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
        hits = sqlite.search_evidence_ids(conn, "police", 10)
        assert len(hits) == 2
        assert sqlite.search_evidence_ids(conn, "airport", 10) == []


def test_claim_ids_are_deterministic() -> None:
    evidence = [Evidence("d-1", "s", 0, 1)]
    a = ClaimRecord(subject="x", predicate="ally_of", object="y", evidence=evidence)
    b = ClaimRecord(subject="x", predicate="ally_of", object="y", evidence=list(evidence))
    c = ClaimRecord(subject="x", predicate="fights", object="y", evidence=evidence)
    assert a.id == b.id != c.id


def test_a_version_2_database_is_migrated_to_keep_place_alternatives(tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    engine = open_database(db)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE entities DROP COLUMN alternatives"))
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
    engine.dispose()
    engine = open_database(db)
    with engine.connect() as conn:
        columns = {row[1] for row in conn.execute(text("PRAGMA table_info(entities)"))}
        assert "alternatives" in columns
        assert schema_version(conn) == SCHEMA_VERSION


def test_place_alternatives_reach_the_export(tmp_path: Path) -> None:
    import io
    import json

    from factions.export.jsonl import write_jsonl

    engine = open_database(str(tmp_path / "kb.db"))
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


def test_event_counts_and_trigger_spans_reach_the_export(tmp_path: Path) -> None:
    import io
    import json

    from factions.export.jsonl import write_jsonl
    from factions.model import Fatalities

    engine = open_database(str(tmp_path / "kb.db"))
    doc = _document("Gunmen attacked a police post, wounding five and abducting two.")
    evidence = [Evidence(doc.id, doc.text, 0, len(doc.text), triggers=((7, 15),))]
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
    assert row["evidence"][0]["triggers"] == [{"start": 7, "end": 15}]


def test_a_version_8_database_is_migrated_to_keep_event_counts(tmp_path: Path) -> None:
    db = str(tmp_path / "old.db")
    engine = open_database(db)
    with engine.begin() as conn:
        for kind in schema.EVENT_COUNTS:
            for part in ("low", "best", "high"):
                conn.execute(text(f"ALTER TABLE events DROP COLUMN {kind}_{part}"))
        conn.execute(text("ALTER TABLE evidence DROP COLUMN triggers"))
        conn.execute(text("UPDATE meta SET value = '8' WHERE key = 'schema_version'"))
    engine.dispose()
    engine = open_database(db)
    with engine.connect() as conn:
        events = {row[1] for row in conn.execute(text("PRAGMA table_info(events)"))}
        evidence = {row[1] for row in conn.execute(text("PRAGMA table_info(evidence)"))}
        assert {"wounded_best", "kidnapped_low", "arrested_high"} <= events
        assert "triggers" in evidence
        assert schema_version(conn) == SCHEMA_VERSION


def test_an_entity_described_twice_keeps_one_description_whatever_the_order(
    tmp_path: Path,
) -> None:
    spellings = [
        EntityRecord(id="g-1", type="armed_group", name="eastern valley front", match_key="k"),
        EntityRecord(id="g-1", type="armed_group", name="Eastern Valley Front", match_key="k"),
    ]
    names = set()
    for number, order in enumerate((spellings, spellings[::-1])):
        engine = open_database(str(tmp_path / f"kb{number}.db"))
        for record in order:
            with engine.begin() as conn:
                writer.upsert_entities(conn, [record])
        with engine.connect() as conn:
            names.add(conn.execute(select(schema.entities.c.name)).scalar_one())
    assert names == {"Eastern Valley Front"}


def test_a_writing_transaction_takes_the_lock_as_it_begins(tmp_path: Path) -> None:
    import threading
    import time

    from factions.store import writing

    engine = open_database(str(tmp_path / "kb.db"))
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
