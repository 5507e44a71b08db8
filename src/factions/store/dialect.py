"""Statements that each database spells its own way."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.sql.elements import ColumnElement

from factions.store import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, skipping those whose primary key already exists."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        statement = postgresql_dialect.insert(table).on_conflict_do_nothing()
    else:
        statement = sqlite_dialect.insert(table).on_conflict_do_nothing()
    conn.execute(statement, rows)


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
