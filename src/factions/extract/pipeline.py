"""From a Document to an Extraction: one pure function per document, batched for speed.

`extract_from_doc` turns an annotated spaCy Doc into records; `Extractor` owns the spaCy
pipeline and feeds it batches. Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from factions.extract.attribution import Attribution, sentence_attributions
from factions.extract.dates import DateMention, find_dates, parse_anchor
from factions.extract.events import (
    EventDraft,
    add_tolls,
    back_reference_target,
    find_events,
    refine_type,
)
from factions.extract.gazetteer import load_gazetteer
from factions.extract.lexicons import Lexicons, load_lexicons
from factions.extract.mentions import (
    LocalEntity,
    MentionSpan,
    derived_claims,
    entity_records,
    mention_records,
    resolve_mentions,
    sentence_evidence,
)
from factions.extract.nlp import build_pipeline, model_name
from factions.extract.relations import (
    GROUP_TYPES,
    MaskedSentence,
    find_fates,
    find_relations,
    find_responsibility,
    mask_sentence,
)
from factions.model import (
    ClaimRecord,
    Document,
    EventRecord,
    Evidence,
    Extraction,
    Participant,
)
from factions.vocabulary import vocabulary

EXTRACTOR_NAME = "factions.rules"
EXTRACTOR_RELEASE = 2  # 2: places resolved per story (geocode.resolve_document)
_PLACE_TYPES = set(vocabulary().place_types)


def extractor_version() -> str:
    """Changes whenever the rules, lexicons or gazetteer that produce records change."""
    lexicons, gazetteer = load_lexicons().version, load_gazetteer().version
    return f"{EXTRACTOR_NAME}.v{EXTRACTOR_RELEASE}+{lexicons}+g{gazetteer}"


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


def _ended_validity(
    valid: tuple[str | None, str | None], words: str, published: str | None
) -> tuple[str | None, str | None]:
    """A "former" or "late" holder: the relation ended by the time of writing at the latest."""
    valid_from, valid_to = valid
    # A role or tie said to be over: "its former leader", "the late founder".
    if not load_lexicons().ended.search(words):
        return valid
    if valid_to is None:
        valid_to = valid_from or published
        valid_from = None if valid_to == valid_from else valid_from
    return valid_from, valid_to


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


def _context_date(
    text: str, sent: Span, events: list[EventRecord], dateline: DateMention | None
) -> tuple[str | None, str | None]:
    """The date an event with none in its sentence takes from its context: the event told just
    before it in the same paragraph, else the report's dateline."""
    if events:
        previous = events[-1]
        last = previous.evidence[-1] if previous.evidence else None
        same_paragraph = last is not None and "\n\n" not in text[last.end : sent.start_char]
        if same_paragraph and previous.date:
            return previous.date, previous.date_precision
    if dateline is not None and dateline.value is not None:
        return dateline.value.iso, dateline.value.precision
    return None, None


def _nearest_place(mentions: list[MentionSpan], position: int) -> LocalEntity | None:
    places = [m for m in mentions if m.entity.type in _PLACE_TYPES]
    if not places:
        return None
    after = [m for m in places if m.start >= position]
    chosen = after[0] if after else places[-1]
    return chosen.entity


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
    tokens = [t for t in sent if start <= t.idx - sent.start_char < end and not t.is_punct]
    return bool(tokens) and not any(_is_main_verb(t) for t in tokens)


def _own_grade(text: str, lex: Lexicons) -> str:
    """The certainty a description carries by itself: its own hedges, else asserted."""
    grades = ["asserted", *(grade for regex, grade in lex.hedges if regex.search(text))]
    return min(grades, key=lex.strength.index)


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
    for match in find_relations(masked, lex):
        words = sent.text[match.start : match.end]
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
        valid_from, valid_to = _ended_validity(valid, words, document.published)
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


