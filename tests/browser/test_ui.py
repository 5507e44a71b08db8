"""The web UI in a real browser (Debian's Chromium driven by Playwright) on the sample corpus.

Skips with a reason when /usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_web_pages import HOSTILE_TITLE, sample_with_hostile_article

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} not found: install Debian's chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_app(db: Path):  # type: ignore[no-untyped-def]
    """The API app with the pages on it (unless create_app already adds them)."""
    from factions.web.api import create_app
    from factions.web.pages import register_pages

    app = create_app(str(db))
    if not any(getattr(route, "path", None) == "/network" for route in app.routes):
        register_pages(app, app.state.engine)
    return app


@pytest.fixture(scope="session")
def base_url(sample_kb, tmp_path_factory) -> Iterator[str]:
    import uvicorn

    db = sample_with_hostile_article(sample_kb, tmp_path_factory.mktemp("browser"))
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(build_app(db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    """A 1280×800 page that records script errors and console errors (CSP violations too)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: page.errors.append(msg.text) if msg.type == "error" else None,
    )
    yield page
    context.close()


def count_of(page, selector: str, attribute: str) -> int:  # type: ignore[no-untyped-def]
    return int(page.get_attribute(selector, attribute))


def settled(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Wait until the page has drawn the server's answer to the last change."""
    page.wait_for_selector(f"{selector}[data-state=ready]", timeout=15000)


def slide_to(page, as_of: str) -> None:  # type: ignore[no-untyped-def]
    """Move the network's time slider to a stop, as a reader dragging it would."""
    page.eval_on_selector(
        "#as-of",
        """(el, asOf) => {
            const stops = [...Array(Number(el.max)).keys()].map((i) => {
                el.value = String(i); el.dispatchEvent(new Event('input'));
                return document.getElementById('as-of-label').value;
            });
            el.value = String(stops.indexOf(asOf));
            el.dispatchEvent(new Event('input'));
        }""",
        as_of,
    )
    page.wait_for_selector(f'#graph[data-as-of="{as_of}"][data-state=ready]', timeout=15000)


def has_edge(page, subject: str, predicate: str, obj: str) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate(
        """([s, p, o]) => window.factionsNetwork.cy.edges(':visible').some((e) =>
            e.data('source') === s && e.data('predicate') === p && e.data('target') === o)""",
        [subject, predicate, obj],
    )


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#top-actors li"),
        ("/network", "#graph[data-ready=true]"),
        ("/map", "#map[data-ready=true]"),
        ("/timeline", "#timeline[data-ready=true]"),
        ("/disputes", ".dispute .account"),
    ],
)
def test_each_page_loads_without_errors(page, base_url: str, path: str, ready: str) -> None:
    page.goto(base_url + path)
    page.wait_for_selector(ready, timeout=15000)
    page.screenshot(path=f"/tmp/ui-test{path.replace('/', '-') or '-'}.png")
    assert page.errors == []


def test_profile_relation_evidence_document(page, base_url: str) -> None:
    page.goto(base_url + "/find?q=IMU")
    assert page.locator("h1").first.inner_text().startswith("Islamic Movement of Uzbekistan")
    claim = page.locator("table.claims tr.claim").nth(0)
    claim.locator("details.evidence summary").click()
    quote = claim.locator("blockquote").first.inner_text()
    claim.locator("a.source").first.click()
    page.wait_for_url("**/documents/**#*-*")
    hits = page.locator("#doc-text .hit")
    assert hits.count() >= 1
    shown = "".join(hits.all_inner_texts())
    assert " ".join(shown.split()) == " ".join(quote.split())
    assert page.errors == []


def test_time_slider_asks_the_server_for_the_network_at_a_date(page, base_url: str) -> None:
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/network" in r.url else None)
    page.goto(base_url + "/network")
    page.wait_for_selector("#graph[data-ready=true]")
    all_nodes = count_of(page, "#graph", "data-nodes")
    all_edges = count_of(page, "#graph", "data-edges")
    assert all_nodes >= 10
    assert page.evaluate("labelOverlaps(window.factionsNetwork.cy)") == 0
    assert page.locator("#as-of-label").inner_text() == "all dates"
    slide_to(page, "2011")
    nodes_2011 = count_of(page, "#graph", "data-nodes")
    edges_2011 = count_of(page, "#graph", "data-edges")
    assert edges_2011 < all_edges and nodes_2011 < all_nodes
    assert has_edge(page, "a:imu", "ally_of", "a:taliban")
    assert page.locator("#net-count").inner_text() == f"{nodes_2011} actors, {edges_2011} relations"
    assert "as_of=2011" in page.url
    slide_to(page, "2009")
    assert (count_of(page, "#graph", "data-nodes"), count_of(page, "#graph", "data-edges")) != (
        nodes_2011,
        edges_2011,
    )
    assert not has_edge(page, "a:imu", "ally_of", "a:taliban")
    # Dragging across every stop asked once, after the reader stopped (the requests debounce).
    assert sum("as_of=2011" in url for url in asked) == 1
    assert all("limit=250" in url for url in asked)
    assert page.errors == []


