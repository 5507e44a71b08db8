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
    """An edge drawn between them (either way round for a symmetric relation, drawn once)."""
    return page.evaluate(
        """([s, p, o]) => window.factionsNetwork.cy.edges(':visible').some((e) =>
            e.data('predicate') === p && ((e.data('source') === s && e.data('target') === o)
              || (e.data('directed') === 'no'
                  && e.data('source') === o && e.data('target') === s)))""",
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
    line = page.locator("#relations li.line").nth(0)
    line.locator("summary .toggle").click()
    quote = line.locator("blockquote").first.inner_text()
    line.locator("a.source").first.click()
    page.wait_for_url("**/documents/**#*-*")
    hits = page.locator("#doc-text .hit")
    assert hits.count() >= 1
    shown = "".join(hits.all_inner_texts())
    assert " ".join(shown.split()) == " ".join(quote.split())
    assert page.errors == []


def test_time_slider_asks_the_server_for_the_network_at_a_date(page, base_url: str) -> None:
    asked: list[str] = []
    page.on(
        "request",
        lambda r: asked.append(r.url) if "/network?" in r.url and "format=json" in r.url else None,
    )
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
    # Stored both ways, drawn once.
    assert (
        page.evaluate(
            """window.factionsNetwork.cy.edges(':visible').filter((e) =>
            e.data('predicate') === 'ally_of'
            && [e.data('source'), e.data('target')].sort().join() === 'a:imu,a:taliban').length"""
        )
        == 1
    )
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
    # A relation family filter is asked of the server too: the total drops with it.
    dropped = page.get_attribute("#families input >> nth=0", "value")
    page.uncheck("#families input >> nth=0")
    settled(page, "#graph")
    assert page.evaluate(
        "(f) => window.factionsNetwork.cy.edges().every((e) => e.data('family') !== f)",
        dropped,
    )
    assert count_of(page, "#graph", "data-total") < total


def test_clicking_an_edge_shows_its_claims_and_sentences(page, base_url: str) -> None:
    page.goto(base_url + "/network?as_of=2011")
    page.wait_for_selector("#graph[data-ready=true]")
    assert page.locator("#as-of-label").inner_text() == "2011"
    page.evaluate(
        """window.factionsNetwork.cy.edges(':visible').filter((e) =>
            [e.data('source'), e.data('target')].includes('a:imu')
            && [e.data('source'), e.data('target')].includes('a:taliban')
            && e.data('predicate') === 'ally_of')[0].emit('tap')"""
    )
    page.wait_for_selector("#detail .claim-card", timeout=15000)
    heading = page.inner_text("#detail h2")
    assert heading in (
        "Islamic Movement of Uzbekistan · ally of · Taliban",
        "Taliban · ally of · Islamic Movement of Uzbekistan",
    )
    # Each sentence once, though the relation is stored both ways.
    quotes = page.locator("#detail blockquote").all_inner_texts()
    weight = page.evaluate(
        """[...window.factionsNetwork.edgeInfo.values()].find((e) => e.predicate === 'ally_of'
            && [e.subject, e.object].sort().join() === 'a:imu,a:taliban').weight"""
    )
    assert len(quotes) == len(set(quotes)) == weight
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
    assert "Uzbekistan" in page.inner_text("#detail")
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


# --- screens an analyst reads at a glance ----------------------------------------------------

EVENT_ID = r"\\be-[0-9a-f]{6,}"
SNAKE = r"\\b[a-z]+_[a-z]+(?:_[a-z]+)*\\b"


def in_viewport(page, selector: str) -> bool:  # type: ignore[no-untyped-def]
    """The element is drawn and wholly inside the 1280×800 window."""
    return page.eval_on_selector(
        selector,
        """(el) => { const r = el.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0
              && r.right <= window.innerWidth && r.bottom <= window.innerHeight; }""",
    )


def topbar_in_view(page) -> bool:  # type: ignore[no-untyped-def]
    return page.eval_on_selector(
        ".topbar",
        "(el) => { const r = el.getBoundingClientRect(); return r.top === 0 && r.height > 40; }",
    )


def test_profile_groups_relations_with_counts(page, base_url: str) -> None:
    page.goto(base_url + "/actors/a:imu")
    lines = page.locator('#relations li.line[data-predicate="ally_of"][data-other="a:taliban"]')
    assert lines.count() == 1  # stored both ways, 7 claims: one line
    line = lines.first
    sentences = int(line.get_attribute("data-sentences"))
    assert sentences >= 2
    assert f"{sentences} sentences" in line.locator(".tally").inner_text()
    assert line.locator("svg.bar rect.held").count() == 1
    assert line.locator("blockquote").first.is_hidden()  # sentences on demand
    line.locator("summary .toggle").click()
    quotes = line.locator("blockquote").all_inner_texts()
    assert len(quotes) == len(set(quotes)) == sentences
    roles = page.locator("#roles li.line").all_inner_texts()
    assert sum("Usman Ghazi" in r and "leader" in r for r in roles) == 1
    assert page.errors == []


def visible_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.evaluate("document.body.innerText")


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#top-actors li"),
        ("/actors/a:imu", "#relations"),
        ("/actors/a:taliban", "#relations"),
        ("/actors/a:usman-ghazi", "#relations"),
        ("/network", "#graph[data-ready=true]"),
        ("/map", "#map[data-ready=true]"),
        ("/timeline", "#timeline[data-ready=true]"),
        ("/disputes", ".dispute .account"),
        ("/find?q=Uzbek+movment", "#find-results"),
        ("/docs", "#api-routes"),
    ],
)
def test_no_ids_or_snake_case_in_what_a_reader_sees(
    page, base_url: str, path: str, ready: str
) -> None:
    import re

    page.goto(base_url + path)
    page.wait_for_selector(ready, timeout=15000)
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    text = visible_text(page)
    assert not re.findall(EVENT_ID, text), path
    # Parameter names on the API page are code, not prose.
    prose = text if path != "/docs" else ""
    assert not re.findall(SNAKE, prose), (path, re.findall(SNAKE, prose)[:5])
    assert page.errors == []


