"""Serving the knowledge base: read-only, this machine only unless told, the Host header
checked against an allow-list, and an access token for anything beyond loopback."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from factions.cli import app as cli
from factions.store import StoreError, open_database
from factions.store.db import SCHEMA_VERSION, schema_version
from factions.web.access import allowed_hosts_for, host_name, is_loopback
from factions.web.api import create_app

runner = CliRunner()
TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def db(sample_kb, tmp_path_factory) -> Path:
    """A copy of the session's sample knowledge base, so that nothing here can touch it."""
    _engine, _report, sample_db = sample_kb
    copy = tmp_path_factory.mktemp("serve") / "kb.db"
    with sqlite3.connect(sample_db) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    return copy


# --- the Host header -------------------------------------------------------------------------


def test_a_foreign_host_header_is_refused_even_on_loopback(db: Path) -> None:
    # What a DNS-rebinding page sends: its own name, resolving to 127.0.0.1.
    client = TestClient(create_app(str(db)), base_url="http://attacker.example:8000")
    for url in ("/api/stats", "/", "/static/factions.css", "/openapi.json"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert response.json()["error"]["code"] == "host_not_allowed"
        assert "attacker.example" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "base", ["http://localhost:8000", "http://127.0.0.1", "http://[::1]:8000", "http://LOCALHOST"]
)
def test_local_names_are_answered_without_a_token(db: Path, base: str) -> None:
    client = TestClient(create_app(str(db)), base_url=base)
    assert client.get("/api/stats").status_code == 200
    assert client.get("/").status_code == 200


def test_allowed_hosts() -> None:
    assert allowed_hosts_for("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert "kb.lan" in allowed_hosts_for("192.0.2.7", ["kb.lan:8000"])  # type: ignore[operator]
    assert "192.0.2.7" in allowed_hosts_for("192.0.2.7")  # type: ignore[operator]
    everywhere = allowed_hosts_for("0.0.0.0")
    assert everywhere is not None and host_name(socket.gethostname()) in everywhere
    assert allowed_hosts_for("127.0.0.1", ["*"]) is None
    assert host_name("[::1]:80") == "::1" and host_name("Example.ORG.:8000") == "example.org"
    assert is_loopback("127.0.0.2") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.7")


# --- the access token ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def guarded(db: Path) -> TestClient:
    return TestClient(create_app(str(db), token=TOKEN), base_url="http://localhost")


def test_without_the_token_nothing_is_served(guarded: TestClient) -> None:
    for url in ("/api/stats", "/", "/static/factions.css", "/openapi.json", "/vocabulary.js"):
        response = guarded.get(url)
        assert response.status_code == 401, url
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["error"]["code"] == "unauthorized"
    wrong = guarded.get("/api/stats", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401


def test_the_token_as_a_bearer_header(guarded: TestClient) -> None:
    response = guarded.get("/api/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200


def test_the_token_in_a_link_becomes_a_cookie(db: Path) -> None:
    client = TestClient(create_app(str(db), token=TOKEN), base_url="http://localhost")
    response = client.get(f"/network?as_of=2011&token={TOKEN}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/network?as_of=2011"
    cookie = response.headers["set-cookie"]
    assert "factions_token=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    # The client keeps the cookie: the page and the API calls its scripts make now work.
    assert client.get("/network?as_of=2011").status_code == 200
    assert client.get("/api/network?as_of=2011").status_code == 200
    stranger = TestClient(client.app, base_url="http://localhost")
    assert stranger.get(f"/?token={TOKEN}x", follow_redirects=False).status_code == 401


# --- read-only -------------------------------------------------------------------------------


def test_the_server_opens_the_knowledge_base_read_only(db: Path) -> None:
    engine = create_app(str(db)).state.engine
    with pytest.raises(Exception, match=r"readonly|read-only|query_only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM meta"))


def _old_copy(db: Path, folder: Path, version: int) -> Path:
    old = folder / f"v{version}.db"
    with sqlite3.connect(db) as source, sqlite3.connect(old) as target:
        source.backup(target)
        target.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    return old


def test_an_older_knowledge_base_is_not_migrated_by_the_server(db: Path, tmp_path: Path) -> None:
    old = _old_copy(db, tmp_path, SCHEMA_VERSION - 1)
    with pytest.raises(StoreError) as caught:
        create_app(str(old))
    message = str(caught.value)
    assert f"schema version {SCHEMA_VERSION - 1} is older than this factions" in message
    assert f"factions migrate --db {old}" in message
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == (
            str(SCHEMA_VERSION - 1),
        )
    result = runner.invoke(cli, ["serve", "--db", str(old)])
    assert result.exit_code == 1 and "is older than this factions" in result.output
    migrated = runner.invoke(cli, ["migrate", "--db", str(old)])
    assert migrated.exit_code == 0, migrated.output
    with open_database(str(old), read_only=True).connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION


def test_serving_beyond_loopback_needs_public(db: Path) -> None:
    result = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--db", str(db)])
    assert result.exit_code == 2
    assert "--host 0.0.0.0 serves the knowledge base beyond this machine: add --public" in (
        result.output
    )


# --- a real server ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_factions_serve_checks_host_and_token(db: Path) -> None:
    port = _free_port()
    env = {**os.environ, "FACTIONS_TOKEN": TOKEN}
    command = [sys.executable, "-c", "from factions.cli import main; main()", "serve"]
    server = subprocess.Popen(
        [*command, "--db", str(db), "--port", str(port), "--allow-host", "kb.example"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/stats"
        bearer = {"Authorization": f"Bearer {TOKEN}"}
        deadline = time.monotonic() + 60
        while _get_or_none(url, bearer) is None:
            assert server.poll() is None and time.monotonic() < deadline, server.stdout.read()  # type: ignore[union-attr]
            time.sleep(0.2)
        assert _get(url, bearer) == 200
        assert _get(url, {}) == 401
        assert _get(url, {**bearer, "Host": "attacker.example"}) == 400
        assert _get(url, {**bearer, "Host": "kb.example:80"}) == 200
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert f"read-only {db}" in output and f"access token: {TOKEN}" in output


def _get_or_none(url: str, headers: dict[str, str]) -> int | None:
    try:
        return _get(url, headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None
