"""Who says each sentence, and how firmly: attribution frames and certainty cues.

A named speaker makes a sentence `attributed`; an unnamed one ("officials say", "prisoners
say") `reported`; hedges ("reportedly", "we cannot confirm", "apparently") grade it further and
the strongest doubt wins. Quoted sentences take the speaker of the paragraph's speech frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from factions.extract.lexicons import Lexicons
from factions.extract.mentions import LocalEntity, MentionSpan
from factions.extract.nlp import (
    children_of,
    doc_text,
    sents_of,
    span_text,
    token_at,
    tokens_of,
    words_of,
)

_QUOTE = re.compile(r"[\"“”]")
_PRONOUNS = {"he", "she"}
# Speech inside an adverbial clause ("after the group confirmed that ...") frames that clause
# only, not the sentence.
_SUBORDINATE = {"advcl"}
# Between "according to" and its source only determiners, numbers, titles and adjectives.
_SOURCE_GAP = re.compile(r"^[\s\w.'’-]{0,40}$")


@dataclass
class Attribution:
    speaker: LocalEntity | None
    certainty: str
    cues: tuple[str, ...] = ()
    # The grades of the speech frame and, apart, each hedge with where it starts in the
    # document: an event's own grade leaves out hedges that describe something else.
    frame_grades: tuple[str, ...] = ()
    hedges: tuple[tuple[int, str], ...] = ()


def strongest(grades: list[str], lex: Lexicons) -> str:
    return min(grades, key=lex.strength.index)


def _mention_at(mentions: list[MentionSpan], token: Token) -> MentionSpan | None:
    for mention in mentions:
        if mention.token_start <= token.i < mention.token_end:
            return mention
    return None


def _speech_frame(
    sent: Span, mentions: list[MentionSpan], lex: Lexicons, last_person: LocalEntity | None
) -> tuple[LocalEntity | None, str | None, str | None]:
    """(speaker, grade from the frame, grade from the verb) for one sentence."""
    # The speech verbs are lowercase, so a word whose lemma in lowercase is none of them is
    # none: read from the Doc's words, without a Token made for each.
    lemmas = words_of(sent.doc).lemma
    tokens = tokens_of(sent.doc)
    for i in range(sent.start, sent.end):
        if lemmas[i] not in lex.speech_verbs:
            continue
        token = tokens[i]
        if (
            token.lemma_ in lex.speech_verbs
            and token.pos_ in {"VERB", "AUX"}
            and token.dep_ not in _SUBORDINATE
        ):
            for child in children_of(token):
                if child.dep_ not in {"nsubj", "nsubjpass"}:
                    continue
                verb_grade = lex.verb_certainty.get(token.lemma_)
                mention = _mention_at(mentions, child) or _apposed_mention(child, mentions)
                if mention and mention.entity.is_actor:
                    return mention.entity, "attributed", verb_grade
                if child.lower_ in _PRONOUNS and last_person is not None:
                    return last_person, "attributed", verb_grade
                if child.lower_ in lex.unnamed_sources or child.lemma_ in lex.unnamed_sources:
                    return None, "reported", verb_grade
    for match in lex.source_phrases.finditer(span_text(sent)):
        after = sent.start_char + match.end()
        following = [m for m in mentions if m.start >= after and m.entity.is_actor]
        # "According to two tribal elders, Mahsud ...": a name after the comma is not the source.
        if following and _SOURCE_GAP.match(doc_text(sent.doc)[after : following[0].start]):
            # "according to senior Taliban leaders": unnamed people of a named group.
            if (
                _next_word(doc_text(sent.doc), following[0].end)
                in _UNNAMED_MEMBERS | lex.unnamed_sources
            ):
                return None, "reported", None
            return following[0].entity, "attributed", None
        return None, "reported", None
    return None, None, None


_UNNAMED_MEMBERS = {"leaders", "members", "fighters", "figures", "sources", "officials"}


def _next_word(text: str, position: int) -> str:
    words = text[position : position + 30].split()
    return words[0].strip(".,;:").lower() if words else ""


def _apposed_mention(subject: Token, mentions: list[MentionSpan]) -> MentionSpan | None:
    """The name a speaking subject is apposed to: "a spokesman for the army, Col. X, said"."""
    for child in subject.children:
        if child.dep_ in {"appos", "compound"} or (child.dep_ == "prep" and child.lower_ == "for"):
            for token in child.subtree:
                mention = _mention_at(mentions, token)
                if mention and mention.entity.type == "person":
                    return mention
    return None


def _quote_spans(text: str) -> list[tuple[int, int]]:
    marks = [m.start() for m in _QUOTE.finditer(text)]
    return [(marks[i], marks[i + 1]) for i in range(0, len(marks) - 1, 2)]


def sentence_attributions(
    doc: Doc, mentions: list[MentionSpan], lex: Lexicons
) -> dict[int, Attribution]:
    """Attribution of every sentence, keyed by the sentence's start character."""
    sentences = list(sents_of(doc))
    frames: dict[int, tuple[LocalEntity | None, str | None, str | None]] = {}
    last_person: LocalEntity | None = None
    for sent in sentences:
        sent_mentions = [m for m in mentions if sent.start <= m.token_start < sent.end]
        frame = _speech_frame(sent, sent_mentions, lex, last_person)
        frames[sent.start_char] = frame
        if frame[0] is not None and frame[0].type == "person":
            last_person = frame[0]
    _spread_quote_frames(doc, sentences, frames)
    result = {}
    for sent in sentences:
        speaker, frame_grade, verb_grade = frames[sent.start_char]
        frame = tuple(g for g in (frame_grade, verb_grade) if g)
        grades = ["asserted", *frame]
        cues = []
        hedges = []
        for found, grade in lex.hedges_in(span_text(sent)):
            grades.append(grade)
            cues.append(found.group(0).lower())
            hedges.append((sent.start_char + found.start(), grade))
        result[sent.start_char] = Attribution(
            speaker, strongest(grades, lex), tuple(cues), frame, tuple(hedges)
        )
    return result


