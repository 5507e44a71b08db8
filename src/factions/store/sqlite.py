"""Everything SQLite-specific lives here: pragmas and the FTS5 index over evidence."""

from __future__ import annotations

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


def install_pragmas(engine: Engine) -> None:
    """WAL lets a reader browse while ingest writes; foreign keys keep evidence honest.

    Transactions are begun by us, not by the driver: a writing one (`WRITE_OPTION`) with BEGIN
    IMMEDIATE, so that two processes ingesting into one file take turns, and each reads what
    the other committed before it decides anything; a reading one with a plain BEGIN, so that
    it sees one snapshot and never blocks a writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # The driver must not begin transactions of its own (see the "begin" listener).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        writing = conn.get_execution_options().get(WRITE_OPTION)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def create_fulltext_index(conn: Connection) -> None:
    for statement in FTS_STATEMENTS:
        conn.execute(text(statement))


def search_evidence_ids(conn: Connection, query: str, limit: int) -> list[int]:
    """Evidence row ids matching an FTS5 query, best first."""
    rows = conn.execute(
        text(
            "SELECT rowid FROM evidence_fts WHERE evidence_fts MATCH :q "
            "ORDER BY bm25(evidence_fts) LIMIT :limit"
        ),
        {"q": query, "limit": limit},
    )
    return [row[0] for row in rows]
