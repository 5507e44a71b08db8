"""What an event was done with: its instruments, the weapons its sentence names.

"A car bomb exploded", "they fired machine-guns at the patrol", "a dynamite attack": a word of
the weapon classes listed in `data/lexicons/events.toml` (`[instruments]`) names an
instrument of the events of its sentence. The instrument is the weapon's own noun phrase
("four powerful rockets"), or the weapon word alone when it only modifies another noun
("machine-gun fire", "a dynamite attack"). Names are never weapons ("Tank district", "the
Bomba family"), nor are the general words that say only that arms were involved ("weapons",
"gunfire"). Only violence has an instrument: a protest, an agreement or an arrest has none,
and weapons seized or handed over are no instrument of anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from factions.extract.nlp import span_text
from factions.extract.triggers import words_regex
from factions.model import Instrument
from factions.packaged import read_toml

# Entity labels whose words are names, never weapons.
_NAME_LABELS = frozenset({"PERSON", "GPE", "LOC", "FAC", "ORG", "NORP"})
# Modifiers kept in an instrument's phrase: "four powerful rockets", "hand grenades".
_MODIFIERS = frozenset({"amod", "compound", "nummod", "quantmod", "nmod"})
# Event types that are done with something (an explosive, a gun); strategic developments only
# when something was destroyed or a device was used and disrupted.
_VIOLENT_TYPES = frozenset(
    {"Battles", "Explosions/Remote violence", "Violence against civilians", "Riots"}
)
_VIOLENT_DEVELOPMENTS = frozenset({"Looting/property destruction", "Disrupted weapons use"})


@dataclass(frozen=True)
class InstrumentWords:
    pattern: re.Pattern[str]
    general: frozenset[str]
    taken: frozenset[str]


@lru_cache(maxsize=1)
def _instrument_words() -> InstrumentWords:
    data = read_toml("lexicons", "events.toml")
    weapons, table = data["weapons"], data["instruments"]
    general = frozenset(w.lower() for w in table["general"])
    words = [w for name in table["classes"] for w in weapons[name]] + list(table["words"])
    return InstrumentWords(
        words_regex([w for w in words if w.lower() not in general]),
        general,
        frozenset(table["taken"]),
    )


def has_instrument(event_type: str, sub_event_type: str) -> bool:
    """Whether events of this type are done with a weapon the text may name."""
    return event_type in _VIOLENT_TYPES or sub_event_type in _VIOLENT_DEVELOPMENTS


def _phrase(span: Span) -> Span:
    """The instrument's phrase: the weapon words with the modifiers right before them ("four
    powerful rockets"), or the weapon words alone when they modify another noun."""
    root = span.root
    if root.dep_ in {"compound", "amod", "nmod"} and root.head.i >= span.end:
        return span
    start = span.start
    while start > span.sent.start:
        before = span.doc[start - 1]
        if _infix(before):
            # "81-mm mortars", "a medium-sized bomb": a hyphen inside a word.
            start -= 1
            continue
        if before.is_punct or before.dep_ not in _MODIFIERS or root not in before.ancestors:
            break
        start -= 1
    return span.doc[start : max(span.end, root.i + 1)]


def _infix(token: Token) -> bool:
    """A hyphen with no space on either side, inside a word."""
    if token.text != "-" or token.whitespace_ or token.i == 0:
        return False
    return not token.doc[token.i - 1].whitespace_


def _is_name(span: Span) -> bool:
    return any(token.ent_type_ in _NAME_LABELS for token in span)


def _taken(token: Token, words: InstrumentWords) -> bool:
    """Whether a weapon is what a verb of taking acted on ("police seized rifles and
    grenades", "the explosives found in the car")."""
    for ancestor in token.ancestors:
        if ancestor.pos_ in {"VERB", "AUX"} or ancestor.dep_ == "ROOT":
            if ancestor.lemma_.lower() in words.taken:
                return True
            if ancestor.dep_ not in {"relcl", "acl"}:
                return False
            # "stole the weapons, which consisted of eight rifles": what the relative clause
            # lists is what the verb of its noun took.
    return False


def instruments_in(sent: Span, text: str) -> list[Instrument]:
    """The instruments a sentence names, quoted from the document text (`text`, which the
    parsed sentence's offsets point into), in order, each once."""
    words = _instrument_words()
    found: list[Instrument] = []
    for match in words.pattern.finditer(span_text(sent)):
        start, end = sent.start_char + match.start(), sent.start_char + match.end()
        span = sent.doc.char_span(start, end, alignment_mode="expand")
        if span is None or _is_name(span) or not _is_noun(span.root) or _taken(span.root, words):
            continue
        phrase = _phrase(span)
        if phrase.text.lower() in words.general:
            continue
        start, end = phrase.start_char, phrase.end_char
        if any(i.start <= start < i.end or start <= i.start < end for i in found):
            continue
        found.append(Instrument(text[start:end], start, end))
    return sorted(found, key=lambda i: i.start)


def _is_noun(token: Token) -> bool:
    # A weapon word tagged otherwise names none: "they shell the town", "mine" the pronoun.
    if token.lower_ == "mine":
        return token.pos_ == "NOUN"
    return token.pos_ in {"NOUN", "PROPN", "X"}
