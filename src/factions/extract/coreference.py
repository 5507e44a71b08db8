"""One event per happening inside a document.

A report names one attack several times: the headline, the lede, a later detail ("three
soldiers were killed in the attack"), the claim of responsibility. Each mention makes an event
record; a later one that refers back to an earlier one is merged into it, filling the fields
the earlier one lacked, each field keeping the sentence that gave it (research notes §4.5).

A later mention refers back when it is compatible with an earlier event (compatible types, no
clash of dates, places one inside the other, no two different named perpetrators) and either
names it definitely ("the attack", "this blast", "in the raid"), or shares a named participant
with it and has the same type (a headline and its lede).
"""

from __future__ import annotations

from spacy.tokens import Token

from factions.extract.mentions import LocalEntity
from factions.extract.triggers import load_trigger_lexicon
from factions.model import EventRecord, Participant

# Event types that may be one happening told in different words (a bombing in an attack).
_VIOLENT = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
_DISRUPTED = "Disrupted weapons use"
_ONE_SIDED = "Violence against civilians"
_DEFINITE = {"the", "this", "that", "these", "those", "its", "their"}
# How many earlier events a mention may refer back to.
_REACH = 4
_PLACE_RANK = {"point": 0, "district": 1, "admin1": 2, "country": 3, "region": 4}


def is_definite(trigger: Token | None) -> bool:
    """ "the attack", "this blast", "the group's assault": a mention of a known event."""
    if trigger is None:
        return False
    head = trigger if trigger.pos_ in {"NOUN", "PROPN"} else None
    if head is None:
        return False
    # "This was one of two related bombings": a series the event just told belongs to.
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.lower_ == "one":
        return True
    return any(c.dep_ in {"det", "poss"} and c.lower_ in _DEFINITE for c in head.children) or any(
        c.dep_ == "poss" for c in head.children
    )


def _types_agree(earlier: EventRecord, later: EventRecord, loose: bool) -> bool:
    if earlier.event_type == later.event_type:
        return True
    # "Police defused a bomb ... sources attributed the attack to X": the attack thwarted.
    told = earlier.event_type in _VIOLENT or earlier.sub_event_type == _DISRUPTED
    return loose and told and later.event_type in _VIOLENT


def _killing_in_battle(earlier: EventRecord, later: EventRecord, people: set[str]) -> bool:
    """Whether a murder ("the murder of the governor", "the assassination of six priests")
    would be read into a battle, or a battle into it: ACLED keeps one-sided violence apart
    from combat between armed sides, so the two are different happenings. A murder is
    violence against civilians told by a word of killing without a fight or naming the person
    killed; "the attack killed two civilians" may be the battle's toll."""
    kinds = {earlier.event_type, later.event_type}
    if kinds != {"Battles", _ONE_SIDED}:
        return False
    murder, battle = (later, earlier) if later.event_type == _ONE_SIDED else (earlier, later)
    if battle.rule.endswith(":default"):
        # "sources attributed the attack to X": the word alone, typed a battle by default,
        # says nothing of armed sides fighting.
        return False
    word = murder.trigger.lower()
    return any(word.startswith(lemma) for lemma in load_trigger_lexicon().one_sided) or any(
        p.role == "victim" and p.entity in people for p in murder.participants
    )


def _places_agree(earlier: EventRecord, later: EventRecord, places: dict[str, LocalEntity]) -> bool:
    if not earlier.place or not later.place or earlier.place == later.place:
        return True
    a, b = places.get(earlier.place), places.get(later.place)
    if a is None or b is None or a.place is None or b.place is None:
        return False
    if a.place.country != b.place.country:
        return False
    # One is a country or a province the other lies in.
    wide, narrow = sorted((a.place, b.place), key=lambda p: -_PLACE_RANK.get(p.precision, 0))
    if wide.precision in {"country", "region"}:
        return True
    return wide.precision == "admin1" and wide.admin1 == narrow.admin1


def _named_actors(event: EventRecord, generic: set[str]) -> set[str]:
    return {p.entity for p in event.participants if p.role == "actor" and p.entity not in generic}


def _named(event: EventRecord, generic: set[str]) -> set[str]:
    return {p.entity for p in event.participants if p.entity not in generic}


def antecedent(
    events: list[EventRecord],
    later: EventRecord,
    definite: bool,
    places: dict[str, LocalEntity],
    generic: set[str],
    people: set[str] | None = None,
) -> EventRecord | None:
    """The earlier event of the document this mention is about, if it is about one (`people`:
    the ids of the persons the document names)."""
    for earlier in reversed(events[-_REACH:]):
        if not _types_agree(earlier, later, loose=definite):
            continue
        if _killing_in_battle(earlier, later, people or set()):
            continue
        if earlier.date and later.date and earlier.date != later.date:
            continue
        if not _places_agree(earlier, later, places):
            continue
        mine, theirs = _named_actors(later, generic), _named_actors(earlier, generic)
        if mine and theirs and not mine & theirs:
            continue
        if definite or (
            earlier.sub_event_type == later.sub_event_type
            and _named(earlier, generic) & _named(later, generic)
        ):
            return earlier
    return None


def merge(
    earlier: EventRecord,
    later: EventRecord,
    places: dict[str, LocalEntity],
    generic_actors: set[str],
) -> None:
    """Fill the earlier event from a later mention of it; each participant keeps the sentence
    that named it."""
    evidence = later.evidence[0] if later.evidence else None
    # A later sentence's speaker grades what it adds; a claim or a denial is read on its own.
    grade = later.certainty if later.certainty not in {"asserted", "claimed", "denied"} else None
    known = {(p.entity, p.role) for p in earlier.participants}
    involved = {p.entity for p in earlier.participants}
    for participant in later.participants:
        if participant.entity in involved and participant.role in {"victim", "wounded"}:
            # "Gunmen attacked a police checkpoint. Three officers were killed": the force
            # attacked is the one that lost people.
            for known_participant in earlier.participants:
                if (
                    known_participant.entity == participant.entity
                    and known_participant.role == "target"
                ):
                    known_participant.role = participant.role
        if (participant.entity, participant.role) in known or participant.entity in involved:
            continue
        earlier.participants.append(
            Participant(
                participant.entity,
                participant.role,
                participant.certainty or grade,
                participant.attributed_to or (later.attributed_to if grade else None),
                participant.evidence or evidence,
            )
        )
    drop_unidentified(earlier, generic_actors)
    for item in later.evidence:
        if item not in earlier.evidence:
            earlier.evidence.append(item)
    earlier.fatalities = earlier.fatalities or later.fatalities
    earlier.instruments += [i for i in later.instruments if i not in earlier.instruments]
    if earlier.date is None and later.date is not None:
        earlier.date, earlier.date_precision = later.date, later.date_precision
    if later.place and _more_precise(later.place, earlier.place, places):
        earlier.place, earlier.geo_precision = later.place, later.geo_precision


def _more_precise(new: str, old: str | None, places: dict[str, LocalEntity]) -> bool:
    if old is None:
        return True
    a, b = places.get(new), places.get(old)
    if a is None or b is None or a.place is None or b.place is None:
        return False
    return _PLACE_RANK.get(a.place.precision, 9) < _PLACE_RANK.get(b.place.precision, 9)


def drop_unidentified(event: EventRecord, generic_actors: set[str]) -> None:
    """Once the text names who did it, the unidentified attackers were them."""
    named = [p for p in event.participants if p.role == "actor" and p.entity not in generic_actors]
    if named:
        event.participants = [
            p for p in event.participants if not (p.role == "actor" and p.entity in generic_actors)
        ]