def test_no_ids_in_the_reader_or_the_edge_and_mark_details(page, base_url: str) -> None:
    import re

    documents = page.request.get(base_url + "/?format=json").json()["documents"]
    for document in documents[:12]:
        page.goto(f"{base_url}/documents/{document['id']}")
        side = page.inner_text("aside.side")
        assert not re.findall(EVENT_ID, side) and not re.findall(SNAKE, side), document["title"]
    page.goto(base_url + "/timeline?actor=Taliban")
    page.wait_for_selector("#timeline[data-ready=true]")
    for index in range(page.locator("#timeline g.mark.relation").count()):
        page.locator("#timeline g.mark.relation").nth(index).click()
        page.wait_for_selector("#detail .claim-card", timeout=15000)
        detail = page.inner_text("#detail")
        assert not re.findall(EVENT_ID, detail) and not re.findall(SNAKE, detail)
        page.keyboard.press("Escape")
    assert page.errors == []


def test_the_readers_events_show_their_words_and_arguments(page, base_url: str) -> None:
    documents = page.request.get(base_url + "/?format=json").json()["documents"]
    shown = 0
    for document in documents[:12]:
        page.goto(f"{base_url}/documents/{document['id']}")
        triggers = page.locator("aside.side .event-sentence .trigger")
        if not triggers.count():
            continue
        word = triggers.first.locator("mark")
        start, end = int(word.get_attribute("data-start")), int(word.get_attribute("data-end"))
        text = page.request.get(f"{base_url}/documents/{document['id']}?format=json").json()
        assert text["text"][start:end] == word.inner_text()
        shown += page.locator("aside.side .event-sentence .argument .role").count()
        assert page.locator("aside.side .who a.actor, aside.side .who a").count()
    assert shown
    assert page.errors == []


