"""Screens an analyst reads at a glance: one line per relation and counterpart, events and
predicates in words, outlets never speakers, a dispute's sentence as one account, a symmetric
relation once, typo-tolerant finding, and the terminal profile. The query layer is checked
here; the pages that draw it in tests/test_web_pages.py and tests/browser/."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factions.cli.app import app as cli
from factions.query.claims import claims_by_sentence
from factions.query.disputes import list_disputes
from factions.query.documents import document_view, latest_documents, opening
from factions.query.find import find_actors, name_score
from factions.query.labels import event_phrase, readable, speaker_or_outlet
from factions.query.network import actor_network
from factions.query.profile import actor_profile
from factions.query.timeline import actor_timeline
from factions.vocabulary import vocabulary
from tests.test_relation_index import QUERIES

EVENT_ID = re.compile(r"\be-[0-9a-f]{6,}")
SNAKE = re.compile(r"\b[a-z]+_[a-z]+(?:_[a-z]+)*\b")
runner = CliRunner()


def _key(evidence) -> tuple[str, int, int]:  # type: ignore[no-untyped-def]
    return (evidence.document, evidence.start, evidence.end)


# --- profiles --------------------------------------------------------------------------------


def test_a_profile_has_one_line_per_relation_and_counterpart(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        profile = actor_profile(conn, "IMU")
    lines = profile.roles + profile.relations
    keys = Counter((li.predicate, li.direction, li.other_kind, li.other_name) for li in lines)
    assert all(n == 1 for n in keys.values()), keys
    allies = [li for li in profile.relations if li.predicate == "ally_of"]
    taliban = [li for li in allies if li.other == "a:taliban"]
    # A symmetric relation is one line, 'both', whichever way its sentences put it (each
    # sentence's claim is stored once, the way it was written).
    assert len(taliban) == 1 and taliban[0].direction == "both"
    line = taliban[0]
    claims = [c for c in profile.claims if c.id in line.claims]
    assert claims and {c.direction for c in claims} <= {"in", "out"}
    sentences = {_key(e) for c in claims for e in c.evidence}
    assert line.sentences == len(sentences) == len(line.evidence) >= 2
    assert line.sources == len({e.document for e in line.evidence})
    assert line.certainty == "asserted" and sum(line.grades.values()) == len(claims)
    assert line.first_day and line.last_day and line.first_day <= line.last_day
    # A role is one line per post and person, however many sentences say it.
    roles = Counter((li.label, li.other_name) for li in profile.roles)
    assert roles[("leader", "Usman Ghazi")] == 1


def test_profile_lines_read_in_words(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        taliban = actor_profile(conn, "Taliban")
        imu = actor_profile(conn, "IMU")
    for line in taliban.relations + imu.relations + taliban.roles + imu.roles:
        assert not EVENT_ID.search(line.other_name or ""), line
        assert not SNAKE.search(line.label), line
    deeds = [li for li in taliban.relations if li.other_kind == "event"]
    assert deeds and all(li.other_name.startswith("the ") for li in deeds)
    # Read from the object's side, a relation says so ('hosts', 'led by'); a post is a post.
    words = vocabulary()
    for line in taliban.relations + imu.relations:
        expected = words.label_of(line.predicate, inverse=line.direction == "in")
        assert line.label == expected, line
    assert any(li.direction == "in" for li in taliban.relations + imu.relations)
    assert all(c.speaker is None or not c.speaker.endswith("Courier") for c in imu.claims)


def test_an_event_is_named_by_what_where_and_when() -> None:
    assert (
        event_phrase("Armed clash", "2014-06-11", "Karachi")
        == "the 2014-06-11 armed clash in Karachi"
    )
    assert event_phrase("Suicide bomb", None, None, "2011-05-30", 12) == (
        "the suicide bomb reported 2011-05-30 (12 killed)"
    )
    assert event_phrase("Armed clash", "199", None) == "the 1990s armed clash"


def test_reasons_and_speakers_read_as_people_say_them() -> None:
    assert readable("affiliated_with both stated and denied") == (
        "affiliated with both stated and denied"
    )
    assert readable("carried_out both stated and denied") == "carried out both stated and denied"
    assert speaker_or_outlet("Oxus Courier", ["Oxus Courier"]) is None
    assert speaker_or_outlet("oxus  courier", ["Oxus Courier"]) is None
    assert speaker_or_outlet("Rehman Malik", ["Oxus Courier"]) == "Rehman Malik"


# --- disputes --------------------------------------------------------------------------------


def test_a_dispute_sentence_naming_alternatives_is_one_account(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        disputes = list_disputes(conn).disputes
    for dispute in disputes:
        assert not SNAKE.search(dispute.reason), dispute.reason
        sentences = [tuple(_key(e) for e in a.evidence[:1]) for a in dispute.accounts]
        speakers = [
            (s, a.speaker, a.subject, a.predicate)
            for s, a in zip(sentences, dispute.accounts, strict=True)
        ]
        assert len(set(speakers)) == len(speakers)
        assert sum(len(a.alternatives) for a in dispute.accounts) == len(dispute.claims)
        for account in dispute.accounts:
            for alternative in account.alternatives:
                assert not EVENT_ID.search(alternative.object_name or "")
            assert account.speaker is None or account.speaker != account.outlet
    ghazi = next(d for d in disputes if d.subject_name == "Usman Ghazi")
    assert any(len(a.alternatives) >= 2 for a in ghazi.accounts)
    assert len(ghazi.accounts) < len(ghazi.claims)


# --- the network and the sentences behind an edge --------------------------------------------


def _unordered(edges) -> Counter:  # type: ignore[no-untyped-def]
    symmetric = vocabulary().symmetric
    return Counter(
        (min(e.subject, e.object), e.predicate, max(e.subject, e.object))
        if e.predicate in symmetric
        else (e.subject, e.predicate, e.object)
        for e in edges
    )


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(map(str, q.values())) or "all")
def test_a_symmetric_relation_is_one_edge(sample_kb, query: dict) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        both = actor_network(conn, **query)
        once = actor_network(conn, **query, symmetric_once=True)
        few = actor_network(conn, **query, symmetric_once=True, limit=3)
    expected = _unordered(both.edges)
    assert _unordered(once.edges) == Counter(dict.fromkeys(expected, 1))
    assert once.total_edges == len(expected) == few.total_edges
    assert len(few.edges) == min(3, len(expected))
    by_key = {k: e for e in once.edges for k in _unordered([e])}
    for edge in both.edges:
        merged = by_key[next(iter(_unordered([edge])))]
        assert set(edge.claims) <= set(merged.claims) and merged.weight >= edge.weight


def test_an_edges_sentences_come_once_each(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        network = actor_network(conn, predicates="ally_of", symmetric_once=True)
        edge = next(e for e in network.edges if {e.subject, e.object} == {"a:imu", "a:taliban"})
        sentences = claims_by_sentence(conn, edge.claims)
    keys = [_key(s.evidence) for s in sentences]
    assert len(keys) == len(set(keys)) == edge.weight
    assert all(s.says == [s.says[0]] and "ally of" in s.says[0] for s in sentences)


def test_timeline_entries_read_in_words(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        timeline = actor_timeline(conn, "Taliban")
    details = [e.detail for e in timeline.entries if e.kind == "claim"]
    assert details
    for detail in details:
        assert not SNAKE.search(detail) and not EVENT_ID.search(detail), detail


# --- the reader and the overview -------------------------------------------------------------


def test_the_readers_claims_are_one_line_per_thing_said(sample_kb) -> None:
    engine, _, _ = sample_kb
    symmetric = vocabulary().symmetric
    with engine.connect() as conn:
        documents = latest_documents(conn, 50)
        views = [document_view(conn, d["id"]) for d in documents]
    merged = 0
    for view in views:
        said = Counter(
            (
                *sorted((line.subject, line.object or line.object_name or "")),
                line.predicate,
                line.polarity,
            )
            if line.predicate in symmetric
            else (
                line.subject,
                line.predicate,
                line.object or line.object_name or line.value,
                line.polarity,
            )
            for line in view.claim_lines
        )
        assert all(n == 1 for n in said.values()), said
        assert sum(len(line.ids) for line in view.claim_lines) == len(view.claims)
        merged += len(view.claims) - len(view.claim_lines)
        for line in view.claim_lines:
            assert not EVENT_ID.search(line.object_name or "") and not SNAKE.search(line.label)
    assert merged > 0


def test_the_readers_events_say_who_what_with_and_the_words_they_come_from(sample_kb) -> None:
    """Each event in the reader carries its participants with their roles, the counts beside
    the killed, what it was done with, and per sentence the trigger words with the arguments
    read for them, cut from the document at their own offsets."""
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        views = [document_view(conn, d["id"]) for d in latest_documents(conn, 50)]
    events = [(view, e) for view in views for e in view.events]
    assert events
    roles_seen, counted, with_instruments, argued = set(), 0, 0, 0
    for view, event in events:
        for actor in event.participants:
            assert actor.name and not EVENT_ID.search(actor.name) and actor.role
            roles_seen.add(actor.role)
        counted += bool(event.counts)
        assert all(kind != "fatalities" and n > 0 for kind, n in event.counts.items())
        with_instruments += bool(event.instruments)
        for sentence in event.evidence:
            for trigger in sentence.triggers:
                assert trigger.text and view.text[trigger.start : trigger.end] == trigger.text
                assert sentence.start <= trigger.start < trigger.end <= sentence.end
                for argument in trigger.arguments:
                    assert view.text[argument.start : argument.end] == argument.text
                    argued += 1
    assert {"actor", "victim"} <= roles_seen
    assert counted and with_instruments and argued


def test_documents_of_one_title_are_told_apart_by_their_opening(seeds_kb) -> None:
    engine, _, _ = seeds_kb
    with engine.connect() as conn:
        documents = latest_documents(conn, 20)
    titles = Counter(d["title"] for d in documents)
    assert max(titles.values()) >= 2  # the seeds share a column's name
    shown = {(d["title"], d["outlet"], d["published"], d["opening"]) for d in documents}
    assert len(shown) == len(documents)


def test_opening_is_the_first_line_cut_at_a_word() -> None:
    assert opening("Short first line.\nSecond line.") == "Short first line."
    cut = opening("word " * 60, limit=40)
    assert cut.endswith("…") and len(cut) <= 41 and "wor…" not in cut


# --- finding an actor ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Uzbek movment", "a:imu"),
        ("Islamic Movment of Uzbekistan", "a:imu"),
        ("Talibn", "a:taliban"),
        ("Yuldashov", "a:tahir-yuldashev"),
        ("tehrik taliban", "a:ttp"),
    ],
)
def test_find_ranks_actors_by_closeness_then_mentions(sample_kb, typed: str, expected: str) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        found = find_actors(conn, typed)
    assert found and found[0].id == expected, [(a.name, a.score, a.mentions) for a in found]
    assert all(a.type in vocabulary().actor_types for a in found)


def test_name_score_is_word_by_word() -> None:
    assert name_score("Uzbek movment", "Islamic Movement of Uzbekistan") > 85
    assert name_score("Uzbek movment", "RFE/RL's Uzbek Service") < 60
    assert name_score("zzz", "Taliban") == 0


# --- the terminal profile --------------------------------------------------------------------


def test_show_fits_120_columns_and_never_repeats_a_sentence(sample_kb) -> None:
    _, _, db = sample_kb
    narrow = {"COLUMNS": "120"}
    shown = runner.invoke(cli, ["show", "IMU", "--db", str(db)], env=narrow)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert max(len(line) for line in lines) <= 120
    assert not SNAKE.search(shown.output) and not EVENT_ID.search(shown.output)
    assert sum("ally of Taliban" in line for line in lines) == 1
    cited = runner.invoke(cli, ["show", "IMU", "--evidence", "--db", str(db)], env=narrow)
    assert cited.exit_code == 0, cited.output
    assert max(len(line) for line in cited.output.splitlines()) <= 120
    numbered = re.findall(r"^\[(\d+)\] “", cited.output, flags=re.MULTILINE)
    assert numbered == [str(n) for n in range(1, len(numbered) + 1)] and len(numbered) > 5
    quotes = re.findall(r"^\[\d+\] “([^”]{20})", cited.output, flags=re.MULTILINE)
    assert len(quotes) == len(set(quotes))


# --- the API page ----------------------------------------------------------------------------


def test_docs_is_our_own_page_and_fetches_nothing(sample_kb) -> None:
    from factions.web.api import create_app

    _, _, db = sample_kb
    # A name the server answers to: the test client says "testserver" unless told.
    client = TestClient(create_app(str(db)), base_url="http://localhost")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/api/network" in page.text and 'href="/openapi.json"' in page.text
    assert "cdn." not in page.text and "https://" not in page.text
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").json()["paths"]["/api/network"]
