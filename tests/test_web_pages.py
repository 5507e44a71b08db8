"""The analysts' pages through an ASGI client: every page renders, has a JSON twin, links each
line to its evidence, shows untrusted article text only as text, and asks the query layer for a
bounded answer rather than reading the whole knowledge base."""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from factions.query.documents import DocumentView, MentionSpan, document_segments
from factions.web import pages as pages_module
from factions.web.pages import CSP, OVERVIEW_DOCUMENTS, date_floor, register_pages

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
    assert data["counts"]["documents"] == len(report.new) + 1 == data["documents_total"]
    assert len(data["documents"]) == min(OVERVIEW_DOCUMENTS, data["documents_total"])
    published = [d["published"] for d in data["documents"] if d["published"]]
    assert published == sorted(published, reverse=True)
    assert f'data-count="documents">{data["counts"]["documents"]}<' in html
    top = data["top_actors"][0]
    assert f'href="{href("actors", top["id"])}"' in html


def test_overview_shows_the_latest_events_and_some_disputes(client: TestClient) -> None:
    data = client.get("/?format=json").json()
    latest = data["latest_events"]
    assert 1 <= len(latest) <= 8 and all(e["date"] for e in latest)
    assert [e["sort_date"] for e in latest] == sorted(
        (e["sort_date"] for e in latest), reverse=True
    )
    # The newest dated event of the whole sample is among them.
    every = client.get("/map?format=json").json()["events"]
    newest = max(date_floor(e["date"]) for e in every if e["date"])
    assert latest[0]["sort_date"] == newest
    assert data["disputes_total"] == data["counts"]["disputes"] >= len(data["disputes"]) >= 1


