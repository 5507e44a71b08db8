"""Parquet tables, one file per table in a directory, of the same canonical records as the
JSON Lines export: nested lists (participants, evidence, dispute members) become tables of
their own, joined back by id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection

from factions.export.formats import export_format
from factions.query.records import export_rows

TABLES = (
    "documents",
    "entities",
    "aliases",
    "events",
    "event_participants",
    "event_instruments",
    "claims",
    "disputes",
    "dispute_claims",
    "evidence",
    "judgements",
)
# Analysts' provenance on a row (corrections, a verdict, a closed dispute), kept as JSON text:
# a column of the same type on every row whether or not it was judged.
_JUDGED_FIELDS = ("corrections", "judged", "closed")


def _judged_as_text(row: dict[str, Any]) -> dict[str, Any]:
    for name in _JUDGED_FIELDS:
        value = row.pop(name, None)
        row[name] = None if value is None else json.dumps(value, ensure_ascii=False)
    return row


def _split(rows: Any) -> dict[str, list[dict[str, Any]]]:
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for row in rows:
        kind = row.pop("kind")
        if kind == "judgement":
            for name in ("value", "evidence"):
                row[name] = json.dumps(row[name], ensure_ascii=False)
            tables["judgements"].append(row)
            continue
        row = _judged_as_text(row)
        if kind == "entity":
            for alias in row.pop("aliases"):
                tables["aliases"].append({"entity_id": row["id"], "alias": alias})
            tables["entities"].append(row)
        elif kind == "event":
            for p in row.pop("participants"):
                tables["event_participants"].append(
                    {"event_id": row["id"], "entity_id": p["entity"], "role": p["role"]}
                )
            for item in row.pop("instruments", None) or []:
                tables["event_instruments"].append({"event_id": row["id"], **item})
            for count in ("fatalities", "wounded", "kidnapped", "arrested"):
                figures = row.pop(count, None) or {}
                row.update({f"{count}_{k}": figures.get(k) for k in ("low", "best", "high")})
            _evidence(tables, "event", row)
            tables["events"].append(row)
        elif kind == "claim":
            row.setdefault("object", None)
            row.setdefault("value", None)
            _evidence(tables, "claim", row)
            tables["claims"].append(row)
        elif kind == "dispute":
            for claim_id in row.pop("claims"):
                tables["dispute_claims"].append({"dispute_id": row["id"], "claim_id": claim_id})
            tables["disputes"].append(row)
        else:
            tables["documents"].append(row)
    return tables


def _evidence(tables: dict[str, list[dict[str, Any]]], kind: str, row: dict[str, Any]) -> None:
    for item in row.pop("evidence"):
        # An event's trigger words: a list of [start, end] on every row, empty for claims.
        triggers = [[t["start"], t["end"]] for t in item.get("triggers", [])]
        tables["evidence"].append(
            {"owner_kind": kind, "owner_id": row["id"], **item, "triggers": triggers}
        )


def write_parquet(conn: Connection, directory: Path) -> dict[str, int]:
    """Write TABLE.parquet files into `directory` (created if needed); returns rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in _split(export_rows(conn)).items():
        table = pa.Table.from_pylist(rows) if rows else pa.table({})
        pq.write_table(table, directory / f"{name}.parquet")
        counts[name] = len(rows)
    return counts


@export_format("parquet", "a directory of Parquet tables", target="directory")
def _parquet(conn: Connection, directory: Path, _as_of: str | None) -> int:
    return sum(write_parquet(conn, directory).values())
