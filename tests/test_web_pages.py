"""The analysts' pages through an ASGI client: every page renders, has a JSON twin, links each
line to its evidence, and shows untrusted article text only as text."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from factions.query.documents import DocumentView, MentionSpan, document_segments
from factions.web.pages import CSP, date_floor, register_pages

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
)
HOSTILE_TITLE = 'Taliban "><svg onload=alert(1)> <script>document.title="pwned"</script>'


def write_hostile_article(folder: Path) -> Path:
    """An article (our own words) whose text and metadata carry injection payloads."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (
        "Taliban fighters attacked a police post in Kunduz on 3 March 2016, killing four "
        f"officers, the provincial governor said. {PAYLOADS[0]} The Taliban claimed "
        f"responsibility for the attack. {PAYLOADS[1]} Officials said the Islamic State "
        f"was not involved. {PAYLOADS[2]}\n"
    )
    article = folder / "hostile.txt"
    article.write_text(text, encoding="utf-8")
    meta = {"title": HOSTILE_TITLE, "outlet": "<b>Test</b> Wire", "published": "2016-03-04"}
    (folder / "hostile.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return article


def sample_with_hostile_article(sample_kb, folder: Path) -> Path:
    """A copy of the session's sample knowledge base (left untouched) plus the hostile article."""
    from factions.ingest.run import ingest_paths
    from factions.store import open_database

    _engine, _report, sample_db = sample_kb
    db = folder / "ui.db"
    # The backup API copies a WAL database consistently, unlike copying the file.
    with sqlite3.connect(sample_db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    report = ingest_paths([write_hostile_article(folder / "hostile")], open_database(str(db)))
    assert report.ok and len(report.new) == 1
    return db


@pytest.fixture(scope="module")
def client(sample_kb, tmp_path_factory) -> TestClient:
    from factions.store import open_database

    db = sample_with_hostile_article(sample_kb, tmp_path_factory.mktemp("pages"))
    app = FastAPI()
    register_pages(app, open_database(str(db), create=False))
    return TestClient(app)


def first_actor_with_relations(client: TestClient) -> dict:
    for actor in client.get("/?format=json").json()["top_actors"]:
        profile = client.get(f"/actors/{actor['id']}?format=json").json()
        if profile["relations"]:
            return profile
    raise AssertionError("no top actor has relations")


def href(kind: str, entity_id: str) -> str:
    """A link as the templates write it (ids such as `a:imu` are percent-encoded)."""
    return f"/{kind}/{quote(entity_id)}"


def hostile_document_id(client: TestClient) -> str:
    documents = client.get("/?format=json").json()["documents"]
    return next(d["id"] for d in documents if d["title"] == HOSTILE_TITLE)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "Most active actors"),
        ("/network", 'id="graph"'),
        ("/map", 'id="map"'),
        ("/timeline", 'id="timeline"'),
        ("/disputes", "Disputes"),
    ],
)
def test_page_renders_with_csp(client: TestClient, path: str, expected: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert expected in response.text
    assert response.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    # No inline script or style attribute anywhere: the CSP would block them.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text)
    assert " style=" not in response.text


def test_overview_twin_counts_what_the_page_shows(client: TestClient, sample_kb) -> None:
    data = client.get("/?format=json").json()
    html = client.get("/").text
    _engine, report, _db = sample_kb
    assert data["counts"]["documents"] == len(report.new) + 1 == len(data["documents"])
    assert f'data-count="documents">{data["counts"]["documents"]}<' in html
    top = data["top_actors"][0]
    assert f'href="{href("actors", top["id"])}"' in html


def test_profile_lines_link_to_their_evidence_in_the_reader(client: TestClient) -> None:
    profile = first_actor_with_relations(client)
    html = client.get(f"/actors/{profile['id']}").text
    claim = next(iter(profile["relations"].values()))[0]
    evidence = claim["evidence"][0]
    link = f"{href('documents', evidence['document'])}#{evidence['start']}-{evidence['end']}"
    assert f'href="{link}"' in html
    document = client.get(f"/documents/{evidence['document']}?format=json").json()
    assert document["text"][evidence["start"] : evidence["end"]] == evidence["text"]


def test_reader_segments_rebuild_the_text_and_link_mentions(client: TestClient) -> None:
    doc_id = client.get("/?format=json").json()["documents"][0]["id"]
    data = client.get(f"/documents/{doc_id}?format=json").json()
    assert "".join(s["text"] for s in data["segments"]) == data["text"]
    linked = [s for s in data["segments"] if s["entity"]]
    assert linked, "mentions are highlighted"
    html = client.get(f"/documents/{doc_id}").text
    assert f'href="{href("actors", linked[0]["entity"])}"' in html
    # Every evidence span starts and ends on a segment boundary, so #start-end highlights it.
    bounds = {s["start"] for s in data["segments"]} | {data["segments"][-1]["end"]}
    for item in data["claims"] + data["events"]:
        for span in item["evidence"]:
            assert span["start"] in bounds and span["end"] in bounds


def test_network_twin_has_dated_typed_edges(client: TestClient) -> None:
    data = client.get("/network?format=json").json()
    node_ids = {n["id"] for n in data["nodes"]}
    assert len(data["nodes"]) >= 10 and len(data["edges"]) >= 10
    for edge in data["edges"]:
        assert edge["source"] in node_ids and edge["target"] in node_ids
        assert all(c["evidence"] for c in edge["claims"])
    assert data["dates"] == sorted(data["dates"]) and len(data["dates"]) >= 3


def test_map_twin_places_events(client: TestClient) -> None:
    events = client.get("/map?format=json").json()["events"]
    located = [e for e in events if e["lat"] is not None]
    assert len(located) >= 5
    assert all(-90 <= e["lat"] <= 90 and -180 <= e["lon"] <= 180 for e in located)
    assert {"Battles", "Explosions/Remote violence"} <= {e["event_type"] for e in events}


def test_disputes_show_each_claim_with_speaker_and_source(client: TestClient) -> None:
    disputes = client.get("/disputes?format=json").json()
    assert disputes and all(len(d["claims"]) >= 2 for d in disputes)
    html = client.get("/disputes").text
    assert html.count('class="account"') == sum(len(d["claims"]) for d in disputes)


def test_unknown_things_are_404(client: TestClient) -> None:
    assert client.get("/actors/no-such-actor-xyz").status_code == 404
    missing = client.get("/documents/d-missing?format=json")
    assert missing.status_code == 404
    assert "no document" in missing.json()["error"]["message"]


def test_find_goes_straight_to_a_profile(client: TestClient) -> None:
    response = client.get("/find", params={"q": "IMU"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/actors/")
    assert "Did you mean" in client.get("/find", params={"q": "Talibn"}).text


def test_hostile_text_is_escaped_everywhere(client: TestClient) -> None:
    doc_id = hostile_document_id(client)
    pages = [client.get(f"/documents/{doc_id}").text, client.get("/").text]
    for html in pages:
        for payload in (*PAYLOADS, HOSTILE_TITLE, "<b>Test</b>"):
            assert payload not in html
    reader = pages[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reader
    assert "&lt;img src=x onerror=alert(1)&gt;" in reader
    assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in reader


def test_segments_keep_the_outer_of_nested_mentions() -> None:
    text = "The Islamic State of Iraq fought."
    outer = MentionSpan(4, 25, "Islamic State of Iraq", "a", "Islamic State of Iraq", "armed_group")
    inner = MentionSpan(21, 25, "Iraq", "b", "Iraq", "country")
    view = DocumentView("d", None, None, None, None, None, text, [inner, outer], [], [])
    segments = document_segments(view)
    assert "".join(s.text for s in segments) == text
    assert {s.mention.entity for s in segments if s.mention} == {"a"}


@pytest.mark.parametrize(
    ("value", "floor"),
    [
        ("199", "1990-01-01"),
        ("2009", "2009-01-01"),
        ("2009-08", "2009-08-01"),
        ("2015-11-14", "2015-11-14"),
        ("2017-W04", "2017-01-23"),
        (None, None),
    ],
)
def test_date_floor(value: str | None, floor: str | None) -> None:
    assert date_floor(value) == floor
