"""The HTTP API: real answers from the sample corpus, JSON errors, and a bounded fuzz."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factions.web.access import LOCAL_HOSTS
from factions.web.api import create_app


def _fuzzable_app(db):  # type: ignore[no-untyped-def]
    """The app as schemathesis reaches it: through a test client naming host 'testserver'."""
    return create_app(str(db), allowed_hosts=[*LOCAL_HOSTS, "testserver"])


@pytest.fixture(scope="module")
def api(sample_kb) -> TestClient:
    _, _, db = sample_kb
    return TestClient(create_app(str(db)), base_url="http://localhost")


def test_actor_profile_and_listing(api: TestClient) -> None:
    profile = api.get("/api/actors/IMU")
    assert profile.status_code == 200
    body = profile.json()
    assert body["name"] == "Islamic Movement of Uzbekistan" and "IMU" in body["aliases"]
    listing = api.get("/api/actors", params={"q": "taliban", "limit": 1}).json()
    assert listing["total"] > 1 and len(listing["actors"]) == 1
    second = api.get("/api/actors", params={"q": "taliban", "limit": 1, "offset": 1}).json()
    assert second["actors"][0]["id"] != listing["actors"][0]["id"]


def test_unknown_actor_is_404_with_suggestions(api: TestClient) -> None:
    response = api.get("/api/actors/IMX")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "no actor matches 'IMX'; did you mean IMU?"
    assert error["suggestions"] == ["IMU"]


def test_bad_parameters_are_422_json(api: TestClient) -> None:
    for url in (
        "/api/network?as_of=2015-13",
        "/api/network?as_of=2015&from=2014",
        "/api/events?limit=-1",
        "/api/network?min_certainty=sure",
        "/api/timeline?from=2015-13",
        "/api/network?as_of=2015-02-30",
        "/api/events?from=2015-00",
    ):
        response = api.get(url)
        assert response.status_code == 422, url
        assert response.json()["error"]["code"] == "invalid_parameter", url


def test_network_events_disputes_search_sources(api: TestClient) -> None:
    network = api.get("/api/network", params={"as_of": "2011", "predicate": "ally_of"}).json()
    assert any(
        e["subject_name"] == "Islamic Movement of Uzbekistan" and e["object_name"] == "Taliban"
        for e in network["edges"]
    )
    events = api.get("/api/events", params={"place": "Takhar"}).json()
    assert events["events"][0]["date"] == "2011-05-28"
    assert events["events"][0]["evidence"]
    one = api.get(f"/api/events/{events['events'][0]['id']}").json()
    assert one["sub_event_type"] == events["events"][0]["sub_event_type"]
    disputes = api.get("/api/disputes", params={"actor": "Usman Ghazi"}).json()
    assert disputes["total"] == 1
    found = api.get("/api/search", params={"q": "Yuldashov"}).json()
    assert found["entities"][0]["name"] == "Tahir Yuldashev"
    sources = api.get("/api/sources").json()
    assert any(row["name"] == "Oxus Courier" for row in sources["outlets"])
    timeline = api.get("/api/timeline", params={"actor": "IMU", "limit": 3}).json()
    assert timeline["total"] > 3 and len(timeline["entries"]) == 3


def test_openapi_lists_the_routes(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/api/actors", "/api/actors/{name_or_id}", "/api/network", "/api/events"} <= set(paths)


def test_fuzzing_the_schema_finds_no_server_error(sample_kb) -> None:
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    _, _, db = sample_kb
    schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzzable_app(db))
    failures: list[tuple[str, object, int]] = []
    fuzzed = 0
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            if response.status_code >= 500:
                failures.append((case.formatted_path, case.query, response.status_code))

        check()
        fuzzed += 1
    assert fuzzed >= 9
    assert not failures


def test_stateful_fuzzing_follows_links_and_finds_no_failure(sample_kb) -> None:
    """schemathesis in stateful mode: it follows the OpenAPI links (an actor's profile from a
    listing, an event from a page of events, an edge's claims) and checks every answer for
    server errors and against the response schemas. It does not require every schema-valid
    request to succeed: a date the calendar lacks or a predicate the vocabulary lacks is a
    422 that OpenAPI cannot express."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, settings
    from schemathesis.specs.openapi.checks import positive_data_acceptance

    _, _, db = sample_kb
    schema = schemathesis.openapi.from_asgi("/openapi.json", _fuzzable_app(db))
    followed: list[str] = []

    class Machine(schema.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response, case) -> None:  # type: ignore[no-untyped-def]
            followed.append(case.operation.label)

        def validate_response(  # type: ignore[no-untyped-def]
            self, response, case, additional_checks=None, **kwargs
        ) -> None:
            case.validate_response(
                response, excluded_checks=[positive_data_acceptance], transport_kwargs=kwargs
            )

    assert any("FirstActor" in name for name in dir(Machine))
    Machine.run(
        settings=settings(
            max_examples=15,
            stateful_step_count=5,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert "GET /api/actors/{name_or_id}" in followed


def test_an_edge_s_claims_come_back_by_id_with_their_sentences(api: TestClient) -> None:
    network = api.get("/api/network", params={"as_of": "2011", "predicate": "ally_of"}).json()
    edge = next(
        e for e in network["edges"] if e["subject_name"] == "Islamic Movement of Uzbekistan"
    )
    params = [("id", i) for i in edge["claims"]] + [("id", "c-no-such-claim")]
    claims = api.get("/api/claims", params=params).json()
    assert [c["id"] for c in claims] == edge["claims"]
    assert {c["predicate"] for c in claims} == {"ally_of"}
    assert all(c["evidence"] and c["evidence"][0]["text"] for c in claims)
    assert api.get("/api/claims").status_code == 422


def test_events_newest_first_reverse_the_order(api: TestClient) -> None:
    oldest = api.get("/api/events", params={"limit": 500}).json()["events"]
    newest = api.get("/api/events", params={"limit": 500, "newest_first": True}).json()["events"]
    assert len(oldest) == len(newest) > 5
    assert [e["id"] for e in newest] == [e["id"] for e in reversed(oldest)]


# --- input validation: one error shape, calendar-checked dates, known names --------------------


def _assert_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, (response.request.url, response.text)
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code and body["error"]["message"]
    assert "\n" not in body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/network?as_of=2015-02-30",
        "/api/network?from=2015-02-29",
        "/api/timeline?to=2015-02-30",
        "/api/events?from=2014-04-31",
        "/api/network?as_of=0000",
        "/api/events?from=0000-01",
        "/api/events?to=2015-W54",
        "/network?format=json&as_of=2015-02-30",
        "/map?format=json&from=2015-02-30",
        "/timeline?format=json&to=2015-02-30",
    ],
)
def test_impossible_dates_are_422_in_the_api_and_the_page_twins(api: TestClient, url: str) -> None:
    error = _assert_error(api.get(url), 422, "invalid_parameter")
    assert "is not a date" in error["message"]


def test_the_last_month_of_the_calendar_is_a_date(api: TestClient) -> None:
    assert api.get("/api/network?as_of=9999-12").status_code == 200


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("/api/network?predicate=allied_with", "unknown predicate 'allied_with'"),
        ("/api/network?predicate=ally_of,nonsense", "unknown predicate 'nonsense'"),
        ("/api/events?type=Picnics", "unknown event type 'Picnics'"),
        ("/api/actors?type=alien", "unknown actor type 'alien'"),
        ("/api/events?min_certainty=sure", "unknown certainty 'sure'"),
        ("/network?format=json&predicate=nonsense", "unknown predicate 'nonsense'"),
        ("/map?format=json&type=Picnics", "unknown event type 'Picnics'"),
    ],
)
def test_unknown_names_are_422(api: TestClient, url: str, says: str) -> None:
    assert _assert_error(api.get(url), 422, "invalid_parameter")["message"].startswith(says)


