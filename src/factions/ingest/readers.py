"""Finding articles in paths: files, directories, JSON Lines and CSV corpora.

Each source yields `Article`s or `Failure`s; a failure names the file and the reason in one line
and never stops the batch.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from factions.ingest.metadata import (
    MetadataError,
    clean_metadata,
    is_metadata_listing,
    merged,
    read_metadata_file,
    read_sidecar,
)

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv"}
# Explicitly named files may be Markdown; directory walks skip it (it is mostly READMEs).
EXPLICIT_ONLY_SUFFIXES = {".md"}
CORPUS_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES | CSV_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ARTICLE_CHARS = 2 * 1024 * 1024


@dataclass
class Article:
    source: str
    content: str
    is_html: bool
    meta: dict = field(default_factory=dict)


@dataclass
class Failure:
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


def decode_text(data: bytes) -> str:
    """UTF-8 (or UTF-16 with a BOM) text; raises ValueError naming what is wrong."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc


def read_file_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
    text = decode_text(path.read_bytes())
    if not text.strip():
        raise ValueError("empty file")
    return text


def collect_files(paths: list[Path]) -> tuple[list[Path], list[Failure]]:
    """The files to read, in a stable order, and the paths that could not be used."""
    files: list[Path] = []
    failures: list[Failure] = []
    for path in paths:
        if not path.exists():
            failures.append(Failure(str(path), "no such file or directory"))
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in CORPUS_SUFFIXES
                and not p.name.startswith(".")
                and not (p.suffix.lower() in JSONL_SUFFIXES and is_metadata_listing(p))
            )
        elif path.suffix.lower() in CORPUS_SUFFIXES | EXPLICIT_ONLY_SUFFIXES:
            files.append(path)
        else:
            failures.append(
                Failure(str(path), f"unsupported file type '{path.suffix or '(none)'}'")
            )
    return files, failures


def metadata_listings(paths: list[Path]) -> tuple[dict[str, dict], list[Failure]]:
    """Metadata listings found inside directories (a `metadata.jsonl` of `file` rows)."""
    listing: dict[str, dict] = {}
    failures: list[Failure] = []
    for path in paths:
        if not path.is_dir():
            continue
        for candidate in sorted(path.rglob("*")):
            if candidate.suffix.lower() in JSONL_SUFFIXES and is_metadata_listing(candidate):
                try:
                    listing.update(read_metadata_file(candidate))
                except MetadataError as exc:
                    failures.append(Failure(str(candidate), str(exc).split(": ", 1)[-1]))
    return listing, failures


def _article_from_record(source: str, record: object) -> Article:
    if not isinstance(record, dict):
        raise ValueError("each record must be a JSON object")
    html, text = record.get("html"), record.get("text")
    content = html if isinstance(html, str) and html.strip() else text
    if not isinstance(content, str) or not content.strip():
        raise ValueError("record has no `text` or `html`")
    if len(content) > MAX_ARTICLE_CHARS:
        raise ValueError(f"record too large ({len(content):,} characters)")
    return Article(source, content, is_html=content is html, meta=clean_metadata(record))


def _jsonl_articles(path: Path) -> Iterator[Article | Failure]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            source = f"{path}#{number - 1}"
            if not raw.strip():
                continue
            try:
                record = json.loads(decode_text(raw))
                yield _article_from_record(source, record)
            except json.JSONDecodeError as exc:
                yield Failure(source, f"line {number} is not valid JSON ({exc.msg})")
            except ValueError as exc:
                yield Failure(source, f"line {number}: {exc}")


def _csv_articles(path: Path) -> Iterator[Article | Failure]:
    text = read_file_text(path)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"text", "html"} & set(reader.fieldnames):
        yield Failure(str(path), "CSV needs a `text` or `html` column")
        return
    for number, row in enumerate(reader):
        source = f"{path}#{number}"
        try:
            yield _article_from_record(source, row)
        except ValueError as exc:
            yield Failure(source, f"row {number + 2}: {exc}")


def articles_in_file(path: Path, listing: dict[str, dict]) -> Iterator[Article | Failure]:
    """Every article a file holds, with its metadata merged from sidecar and listing."""
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES:
            yield from _jsonl_articles(path)
            return
        if suffix in CSV_SUFFIXES:
            yield from _csv_articles(path)
            return
        content = read_file_text(path)
        meta = merged(read_sidecar(path), listing.get(path.name, {}))
        yield Article(str(path), content, is_html=suffix in HTML_SUFFIXES, meta=meta)
    except (OSError, ValueError, MetadataError) as exc:
        reason = str(exc)
        prefix = f"{path}: "
        yield Failure(str(path), reason[len(prefix) :] if reason.startswith(prefix) else reason)
