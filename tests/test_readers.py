"""Reading articles from every input kind, and one-line errors for every bad-input kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factions.ingest import readers
from factions.ingest.metadata import MetadataError, normalise_published, read_metadata_file
from factions.ingest.readers import Article, Failure, articles_in_file, collect_files

REPORT = (
    "Militants of the Northern Front attacked a police post in Kunduz on Monday, "
    "officials said. Two officers were wounded in the attack."
)


def _items(path: Path, listing: dict | None = None) -> list[Article | Failure]:
    return list(articles_in_file(path, listing or {}))


def test_plain_text_file_is_one_article(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    [item] = _items(path)
    assert isinstance(item, Article)
    assert item.content == REPORT and not item.is_html


def test_html_file_is_marked_html(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(f"<html><body><p>{REPORT}</p></body></html>", encoding="utf-8")
    [item] = _items(path)
    assert isinstance(item, Article) and item.is_html


def test_jsonl_corpus_gives_one_article_per_line_with_metadata(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    rows = [
        {"text": REPORT, "title": "Post attacked", "published": "2012-03-05", "outlet": "Wire"},
        {"html": f"<p>{REPORT}</p>", "title": "Second"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    first, second = _items(path)
    assert isinstance(first, Article) and isinstance(second, Article)
    assert first.meta["published"] == "2012-03-05"
    assert first.meta["published_precision"] == "day"
    assert first.source.endswith("corpus.jsonl#0")
    assert second.is_html and not first.is_html


def test_jsonl_bad_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(
        json.dumps({"text": REPORT}) + "\n{not json\n" + json.dumps({"title": "x"}) + "\n"
    )
    items = _items(path)
    assert isinstance(items[0], Article)
    assert str(items[1]).startswith(f"{path}: line 2: not valid JSON (")
    assert str(items[2]) == f"{path}: line 3: record has no `text` or `html`"


def test_csv_corpus(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text('text,title,published\n"' + REPORT + '",Post attacked,2012-03\n')
    [item] = _items(path)
    assert isinstance(item, Article)
    assert item.meta["title"] == "Post attacked"
    assert item.meta["published_precision"] == "month"


def test_csv_without_text_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text("title,published\nx,2012\n")
    [item] = _items(path)
    assert isinstance(item, Failure) and "`text` or `html` column" in item.reason


def test_directory_is_walked_recursively_and_skips_metadata_listings(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text(REPORT)
    (tmp_path / "top.html").write_text(f"<p>{REPORT}</p>")
    (tmp_path / "README.md").write_text("# not an article")
    (tmp_path / "metadata.jsonl").write_text(json.dumps({"file": "top.html", "title": "T"}) + "\n")
    files, failures = collect_files([tmp_path])
    assert [p.name for p in files] == ["deep.txt", "top.html"]
    assert failures == []


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x00\x01\x02binary\x00data", "binary file"),
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
    ],
)
def test_bad_files_give_one_line_reasons(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    [item] = _items(path)
    assert isinstance(item, Failure)
    assert reason in item.reason
    assert "\n" not in str(item) and str(item).startswith(str(path))


def test_too_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    [item] = _items(path)
    assert isinstance(item, Failure) and "too large" in item.reason


def test_missing_path_and_unsupported_type(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    files, failures = collect_files([tmp_path / "nope.txt", tmp_path / "image.png"])
    assert files == []
    assert [f.reason for f in failures] == [
        "no such file or directory",
        "unsupported file type '.png'",
    ]


def test_sidecar_metadata_and_listing_precedence(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(REPORT)
    (tmp_path / "story.meta.json").write_text(
        json.dumps({"title": "From sidecar", "author": "A. Writer", "published": "2013"})
    )
    listing = {"story.txt": {"title": "From listing"}}
    [item] = _items(path, listing)
    assert isinstance(item, Article)
    assert item.meta["title"] == "From listing"
    assert item.meta["author"] == "A. Writer"
    assert (item.meta["published"], item.meta["published_precision"]) == ("2013", "year")


def test_broken_sidecar_is_a_failure_of_that_file(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(REPORT)
    (tmp_path / "story.meta.json").write_text("{broken")
    [item] = _items(path)
    assert isinstance(item, Failure) and "unreadable sidecar" in item.reason


def test_metadata_file_keeps_partial_dates(tmp_path: Path) -> None:
    path = tmp_path / "meta.jsonl"
    path.write_text(
        json.dumps({"file": "dir/a.txt", "published": "2011-06", "title": "A"})
        + "\n"
        + json.dumps({"file": "b.txt", "published": "2015-11-26T10:00:00Z"})
        + "\n"
    )
    listing = read_metadata_file(path)
    assert listing["a.txt"]["published"] == "2011-06"
    assert listing["a.txt"]["published_precision"] == "month"
    assert listing["b.txt"]["published"] == "2015-11-26"


def test_metadata_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "meta.jsonl"
    path.write_text(json.dumps({"title": "no file"}) + "\n")
    with pytest.raises(MetadataError, match=r"meta.jsonl: line 1: each line needs a `file` name"):
        read_metadata_file(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2011", ("2011", "year")),
        ("2011-06", ("2011-06", "month")),
        ("2011-06-05", ("2011-06-05", "day")),
        ("2011-13", (None, None)),
        ("June 2011", (None, None)),
        (None, (None, None)),
    ],
)
def test_published_precision(value: str | None, expected: tuple) -> None:
    assert normalise_published(value) == expected


def test_metadata_listing_inside_a_directory_is_applied(tmp_path: Path) -> None:
    from factions.ingest.readers import metadata_listings

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "metadata.jsonl").write_text(
        json.dumps({"file": "story.txt", "published": "2014-06", "outlet": "Wire"}) + "\n"
    )
    listing, failures = metadata_listings([tmp_path])
    assert failures == []
    assert listing["story.txt"]["published"] == "2014-06"
    assert listing["story.txt"]["outlet"] == "Wire"


# --- encodings ------------------------------------------------------------------------------


def test_a_latin1_article_is_read_with_a_warning_naming_the_fallback(tmp_path: Path) -> None:
    path = tmp_path / "old-site.txt"
    text = "Le café de la place a été détruit par l’explosion, selon la préfecture."
    path.write_bytes(text.encode("cp1252"))
    [item] = _items(path)
    assert isinstance(item, Article)
    assert item.content == text
    assert item.warnings == [
        "not UTF-8: read as Windows-1252 (Latin-1), the encoding of older news sites"
    ]


def test_stray_bytes_in_utf8_are_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "mostly-utf8.txt"
    good = "Kämpfer in Kunduz – “three killed” – said officials in Mazār-i-Sharīf."
    path.write_bytes(good.encode() + b" \xff\xfe tail \x80.")
    [item] = _items(path)
    assert isinstance(item, Article)
    assert item.content.startswith(good) and item.content.count("\ufffd") == 3
    assert item.warnings == ["3 invalid UTF-8 byte sequences replaced with U+FFFD"]


def test_a_latin1_line_of_a_jsonl_corpus_is_read_with_a_warning_naming_the_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(
        json.dumps({"text": REPORT}).encode()
        + b"\n"
        + json.dumps({"text": "Caf\u00e9 bombing in Kunduz"}, ensure_ascii=False).encode("cp1252")
        + b"\n"
    )
    first, second = _items(path)
    assert isinstance(first, Article) and not first.warnings
    assert isinstance(second, Article) and second.content == "Café bombing in Kunduz"
    assert second.warnings == [
        "line 2: not UTF-8: read as Windows-1252 (Latin-1), the encoding of older news sites"
    ]


# --- JSON Lines and CSV errors ----------------------------------------------------------------


def test_jsonl_errors_say_line_n_once_and_count_lines_as_an_editor_does(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    # A blank line and a U+2028 inside a string: line numbers still count "\n" only.
    lines = [json.dumps({"text": "A\u2028B " + REPORT}, ensure_ascii=False), "", "[1, 2]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    first, failure = _items(path)
    assert isinstance(first, Article)
    assert str(failure) == f"{path}: line 3: each record must be a JSON object, not a list"
    # The source stays the record's index, as its documents' would be (the evaluations read it).
    assert failure.source == f"{path}#2" and failure.line == 3 and "line" not in failure.reason


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"text": 42}, "`text` must be a string, not a number"),
        ({"text": ["a", "b"]}, "`text` must be a string, not a list"),
        ({"html": {"p": 1}, "text": REPORT}, "`html` must be a string, not an object"),
        ({"text": REPORT, "published": "2015-02-30"}, "that month has no day 30"),
        ({"text": REPORT, "published": "last Tuesday"}, "`published` 'last Tuesday' is not a"),
    ],
)
def test_jsonl_record_errors_say_what_is_wrong(tmp_path: Path, record: dict, reason: str) -> None:
    path = tmp_path / "corpus.jsonl"
    path.write_text(json.dumps(record) + "\n")
    [failure] = _items(path)
    assert isinstance(failure, Failure)
    assert str(failure).startswith(f"{path}: line 1: ") and failure.line == 1
    assert reason in failure.reason


def test_csv_errors_name_the_line_a_row_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "corpus.csv"
    path.write_text(
        f'text,published\n"First report,\nwrapped over two lines.",2012\n"{REPORT}",2012-02-30\n'
    )
    first, failure = _items(path)
    assert isinstance(first, Article) and first.line == 2
    assert isinstance(failure, Failure)
    assert str(failure).startswith(f"{path}: line 4: `published` '2012-02-30' is not a date")


# --- metadata dates ---------------------------------------------------------------------------


def test_an_impossible_published_date_in_a_sidecar_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(REPORT)
    (tmp_path / "story.meta.json").write_text(json.dumps({"published": "2015-02-30"}))
    [item] = _items(path)
    assert isinstance(item, Failure) and item.source == str(path)
    assert item.reason.startswith(f"{tmp_path / 'story.meta.json'}: `published` '2015-02-30'")
    assert "that month has no day 30" in item.reason


def test_an_impossible_published_date_in_a_metadata_file_names_file_and_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "meta.jsonl"
    path.write_text(
        json.dumps({"file": "a.txt", "published": "2015-02"})
        + "\n"
        + json.dumps({"file": "b.txt", "published": "2015-13-01"})
        + "\n"
    )
    with pytest.raises(MetadataError) as caught:
        read_metadata_file(path)
    assert str(caught.value) == (
        f"{path}: line 2: `published` '2015-13-01' is not a date: there is no month 13"
    )
