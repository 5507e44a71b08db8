"""Document metadata from sidecars, metadata files and the page itself."""

from __future__ import annotations

import json
from pathlib import Path

from factions.partial_date import PartialDate

META_FIELDS = ("title", "url", "outlet", "author", "published")


class MetadataError(ValueError):
    """A metadata file that cannot be read."""


def normalise_published(value: object) -> tuple[str | None, str | None]:
    """A published date cut to what it fixes, and its precision: '2011-06' -> month.

    A timestamp keeps its date ('2011-06-15T10:00Z' -> day); an impossible date is dropped."""
    parsed = PartialDate.leading(value)
    if parsed is None:
        return None, None
    return parsed.iso, parsed.precision


def clean_metadata(raw: dict) -> dict:
    """Only the known fields, stripped, with the published date normalised.

    A published date that is not one (2015-02-30, "last Tuesday") raises MetadataError: it
    anchors every relative date in the article, so it is never dropped silently."""
    meta = {}
    for field in META_FIELDS:
        value = raw.get(field)
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None:
            meta[field] = value if isinstance(value, str) else str(value)
    if "published" in meta:
        try:
            parsed = PartialDate.parse_leading(meta["published"])
        except ValueError as exc:
            raise MetadataError(f"`published` {exc}") from None
        meta["published"], meta["published_precision"] = parsed.iso, parsed.precision
    return meta


def read_metadata_file(path: Path) -> dict[str, dict]:
    """`--metadata FILE.jsonl`: one object a line, keyed by its `file` name."""
    try:
        # split("\n"), not splitlines(): JSON strings may hold U+2028, and line numbers must
        # count the lines an editor shows.
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read metadata file ({exc})") from exc
    by_file: dict[str, dict] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MetadataError(f"{path}: line {number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise MetadataError(f"{path}: line {number}: each line needs a `file` name")
        try:
            by_file[Path(row["file"]).name] = clean_metadata(row)
        except MetadataError as exc:
            raise MetadataError(f"{path}: line {number}: {exc}") from None
    return by_file


def is_metadata_listing(path: Path) -> bool:
    """A .jsonl whose rows name files but carry no text is metadata, not a corpus."""
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    return (
                        isinstance(row, dict)
                        and "file" in row
                        and "text" not in row
                        and "html" not in row
                    )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")


def read_sidecar(path: Path) -> dict:
    """Metadata from `NAME.meta.json` beside the file, if there is one."""
    sidecar = sidecar_path(path)
    if not sidecar.exists():
        return {}
    try:
        raw = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MetadataError(f"{sidecar}: unreadable sidecar ({exc})") from exc
    if not isinstance(raw, dict):
        raise MetadataError(f"{sidecar}: sidecar must hold one JSON object")
    try:
        return clean_metadata(raw)
    except MetadataError as exc:
        raise MetadataError(f"{sidecar}: {exc}") from None


def merged(*layers: dict) -> dict:
    """Later layers win: page < sidecar < --metadata."""
    out: dict = {}
    for layer in layers:
        out.update({k: v for k, v in layer.items() if v is not None})
    return out
