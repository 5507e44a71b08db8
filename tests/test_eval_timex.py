"""The TIMEX scorer: on a TimeML string written here, and on a few real TimeBank files."""

from __future__ import annotations

from pathlib import Path

import pytest

from factions.evaluation.timex import (
    TimexScores,
    evaluate_timex,
    format_timex_scores,
    parse_timeml,
    score_document,
)
from factions.extract.dates import find_dates, parse_anchor

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
TIMEX_DIR = SHARED / "eval" / "timex"

TINY = """<?xml version="1.0" ?>
<TimeML>
<DOCID>tiny</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2015-11-26">Nov 26</TIMEX3></DCT>
<TEXT>
Militia &amp; army units clashed <TIMEX3 tid="t1" type="DATE" value="2015-11-24">Tuesday</TIMEX3>, \
<EVENT eid="e1">ending</EVENT> a truce of <TIMEX3 tid="t2" type="DURATION" value="P3M">three \
months</TIMEX3>. The town fell in <TIMEX3 tid="t3" type="DATE" value="2014-SU">the summer of \
2014</TIMEX3> and was retaken <TIMEX3 tid="t4" type="DATE" value="2015-03">in March</TIMEX3>. \
Envoys arrive <TIMEX3 tid="t5" type="DATE" value="FUTURE_REF">soon</TIMEX3>. On Route 2009 \
nothing moved in 1999.
</TEXT>
</TimeML>
"""


def test_parse_timeml_strips_tags_and_keeps_spans() -> None:
    doc = parse_timeml(TINY, "tiny")
    assert doc.dct == "2015-11-26"
    assert doc.text.startswith("\nMilitia & army units")
    assert [(t.text, t.type) for t in doc.timexes] == [
        ("Tuesday", "DATE"),
        ("three months", "DURATION"),
        ("the summer of 2014", "DATE"),
        ("in March", "DATE"),
        ("soon", "DATE"),
    ]
    for timex in doc.timexes:
        assert doc.text[timex.start : timex.end] == timex.text


def test_scoring_on_a_tiny_document() -> None:
    doc = parse_timeml(TINY, "tiny")
    mentions = find_dates(doc.text, parse_anchor(doc.dct))
    assert [m.text for m in mentions] == ["Tuesday", "the summer of 2014", "March", "1999"]
    scores = TimexScores()
    score_document(doc, mentions, scores)
    assert scores.gold_dates == 4
    assert scores.predicted == 4
    # exact: Tuesday, the summer of 2014; overlapping: March inside "in March"; "soon" missed
    assert (scores.strict_tp, scores.strict_fn) == (2, 2)
    assert (scores.relaxed_tp, scores.relaxed_fn) == (3, 1)
    # "1999" matches no gold TIMEX3 at all: the only false positive
    assert scores.relaxed_predicted_matched == 3
    assert scores.strict_predicted_matched == 2
    assert scores.value_correct == 3
    assert scores.relaxed_precision == pytest.approx(0.75)
    assert scores.relaxed_recall == pytest.approx(0.75)
    assert scores.strict_f1 == pytest.approx(0.5)
    assert len(scores.misses) == 1 and "'soon'" in scores.misses[0]
    assert len(scores.false_positives) == 1 and "'1999'" in scores.false_positives[0]


def test_evaluate_timex_on_a_few_real_files() -> None:
    if not TIMEX_DIR.is_dir():
        pytest.skip(f"../shared absent: no TimeML gold at {TIMEX_DIR}")
    scores = evaluate_timex(TIMEX_DIR, limit=8)
    assert scores.files == 8
    assert scores.gold_dates > 0
    assert scores.strict_tp + scores.strict_fn == scores.gold_dates
    assert scores.relaxed_tp + scores.relaxed_fn == scores.gold_dates
    assert scores.strict_tp <= scores.relaxed_tp
    assert scores.value_correct <= scores.relaxed_tp
    figures = [
        scores.strict_precision,
        scores.strict_recall,
        scores.strict_f1,
        scores.relaxed_precision,
        scores.relaxed_recall,
        scores.relaxed_f1,
        scores.value_accuracy,
    ]
    assert all(0.0 <= f <= 1.0 for f in figures)
    assert "relaxed" in format_timex_scores(scores)
