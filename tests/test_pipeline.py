"""End to end: ingest the sample corpus and the seeds, check the knowledge base and the export."""

from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select, text

from factions.export.jsonl import write_jsonl
from factions.ingest.run import ingest_paths
from factions.store import open_database, schema

from .conftest import sample_corpus

FURNITURE = (
    "Accessibility links",
    "Breaking News",
    "please wait",
    "No media source currently available",
    "Direct link",
    "Load more",
    "16x9 Image",
    "0:00",
    "undesirable organization",
    "click here",
    "Latest episode",
    "About This Blog",
    "Share this article",
    "Advertisement",
)


def _export(engine) -> list[dict]:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    with engine.connect() as conn:
        write_jsonl(conn, buffer)
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def _counts(engine) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (
                schema.documents,
                schema.entities,
                schema.claims,
                schema.events,
                schema.evidence,
            )
        }


def _validator() -> jsonschema.Draft202012Validator:
    path = resources.files("factions").joinpath("data", "schemas", "export-jsonl.schema.json")
    return jsonschema.Draft202012Validator(json.loads(path.read_text(encoding="utf-8")))


def test_sample_corpus_ingests_cleanly(sample_kb) -> None:  # type: ignore[no-untyped-def]
    engine, report, _ = sample_kb
    assert report.failed == []
    assert len(report.new) >= 14
    counts = _counts(engine)
    assert counts["documents"] == len(report.new)
    assert counts["claims"] > 0 and counts["events"] > 0


def test_reingest_changes_nothing(sample_kb) -> None:  # type: ignore[no-untyped-def]
    engine, first, _ = sample_kb
    before = _counts(engine)
    again = ingest_paths([sample_corpus()], engine)
    assert again.new == []
    assert len(again.unchanged) == len(first.new)
    assert _counts(engine) == before


def test_export_rows_follow_the_contract(sample_kb) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    rows = _export(engine)
    validator = _validator()
    for row in rows:
        errors = sorted(validator.iter_errors(row), key=str)
        assert not errors, f"{row['kind']} {row.get('id')}: {errors[0].message}"
    kinds = {row["kind"] for row in rows}
    assert kinds == {"document", "entity", "event", "claim", "dispute"}


def test_export_references_resolve_and_evidence_quotes_the_document(sample_kb) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    rows = _export(engine)
    entity_ids = {r["id"] for r in rows if r["kind"] == "entity"}
    claim_ids = {r["id"] for r in rows if r["kind"] == "claim"}
    with engine.connect() as conn:
        texts = dict(conn.execute(select(schema.documents.c.id, schema.documents.c.text)).all())
    for row in rows:
        if row["kind"] == "claim":
            assert row["subject"] in entity_ids
            assert row.get("object") is None or row["object"] in entity_ids
        if row["kind"] == "event":
            assert all(p["entity"] in entity_ids for p in row["participants"])
            assert row["place"] is None or row["place"] in entity_ids
        if row["kind"] == "dispute":
            assert set(row["claims"]) <= claim_ids
        for evidence in row.get("evidence", []):
            assert (
                texts[evidence["document"]][evidence["start"] : evidence["end"]] == evidence["text"]
            )


def test_one_bad_file_never_stops_the_batch(tmp_path: Path, kb_db: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        "Gunmen from the Northern Front attacked a police post in Kunduz on Monday, killing "
        "three officers, a provincial spokesman said.\n",
        encoding="utf-8",
    )
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03")
    (corpus / "empty.txt").write_text("")
    (corpus / "broken.html").write_text("<html><head></head><body><div></div></body></html>")
    engine = open_database(kb_db)
    report = ingest_paths([corpus, tmp_path / "missing.txt"], engine)
    reasons = {Path(f.source).name: f.reason for f in report.failed}
    assert set(reasons) == {"binary.txt", "empty.txt", "broken.html", "missing.txt"}
    assert all("\n" not in r for r in reasons.values())
    assert len(report.new) == 1
    assert _counts(engine)["documents"] == 1


def test_seeds_keep_no_page_furniture(seeds_kb) -> None:  # type: ignore[no-untyped-def]
    engine, report, _ = seeds_kb
    assert report.failed == []
    rows = _export(engine)
    with engine.connect() as conn:
        texts = [t for (t,) in conn.execute(select(schema.documents.c.text))]
    strings = texts + [r["name"] for r in rows if r["kind"] == "entity"]
    strings += [e["text"] for r in rows for e in r.get("evidence", [])]
    for furniture in FURNITURE:
        assert not any(furniture.lower() in s.lower() for s in strings), furniture


