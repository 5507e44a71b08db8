"""Analysts' judgements: each kind applied and undone, surviving re-ingest and re-extraction,
conflicts and orphans listed, shared between knowledge bases, and the commands that make them.

Two short reports written for these tests: the machine takes a commander and a shopkeeper of
one name for one person, a dateline's words for a person, and "Military Forces" for a force of its
own.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from typer.testing import CliRunner

from factions.cli import app
from factions.curate.judge import (
    JudgementError,
    import_judgements,
    judge,
    judgement_lines,
    write_judgements,
)
from factions.curate.review import changes_since, review_queue
from factions.ingest.run import ingest_paths
from factions.query.network import actor_network
from factions.query.profile import actor_profile
from factions.query.records import export_rows
from factions.store import open_database, schema, writing
from factions.store.judgements import overlay
from factions.store.linker import Linker

REPORT_A = """DUSHANBE, March 4 - Fighters of the Islamic Movement of Uzbekistan attacked a border \
post near Khorog on Thursday, killing three soldiers of the Armed Forces of Tajikistan, \
officials said.

The Islamic Movement of Uzbekistan is allied with the Turkistan Islamic Party, according to a \
security official. Commander Rustam Nazarov led the assault, witnesses said.
"""

REPORT_B = """KHOROG, May 10 - Rustam Nazarov, a local shopkeeper, said gunmen of the Turkistan \
Islamic Party ambushed a convoy of the Armed Forces of Tajikistan near Khorog on Tuesday, \
killing two soldiers.

The Turkistan Islamic Party is fighting the Armed Forces of Tajikistan, the ministry said.
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two reports, in docs/ under the returned folder."""
    root = tmp_path_factory.mktemp("curation")
    docs = root / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(REPORT_A, encoding="utf-8")
    (docs / "b.txt").write_text(REPORT_B, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built_db(built: Path, backend: str, request: pytest.FixtureRequest) -> str:
    """The two reports ingested once per back end; each test works on its own copy."""
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        db = server.create()
        request.addfinalizer(lambda: server.drop(db))
    else:
        db = str(built / f"kb-{backend}.db")
    engine = open_database(db)
    ingest_paths([built / "docs"], engine)
    engine.dispose()
    return db


def _location(engine) -> str:  # type: ignore[no-untyped-def]
    """What `--db` takes for the knowledge base behind an engine."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def kb(built_db: str, new_kb_db):  # type: ignore[no-untyped-def]
    engine = open_database(new_kb_db("kb.db", copy_of=built_db))
    yield engine
    engine.dispose()


def _id(engine, table, **where) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        query = select(table.c.id)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return conn.execute(query.order_by(table.c.id)).scalars().first()


def _person(engine, document_fragment: str) -> str:  # type: ignore[no-untyped-def]
    """The Rustam Nazarov entity mentioned in the report holding this text."""
    with engine.connect() as conn:
        m, d = schema.mentions, schema.documents
        return conn.execute(
            select(m.c.entity_id)
            .join(d, d.c.id == m.c.document_id)
            .where(m.c.text.like("%Rustam Nazarov%"), d.c.text.like(f"%{document_fragment}%"))
        ).scalar()


def _document(engine, fragment: str) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        d = schema.documents
        return conn.execute(select(d.c.id).where(d.c.text.like(f"%{fragment}%"))).scalar()


def _edges(engine) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return {(e.subject, e.predicate, e.object) for e in actor_network(conn).edges}


def _canonical(engine, entity_id: str) -> str:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return Linker.lazy(conn).canonical(entity_id)