def test_overview_counts_a_disputes_accounts_in_words(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factions.web import pages

    shown = pages.overview_data

    def one_account_first(conn):  # type: ignore[no-untyped-def]
        # A dispute can be one account naming its alternatives ("killed or captured").
        data = shown(conn)
        data["disputes"][0]["accounts"] = data["disputes"][0]["accounts"][:1]
        return data

    monkeypatch.setattr(pages, "overview_data", one_account_first)
    html = client.get("/").text
    short = html[html.index('class="disputes-short"') : html.index("Compare the accounts")]
    counts = re.findall(r"(\d+) (accounts?)<", short)
    assert counts and counts[0] == ("1", "account")
    assert all(word == ("account" if n == "1" else "accounts") for n, word in counts)


def test_profile_lines_link_to_their_evidence_in_the_reader(client: TestClient) -> None:
    profile = first_actor_with_relations(client)
    html = client.get(f"/actors/{profile['id']}").text
    line = profile["relations"][0]
    evidence = line["evidence"][0]
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


def twin(client: TestClient, path: str, params: dict) -> dict:
    """A page's JSON twin with query parameters (httpx's `params` replace the URL's query)."""
    response = client.get(path, params={**params, "format": "json"})
    assert response.status_code == 200, response.text
    return response.json()


def edge_keys(network: dict) -> set[tuple[str, str, str]]:
    return {(e["subject"], e["predicate"], e["object"]) for e in network["edges"]}


def test_network_twin_is_the_query_layers_network_as_of_a_date(client: TestClient) -> None:
    network = twin(client, "/network", {"as_of": "2011"})
    assert network["as_of"] == "2011"
    # The slider's range: the sample's first and last publication dates.
    assert (network["first_date"], network["last_date"]) == ("2009-10-04", "2017-01-30")
    keys = edge_keys(network)
    assert ("a:imu", "ally_of", "a:taliban") in keys or ("a:taliban", "ally_of", "a:imu") in keys
    node_ids = {n["id"] for n in network["nodes"]}
    assert {"a:imu", "a:taliban"} <= node_ids
    for edge in network["edges"]:
        assert edge["subject"] in node_ids and edge["object"] in node_ids
        assert edge["claims"] and edge["weight"] >= 1
    assert network["total_edges"] == len(network["edges"])


def test_network_changes_with_the_date_and_is_bounded(client: TestClient) -> None:
    everything = client.get("/network?format=json").json()
    early = twin(client, "/network", {"as_of": "2009-10"})
    later = twin(client, "/network", {"as_of": "2011"})
    assert 0 < early["total_edges"] < everything["total_edges"]
    assert edge_keys(early) != edge_keys(later)
    assert len(everything["edges"]) >= 10 and len(everything["nodes"]) >= 10
    few = twin(client, "/network", {"limit": 5})
    assert len(few["edges"]) == 5 and few["total_edges"] == everything["total_edges"] > 5
    weights = [e["weight"] for e in few["edges"]]
    assert weights == sorted(weights, reverse=True)
    assert weights[-1] >= max(e["weight"] for e in everything["edges"][5:])
    only = twin(client, "/network", {"predicate": "fights"})
    assert only["edges"] and {e["predicate"] for e in only["edges"]} == {"fights"}


def test_network_page_tells_the_script_where_to_ask(client: TestClient) -> None:
    html = client.get("/network?as_of=2011&limit=40").text
    # The page's own JSON twin: a symmetric relation once (as /api/network's symmetric_once).
    assert 'data-api="/network"' in html
    assert 'data-first="2009-10-04"' in html and 'data-last="2017-01-30"' in html
    assert 'data-as-of="2011"' in html and 'data-limit="40"' in html
    bad = client.get("/network?format=json&as_of=June")
    assert bad.status_code == 422 and "June" in bad.json()["error"]["message"]


def test_map_twin_places_events_and_filters_on_the_server(client: TestClient) -> None:
    data = client.get("/map?format=json").json()
    events = data["events"]
    assert data["total"] == len(events) <= data["limit"]
    located = [e for e in events if e["lat"] is not None]
    assert len(located) >= 5
    assert all(-90 <= e["lat"] <= 90 and -180 <= e["lon"] <= 180 for e in located)
    assert {"Battles", "Explosions/Remote violence"} <= {e["event_type"] for e in events}
    strategic = twin(client, "/map", {"type": "Strategic developments"})
    assert 0 < strategic["total"] < data["total"]
    assert {e["event_type"] for e in strategic["events"]} == {"Strategic developments"}
    boko = twin(client, "/map", {"actor": "Boko Haram"})
    assert 0 < boko["total"] < data["total"]
    assert all(any(p["id"] == "a:boko-haram" for p in e["participants"]) for e in boko["events"])
    afghanistan = twin(client, "/map", {"place": "Afghanistan"})
    assert 0 < afghanistan["total"] < data["total"]
    early = twin(client, "/map", {"to": "2010-12-31"})
    assert 0 < early["total"] < data["total"]
    few = twin(client, "/map", {"limit": 5})
    assert len(few["events"]) == 5 and few["total"] == data["total"]
    missing = client.get("/map", params={"actor": "Talibn", "format": "json"})
    assert missing.status_code == 404 and "Taliban" in missing.json()["error"]["message"]


def test_map_page_keeps_its_filters_in_the_form(client: TestClient) -> None:
    html = client.get("/map", params={"actor": "IMU", "type": "Battles", "limit": 7}).text
    assert 'id="actor" name="actor"' in html and 'value="IMU"' in html
    assert 'data-value="Battles"' in html and 'data-limit="7"' in html
    assert 'data-api="/api/events"' in html


def test_timeline_twin_of_the_whole_base_and_of_one_actor(client: TestClient) -> None:
    whole = client.get("/timeline?format=json").json()
    assert whole["events"] and all(e["sort_date"] for e in whole["events"])
    assert len(whole["events"]) <= whole["events_total"]
    assert whole["relations"] and all(r["since"] and r["claims"] for r in whole["relations"])
    imu = twin(client, "/timeline", {"actor": "IMU"})
    assert (imu["actor"], imu["actor_name"]) == ("a:imu", "Islamic Movement of Uzbekistan")
    # An actor's relations are the claims among its earliest entries, the whole base's the
    # heaviest edges: the page's note says which.
    assert (imu["relations_chosen"], whole["relations_chosen"]) == ("earliest", "heaviest")
    assert imu["relations"]
    for relation in imu["relations"]:
        assert "a:imu" in (relation["subject"], relation["object"])
        assert relation["since"] and relation["claims"] == [relation["id"]]
    html = client.get("/timeline", params={"actor": "IMU"}).text
    assert 'data-url="/timeline?actor=IMU&amp;format=json"' in html
    assert client.get("/timeline?format=json&actor=Talibn").status_code == 404


def test_disputes_show_each_claim_with_speaker_and_source(client: TestClient) -> None:
    data = client.get("/disputes?format=json").json()
    disputes = data["disputes"]
    assert disputes and all(len(d["claims"]) >= 2 for d in disputes)
    assert data["total"] == len(disputes)
    html = client.get("/disputes").text
    # One card per account: the claims one sentence names as alternatives share a card.
    assert html.count('class="account"') == sum(len(d["accounts"]) for d in disputes)
    assert sum(len(a["alternatives"]) for d in disputes for a in d["accounts"]) == sum(
        len(d["claims"]) for d in disputes
    )
    rest = client.get("/disputes?format=json&offset=2").json()
    assert [d["id"] for d in rest["disputes"]] == [d["id"] for d in disputes[2:]]


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


def test_pages_use_the_query_layer_only() -> None:
    """One query layer for the CLI, the API and the web UI: nothing under factions.web rebuilds
    answers from the export rows or the resolver's tables."""
    forbidden = ("factions.export", "factions.resolve")
    for source in sorted(Path(pages_module.__file__).parent.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        bad = [name for name in imported if name.startswith(forbidden)]
        assert not bad, f"{source.name} imports {bad}"


def test_profile_twin_draws_its_own_events(client: TestClient) -> None:
    profile = client.get("/actors/a:imu?format=json").json()
    dated = [e for e in profile["events"] if e["date"]]
    assert len(profile["strip"]["points"]) == len(dated)
    assert all(0 <= p["x"] <= 100 for p in profile["strip"]["points"])
    html = client.get("/actors/a:imu").text
    assert 'data-api="/api/events" data-actor="a:imu"' in html


def test_overview_meta_lines_never_dangle(client: TestClient) -> None:
    html = client.get("/").text
    latest = html[html.index('id="latest-events"') : html.index("All events on the timeline")]
    # Events without a place, actors or a toll: no separator left hanging.
    assert not re.search(r"·\s*</div>", latest)
    assert not re.search(r"<div class=\"meta\">\s*·", latest)
    data = client.get("/?format=json").json()
    assert all("opening" in d for d in data["documents"])


def test_profile_page_draws_one_line_per_relation(client: TestClient) -> None:
    profile = client.get("/actors/a:imu?format=json").json()
    html = client.get("/actors/a:imu").text
    assert html.count('data-predicate="ally_of" data-other="a:taliban"') == 1
    lines = profile["roles"] + profile["relations"]
    assert html.count('<li class="line') == len(lines)
    assert all(0 <= line["bar"]["x"] <= 100 for line in lines if line["bar"])
    assert [f["family"] for f in profile["families"]] == [
        f for f in ("alliance", "hostility", "hierarchy", "splinter", "merger", "membership",
                    "presence", "event", "attribute")
        if any(li["family"] == f for li in profile["relations"])
    ]  # fmt: skip


def test_find_page_ranks_actors_and_has_its_own_search_box(client: TestClient) -> None:
    page = client.get("/find", params={"q": "Uzbek movment"})
    assert page.status_code == 200
    assert 'id="find-q"' in page.text and 'value="Uzbek movment"' in page.text
    data = client.get("/find", params={"q": "Uzbek movment", "format": "json"}).json()
    assert data["actors"][0]["id"] == "a:imu" and data["entity"] is None
    assert 'id="find-q"' in client.get("/find").text


def test_sentences_behind_claims_come_once(client: TestClient) -> None:
    network = client.get("/network?format=json&predicate=ally_of").json()
    edge = next(
        e for e in network["edges"] if {e["subject"], e["object"]} == {"a:imu", "a:taliban"}
    )
    query = "&".join(f"id={quote(i)}" for i in edge["claims"])
    data = client.get(f"/claims?{query}&format=json").json()
    keys = [(s["evidence"]["document"], s["evidence"]["start"]) for s in data["sentences"]]
    assert len(keys) == len(set(keys)) == edge["weight"]
    assert client.get(f"/claims?{query}").status_code == 200


def test_vocabulary_script_carries_families_and_symmetry(client: TestClient) -> None:
    script = client.get("/vocabulary.js").text
    data = json.loads(script.split("=", 1)[1].rstrip().rstrip(";"))
    assert data["predicates"]["ally_of"]["symmetric"] is True
    assert data["predicates"]["fights"]["symmetric"] is False
    colours = data["family_colours"]
    drawn = ("alliance", "hostility", "hierarchy", "splinter", "merger", "membership", "presence")
    assert len({colours[f] for f in drawn}) == len(drawn)
