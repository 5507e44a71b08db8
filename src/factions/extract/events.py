"""Events: triggers typed with ACLED's categories (extract/triggers.py), with their participants
and tolls (extract/tolls.py).

A sentence may report several events (an attack, and an arrest after it); the trigger words of
one event are its mentions, the first of its most specific kind its trigger. Participants are
read from the dependency parse around the trigger (`arguments.py`, called by the pipeline). A
sentence that only tells more of an event ("killed in the attack", "1 fatality.") adds to the
latest event of its kind (`back_reference_target`): its people, its counts (`add_tolls`) and,
where it types the event better, its type (`refine_type`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from factions.extract.lexicons import Lexicons
from factions.extract.nlp import token_at
from factions.extract.relations import MaskedSentence
from factions.extract.tolls import Tolls, combine, tolls_in
from factions.extract.triggers import (
    EntityKinds,
    Trigger,
    definite,
    find_trigger_words,
    group_triggers,
    in_reference,
    lead_trigger,
    not_an_event,
    type_group,
)
from factions.model import EventRecord, Fatalities, TriggerArgument
from factions.packaged import read_toml


@lru_cache(maxsize=1)
def _victim_list() -> re.Pattern[str]:
    """The openings of a sentence that lists whom an earlier event harmed (events.toml)."""
    openings = read_toml("lexicons", "events.toml")["back_reference"]["victim_lists"]
    return re.compile(rf"(?:{'|'.join(openings)})\s+(?P<list>.+)", re.IGNORECASE)


_MARKER = re.compile(r"\[\[E(\d+)\]\]")


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
    # The trigger's head token (a noun phrase's last word), the event's other trigger words
    # (offsets in the sentence) and all its counts; fatalities above is `tolls.killed`.
    token: Token | None = None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    tolls: Tolls = field(default_factory=Tolls)
    # How the event was found and typed: "trigger:<class>:<basis>" (see triggers.Typing).
    rule: str = ""
    # Only named as a point of reference ("arrested after the bombing"): more of an event told
    # before, never an event of its own.
    reference: bool = False
    # The head words of all the event's triggers, outcomes and damage included.
    words: list[Token] = field(default_factory=list)
    # The phrases that fill each trigger word's roles (trigger_arguments.py).
    arguments: tuple[TriggerArgument, ...] = ()


def _markers(text: str) -> list[int]:
    return [int(m.group(1)) for m in _MARKER.finditer(text)]


def trigger_token(sent: Span, draft: EventDraft) -> Token | None:
    """The trigger's head word: of a multi-word trigger, the word the others depend on
    ("drone strike" -> strike, "shot dead" -> shot)."""
    if draft.token is not None:
        return draft.token
    if not draft.trigger:
        return None
    return _phrase_head(sent, draft.trigger_start, draft.trigger_start + len(draft.trigger))


def other_trigger_tokens(sent: Span, draft: EventDraft) -> list[Token]:
    """The head words of the event's trigger words other than its lead ("attacked" beside
    "were repelled"), in the sentence's order."""
    lead = trigger_token(sent, draft)
    found: list[Token] = []
    for word in draft.words:
        if (lead is None or word.i != lead.i) and word not in found:
            found.append(word)
    for start, end in draft.mentions:
        head = _phrase_head(sent, start, end, whole=True)
        if head is not None and (lead is None or head.i != lead.i) and head not in found:
            found.append(head)
    return found


def mention_head(sent: Span, start: int, end: int) -> Token | None:
    """The head word of one of an event's trigger words (offsets in the sentence)."""
    return _phrase_head(sent, start, end)


def _phrase_head(sent: Span, start: int, end: int, whole: bool = False) -> Token | None:
    """The word the others of a phrase depend on (offsets in the sentence); with `whole`, None
    unless both its ends fall on tokens, else the one end that does."""
    first = _trigger_token(sent, sent.start_char + start)
    last = _trigger_token(sent, sent.start_char + end - 1)
    if first is None or last is None:
        return None if whole else last or first
    return sent.doc[first.i : last.i + 1].root


def _trigger_token(sent: Span, char: int) -> Token | None:
    return token_at(sent, char)


def _refers_back(group: list[Trigger], sent: Span) -> bool:
    """A sentence that only tells more of an event already told: with no date of its own, its
    trigger nouns are definite ("killed in the attack", "the blast destroyed ...") or it only
    counts the dead and hurt ("The assailant was killed by police")."""
    # A date of its own makes it an event of its own ("the attack on a CIA base on December
    # 30" is not the drone strike told before).
    if _has_date(sent):
        return False
    stated = [t for t in group if t.family != "outcome"]
    return all(not t.is_verb and (definite(t.token) or in_reference(t)) for t in stated)


def _has_date(sent: Span) -> bool:
    """A DATE the NER found in the sentence that names a time, not a count it took for one
    ("between 20 and 30"). Read from the tokens: Span.ents walks the whole document."""
    for token in sent:
        if token.ent_type_ != "DATE":
            continue
        if (token.is_alpha and token.lower_ not in {"between", "and", "to", "or"}) or (
            token.like_num and len(token.text) == 4
        ):
            return True
    return False


