"""Opening the database and bringing its schema up to date.

A knowledge base is an SQLite file or a PostgreSQL database (`postgresql://...`): the same
tables, migrations and behaviour. Several processes may open the same knowledge base at once
(two ingests, a server and an ingest): migrations run under the database's write lock (SQLite's,
or an advisory lock in PostgreSQL: store/postgresql.py), each process re-reading the schema
version once it holds it, so only the first one creates or upgrades anything. A reader (the
web server) opens the database read-only and never migrates. What goes wrong opening a database
is a `StoreError` with a one-line message naming the file (or URL).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, inspect, make_url, select, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool, QueuePool
from sqlalchemy.schema import CreateIndex

from factions.store import postgresql, schema, sqlite
from factions.store.dialect import create_fulltext_index
from factions.store.relation_index import fill_edge_totals, rebuild_relation_index
from factions.store.writer import (
    fill_claim_days,
    fill_event_days,
    fill_mention_counts,
    fill_person_names,
    mark_derived,
)

DB_ENV = "FACTIONS_DB"
DEFAULT_DB = "factions.db"
# How long a process waits for another one's migration (migration 4 takes about 80 s per
# 100,000 documents) before giving up with a one-line error.
MIGRATION_WAIT_SECONDS = 900


class StoreError(RuntimeError):
    """A knowledge base that cannot be opened or upgraded; the message is one line naming it."""


def default_db_path() -> str:
    """The database path from $FACTIONS_DB, else ./factions.db."""
    return os.environ.get(DB_ENV) or DEFAULT_DB


# PostgreSQL URLs as people write them, and the driver factions uses (psycopg 3).
POSTGRESQL_SCHEMES = ("postgresql://", "postgres://")
POSTGRESQL_DRIVER = "postgresql+psycopg://"


def database_url(db: str) -> str:
    """A SQLAlchemy URL for a path or URL; a bare path means SQLite, and a plain PostgreSQL URL
    is read with psycopg 3."""
    for scheme in POSTGRESQL_SCHEMES:
        if db.startswith(scheme):
            return POSTGRESQL_DRIVER + db[len(scheme) :]
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser()}"


def _migration_1(conn: Connection) -> None:
    schema.metadata.create_all(conn)
    create_fulltext_index(conn)


def _migration_2(conn: Connection) -> None:
    # A new database already has them from create_all; reflection misses expression indexes.
    for index in schema.QUERY_INDEXES:
        conn.execute(CreateIndex(index, if_not_exists=True))


def _migration_3(conn: Connection) -> None:
    # Places keep the other gazetteer candidates their name could have meant.
    columns = {c["name"] for c in inspect(conn).get_columns("entities")}
    if "alternatives" not in columns:
        conn.execute(text("ALTER TABLE entities ADD COLUMN alternatives TEXT"))


def _migration_4(conn: Connection) -> None:
    # Derived data for fast queries at scale: each event's days, each entity's mention count,
    # and the relation index.
    if "mentions" not in {c["name"] for c in inspect(conn).get_columns("entities")}:
        conn.execute(text("ALTER TABLE entities ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0"))
    columns = {c["name"] for c in inspect(conn).get_columns("events")}
    for column in ("day_first", "day_last", "length_class"):
        if column not in columns:
            conn.execute(text(f"ALTER TABLE events ADD COLUMN {column} INTEGER"))
    for index in schema.EVENT_DATE_INDEXES:
        conn.execute(CreateIndex(index, if_not_exists=True))
    # edge_totals came with version 6, but rebuilding the index now fills it too.
    schema.metadata.create_all(
        conn,
        tables=[schema.relation_spans, schema.edges, schema.edge_spans, schema.edge_totals],
    )
    fill_event_days(conn)
    fill_mention_counts(conn)
    rebuild_relation_index(conn)


def _migration_5(conn: Connection) -> None:
    # Version 4 indexed relation_spans by object alone. In SQLite such an index also holds the
    # rest of the key, so it matched an edge's (subject, predicate, object) as well as the
    # primary key did, and SQLite chose it: every claim cost two lookups.
    (index,) = (i for i in schema.relation_spans.indexes if i.name == "ix_relation_spans_object")
    found = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("relation_spans")}
    if found.get(index.name) != [c.name for c in index.columns]:
        conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
        conn.execute(CreateIndex(index))


def _migration_6(conn: Connection) -> None:
    # The network over all time reads each edge's totals instead of summing every claim.
    schema.metadata.create_all(conn, tables=[schema.edge_totals])
    fill_edge_totals(conn)


def _migration_7(conn: Connection) -> None:
    # Claims carry their days, so that a timeline counts and orders them in the database.
    columns = {c["name"] for c in inspect(conn).get_columns("claims")}
    for column in ("day_first", "day_last", "length_class", "sort_day"):
        if column not in columns:
            conn.execute(text(f"ALTER TABLE claims ADD COLUMN {column} INTEGER"))
    fill_claim_days(conn)
    for index in schema.CLAIM_DATE_INDEXES:
        conn.execute(CreateIndex(index, if_not_exists=True))


def _migration_8(conn: Connection) -> None:
    # People outside the gazetteer carry what their document says about them, and their full
    # names are filed by block, so that resolution can recompute who is whom for any name.
    if "profile" not in {c["name"] for c in inspect(conn).get_columns("entities")}:
        conn.execute(text("ALTER TABLE entities ADD COLUMN profile TEXT"))
    schema.metadata.create_all(conn, tables=[schema.person_names])
    fill_person_names(conn)


def _migration_9(conn: Connection) -> None:
    # Inferred ends of relations (resolve/changes.py): derived data is behind until the next
    # ingest recomputes it whole (batches otherwise update only what they touch).
    schema.metadata.create_all(conn, tables=[schema.inferred_ends])
    if conn.execute(select(schema.documents.c.id).limit(1)).first():
        mark_derived(conn, stale=True)


def _migration_10(conn: Connection) -> None:
    # Events count the wounded, kidnapped and arrested beside the dead; evidence of an event
    # keeps where its trigger words stand.
    columns = {c["name"] for c in inspect(conn).get_columns("events")}
    for kind in schema.EVENT_COUNTS:
        for part in ("low", "best", "high"):
            if f"{kind}_{part}" not in columns:
                conn.execute(text(f"ALTER TABLE events ADD COLUMN {kind}_{part} INTEGER"))
    if "triggers" not in {c["name"] for c in inspect(conn).get_columns("evidence")}:
        conn.execute(text("ALTER TABLE evidence ADD COLUMN triggers TEXT"))


def _migration_11(conn: Connection) -> None:
    # Analysts' judgements: the table of version 1 was never written by any factions; it is
    # replaced by one that keeps who, when, why, the target and its evidence span. Rows an
    # unknown writer left in it are kept aside, not dropped.
    if "uid" in {c["name"] for c in inspect(conn).get_columns("judgements")}:
        return
    if conn.execute(text("SELECT 1 FROM judgements LIMIT 1")).first():
        conn.execute(text("ALTER TABLE judgements RENAME TO judgements_v1"))
    else:
        conn.execute(text("DROP TABLE judgements"))
    schema.metadata.create_all(conn, tables=[schema.judgements])


def _migration_12(conn: Connection) -> None:
    # Events keep what they were done with (their instruments, as the text names them).
    if "instruments" not in {c["name"] for c in inspect(conn).get_columns("events")}:
        conn.execute(text("ALTER TABLE events ADD COLUMN instruments TEXT"))


def _migration_13(conn: Connection) -> None:
    # Which disputes hold a batch's claims was a scan of every dispute's members per 500
    # claims, a cost that grew with the knowledge base.
    for index in schema.dispute_claims.indexes:
        conn.execute(CreateIndex(index, if_not_exists=True))


# Append-only: each entry brings the schema from version N-1 to N.
MIGRATIONS: list[Callable[[Connection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
    _migration_6,
    _migration_7,
    _migration_8,
    _migration_9,
    _migration_10,
    _migration_11,
    _migration_12,
    _migration_13,
]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(conn: Connection) -> int:
    if not conn.dialect.has_table(conn, "meta"):
        return 0
    row = conn.execute(
        select(schema.meta.c.value).where(schema.meta.c.key == "schema_version")
    ).first()
    return int(row[0]) if row else 0


def migrate(conn: Connection) -> int:
    """Apply pending migrations; returns the version reached."""
    current = schema_version(conn)
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {current} is newer than this factions ({SCHEMA_VERSION})"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[version - 1](conn)
        conn.execute(schema.meta.delete().where(schema.meta.c.key == "schema_version"))
        conn.execute(schema.meta.insert().values(key="schema_version", value=str(version)))
    return SCHEMA_VERSION


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that writes. It takes the write lock as it begins (SQLite's; in PostgreSQL
    an advisory lock), so that two processes writing one knowledge base take turns and each
    reads what the other committed before deciding anything (resolution reads the store inside
    the transaction it writes in)."""
    with engine.connect() as conn:
        conn.execution_options(**{sqlite.WRITE_OPTION: True, postgresql.WRITE_OPTION: True})
        with conn.begin():
            yield conn