def test_known_event_types_and_sub_types_still_match_in_any_case(api: TestClient) -> None:
    sub_type = api.get("/api/events?limit=1").json()["events"][0]["sub_event_type"]
    found = api.get("/api/events", params={"type": sub_type.upper()}).json()
    assert found["total"] >= 1


@pytest.mark.parametrize("q", ["%", "_", "%%", "I_U", "Taliban%"])
def test_like_wildcards_are_literal_in_name_search(api: TestClient, q: str) -> None:
    found = api.get("/api/actors", params={"q": q}).json()
    assert found["total"] == 0 and found["actors"] == []


def test_pages_and_api_share_one_error_shape(api: TestClient) -> None:
    api_404 = _assert_error(api.get("/api/actors/IMX"), 404, "not_found")
    page_404 = _assert_error(api.get("/actors/IMX?format=json"), 404, "not_found")
    assert set(api_404) == set(page_404) == {"code", "message", "suggestions"}
    assert page_404["suggestions"] == api_404["suggestions"] == ["IMU"]
    _assert_error(api.get("/documents/d-none?format=json"), 404, "not_found")
    _assert_error(api.get("/api/no-such-route"), 404, "not_found")
    _assert_error(api.post("/api/stats"), 405, "method_not_allowed")


@pytest.mark.parametrize(
    "url",
    [
        "/api/stats",
        "/api/actors?q=taliban",
        "/api/actors/IMU",
        "/api/actors/IMX",
        "/api/network?as_of=2011",
        "/api/network?as_of=2015-02-30",
        "/",
        "/network",
        "/network?format=json",
        "/map",
        "/timeline",
        "/disputes",
        "/vocabulary.js",
        "/static/factions.css",
        "/openapi.json",
    ],
)
def test_head_works_where_get_does(api: TestClient, url: str) -> None:
    got, head = api.get(url), api.head(url)
    assert head.status_code == got.status_code
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
