"""Events: a trigger word typed with ACLED's categories, with its participants and toll.

Participants are read from the dependency parse around the trigger (`arguments.py`, called by
the pipeline). "Killed in the attack were ..." with no trigger of its own adds its victims to
the event of the sentence before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from factions.extract.lexicons import Lexicons
from factions.extract.relations import MaskedSentence
from factions.model import Fatalities

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    "a hundred": 100,
    "dozens": 24,
    "a dozen": 12,
    "scores": 40,
    "hundreds": 200,
}
_NUM = r"(\d[\d,]*|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_QUALIFIED = re.compile(
    r"(?P<qual>at least|more than|over|about|around|nearly|almost|close to|some|up to|roughly)?"
    rf"\s*(?:…\s*)?{_NUM}",
    re.IGNORECASE,
)
_RANGE = re.compile(rf"between {_NUM} and {_NUM}", re.IGNORECASE)
_TOLL_WINDOW = 60
_VICTIM_LIST = re.compile(
    r"(?:killed|wounded|injured)\s+in\s+the\s+\w+\s+(?:were|was)\s+(?P<list>.+)", re.IGNORECASE
)
_MARKER = re.compile(r"\[\[E(\d+)\]\]")
_BACK_REFERENCE = re.compile(
    r"\b(?:in|during|after|to|of)\s+the\s+(?:\w+\s+)?(?:attack|blast|bombing|strike|raid|assault|"
    r"offensive|clash(?:es)?|fighting|ambush)\b",
    re.IGNORECASE,
)


@dataclass
class EventDraft:
    event_type: str
    sub_event_type: str
    trigger: str
    trigger_start: int
    actors: list[int] = field(default_factory=list)
    targets: list[int] = field(default_factory=list)
    victims: list[int] = field(default_factory=list)
    wounded: list[int] = field(default_factory=list)
    assoc: list[int] = field(default_factory=list)
    fatalities: Fatalities | None = None
    back_reference: bool = False


def _number(text: str) -> int | None:
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def fatalities_in(text: str, lex: Lexicons) -> Fatalities | None:
    """The death toll a sentence gives, as low/best/high; None when it gives none."""
    killed = lex.killed_words.search(text)
    if not killed:
        return None
    window_start = max(0, killed.start() - _TOLL_WINDOW)
    window = text[window_start : killed.end() + _TOLL_WINDOW]
    ranged = _RANGE.search(window)
    if ranged:
        low, high = _number(ranged.group(1)), _number(ranged.group(2))
        if low is not None and high is not None:
            return Fatalities(low=low, best=None, high=high)
    best: tuple[int, Fatalities] | None = None
    for match in _QUALIFIED.finditer(window):
        value = _number(match.group(2))
        if value is None or (1900 <= value <= 2100 and match.group(2).isdigit()):
            continue
        qualifier = (match.group("qual") or "").lower()
        distance = abs(window_start + match.start() - killed.start())
        if qualifier in {"at least", "more than", "over"}:
            toll = Fatalities(low=value, best=value, high=None)
        elif qualifier in {"about", "around", "nearly", "almost", "close to", "some", "roughly"}:
            toll = Fatalities(low=None, best=value, high=None)
        elif qualifier == "up to":
            toll = Fatalities(low=None, best=None, high=value)
        else:
            toll = Fatalities(low=value, best=value, high=value)
        if best is None or distance < best[0]:
            best = (distance, toll)
    return best[1] if best else None


def _markers(text: str) -> list[int]:
    return [int(m.group(1)) for m in _MARKER.finditer(text)]


def trigger_token(sent: Span, draft: EventDraft) -> Token | None:
    """The trigger's head word: of a multi-word trigger, the word the others depend on
    ("drone strike" -> strike, "shot dead" -> shot)."""
    if not draft.trigger:
        return None
    first = _trigger_token(sent, sent.start_char + draft.trigger_start)
    last = _trigger_token(sent, sent.start_char + draft.trigger_start + len(draft.trigger) - 1)
    if first is None or last is None:
        return last or first
    words = sent.doc[first.i : last.i + 1]
    return words.root


def _trigger_token(sent: Span, char: int) -> Token | None:
    for token in sent:
        if token.idx <= char < token.idx + max(len(token.text), 1):
            return token
    return None


def find_events(sent: Span, masked: MaskedSentence, lex: Lexicons) -> list[EventDraft]:
    """The event a sentence reports (at most one), or a back-reference to an earlier one."""
    if lex.generic.search(sent.text):
        return []
    for rule in lex.triggers:
        trigger = rule.regex.search(sent.text)
        if not trigger:
            continue
        draft = EventDraft(
            event_type=rule.event_type,
            sub_event_type=rule.sub_event_type,
            trigger=trigger.group(0),
            trigger_start=trigger.start(),
        )
        draft.fatalities = fatalities_in(sent.text, lex)
        draft.back_reference = bool(_BACK_REFERENCE.search(masked.text)) and not (
            draft.actors or draft.targets
        )
        return [draft]
    victims = _VICTIM_LIST.search(masked.text)
    if victims:
        draft = EventDraft("", "", "", 0, back_reference=True)
        draft.victims = _markers(victims.group("list"))
        return [draft]
    return []
