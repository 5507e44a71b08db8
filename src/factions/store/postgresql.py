"""Everything PostgreSQL-specific lives here: the writing lock, read-only and snapshot
transactions, and full-text search over evidence (a tsvector column with a GIN index).

SQLite serialises writers with its one write lock, taken as a writing transaction begins
(BEGIN IMMEDIATE). PostgreSQL would let two writers run side by side, each resolving against
a store that does not yet hold what the other is writing (two processes would each create the
same entity). So a writing transaction takes one transaction-level advisory lock first and
holds it to its end: writers take turns exactly as in SQLite, readers never wait.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, any_, bindparam, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Engine
from sqlalchemy.sql.elements import ColumnElement

# The execution option that makes a transaction take the write lock when it begins (the same
# name as SQLite's, so that `store.writing` says it once for both).
WRITE_OPTION = "factions_write"
# The advisory lock every writer of one database takes; advisory locks are per database, so
# knowledge bases on one server do not wait for each other. Any constant will do: "factions".
WRITE_LOCK_KEY = 0x66616374696F6E73
# How long a writer waits for another one before "locked by another process" (as SQLite's busy
# timeout), in seconds.
BUSY_SECONDS = 60

# The full text is parsed with the `simple` configuration: lower-cased words, no stemming and no
# stop words, as FTS5's unicode61 tokenizer does, so that both back ends find the same sentences.
TEXT_SEARCH_CONFIG = "simple"
FTS_STATEMENTS = (
    "ALTER TABLE evidence ADD COLUMN IF NOT EXISTS text_search tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('{TEXT_SEARCH_CONFIG}'::regconfig, text)) STORED",
    "CREATE INDEX IF NOT EXISTS ix_evidence_text_search ON evidence USING gin (text_search)",
)


def install_hooks(
    engine: Engine, *, busy_seconds: float = BUSY_SECONDS, read_only: bool = False
) -> None:
    """A writing transaction (`WRITE_OPTION`) takes the write lock as it begins, waiting at most
    `busy_seconds` for it; any other transaction sees one snapshot of the database
    (REPEATABLE READ), as a reading transaction in SQLite does. A writer stays READ COMMITTED:
    its statements must see what the writer before it committed while it waited for the lock.
    A read-only engine's transactions refuse writes."""

    if read_only:

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _on_execute(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        return statement, without_nul(parameters)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(busy_seconds * 1000)}ms'")
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")
            conn.exec_driver_sql("SET LOCAL lock_timeout TO DEFAULT")
        else:
            conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


# PostgreSQL text cannot hold NUL, which SQLite stores and a JSON corpus or a URL can carry:
# it is written and looked up as U+FFFD, one character for one, so offsets into a text stay.
NUL, NUL_STAND_IN = "\x00", "\ufffd"


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    # A list of ids bound as one array (any_of).
    return isinstance(value, list) and any(isinstance(v, str) and NUL in v for v in value)


def _clean(value: object) -> object:
    if isinstance(value, str) and NUL in value:
        return value.replace(NUL, NUL_STAND_IN)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _clean_set(parameters: object) -> object:
    if isinstance(parameters, dict):
        if any(_holds_nul(v) for v in parameters.values()):
            return {key: _clean(value) for key, value in parameters.items()}
        return parameters
    if isinstance(parameters, tuple):
        return tuple(_clean(value) for value in parameters)
    return parameters


def without_nul(parameters: object) -> object:
    """Statement parameters (one set, or a list of sets) with NUL in text replaced."""
    if isinstance(parameters, list):
        return [_clean_set(one) for one in parameters]
    return _clean_set(parameters)


def create_fulltext_index(conn: Connection) -> None:
    for statement in FTS_STATEMENTS:
        conn.execute(text(statement))


def search_evidence_ids(conn: Connection, words: list[str], limit: int) -> list[int]:
    """Evidence row ids whose sentence holds every word, best first (ts_rank)."""
    rows = conn.execute(
        text(
            "SELECT id FROM evidence "
            f"WHERE text_search @@ plainto_tsquery('{TEXT_SEARCH_CONFIG}', :q) "
            f"ORDER BY ts_rank(text_search, plainto_tsquery('{TEXT_SEARCH_CONFIG}', :q)) DESC, "
            "id LIMIT :limit"
        ),
        {"q": " ".join(words), "limit": limit},
    )
    return [row[0] for row in rows]


def analyze(conn: Connection) -> None:
    """Fresh planner statistics for every table of the knowledge base."""
    conn.execute(text("ANALYZE"))


def has_table(conn: Connection, name: str) -> bool:
    """Whether a table `name` is visible on the search path."""
    return conn.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": name}).scalar_one()


def any_of(column: ColumnElement[Any], values: list[Any]) -> ColumnElement[bool]:
    """SQL: `column = ANY(:values)`, the values bound as one array of the column's type."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
