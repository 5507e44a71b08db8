"""Statements that each database spells its own way."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert_ignore(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert rows, skipping those whose primary key already exists."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).on_conflict_do_nothing()
    conn.execute(statement, rows)
