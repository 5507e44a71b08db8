"""Mentions of actors and places in one document, resolved to document-level entities.

Inside a document: gazetteer names win, acronyms defined in the text ("the Islamic Movement of
Uzbekistan (IMU)") point to their long form, short names and spelling slips of people
("Daud", "Barayalai") point to the full name seen earlier, titles and possessives are stripped.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span

from factions.extract.gazetteer import load_gazetteer
from factions.extract.geocode import PlaceMatch, document_focus, get_geocoder
from factions.extract.lexicons import load_lexicons
from factions.model import ClaimRecord, EntityRecord, Evidence, Mention, stable_id
from factions.vocabulary import vocabulary

ACTOR_TYPES = set(vocabulary().actor_types)
PLACE_LABELS = {"GPE", "LOC", "FAC"}
GAZETTEER_TYPES = {
    "ARMED_GROUP": "armed_group",
    "STATE_FORCE": "state_force",
    "ORGANIZATION": "organization",
    "PERSON": "person",
}
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z0-9-]{1,11})\)")
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_SHORT_NAME_SCORE = 85


@dataclass
class LocalEntity:
    """An entity as one document knows it; its id is stable across documents."""

    key: str
    type: str
    name: str
    id: str
    aliases: set[str] = field(default_factory=set)
    gazetteer_id: str | None = None
    place: PlaceMatch | None = None
    # The country of an actor named by kind ("Police Forces of Nigeria"); places have theirs.
    country: str | None = None

    @property
    def is_actor(self) -> bool:
        return self.type in ACTOR_TYPES or self.type == "country"


@dataclass
class MentionSpan:
    start: int
    end: int
    token_start: int
    token_end: int
    text: str
    entity: LocalEntity
    label: str
    rule: str


def normalise_name(name: str) -> str:
    """Lowercase ASCII-folded name used in keys: 'Tohir Yuldosh' -> 'tohir yuldosh'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", folded.lower()).strip()


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", text.strip())


def strip_titles(name: str, titles: frozenset[str]) -> str:
    words = name.split()
    while len(words) > 1:
        if words[0] in titles:
            words = words[1:]
        elif len(words) > 2 and f"{words[0]} {words[1]}" in titles:
            words = words[2:]
        else:
            break
    return " ".join(words)


