"""Several real processes on one knowledge base: creating it at once, ingesting into it at
once; and errors a user can cause are one line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from factions.store.db import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]
# Each process imports first, says so and waits for the word to start: the race is in the
# first milliseconds of opening the database, which import times would otherwise spread out.
STARTER = """
import sys
{imports}
print("ready", flush=True)
sys.stdin.readline()
{run}
"""


def _env() -> dict[str, str]:
    source = str(REPO / "src")
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{path}" if path else source}


def _at_once(imports: str, run: str, argv: list[list[str]]) -> list[tuple[int, str, str]]:
    """Run one process per argv, all starting `run` at the same moment: (code, out, err)."""
    code = STARTER.format(imports=imports, run=run)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, *args],
            env=_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in argv
    ]
    for process in processes:
        assert process.stdout is not None and process.stdout.readline() == "ready\n"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    return [(p.wait(timeout=300), *p.communicate()) for p in processes]  # type: ignore[misc]


def _version(db: str) -> int:
    from sqlalchemy import create_engine

    from factions.store.db import database_url, schema_version

    engine = create_engine(database_url(db))
    with engine.connect() as conn:
        version = schema_version(conn)
    engine.dispose()
    return version


def test_processes_creating_one_new_database_at_once_all_succeed(kb_db: str) -> None:
    # Before: "table meta already exists" (or "aliases") with a traceback in all but one.
    db = kb_db
    results = _at_once(
        "from factions.store import open_database",
        "open_database(sys.argv[1]).dispose()",
        [[db]] * 3,
    )
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert _version(db) == SCHEMA_VERSION


def test_two_ingests_into_a_new_database_at_once(tmp_path: Path, kb_db: str) -> None:
    # The command itself, in two processes: both open (and so create) the knowledge base at the
    # same instant. Their folders hold no article, so that no spaCy model need load; two
    # ingests writing documents at once are bench/soak.py's.
    db = kb_db
    argv = []
    for number in range(2):
        folder = tmp_path / f"in{number}"
        folder.mkdir()
        argv.append(["ingest", str(folder), "--db", db])
    results = _at_once(
        "from factions.cli import main",
        "sys.argv = ['factions', *sys.argv[1:]]\nmain()",
        argv,
    )
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in err
        assert "0 new, 0 unchanged, 0 near-duplicate, 0 failed" in out
    assert _version(db) == SCHEMA_VERSION


def test_errors_a_user_can_cause_are_one_line(tmp_path: Path) -> None:
    """Through the real entry point (`main`), which turns what the commands leave to it (an
    unwritable output, a driver error) into one line; the rest is tested in process."""
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("shopping list\n", encoding="utf-8")
    cases = [(["export", "--db", str(not_a_db)], "not a factions knowledge base")]
    results = _at_once(
        "from factions.cli import main",
        "sys.argv = ['factions', *sys.argv[1:]]\nmain()",
        [args for args, _ in cases],
    )
    for (args, says), (code, _out, err) in zip(cases, results, strict=True):
        assert code == 1, (args, err)
        assert "Traceback" not in err, args
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error ") and says in lines[0], args


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _writable_server(db: str) -> tuple[subprocess.Popen, str, str]:
    """`factions serve --write` in its own process: (process, base URL, write token)."""
    import re
    import time
    import urllib.request

    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from factions.cli import main; "
            "sys.argv = ['factions', *sys.argv[1:]]; main()",
            "serve",
            "--write",
            "--as",
            "Ana Analyst",
            "--port",
            str(port),
            "--db",
            db,
        ],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    token = None
    for line in server.stdout:
        found = re.search(r"write token for Ana Analyst: (\S+)", line)
        if found:
            token = found.group(1)
            break
    assert token, "the server printed no write token"
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{base}/api/stats", timeout=5)
            break
        except OSError:
            time.sleep(0.1)
    return server, base, token


def _post(base: str, token: str, kind: str, body: dict) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(
        f"{base}/api/judgements/{kind}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        assert response.status == 201
        return json.loads(response.read())


def test_a_team_two_ingests_and_a_writing_server_at_once(
    postgres_server,  # type: ignore[no-untyped-def]
    tmp_path: Path,
    request,  # type: ignore[no-untyped-def]
) -> None:
    # What a team does to one PostgreSQL knowledge base: two analysts' ingests and a third
    # analyst's judgements through `factions serve --write`, all at once. No error, no lost
    # judgement, and the same entities, links and mentions as one ingest of everything. (On
    # SQLite, two ingests at once are test_order_independence's; a server beside them
    # bench/soak.py's.)
    from sqlalchemy import select

    from factions.ingest.run import ingest_paths
    from factions.store import open_database, schema
    from tests.test_order_independence import REPORTS, snapshot

    folder = tmp_path / "reports"
    folder.mkdir()
    paths = []
    for name, body in REPORTS.items():
        paths.append(folder / name)
        paths[-1].write_text(body + "\n", encoding="utf-8")
    one_run, shared = postgres_server.create(), postgres_server.create()
    for db in (one_run, shared):
        request.addfinalizer(lambda db=db: postgres_server.drop(db))
    engine = open_database(one_run)
    ingest_paths(paths, engine)
    engine.dispose()
    engine = open_database(shared)
    ingest_paths(paths[:3], engine)
    with engine.connect() as conn:
        claims = list(
            conn.execute(select(schema.claims.c.id).order_by(schema.claims.c.id)).scalars()
        )
        events = list(
            conn.execute(select(schema.events.c.id).order_by(schema.events.c.id)).scalars()
        )
    engine.dispose()
    assert claims and events
    server, base, token = _writable_server(shared)
    try:
        ingests = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    "import sys; from factions.cli import main; "
                    "sys.argv = ['factions', *sys.argv[1:]]; main()",
                    "ingest",
                    *map(str, order),
                    "--db",
                    shared,
                    "--batch-size",
                    "1",
                ],
                env=_env(),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for order in (paths, paths[::-1])
        ]
        made = []
        while any(p.poll() is None for p in ingests) or len(made) < 6:
            number = len(made)
            if number % 2:
                kind, body = (
                    "correct",
                    {
                        "target": events[number % len(events)],
                        "field": "fatalities",
                        "value": str(number),
                    },
                )
            else:
                kind, body = (
                    ("reject" if number % 4 else "accept"),
                    {"target": claims[number % len(claims)]},
                )
            made += _post(base, token, kind, {**body, "why": f"judgement {number}"})["judgements"]
        results = [(p.wait(timeout=600), *p.communicate()) for p in ingests]
    finally:
        server.terminate()
        server.wait(timeout=30)
    for code, _out, err in results:
        assert code == 0 and "Traceback" not in err, err
    engine = open_database(shared)
    with engine.connect() as conn:
        stored = set(conn.execute(select(schema.judgements.c.uid)).scalars())
    engine.dispose()
    assert {j["id"] for j in made} == stored and len(made) >= 6
    expected, got = snapshot(one_run), snapshot(shared)
    for part in ("entities", "canonical entities", "links", "mentions"):
        assert got[part] == expected[part], f"{part} differ"


def test_opening_waits_for_a_writer_on_a_file_not_yet_in_wal_mode(tmp_path: Path) -> None:
    # Before: "locked by another process" at once. SQLite skips its busy handler when the switch
    # to WAL meets another connection's write lock on a file still in rollback mode; the CI race
    # of three processes creating one file hit it about one run in fifteen.
    import sqlite3
    import threading

    from factions.store import open_database

    path = tmp_path / "kb.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE scratch (x)")
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    releaser.start()
    try:
        engine = open_database(str(path))
        engine.dispose()
    finally:
        releaser.join()
        holder.close()
    assert _version(str(path)) == SCHEMA_VERSION
