"""The registry of export formats: each format registers itself under a name.

A format is one function `(conn, destination, as_of) -> count`. Its `target` says where it
writes: `stream` (standard output or a file, text), `file` (a file that must be named) or
`directory`. `dated` formats take an as-of date. To add a format, write a module in this
package with a function decorated by `@export_format(...)` and list the module in
`FORMAT_MODULES`; `factions export` offers whatever is registered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection

# (connection, an open text stream or a path, as-of date) -> what was written, counted.
Writer = Callable[..., int]
TARGETS = ("stream", "file", "directory")


@dataclass(frozen=True)
class ExportFormat:
    name: str
    summary: str
    write: Writer
    target: str = "stream"
    dated: bool = False
    # What the count counts, for "wrote 12 rows to FILE".
    unit: str = "rows"
    # Keyword options the writer takes besides the as-of date (include_rejected).
    options: tuple[str, ...] = ()


FORMATS: dict[str, ExportFormat] = {}

# Modules whose import registers their formats, in the order they are listed.
FORMAT_MODULES = (
    "factions.export.jsonl",
    "factions.export.csv_acled",
    "factions.export.graph",
    "factions.export.geojson",
    "factions.export.parquet",
)


def export_format(
    name: str,
    summary: str,
    *,
    target: str = "stream",
    dated: bool = False,
    unit: str = "rows",
    options: tuple[str, ...] = (),
) -> Callable[[Writer], Writer]:
    """Register the decorated writer as the export format `name`."""
    if target not in TARGETS:
        raise ValueError(f"export format {name}: unknown target {target!r}")

    def register(write: Writer) -> Writer:
        FORMATS[name] = ExportFormat(name, summary, write, target, dated, unit, options)
        return write

    return register


def registered_formats() -> dict[str, ExportFormat]:
    """Every format, after importing the modules that define them."""
    for module in FORMAT_MODULES:
        importlib.import_module(module)
    return FORMATS


def write_export(
    conn: Connection,
    chosen: ExportFormat,
    destination: Path | IO[str] | None,
    as_of: str | None,
    **options: Any,
) -> int:
    """Write one export to a path, or (stream formats only) a text stream; `options` are the
    format's own (a format never gets one it does not take)."""
    unknown = sorted(set(options) - set(chosen.options))
    if unknown:
        raise ValueError(f"{chosen.name} does not take {', '.join(unknown)}")
    if chosen.target == "stream" and isinstance(destination, Path):
        with destination.open("w", encoding="utf-8", newline="") as handle:
            return chosen.write(conn, handle, as_of, **options)
    return chosen.write(conn, destination, as_of, **options)