class DocumentEntities:
    """The registry of one document's entities and the rules that link names to them."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        self.by_key: dict[str, LocalEntity] = {}
        self.acronyms: dict[str, LocalEntity] = {}
        self.people: list[LocalEntity] = []
        # (described group, predicate, parent, token index) for groups described, not named.
        self.derivations: list[tuple[LocalEntity, str, LocalEntity, int]] = []

    def get_or_add(
        self,
        key: str,
        type_: str,
        name: str,
        *,
        entity_id: str | None = None,
        gazetteer_id: str | None = None,
        place: PlaceMatch | None = None,
    ) -> LocalEntity:
        entity = self.by_key.get(key)
        if entity is None:
            entity = LocalEntity(
                key=key,
                type=type_,
                name=name,
                id=entity_id or stable_id("ent", key),
                gazetteer_id=gazetteer_id,
                place=place,
            )
            self.by_key[key] = entity
            if type_ == "person":
                self.people.append(entity)
        return entity

    def gazetteer_entity(self, gazetteer_id: str) -> LocalEntity:
        entry = load_gazetteer().get(gazetteer_id)
        return self.get_or_add(
            f"gaz:{gazetteer_id}",
            entry.type,
            entry.name,
            entity_id=f"a:{gazetteer_id}",
            gazetteer_id=gazetteer_id,
        )

    def known_person(self, name: str) -> LocalEntity | None:
        """A person already named in this document whose name contains all these words."""
        words = set(name.split())
        for candidate in reversed(self.people):
            candidate_words = {
                w for alias in candidate.aliases | {candidate.name} for w in alias.split()
            }
            if words <= candidate_words:
                return candidate
        return None

    def person_for(self, name: str) -> LocalEntity:
        """A person by name: a known full name, a short form of one, or a new person."""
        words = name.split()
        known = self.known_person(name)
        if known is not None:
            return known
        if len(words) == 1:
            for candidate in reversed(self.people):
                if any(
                    fuzz.ratio(words[0], w) >= _SHORT_NAME_SCORE and len(w) > 3
                    for w in candidate.name.split()
                ):
                    return candidate
        for entry in load_gazetteer().lookup(name):
            if entry.type == "person":
                return self.gazetteer_entity(entry.id)
        if len(words) == 1:
            # A lone name nobody in this document explains stays local to it: two men called
            # Omar in two articles must not become one.
            return self.get_or_add(f"person:{normalise_name(name)}@{self.doc_id}", "person", name)
        return self.get_or_add(f"person:{normalise_name(name)}", "person", name)


def _classify_organisation(text: str) -> str | None:
    lex = load_lexicons()
    words = set(text.replace("'s", "").split())
    if words & lex.armed_group_words and not words & lex.state_words:
        return "armed_group"
    if any(w in text for w in lex.state_force_words) and words & lex.state_words:
        return "state_force"
    return "organization"


def _entity_for_span(
    span: Span, registry: DocumentEntities, focus: list[str]
) -> tuple[LocalEntity | None, str]:
    """The entity a recognised span names, and the rule that decided it."""
    lex = load_lexicons()
    gazetteer = load_gazetteer()
    surface = strip_possessive(span.text)
    if span.label_ in GAZETTEER_TYPES and span.ent_id_:
        if span.ent_id_.startswith("ambiguous:"):
            if surface in registry.acronyms:
                return registry.acronyms[surface], "acronym-defined"
            candidates = [gazetteer.get(c) for c in gazetteer.candidates_for_ambiguous(surface)]
            types = {c.type for c in candidates if c is not None}
            type_ = types.pop() if len(types) == 1 else "armed_group"
            if type_ == "person":
                return registry.person_for(strip_titles(surface, lex.titles)), "gazetteer-ambiguous"
            return (
                registry.get_or_add(
                    f"ambiguous:{normalise_name(surface)}@{registry.doc_id}", type_, surface
                ),
                "gazetteer-ambiguous",
            )
        if span.label_ == "PERSON":
            entity = registry.gazetteer_entity(span.ent_id_)
            return entity, "gazetteer"
        if surface in registry.acronyms and surface.isupper():
            return registry.acronyms[surface], "acronym-defined"
        return registry.gazetteer_entity(span.ent_id_), "gazetteer"
    if surface in registry.acronyms:
        return registry.acronyms[surface], "acronym-defined"
    place = _place_after_preposition(span, surface, registry, focus)
    if place is not None:
        return place, "locative-place"
    if span.label_ == "PERSON":
        name = strip_titles(surface, lex.titles)
        if not name or not name[0].isupper():
            return None, ""
        return registry.person_for(name), "ner-person"
    if span.label_ in {"ORG", "NORP"}:
        entries = gazetteer.lookup(surface)
        if entries:
            return registry.gazetteer_entity(entries[0].id), "gazetteer-lookup"
        # The NER often calls a person's surname or a province an organisation.
        person = registry.known_person(surface) if len(surface.split()) == 1 else None
        if person is not None:
            return person, "short-name"
        if len(surface.split()) == 1 and span.label_ == "ORG":
            match = get_geocoder().resolve(surface, focus)
            if match is not None and match.precision in {"admin1", "country"}:
                return _place_entity(registry, match), "geocoded-org"
        if span.label_ == "NORP":
            return None, ""
        kind = _classify_organisation(surface)
        return (
            registry.get_or_add(f"{kind}:{normalise_name(surface)}", kind, surface),
            "ner-org",
        )
    if span.label_ in PLACE_LABELS:
        match = get_geocoder().resolve(surface, focus)
        if match is None:
            return None, ""
        return _place_entity(registry, match), "geocoded"
    return None, ""


_LOCATIVE = {"in", "at", "near", "around", "outside", "into", "across", "toward", "towards"}


def _place_after_preposition(
    span: Span, surface: str, registry: DocumentEntities, focus: list[str]
) -> LocalEntity | None:
    """'in Tank and Dera Ismail Khan', 'near Makeen': a name the NER called a person or an
    organisation is a place when a locative preposition governs it and the gazetteer has it in
    the document's countries. Names of people already met in the document are left alone."""
    if span.label_ not in {"PERSON", "ORG"} or span.start == 0:
        return None
    if not _governed_by_locative(span):
        return None
    if registry.known_person(surface) is not None:
        return None
    match = get_geocoder().resolve(surface, focus)
    if match is None or (focus and match.country not in focus[:2]):
        return None
    return _place_entity(registry, match)


def _governed_by_locative(span: Span) -> bool:
    """A locative preposition right before the name, or before a list of names it is in."""
    for token in reversed(span.doc[max(0, span.start - 8) : span.start]):
        if token.lower_ in _LOCATIVE:
            return True
        if not (token.pos_ == "PROPN" or token.lower_ in {"and", "or", ","}):
            return False
    return False


