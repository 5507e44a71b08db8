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
    """Only the known fields, stripped, with the published date normalised."""
    meta = {}
    for field in META_FIELDS:
        value = raw.get(field)
        if isinstance(value, str):
            value = value.strip() or None
        if value is not None:
            meta[field] = value if isinstance(value, str) else str(value)
    if "published" in meta:
        meta["published"], meta["published_precision"] = normalise_published(meta["published"])
        if meta["published"] is None:
            del meta["published"], meta["published_precision"]
    return meta


def read_metadata_file(path: Path) -> dict[str, dict]:
    """`--metadata FILE.jsonl`: one object a line, keyed by its `file` name."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"{path}: cannot read metadata file ({exc})") from exc
    by_file: dict[str, dict] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise MetadataError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
        if not isinstance(row, dict) or not isinstance(row.get("file"), str):
            raise MetadataError(f"{path}:{number}: each line needs a `file` name")
        by_file[Path(row["file"]).name] = clean_metadata(row)
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
    return clean_metadata(raw)


def merged(*layers: dict) -> dict:
    """Later layers win: page < sidecar < --metadata."""
    out: dict = {}
    for layer in layers:
        out.update({k: v for k, v in layer.items() if v is not None})
    return out
