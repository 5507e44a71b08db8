"""The arguments of each trigger word: the phrases of its sentence that fill its roles.

An event's participants are entities, gathered from every sentence that tells of it. Beside
them, each trigger word keeps the words of its own sentence that answer who acted, whom or what
it hit, where and with what, read from the dependency parse around that word the way
`arguments.py` reads participants (subject and "by" phrase act; object and passive subject are
hit), whether or not they name an entity: "the gunmen", "she", "hostages" count as written.
Besides the participants:
- place: a phrase after "in", "at", "near", ... on the trigger, or on the verb whose subject or
  object a noun trigger is ("launched an attack in X"), that names a place or a thing where it
  happened ("at the bus station"), and the places it is said to be in ("X in Y, Z");
- instrument: a weapon the trigger's verb sets off ("a bomb exploded", "detonated bombs"),
  fires or throws, or that an attack is made "with".
The words are data (`data/lexicons/arguments.toml`, `[trigger_arguments]`).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from spacy.tokens import Span, Token

from factions.extract.arguments import (
    ACTOR,
    TARGET,
    VICTIM,
    WOUNDED,
    ArgumentReader,
    DocumentArguments,
    argument_words,
    coordinated,
    is_weapon,
    names_an_event,
    phrase_bounds,
)
from factions.extract.events import EventDraft, mention_head
from factions.extract.nlp import children_of
from factions.model import TriggerArgument
from factions.packaged import read_toml

PLACE, INSTRUMENT = "place", "instrument"
_PLACE_TYPES = frozenset({"location", "region", "country"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# When one phrase is read in two roles, the first of these it has is kept: someone harmed is
# not the actor; a suicide bomber is no weapon; a thing hit is not merely where it happened.
# Two exceptions (see `_roles_of`): what went off ("it exploded") is no actor, and a named
# place after "at", "in", ... is where it happened.
_PRIORITY = (VICTIM, WOUNDED, ACTOR, INSTRUMENT, TARGET, PLACE)


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    """The `[trigger_arguments]` word lists of `lexicons/arguments.toml`, by name."""
    data = read_toml("lexicons", "arguments.toml")["trigger_arguments"]
    return {name: frozenset(words) for name, words in data.items()}


def trigger_arguments(
    sent: Span, draft: EventDraft, ctx: DocumentArguments
) -> tuple[TriggerArgument, ...]:
    """The arguments of each of the draft's trigger words (`draft.mentions`, in order)."""
    found: list[TriggerArgument] = []
    for index, (start, end) in enumerate(draft.mentions):
        head = mention_head(sent, start, end)
        if head is None:
            continue
        for role, token in _roles_of(sent, head, draft.event_type, ctx):
            first, last = phrase_bounds(token)
            phrase = sent.doc[first:last]
            found.append(TriggerArgument(index, phrase.start_char, phrase.end_char, role))
    return tuple(found)


def _roles_of(
    sent: Span, trigger: Token, event_type: str, ctx: DocumentArguments
) -> list[tuple[str, Token]]:
    """(role, phrase head) of one trigger word, one role per phrase, in the sentence's order."""
    reader = ArgumentReader(ctx, sent, dry=True)
    reader.read(trigger, event_type)
    _read_hit_by(reader, trigger)
    _read_claimant(reader, trigger)
    participants = [t for _, t in reader.heads]
    places = [*_places(trigger, ctx), *_places_of_phrases(participants, ctx)]
    candidates = [*reader.heads, *_instruments(trigger), *places]
    named_places = {t.i for _, t in places if _named_place(t, ctx)}
    chosen: dict[int, tuple[str, Token]] = {}
    for role, token in candidates:
        if token.i == trigger.i or not (sent.start <= token.i < sent.end):
            continue
        if token.ent_type_ in {"DATE", "TIME"}:
            continue
        if token.i in named_places:
            # "explosions at Oxford Street": a place name after "at" says where, not whom.
            role = PLACE
        held = chosen.get(token.i)
        went_off = role == INSTRUMENT and token.pos_ == "PRON"
        if held is None or went_off or _PRIORITY.index(role) < _PRIORITY.index(held[0]):
            chosen[token.i] = (role, token)
    return [chosen[i] for i in sorted(chosen)]