def _reason(exc: DBAPIError) -> str:
    """What a driver error means to someone who only named a file."""
    message = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
    known = {
        "file is not a database": "not a factions knowledge base (not an SQLite database)",
        "unable to open database file": "cannot open it (is the directory there and writable?)",
        "database is locked": "locked by another process; try again when it has finished",
        "attempt to write a readonly database": "read-only: cannot create or upgrade it here",
        "canceling statement due to lock timeout": (
            "locked by another process; try again when it has finished"
        ),
    }
    return known.get(message, message)


def _sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases and in-memory ones."""
    if not url.startswith("sqlite:///"):
        return None
    rest = url[len("sqlite:///") :]
    return None if rest in {"", ":memory:"} else Path(rest)


def _install_hooks(engine: Engine, **options: float | bool) -> None:
    """What each database needs on every connection and transaction (the write lock first)."""
    if engine.dialect.name == "sqlite":
        sqlite.install_pragmas(engine, **options)  # type: ignore[arg-type]
    elif engine.dialect.name == "postgresql":
        postgresql.install_hooks(engine, **options)  # type: ignore[arg-type]


def _migrate_locked(url: str) -> None:
    """Apply pending migrations holding the write lock from the first statement (SQLite: BEGIN
    IMMEDIATE; PostgreSQL: the advisory lock, its DDL inside the one transaction), then the
    version is read again, so a second process waits for the first and then finds nothing to
    do (instead of creating the same tables: "table meta already exists")."""
    engine = create_engine(url, poolclass=NullPool)
    # Its own engine only to wait longer than a batch would: another process's migration.
    _install_hooks(engine, busy_seconds=MIGRATION_WAIT_SECONDS)
    try:
        with writing(engine) as conn:
            migrate(conn)
    finally:
        engine.dispose()


def open_database(db: str | None = None, *, create: bool = True, read_only: bool = False) -> Engine:
    """An engine on an up-to-date knowledge base.

    Raises FileNotFoundError when it must exist (`create=False`, or `read_only`) and does not,
    and StoreError (one line, naming the file) when it cannot be opened or upgraded. A read-only
    engine never migrates: a knowledge base older than the code is a StoreError saying how to
    upgrade it.
    """
    db = db or default_db_path()
    url = database_url(db)
    path = _sqlite_path(url)
    if path is not None and (not create or read_only) and not path.exists():
        raise FileNotFoundError(no_knowledge_base(db))
    shown = display_name(db)
    try:
        if read_only:
            return _open_read_only(shown, url, path)
        engine = create_engine(url)
        _install_hooks(engine)
        if path is None and engine.dialect.name == "sqlite":
            # No other process can see an in-memory database.
            with engine.begin() as conn:
                migrate(conn)
            return engine
        with engine.connect() as conn:
            current = schema_version(conn)
        if current == 0 and not create and engine.dialect.name != "sqlite":
            engine.dispose()
            raise FileNotFoundError(no_knowledge_base(shown))
        if current != SCHEMA_VERSION:
            _migrate_locked(url)
        return engine
    except DBAPIError as exc:
        raise StoreError(f"{shown}: {_reason(exc)}") from exc
    except StoreError as exc:
        raise StoreError(f"{shown}: {exc}") from exc


def display_name(db: str) -> str:
    """The path or URL as messages show it: a URL's password hidden."""
    if "://" not in db:
        return db
    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return db


def no_knowledge_base(shown: str) -> str:
    return f"{shown}: no knowledge base here (run `factions ingest` first)"


def _open_read_only(db: str, url: str, path: Path | None) -> Engine:
    if path is not None:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        engine = create_engine(
            "sqlite://",
            # A server answers from several threads, each request on a connection of the pool
            # (the URL alone would give an in-memory database's one-per-thread pool).
            creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            poolclass=QueuePool,
        )
        sqlite.install_pragmas(engine, read_only=True)
    else:
        engine = create_engine(url)
        _install_hooks(engine, read_only=True)
    with engine.connect() as conn:
        current = schema_version(conn)
    if current == 0 and engine.dialect.name != "sqlite":
        engine.dispose()
        raise FileNotFoundError(no_knowledge_base(db))
    if current < SCHEMA_VERSION:
        raise StoreError(
            f"knowledge base schema version {current} is older than this factions "
            f"({SCHEMA_VERSION}); a read-only server does not upgrade it: run "
            f"`factions migrate --db {db}` first"
        )
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"knowledge base schema version {current} is newer than this factions "
            f"({SCHEMA_VERSION}); upgrade factions"
        )
    return engine
