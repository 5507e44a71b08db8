"""Finding articles in paths: files, directories, JSON Lines and CSV corpora.

Each source yields `Article`s or `Failure`s; a failure names the file and the reason in one line
and never stops the batch. What was read with a repair (a legacy encoding, stray bytes) carries
a warning that names the file, so that nothing is changed silently.
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
    # What reading it had to repair (an encoding fallback, replaced bytes), one line each.
    warnings: list[str] = field(default_factory=list)
    # The line of a JSON Lines or CSV corpus the article starts on.
    line: int | None = None

    @property
    def file(self) -> str:
        """The file the article comes from (a corpus article's source adds '#index')."""
        return self.source if self.line is None else self.source.rsplit("#", 1)[0]

    def failure(self, reason: str) -> Failure:
        """A failure of this article that names its file, and its line in a corpus."""
        return Failure(self.source, reason, line=self.line)


@dataclass
class Failure:
    """What could not be read, and why. A corpus record's source is "file#index", as its
    documents' are; its line is said once, in the message: "file: line 3: reason"."""

    source: str
    reason: str
    line: int | None = None

    @property
    def file(self) -> str:
        return self.source if self.line is None else self.source.rsplit("#", 1)[0]

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{self.file}: {where}{self.reason}"


@dataclass(frozen=True)
class IngestWarning:
    """Something ingest changed or left out of a file while still storing it."""

    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


@dataclass(frozen=True)
class Decoded:
    """Text read from bytes, and what had to be repaired to read it (None: nothing)."""

    text: str
    warning: str | None = None


# The legacy encoding of older news sites: Windows-1252 is Latin-1 with printable characters
# where Latin-1 has C1 control codes, so it reads Latin-1 text correctly as well.
FALLBACK_ENCODING = "cp1252"


def _non_ascii_letters(text: str) -> int:
    return sum(1 for c in text if ord(c) > 127 and c != "\ufffd")


def decode_text(data: bytes) -> Decoded:
    """UTF-8 (or UTF-16 with a BOM) text; raises ValueError naming what is wrong.

    Text that is not valid UTF-8 is still read, with a warning: when its valid UTF-8
    characters outnumber the invalid sequences, it is UTF-8 with a few stray bytes, which are
    replaced (U+FFFD); otherwise it is a legacy single-byte encoding, read as Windows-1252.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return Decoded(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-16 text despite its byte-order mark ({exc.reason})") from exc
    if b"\x00" in data[:8192]:
        raise ValueError("binary file, not text")
    try:
        return Decoded(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    replaced = data.decode("utf-8-sig", errors="replace")
    # U+FFFD already in the file is text, not a repair.
    invalid = replaced.count("\ufffd") - data.count("\ufffd".encode())
    if _non_ascii_letters(replaced) > invalid:
        noun = "sequence" if invalid == 1 else "sequences"
        return Decoded(replaced, f"{invalid} invalid UTF-8 byte {noun} replaced with U+FFFD")
    # The five bytes Windows-1252 leaves undefined are C1 controls in Latin-1: never text.
    return Decoded(
        data.decode(FALLBACK_ENCODING, errors="replace"),
        "not UTF-8: read as Windows-1252 (Latin-1), the encoding of older news sites",
    )


def read_file_text(path: Path) -> Decoded:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ValueError(f"too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})")
    decoded = decode_text(path.read_bytes())
    if not decoded.text.strip():
        raise ValueError("empty file")
    return decoded


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
                    reason = str(exc).removeprefix(f"{candidate}: ")
                    failures.append(Failure(str(candidate), reason))
    return listing, failures


_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    int: "a number",
    float: "a number",
    bool: "true or false",
    type(None): "null",
}


def _kind_of(value: object) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _article_from_record(source: str, record: object, line: int) -> Article:
    if not isinstance(record, dict):
        raise ValueError(f"each record must be a JSON object, not {_kind_of(record)}")
    for name in ("html", "text"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"`{name}` must be a string, not {_kind_of(value)}")
    html, text = record.get("html"), record.get("text")
    content = html if isinstance(html, str) and html.strip() else text
    if not isinstance(content, str) or not content.strip():
        raise ValueError("record has no `text` or `html`")
    if len(content) > MAX_ARTICLE_CHARS:
        raise ValueError(
            f"record too large ({len(content):,} characters; the limit is {MAX_ARTICLE_CHARS:,})"
        )
    meta = clean_metadata(record)
    return Article(source, content, is_html=content is html, meta=meta, line=line)


def _jsonl_articles(path: Path) -> Iterator[Article | Failure]:
    # Articles and failures keep the record's index as their source ("corpus.jsonl#2"), as
    # stored documents always have; a failure's message says the line once ("line 3: ...").
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                decoded = decode_text(raw)
                article = _article_from_record(
                    f"{path}#{number - 1}", json.loads(decoded.text), number
                )
            except json.JSONDecodeError as exc:
                yield Failure(f"{path}#{number - 1}", f"not valid JSON ({exc.msg})", number)
                continue
            except ValueError as exc:
                yield Failure(f"{path}#{number - 1}", str(exc), number)
                continue
            if decoded.warning:
                article.warnings.append(f"line {number}: {decoded.warning}")
            yield article


def _csv_articles(path: Path) -> Iterator[Article | Failure]:
    decoded = read_file_text(path)
    reader = csv.DictReader(io.StringIO(decoded.text, newline=""))
    if not reader.fieldnames or not {"text", "html"} & set(reader.fieldnames):
        yield Failure(str(path), "CSV needs a `text` or `html` column")
        return
    # A quoted field may hold line breaks: a row starts on the line after the previous one ended.
    row_start = reader.line_num + 1
    for number, row in enumerate(reader):
        line, row_start = row_start, reader.line_num + 1
        try:
            if None in row:
                fields = len(reader.fieldnames) + len(row[None])  # type: ignore[index]
                raise ValueError(f"{fields} fields where the header names {len(reader.fieldnames)}")
            article = _article_from_record(f"{path}#{number}", row, line)
        except ValueError as exc:
            yield Failure(f"{path}#{number}", str(exc), line)
            continue
        if decoded.warning:
            # The whole file's: the ingest report says it once per file.
            article.warnings.append(decoded.warning)
        yield article


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
        decoded = read_file_text(path)
        meta = merged(read_sidecar(path), listing.get(path.name, {}))
        article = Article(str(path), decoded.text, is_html=suffix in HTML_SUFFIXES, meta=meta)
        if decoded.warning:
            article.warnings.append(decoded.warning)
        yield article
    except (OSError, ValueError, MetadataError) as exc:
        reason = str(exc)
        prefix = f"{path}: "
        yield Failure(str(path), reason[len(prefix) :] if reason.startswith(prefix) else reason)