def event_certainty(attribution: Attribution, trigger: Token | None, lex: Lexicons) -> str:
    """How firmly a sentence states the event its trigger word tells: its grade, less the
    hedges that sit in a clause describing a noun the trigger is not in ("killed by men in a
    car, what was thought to be a stolen taxi": the car is in doubt, not the killing)."""
    if trigger is None or not attribution.hedges:
        return attribution.certainty
    kept = [
        grade
        for start, grade in attribution.hedges
        if not _describes_a_noun(trigger, token_at(trigger.sent, start))
    ]
    return strongest(["asserted", *attribution.frame_grades, *kept], lex)


def _describes_a_noun(trigger: Token, hedge: Token | None) -> bool:
    """Whether a hedge word stands in a relative or reduced relative clause of a noun that
    does not hold the trigger."""
    if hedge is None:
        return False
    above_trigger = {trigger.i, *(t.i for t in trigger.ancestors)}
    current = hedge
    for _ in range(40):
        if current.i in above_trigger:
            return False
        if current.dep_ in {"relcl", "acl"} and current.head.pos_ in {"NOUN", "PROPN", "PRON"}:
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _spread_quote_frames(
    doc: Doc,
    sentences: list[Span],
    frames: dict[int, tuple[LocalEntity | None, str | None, str | None]],
) -> None:
    """Sentences inside a quotation take the speaker of the paragraph's speech frame."""
    full_text = doc_text(doc)
    paragraph: list[Span] = []
    for sent in [*sentences, None]:
        # Sentences never contain a line break (see nlp.py), so one between the start of the
        # last sentence and this one ends the paragraph.
        starts_new = sent is None or (
            paragraph and "\n" in full_text[paragraph[-1].start_char : sent.start_char]
        )
        if starts_new and paragraph:
            text_start = paragraph[0].start_char
            text = full_text[text_start : paragraph[-1].end_char]
            quotes = [(s + text_start, e + text_start) for s, e in _quote_spans(text)]
            speakers = [frames[s.start_char] for s in paragraph if frames[s.start_char][1]]
            if quotes and speakers:
                for s in paragraph:
                    inside = any(qs <= s.end_char and s.start_char <= qe for qs, qe in quotes)
                    if inside and not frames[s.start_char][1]:
                        frames[s.start_char] = speakers[0]
            paragraph = []
        if sent is not None:
            paragraph.append(sent)
