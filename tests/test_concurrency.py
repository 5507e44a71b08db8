"""Several real processes on one knowledge base: creating it at once, ingesting into it at
once; and errors a user can cause are one line, never a traceback."""

from __future__ import annotations

import os
import sqlite3
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


def _version(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])


def test_processes_creating_one_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    # Before: "table meta already exists" (or "aliases") with a traceback in all but one.
    db = tmp_path / "kb.db"
    results = _at_once(
        "from factions.store import open_database",
        "open_database(sys.argv[1]).dispose()",
        [[str(db)]] * 3,
    )
    assert [code for code, _, _ in results] == [0, 0, 0], results
    assert _version(db) == SCHEMA_VERSION


def test_two_ingests_into_a_new_database_at_once(tmp_path: Path) -> None:
    # The command itself, in two processes: both open (and so create) the knowledge base at the
    # same instant. Their folders hold no article, so that no spaCy model need load; two
    # ingests writing documents at once are bench/soak.py's.
    db = tmp_path / "kb.db"
    argv = []
    for number in range(2):
        folder = tmp_path / f"in{number}"
        folder.mkdir()
        argv.append(["ingest", str(folder), "--db", str(db)])
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
