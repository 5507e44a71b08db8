"""From a Document to an Extraction: one pure function per document, batched for speed.

`extract_from_doc` turns an annotated spaCy Doc into records; `Extractor` owns the spaCy
pipeline and feeds it batches, and extracts a long document in pieces. Nothing here touches the
database.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence

from spacy.tokens import Doc, Span, Token

from factions.extract.attribution import Attribution, sentence_attributions
from factions.extract.dates import DateMention, find_dates, parse_anchor
from factions.extract.events import EventDraft, find_events
from factions.extract.frames import find_parse_relations
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
    RelationMatch,
    find_fates,
    find_relations,
    find_responsibility,
    mask_sentence,
    relation_key,
)
from factions.extract.roles import end_roles, ended_validity
from factions.model import (
    ClaimRecord,
    Document,
    EntityRecord,
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


def _nearest_date(dates: list[DateMention], position: int) -> DateMention | None:
    if not dates:
        return None
    return min(dates, key=lambda d: abs(d.start - position))


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
    return EventRecord(
        event_type=draft.event_type,
        sub_event_type=draft.sub_event_type,
        evidence=[_evidence(document, sent)],
        date=date.value.iso if date and date.value else None,
        date_precision=date.value.precision if date and date.value else None,
        place=place.id if place else None,
        geo_precision=place.place.precision if place and place.place else None,
        participants=participants,
        fatalities=draft.fatalities,
        certainty=attribution.certainty,
        attributed_to=attribution.speaker.id if attribution.speaker else None,
        trigger=draft.trigger,
        rule=f"trigger:{draft.sub_event_type}",
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
    """An event needs someone involved, a date or a place to be placed on a map or timeline;
    a merely possible event needs a date."""
    if event.certainty in {"unconfirmed", "speculative"} and not event.date:
        return False
    return bool(event.participants or event.date or event.place)


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
            if draft.back_reference and events:
                _merge_back_reference(events[-1], record)
            elif draft.event_type and _worth_keeping(record):
                events.append(record)
        claims.extend(_responsibility_claims(document, sent, masked, attribution, events, lex))
        # A denial already carried by a relation or fate of the sentence needs no other claim.
        if not any(c.certainty == "denied" for c in sentence_claims):
            claims.extend(_denial_claims(document, sent, masked, attribution, events))
    claims.extend(claims_from_events(events, registry_types(mentions)))
    claims.extend(derived_claims(doc, registry))
    claims = end_roles(claims, document.published)
    return Extraction(
        document=document,
        entities=entity_records(registry),
        mentions=mention_records([*mentions, *registry.absorbed]),
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
    return [dataclasses.replace(e, start=e.start + offset, end=e.end + offset) for e in evidence]


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
        return extract_from_doc(document, self.nlp(document.text))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        documents = list(documents)
        limit = self.piece_chars
        # Short documents are parsed in batches; a long one, in its turn, piece by piece.
        parsed = self.nlp.pipe(
            (d.text for d in documents if len(d.text) <= limit), batch_size=self.batch_size
        )
        for document in documents:
            if len(document.text) > limit:
                yield self._extract_in_pieces(document)
            else:
                yield extract_from_doc(document, next(parsed))

    def _extract_in_pieces(self, document: Document) -> Extraction:
        cut = pieces(document.text, self.piece_chars)
        docs = self.nlp.pipe((text for _, text in cut), batch_size=1)
        parts = [
            _shifted(extract_from_doc(dataclasses.replace(document, text=text), doc), offset)
            for (offset, text), doc in zip(cut, docs, strict=True)
        ]
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
