"""Everything SQLite-specific lives here: pragmas and the FTS5 index over evidence."""

from __future__ import annotations

import sqlite3
import time

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import Engine

FTS_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS evidence_fts USING fts5("
    "text, content='evidence', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS evidence_ai AFTER INSERT ON evidence BEGIN "
    "INSERT INTO evidence_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER IF NOT EXISTS evidence_ad AFTER DELETE ON evidence BEGIN "
    "INSERT INTO evidence_fts(evidence_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
)


# The execution option that makes a transaction take the write lock when it begins.
WRITE_OPTION = "factions_write"
# How long a statement waits for another process's lock before "database is locked".
BUSY_SECONDS = 60


def install_pragmas(
    engine: Engine, *, busy_seconds: float = BUSY_SECONDS, read_only: bool = False
) -> None:
    """WAL lets a reader browse while ingest writes; foreign keys keep evidence honest.

    Transactions are begun by us, not by the driver: a writing one (`WRITE_OPTION`) with BEGIN
    IMMEDIATE, so that two processes ingesting into one file take turns, and each reads what
    the other committed before it decides anything; a reading one with a plain BEGIN, so that
    it sees one snapshot and never blocks a writer.

    The busy timeout comes first: switching a new database to WAL takes a lock, and a second
    process doing the same at that moment must wait rather than fail. A read-only connection
    leaves the journal alone and refuses writes even through a writable file (query_only).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # The driver must not begin transactions of its own (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={int(busy_seconds * 1000)}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        else:
            switch_to_wal(cursor, busy_seconds)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def switch_to_wal(cursor: sqlite3.Cursor, busy_seconds: float) -> None:
    """Put the file in WAL mode, waiting up to `busy_seconds` for processes doing the same.

    SQLite does not always call its busy handler for this switch: when several processes open a
    new file at the same instant, one of them gets "database is locked" at once. A file already
    in WAL mode stays so, and then the switch takes no lock at all.
    """
    deadline = time.monotonic() + busy_seconds
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.25)


def create_fulltext_index(conn: Connection) -> None:
    for statement in FTS_STATEMENTS:
        conn.execute(text(statement))


def fts_match(words: list[str]) -> str:
    """An FTS5 query that needs every word, each quoted (no operator syntax)."""
    return " ".join('"{}"'.format(word.replace('"', '""')) for word in words)


def search_evidence_ids(conn: Connection, words: list[str], limit: int) -> list[int]:
    """Evidence row ids whose sentence holds every word, best first (bm25)."""
    rows = conn.execute(
        text(
            "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :q "
            "ORDER BY bm25(evidence_fts) LIMIT :limit"
        ),
        {"q": fts_match(words), "limit": limit},
    )
    return [row[0] for row in rows]
