"""The model's attribute rules applied at speed (`FastAttributeRules`) give spaCy's
AttributeRuler's result, attribute for attribute, and a rule set they do not cover keeps
spaCy's component; the rule lemmas kept per word (`KeptLemmas`) are spaCy's."""

from __future__ import annotations

import numpy as np
import spacy
from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler

from factions.extract.attribute_rules import FastAttributeRules, use_fast_attribute_rules
from factions.extract.lemmas import KeptLemmas
from factions.extract.nlp import build_pipeline, model_name
from factions.packaged import data_path

# Text that meets the English model's longer rules ("there is", "gonna", "y'all", "let's",
# "ain't"), its expressions, pronouns by case, auxiliaries, and whitespace tokens.
TEXTS = [
    "There is a man. Y'all gonna see. Let's go, c'm on. I ain't doin' nothin' with 'em.",
    "You and I saw it; give it to me, I said.  It is   spaced \n\n out.  Gotta   go",
    "The Taliban said they had seized the district, but it was not clear whether that was so.",
    "HE GETS WHAT HE WANTS. Someone got hurt. Does he? He does. Did they? They'd have gone.",
]
ATTRS = [POS, MORPH, LEMMA, TAG, DEP, HEAD]


def _sample_texts() -> list[str]:
    corpus = data_path("sample", "corpus")
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("*.txt"))[:4]]


def _parsed(nlp: Language, texts: list[str]) -> list:
    return list(nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer", "ner"]))


def test_same_attributes_as_spacys_ruler() -> None:
    nlp = spacy.load(model_name())
    ruler = nlp.get_pipe("attribute_ruler")
    fast = FastAttributeRules(ruler)
    texts = TEXTS + _sample_texts()
    expected = [ruler(doc) for doc in _parsed(nlp, texts)]
    # Twice: the second pass reads the tokens' keys from what the first kept.
    for _ in range(2):
        got = [fast(doc) for doc in _parsed(nlp, texts)]
        for want, doc in zip(expected, got, strict=True):
            assert (want.to_array(ATTRS) == doc.to_array(ATTRS)).all(), doc.text[:60]
            assert [str(t.morph) for t in want] == [str(t.morph) for t in doc]
            assert [t.lemma_ for t in want] == [t.lemma_ for t in doc]


def test_the_longer_rules_apply_where_they_match() -> None:
    nlp = spacy.load(model_name())
    fast = FastAttributeRules(nlp.get_pipe("attribute_ruler"))
    doc = fast(_parsed(nlp, ["There is a man."])[0])
    # "there is": the verb after an expletive is a verb, not an auxiliary (a two-token rule
    # setting its second token).
    assert [(t.text, t.pos_) for t in doc][:2] == [("There", "PRON"), ("is", "VERB")]


def test_a_rule_set_it_does_not_cover_keeps_spacys_ruler() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    assert isinstance(ruler, AttributeRuler)
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"LEMMA": "a"})
    assert not use_fast_attribute_rules(nlp)
    assert nlp.get_pipe("attribute_ruler") is ruler


def test_the_extraction_pipeline_applies_them() -> None:
    nlp = build_pipeline()
    assert "attribute_ruler" not in nlp.pipe_names
    assert isinstance(nlp.get_pipe("factions_attribute_rules_v1"), FastAttributeRules)


def test_kept_lemmas_are_spacys() -> None:
    nlp = spacy.load(model_name())
    lemmatizer = nlp.get_pipe("lemmatizer")
    kept = KeptLemmas(lemmatizer)
    texts = TEXTS + _sample_texts()
    docs = list(nlp.pipe(texts, disable=["lemmatizer", "ner"]))
    expected = [[lemmatizer.lemmatize(t)[0] for t in doc] for doc in docs]
    # Twice: the second pass reads the lemmas kept by the first.
    for _ in range(2):
        for doc, want in zip(docs, expected, strict=True):
            doc.from_array([LEMMA], np.zeros(len(doc), dtype=np.uint64))
            assert [t.lemma_ for t in kept(doc)] == want, doc.text[:60]
    assert isinstance(build_pipeline().get_pipe("factions_kept_lemmas_v1"), KeptLemmas)
