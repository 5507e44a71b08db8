"""The model's rule lemmatizer, its lemmas kept per word, part of speech and morphology.

spaCy's rule lemmatizer keeps the lemmas it works out, but reaches them through a Token made
for every word and a string set on each; that loop cost 2-3% of the parse. A word's rule
lemma depends only on the word, its part of speech and its morphology (what spaCy's own cache
is keyed by), so `KeptLemmas` reads those three from the Doc's arrays, asks spaCy's
lemmatizer once per distinct triple, and writes the lemmas back in one array: the same lemmas.
"""

from __future__ import annotations

from spacy.attrs import LEMMA, MORPH, ORTH, POS
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc

# How many (word, part of speech, morphology) lemmas are kept before the store starts again.
_MAX_KEPT = 200_000


class KeptLemmas:
    """spaCy's rule lemmatizer, asked once per (word, part of speech, morphology)."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.vocab = lemmatizer.vocab
        self._lemmas: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer = self.lemmatizer
        if not len(doc) or not getattr(lemmatizer, "_validated", False):
            # spaCy's own call checks the lookup tables on its first Doc.
            lemmatizer(doc)
            return doc
        if len(self._lemmas) > _MAX_KEPT:
            self._lemmas.clear()
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas = rows[:, 3].copy()
        tokens = None
        for i, (orth, pos, morph, lemma) in enumerate(rows.tolist()):
            if lemma and not lemmatizer.overwrite:
                continue
            key = (orth, pos, morph)
            found = self._lemmas.get(key)
            if found is None:
                tokens = tokens or list(doc)
                form = lemmatizer.lemmatize(tokens[i])[0]
                found = self._lemmas[key] = self.vocab.strings.add(form)
            lemmas[i] = found
        doc.from_array([LEMMA], lemmas)
        return doc


@Language.factory("factions_kept_lemmas_v1")
def make_kept_lemmas(nlp: Language, name: str) -> KeptLemmas:
    """The pipeline's rule lemmatizer, its lemmas kept (`KeptLemmas`)."""
    return KeptLemmas(nlp.get_pipe("lemmatizer"))


def use_kept_lemmas(nlp: Language) -> bool:
    """Put `KeptLemmas` in place of the pipeline's lemmatizer when it is spaCy's in rule mode;
    whether it did."""
    if "lemmatizer" not in nlp.pipe_names:
        return False
    lemmatizer = nlp.get_pipe("lemmatizer")
    if not isinstance(lemmatizer, Lemmatizer) or lemmatizer.mode != "rule":
        return False
    nlp.add_pipe("factions_kept_lemmas_v1", before="lemmatizer")
    nlp.remove_pipe("lemmatizer")
    return True
