"""From a Document to an Extraction: one pure function per document, batched for speed.

`extract_from_doc` turns an annotated spaCy Doc into records; `Extractor` owns the spaCy
pipeline and feeds it batches, and extracts a long document in pieces. Nothing here touches the
database.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from factions.extract.arguments import (
    ArgumentReader,
    Arguments,
    DocumentArguments,
    argument_words,
    described_perpetrators,
    parsed_perpetrators,
    perpetrator_statements,
)
from factions.extract.attribution import Attribution, event_certainty, sentence_attributions
from factions.extract.coreference import antecedent, drop_unidentified, is_definite, merge
from factions.extract.dates import DateMention, find_dates, parse_anchor
from factions.extract.events import (
    EventDraft,
    add_tolls,
    back_reference_target,
    find_events,
    other_trigger_tokens,
    refine_type,
    trigger_token,
)
from factions.extract.frames import find_parse_relations
from factions.extract.gazetteer import load_gazetteer
from factions.extract.instruments import has_instrument, instruments_in
from factions.extract.lexicons import Lexicons, load_lexicons
from factions.extract.mentions import (
    DocumentEntities,
    LocalEntity,
    MentionSpan,
    derived_claims,
    entity_records,
    mention_records,
    normalise_name,
    resolve_mentions,
    sentence_evidence,
)
from factions.extract.nlp import (
    build_pipeline,
    forget_readings,
    model_name,
    sents_of,
    span_text,
    tokens_of,
)
from factions.extract.relations import (
    GROUP_TYPES,
    MaskedSentence,
    RelationMatch,
    find_fates,
    find_relations,
    find_responsibility,
    mask_sentence,
    relation_key,
)
from factions.extract.roles import end_roles, ended_validity
from factions.extract.trigger_arguments import trigger_arguments
from factions.extract.triggers import may_tell_an_event, noun_class
from factions.extract.truecase import recase
from factions.model import (
    ClaimRecord,
    Document,
    EntityRecord,
    EventRecord,
    Evidence,
    Extraction,
    Participant,
)
from factions.partial_date import intervals_overlap
from factions.vocabulary import vocabulary

EXTRACTOR_NAME = "factions.rules"
EXTRACTOR_RELEASE = 2  # 2: places resolved per story (geocode.resolve_document)
_PLACE_TYPES = set(vocabulary().place_types)


def extractor_version() -> str:
    """Changes whenever the rules, lexicons or gazetteer that produce records change."""
    lexicons, gazetteer = load_lexicons().version, load_gazetteer().version
    arguments = argument_words().version
    return f"{EXTRACTOR_NAME}.v{EXTRACTOR_RELEASE}+{lexicons}.a{arguments}+g{gazetteer}"


def _evidence(document: Document, sent: Span) -> Evidence:
    return sentence_evidence(document.id, sent)


def _sentence_dates(dates: list[DateMention], sent: Span) -> list[DateMention]:
    return [d for d in dates if sent.start_char <= d.start < sent.end_char and d.value]


# A claim that is a point in time, not a state: it starts and ends with its date.
_POINT_PREDICATES = vocabulary().points


# How far before and after a relation's words a date still belongs to its clause.
_DATE_BEFORE, _DATE_AFTER, _DATE_AFTER_DESCRIPTION = 25, 30, 15


def _dates_near(
    dates: list[DateMention], span: tuple[int, int], descriptive: bool
) -> list[DateMention]:
    """The dates of the clause stating a relation: inside its words or just around them; a
    description ("X, the group's leader, ...") keeps only its own dates."""
    start, end = span
    before = 0 if descriptive else _DATE_BEFORE
    after = _DATE_AFTER_DESCRIPTION if descriptive else _DATE_AFTER
    return [d for d in dates if start - before <= d.end and d.start <= end + after]


def _validity(
    dates: list[DateMention], predicate: str = "", span: tuple[int, int] | None = None
) -> tuple[str | None, str | None]:
    """valid_from/valid_to a sentence's dates give a claim: "since"/"after" open it,
    "until"/"before" close it, a plain date marks when a state began (or, for a fate, when it
    happened). With a span, the plain date nearest the claim's words is the one that counts."""
    valid_from = valid_to = None
    plain: list[DateMention] = []
    for mention in dates:
        iso = mention.value.iso if mention.value else None
        if mention.relation in {"since", "after"}:
            valid_from = valid_from or iso
        elif mention.relation in {"until", "before"}:
            valid_to = valid_to or iso
        elif mention.relation == "between" and valid_from is None:
            valid_from = iso
        else:
            plain.append(mention)
    if plain and valid_from is None and valid_to is None:
        if span is not None:
            plain.sort(key=lambda d: _distance(d, span))
        iso = plain[0].value.iso if plain[0].value else None
        valid_from = iso
        if predicate in _POINT_PREDICATES:
            valid_to = iso
    return valid_from, valid_to


def _distance(mention: DateMention, span: tuple[int, int]) -> int:
    start, end = span
    if mention.end <= start:
        return start - mention.end
    return max(0, mention.start - end)


def _nearest_date(dates: list[DateMention], position: int) -> DateMention | None:
    if not dates:
        return None
    return min(dates, key=lambda d: abs(d.start - position))


# A dateline: a date opening the report and set off from its text ("01/04/2021: Assailants
# ...", "KABUL, Oct. 3 (Xinhua) -- ..."), or a date standing alone on its line.
_DATELINE_REACH = 80
_DATELINE_END = re.compile(r"^[^.\n]{0,25}?(?::|--|—|–|\n)")


def find_dateline(text: str, dates: list[DateMention]) -> DateMention | None:
    for mention in dates:
        if mention.start > _DATELINE_REACH:
            break
        if mention.value is None or mention.relation in {
            "since",
            "until",
            "before",
            "after",
            "between",
        }:
            continue
        if _DATELINE_END.match(text[mention.end : mention.end + 40]):
            return mention
    return None


def _told_before(text: str, sent: Span, events: list[EventRecord]) -> EventRecord | None:
    """The event told just before a sentence, when it was told in the same paragraph."""
    if not events:
        return None
    previous = events[-1]
    last = previous.evidence[-1] if previous.evidence else None
    if last is None or "\n\n" in text[last.end : sent.start_char]:
        return None
    return previous


def _context_date(
    text: str, sent: Span, events: list[EventRecord], dateline: DateMention | None
) -> tuple[str | None, str | None]:
    """The date an event with none in its sentence takes from its context: the event told just
    before it in the same paragraph, else the report's dateline."""
    previous = _told_before(text, sent, events)
    if previous is not None and previous.date:
        return previous.date, previous.date_precision
    if dateline is not None and dateline.value is not None:
        return dateline.value.iso, dateline.value.precision
    return None, None