def test_seed_blog_page_becomes_two_documents_that_share_nothing(seeds_kb) -> None:  # type: ignore[no-untyped-def]
    engine, report, _ = seeds_kb
    assert len(report.new) == 3
    with engine.connect() as conn:
        docs = conn.execute(
            select(
                schema.documents.c.id,
                schema.documents.c.source,
                schema.documents.c.part,
                schema.documents.c.text,
            )
        ).all()
        blog = sorted(
            (d for d in docs if d.source.endswith("001_7260fd2703c930d9.txt")), key=lambda d: d.part
        )
        assert len(blog) == 2
        assert "Zabul" in blog[0].text and "Zabul" not in blog[1].text
        assert "warplane" in blog[1].text and "warplane" not in blog[0].text
        speakers_of_second = {
            s
            for (s,) in conn.execute(
                select(schema.claims.c.attributed_to).where(
                    schema.claims.c.document_id == blog[1].id
                )
            )
        }
        names = dict(conn.execute(select(schema.entities.c.id, schema.entities.c.name)).all())
    assert not {names.get(s, "") for s in speakers_of_second if s} & {
        "Amin Mudaqiq",
        "Sirojiddin Tolibov",
    }


def test_seed_metadata_is_kept_with_its_precision(seeds_kb) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = seeds_kb
    rows = [r for r in _export(engine) if r["kind"] == "document"]
    by_title = {r["title"]: r for r in rows}
    first = by_title["In Afghanistan, IMU-Taliban Alliance Chips Away At The Stone"]
    assert (first["published"], first["published_precision"]) == ("2011-06", "month")
    assert first["author"] == "Abubakar Siddique" and first["outlet"] == "RFE/RL"


@pytest.mark.parametrize("kind", ["document", "entity", "event", "claim", "dispute"])
def test_seed_export_has_valid_rows_of_every_kind(seeds_kb, kind: str) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = seeds_kb
    rows = [r for r in _export(engine) if r["kind"] == kind]
    assert rows, f"no {kind} rows"
    validator = _validator()
    for row in rows:
        assert not list(validator.iter_errors(row))


def test_parallel_ingest_builds_the_same_knowledge_base(tmp_path: Path, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, place in enumerate(["Kunduz", "Takhar", "Baghlan"]):
        (corpus / f"r{i}.txt").write_text(
            f"Fighters of the Islamic Movement of Uzbekistan (IMU) clashed with the Taliban in "
            f"{place} Province on 3 November 2015, officials said. The IMU is allied with "
            f"al-Qaeda, according to police report number {i}.\n",
            encoding="utf-8",
        )
    serial = open_database(new_kb_db("serial.db"))
    parallel = open_database(new_kb_db("parallel.db"))
    ingest_paths([corpus], serial)
    report = ingest_paths([corpus], parallel, processes=2)
    assert len(report.new) == 3 and report.failed == []
    assert _export(parallel) == _export(serial)


def three_short_reports(tmp_path: Path) -> Path:
    """A folder of three one-sentence reports of attacks in three provinces."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, place in enumerate(["Kunduz", "Takhar", "Baghlan"]):
        (corpus / f"r{i}.txt").write_text(
            f"The Taliban attacked a police post in {place} Province on 3 November 2015, "
            f"officials said in report number {i}.\n",
            encoding="utf-8",
        )
    return corpus


def test_a_large_ingest_leaves_fresh_planner_statistics_on_postgresql(
    tmp_path: Path, new_kb_db, backend: str
) -> None:  # type: ignore[no-untyped-def]
    if backend != "postgresql":
        pytest.skip("SQLite plans without statistics: ingest runs no ANALYZE there")
    # "Large" is made 2 documents here (the default is ANALYZE_EVERY); a fresh table's
    # reltuples is -1 until ANALYZE (or VACUUM) counts it.
    corpus = three_short_reports(tmp_path)
    engine = open_database(new_kb_db("kb.db"))
    report = ingest_paths([corpus], engine, batch_size=1, analyze_every=2)
    assert len(report.new) == 3
    with engine.connect() as conn:
        counted = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'documents'")
        ).scalar_one()
    assert counted >= 2
