"""Long texts are extracted in pieces with offsets into the whole text, or refused with the
reason; short dispatches are stored; what cleaning removes reaches the ingest report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factions.cli import app
from factions.extract import Extractor
from factions.extract.pipeline import extract_from_doc, pieces
from factions.ingest import run as ingest_run
from factions.ingest.documents import make_document
from factions.ingest.run import ingest_paths
from factions.model import Extraction
from factions.store import open_database

from .conftest import sample_corpus


def _article(name: str) -> str:
    return (sample_corpus() / name).read_text(encoding="utf-8").strip()


FIRST = _article("05_oxus_taloqan_bombing.txt")
SECOND = _article("10_sahel_iswap_split.txt")
ONE_LINER = "Gunmen of the Northern Front attacked a police post in Karsan on 4 March 2021"


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


# --- cutting into pieces ---------------------------------------------------------------------


def test_pieces_cover_the_text_and_end_at_paragraphs() -> None:
    text = "\n\n".join(f"Paragraph {i} says something about the war." for i in range(50))
    cut = pieces(text, 200)
    assert "".join(piece for _, piece in cut) == text
    assert all(len(piece) <= 200 for _, piece in cut)
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in cut)
    assert all(piece.endswith("\n\n") for _, piece in cut[:-1])


def test_a_paragraph_longer_than_a_piece_is_cut_at_a_sentence_or_a_word() -> None:
    text = "The rebels advanced. " * 30 + "x" * 500
    cut = pieces(text, 100)
    assert "".join(piece for _, piece in cut) == text
    assert all(len(piece) <= 100 for _, piece in cut)
    assert cut[0][1].endswith(". ")


# --- extraction in pieces --------------------------------------------------------------------


def _offsets_point_into(extraction: Extraction, text: str) -> None:
    for record in [*extraction.claims, *extraction.events]:
        for evidence in record.evidence:
            assert text[evidence.start : evidence.end] == evidence.text
            # An event's trigger words and their arguments stand inside its sentence.
            for start, end in evidence.triggers:
                assert evidence.start <= start < end <= evidence.end
            for argument in evidence.arguments:
                assert evidence.start <= argument.start < argument.end <= evidence.end
    for mention in extraction.mentions:
        assert text[mention.start : mention.end] == mention.text


def _facts(extraction: Extraction) -> set[tuple]:
    return {
        (c.subject, c.predicate, c.object, c.value, c.evidence[0].start, c.id)
        for c in extraction.claims
    }


def test_a_text_longer_than_spacy_allows_is_extracted_in_pieces(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same as a 3 MB article against spaCy's 1,000,000 characters, in a few kilobytes.
    text = f"{FIRST}\n\n{SECOND}"
    monkeypatch.setattr(extractor.nlp, "max_length", max(len(FIRST), len(SECOND)) + 2)
    assert [offset for offset, _ in pieces(text, extractor.piece_chars)] == [0, len(FIRST) + 2]
    document = make_document(text, {"published": "2015-06-01"}, source="long.txt")
    whole = extractor.extract(document)
    [batched] = list(extractor.extract_many([document]))
    assert _facts(batched) == _facts(whole)
    _offsets_point_into(whole, text)
    # Each piece gives what it gives alone, its offsets moved to where it stands.
    first = extract_from_doc(
        dataclasses.replace(document, text=FIRST), extractor.nlp(FIRST + "\n\n")
    )
    assert {f for f in _facts(first)} <= _facts(whole)
    second_start = len(FIRST) + 2
    second = extract_from_doc(dataclasses.replace(document, text=SECOND), extractor.nlp(SECOND))
    assert {(s, p, o, e + second_start) for s, p, o, _, e, _ in _facts(second)} <= {
        (s, p, o, e) for s, p, o, _, e, _ in _facts(whole)
    }
    # Claims that name an event name one of the document's events.
    event_ids = {e.id for e in whole.events}
    assert all(
        c.value in event_ids for c in whole.claims if c.predicate == "claimed_responsibility_for"
    )
    assert len({c.id for c in whole.claims}) == len(whole.claims)


def test_a_document_too_long_even_for_pieces_is_refused_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extractor: Extractor
) -> None:
    monkeypatch.setattr(ingest_run, "MAX_DOCUMENT_CHARS", 1000)
    path = tmp_path / "book.txt"
    path.write_text(f"{FIRST}\n\n{SECOND}", encoding="utf-8")
    report = ingest_paths([path], open_database(str(tmp_path / "kb.db")), extractor=extractor)
    [failure] = report.failed
    assert failure.source == str(path)
    assert failure.reason.startswith("too long to extract (")
    assert failure.reason.endswith("the limit is 1,000): split it into several files")


# --- short texts and removed text, through ingest --------------------------------------------


def test_one_line_dispatches_are_stored(tmp_path: Path, extractor: Extractor) -> None:
    (tmp_path / "dispatch.txt").write_text(ONE_LINER + "\n", encoding="utf-8")
    (tmp_path / "notes.csv").write_text(
        'text\n"Rebels of the Northern Front were disbanded in 1995, the Guard replaced them"\n',
        encoding="utf-8",
    )
    engine = open_database(str(tmp_path / "kb.db"))
    report = ingest_paths([tmp_path], engine, extractor=extractor)
    assert report.failed == [] and report.warnings == []
    assert len(report.new) == 2


def test_removed_repeats_and_repaired_encodings_reach_the_summary(tmp_path: Path) -> None:
    paragraph = FIRST.split("\n\n")[1]
    (tmp_path / "repeated.txt").write_text("\n\n".join([paragraph] * 300), encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes(
        "Le café de Karsan a été détruit par une explosion lundi.".encode("cp1252")
    )
    db = tmp_path / "kb.db"
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 new, 0 unchanged, 0 near-duplicate, 0 failed, 2 warnings" in result.output
    lines = [line for line in result.output.splitlines() if line.startswith("warning ")]
    removed = 299 * len(paragraph)
    assert lines == [
        f"warning {tmp_path / 'latin1.txt'}: not UTF-8: read as Windows-1252 (Latin-1), the "
        "encoding of older news sites",
        f"warning {tmp_path / 'repeated.txt'}: removed {removed:,} of "
        f"{300 * len(paragraph) + 299 * 2:,} characters: 299 repeated paragraphs ({removed:,})",
    ]