def _read_hit_by(reader: ArgumentReader, trigger: Token) -> None:
    """ "The building was shattered by an explosion": what the verb's passive subject
    underwent, the noun trigger after "by" hit."""
    prep = trigger.head
    if trigger.dep_ != "pobj" or prep.dep_ != "agent" or prep.head.pos_ not in {"VERB", "AUX"}:
        return
    verb = prep.head
    role = argument_words().object_role(verb.lemma_.lower())
    for subject in children_of(verb):
        if subject.dep_ == "nsubjpass":
            reader.entities(subject, role)


def _read_claimant(reader: ArgumentReader, trigger: Token) -> None:
    """ "The group accepted responsibility for the bombings": who claims it, carried it out
    (as the claim says)."""
    prep = trigger.head
    if trigger.dep_ != "pobj" or prep.lower_ != "for":
        return
    noun = prep.head
    if noun.lemma_.lower() not in {"responsibility", "credit"} or noun.dep_ not in {"dobj", "obj"}:
        return
    verb = noun.head
    if verb.lemma_.lower() not in _words()["claims"] or any(
        c.dep_ == "neg" for c in children_of(verb)
    ):
        return
    for subject in reader.subjects_of(verb):
        reader.entities(subject, ACTOR)


def _places_of_phrases(heads: list[Token], ctx: DocumentArguments) -> Iterator[tuple[str, Token]]:
    """Where the participants were: "hostages in hospitals", "the market in X" (or
    what counts them: "hundreds of hostages in hospitals")."""
    prepositions = _words()["place_prepositions"]
    for head in heads:
        counter = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "of" else head
        for child in [*children_of(head), *(children_of(counter) if counter is not head else ())]:
            if child.dep_ == "prep" and child.lower_ in prepositions:
                for pobj in _pobjs(child):
                    yield from _place_phrases(pobj, ctx, depth=1)


def _settlement(token: Token, ctx: DocumentArguments) -> bool:
    """A place named or a word for a place people live in ("the city", "a village")."""
    lemma = token.lemma_.lower()
    return _named_place(token, ctx) or lemma in _words()["settlements"]


def _named_place(token: Token, ctx: DocumentArguments) -> bool:
    entity = ctx.entity_at(token)
    if entity is not None:
        return entity.type in _PLACE_TYPES
    return token.ent_type_ in _PLACE_LABELS


def _anchors(trigger: Token) -> list[Token]:
    """The trigger and, for a noun, the verb it is the subject or object of ("militants
    launched an attack in X", "the blast killed five in X")."""
    while trigger.dep_ == "compound" and trigger.head.pos_ in {"NOUN", "PROPN"}:
        trigger = trigger.head
    anchors = [trigger]
    verbal = trigger.pos_ in {"VERB", "AUX"} or trigger.tag_.startswith("VB")
    governed = trigger.dep_ in {"nsubj", "nsubjpass", "dobj", "obj"}
    if not verbal and governed and trigger.head.pos_ in {"VERB", "AUX"}:
        anchors.append(trigger.head)
    return anchors


def _pobjs(prep: Token) -> list[Token]:
    return [c for c in children_of(prep) if c.dep_ in {"pobj", "pcomp"}]


def _places(trigger: Token, ctx: DocumentArguments) -> Iterator[tuple[str, Token]]:
    prepositions = _words()["place_prepositions"]
    for anchor in _anchors(trigger):
        for child in children_of(anchor):
            if child.dep_ != "prep":
                continue
            for pobj in _pobjs(child):
                if child.lower_ in prepositions:
                    yield from _place_phrases(pobj, ctx, depth=0)
                elif child.lower_ == "of" and anchor is trigger and _settlement(pobj, ctx):
                    # "the bombing of the city": where it happened.
                    yield PLACE, pobj
                elif pobj.ent_type_ in {"DATE", "TIME"}:
                    # "On 21 December in Bagram, ...": the parse hangs the place on the date.
                    yield from _places_of_phrases([pobj], ctx)


