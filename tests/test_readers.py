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
    assert isinstance(items[1], Failure) and "line 2 is not valid JSON" in items[1].reason
    assert isinstance(items[2], Failure) and "no `text` or `html`" in items[2].reason


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
        (b"caf\xe9 in Latin-1", "not UTF-8 text"),
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
    with pytest.raises(MetadataError, match=r"meta.jsonl:1: each line needs a `file` name"):
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