def _context_place(
    text: str, sent: Span, events: list[EventRecord]
) -> tuple[str | None, str | None]:
    """The place an event whose sentence names none takes from the event told just before it
    in the same paragraph ("A rocket fired during the attack hit a house")."""
    previous = _told_before(text, sent, events)
    if previous is None:
        return None, None
    return previous.place, previous.geo_precision


def _nearest_place(mentions: list[MentionSpan], position: int) -> LocalEntity | None:
    places = [m for m in mentions if m.entity.type in _PLACE_TYPES]
    if not places:
        return None
    after = [m for m in places if m.start >= position]
    chosen = after[0] if after else places[-1]
    return chosen.entity


_LOCATIVES = {"in", "at", "near", "outside", "around", "across", "inside", "within", "into", "of"}
_CLAUSES = {"advcl", "ccomp", "relcl", "conj", "xcomp", "parataxis", "acl", "csubj"}
_PRECISION_RANK = {"point": 0, "district": 1, "admin1": 2, "country": 3, "region": 4}


def _clause_head(trigger: Token) -> Token:
    """The verb whose clause a trigger belongs to (the trigger itself when it is a verb)."""
    token = trigger
    while token.pos_ not in {"VERB", "AUX"} and token.head.i != token.i:
        token = token.head
    return token


def _in_clause(token: Token, head: Token, trigger: Token) -> bool:
    """Whether a token belongs to the clause of `head` and not to a clause inside it that the
    trigger is not in ("... in Kabul, where police arrested ..." keeps Kabul for the attack)."""
    node = token
    while node.i != head.i:
        if (
            node.dep_ in _CLAUSES
            and node.pos_ in {"VERB", "AUX"}
            and not (node.left_edge.i <= trigger.i <= node.right_edge.i)
        ):
            return False
        if node.head.i == node.i:
            return False
        node = node.head
    return True


def _clause_place(
    mentions: list[MentionSpan],
    trigger: Token | None,
    position: int,
    others: Sequence[Token] = (),
) -> LocalEntity | None:
    """The place of the trigger's clause: of the places named in it, the most precise (the
    town before its province and country); else that of the clause of the event's other
    words ("opened fire on checkpoints in X, but were repelled"); else the nearest place of
    the sentence."""
    places = [m for m in mentions if m.entity.type in _PLACE_TYPES]
    if trigger is not None:
        places = [m for m in places if not _nationality_of_the_doer(m, trigger)]
    if not places:
        return None
    for word in [trigger, *others] if trigger is not None else []:
        head = _clause_head(word)
        inside = [
            m
            for m in places
            if head.left_edge.i <= m.token_start <= head.right_edge.i
            and _in_clause(word.doc[m.token_start], head, word)
        ]
        if inside:
            best = min(
                inside,
                key=lambda m: (
                    _PRECISION_RANK.get(m.entity.place.precision if m.entity.place else "", 5),
                    # A place the gazetteer lacks lies inside the unit it shares a precision
                    # with ("Azlik, Balkh").
                    not (m.entity.place and m.entity.place.feature == "unlisted place"),
                    abs(m.start - position),
                ),
            )
            return best.entity
    return _nearest_place(places, position)


_DOER_DEPS = {"nsubj", "agent"}


def _nationality_of_the_doer(mention: MentionSpan, trigger: Token) -> bool:
    """A country named as a modifier of the event's word or of who did it ("a U.S. drone
    strike", "killed by a U.S. drone", "Pakistani jets bombed ...") says whose it was, not
    where it happened; a country modifying the side done to ("an Afghan army post") stays a
    place, since the harmed are mostly where they live."""
    place = mention.entity.place
    if place is None or place.precision != "country":
        return False
    word = trigger.doc[mention.token_end - 1]
    if word.dep_ not in {"compound", "amod"} or word.head.pos_ not in {"NOUN", "PROPN"}:
        return False
    noun = word.head
    while noun.dep_ == "compound" and noun.head.i != noun.i:
        noun = noun.head
    if noun.i == trigger.i or noun.dep_ == "nsubj":
        return True
    return noun.dep_ == "pobj" and noun.head.dep_ in _DOER_DEPS


# Verbs that may sit inside a description of a name without making it a statement of its own:
# "X, the group that has fought Y", "X, led by Z", "the NATO-led force".
_DESCRIPTIVE_DEPS = {"relcl", "acl", "amod", "compound", "appos", "npadvmod"}


def _is_main_verb(token: Token) -> bool:
    if token.pos_ not in {"VERB", "AUX"}:
        return False
    if token.dep_ in {"aux", "auxpass"}:
        token = token.head
    return token.dep_ not in _DESCRIPTIVE_DEPS


def _descriptive(sent: Span, start: int, end: int) -> bool:
    """True when the matched words are a description of a name (an apposition, a relative
    clause, a compound), not a clause of their own: the outlet states those, whoever speaks."""
    words = tokens_of(sent.doc)[sent.start : sent.end]
    tokens = [t for t in words if start <= t.idx - sent.start_char < end and not t.is_punct]
    return bool(tokens) and not any(_is_main_verb(t) for t in tokens)


def _own_grade(text: str, lex: Lexicons) -> str:
    """The certainty a description carries by itself: its own hedges, else asserted."""
    found = lex.hedges_in(text)
    if not found:
        return "asserted"
    grades = ["asserted", *(grade for _, grade in found)]
    return min(grades, key=lex.strength.index)


def _relation_matches(sent: Span, masked: MaskedSentence, lex: Lexicons) -> list[RelationMatch]:
    """The masked-sentence patterns' relations, then those only the parse finds. For the same
    pair and predicate a pattern's reading wins, unless the parse sees it negated ("the alliance
    between X and Y collapsed"): words in a row miss what ends a relation."""
    found = {
        relation_key(m.predicate, m.subject.id, m.object.id): m for m in find_relations(masked, lex)
    }
    for match in find_parse_relations(sent, masked):
        key = relation_key(match.predicate, match.subject.id, match.object.id)
        if key not in found or (match.negated and not found[key].negated):
            found[key] = match
    return list(found.values())


