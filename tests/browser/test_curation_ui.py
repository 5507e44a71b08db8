"""An analyst at work in a real browser: logs in to a writable server with the write token,
merges two actors from a profile and rejects a relation's claims, then sees that the profile and
the network no longer show them. Skips like tests/browser/test_ui.py without Chromium."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import unquote

import pytest

from tests.browser.test_ui import ARGS, CHROMIUM, free_port, sync_api


@pytest.fixture(scope="module")
def writable(sample_kb, tmp_path_factory) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """A writable server on a copy of the sample knowledge base: (base url, write token)."""
    import uvicorn

    from factions.curate.access import issue_write_token
    from factions.store import open_database, writing
    from factions.web.api import create_app

    _engine, _report, sample_db = sample_kb
    db = tmp_path_factory.mktemp("curation-ui") / "kb.db"
    with sqlite3.connect(sample_db) as source, sqlite3.connect(db) as target:
        source.backup(target)
    engine = open_database(str(db), create=False)
    with writing(engine) as conn:
        token = issue_write_token(conn, "Browser Analyst", "2026-01-01T00:00:00")
    engine.dispose()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(str(db), write=True), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", token
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture
def page() -> Iterator:  # type: ignore[type-arg]
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        opened = context.new_page()
        errors: list[str] = []
        opened.on("pageerror", lambda exc: errors.append(str(exc)))
        opened.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        yield opened
        context.close()
        chromium.close()
        assert not errors, errors


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.loads(response.read())


def test_an_analyst_merges_two_actors_and_rejects_a_claim(page, writable) -> None:  # type: ignore[no-untyped-def]
    base, token = writable
    network = _json(f"{base}/api/network?limit=500")
    degree: dict[str, int] = {}
    for edge in network["edges"]:
        for end in (edge["subject"], edge["object"]):
            degree[end] = degree.get(end, 0) + 1
    # Two actors of one type, each in the network: the less connected joins the other.
    by_type: dict[str, list[str]] = {}
    for node in sorted(network["nodes"], key=lambda n: -degree.get(n["id"], 0)):
        by_type.setdefault(node["type"], []).append(node["id"])
    kept, gone = next(ids[:2] for ids in by_type.values() if len(ids) >= 2)
    kept_name = _json(f"{base}/api/actors/{kept}")["name"]
    gone_name = _json(f"{base}/api/actors/{gone}")["name"]

    # Not logged in: no buttons, a way to log in.
    page.goto(f"{base}/actors/{gone}")
    assert page.locator("form.judge").count() == 0
    page.click("#login-link")
    page.fill("input[name=token]", token)
    page.click("form.login button[type=submit]")
    page.wait_for_url(lambda url: unquote(url) == f"{base}/actors/{gone}")
    assert page.locator(".topbar .who").inner_text() == "Browser Analyst"

    # Merge from the profile: open "Merge with…", name the other actor, say why.
    page.click("#curate-entity details[data-kind=merge] > summary")
    merge = page.locator("#curate-entity form[action='/api/judgements/merge']")
    merge.locator("input[name=other]").fill(kept)
    merge.locator("input[name=why]").fill(f"{gone_name} is {kept_name} under another name")
    merge.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: unquote(url) == f"{base}/actors/{kept}")
    assert page.locator("h1").first.inner_text().startswith(kept_name)
    nodes = {n["id"] for n in _json(f"{base}/api/network?limit=500")["nodes"]}
    assert gone not in nodes and kept in nodes
    assert _json(f"{base}/api/actors/{gone}")["id"] == kept

    # Reject the claims of the profile's first relation line.
    line = page.locator("#relations li.line").first
    other = line.get_attribute("data-other")
    predicate = line.get_attribute("data-predicate")
    line.locator("summary.line-row").click()
    line.locator("details[data-kind=verdict] > summary").click()
    reject = line.locator("form[action='/api/judgements/reject']")
    claims = reject.locator("input[name=target]").evaluate_all("els => els.map(e => e.value)")
    assert claims
    before = _json(f"{base}/api/actors/{kept}")
    assert set(claims) <= {c["id"] for c in before["claims"]}
    reject.locator("input[name=why]").fill("the source retracted it")
    reject.locator("button[type=submit]").click()
    page.wait_for_load_state()
    after = _json(f"{base}/api/actors/{kept}")
    assert not set(claims) & {c["id"] for c in after["claims"]}
    shown = {(line["predicate"], line["other"]) for line in after["relations"] + after["roles"]}
    remaining = [c for c in before["claims"] if c["predicate"] == predicate and c["other"] == other]
    if len(remaining) == len(claims):  # the line had only these claims: it is gone
        assert (predicate, other) not in shown
    edges = _json(f"{base}/api/network?limit=500")["edges"]
    assert not set(claims) & {c for edge in edges for c in edge["claims"]}

    # The review page lists both decisions, by the analyst, each with an undo button.
    page.goto(f"{base}/review")
    rows = page.locator("#judgements tbody tr")
    assert rows.count() >= 2
    text = page.locator("#judgements").inner_text()
    assert "merge" in text and "reject" in text and "Browser Analyst" in text
    assert page.locator("#judgements form[action='/api/judgements/undo']").count() >= 2
