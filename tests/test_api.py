"""The HTTP API: real answers from the sample corpus, JSON errors, and a bounded fuzz."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from factions.web.api import create_app


@pytest.fixture(scope="module")
def api(sample_kb) -> TestClient:
    _, _, db = sample_kb
    return TestClient(create_app(str(db)))


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
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(str(db)))
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