def _judge(engine, kind, target, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("why", f"test {kind}")
    kwargs.setdefault("by", "ana")
    with writing(engine) as conn:
        return judge(conn, kind, target, **kwargs)


def _rows(engine, **options) -> list[dict]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return list(export_rows(conn, **options))


def _military(engine) -> str:  # type: ignore[no-untyped-def]
    return _id(engine, schema.entities, name="Military Forces")


# --- each kind, applied and undone -----------------------------------------------------------


def test_merge_applies_everywhere_and_undo_restores(kb) -> None:  # type: ignore[no-untyped-def]
    military = _military(kb)
    assert _canonical(kb, military) == military
    made = _judge(kb, "merge", military, other="a:tajik-armed-forces")
    assert _canonical(kb, military) == "a:tajik-armed-forces"
    assert ("a:tip", "fights", military) not in _edges(kb)
    assert military not in {r["id"] for r in _rows(kb) if r["kind"] == "entity"}
    with kb.connect() as conn:
        assert military in actor_profile(conn, "Armed Forces of Tajikistan").members
    _judge(kb, "undo", made.uid)
    assert _canonical(kb, military) == military
    assert ("a:tip", "fights", military) in _edges(kb)


def test_split_takes_a_documents_mentions_apart(kb) -> None:  # type: ignore[no-untyped-def]
    commander, shopkeeper = _person(kb, "Commander Rustam"), _person(kb, "local shopkeeper")
    assert _canonical(kb, commander) == _canonical(kb, shopkeeper)
    made = _judge(kb, "split", commander, value={"documents": [_document(kb, "local shopkeeper")]})
    assert _canonical(kb, commander) != _canonical(kb, shopkeeper)
    _judge(kb, "undo", made.uid)
    assert _canonical(kb, commander) == _canonical(kb, shopkeeper)


def test_never_merge_overrides_the_resolver(kb) -> None:  # type: ignore[no-untyped-def]
    commander, shopkeeper = _person(kb, "Commander Rustam"), _person(kb, "local shopkeeper")
    made = _judge(kb, "never-merge", commander, other=shopkeeper)
    assert _canonical(kb, commander) != _canonical(kb, shopkeeper)
    _judge(kb, "undo", made.uid)
    assert _canonical(kb, commander) == _canonical(kb, shopkeeper)


def test_reject_leaves_network_profile_and_export(kb) -> None:  # type: ignore[no-untyped-def]
    # "Military Forces" is the machine's misreading: a force of its own that the TIP fights.
    forces = _id(kb, schema.entities, name="Military Forces")
    claim = _id(kb, schema.claims, subject="a:tip", object=forces)
    assert ("a:tip", "fights", forces) in _edges(kb)
    made = _judge(kb, "reject", claim)
    assert ("a:tip", "fights", forces) not in _edges(kb)
    assert claim not in {r["id"] for r in _rows(kb)}
    kept = {r["id"]: r for r in _rows(kb, include_rejected=True)}
    assert kept[claim]["judged"]["verdict"] == "rejected"
    with kb.connect() as conn:
        profile = actor_profile(conn, "Turkistan Islamic Party")
    assert claim not in {c.id for c in profile.claims}
    _judge(kb, "undo", made.uid)
    assert ("a:tip", "fights", forces) in _edges(kb)


def test_reject_and_accept_an_event(kb) -> None:  # type: ignore[no-untyped-def]
    event = _id(kb, schema.events, fatalities_best=2)
    _judge(kb, "reject", event)
    assert event not in {r["id"] for r in _rows(kb)}
    _judge(kb, "accept", event)
    row = {r["id"]: r for r in _rows(kb)}[event]
    assert row["judged"]["verdict"] == "accepted"


def test_correct_keeps_the_original_and_who(kb) -> None:  # type: ignore[no-untyped-def]
    event = _id(kb, schema.events, fatalities_best=3)
    _judge(kb, "correct", event, value={"field": "fatalities", "value": "4"}, by="bea")
    _judge(kb, "correct", event, value={"field": "date", "value": "2016-03-03"}, by="bea")
    row = {r["id"]: r for r in _rows(kb)}[event]
    assert row["fatalities"]["best"] == 4 and row["date"] == "2016-03-03"
    by_field = {c["field"]: c for c in row["corrections"]}
    assert by_field["fatalities"]["original"]["best"] == 3
    assert by_field["date"]["original"] != "2016-03-03" and by_field["date"]["by"] == "bea"
    with kb.connect() as conn:
        assert (
            conn.execute(
                select(schema.events.c.fatalities_best).where(schema.events.c.id == event)
            ).scalar()
            == 3
        )  # machine output untouched


def test_correct_a_claims_certainty_moves_the_network_edge(kb) -> None:  # type: ignore[no-untyped-def]
    claim = _id(kb, schema.claims, predicate="ally_of")
    _judge(kb, "correct", claim, value={"field": "certainty", "value": "asserted"})
    with kb.connect() as conn:
        edge = next(e for e in actor_network(conn).edges if e.predicate == "ally_of")
    assert edge.certainty == "asserted"


def test_a_correction_of_an_unknown_field_is_refused(kb) -> None:  # type: ignore[no-untyped-def]
    claim = _id(kb, schema.claims, predicate="ally_of")
    with pytest.raises(JudgementError, match="cannot correct"):
        _judge(kb, "correct", claim, value={"field": "predicate", "value": "fights"})
    with pytest.raises(JudgementError, match="why"):
        _judge(kb, "reject", claim, why="  ")


def test_rename_retype_and_aliases(kb) -> None:  # type: ignore[no-untyped-def]
    post = _id(kb, schema.entities, name="border post")
    _judge(kb, "rename", post, value={"name": "Khorog border post"})
    _judge(kb, "retype", post, value={"type": "location"})
    _judge(kb, "add-alias", post, value={"alias": "Khorog crossing"})
    row = {r["id"]: r for r in _rows(kb)}[post]
    assert (row["name"], row["type"]) == ("Khorog border post", "location")
    assert "Khorog crossing" in row["aliases"]
    _judge(kb, "remove-alias", post, value={"alias": "Khorog crossing"})
    assert "Khorog crossing" not in {r["id"]: r for r in _rows(kb)}[post]["aliases"]


def test_close_a_dispute_keeps_the_rivals(kb) -> None:  # type: ignore[no-untyped-def]
    # A dispute of our own making: two claims of one key put in a dispute row, as resolve would.
    claims = sorted(
        _rows_of(kb, "claim", predicate="fights", subject="a:tip"), key=lambda r: r["id"]
    )[:2]
    with writing(kb) as conn:
        conn.execute(schema.disputes.insert().values(id="dsp-t", subject="a:tip", reason="t"))
        for c in claims:
            conn.execute(
                schema.dispute_claims.insert().values(dispute_id="dsp-t", claim_id=c["id"])
            )
    made = _judge(kb, "close-dispute", "dsp-t", value={"reading": claims[0]["id"], "note": "n"})
    row = {r["id"]: r for r in _rows(kb)}["dsp-t"]
    assert row["closed"]["reading"] == claims[0]["id"] and len(row["claims"]) == 2
    with kb.connect() as conn:
        assert "dsp-t" not in {i.ids[0] for i in review_queue(conn)}
    _judge(kb, "undo", made.uid)
    with kb.connect() as conn:
        assert not overlay(conn).closed


def _rows_of(engine, kind: str, **fields) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        r
        for r in _rows(engine)
        if r["kind"] == kind and all(r.get(k) == v for k, v in fields.items())
    ]


