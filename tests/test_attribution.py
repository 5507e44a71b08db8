"""Speakers and certainty, on sentences written for these tests."""

from __future__ import annotations

from .test_relations import claim, extract


def test_apposed_name_is_the_speaker() -> None:
    text = (
        "A spokesman for the Afghan police, Col. Ahmad Shafi Wardak, said the Taliban attacked "
        "the Afghan army near Kunduz."
    )
    found, names = claim(text, "fights")
    assert found.certainty == "attributed"
    assert names[found.attributed_to] == "Ahmad Shafi Wardak"


def test_role_in_the_speakers_description_is_asserted_by_the_outlet() -> None:
    text = "Zabihullah Mujahid, a spokesman for the Taliban, denied the report on Monday."
    found, _ = claim(text, "spokesperson_of")
    assert found.certainty == "asserted"
    assert found.attributed_to is None


def test_apposition_keeps_its_own_hedge() -> None:
    text = "Abu Omar, the alleged leader of al-Shabaab, was seen in Kismayo, residents said."
    found, _ = claim(text, "leader_of")
    assert found.certainty == "alleged"


def test_name_after_according_to_and_a_comma_is_not_the_source() -> None:
    text = "According to two village elders, Boko Haram has since been sheltered by Ansaru."
    found, _ = claim(text, "hosted_by")
    assert found.certainty == "reported"
    assert found.attributed_to is None


def test_speech_in_an_adverbial_clause_frames_only_that_clause() -> None:
    text = (
        "The Taliban attacked the Afghan army in Kunduz after the Taliban confirmed that its "
        "leader was dead."
    )
    found, _ = claim(text, "fights")
    assert found.certainty == "asserted"
    assert found.attributed_to is None


def test_denial_by_a_spokesman_is_denied() -> None:
    result = extract(
        "Residents said Taliban mortar fire killed nine civilians in Kunduz on Monday. "
        "A Taliban spokesman, Zabihullah Mujahid, denied that the group's fighters had hurt anyone."
    )
    denials = [c for c in result.claims if c.predicate == "carried_out" and not c.polarity]
    assert denials and denials[0].certainty == "denied"
    names = {e.id: e.name for e in result.entities}
    assert names[denials[0].attributed_to] == "Zabihullah Mujahid"


def test_unnamed_members_of_a_named_group_are_reported() -> None:
    text = "Boko Haram has long been sheltered by Ansaru, according to senior Ansaru leaders."
    found, _ = claim(text, "hosted_by")
    assert found.certainty == "reported"
    assert found.attributed_to is None


def test_the_one_hedge_search_finds_a_sentence_exactly_when_a_hedge_does() -> None:
    """Sentences without a hedge skip the hedges one by one; none may be skipped that has one."""
    from factions.extract.lexicons import load_lexicons
    from factions.extract.pipeline import _own_grade
    from factions.packaged import read_toml

    lex = load_lexicons()
    cues = list(read_toml("lexicons", "cues.toml")["hedges"])
    sentences = [
        "The Taliban attacked the army near Kunduz.",
        "The group reportedly attacked the army.",
        "Officials could not confirm the report, and there were reports of fighting.",
        "A re-reportedly fictional word, and an unreportedly one.",
        "The ALLEGED leader was seen.",
        "non-alleged words and allegedly-hyphened ones",
        *cues,
        *(f"They said, {cue.upper()}, that it happened." for cue in cues),
    ]
    for sentence in sentences:
        one = lex.any_hedge.search(sentence) is not None
        each = any(regex.search(sentence) for regex, _ in lex.hedges)
        assert one == each, sentence
    assert _own_grade("The group reportedly attacked the army.", lex) == "reported"
    assert _own_grade("The group attacked the army.", lex) == "asserted"


def test_a_docs_text_is_joined_once_and_spans_are_cut_from_it() -> None:
    from factions.extract.nlp import build_pipeline, doc_text, model_name, span_text

    doc = build_pipeline(model_name())(
        "Taliban fighters attack checkpoint\n\nThe Taliban said  it  attacked.  \n"
        "“Who?” asked Mullah Omar ’s men, in Kunduz.\n\n\nEnd  "
    )
    first = doc_text(doc)
    assert first == doc.text
    assert doc_text(doc) is first
    spans = [
        *doc.sents,
        *doc.ents,
        *(doc[i:j] for i in range(len(doc)) for j in range(i + 1, len(doc) + 1)),
    ]
    for span in spans:
        assert span_text(span) == span.text, (span.start, span.end)


def test_what_is_read_once_per_doc_is_what_the_tokens_say() -> None:
    """The per-Doc readings (nlp.py) agree with asking each Token: the token at a character,
    a sentence's question mark, each word's lemma, part of speech, dependency and form."""
    from factions.extract.nlp import (
        build_pipeline,
        children_of,
        ents_of,
        in_question,
        model_name,
        sents_of,
        token_at,
        tokens_of,
        words_of,
    )

    doc = build_pipeline(model_name())(
        "Did the Taliban attack Kunduz?  Nobody knows.\n\nThe IMU   said it fought the "
        "Taliban in Zabul ’s north. “Who?” asked Mullah Omar.  "
    )
    words = words_of(doc)
    assert [t.i for t in tokens_of(doc)] == [t.i for t in doc]
    assert [(e.start, e.end, e.label_) for e in ents_of(doc)] == [
        (e.start, e.end, e.label_) for e in doc.ents
    ]
    assert [(s.start, s.end) for s in sents_of(doc)] == [(s.start, s.end) for s in doc.sents]
    for token in doc:
        assert [c.i for c in children_of(token)] == [c.i for c in token.children], token.i
        assert in_question(token) == token.sent.text.rstrip().endswith("?"), token.i
        assert words.lemma[token.i] == token.lemma_.lower()
        assert (words.pos[token.i], words.dep[token.i]) == (token.pos_, token.dep_)
        assert words.lower[token.i] == token.lower_
    spans = [*doc.sents, doc[2:9], doc[:]]
    for span in spans:
        for char in range(len(doc.text) + 1):
            walked = next((t for t in span if t.idx <= char < t.idx + max(len(t.text), 1)), None)
            found = token_at(span, char)
            assert (found.i if found is not None else None) == (
                walked.i if walked is not None else None
            ), (span.start, char)


def test_the_speech_verbs_are_lowercase() -> None:
    """A sentence's words are screened for a speech verb by their lemma in lowercase
    (`_speech_frame`): a speech verb written with a capital would never be found."""
    from factions.extract.lexicons import load_lexicons

    lex = load_lexicons()
    assert lex.speech_verbs and all(verb == verb.lower() for verb in lex.speech_verbs)
