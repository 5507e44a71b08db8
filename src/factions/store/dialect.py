"""Statements that each database spells its own way."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql as postgresql_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

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