def test_top_bar_stays_in_view_when_scrolling_and_after_a_deep_link(page, base_url: str) -> None:
    page.goto(base_url + "/actors/a:imu")
    page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    assert page.evaluate("document.documentElement.scrollHeight") > 2000
    page.mouse.wheel(0, 5000)
    page.wait_for_function("window.scrollY > 1000")
    assert topbar_in_view(page)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert topbar_in_view(page)
    # A claim's sentence, deep in a long article: the bar and the highlighted sentence both show.
    profile = page.request.get(base_url + "/actors/a:imu?format=json").json()
    last = max(
        (e for line in profile["relations"] for e in line["evidence"]), key=lambda e: e["start"]
    )
    page.goto(f"{base_url}/documents/{last['document']}#{last['start']}-{last['end']}")
    page.wait_for_selector("#doc-text .hit")
    page.wait_for_timeout(300)
    assert topbar_in_view(page)
    hit_top = page.eval_on_selector("#doc-text .hit", "(el) => el.getBoundingClientRect().top")
    assert 52 <= hit_top <= 800
    # Jumping from the claims panel to a sentence keeps the bar too.
    page.locator("#claim-lines a.jump").last.click()
    page.wait_for_timeout(300)
    assert topbar_in_view(page)
    assert page.errors == []


def test_an_edges_sentences_open_beside_the_graph(page, base_url: str) -> None:
    page.goto(base_url + "/network")
    page.wait_for_selector("#graph[data-ready=true]")
    page.evaluate(
        """window.factionsNetwork.cy.edges(':visible').filter((e) =>
            e.data('predicate') === 'ally_of')[0].emit('tap')"""
    )
    page.wait_for_selector("#edge-panel #detail .claim-card blockquote", timeout=15000)
    assert in_viewport(page, "#edge-panel")
    assert in_viewport(page, "#detail h2")
    assert in_viewport(page, "#detail .claim-card")
    # The panel sits beside the graph, not over it, and closes.
    graph = page.eval_on_selector("#graph", "(el) => el.getBoundingClientRect().right")
    panel = page.eval_on_selector("#edge-panel", "(el) => el.getBoundingClientRect().left")
    assert graph <= panel + 1
    page.click("#edge-close")
    assert page.locator("#edge-panel").is_hidden()
    assert page.errors == []


def test_network_colours_families_names_in_full_and_labels_edges_on_hover(
    page, base_url: str
) -> None:
    page.goto(base_url + "/network")
    page.wait_for_selector("#graph[data-ready=true]")
    colours = page.evaluate(
        """() => { const seen = {};
            window.factionsNetwork.cy.edges(':visible').forEach((e) => {
              seen[e.data('family')] = e.style('line-color'); });
            return seen; }"""
    )
    assert len(colours) >= 4 and len(set(colours.values())) == len(colours)
    # Every name whole (wrapped, never cut with an ellipsis).
    assert page.evaluate(
        """window.factionsNetwork.cy.nodes(':visible').every((n) =>
            n.style('label') === n.data('name') && !n.style('label').includes('…'))"""
    )
    assert page.evaluate(
        "window.factionsNetwork.cy.nodes(':visible').some((n) => n.data('name').length > 25)"
    )
    # The legend: one line per family drawn, all of it in view.
    families = page.locator("#families label.check")
    assert 4 <= families.count() <= 9
    assert in_viewport(page, "#families")
    page.evaluate(
        """window.factionsNetwork.cy.edges(':visible').filter((e) =>
            e.data('predicate') === 'ally_of')[0].emit('mouseover')"""
    )
    assert page.evaluate(
        """window.factionsNetwork.cy.edges('.hover').map((e) => e.style('label'))"""
    ) == ["ally of"]
    assert "ally of" in page.inner_text("#hover-tip")
    assert page.evaluate("labelOverlaps(window.factionsNetwork.cy)") == 0
    assert page.errors == []


