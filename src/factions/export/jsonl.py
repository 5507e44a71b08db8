"""The JSON Lines export: the contract in PRODUCT.md. Keep it stable; only ever add fields.

The rows themselves (canonical entities, merged events) come from `query.records`.
"""

from __future__ import annotations

import json
from typing import IO

from sqlalchemy import Connection

from factions.export.formats import export_format
from factions.query.records import export_rows

__all__ = ["export_rows", "write_jsonl"]


def write_jsonl(conn: Connection, out: IO[str], *, include_rejected: bool = False) -> int:
    """Write the export to a text stream; returns the number of rows. Records an analyst
    rejected are left out unless `include_rejected` (then their row says who rejected them)."""
    count = 0
    for row in export_rows(conn, include_rejected=include_rejected):
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")
        count += 1
    return count


@export_format(
    "jsonl",
    "the native contract: documents, entities, events, claims, disputes, judgements",
    options=("include_rejected",),
)
def _jsonl(
    conn: Connection, out: IO[str], _as_of: str | None, *, include_rejected: bool = False
) -> int:
    return write_jsonl(conn, out, include_rejected=include_rejected)