def _event_record(
    document: Document,
    sent: Span,
    draft: EventDraft,
    masked_entities: list[LocalEntity],
    sent_mentions: list[MentionSpan],
    attribution: Attribution,
    dates: list[DateMention],
) -> EventRecord:
    participants: list[Participant] = []

    def add(indices: list[int], role: str) -> None:
        for index in indices:
            entity = masked_entities[index]
            if role in {"victim", "wounded"} and entity.type != "person":
                role_for = "target"
            else:
                role_for = role
            participants.append(Participant(entity.id, role_for))

    add(draft.actors, "actor")
    add(draft.targets, "target")
    add(draft.victims, "victim")
    add(draft.wounded, "wounded")
    position = sent.start_char + draft.trigger_start
    # "since 2009" bounds a state; the event's own date is a plain one when there is one.
    points = [d for d in dates if d.relation not in {"since", "until", "before", "after"}]
    date = _nearest_date(points or dates, position)
    involved = {p.entity for p in participants}
    place = _nearest_place([m for m in sent_mentions if m.entity.id not in involved], position)
    # The sentence as evidence, with where its words that state the event stand.
    triggers = tuple((sent.start_char + s, sent.start_char + e) for s, e in draft.mentions)
    return EventRecord(
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        evidence=[replace(_evidence(document, sent), triggers=triggers)],
        date=date.value.iso if date and date.value else None,
        date_precision=date.value.precision if date and date.value else None,
        place=place.id if place else None,
        geo_precision=place.place.precision if place and place.place else None,
        participants=participants,
        fatalities=draft.fatalities,
        wounded=draft.tolls.wounded,
        kidnapped=draft.tolls.kidnapped,
        arrested=draft.tolls.arrested,
        certainty=attribution.certainty,
        attributed_to=attribution.speaker.id if attribution.speaker else None,
        trigger=draft.trigger,
        rule=draft.rule or f"trigger:{draft.sub_event_type}",
    )


def _responsibility_claims(
    document: Document,
    sent: Span,
    masked: MaskedSentence,
    attribution: Attribution,
    events: list[EventRecord],
    lex: Lexicons,
) -> list[ClaimRecord]:
    """ "X claimed responsibility for ...": a claim whose value is the event it refers to."""
    actors = find_responsibility(masked, lex)
    if not actors or not events:
        return []
    own = [e for e in events if any(ev.start == sent.start_char for ev in e.evidence)]
    event = own[-1] if own else events[-1]
    return [
        ClaimRecord(
            subject=actor.id,
            predicate="claimed_responsibility_for",
            value=event.id,
            valid_from=event.date,
            valid_to=event.date,
            certainty="claimed",
            polarity=True,
            attributed_to=attribution.speaker.id if attribution.speaker else actor.id,
            evidence=[_evidence(document, sent)],
            rule="responsibility",
        )
        for actor in actors
    ]


def registry_types(mentions: list[MentionSpan]) -> dict[str, str]:
    return {m.entity.id: m.entity.type for m in mentions}


_FIGHTING_TYPES = vocabulary().armed_event_types
_TERRITORY_SUB_TYPES = frozenset(
    {"Government regains territory", "Non-state actor overtakes territory"}
)
_ARMED_TYPES = set(vocabulary().armed_types)


def claims_from_events(events: list[EventRecord], types: dict[str, str]) -> list[ClaimRecord]:
    """What events imply about actors: attacker and attacked fight; actors operate where
    they act. Each claim keeps the event's evidence, certainty and speaker."""
    claims = []
    for event in events:
        actors = [p.entity for p in event.participants if p.role == "actor"]
        targets = [p.entity for p in event.participants if p.role == "target"]
        armed_actors = [a for a in actors if types.get(a) in _ARMED_TYPES]
        common = {
            "valid_from": event.date,
            "valid_to": event.date,
            "certainty": event.certainty,
            "polarity": True,
            "attributed_to": event.attributed_to,
            "evidence": event.evidence[:1],
        }
        for actor in armed_actors:
            claims.append(
                ClaimRecord(
                    actor, "carried_out", value=event.id, rule="event:carried_out", **common
                )
            )
        if event.event_type in _FIGHTING_TYPES:
            for actor in armed_actors:
                for target in targets:
                    if target != actor and types.get(target) in _ARMED_TYPES - {"country"}:
                        claims.append(
                            ClaimRecord(
                                actor, "fights", object=target, rule="event:fights", **common
                            )
                        )
        # Taking or handing over a town says where a force went, not where it operates.
        if (
            event.place
            and types.get(event.place) in {"location", "region"}
            and event.event_type != "Strategic developments"
            and event.sub_event_type not in _TERRITORY_SUB_TYPES
        ):
            for actor in armed_actors:
                if types.get(actor) != "country":
                    claims.append(
                        ClaimRecord(
                            actor,
                            "operates_in",
                            object=event.place,
                            rule="event:operates_in",
                            **common,
                        )
                    )
    return claims


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