def test_undoing_an_undo_restores(kb) -> None:  # type: ignore[no-untyped-def]
    military = _military(kb)
    made = _judge(kb, "merge", military, other="a:tajik-armed-forces")
    first = _judge(kb, "undo", made.uid)
    _judge(kb, "undo", first.uid)
    assert _canonical(kb, military) == "a:tajik-armed-forces"


# --- surviving -------------------------------------------------------------------------------


def test_judgements_survive_reingest(kb, built: Path) -> None:  # type: ignore[no-untyped-def]
    claim = _id(kb, schema.claims, predicate="ally_of")
    _judge(kb, "reject", claim)
    _judge(kb, "merge", _military(kb), other="a:tajik-armed-forces")
    report = ingest_paths([built / "docs"], kb)
    assert not report.new and report.unchanged
    assert claim not in {r["id"] for r in _rows(kb)}
    assert _canonical(kb, _military(kb)) == "a:tajik-armed-forces"
    with kb.connect() as conn:
        assert not overlay(conn).orphans


def _reextract(engine, table, old: str, new: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    """What a newer extractor does to a record whose content changed: a new id, the same
    evidence. (The machine rows change here only to simulate that.)"""
    with writing(engine) as conn:
        conn.execute(text("PRAGMA defer_foreign_keys=ON"))
        conn.execute(table.update().where(table.c.id == old).values(id=new))
        conn.execute(
            schema.evidence.update()
            .where(schema.evidence.c.owner_kind == kind, schema.evidence.c.owner_id == old)
            .values(owner_id=new)
        )
        if kind == "event":
            participants = schema.event_participants
            conn.execute(
                participants.update().where(participants.c.event_id == old).values(event_id=new)
            )


@pytest.mark.sqlite_only  # SQLite's deferred foreign keys simulate the re-extraction
def test_judgements_follow_a_reextracted_record_by_its_evidence(kb) -> None:  # type: ignore[no-untyped-def]
    claim = _id(kb, schema.claims, predicate="ally_of")
    event = _id(kb, schema.events, fatalities_best=3)
    _judge(kb, "reject", claim)
    _judge(kb, "correct", event, value={"field": "fatalities", "value": "5"})
    _reextract(kb, schema.claims, claim, "c-reextracted", "claim")
    _reextract(kb, schema.events, event, "e-reextracted", "event")
    rows = {r["id"]: r for r in _rows(kb)}
    assert "c-reextracted" not in rows  # the rejection followed it
    assert rows["e-reextracted"]["fatalities"]["best"] == 5
    with kb.connect() as conn:
        state = overlay(conn)
    assert not state.orphans
    assert set(state.targets.values()) >= {"c-reextracted", "e-reextracted"}


def test_a_vanished_target_is_listed_as_orphaned(kb) -> None:  # type: ignore[no-untyped-def]
    claim = _id(kb, schema.claims, predicate="ally_of")
    made = _judge(kb, "reject", claim)
    with writing(kb) as conn:
        conn.execute(schema.evidence.delete().where(schema.evidence.c.owner_id == claim))
        conn.execute(schema.claims.delete().where(schema.claims.c.id == claim))
    with kb.connect() as conn:
        lines = {row["id"]: row for row in judgement_lines(conn)}
    assert lines[made.uid]["orphaned"] and lines[made.uid]["applies_to"] is None


def test_two_analysts_disagree_both_kept_later_applies(kb) -> None:  # type: ignore[no-untyped-def]
    event = _id(kb, schema.events, fatalities_best=3)
    _judge(kb, "correct", event, value={"field": "fatalities", "value": "4"}, by="ana")
    _judge(kb, "correct", event, value={"field": "fatalities", "value": "6"}, by="bea")
    with kb.connect() as conn:
        state = overlay(conn)
        assert len(judgement_lines(conn)) == 2
    assert [(c.earlier.author, c.later.author) for c in state.conflicts] == [("ana", "bea")]
    assert {r["id"]: r for r in _rows(kb)}[event]["fatalities"]["best"] == 6


def test_export_import_round_trip(kb, built_db: str, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    _judge(kb, "merge", _military(kb), other="a:tajik-armed-forces")
    _judge(kb, "reject", _id(kb, schema.claims, predicate="ally_of"))
    out = io.StringIO()
    with kb.connect() as conn:
        assert write_judgements(conn, out) == 2
    other = open_database(new_kb_db("other.db", copy_of=built_db))
    with writing(other) as conn:
        assert import_judgements(conn, out.getvalue().splitlines()) == 2
        assert import_judgements(conn, out.getvalue().splitlines()) == 0
    assert _rows_of(other, "judgement") == _rows_of(kb, "judgement")
    assert _canonical(other, _military(other)) == "a:tajik-armed-forces"
    other.dispose()


# --- the commands ----------------------------------------------------------------------------


def test_cli_commands(kb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    db = _location(kb)
    monkeypatch.setenv("FACTIONS_USER", "cli-analyst")
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    run("merge", "Military Forces", "Armed Forces of Tajikistan", "--why", "same army")
    claim = _id(kb, schema.claims, predicate="ally_of")
    run("reject", claim, "--why", "one official")
    event = _id(kb, schema.events, fatalities_best=3)
    run("correct", event, "fatalities=4", "--why", "later report")
    listed = run("judgements", "--json", "--by", "cli-analyst")
    uids = [json.loads(line)["id"] for line in listed.splitlines()]
    assert len(uids) == 3
    run("undo", uids[1], "--why", "second source")
    assert claim in {r["id"] for r in _rows(kb)}
    refused = runner.invoke(app, ["reject", claim, "--db", db])
    assert refused.exit_code != 0  # --why is required
    shared = tmp_path / "shared.jsonl"
    run("judgements", "export", str(shared))
    assert len(shared.read_text().splitlines()) == 4
    assert "imported 0 judgements" in run("judgements", "import", str(shared))
    assert "incomplete-event" in run("review", "--list")
    assert "judgements: 4 new" in run("diff", "--since", "2000-01-01")
    exported = run("export", "--include-rejected")
    assert '"kind": "judgement"' in exported


def test_interactive_review_records_one_key_decisions(kb) -> None:  # type: ignore[no-untyped-def]
    db = _location(kb)
    with kb.connect() as conn:
        first = review_queue(conn)[0]
    assert first.kind == "incomplete-event"
    result = CliRunner().invoke(
        app, ["review", "--limit", "1", "--by", "kim", "--db", db], input="r\nno such battle\n"
    )
    assert result.exit_code == 0, result.output
    assert first.ids[0] not in {r["id"] for r in _rows(kb)}


# --- a session on the sample corpus ----------------------------------------------------------


def test_ten_decisions_on_the_sample_corpus(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    sample, _, path = sample_kb
    # PostgreSQL copies a database nobody is connected to.
    sample.dispose()
    engine = open_database(new_kb_db("sample.db", copy_of=path))
    before = _rows(engine)
    claims = [r for r in before if r["kind"] == "claim" and "object" in r]
    events = [r for r in before if r["kind"] == "event"]
    actors = [
        r for r in before if r["kind"] == "entity" and r["type"] in ("armed_group", "state_force")
    ]
    assert len(claims) >= 3 and len(events) >= 3 and len(actors) >= 3
    edges_before = _edges(engine)
    a, b = actors[0]["id"], actors[1]["id"]
    session = [
        ("reject", claims[0]["id"], {}),
        ("reject", claims[1]["id"], {}),
        ("accept", claims[2]["id"], {}),
        ("reject", events[0]["id"], {}),
        ("correct", events[1]["id"], {"value": {"field": "fatalities", "value": "7"}}),
        ("correct", events[2]["id"], {"value": {"field": "event_type", "value": "Battles"}}),
        ("merge", a, {"other": b}),
        ("rename", b, {"value": {"name": "Renamed by the analyst"}}),
        ("add-alias", b, {"value": {"alias": "The Analysts' Alias"}}),
    ]
    made = [_judge(engine, kind, target, **extra) for kind, target, extra in session]
    _judge(engine, "undo", made[1].uid)  # the tenth decision: the second rejection undone
    after = {r["id"]: r for r in _rows(engine)}
    assert claims[0]["id"] not in after and claims[1]["id"] in after
    assert events[0]["id"] not in after
    assert after[events[1]["id"]]["fatalities"]["best"] == 7
    assert after[events[2]["id"]]["event_type"] == "Battles"
    assert a not in after and after[b]["name"] == "Renamed by the analyst"
    assert "The Analysts' Alias" in after[b]["aliases"]
    edges = _edges(engine)
    assert all(a not in (s, o) for s, _, o in edges)
    first = claims[0]
    rejected_edge = (first["subject"], first["predicate"], first["object"])
    if (
        rejected_edge in edges_before
        and sum(1 for c in claims if (c["subject"], c["predicate"], c["object"]) == rejected_edge)
        == 1
    ):
        assert rejected_edge not in edges
    with engine.connect() as conn:
        changes = changes_since(conn, "2000-01-01")
        lines = judgement_lines(conn)
    assert len(changes["judgements"]) == 10 and len(lines) == 10
    assert sum(row["undone"] for row in lines) == 1
    assert claims[0]["id"] not in {c["id"] for c in changes["claims"]}
    assert len(_rows_of(engine, "judgement")) == 10
    engine.dispose()


def test_the_review_queue_says_predicates_in_words(sample_kb) -> None:  # type: ignore[no-untyped-def]
    from factions.curate.review import review_queue

    engine = sample_kb[0]
    with engine.connect() as conn:
        titles = [item.title for item in review_queue(conn)]
    assert titles and not any("_" in title for title in titles)


def test_an_event_page_shows_the_correction_beside_the_original(kb) -> None:  # type: ignore[no-untyped-def]
    from factions.query.events import event_by_id

    event = _id(kb, schema.events, fatalities_best=3)
    _judge(kb, "correct", event, value={"field": "fatalities", "value": "4"}, by="bea")
    _judge(kb, "correct", event, value={"field": "date", "value": "2016-03-03"}, by="bea")
    with kb.connect() as conn:
        row = event_by_id(conn, event)
    assert row is not None and row.fatalities_best == 4 and row.date == "2016-03-03"
    by_field = {c["field"]: c for c in row.corrections}
    assert by_field["fatalities"]["original"]["best"] == 3
    assert by_field["date"]["by"] == "bea" and by_field["date"]["original"] != "2016-03-03"