def _claims_for_sentence(
    document: Document,
    sent: Span,
    masked: MaskedSentence,
    attribution: Attribution,
    dates: list[DateMention],
    last_person: LocalEntity | None,
    lex: Lexicons,
) -> list[ClaimRecord]:
    claims = []
    speaker_id = attribution.speaker.id if attribution.speaker else None
    local_dates = [
        DateMention(d.start - sent.start_char, d.end - sent.start_char, d.text, d.value, d.relation)
        for d in dates
    ]
    for fate in find_fates(masked, lex, last_person):
        valid_from, valid_to = _validity(local_dates, "fate")
        claims.append(
            ClaimRecord(
                subject=fate.person.id,
                predicate="fate",
                value=fate.value,
                valid_from=valid_from,
                valid_to=valid_to,
                certainty=attribution.certainty,
                polarity=not fate.negated,
                attributed_to=speaker_id,
                evidence=[_evidence(document, sent)],
                rule=fate.rule,
            )
        )
    for match in _relation_matches(sent, masked, lex):
        words = span_text(sent)[match.start : match.end]
        certainty, speaker = attribution.certainty, speaker_id
        span = (match.start, match.end)
        descriptive = _descriptive(sent, *span)
        if descriptive:
            certainty, speaker = _own_grade(words, lex), None
        near = _dates_near(local_dates, span, descriptive)
        # A sentence with a single date gives it to its main clause, however far from the names.
        if not near and not descriptive and len(local_dates) == 1:
            near = local_dates
        valid = _validity(near, match.predicate, span)
        # A role or tie said to be over: "its former leader", "the late founder".
        ended = bool(lex.ended.search(words))
        valid_from, valid_to = ended_validity(valid, ended, document.published)
        claims.append(
            ClaimRecord(
                subject=match.subject.id,
                predicate=match.predicate,
                object=match.object.id,
                valid_from=valid_from,
                valid_to=valid_to,
                certainty=certainty,
                polarity=not match.negated,
                attributed_to=speaker,
                evidence=[_evidence(document, sent)],
                rule=match.rule,
            )
        )
    return claims


# Entity types that cannot be harmed in person: "victims" of these types are targets.
_THINGS = _PLACE_TYPES | {"property", "organization"}


def _event_record(
    document: Document,
    sent: Span,
    draft: EventDraft,
    masked_entities: list[LocalEntity],
    sent_mentions: list[MentionSpan],
    attribution: Attribution,
    dates: list[DateMention],
    trigger: Token | None = None,
) -> EventRecord:
    participants: list[Participant] = []

    def add(indices: list[int], role: str) -> None:
        for index in indices:
            entity = masked_entities[index]
            role_for = (
                "target" if role in {"victim", "wounded"} and entity.type in _THINGS else role
            )
            if all(p.entity != entity.id for p in participants):
                participants.append(Participant(entity.id, role_for))

    add(draft.actors, "actor")
    add(draft.victims, "victim")
    add(draft.wounded, "wounded")
    add(draft.targets, "target")
    add(draft.assoc, "assoc")
    position = sent.start_char + draft.trigger_start
    # "since 2009" bounds a state; the event's own date is a plain one when there is one.
    points = [d for d in dates if d.relation not in {"since", "until", "before", "after"}]
    date = _nearest_date(points or dates, position)
    involved = {p.entity for p in participants}
    others = [*other_trigger_tokens(sent, draft), *_coordinated_verbs(trigger)] if trigger else []
    place = _clause_place(
        [m for m in sent_mentions if m.entity.id not in involved], trigger, position, others
    )
    # The sentence as evidence, with where its words that state the event stand.
    triggers = tuple((sent.start_char + s, sent.start_char + e) for s, e in draft.mentions)
    return EventRecord(
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        evidence=[replace(_evidence(document, sent), triggers=triggers, arguments=draft.arguments)],
        date=date.value.iso if date and date.value else None,
        date_precision=date.value.precision if date and date.value else None,
        place=place.id if place else None,
        geo_precision=place.place.precision if place and place.place else None,
        participants=participants,
        fatalities=draft.fatalities,
        wounded=draft.tolls.wounded,
        kidnapped=draft.tolls.kidnapped,
        arrested=draft.tolls.arrested,
        instruments=instruments_in(sent, document.text)
        if has_instrument(draft.event_type, draft.sub_event_type)
        else [],
        certainty=event_certainty(attribution, draft.token, load_lexicons()),
        attributed_to=attribution.speaker.id if attribution.speaker else None,
        trigger=draft.trigger,
        rule=draft.rule or f"trigger:{draft.sub_event_type}",
    )


def _index_of(masked: MaskedSentence, entity: LocalEntity) -> int:
    """The entity's index among the sentence's masked entities, added when it is not one."""
    for index, known in enumerate(masked.entities):
        if known is entity:
            return index
    masked.entities.append(entity)
    return len(masked.entities) - 1


# Strategic developments that act on things: what was destroyed, looted or defused.
_THINGS_HARMED = frozenset({"Looting/property destruction", "Disrupted weapons use"})
# Who can be the civilians an attack harmed: people, named or by kind.
_PEOPLE = frozenset({"person", "collective"})


def _harms_civilians(draft: EventDraft, found: Arguments) -> bool:
    """Whether an event harmed civilians the text names no one for: violence against
    civilians; a mob that killed or hurt; houses, shops or farms destroyed or looted."""
    harmed = [*found.victims, *found.wounded, *found.targets]
    if any(e.type in _PEOPLE for e in harmed):
        return False
    if draft.event_type == "Violence against civilians":
        return True
    if any(e.type == "state_force" for e in harmed):
        return False
    if draft.sub_event_type == "Mob violence":
        return bool(draft.tolls.killed or draft.tolls.wounded)
    if draft.sub_event_type == "Looting/property destruction":
        owned = argument_words().civilian_property
        return any(
            e.type == "property" and any(w in owned for w in normalise_name(e.name).split())
            for e in found.targets
        )
    return False


def _by_event_type(
    reader: ArgumentReader, found: Arguments, draft: EventDraft, trigger: Token
) -> None:
    """Protests have protesters and riots rioters, named or not: as ACLED codes them, the
    generic actor acts and a named group of demonstrators is associated with it. Violence
    against civilians harms civilians, named by kind when the text names no one ("a health
    worker was shot", "two former policemen were detained"), as do mobs that kill and the
    burning of houses."""
    event_type = draft.event_type
    if event_type == "Strategic developments" and draft.sub_event_type not in _THINGS_HARMED:
        # "rejected the appointment", "cut its ties": an agreement, an arrest or a change of
        # group acts on people and groups, not on things.
        found.targets = [t for t in found.targets if t.type != "property"]
    if _harms_civilians(draft, found):
        civilians = reader.generic_kind("civilians", trigger)
        if draft.sub_event_type == "Looting/property destruction":
            found.targets.insert(0, civilians)
        else:
            found.victims.insert(0, civilians)
    if event_type == "Violence against civilians":
        return
    kind = {"Protests": "protesters", "Riots": "rioters"}.get(event_type)
    if kind is None:
        return
    generic = [a for a in found.actors if a.key.startswith("generic:")]
    named = [a for a in found.actors if not a.key.startswith("generic:")]
    if any(a.key.startswith(f"generic:{kind}:") for a in generic):
        found.assoc.extend(n for n in named if n not in found.assoc)
        found.actors = [a for a in found.actors if a not in named]
        return
    found.actors = [a for a in found.actors if a.type not in {"collective"}]
    found.assoc.extend(n for n in named if n not in found.assoc)
    found.actors = [a for a in found.actors if a not in named]
    found.actors.insert(0, reader.generic_kind(kind, trigger))