def _place_entity(registry: DocumentEntities, match: PlaceMatch) -> LocalEntity:
    type_ = {"country": "country", "region": "region"}.get(match.precision, "location")
    if match.gazetteer_id:
        key = f"geo:{match.gazetteer_id}"
        entity_id = f"geo-{match.gazetteer_id}"
    else:
        key = f"place:{normalise_name(match.name)}"
        entity_id = None
    return registry.get_or_add(key, type_, match.name, entity_id=entity_id, place=match)


def _acronym_defined_after(text: str, span: Span) -> str | None:
    match = _ACRONYM_AFTER.match(text, span.end_char)
    if not match:
        return None
    acronym = match.group(1)
    initials = {w[0].upper() for w in span.text.split() if w}
    return acronym if acronym[0].upper() in initials else None


def resolve_mentions(doc: Doc, doc_id: str) -> tuple[list[MentionSpan], DocumentEntities]:
    """Every entity mention of the document, each linked to a document-level entity."""
    registry = DocumentEntities(doc_id)
    # Doc.text is rebuilt from the tokens on every access: read it once.
    text = doc.text
    place_surfaces = [e.text for e in doc.ents if e.label_ in PLACE_LABELS | {"NORP"}]
    focus = document_focus(place_surfaces)
    mentions: list[MentionSpan] = []
    for span in doc.ents:
        entity, rule = _entity_for_span(span, registry, focus)
        if entity is None:
            continue
        surface = strip_possessive(span.text)
        entity.aliases.add(surface)
        acronym = _acronym_defined_after(text, span)
        if acronym and entity.is_actor:
            registry.acronyms[acronym] = entity
            entity.aliases.add(acronym)
        mentions.append(
            MentionSpan(
                start=span.start_char,
                end=span.start_char + len(surface),
                token_start=span.start,
                token_end=span.end,
                text=surface,
                entity=entity,
                label=span.label_,
                rule=rule,
            )
        )
    mentions.extend(_missed_short_names(doc, mentions, registry))
    mentions.sort(key=lambda m: m.start)
    _apply_alias_statements(text, mentions)
    mentions = _described_groups(doc, text, mentions, registry)
    used = {m.entity.key for m in mentions} | {d[2].key for d in registry.derivations}
    registry.by_key = {k: e for k, e in registry.by_key.items() if k in used}
    return mentions, registry


# "IMU fighters, or as one speaker called them "Jundullah"", "X, also known as Y".
_ALIAS_BETWEEN = re.compile(
    r"(?:\s+(?:fighters|militants|people|members))?,?\s+(?:or\s+(?:as\s+\w+\s+(?:called|calls)"
    r"\s+(?:them|it)\s+)?|also\s+known\s+as\s+|known\s+(?:locally\s+)?as\s+|a\.k\.a\.?\s+|"
    r"which\s+calls\s+itself\s+|also\s+called\s+)[\"“']?",
    re.IGNORECASE,
)


def _apply_alias_statements(text: str, mentions: list[MentionSpan]) -> None:
    """A name the text gives as another name of a group joins that group's entity.

    Only a name that is not itself a known, different actor is joined: "or Jundullah" after the
    IMU makes "Jundullah" an alias of the IMU in this document.
    """
    for first, second in itertools.pairwise(mentions):
        if first.entity.type not in {"armed_group", "state_force"}:
            continue
        if second.entity.gazetteer_id and second.entity.gazetteer_id != first.entity.gazetteer_id:
            continue
        if _ALIAS_BETWEEN.fullmatch(text[first.end : second.start]):
            first.entity.aliases.add(second.text)
            second.entity = first.entity
            second.rule = "alias-statement"


# "a Taliban splinter group", "the IMU breakaway faction", "a dissident Taliban force".
_DESCRIPTOR_AFTER = re.compile(
    r"\s+(?P<kind>splinter|breakaway|dissident|rival)\s+(?P<noun>group|faction|wing|force|movement)\b"
)
_DESCRIPTOR_BEFORE = re.compile(r"\b(?P<kind>splinter|breakaway|dissident|rival)\s+$")
_NOUN_AFTER = re.compile(r"\s+(?P<noun>group|faction|wing|force|forces|fighters|movement)\b")
_DESCRIBED_PREDICATE = {"rival": "rival_of"}


