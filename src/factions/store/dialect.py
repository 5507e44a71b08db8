"""Statements that each database spells its own way."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Dialect, Table
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql.elements import ColumnElement

from factions.store import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, skipping those whose primary key already exists."""
    insert_rows(conn, table, rows, ignore=True)


def create_fulltext_index(conn: Connection) -> None:
    """The full-text index over evidence sentences, kept up to date by the database."""
    if conn.dialect.name == "postgresql":
        postgresql.create_fulltext_index(conn)
    else:
        sqlite.create_fulltext_index(conn)


def search_evidence_ids(conn: Connection, words: list[str], limit: int) -> list[int]:
    """Evidence row ids whose sentence holds every word (case-insensitive), best first: FTS5
    in SQLite, a tsvector in PostgreSQL."""
    if not words:
        return []
    if conn.dialect.name == "postgresql":
        return postgresql.search_evidence_ids(conn, words, limit)
    return sqlite.search_evidence_ids(conn, words, limit)


def refresh_planner_statistics(conn: Connection) -> None:
    """On PostgreSQL, ANALYZE: after a large ingest its planner would otherwise judge the
    tables by statistics of when they were small (autovacuum catches up only later), and
    choose plans that walk whole indexes. SQLite plans without statistics and is left so."""
    if conn.dialect.name == "postgresql":
        postgresql.analyze(conn)


def has_table(conn: Connection, name: str) -> bool:
    """Whether the database holds table `name`. PostgreSQL is asked with to_regclass: the
    catalog query SQLAlchemy makes costs it a few milliseconds, which every query paid."""
    if conn.dialect.name == "postgresql":
        return postgresql.has_table(conn, name)
    return bool(conn.dialect.has_table(conn, name))


def one_of(conn: Connection, column: ColumnElement[Any], values: list[Any]) -> ColumnElement[bool]:
    """SQL: `column` is one of `values`. PostgreSQL gets them as one array parameter
    (`= ANY(...)`): a list of hundreds of parameters costs it more to bind and plan than to
    run; SQLite gets IN (...), which its planner reads as index probes."""
    if conn.dialect.name == "postgresql":
        return postgresql.any_of(column, values)
    return column.in_(values)


def insert_rows(conn: Connection, table: Table, rows: list[dict], *, ignore: bool = False) -> None:
    """Insert rows (all with the same keys) in one executemany; with `ignore`, rows whose
    primary key exists already are skipped.

    The statement is compiled once per table and columns, and the rows go to the driver as
    they are, each value through the column type's bind processor where it has one, a column
    left out at its default: the same statement and values as `conn.execute(table.insert(),
    rows)`, without the per-row work of SQLAlchemy's compiled parameters, which cost a batch's
    writes more than the database's own (bench/README.md, the cost of an ingest)."""
    if not rows:
        return
    prepared = _insert_statement(conn.dialect, table, tuple(rows[0]), ignore)
    if prepared is None:
        conn.execute(_insert(conn.dialect, table, ignore), rows)
        return
    sql, names, fixed, processors = prepared

    def value(row: dict, name: str) -> Any:
        found = row[name] if name in row else fixed[name]
        return processors[name](found) if name in processors else found

    if names is None:  # named parameters: the rows as they are, with what they leave out
        named = list(rows[0]) + list(fixed)
        conn.exec_driver_sql(sql, [{n: value(row, n) for n in named} for row in rows])
    elif processors or fixed:
        conn.exec_driver_sql(sql, [tuple(value(row, n) for n in names) for row in rows])
    else:
        conn.exec_driver_sql(sql, [tuple(row[n] for n in names) for row in rows])


def _insert(dialect: Dialect, table: Table, ignore: bool) -> Any:
    statement = (
        postgresql_dialect.insert(table)
        if dialect.name == "postgresql"
        else sqlite_dialect.insert(table)
    )
    return statement.on_conflict_do_nothing() if ignore else statement


@lru_cache(maxsize=128)
def _insert_statement(
    dialect: Dialect, table: Table, columns: tuple[str, ...], ignore: bool
) -> tuple[str, tuple[str, ...] | None, dict[str, Any], dict[str, Callable[[Any], Any]]] | None:
    """(SQL, its positional parameters' names in order or None when they are named, the
    values of the columns left out, the bind processors of the columns that have one) of an
    INSERT of `columns`; None when a column left out has a default computed per row."""
    compiled = _insert(dialect, table, ignore).compile(dialect=dialect, column_keys=list(columns))
    bound = list(compiled.positiontup) if compiled.positional else list(compiled.binds)
    fixed: dict[str, Any] = {}
    for name in bound:
        if name in columns:
            continue
        default = table.c[name].default if name in table.c else None
        if default is None or not default.is_scalar:
            return None
        fixed[name] = default.arg
    processors = {
        name: processor
        for name in bound
        if (processor := table.c[name].type._cached_bind_processor(dialect)) is not None
    }
    names = tuple(bound) if compiled.positional else None
    return compiled.string, names, fixed, processors