def _take_arguments(draft: EventDraft, masked: MaskedSentence, found: Arguments) -> None:
    """Put the participants read from the parse in the draft, as indices of the sentence's
    masked entities (victims the sentence's own words named are kept)."""
    draft.actors = [_index_of(masked, e) for e in found.actors]
    draft.targets = [_index_of(masked, e) for e in found.targets]
    draft.victims = [*draft.victims, *(_index_of(masked, e) for e in found.victims)]
    draft.wounded = [_index_of(masked, e) for e in found.wounded]


def _coordinated_verbs(verb: Token) -> list[Token]:
    """The verbs coordinated with a trigger, which share its participants: "was shot and
    killed by X" puts the agent on the last of them."""
    found = [c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB"]
    if verb.dep_ == "conj" and verb.head.pos_ == "VERB":
        found.append(verb.head)
    return found


def _read_participants(
    sent: Span,
    draft: EventDraft,
    masked: MaskedSentence,
    ctx: DocumentArguments,
) -> Token | None:
    """Fill a draft's participants from the parse; returns the trigger token."""
    trigger = trigger_token(sent, draft)
    if trigger is None:
        return None
    reader = ArgumentReader(ctx, sent)
    found = reader.read(trigger, draft.event_type)
    if all(a.key.startswith("generic:") for a in found.actors):
        # "Militants who attacked the base were repelled", "was shot and killed by X": the
        # event's other words may say who acted when its lead word does not.
        for other in [*other_trigger_tokens(sent, draft), *_coordinated_verbs(trigger)]:
            more = reader.read(other, draft.event_type)
            actors = [a for a in more.actors if a not in found.victims + found.wounded]
            if actors and (
                not found.actors or any(not a.key.startswith("generic:") for a in actors)
            ):
                found.actors = actors
                found.targets = [t for t in found.targets or more.targets if t not in actors]
                break
    _by_event_type(reader, found, draft, trigger)
    _take_arguments(draft, masked, found)
    draft.assoc = [_index_of(masked, e) for e in found.assoc]
    draft.arguments = trigger_arguments(sent, draft, ctx)
    return trigger


_VIOLENT_TYPES = {"Battles", "Explosions/Remote violence", "Violence against civilians"}


def _claimed_by_speaker(
    record: EventRecord, attribution: Attribution, generic: set[str], unidentified: set[str]
) -> None:
    """ "The group claimed its fighters killed five soldiers": a group claiming an event it
    names no one else for claims it for itself (the toll too is then `claimed`)."""
    speaker = attribution.speaker
    if (
        record.certainty != "claimed"
        or speaker is None
        or speaker.type not in {"armed_group"}
        or any(p.role == "actor" and p.entity not in generic for p in record.participants)
        or any(p.entity == speaker.id for p in record.participants)
    ):
        return
    evidence = record.evidence[0]
    record.participants.insert(0, Participant(speaker.id, "actor", "claimed", speaker.id, evidence))
    drop_unidentified(record, unidentified)


# A claim or an attribution about one event: "for the attack", "to this incident".
_DEFINITE_EVENT = re.compile(
    r"\b(?:the|this|that|these|both)\s+(?:\w+\s+)?(?:attacks?|incidents?|bombings?|blasts?|"
    r"explosions?|killings?|abductions?|kidnappings?|assaults?|raids?|shootings?|ambush(?:es)?|"
    r"assassinations?|strikes?)\b",
    re.IGNORECASE,
)


def _event_from_claim(
    document: Document,
    sentences: list[Span],
    sent: Span,
    context: _DocumentContext,
) -> EventRecord | None:
    """The event a claim is about when the report told it in words we read no event from:
    typed by the first trigger word of the report up to the claim (else as an attack), read
    from the sentence holding it (else the report's first), with the claim as evidence too."""
    # The sentences before the claim: the claim's own words ("no group claimed the attack")
    # neither type nor grade the event.
    candidates = [s for s in sentences if s.end <= sent.start and span_text(s).strip()] or [sent]
    found: tuple[EventDraft, Span] | None = None
    for candidate in candidates:
        candidate_mentions = [
            m for m in context.mentions if candidate.start <= m.token_start < candidate.end
        ]
        masked = mask_sentence(candidate.text, candidate.start_char, candidate_mentions, None)
        typed = [d for d in find_events(candidate, masked, context.lex) if d.event_type]
        if typed:
            found = (typed[0], candidate)
            break
    if found is None:
        attack = noun_class("attack")
        if attack is None or not candidates:
            return None
        found = (EventDraft(attack.event_type, attack.sub_event_type, "", 0), candidates[0])
    draft, where = found
    match = bool(draft.trigger)
    where_mentions = [m for m in context.mentions if where.start <= m.token_start < where.end]
    masked = mask_sentence(where.text, where.start_char, where_mentions, None)
    if match:
        trigger = _read_participants(where, draft, masked, context.arguments)
    else:
        # No word for the event: its sentence's main verb tells who did what to whom
        # ("Assailants shot and killed a police officer").
        trigger = where.root if where.root.pos_ == "VERB" else None
        if trigger is not None:
            draft.trigger, draft.trigger_start = trigger.text, trigger.idx - where.start_char
            found_args = ArgumentReader(context.arguments, where).read(trigger, draft.event_type)
            _take_arguments(draft, masked, found_args)
    record = _event_record(
        document,
        where,
        draft,
        masked.entities,
        where_mentions,
        context.attributions[where.start_char],
        _sentence_dates(context.dates, where),
        trigger,
    )
    record.rule = f"claim:{draft.sub_event_type}"
    if record.date is None:
        # The report's own date line is the happening's date when the sentence gives none.
        before = [d for d in context.dates if d.value and d.start < sent.start_char]
        plain = [d for d in before if d.relation not in {"since", "until", "before", "after"}]
        if plain and plain[0].value:
            record.date, record.date_precision = plain[0].value.iso, plain[0].value.precision
    if where.start_char != sent.start_char:
        record.evidence.append(_evidence(document, sent))
    return record


def _event_from_lede(
    document: Document,
    sentences: list[Span],
    sent: Span,
    context: _DocumentContext,
    mention: EventRecord,
) -> EventRecord | None:
    """The event a definite mention ("in the attack") refers back to when no event of the
    report was read: told by the report's first sentence with a verb, typed as the mention."""
    lede = _lede_of(sentences, sent)
    if lede is None or not may_tell_an_event(lede.root, context.lex.speech_verbs):
        return None
    draft = EventDraft(
        mention.event_type, mention.sub_event_type, lede.root.text, lede.root.idx - lede.start_char
    )
    lede_mentions = [m for m in context.mentions if lede.start <= m.token_start < lede.end]
    masked = mask_sentence(lede.text, lede.start_char, lede_mentions, None)
    found = ArgumentReader(context.arguments, lede).read(lede.root, mention.event_type)
    _take_arguments(draft, masked, found)
    record = _event_record(
        document,
        lede,
        draft,
        masked.entities,
        lede_mentions,
        context.attributions[lede.start_char],
        _sentence_dates(context.dates, lede),
        lede.root,
    )
    record.rule = f"lede:{mention.sub_event_type}"
    return record


def _lede_of(sentences: list[Span], sent: Span) -> Span | None:
    """The report's first sentence with a verb before `sent`."""
    return next(
        (
            s
            for s in sentences
            if s.end <= sent.start and span_text(s).strip() and s.root.pos_ == "VERB"
        ),
        None,
    )


@dataclass
class _DocumentContext:
    lex: Lexicons
    mentions: list[MentionSpan]
    arguments: DocumentArguments
    attributions: dict[int, Attribution]
    dates: list[DateMention]


def _claimed_event(sent: Span, events: list[EventRecord]) -> EventRecord | None:
    """The event a claim or attribution in this sentence is about: the sentence's own (made
    or merged here), else the document's latest."""
    own = [e for e in events if any(ev.start == sent.start_char for ev in e.evidence)]
    if own:
        return own[-1]
    return events[-1] if events else None


_DISRUPTED = "Disrupted weapons use"


def _join_perpetrator(
    event: EventRecord,
    entity: LocalEntity,
    grade: str,
    speaker: str | None,
    evidence: Evidence,
    generic_actors: set[str],
) -> None:
    """Make a group named by a claim or an attribution the event's actor, graded as the text
    grades it, with the sentence that says so as its evidence. Of a thwarted attack ("security
    forces defused a bomb") the force that thwarted it is the actor, as ACLED codes it, and the
    group named is the side it acted against."""
    if event.sub_event_type == _DISRUPTED and any(
        p.role == "actor" and p.entity not in generic_actors for p in event.participants
    ):
        if all(p.entity != entity.id for p in event.participants):
            event.participants = [
                p
                for p in event.participants
                if not (p.role == "target" and p.entity in generic_actors)
            ]
            event.participants.append(Participant(entity.id, "target", grade, speaker, evidence))
        return
    for participant in event.participants:
        if participant.entity != entity.id:
            continue
        # The event's own sentence names its actor with a doubt: "suspected X gunmen".
        if (
            participant.role == "actor"
            and (participant.evidence is None or participant.evidence == evidence)
            and (grade != "claimed" or participant.certainty is None)
        ):
            participant.certainty = grade
            participant.attributed_to = speaker
            participant.evidence = evidence
        # "Officials blamed the bombing on X": what the parse of a later sentence took for a
        # target is the perpetrator the sentence names. In the event's own sentence, someone
        # harmed is not its perpetrator ("police arrested a suspected X member").
        if participant.role != "actor" and participant.evidence == evidence:
            participant.role, participant.certainty = "actor", grade
            participant.attributed_to = speaker
            drop_unidentified(event, generic_actors)
        return
    event.participants.insert(0, Participant(entity.id, "actor", grade, speaker, evidence))
    drop_unidentified(event, generic_actors)


def _perpetrators(
    document: Document,
    sent: Span,
    masked: MaskedSentence,
    attribution: Attribution,
    events: list[EventRecord],
    lex: Lexicons,
    generic_actors: set[str],
    arguments: DocumentArguments,
    make_event: Callable[[], EventRecord | None] | None = None,
) -> list[ClaimRecord]:
    """Claims of responsibility and attributions of the sentence: each makes its group the
    actor of the event it is about (graded `claimed`, `reported`, `alleged`, or `attributed`
    to a named speaker), and a claim of responsibility is also a claim of its own."""
    statements = perpetrator_statements(masked)
    known = {st.entity.id for st in statements}
    statements += [
        st for st in described_perpetrators(sent, arguments) if st.entity.id not in known
    ]
    known = {st.entity.id for st in statements}
    statements += [st for st in parsed_perpetrators(sent, arguments) if st.entity.id not in known]
    claimants = find_responsibility(masked, lex)
    claimants += [
        s.entity for s in statements if s.grade == "claimed" and s.entity not in claimants
    ]
    if not (claimants or statements):
        return []
    event = _claimed_event(sent, events)
    if event is None and make_event is not None and _DEFINITE_EVENT.search(span_text(sent)):
        # "X claimed responsibility for the attack" in a report whose attack we did not read:
        # the claim makes the event it is about.
        event = make_event()
        if event is not None:
            events.append(event)
    if event is None:
        return []
    evidence = _evidence(document, sent)
    speaker = attribution.speaker.id if attribution.speaker else None
    # The other violent events of the report done by no one named ("assailants") are the
    # same incident's parts (an attack and the abduction after it): the claim names their
    # perpetrator too.
    unclaimed = [
        e
        for e in events
        if e is not event
        and (
            e.event_type in _VIOLENT_TYPES
            # "The assailants also burned down several houses": whatever the unidentified
            # attackers of the report did.
            or any(p.role == "actor" and p.entity in generic_actors for p in e.participants)
        )
        and not any(p.role == "actor" and p.entity not in generic_actors for p in e.participants)
    ]
    claims = []
    for actor in claimants:
        for joined in [event, *unclaimed]:
            _join_perpetrator(
                joined, actor, "claimed", speaker or actor.id, evidence, generic_actors
            )
        claims.append(
            ClaimRecord(
                subject=actor.id,
                predicate="claimed_responsibility_for",
                value=event.id,
                valid_from=event.date,
                valid_to=event.date,
                certainty="claimed",
                polarity=True,
                attributed_to=speaker or actor.id,
                evidence=[evidence],
                rule="responsibility",
            )
        )
    claimed = {a.id for a in claimants}
    for statement in statements:
        if statement.entity.id in claimed or statement.entity.id == speaker:
            continue
        # The statement grades itself: hedges elsewhere in the sentence ("no group claimed
        # responsibility; sources attributed it to X") are about other clauses.
        grade = statement.grade
        # "sources attributed the attack to X, which denied involvement": a contested
        # attribution is an allegation.
        if grade == "reported" and attribution.certainty == "denied":
            grade = "alleged"
        if speaker and grade == "reported":
            grade = "attributed"
        for joined in [event, *unclaimed]:
            _join_perpetrator(joined, statement.entity, grade, speaker, evidence, generic_actors)
    return claims


def registry_types(mentions: list[MentionSpan]) -> dict[str, str]:
    return {m.entity.id: m.entity.type for m in mentions}


_FIGHTING_TYPES = vocabulary().armed_event_types
_TERRITORY_SUB_TYPES = frozenset(
    {"Government regains territory", "Non-state actor overtakes territory"}
)
_ARMED_TYPES = set(vocabulary().armed_types)


def claims_from_events(
    events: list[EventRecord],
    types: dict[str, str],
    generic: set[str] | frozenset[str] = frozenset(),
) -> list[ClaimRecord]:
    """What events imply about actors: attacker and attacked fight; actors operate where
    they act. Each claim keeps the evidence, certainty and speaker of the sentence that named
    the actor (a claim of responsibility, an attribution), else the event's."""
    claims = []
    for event in events:
        actors = [p for p in event.participants if p.role == "actor"]
        targets = [p.entity for p in event.participants if p.role == "target"]
        armed_actors = [a for a in actors if types.get(a.entity) in _ARMED_TYPES]
        # A group said to have done it, whatever its type, carried it out.
        doers = armed_actors + [
            a
            for a in actors
            if a not in armed_actors and a.certainty and types.get(a.entity) in GROUP_TYPES
        ]
        for actor in doers:
            claims.append(
                ClaimRecord(
                    actor.entity,
                    "carried_out",
                    value=event.id,
                    rule="event:carried_out",
                    **_actor_grounds(event, actor),
                )
            )
        # Who fights whom and where a group operates are read from actors the event's own
        # sentences state; a claim or an attribution says only who carried it out.
        # Forces named by kind ("Military Forces of Pakistan" for "soldiers") stand for too
        # many units to say where they operate or whom they fight.
        stated = [a for a in armed_actors if a.certainty is None and a.entity not in generic]
        if event.event_type in _FIGHTING_TYPES:
            for actor in stated:
                for target in targets:
                    if target != actor.entity and types.get(target) in _ARMED_TYPES - {"country"}:
                        claims.append(
                            ClaimRecord(
                                actor.entity,
                                "fights",
                                object=target,
                                rule="event:fights",
                                **_actor_grounds(event, actor),
                            )
                        )
        # Taking or handing over a town says where a force went, not where it operates.
        if (
            event.place
            and types.get(event.place) in {"location", "region"}
            and event.event_type != "Strategic developments"
            and event.sub_event_type not in _TERRITORY_SUB_TYPES
        ):
            for actor in stated:
                if types.get(actor.entity) != "country":
                    claims.append(
                        ClaimRecord(
                            actor.entity,
                            "operates_in",
                            object=event.place,
                            rule="event:operates_in",
                            **_actor_grounds(event, actor),
                        )
                    )
    return claims


def _actor_grounds(event: EventRecord, actor: Participant) -> dict:  # type: ignore[type-arg]
    """Dates, grade, speaker and evidence of a claim an event makes about one of its actors."""
    own = actor.certainty is not None
    return {
        "valid_from": event.date,
        "valid_to": event.date,
        "certainty": actor.certainty if own else event.certainty,
        "polarity": True,
        "attributed_to": actor.attributed_to if own else event.attributed_to,
        "evidence": [actor.evidence] if actor.evidence else event.evidence[:1],
    }


# How many of the document's latest events a denial may be about.
_DENIAL_REACH = 3


def _denial_claims(
    document: Document,
    sent: Span,
    masked: MaskedSentence,
    attribution: Attribution,
    events: list[EventRecord],
) -> list[ClaimRecord]:
    """ "The group's spokesman denied that its fighters harmed civilians": the group denies
    carrying out the latest event the document gave it as actor."""
    if attribution.certainty != "denied":
        return []
    groups = {e.id for e in masked.entities if e.type in GROUP_TYPES}
    for event in reversed(events[-_DENIAL_REACH:]):
        actors = [p.entity for p in event.participants if p.role == "actor" and p.entity in groups]
        if actors:
            return [
                ClaimRecord(
                    subject=actor,
                    predicate="carried_out",
                    value=event.id,
                    valid_from=event.date,
                    valid_to=event.date,
                    certainty="denied",
                    polarity=False,
                    attributed_to=attribution.speaker.id if attribution.speaker else None,
                    evidence=[_evidence(document, sent)],
                    rule="denial:carried_out",
                )
                for actor in actors
            ]
    return []


def _told_in_full(
    event: EventRecord, trigger: Token | None, generic: set[str], people: set[str]
) -> bool:
    """Whether an event named only as a point of reference says who did it to whom ("left
    after the murder of six priests by uniformed men"), or names the person it harmed ("they
    condemned the murder of Ana Rivas"): told nowhere else in the report, it is an event of
    its own. Its actor is named, or stated by the trigger's own "by" phrase (an actor we
    supplied for want of one tells nothing)."""
    harmed = {"victim", "target", "wounded"}
    if any(p.role in harmed and p.entity in people for p in event.participants):
        return True
    roles = {p.role for p in event.participants}
    if "actor" not in roles or not roles & harmed:
        return False
    named = any(p.role == "actor" and p.entity not in generic for p in event.participants)
    return named or (
        trigger is not None
        and any(
            c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by") for c in trigger.children
        )
    )


def _dates_clash(told: str | None, more: str | None) -> bool:
    """Whether two dates cannot be one happening's: their periods share no day. A sentence of
    its own date ("announced the death of its leader in July") tells no more of the November
    fighting before it; a missing date clashes with none."""
    return not intervals_overlap((told, told), (more, more))


def _worth_keeping(event: EventRecord) -> bool:
    """An event needs someone involved, a date, a place or a toll (a happening that counted
    its dead or hurt is one) to be placed on a map or timeline; a merely possible event needs
    a date."""
    if event.certainty in {"unconfirmed", "speculative"} and not event.date:
        return False
    counted = event.fatalities or event.wounded or event.kidnapped or event.arrested
    return bool(event.participants or event.date or event.place or counted)


def _focus_group(
    masked: MaskedSentence, seen: set[str], previous: LocalEntity | None
) -> LocalEntity | None:
    """The group a following "its" or "the group's" most likely means: the first group of the
    sentence (usually its subject), unless the sentence ends by introducing a new one ("X lives
    under the protection of Y. Its chief ..." is about Y)."""
    groups = [e for e in masked.entities if e.type in GROUP_TYPES]
    if not groups:
        return previous
    first, last = groups[0], groups[-1]
    if first.id != last.id and last.id not in seen:
        return last
    return first


def _named_since(earlier: list[LocalEntity], masked: MaskedSentence) -> list[LocalEntity]:
    """The groups named or referred to so far, each once, the latest last."""
    named = [e for e in masked.entities if e.type in GROUP_TYPES]
    ids = {e.id for e in named}
    return [e for e in earlier if e.id not in ids] + list({e.id: e for e in named}.values())


def _document_focus(mentions: list[MentionSpan]) -> list[str]:
    """The countries of the document's places, most mentioned first."""
    counts: dict[str, int] = {}
    for mention in mentions:
        place = mention.entity.place
        if place is not None and place.country:
            counts[place.country] = counts.get(place.country, 0) + 1
    return sorted(counts, key=lambda c: -counts[c])


def extract_from_doc(document: Document, doc: Doc) -> Extraction:
    """Everything one annotated document states: entities, mentions, claims and events."""
    lex = load_lexicons()
    mentions, registry = resolve_mentions(doc, document.id)
    attributions = sentence_attributions(doc, mentions, lex)
    all_dates = find_dates(document.text, parse_anchor(document.published))
    arguments = DocumentArguments(registry, mentions, _document_focus(mentions))
    dateline = find_dateline(document.text, all_dates)
    claims: list[ClaimRecord] = []
    events: list[EventRecord] = []
    last_person: LocalEntity | None = None
    last_group: LocalEntity | None = None
    seen_groups: set[str] = set()
    named_groups: list[LocalEntity] = []
    topic: LocalEntity | None = None
    unnamed: list[list[LocalEntity]] = []
    sentences = list(sents_of(doc))
    context = _DocumentContext(lex, mentions, arguments, attributions, all_dates)
    borrowed: dict[int, tuple[str | None, str | None]] = {}
    for sent in sentences:
        if not span_text(sent).strip():
            continue
        sent_mentions = [m for m in mentions if sent.start <= m.token_start < sent.end]
        attribution = attributions[sent.start_char]
        dates = _sentence_dates(all_dates, sent)
        masked = mask_sentence(span_text(sent), sent.start_char, sent_mentions, last_group)
        masked.earlier, masked.topic, masked.unnamed = list(named_groups), topic, unnamed
        sentence_claims = _claims_for_sentence(
            document, sent, masked, attribution, dates, last_person, lex
        )
        claims.extend(sentence_claims)
        killed = {
            c.subject for c in sentence_claims if c.predicate == "fate" and c.value == "killed"
        }
        speaker = attribution.speaker
        people = [
            m.entity
            for m in sent_mentions
            if m.entity.type == "person" and (speaker is None or m.entity.id != speaker.id)
        ]
        arguments.last_group, arguments.last_person = last_group, last_person
        last_person = people[-1] if people else last_person
        last_group = _focus_group(masked, seen_groups, last_group)
        seen_groups.update(e.id for e in masked.entities if e.type in GROUP_TYPES)
        named_groups = _named_since(named_groups, masked)
        topic = next((e for e in masked.entities if e.type in GROUP_TYPES), topic)
        for draft in find_events(sent, masked, lex):
            trigger = _read_participants(sent, draft, masked, arguments) if draft.trigger else None
            record = _event_record(
                document, sent, draft, masked.entities, sent_mentions, attribution, dates, trigger
            )
            for participant in record.participants:
                if participant.entity in killed:
                    participant.role = "victim"
            present = {p.entity for p in record.participants}
            record.participants.extend(Participant(k, "victim") for k in sorted(killed - present))
            if record.date is None:
                record.date, record.date_precision = _context_date(
                    document.text, sent, events, dateline
                )
            places = {e.id: e for e in registry.by_key.values() if e.place is not None}
            generic, unidentified = _generic_ids(registry)
            _claimed_by_speaker(record, attribution, generic, unidentified)
            if not draft.event_type:
                # "Killed in the attack were ...", "1 fatality.": more of the event before.
                told = back_reference_target(events, record) if draft.back_reference else None
                if told is not None and not _dates_clash(told.date, record.date):
                    add_tolls(told, draft.tolls)
                    merge(told, record, places, unidentified)
                continue
            definite = is_definite(trigger) or draft.back_reference or draft.reference
            people = {e.id for e in registry.by_key.values() if e.type == "person"}
            earlier = antecedent(events, record, definite and bool(events), places, generic, people)
            if earlier is None and not _worth_keeping(record):
                # A mention with nothing of its own to place it ("the bombs began to explode")
                # in a report that told such an event already is more of that event.
                earlier = back_reference_target(events, record, fallback=False)
            untold = False
            if earlier is None and definite and not events:
                # "Three soldiers were killed in the attack": the attack was told before, in
                # words we read no event from; the report's lede tells it.
                earlier = _event_from_lede(document, sentences, sent, context, record)
                if earlier is not None:
                    events.append(earlier)
                # A lede that only says or thinks something tells none: this mention is the
                # report's only telling of the event ("They deplored the slaughter. In the
                # light of these attacks, ...").
                untold = earlier is None and _lede_of(sentences, sent) is not None
            if earlier is not None:
                add_tolls(earlier, draft.tolls)
                refine_type(earlier, record)
                merge(earlier, record, places, unidentified)
            elif (not draft.reference or _told_in_full(record, trigger, generic, people)) and (
                _worth_keeping(record) or untold
            ):
                if record.place is None:
                    # The place before it is taken once the document is read: borrowed
                    # earlier, it would decide which later mentions are one happening.
                    borrowed[id(record)] = _context_place(document.text, sent, events)
                events.append(record)
        _, unidentified = _generic_ids(registry)
        claims.extend(
            _perpetrators(
                document,
                sent,
                masked,
                attribution,
                events,
                lex,
                unidentified,
                arguments,
                lambda sent=sent: _event_from_claim(document, sentences, sent, context),
            )
        )
        # A denial already carried by a relation or fate of the sentence needs no other claim.
        if not any(c.certainty == "denied" for c in sentence_claims):
            claims.extend(_denial_claims(document, sent, masked, attribution, events))
    for event in events:
        if event.place is None and id(event) in borrowed:
            event.place, event.geo_precision = borrowed[id(event)]
    types = registry_types(mentions)
    types.update({e.id: e.type for e in registry.by_key.values()})
    claims.extend(claims_from_events(events, types, _generic_ids(registry)[0]))
    claims.extend(derived_claims(doc, registry))
    claims = end_roles(claims, document.published)
    return Extraction(
        document=document,
        entities=entity_records(registry),
        mentions=mention_records([*mentions, *registry.absorbed, *arguments.made]),
        claims=claims,
        events=events,
        extractor=extractor_version(),
    )


# --- long documents ---------------------------------------------------------------------------

# spaCy refuses a text longer than nlp.max_length (1,000,000 characters), and the cost of
# extracting one Doc grows faster than its length (about 100 s for 1 MB, where ten pieces of
# 100 KB take 40 s, in a tenth of the memory). A longer document is cut into pieces of at most
# this many characters at paragraph boundaries, each extracted on its own, and the records put
# together with offsets into the whole text. What a piece loses: a short name or "the group"
# that refers to a name given in an earlier piece.
PIECE_CHARS = 100_000
# Where a piece may end, best first: after a paragraph, a line, a sentence, a word.
_CUTS = ("\n\n", "\n", ". ", " ")


def pieces(text: str, limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pairs that cover the text in order, each at most `limit` characters,
    cut at the latest paragraph break that fits (else line break, sentence end, space)."""
    found: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > limit:
        window_end = start + limit
        end = window_end
        for cut in _CUTS:
            at = text.rfind(cut, start + 1, window_end)
            if at > start:
                end = min(at + len(cut), window_end)
                break
        found.append((start, text[start:end]))
        start = end
    found.append((start, text[start:]))
    return found


def _shifted_evidence(evidence: list[Evidence], offset: int) -> list[Evidence]:
    return [
        dataclasses.replace(
            e,
            start=e.start + offset,
            end=e.end + offset,
            triggers=tuple((s + offset, t + offset) for s, t in e.triggers),
            arguments=tuple(
                dataclasses.replace(a, start=a.start + offset, end=a.end + offset)
                for a in e.arguments
            ),
        )
        for e in evidence
    ]


def _shifted(part: Extraction, offset: int) -> Extraction:
    """A piece's records with offsets into the whole document. Claim and event ids are made
    from their evidence's offsets, so they are made again, and claims naming an event (as
    `carried_out` does) follow it to its new id."""
    if offset == 0:
        return part
    events, new_ids = [], {}
    for event in part.events:
        moved = dataclasses.replace(
            event, evidence=_shifted_evidence(event.evidence, offset), id=""
        )
        new_ids[event.id] = moved.id
        events.append(moved)
    claims = [
        dataclasses.replace(
            claim,
            evidence=_shifted_evidence(claim.evidence, offset),
            value=new_ids.get(claim.value, claim.value) if claim.value else claim.value,
            id="",
        )
        for claim in part.claims
    ]
    mentions = [
        dataclasses.replace(m, start=m.start + offset, end=m.end + offset) for m in part.mentions
    ]
    return dataclasses.replace(part, mentions=mentions, claims=claims, events=events)


def _merged_entities(parts: list[Extraction]) -> list[EntityRecord]:
    """One record per entity id (a name seen in several pieces), aliases and context joined."""
    by_id: dict[str, EntityRecord] = {}
    for part in parts:
        for entity in part.entities:
            known = by_id.get(entity.id)
            if known is None:
                by_id[entity.id] = dataclasses.replace(
                    entity, aliases=list(entity.aliases), context=list(entity.context)
                )
                continue
            known.aliases = sorted(set(known.aliases) | set(entity.aliases))
            known.context = sorted(set(known.context) | set(entity.context))
    return list(by_id.values())


def merged_extraction(document: Document, parts: list[Extraction]) -> Extraction:
    """The extraction of a whole document from those of its pieces (already shifted)."""
    return Extraction(
        document=document,
        entities=_merged_entities(parts),
        mentions=[m for part in parts for m in part.mentions],
        claims=[c for part in parts for c in part.claims],
        events=[e for part in parts for e in part.events],
        extractor=extractor_version(),
    )


def _generic_ids(registry: DocumentEntities) -> tuple[set[str], set[str]]:
    """(every actor named by kind or a thing, the unidentified armed groups among them)."""
    generic = {
        e.id for e in registry.by_key.values() if e.key.startswith(("generic:", "property:"))
    }
    unidentified = {
        e.id for e in registry.by_key.values() if e.key.startswith("generic:unidentified:")
    }
    return generic, unidentified


def _quoting_original(document: Document, read: str, extraction: Extraction) -> Extraction:
    """Evidence and mentions quote the document as written, even when it was read recased
    (`read`: the recased text, same offsets)."""
    text = document.text
    if read == text:
        return extraction

    def quote(evidence: Evidence) -> Evidence:
        return replace(evidence, text=text[evidence.start : evidence.end])

    for record in [*extraction.claims, *extraction.events]:
        record.evidence = [quote(e) for e in record.evidence]
    for mention in extraction.mentions:
        mention.text = text[mention.start : mention.end]
    return extraction


def _extracted(document: Document, doc: Doc) -> Extraction:
    """The document's records from its parsed Doc, which is done with after them."""
    extraction = extract_from_doc(document, doc)
    forget_readings(doc)
    return extraction


class Extractor:
    """Owns the spaCy pipeline; extracts documents one by one or in batches."""

    def __init__(self, model: str | None = None, batch_size: int = 16) -> None:
        self.model = model or model_name()
        self.batch_size = batch_size

    @property
    def nlp(self):  # type: ignore[no-untyped-def]
        return build_pipeline(self.model)

    @property
    def version(self) -> str:
        return extractor_version()

    @property
    def piece_chars(self) -> int:
        """The longest text parsed as one Doc; longer documents are extracted in pieces."""
        return min(PIECE_CHARS, self.nlp.max_length)

    def extract(self, document: Document) -> Extraction:
        if len(document.text) > self.piece_chars:
            return self._extract_in_pieces(document)
        read = recase(document.text)
        return _quoting_original(document, read, _extracted(document, self.nlp(read)))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        documents = list(documents)
        limit = self.piece_chars
        # Text in capitals is read recased, letter for letter (truecase.py). Short documents
        # are parsed in batches; a long one, in its turn, piece by piece.
        reads = [recase(d.text) if len(d.text) <= limit else "" for d in documents]
        parsed = self.nlp.pipe(
            (read for d, read in zip(documents, reads, strict=True) if len(d.text) <= limit),
            batch_size=self.batch_size,
        )
        for document, read in zip(documents, reads, strict=True):
            if len(document.text) > limit:
                yield self._extract_in_pieces(document)
            else:
                yield _quoting_original(document, read, _extracted(document, next(parsed)))

    def _extract_in_pieces(self, document: Document) -> Extraction:
        cut = pieces(document.text, self.piece_chars)
        reads = [recase(text) for _, text in cut]
        docs = self.nlp.pipe(reads, batch_size=1)
        parts = []
        for (offset, text), read, doc in zip(cut, reads, docs, strict=True):
            piece = dataclasses.replace(document, text=text)
            part = _quoting_original(piece, read, _extracted(piece, doc))
            parts.append(_shifted(part, offset))
        return merged_extraction(document, parts)

    def extract_safely(self, documents: Sequence[Document]) -> list[Extraction | Exception]:
        """Extract a batch; if it fails, retry one by one so one bad document fails alone."""
        try:
            return list(self.extract_many(documents))
        except Exception:
            results: list[Extraction | Exception] = []
            for document in documents:
                try:
                    results.append(self.extract(document))
                except Exception as exc:
                    results.append(RuntimeError(f"extraction failed: {exc}"))
            return results