def test_network_says_how_much_it_shows(page, base_url: str) -> None:
    page.goto(base_url + "/network?limit=10")
    page.wait_for_selector("#graph[data-ready=true]")
    total = count_of(page, "#graph", "data-total")
    assert count_of(page, "#graph", "data-shown") == 10 < total
    assert f"showing 10 of {total} relations" in page.locator("#net-total").inner_text()
    # A relation filter is asked of the server too: the total drops with it.
    dropped = page.get_attribute("#predicates input >> nth=0", "value")
    page.uncheck("#predicates input >> nth=0")
    settled(page, "#graph")
    assert page.evaluate(
        "(p) => window.factionsNetwork.cy.edges().every((e) => e.data('predicate') !== p)",
        dropped,
    )
    assert count_of(page, "#graph", "data-total") < total


def test_clicking_an_edge_shows_its_claims_and_sentences(page, base_url: str) -> None:
    page.goto(base_url + "/network?as_of=2011")
    page.wait_for_selector("#graph[data-ready=true]")
    assert page.locator("#as-of-label").inner_text() == "2011"
    page.evaluate(
        """window.factionsNetwork.cy.edges(':visible').filter((e) =>
            e.data('source') === 'a:imu' && e.data('predicate') === 'ally_of')[0].emit('tap')"""
    )
    page.wait_for_selector("#detail .claim-card", timeout=15000)
    assert "Islamic Movement of Uzbekistan · ally of · Taliban" in page.inner_text("#detail h2")
    assert page.locator("#detail blockquote").first.inner_text().strip()
    assert page.locator("#detail a.source").first.get_attribute("href").startswith("/documents/")
    assert page.errors == []


def test_map_filters_ask_the_server(page, base_url: str) -> None:
    page.goto(base_url + "/map")
    page.wait_for_selector("#map[data-ready=true]")
    everything = count_of(page, "#map", "data-points")
    total = count_of(page, "#map", "data-total")
    assert everything >= 5 and total >= everything
    assert page.locator("#map path.leaflet-interactive").count() >= everything
    page.select_option("#event-type", "Strategic developments")
    settled(page, "#map")
    strategic = count_of(page, "#map", "data-points")
    assert 0 < strategic < everything
    assert page.locator("#map-count").inner_text() == str(strategic)
    assert "type=Strategic+developments" in page.url
    page.select_option("#event-type", "")
    page.fill("#date-to", "2010-12-31")
    page.dispatch_event("#date-to", "change")
    settled(page, "#map")
    assert 0 < count_of(page, "#map", "data-points") < everything
    page.fill("#date-to", "")
    page.fill("#actor", "Boko Haram")
    page.dispatch_event("#actor", "change")
    settled(page, "#map")
    assert 0 < count_of(page, "#map", "data-total") < total
    page.fill("#actor", "")
    page.fill("#place", "Afghanistan")
    page.dispatch_event("#place", "change")
    settled(page, "#map")
    assert 0 < count_of(page, "#map", "data-points") < everything
    assert page.errors == []


def test_map_shows_a_bounded_page_and_says_so(page, base_url: str) -> None:
    page.goto(base_url + "/map?limit=5")
    page.wait_for_selector("#map[data-ready=true]")
    total = count_of(page, "#map", "data-total")
    assert count_of(page, "#map", "data-points") <= 5 < total
    assert f"Showing 5 of {total} events" in page.inner_text("#map-total")
    page.fill("#actor", "Talibn")
    page.dispatch_event("#actor", "change")
    page.wait_for_selector("#map[data-state=error]")
    assert "Taliban" in page.inner_text("#map-error")
    assert count_of(page, "#map", "data-points") == 0


def test_timeline_zooms_and_opens_evidence(page, base_url: str) -> None:
    page.goto(base_url + "/timeline")
    page.wait_for_selector("#timeline[data-ready=true]")
    before = count_of(page, "#timeline", "data-items")
    for _ in range(3):
        page.click("#zoom-in")
    assert count_of(page, "#timeline", "data-items") < before
    page.click("#zoom-reset")
    page.locator("#timeline g.mark.event").first.click()
    assert page.locator("#detail .event-card blockquote").count() >= 1
    page.locator("#timeline g.mark.relation").first.click()
    page.wait_for_selector("#detail .claim-card blockquote", timeout=15000)
    assert page.errors == []


def test_timeline_of_one_actor(page, base_url: str) -> None:
    page.goto(base_url + "/timeline")
    page.wait_for_selector("#timeline[data-ready=true]")
    everything = count_of(page, "#timeline", "data-items")
    page.fill("#tl-actor", "IMU")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/timeline?actor=IMU*")
    page.wait_for_selector("#timeline[data-ready=true]")
    assert 0 < count_of(page, "#timeline", "data-items") < everything
    assert "Islamic Movement of Uzbekistan" in page.inner_text("#tl-counts")
    page.locator("#timeline g.mark.relation").first.click()
    page.wait_for_selector("#detail .claim-card", timeout=15000)
    assert "Uzbekistan" in page.inner_text("#detail .claim-card")
    assert page.errors == []


def test_injected_markup_never_runs(page, base_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    documents = page.request.get(base_url + "/?format=json").json()["documents"]
    doc_id = next(d["id"] for d in documents if d["title"] == HOSTILE_TITLE)
    page.goto(f"{base_url}/documents/{doc_id}")
    title = page.title()
    assert title == f"{HOSTILE_TITLE} · factions"
    assert page.locator("#doc-title").inner_text() == HOSTILE_TITLE
    text = page.locator("#doc-text").inner_text()
    assert "<script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert page.locator("#doc-text img, #doc-text svg, #doc-text script, main svg").count() == 0
    page.goto(base_url + "/")
    page.wait_for_timeout(300)
    assert page.title() == "Overview · factions"
    assert dialogs == [], f"a payload ran: {dialogs}"
