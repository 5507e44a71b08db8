"""Judgements over HTTP: a read-only server refuses every write; a writable one (`factions serve
--write`) needs the write token (a Bearer header, or a login session) and, for a session, the
page's CSRF token; the token is stored only as a hash; buttons show only to a logged-in analyst."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import RowMapping, select, text
from typer.testing import CliRunner

from factions.cli import app as cli
from factions.curate.access import WRITE_TOKEN_KEY, issue_write_token
from factions.store import StoreError, open_database, schema, writing
from factions.web.api import create_app
from factions.web.curation import SESSION_COOKIE, WRITE_KINDS

BASE = "http://127.0.0.1"


def _copy(sample_kb, new_kb_db) -> str:  # type: ignore[no-untyped-def]
    engine, _report, sample_db = sample_kb
    # PostgreSQL copies a database nobody is connected to.
    engine.dispose()
    return new_kb_db("kb.db", copy_of=sample_db)


@pytest.fixture(scope="module")
def db(sample_kb, backend, tmp_path_factory, request) -> str:  # type: ignore[no-untyped-def]
    """A copy of the sample knowledge base for this module, on the back end of its tests."""
    engine, _report, sample_db = sample_kb
    engine.dispose()
    if backend == "postgresql":
        server = request.getfixturevalue("postgres_server")
        copy = server.create(copy_of=str(sample_db))
        request.addfinalizer(lambda: server.drop(copy))
        return copy
    from tests.conftest import _copy_sqlite

    path = tmp_path_factory.mktemp("curweb") / "kb.db"
    _copy_sqlite(Path(sample_db), path)
    return str(path)


@pytest.fixture(scope="module")
def token(db: str) -> str:
    engine = open_database(str(db), create=False)
    with writing(engine) as conn:
        made = issue_write_token(conn, "Ana Analyst", "2026-01-01T00:00:00")
    engine.dispose()
    return made


@pytest.fixture(scope="module")
def writable(db: str, token: str) -> TestClient:
    return TestClient(create_app(str(db), write=True), base_url=BASE)


@pytest.fixture(scope="module")
def read_only(db: str, token: str) -> TestClient:
    return TestClient(create_app(str(db)), base_url=BASE)


def _read(db: str, statement: str) -> list[RowMapping]:
    engine = open_database(db, create=False)
    with engine.connect() as conn:
        rows = list(conn.execute(text(statement)).mappings())
    engine.dispose()
    return rows


def _judgements(db: str) -> list[RowMapping]:
    return _read(db, "SELECT * FROM judgements ORDER BY created_at, id")


def _a_claim(db: str) -> str:
    return _read(db, "SELECT id FROM claims ORDER BY id LIMIT 1")[0]["id"]


def _an_event(db: str) -> str:
    return _read(db, "SELECT id FROM events ORDER BY id LIMIT 1")[0]["id"]


def _logged_in(db: str, token: str) -> tuple[TestClient, str]:
    """A browser-like client with a session, and the CSRF token its pages carry."""
    client = TestClient(create_app(str(db), write=True), base_url=BASE)
    response = client.post(
        "/login", data={"token": token, "next": "/review"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/review"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    page = client.get("/review")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf, "the review page carries no CSRF token"
    return client, csrf.group(1)


def _error_code(response) -> str:  # type: ignore[no-untyped-def]
    return response.json()["error"]["code"]


# --- the token -------------------------------------------------------------------------------


def test_the_write_token_is_stored_hashed(db: str, token: str) -> None:
    with open_database(str(db), read_only=True).connect() as conn:
        stored = conn.execute(
            select(schema.meta.c.value).where(schema.meta.c.key == WRITE_TOKEN_KEY)
        ).scalar()
    assert token not in stored
    assert hashlib.sha256(token.encode()).hexdigest() in stored and "Ana Analyst" in stored


def test_a_writable_server_needs_a_stored_token(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(StoreError, match="factions serve --write"):
        create_app(_copy(sample_kb, new_kb_db), write=True)


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", WRITE_KINDS)
def test_a_read_only_server_refuses_every_write(
    read_only: TestClient, db: str, token: str, kind: str
) -> None:
    before = len(_judgements(db))
    for auth in ({}, {"Authorization": f"Bearer {token}"}):
        response = read_only.post(
            f"/api/judgements/{kind}", json={"target": _a_claim(db), "why": "x"}, headers=auth
        )
        assert response.status_code == 403 and _error_code(response) == "read_only"
    form = read_only.post(
        f"/api/judgements/{kind}", data={"target": "x", "why": "x"}, follow_redirects=False
    )
    assert form.status_code == 403
    assert read_only.post("/login", data={"token": token}).status_code == 403
    assert len(_judgements(db)) == before


def test_without_a_token_a_write_is_refused(writable: TestClient, db: str) -> None:
    before = len(_judgements(db))
    response = writable.post("/api/judgements/reject", json={"target": _a_claim(db), "why": "x"})
    assert response.status_code == 401 and _error_code(response) == "unauthorized"
    form = writable.post(
        "/api/judgements/reject",
        data={"target": _a_claim(db), "why": "x"},
        follow_redirects=False,
    )
    assert form.status_code == 401
    assert len(_judgements(db)) == before


def test_a_wrong_token_is_refused(writable: TestClient, db: str, token: str) -> None:
    before = len(_judgements(db))
    response = writable.post(
        "/api/judgements/reject",
        json={"target": _a_claim(db), "why": "x"},
        headers={"Authorization": f"Bearer {token}x"},
    )
    assert response.status_code == 401 and _error_code(response) == "bad_token"
    login = writable.post("/login", data={"token": token[:-1]}, follow_redirects=False)
    assert login.status_code == 401 and SESSION_COOKIE not in login.headers.get("set-cookie", "")
    assert len(_judgements(db)) == before


def test_a_session_without_its_csrf_token_is_refused(db: str, token: str) -> None:
    client, csrf = _logged_in(db, token)
    before = len(_judgements(db))
    target = {"target": _a_claim(db), "why": "posted from another site"}
    for data, headers in (
        (target, {}),
        ({**target, "csrf": csrf[:-2]}, {}),
        (target, {"X-CSRF-Token": "not-it"}),
    ):
        response = client.post("/api/judgements/reject", data=data, headers=headers)
        assert response.status_code == 403, response.text
    as_json = client.post("/api/judgements/reject", json=target)
    assert as_json.status_code == 403 and _error_code(as_json) == "csrf_token"
    assert len(_judgements(db)) == before


def test_a_judgement_without_a_reason_is_refused(writable: TestClient, db: str, token: str) -> None:
    response = writable.post(
        "/api/judgements/reject",
        json={"target": _a_claim(db), "why": " "},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400 and _error_code(response) == "invalid_judgement"


# --- writes that succeed ---------------------------------------------------------------------


def test_a_bearer_token_writes_as_its_owner(writable: TestClient, db: str, token: str) -> None:
    event = _an_event(db)
    response = writable.post(
        "/api/judgements/correct",
        json={"target": event, "field": "fatalities", "value": "3", "why": "the ministry's count"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.text
    (made,) = response.json()["judgements"]
    assert made["by"] == "Ana Analyst" and made["value"] == {"field": "fatalities", "value": 3}
    listed = {j["id"]: j for j in writable.get("/review?format=json").json()["judgements"]}
    assert listed[made["id"]]["undone"] is False and listed[made["id"]]["by"] == "Ana Analyst"
    undo = writable.post(
        "/api/judgements/undo",
        json={"target": made["id"], "why": "wrong event"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert undo.status_code == 201
    listed = {j["id"]: j for j in writable.get("/review?format=json").json()["judgements"]}
    assert listed[made["id"]]["undone"] is True
    rows = _judgements(db)
    assert [r["kind"] for r in rows[-2:]] == ["correct", "undo"]
    assert {r["author"] for r in rows[-2:]} == {"Ana Analyst"}


def test_a_session_with_its_csrf_token_writes(db: str, token: str) -> None:
    client, csrf = _logged_in(db, token)
    (row,) = _read(
        db, "SELECT id, subject FROM claims WHERE object IS NOT NULL ORDER BY id DESC LIMIT 1"
    )
    claim, subject = row["id"], row["subject"]

    def profile_claims() -> set[str]:
        return {c["id"] for c in client.get(f"/api/actors/{subject}").json()["claims"]}

    assert claim in profile_claims()
    response = client.post(
        "/api/judgements/reject",
        data={"target": claim, "why": "one anonymous source", "csrf": csrf, "next": "/claims"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/claims"
    last = _judgements(db)[-1]
    assert (last["kind"], last["target_id"], last["author"]) == ("reject", claim, "Ana Analyst")
    assert claim not in profile_claims()
    # A script holding a session sends the token as a header instead.
    accepted = client.post(
        "/api/judgements/accept",
        json={"target": claim, "why": "confirmed after all"},
        headers={"X-CSRF-Token": csrf},
    )
    assert accepted.status_code == 201


def test_a_form_is_sent_back_only_to_this_site(db: str, token: str) -> None:
    client, csrf = _logged_in(db, token)
    response = client.post(
        "/api/judgements/accept",
        data={"target": _a_claim(db), "why": "fine", "csrf": csrf, "next": "//evil.example/"},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/review"


# --- the pages -------------------------------------------------------------------------------


def _first_actor(client: TestClient) -> str:
    return client.get("/api/actors", params={"limit": 1}).json()["actors"][0]["id"]


def test_buttons_show_only_to_a_logged_in_analyst_on_a_writable_server(
    read_only: TestClient, writable: TestClient, db: str, token: str
) -> None:
    actor = _first_actor(read_only)
    for client in (read_only, writable):
        for path in (f"/actors/{actor}", "/review", "/disputes"):
            page = client.get(path)
            assert page.status_code == 200 and 'action="/api/judgements' not in page.text, path
    assert "Log in to judge" in writable.get("/review").text
    assert "Log in to judge" not in read_only.get("/review").text
    client, _ = _logged_in(db, token)
    profile = client.get(f"/actors/{actor}").text
    assert 'action="/api/judgements/merge"' in profile
    assert 'action="/api/judgements/rename"' in profile
    assert 'action="/api/judgements/reject"' in profile
    assert "Ana Analyst" in profile
    review = client.get("/review").text
    assert review.count('action="/api/judgements/') > 3
    assert 'action="/api/judgements/close-dispute"' in client.get("/disputes").text


def test_the_review_page_lists_the_queue_most_useful_first(read_only: TestClient) -> None:
    data = read_only.get("/review", params={"format": "json"}).json()
    weights = {"duplicate": 4, "dispute": 3, "mixed-type": 2, "incomplete-event": 1}
    kinds = [weights[item["kind"]] for item in data["items"]]
    assert kinds and kinds == sorted(kinds, reverse=True)
    assert all(item["sentences"] for item in data["items"][:5])


def test_logout_ends_the_session(db: str, token: str) -> None:
    client, csrf = _logged_in(db, token)
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    response = client.post(
        "/api/judgements/accept", data={"target": _a_claim(db), "why": "x", "csrf": csrf}
    )
    assert response.status_code == 401


# --- the command line ------------------------------------------------------------------------


def test_factions_serve_write_prints_the_token_once_and_stores_its_hash(
    sample_kb,  # type: ignore[no-untyped-def]
    new_kb_db,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    from factions.web.api import app_from_environment

    copy = _copy(sample_kb, new_kb_db)
    for name in ("FACTIONS_DB", "FACTIONS_WRITE", "FACTIONS_BIND_HOST", "FACTIONS_ALLOW_HOSTS"):
        monkeypatch.setenv(name, "")
    monkeypatch.delenv("FACTIONS_TOKEN", raising=False)
    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append((a, k)))
    runner = CliRunner()
    refused = runner.invoke(cli, ["serve", "--db", str(copy), "--as", "Bo"])
    assert refused.exit_code == 2 and "--write" in refused.output
    result = runner.invoke(cli, ["serve", "--db", str(copy), "--write", "--as", "Bo Analyst"])
    assert result.exit_code == 0, result.output
    assert started and "writable" in result.output
    printed = re.search(r"write token for Bo Analyst: (\S+)", result.output)
    assert printed
    written = printed.group(1)
    assert not [r for r in _read(copy, "SELECT value FROM meta") if written in r["value"]]
    if "://" not in copy:  # the whole SQLite file, not only the table it should be in
        assert written not in Path(copy).read_bytes().decode("latin-1")
    client = TestClient(app_from_environment(), base_url=BASE)
    response = client.post(
        "/api/judgements/reject",
        json={"target": _a_claim(copy), "why": "from the command line's token"},
        headers={"Authorization": f"Bearer {written}"},
    )
    assert response.status_code == 201 and response.json()["judgements"][0]["by"] == "Bo Analyst"
    # Without --write the same knowledge base is served read-only.
    result = runner.invoke(cli, ["serve", "--db", str(copy)])
    assert result.exit_code == 0 and "read-only" in result.output
    client = TestClient(app_from_environment(), base_url=BASE)
    response = client.post(
        "/api/judgements/accept",
        json={"target": _a_claim(copy), "why": "x"},
        headers={"Authorization": f"Bearer {written}"},
    )
    assert response.status_code == 403