def test_a_timeline_marks_detail_opens_where_the_eye_is(page, base_url: str) -> None:
    page.goto(base_url + "/timeline")
    page.wait_for_selector("#timeline[data-ready=true]")
    for selector in ("#timeline g.mark.event", "#timeline g.mark.relation"):
        marks = page.locator(selector)
        for mark in (marks.first, marks.last):
            mark.click()
            page.wait_for_selector("#popover #detail .card blockquote", timeout=15000)
            assert in_viewport(page, "#popover")
            page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    assert page.locator("#popover").is_hidden()
    assert page.errors == []


def test_the_map_names_places_and_countries(page, base_url: str) -> None:
    page.goto(base_url + "/map?place=Afghanistan")
    page.wait_for_selector("#map[data-ready=true]")
    assert count_of(page, "#map", "data-points") >= 2
    places = page.locator("#map .place-label").all_text_contents()
    countries = page.locator("#map .country-label").all_text_contents()
    assert places and all(p.strip() for p in places)
    assert "Afghanistan" in countries
    assert int(page.get_attribute("#map", "data-place-labels")) == len(places)
    # Zoomed out to the world, countries are named (those that have room), places too.
    page.goto(base_url + "/map")
    page.wait_for_selector("#map[data-ready=true]")
    assert page.locator("#map .country-label").count() >= 10
    # No circle outgrows the cap, whatever the toll.
    assert (
        page.evaluate("WorldMap.radius({fatalities: 20000})")
        <= page.evaluate("WorldMap.MAX_RADIUS")
        <= 20
    )
    assert page.evaluate("WorldMap.radius({fatalities: 10}) < WorldMap.radius({fatalities: 100})")
    biggest = page.evaluate(
        """Math.max(...[...document.querySelectorAll('#map path.leaflet-interactive')]
            .map((p) => p.getBBox().width))"""
    )
    assert biggest <= 2 * 20 + 6
    assert page.errors == []


def test_docs_page_is_not_blank_and_fetches_nothing(page, base_url: str) -> None:
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    page.goto(base_url + "/docs")
    page.wait_for_selector("#api-routes")
    assert page.locator("#api-routes section.route").count() >= 8
    assert "/api/network" in visible_text(page)
    assert page.locator('a[href="/openapi.json"]').count() == 1
    assert outside == [] and page.errors == []


def test_find_suggests_actors_for_a_misspelt_name(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("form.search.big input[name=q]", "Uzbek movment")
    page.press("form.search.big input[name=q]", "Enter")
    page.wait_for_selector("#find-results")
    first = page.locator("#find-results li").first
    assert first.locator("a.actor").inner_text() == "Islamic Movement of Uzbekistan"
    # The results page has its own box, holding what was typed, to try again.
    assert page.input_value("#find-q") == "Uzbek movment"
    page.fill("#find-q", "Talibn")
    page.press("#find-q", "Enter")
    page.wait_for_selector("#find-results")
    assert page.locator("#find-results li a.actor").first.inner_text() == "Taliban"
    assert page.errors == []


def test_overview_and_disputes_read_cleanly(page, base_url: str) -> None:
    page.goto(base_url + "/")
    metas = page.locator("#latest-events .meta").all_inner_texts()
    assert metas and all(not m.strip().endswith("·") and "· ·" not in m for m in metas)
    openings = page.locator("table .opening").all_inner_texts()
    assert len(openings) >= 10
    page.goto(base_url + "/disputes")
    ghazi = page.locator("section.dispute", has_text="Usman Ghazi")
    assert ghazi.locator("article.account ul.alternatives li").count() >= 2
    speakers = page.locator(".account .speaker").all_inner_texts()
    outlets = {
        d["outlet"] for d in page.request.get(base_url + "/?format=json").json()["documents"]
    }
    assert not [s for s in speakers if any(o and f"According to {o}" in s for o in outlets)]
    assert page.errors == []