def _worth_keeping(event: EventRecord) -> bool:
    """An event needs someone involved, a date, a place or a toll (a happening that counted
    its dead or hurt is one) to be placed on a map or timeline; a merely possible event needs
    a date."""
    if event.certainty in {"unconfirmed", "speculative"} and not event.date:
        return False
    counted = event.fatalities or event.wounded or event.kidnapped or event.arrested
    return bool(event.participants or event.date or event.place or counted)


def _merge_back_reference(previous: EventRecord, follow_up: EventRecord) -> None:
    """A later sentence about 'the attack' adds its people and evidence to the earlier event."""
    known = {(p.entity, p.role) for p in previous.participants}
    for participant in follow_up.participants:
        if (participant.entity, participant.role) not in known:
            previous.participants.append(participant)
    previous.evidence.extend(follow_up.evidence)
    previous.fatalities = previous.fatalities or follow_up.fatalities
    previous.date = previous.date or follow_up.date
    previous.date_precision = previous.date_precision or follow_up.date_precision
    if previous.place is None:
        previous.place, previous.geo_precision = follow_up.place, follow_up.geo_precision


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


def extract_from_doc(document: Document, doc: Doc) -> Extraction:
    """Everything one annotated document states: entities, mentions, claims and events."""
    lex = load_lexicons()
    mentions, registry = resolve_mentions(doc, document.id)
    attributions = sentence_attributions(doc, mentions, lex)
    all_dates = find_dates(document.text, parse_anchor(document.published))
    dateline = find_dateline(document.text, all_dates)
    claims: list[ClaimRecord] = []
    events: list[EventRecord] = []
    last_person: LocalEntity | None = None
    last_group: LocalEntity | None = None
    seen_groups: set[str] = set()
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        sent_mentions = [m for m in mentions if sent.start <= m.token_start < sent.end]
        attribution = attributions[sent.start_char]
        dates = _sentence_dates(all_dates, sent)
        masked = mask_sentence(sent.text, sent.start_char, sent_mentions, last_group)
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
        last_person = people[-1] if people else last_person
        last_group = _focus_group(masked, seen_groups, last_group)
        seen_groups.update(e.id for e in masked.entities if e.type in GROUP_TYPES)
        for draft in find_events(sent, masked, lex):
            record = _event_record(
                document, sent, draft, masked.entities, sent_mentions, attribution, dates
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
            told = back_reference_target(events, record) if draft.back_reference else None
            if told is None and draft.event_type and not _worth_keeping(record):
                # A mention with nothing of its own to place it ("the bombs began to explode")
                # in a report that told such an event already is more of that event.
                told = back_reference_target(events, record, fallback=False)
            if told is not None:
                add_tolls(told, draft.tolls)
                refine_type(told, record)
                _merge_back_reference(told, record)
            elif draft.event_type and not draft.reference and _worth_keeping(record):
                events.append(record)
        claims.extend(_responsibility_claims(document, sent, masked, attribution, events, lex))
        # A denial already carried by a relation or fate of the sentence needs no other claim.
        if not any(c.certainty == "denied" for c in sentence_claims):
            claims.extend(_denial_claims(document, sent, masked, attribution, events))
    claims.extend(claims_from_events(events, registry_types(mentions)))
    claims.extend(derived_claims(doc, registry))
    return Extraction(
        document=document,
        entities=entity_records(registry),
        mentions=mention_records([*mentions, *registry.absorbed]),
        claims=claims,
        events=events,
        extractor=extractor_version(),
    )


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

    def extract(self, document: Document) -> Extraction:
        return extract_from_doc(document, self.nlp(document.text))

    def extract_many(self, documents: Iterable[Document]) -> Iterable[Extraction]:
        documents = list(documents)
        texts = (d.text for d in documents)
        for document, doc in zip(
            documents, self.nlp.pipe(texts, batch_size=self.batch_size), strict=True
        ):
            yield extract_from_doc(document, doc)

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
