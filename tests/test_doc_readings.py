"""Readings of a parsed Doc taken from its arrays and text rather than a Token per word: the
same results as the walks over Tokens they replace."""

from __future__ import annotations

from spacy.tokens import Doc

from factions.extract.nlp import (
    build_pipeline,
    forget_readings,
    sents_of,
    span_text,
    tokens_of,
    words_of,
)
from factions.extract.triggers import _NAME_LABELS, _NAMED_KINDS, EntityKinds, cue_text

TEXT = (
    "KABUL, Oct. 3 -- Taliban fighters attacked a police post in Kunduz on Monday, "
    "Mudaqiq said.\nHome | News | Sport\n\nKarim Nazari, a commander, was killed  in "
    "Takhar. The group's spokesman denied it."
)


def _walked_cue_text(span, kinds: EntityKinds | None = None) -> str:  # type: ignore[no-untyped-def]
    named = kinds.by_token if kinds else {}
    return "".join(
        (
            "_" * len(t.text)
            if t.ent_type_ in _NAME_LABELS or named.get(t.i) in _NAMED_KINDS
            else t.text
        )
        + t.whitespace_
        for t in span
    )


def test_cue_text_is_the_walked_text() -> None:
    doc = build_pipeline()(TEXT)
    kinds = EntityKinds({i: "person" for i in range(0, len(doc), 5)})
    spans = [*sents_of(doc), doc[:], doc[3:9], doc[len(doc) - 2 :], doc[4:4]]
    assert any(t.ent_type_ in _NAME_LABELS for t in doc)
    for span in spans:
        for known in (None, kinds):
            assert cue_text(span, known) == _walked_cue_text(span, known)


def test_a_line_break_starts_a_sentence() -> None:
    doc = build_pipeline()(TEXT)
    after_break = [
        t.i for t in doc[1:] if "\n" in doc[t.i - 1].text or "\n" in doc[t.i - 1].whitespace_
    ]
    assert after_break
    assert all(doc[i].is_sent_start for i in after_break)


def test_forgotten_readings_leave_other_user_data() -> None:
    doc: Doc = build_pipeline()(TEXT)
    doc.user_data["someone_else"] = 1
    before = [span_text(s) for s in sents_of(doc)], len(tokens_of(doc)), words_of(doc).lemma
    forget_readings(doc)
    assert set(doc.user_data) == {"someone_else"}
    # Read again, they are what they were.
    again = [span_text(s) for s in sents_of(doc)], len(tokens_of(doc)), words_of(doc).lemma
    assert again == before