def _mention_spans(group: list[Trigger], lead: Trigger, offset: int) -> list[tuple[int, int]]:
    """The words that state the event: every trigger of the group but deaths, injuries and
    damage (outcomes of it), unless one of those is all there is."""
    spans = [
        (t.start - offset, t.end - offset)
        for t in group
        if t is lead or t.family not in {"outcome", "property"}
    ]
    return sorted(set(spans))


def find_events(sent: Span, masked: MaskedSentence, lex: Lexicons) -> list[EventDraft]:
    """The events a sentence reports (one per group of linked triggers), or a back-reference
    to an earlier one. `lex` is the shared lexicons (participants); the trigger lexicon is
    `lexicons/events.toml` through extract/triggers.py."""
    kinds = EntityKinds({i: masked.entities[e].type for i, e in masked.token_entities.items()})
    live = [t for t in find_trigger_words(sent, kinds) if not_an_event(t) is None]
    tolls = tolls_in(sent)
    drafts: list[EventDraft] = []
    offset = sent.start_char
    for group in group_triggers(live):
        lead = lead_trigger(group)
        typing = type_group(group, sent, kinds)
        draft = EventDraft(
            event_type=typing.event_type,
            sub_event_type=typing.sub_event_type,
            trigger=lead.text,
            trigger_start=lead.start - offset,
            token=lead.token,
            mentions=_mention_spans(group, lead, offset),
            rule=f"trigger:{lead.cls.name}:{typing.basis}",
            words=[t.token for t in group],
        )
        draft.back_reference = _refers_back(group, sent)
        stated = [t for t in group if t.family != "outcome"]
        # "after the bombing" points back; "after a January drone strike" tells of one.
        draft.reference = bool(stated) and all(
            in_reference(t) and definite(t.token) for t in stated
        )
        drafts.append(draft)
    if drafts:
        # The counts go to the event of violence when there is one ("police arrested two men
        # after the blast killed five").
        armed = [d for d in drafts if d.event_type != "Strategic developments"]
        holder = (armed or drafts)[0]
        holder.tolls, holder.fatalities = tolls, tolls.killed
        return drafts
    victims = _victim_list().search(masked.text)
    if victims or tolls:
        # "Killed in the attack were ...", "1 fatality.": more of the event before.
        draft = EventDraft("", "", "", 0, back_reference=True, tolls=tolls)
        draft.fatalities = tolls.killed
        if victims:
            draft.victims = _markers(victims.group("list"))
        return [draft]
    return []


def add_tolls(record: EventRecord, more: Tolls) -> None:
    """A later sentence's counts about an event, added to it (see `tolls.combine`)."""
    current = Tolls(record.fatalities, record.wounded, record.kidnapped, record.arrested)
    merged = combine(current, more)
    record.fatalities, record.wounded = merged.killed, merged.wounded
    record.kidnapped, record.arrested = merged.kidnapped, merged.arrested


# Types of harm a later sentence may refine: an attack typed by its trigger word alone becomes
# an attack on civilians when the next sentence says civilians were killed in it.
_ARMED_TYPES = frozenset({"Battles", "Violence against civilians", "Explosions/Remote violence"})


def refine_type(event: EventRecord, more: EventRecord) -> None:
    """A later sentence about an event types it better than its own trigger word did: property
    destroyed and the later sentence counts the dead (an attack); a fight or killing the later
    sentence calls a bombing or a strike (ACLED types explosions by the weapon); or an event
    typed by its word alone, told more of by its context (whom it hit, with what)."""
    if not more.event_type or more.event_type not in _ARMED_TYPES:
        return
    fixed = event.rule.endswith(":fixed")
    burned = event.sub_event_type == "Looting/property destruction" and bool(more.fatalities)
    exploded = (
        more.event_type == "Explosions/Remote violence"
        and event.event_type in {"Battles", "Violence against civilians"}
        and not fixed
    )
    defaulted = (
        event.rule.endswith(":default")
        and event.event_type in _ARMED_TYPES
        and more.rule.endswith(":context")
    )
    if burned or exploded or defaulted:
        event.event_type, event.sub_event_type = more.event_type, more.sub_event_type
        event.rule = more.rule


def _sphere_of(event_type: str, sub_event_type: str) -> str:
    if event_type in _ARMED_TYPES:
        return "armed"
    if event_type in {"Protests", "Riots"}:
        return "crowd"
    return f"{event_type}/{sub_event_type}"


def back_reference_target(
    events: list[EventRecord], more: EventRecord, fallback: bool = True
) -> EventRecord | None:
    """The event a sentence that only tells more of one is about: the latest event of its kind
    (an explosion is no arrest), else (with `fallback`) the latest event."""
    if not events:
        return None
    if not more.event_type:
        return events[-1]
    sphere = _sphere_of(more.event_type, more.sub_event_type)
    for event in reversed(events):
        if _sphere_of(event.event_type, event.sub_event_type) == sphere:
            return event
    # "sources attributed the attack to X" after a bomb defused: the report's own event.
    return events[-1] if fallback else None