def _described_groups(
    doc: Doc, text: str, mentions: list[MentionSpan], registry: DocumentEntities
) -> list[MentionSpan]:
    """Groups described but unnamed become entities of their own, linked to their parent.

    The parent's mention is replaced by one of the described group over the whole phrase, so
    "the second-in-command of the Taliban splinter group" is about the splinter group.
    """
    result = []
    for mention in mentions:
        parent = mention.entity
        if parent.type not in {"armed_group", "state_force"}:
            result.append(mention)
            continue
        after = _DESCRIPTOR_AFTER.match(text, mention.end)
        before = _DESCRIPTOR_BEFORE.search(text, max(0, mention.start - 20), mention.start)
        noun = _NOUN_AFTER.match(text, mention.end) if before else None
        if after:
            start, end = mention.start, after.end()
            kind = after.group("kind")
        elif before and noun:
            start, end = before.start(), noun.end()
            kind = before.group("kind")
        else:
            result.append(mention)
            continue
        phrase = text[start:end]
        described = registry.get_or_add(
            f"described:{parent.key}:{normalise_name(phrase)}@{registry.doc_id}",
            "armed_group",
            phrase,
        )
        described.aliases.add(phrase)
        registry.derivations.append(
            (described, _DESCRIBED_PREDICATE.get(kind, "splinter_of"), parent, mention.token_start)
        )
        span = doc.char_span(start, end, alignment_mode="expand")
        result.append(
            MentionSpan(
                start=start,
                end=end,
                token_start=span.start if span is not None else mention.token_start,
                token_end=span.end if span is not None else mention.token_end,
                text=phrase,
                entity=described,
                label="ARMED_GROUP",
                rule="described-group",
            )
        )
    return result


def sentence_evidence(document_id: str, sent: Span) -> Evidence:
    """A sentence as evidence: its stripped text and where it stands in the document."""
    text = sent.text.strip()  # Span.text is rebuilt from the tokens on every access
    return Evidence(document_id, text, sent.start_char, sent.start_char + len(text))


def derived_claims(doc: Doc, registry: DocumentEntities) -> list[ClaimRecord]:
    """What a description states by itself: a splinter group is a splinter of its parent."""
    claims = []
    for described, predicate, parent, token in registry.derivations:
        claims.append(
            ClaimRecord(
                subject=described.id,
                predicate=predicate,
                object=parent.id,
                evidence=[sentence_evidence(registry.doc_id, doc[token].sent)],
                rule="described-group",
            )
        )
    return claims


def _missed_short_names(
    doc: Doc, mentions: list[MentionSpan], registry: DocumentEntities
) -> list[MentionSpan]:
    """Surnames of people already named that the NER did not tag ("reports Ghazi fled")."""
    surnames: dict[str, LocalEntity] = {}
    for person in registry.people:
        words = person.name.split()
        if len(words) > 1:
            surnames.setdefault(words[-1], person)
    covered = {i for m in mentions for i in range(m.token_start, m.token_end)}
    found = []
    for token in doc:
        person = surnames.get(token.text)
        if person is None or token.i in covered or token.pos_ != "PROPN":
            continue
        found.append(
            MentionSpan(
                start=token.idx,
                end=token.idx + len(token.text),
                token_start=token.i,
                token_end=token.i + 1,
                text=token.text,
                entity=person,
                label="PERSON",
                rule="short-name-scan",
            )
        )
    return found


def entity_records(registry: DocumentEntities) -> list[EntityRecord]:
    """The document's entities as records, each carrying the actors it was seen with."""
    actor_context = sorted(e.gazetteer_id for e in registry.by_key.values() if e.gazetteer_id)
    records = []
    for entity in registry.by_key.values():
        place = entity.place
        records.append(
            EntityRecord(
                id=entity.id,
                type=entity.type,
                name=entity.name,
                aliases=sorted(entity.aliases - {entity.name}),
                country=place.country if place else entity.country,
                admin1=place.admin1 if place else None,
                lat=place.lat if place else None,
                lon=place.lon if place else None,
                geo_precision=place.precision if place else None,
                gazetteer_id=entity.gazetteer_id or (place.gazetteer_id if place else None),
                match_key=entity.key,
                context=actor_context,
                alternatives=list(place.alternatives) if place else [],
            )
        )
    return records


def mention_records(mentions: list[MentionSpan]) -> list[Mention]:
    return [
        Mention(
            entity=m.entity.id,
            text=m.text,
            start=m.start,
            end=m.end,
            label=m.label,
            rule=m.rule,
        )
        for m in mentions
    ]