def _place_phrases(head: Token, ctx: DocumentArguments, depth: int) -> Iterator[tuple[str, Token]]:
    """A place phrase, the phrases coordinated or apposed to it, and the places it is said to
    be in ("the station in Belfast", "Helmand Province, Afghanistan")."""
    prepositions = _words()["place_prepositions"]
    for token in coordinated(head):
        whole = _whole_place(token)
        if whole is not None:
            yield from _place_phrases(whole, ctx, depth)
            continue
        if not _is_place(token, ctx):
            continue
        yield PLACE, token
        if depth >= 2:
            continue
        for child in children_of(token):
            if child.dep_ == "appos":
                yield from _place_phrases(child, ctx, depth + 1)
            elif child.dep_ == "prep" and child.lower_ in prepositions:
                for pobj in _pobjs(child):
                    yield from _place_phrases(pobj, ctx, depth + 1)


def _whole_place(token: Token) -> Token | None:
    """The place a part of it stands for: "the heart of London" -> London."""
    if token.lemma_.lower() not in _words()["part_of"]:
        return None
    for child in children_of(token):
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in _pobjs(child):
                return pobj
    return None


def _is_place(token: Token, ctx: DocumentArguments) -> bool:
    """A place name, or a noun for where something happened ("the station", "the market");
    never a time, an event or an abstraction ("in the afternoon", "in the attack")."""
    entity = ctx.entity_at(token)
    if entity is not None:
        return entity.type in _PLACE_TYPES or entity.type == "property"
    if token.ent_type_ in _PLACE_LABELS:
        return True
    if token.pos_ != "NOUN" or token.ent_type_ or token.is_stop:
        return False
    not_places = _words()["not_places"]
    lemma = token.lemma_.lower()
    if lemma in not_places or token.lower_ in not_places:
        return False
    return not (names_an_event(token) or is_weapon(token))


def _instruments(trigger: Token) -> Iterator[tuple[str, Token]]:
    """Weapons a trigger's clause uses: the subject of "exploded", the object of "detonated",
    "fired" or "threw", "with" a weapon."""
    words = argument_words()
    for anchor in _anchors(trigger):
        verbal = anchor.pos_ in {"VERB", "AUX"} or anchor.tag_.startswith("VB")
        sets_off = verbal and anchor.lemma_.lower() in words.instrument_verbs
        fires = verbal and anchor.lemma_.lower() in _words()["sets_off"]
        for child in children_of(anchor):
            if verbal and child.dep_ in {"dobj", "obj", "nsubjpass"}:
                heads = [child]
            elif child.dep_ == "prep" and child.lower_ == "with":
                heads = _pobjs(child)
            else:
                continue
            for head in heads:
                for token in coordinated(head):
                    if is_weapon(token) or (fires and token.lower_ in {"it", "them"}):
                        yield INSTRUMENT, token
        if sets_off:
            yield from _set_off(anchor)


def _set_off(verb: Token) -> Iterator[tuple[str, Token]]:
    """What went off: the weapon that is the subject of "exploded", "went off" (or of the
    verb it completes: "the bombs began to explode"), or "it"/"they" when nothing is set off
    by them ("it exploded")."""
    subjects = [c for c in children_of(verb) if c.dep_ == "nsubj"]
    if not subjects and verb.dep_ in {"xcomp", "conj"}:
        # "the bombs began to explode", "the bomb was placed there and exploded".
        subjects = [c for c in children_of(verb.head) if c.dep_ in {"nsubj", "nsubjpass"}]
    transitive = any(c.dep_ in {"dobj", "obj"} for c in children_of(verb))
    for subject in subjects:
        for token in coordinated(subject):
            if is_weapon(token) or (
                token.lower_ in {"it", "they"} and not transitive and verb.lemma_ != "blow"
            ):
                yield INSTRUMENT, token
