"""Fuzzing, bounded in time: hypothesis-made inputs for every reader of untrusted text.

No exception may escape the text cleaner, the story splitter, the date grammar, the metadata
reader, the JSON Lines and CSV readers or the decoder, other than the one each documents
(ValueError, MetadataError); whatever they return points into, or comes from, the text given.
Each test runs a fixed, small number of examples so that the suite stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factions.extract.dates import find_dates, parse_anchor
from factions.extract.pipeline import pieces
from factions.ingest.clean import Removed, clean_text, normalised_lines, split_stories
from factions.ingest.metadata import MetadataError, clean_metadata, read_metadata_file
from factions.ingest.readers import Article, Failure, articles_in_file, decode_text
from factions.ingest.run import documents_from_article
from factions.partial_date import PartialDate

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Lines a captured page is made of: prose, furniture, headlines, separators, names, blanks.
LINES = st.sampled_from(
    [
        "",
        "Breaking News",
        "Share this article",
        "Advertisement",
        "Home",
        "World",
        "Sport",
        "Related Stories",
        "Comments",
        "***",
        "By Jane Roe",
        "Jane Roe",
        "Jane Roe, a reporter, covers the region for the paper.",
        "Rebels Seize Karsan",
        "REBELS SEIZE KARSAN",
        "Gunmen attacked a police post in Karsan on Monday, killing two officers.",
        "The Northern Front said it carried out the attack, officials said on Tuesday.",
        "0:00 1:23",
        "© 2021 The Valley Herald. All rights reserved.",
    ]
)
PAGES = st.one_of(
    st.lists(st.one_of(LINES, st.text(max_size=80)), max_size=30).map("\n".join),
    st.text(max_size=400),
)


def _words(text: str) -> set[str]:
    return {w for line in normalised_lines(text) for w in line.split()}


@FUZZ
@given(PAGES)
def test_the_cleaner_and_splitter_never_fail_nor_invent_text(page: str) -> None:
    removed = Removed()
    stories = split_stories(page, removed)
    cleaned = clean_text(page, Removed())
    source = _words(page)
    for story in stories:
        assert story.text.strip()
        # A hard-wrapped word joined at its hyphen is the one new token the cleaner makes.
        assert all(w in source or "-" in w for w in story.text.split())
    assert all(w in source or "-" in w for w in cleaned.split())
    assert removed.total >= 0
    said = removed.describe(len(page))
    assert said is None or "\n" not in said


@FUZZ
@given(st.text(max_size=300), st.integers(min_value=1, max_value=120))
def test_pieces_always_cover_the_text(text: str, limit: int) -> None:
    cut = pieces(text, limit)
    assert "".join(piece for _, piece in cut) == text
    assert all(len(piece) <= limit for _, piece in cut)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in cut)


DATE_LIKE = st.one_of(
    st.text(max_size=14),
    st.from_regex(r"\A\d{3,4}(-(W\d{2}|\d{2}(-\d{2})?))?\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?Z?\Z"),
)


@FUZZ
@given(DATE_LIKE)
def test_partial_dates_parse_or_say_why(value: str) -> None:
    try:
        date = PartialDate.parse(value)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert PartialDate.parse(date.iso) == date
        assert date.first_day <= date.last_day
    leading = PartialDate.leading(value)
    assert leading is None or PartialDate.parse(leading.iso) == leading


SENTENCES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "on May 28",
                "in early August 2011",
                "since 2009",
                "between 2010 and 2012",
                "last Tuesday",
                "late 2001",
                "the 1990s",
                "on 30 February 2015",
                "in the spring of 2014",
                "2015-11-14",
                "three days later",
                "until March",
                "Monday",
            ]
        ),
        st.text(max_size=20),
    ),
    max_size=12,
).map(" ".join)


@FUZZ
@given(SENTENCES, st.sampled_from([None, "2015-11-26", "2011-06", "2015", "1999-02-28"]))
def test_the_date_grammar_gives_spans_into_the_text(text: str, published: str | None) -> None:
    for mention in find_dates(text, parse_anchor(published)):
        assert 0 <= mention.start <= mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        if mention.value is not None:
            assert isinstance(mention.value.start, dt.date)
            assert mention.value.start <= mention.value.end


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
RECORDS = st.dictionaries(
    st.sampled_from(["text", "html", "title", "published", "url", "file", "author", "x"]),
    JSON_VALUES | DATE_LIKE,
    max_size=6,
)


@FUZZ
@given(RECORDS)
def test_metadata_is_cleaned_or_refused_with_a_reason(record: dict) -> None:
    try:
        meta = clean_metadata(record)
    except MetadataError as exc:
        assert "published" in str(exc) and "\n" not in str(exc)
    else:
        assert all(isinstance(v, str) for v in meta.values())
        if "published" in meta:
            assert PartialDate.parse(meta["published"]).precision == meta["published_precision"]


def _lines_of(records: list, junk: list[bytes]) -> bytes:
    lines = [json.dumps(r).encode() for r in records] + junk
    return b"\n".join(lines) + b"\n"


@FUZZ
@given(st.lists(RECORDS, max_size=5), st.lists(st.binary(max_size=40), max_size=3))
def test_a_metadata_file_is_read_or_refused_naming_the_line(records: list, junk: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "meta.jsonl"
        path.write_bytes(_lines_of(records, junk))
        try:
            listing = read_metadata_file(path)
        except MetadataError as exc:
            assert str(exc).startswith(str(path)) and "\n" not in str(exc)
        else:
            assert all(isinstance(meta, dict) for meta in listing.values())


def _check_items(path: Path, items: list[Article | Failure]) -> None:
    for item in items:
        if isinstance(item, Failure):
            said = str(item)
            assert item.file == str(path) and said.startswith(f"{path}: ")
            assert "\n" not in said
            if item.line is None:
                # A failure of the whole file (empty, no text column) is its only item.
                assert items == [item]
                continue
            assert said.count(f"line {item.line}: ") == 1 and "line" not in item.reason[:5]
            continue
        assert item.content.strip() and item.line is not None
        try:
            documents = documents_from_article(item, Removed())
        except ValueError as exc:
            assert "\n" not in str(exc)
            continue
        for document in documents:
            assert document.text.strip()


@FUZZ
@given(st.lists(RECORDS, max_size=5), st.lists(st.binary(max_size=40), max_size=3))
def test_jsonl_corpora_give_articles_or_one_line_failures(records: list, junk: list) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.jsonl"
        path.write_bytes(_lines_of(records, junk))
        _check_items(path, list(articles_in_file(path, {})))


CSV_CELLS = st.one_of(LINES, st.text(max_size=30), DATE_LIKE)


@FUZZ
@given(
    st.lists(st.sampled_from(["text", "html", "title", "published", "x"]), min_size=1, max_size=4),
    st.lists(st.lists(CSV_CELLS, max_size=5), max_size=5),
    st.sampled_from(["utf-8", "cp1252"]),
)
def test_csv_corpora_give_articles_or_one_line_failures(
    header: list, rows: list, encoding: str
) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "corpus.csv"
        path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        _check_items(path, list(articles_in_file(path, {})))


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_decode_or_are_refused_with_a_reason(data: bytes) -> None:
    try:
        decoded = decode_text(data)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(decoded.text, str)
        assert decoded.warning is None or "\n" not in decoded.warning
