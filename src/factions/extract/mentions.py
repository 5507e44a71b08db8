"""Mentions of actors and places in one document, resolved to document-level entities.

Inside a document: gazetteer names win, acronyms defined in the text ("the Islamic Movement of
Uzbekistan (IMU)") point to their long form, short names and spelling slips of people
("Daud", "Barayalai") point to the full name seen earlier, titles and possessives are stripped.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz
from spacy.tokens import Doc, Span, Token

from factions.extract.gazetteer import Gazetteer, load_gazetteer
from factions.extract.geocode import (
    PlaceMatch,
    PlaceSpan,
    document_focus,
    get_geocoder,
    name_key,
    place_cues,
)
from factions.extract.lexicons import Lexicons, load_lexicons
from factions.extract.nlp import (
    doc_text,
    ents_of,
    is_heading,
    sents_of,
    span_text,
    tokens_of,
    words_of,
)
from factions.model import ClaimRecord, EntityRecord, Evidence, Mention, stable_id
from factions.vocabulary import vocabulary

ACTOR_TYPES = set(vocabulary().actor_types)
GROUP_TYPES = frozenset({"armed_group", "state_force"})
PLACE_LABELS = {"GPE", "LOC", "FAC"}
GAZETTEER_TYPES = {
    "ARMED_GROUP": "armed_group",
    "STATE_FORCE": "state_force",
    "ORGANIZATION": "organization",
    "PERSON": "person",
}
_ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z0-9-]{1,11})\)")
# A short form of several words in brackets after a name: "Jabhat Fatah al-Sham (Fatah al-Sham)".
_SHORT_NAME_AFTER = re.compile(r"\s*\(([A-Z][\w'’-]*(?: [\w'’-]+){1,4})\)")
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
    # The key shared with the same name in other documents, when the id is this document's.
    match_key: str | None = None
    # For people: the side the document puts them on and the actors it ties them to.
    sides: set[str] = field(default_factory=set)
    ties: set[str] = field(default_factory=set)

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
        # Short forms the text gives in brackets ("Jabhat Fatah al-Sham (Fatah al-Sham)"): in
        # this document they name that group, whatever else the gazetteer calls so.
        self.short_names: dict[str, LocalEntity] = {}
        self.people: list[LocalEntity] = []
        # (described group, predicate, parent, token index) for groups described, not named.
        self.derivations: list[tuple[LocalEntity, str, LocalEntity, int]] = []
        # Mentions inside a description of another group ("the TTP" in "a breakaway faction
        # of the TTP"): recorded as mentions, but what the sentence says is not about them.
        self.absorbed: list[MentionSpan] = []
        # The countries the document is about, for telling apart groups of one name or
        # acronym: its main places' and those of the gazetteer groups it names.
        self.countries: list[str] = []
        # The places of the document's place names, resolved together: (start, end) -> place.
        self.places: dict[tuple[int, int], PlaceMatch | None] = {}
        # Spans that a place cue makes a place ("in X district", "near X", "the village of X").
        self.cued: set[tuple[int, int]] = set()
        # The place names of datelines ("KABUL (Reuters) -"): places whatever the NER said.
        self.datelines: set[tuple[int, int]] = set()
        # People or organisations by the NER whose name is a place wherever it stands: a
        # country, a province or a region ("Tamil Nadu said"), or a name the NER itself calls
        # a place elsewhere in the story.
        self.named_places: set[tuple[int, int]] = set()

    def place_of(self, span: Span) -> PlaceMatch | None:
        """The place the document-level resolution gave a span, if it was resolved."""
        return self.places.get((span.start_char, span.end_char))

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
        name = entry.name
        if entry.type == "person":
            # "Mullah Mohammad Omar" is Mohammad Omar; the title stays an alias.
            name = strip_titles(name, load_lexicons().titles)
        entity = self.get_or_add(
            f"gaz:{gazetteer_id}",
            entry.type,
            name,
            entity_id=f"a:{gazetteer_id}",
            gazetteer_id=gazetteer_id,
        )
        if name != entry.name:
            entity.aliases.add(entry.name)
        return entity

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
        # A person the gazetteer does not know is this document's: whether the same name in
        # another document is the same person is for resolution to decide, from what each
        # document says about them (two men called Mohammad Omar, a governor and a movement's
        # leader, must not become one). A lone name is never linked across documents.
        key = f"person:{normalise_name(name)}"
        person = self.get_or_add(f"{key}@{self.doc_id}", "person", name)
        person.match_key = key
        return person


def _classify_organisation(text: str) -> str | None:
    lex = load_lexicons()
    words = set(text.replace("'s", "").split())
    if words & lex.insurgent_words or (
        words & lex.armed_group_words and not words & lex.state_words
    ):
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
    if surface in registry.short_names:
        return registry.short_names[surface], "short-name-defined"
    if span.label_ in GAZETTEER_TYPES and span.ent_id_:
        if span.ent_id_.startswith("ambiguous:"):
            if surface in registry.acronyms:
                return registry.acronyms[surface], "acronym-defined"
            candidates = [gazetteer.get(c) for c in gazetteer.candidates_for_ambiguous(surface)]
            # "ASWJ" in a report about Somalia is the Somali ASWJ: the one candidate acting in
            # the countries the document is about.
            where = set(registry.countries)
            local = [c for c in candidates if c is not None and set(c.countries) & where]
            if len(local) == 1:
                return registry.gazetteer_entity(local[0].id), "gazetteer-ambiguous-by-place"
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
        other = _acronym_elsewhere(surface, span.ent_id_, registry.countries)
        if other is not None:
            return registry.gazetteer_entity(other), "acronym-by-place"
        return registry.gazetteer_entity(span.ent_id_), "gazetteer"
    if surface in registry.acronyms:
        return registry.acronyms[surface], "acronym-defined"
    if (span.start_char, span.end_char) in registry.datelines:
        match = registry.place_of(span)
        if match is not None:
            return _place_entity(registry, match), "dateline-place"
    place = _place_after_preposition(span, surface, registry, focus)
    if place is not None:
        return place, "locative-place"
    if span.label_ in {"PERSON", "ORG"} and _is_outlet(span, surface, registry, lex):
        # "Khaama Press reported", "told Radio Azadi": an outlet, never a person or a group.
        key = f"organization:{normalise_name(surface)}"
        return registry.get_or_add(key, "organization", surface), "outlet"
    if span.label_ in {"PERSON", "ORG"} and not _title_before(span, lex.titles):
        # A group's name spelt another way ("Asai'ib Ahl al-Haqq"), which the NER may even
        # call a person.
        entry = gazetteer.closest_actor(surface)
        if entry is not None:
            return registry.gazetteer_entity(entry.id), "gazetteer-spelling"
    if span.label_ == "PERSON":
        name = strip_titles(surface, lex.titles)
        if _ACRONYM.match(name):
            # Nobody's name is in capitals: an acronym the NER took for a person ("AI claimed").
            named = [e for e in registry.by_key.values() if e.type in GROUP_TYPES]
            entity = _acronym_of(span, named, registry)
            return (entity, "acronym-initials") if entity is not None else (None, "")
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
            match = registry.place_of(span)
            if match is not None and match.precision in {"admin1", "country"}:
                return _place_entity(registry, match), "geocoded-org"
        if span.label_ == "NORP":
            return None, ""
        if _ACRONYM.match(surface):
            named = [e for e in registry.by_key.values() if e.type in GROUP_TYPES]
            entity = _acronym_of(span, named, registry)
            if entity is not None:
                return entity, "acronym-initials"
        kind = _classify_organisation(surface)
        return (
            registry.get_or_add(f"{kind}:{normalise_name(surface)}", kind, surface),
            "ner-org",
        )
    if span.label_ in PLACE_LABELS:
        match = registry.place_of(span)
        if match is None:
            return None, ""
        rule = "unlisted-place" if match.feature == "unlisted place" else "geocoded"
        return _place_entity(registry, match), rule
    return None, ""


def _is_outlet(span: Span, surface: str, registry: DocumentEntities, lex: Lexicons) -> bool:
    """A news outlet: a media word in its name, or the subject of "reported" that nothing
    says is a person (no title, no one of that name in the document)."""
    if set(surface.replace("'s", " ").split()) & lex.media_words:
        return True
    root = span.root
    return (
        root.dep_ == "nsubj"
        and root.head.lemma_ in lex.outlet_verbs
        and len(span) == 1
        and not _title_before(span, lex.titles)
        and registry.known_person(surface) is None
    )


def _title_before(span: Span, titles: frozenset[str]) -> bool:
    return span.start > 0 and span.doc[span.start - 1].text in titles


def _actor_countries(doc: Doc, focus: list[str]) -> list[str]:
    """The document's two main countries by its places, then the home country of each
    gazetteer actor it names by a full name (al-Shabaab's Somalia; acronyms are what this
    helps to tell apart, so they say nothing here)."""
    countries = list(focus[:2])
    gazetteer = load_gazetteer()
    for span in ents_of(doc):
        if span.label_ in GAZETTEER_TYPES and span.ent_id_ and ":" not in span.ent_id_:
            if _ACRONYM.match(span.text):
                continue
            entry = gazetteer.get(span.ent_id_)
            if entry is not None and entry.countries and entry.countries[0] not in countries:
                countries.append(entry.countries[0])
    return countries


def _place_after_preposition(
    span: Span, surface: str, registry: DocumentEntities, focus: list[str]
) -> LocalEntity | None:
    """'in Tank and Dera Ismail Khan', 'near Makeen', 'Kasba village': a name the NER called a
    person or an organisation is a place when a place cue governs it and either the cue is a
    feature word (then a name the gazetteer lacks is kept at its container) or the gazetteer
    has it in the document's countries. Names of people already met are left alone."""
    if span.label_ not in {"PERSON", "ORG", "NORP"}:
        return None
    key = (span.start_char, span.end_char)
    if key not in registry.cued or registry.known_person(surface) is not None:
        return None
    match = registry.place_of(span)
    if match is None:
        return None
    # A locative preposition alone is a weak cue: a known place abroad is more likely a
    # person's or a company's name that happens to be a place name too.
    if (
        match.feature != "unlisted place"
        and match.precision != "country"
        and key not in registry.named_places
        and focus
        and match.country not in focus[:2]
        and not _feature_cue(span)
    ):
        return None
    if key in registry.named_places and match.feature == "unlisted place":
        return None
    return _place_entity(registry, match)


def _governed_by_locative(span: Span) -> bool:
    """A locative preposition right before the name, or before a list of names it is in."""
    cues = place_cues()
    for token in reversed(span.doc[max(0, span.start - 8) : span.start]):
        if token.lower_ in cues.locative:
            return True
        if not (token.pos_ == "PROPN" or token.lower_ in {"and", "or", ","}):
            return False
    return False


def _feature_cue(span: Span) -> bool:
    """A feature word right after the name ("Kasba village", "Nahri Sarraj district"), "the
    village of" before it, or a name that ends in a street or building word ("Royal Street")."""
    cues = place_cues()
    doc = span.doc
    if span.end < len(doc) and doc[span.end].lower_ in cues.after:
        return True
    if len(span) > 1 and (
        span[-1].lower_ in cues.facility or span[0].lower_ in cues.facility_first
    ):
        return True
    return (
        span.start >= 2
        and doc[span.start - 1].lower_ == "of"
        and doc[span.start - 2].lower_ in cues.before_of
    )


def _container_cue(span: Span, place_spans: set[int]) -> bool:
    """ "X, Y province", "X, Badghis": a comma and then a place name, or a name that the
    gazetteer knows as a province, district or country, right after the name."""
    doc = span.doc
    if span.end + 1 >= len(doc) or doc[span.end].text != ",":
        return False
    if (span.end + 1) in place_spans:
        return True
    following = next((e for e in ents_of(doc) if e.start == span.end + 1), None)
    if following is None:
        return False
    return any(
        c.precision in ("admin1", "district", "country")
        for c in get_geocoder().candidates(name_key(following.text))
    )


def _unlabelled_place_spans(doc: Doc) -> list[PlaceSpan]:
    """Capitalised names the NER left untagged under a place cue: after a locative or motion
    preposition ("fighting in Douma"), before a feature word ("Shahjoy district") or before a
    comma and a province ("Didroz, Warduj district"). Candidates for the gazetteer; under a
    feature word or before a container, kept at that container when the gazetteer lacks them."""
    cues = place_cues()
    lex = load_lexicons()
    geocoder = get_geocoder()
    skipped = lex.ethnic_groups | lex.not_entities
    tagged = {i for e in ents_of(doc) for i in range(e.start, e.end)}
    starts = {e.start for e in ents_of(doc) if e.label_ in PLACE_LABELS}
    found: list[PlaceSpan] = []
    pos = words_of(doc).pos
    i = 1
    while i < len(doc):
        # The part of speech first, from the Doc's words: no Token made for most words.
        if not (pos[i] == "PROPN" and i not in tagged and doc[i].is_title):
            i += 1
            continue
        end = i + 1
        while end < len(doc) and pos[end] == "PROPN" and doc[end].is_title:
            if end in tagged:
                break
            end += 1
        span = doc[i:end]
        if span_text(span) in skipped or is_heading(span.sent):
            # Peoples ("Uzbek villages") are no places; headlines make every word a capital.
            i = end
            continue
        governed = doc[i - 1].lower_ in cues.locative or doc[i - 1].lower_ in cues.motion
        feature = _feature_cue(span) or (governed and _container_cue(span, starts))
        if (governed or feature) and not geocoder.demonym_country(span.text):
            found.append(PlaceSpan(span.start_char, span.end_char, span.text, unlisted=feature))
        i = end
    return found


def _unlabelled_places(
    doc: Doc, spans: list[PlaceSpan], registry: DocumentEntities, focus: list[str]
) -> list[MentionSpan]:
    """Mentions of the untagged names the gazetteer places in the document's countries."""
    found = []
    for place_span in spans:
        match = registry.places.get((place_span.start, place_span.end))
        if match is None or registry.known_person(place_span.surface) is not None:
            continue
        if match.feature != "unlisted place" and focus and match.country not in focus[:2]:
            continue
        mention = _place_mention(doc, registry, place_span, match, "untagged-place", "strict")
        if mention is not None:
            found.append(mention)
    return found


# A dateline: a place name in capitals at the start of a line (or right after a byline's
# full stop), maybe with its state or country, then the agency in brackets, a dash, a colon or
# the date: "KABUL (Reuters) -", "COLUMBUS, Ohio (AP) —", "NEW DELHI:", "KUNDUZ, April 5 -".
_DATELINE = re.compile(
    r"(?:^|(?<=\n)|(?<=\.\s))[ \t]*"
    r"(?P<place>[A-Z][A-Z'’.-]*[A-Z.](?:[ -][A-Z][A-Z'’.-]*[A-Z.])*)"
    r"(?:,[ \t]*(?P<region>[A-Z][\w.'’]*(?:-[\w.'’]+)*(?: [A-Z][\w.'’]*){0,2}))?"
    r"(?=[ \t]*(?:\(|[—–]|-{1,2}|:|,[ \t]*(?:[A-Za-z]{3,9}\.?[ \t]+)?\d))"
)
# Datelines stand at the head of a story or a paragraph, or after a byline ("By X. KABUL -").
_DATELINE_REACH = 200


def _dateline_place_spans(text: str) -> list[PlaceSpan]:
    """The place of each dateline ("WASHINGTON (AP) —") and the state or country written after
    it ("COLUMBUS, Ohio (AP)"), when the gazetteer knows the name."""
    geocoder = get_geocoder()
    found: list[PlaceSpan] = []
    for match in _DATELINE.finditer(text):
        if match.start() - (text.rfind("\n", 0, match.start()) + 1) > _DATELINE_REACH:
            continue
        place = match.group("place")
        letters = sum(ch.isalpha() for ch in place)
        if letters < 4 or not geocoder.candidates(name_key(place)):
            continue
        found.append(PlaceSpan(match.start("place"), match.end("place"), place))
        region = match.group("region")
        if region and geocoder.candidates(name_key(region)):
            found.append(PlaceSpan(match.start("region"), match.end("region"), region))
    return found


def _dateline_places(
    doc: Doc, spans: list[PlaceSpan], registry: DocumentEntities, mentions: list[MentionSpan]
) -> list[MentionSpan]:
    """Mentions of the dateline places no other mention covers (the NER rarely tags a name
    in capitals)."""
    found = []
    taken = [(m.start, m.end) for m in mentions]
    for place_span in spans:
        match = registry.places.get((place_span.start, place_span.end))
        if match is None or match.feature == "unlisted place":
            continue
        if any(a < place_span.end and place_span.start < b for a, b in taken):
            continue
        mention = _place_mention(doc, registry, place_span, match, "dateline-place")
        if mention is not None:
            taken.append((place_span.start, place_span.end))
            found.append(mention)
    return found


def _embedded_place_spans(doc: Doc) -> list[PlaceSpan]:
    """Place names inside an organisation's name: its first words when an institution's word
    follows ("Mansfield Police Department", "Dubai Police", "Toronto Transit Commission"), or
    the words after its last "of" or closing it ("University of Michigan", "Air Zimbabwe"),
    when the gazetteer has them. `_embedded_places` decides which stand (after "of" or at the
    end, only a country, province or region)."""
    geocoder = get_geocoder()
    cues = place_cues()
    lex = load_lexicons()
    institution = cues.institution | lex.organization_words | lex.media_words
    found: list[PlaceSpan] = []
    for ent in ents_of(doc):
        if ent.label_ != "ORG" or len(ent) < 2:
            continue
        ofs = [t.i for t in ent if t.lower_ == "of"]
        if ofs and ofs[-1] + 1 < ent.end:
            start = ofs[-1] + 1 + (doc[ofs[-1] + 1].lower_ == "the")
            if start < ent.end:
                found.extend(_embedded(doc[start : ent.end], "tail"))
        elif not ofs:
            # A country or province closing the name: "Air Zimbabwe", "HSBC Malta".
            for length in (2, 1):
                if length < len(ent):
                    tail = _embedded(doc[ent.end - length : ent.end], "tail")
                    if tail:
                        found.extend(tail)
                        break
        # The head stops before the first "of" and leaves at least one word of the name.
        limit = min(ofs[0] if ofs else ent.end, ent.end - 1) - ent.start
        for length in range(min(3, limit), 0, -1):
            head = doc[ent.start : ent.start + length]
            if head[0].lower_ in cues.org_openers:
                break
            rest = {t.text for t in doc[head.end : ent.end]}
            if rest & institution and geocoder.candidates(name_key(head.text)):
                found.extend(_embedded(head, "head"))
                break
    return found


def _within(span: PlaceSpan, spans: list[tuple[int, int]]) -> bool:
    return any(a <= span.start and span.end <= b for a, b in spans)


def _embedded(part: Span, where: str) -> list[PlaceSpan]:
    """A part of a name as a place span, if it reads as a place name: capitalised words of
    letters (an abbreviation may end in a full stop), no demonym, known to the gazetteer."""
    if not all(t.text[:1].isupper() and t.text.rstrip(".").isalpha() for t in part):
        return []
    surface = part.text
    if len(surface) < 3 or get_geocoder().demonym_country(surface):
        return []
    if not get_geocoder().candidates(name_key(surface)):
        return []
    return [PlaceSpan(part.start_char, part.end_char, surface, unlisted=where == "tail")]


def _embedded_places(
    doc: Doc, spans: list[PlaceSpan], registry: DocumentEntities, focus: list[str]
) -> list[MentionSpan]:
    """Mentions of the places named inside organisations' names: a country, province or
    region, or a town of the story's countries or a large one. Recorded, but what a sentence
    says is about the organisation, never about its place."""
    found = []
    for place_span in spans:
        match = registry.places.get((place_span.start, place_span.end))
        if match is None or match.feature == "unlisted place":
            continue
        major = match.precision in ("country", "admin1", "region")
        if (
            not major
            and (
                place_span.unlisted  # after "of": "Chamber of Commerce" is no town's chamber
                or (match.country not in focus[:2] and match.importance < _LARGE_TOWN)
            )
        ):
            continue
        mention = _place_mention(doc, registry, place_span, match, "embedded-place")
        if mention is not None:
            found.append(mention)
    return found


# A town this populous, named inside an organisation's name, is that town wherever the story is.
_LARGE_TOWN = 100_000


def _title_like(sent: Span) -> bool:
    """A line that does not end as a sentence does: a headline, however long."""
    return is_heading(sent) or not span_text(sent).strip().rstrip("'\"’”").endswith((".", "!", "?"))


def _repeated_places(doc: Doc, text: str, mentions: list[MentionSpan]) -> list[MentionSpan]:
    """One sense per story: a name that is a place once is a place wherever else it stands
    untagged in the same document (the NER tags "Riverdale" once and misses it twice)."""
    places: dict[str, LocalEntity] = {}
    for mention in mentions:
        entity = mention.entity
        if entity.type in {"location", "region", "country"} and entity.place is not None:
            surface = mention.text
            if len(surface) >= 3 and surface[0].isupper():
                places.setdefault(surface, entity)
    if not places:
        return []
    covered = [(m.start, m.end) for m in mentions]
    # Headlines stay as the NER left them: a place there would make a headline an event.
    covered += [(s.start_char, s.end_char) for s in sents_of(doc) if _title_like(s)]
    found: list[MentionSpan] = []
    pattern = _whole_names(places)
    for match in pattern.finditer(text):
        start, end = match.span()
        if any(a < end and start < b for a, b in covered):
            continue
        mention = _mention_at(doc, match, places[match.group(0)], "GPE", "repeated-place")
        if mention is None:
            continue
        covered.append((start, end))
        found.append(mention)
    return found


def _whole_names(names: Iterable[str]) -> re.Pattern[str]:
    """Any of the names, as a whole word (not inside "al-X" or "Xs")."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, names)) + r")(?![\w-])")


def _mention_at(
    doc: Doc, match: re.Match[str], entity: LocalEntity, label: str, rule: str
) -> MentionSpan | None:
    """The mention of an entity where a text search found its name (None when the match cuts
    a token)."""
    start, end = match.span()
    span = doc.char_span(start, end)
    if span is None:
        return None
    return MentionSpan(
        start=start,
        end=end,
        token_start=span.start,
        token_end=span.end,
        text=match.group(0),
        entity=entity,
        label=label,
        rule=rule,
    )


def _names_a_country(surface: str) -> bool:
    return any(c.precision == "country" for c in get_geocoder().candidates(name_key(surface)))


# A province this populous is the place, not a person, even in a story with no other place.
_LARGE_PROVINCE = 1_000_000
_LARGE_CAPITAL = 100_000


def _names_a_unit(surface: str, focus: list[str]) -> bool:
    """Whether a name is that of a region or continent, of a province of one of the story's
    countries ("Tamil Nadu" in a story about India), or of a country's capital: no person is
    called so. A union
    of states ("EU") is an organisation as much as a region: the NER's word stands."""
    if name_key(surface) in place_cues().unions:
        return False
    return any(
        c.curated
        or c.precision == "region"
        or (
            c.precision == "admin1"
            and (c.country in focus[:2] or (not focus and c.importance >= _LARGE_PROVINCE))
        )
        # "on the edge of Abuja": a country's capital of some size is no one's name.
        or (c.capital and c.importance >= _LARGE_CAPITAL)
        for c in get_geocoder().candidates(name_key(surface))
    )


def _ner_place_names(doc: Doc) -> set[str]:
    """The names the NER tags as places at least as often as anything else in the story (one
    sense per story: "Douma" a place twice and a person once is a place)."""
    places: Counter[str] = Counter()
    others: Counter[str] = Counter()
    for e in ents_of(doc):
        surface = strip_possessive(e.text)
        if not surface[:1].isupper() or e.ent_id_:
            continue
        (places if e.label_ in PLACE_LABELS else others)[surface] += 1
    return {name for name, n in places.items() if n >= others[name]}


def _place_spans(
    doc: Doc, registry: DocumentEntities, focus: list[str] | None = None
) -> list[PlaceSpan]:
    """The spans the document-level place resolution looks at: the NER's places (a capitalised
    one is kept even when the gazetteer lacks it), single-word organisations (the NER often
    calls a province an organisation), and people or organisations governed by a place cue."""
    spans: list[PlaceSpan] = []
    geocoder = get_geocoder()
    starts = {e.start for e in ents_of(doc) if e.label_ in PLACE_LABELS}
    place_names = _ner_place_names(doc)
    for span in ents_of(doc):
        surface = strip_possessive(span.text)
        if not surface:
            continue
        start, end = span.start_char, span.start_char + len(span.text)
        capitalised = surface[0].isupper()
        if span.label_ in PLACE_LABELS:
            # A name the gazetteer lacks is kept only under a place cue: the NER alone also
            # calls feasts, products and people places.
            cued = capitalised and (
                span.label_ == "LOC"
                or _feature_cue(span)
                or _container_cue(span, starts)
                or (span.start > 0 and _governed_by_locative(span))
            )
            spans.append(PlaceSpan(start, end, surface, unlisted=cued, variants=cued))
            continue
        if span.label_ not in {"PERSON", "ORG", "NORP"} or span.ent_id_:
            continue
        feature = _feature_cue(span) or _container_cue(span, starts)
        if span.label_ == "NORP" and (not feature or geocoder.demonym_country(surface)):
            # "Kasba village" is a place; "Afghan village" is a village of Afghans.
            continue
        if capitalised and span.start > 0 and (feature or _governed_by_locative(span)):
            registry.cued.add((start, end))
            spans.append(PlaceSpan(start, end, surface, unlisted=feature, variants=True))
        elif capitalised and _names_a_country(surface):
            # "Russia said", "Britain's decision": the NER's person or organisation that is
            # a country's name is the country.
            registry.cued.add((start, end))
            spans.append(PlaceSpan(start, end, surface))
        elif capitalised and (surface in place_names or _names_a_unit(surface, focus or [])):
            # "Tamil Nadu said", "Europe added": a province of the story's countries or a
            # region; "Douma's fall" where the story calls Douma a place elsewhere.
            registry.cued.add((start, end))
            registry.named_places.add((start, end))
            spans.append(PlaceSpan(start, end, surface))
        elif span.label_ == "ORG" and len(surface.split()) == 1:
            spans.append(PlaceSpan(start, end, surface))
    return spans


def _place_mention(
    doc: Doc,
    registry: DocumentEntities,
    place_span: PlaceSpan,
    match: PlaceMatch,
    rule: str,
    alignment_mode: str = "expand",
) -> MentionSpan | None:
    """The mention of a resolved place name (None when its characters cut a token)."""
    span = doc.char_span(place_span.start, place_span.end, alignment_mode=alignment_mode)
    if span is None:
        return None
    entity = _place_entity(registry, match)
    entity.aliases.add(place_span.surface)
    return MentionSpan(
        start=place_span.start,
        end=place_span.end,
        token_start=span.start,
        token_end=span.end,
        text=place_span.surface,
        entity=entity,
        label="GPE",
        rule=rule,
    )


def _place_entity(registry: DocumentEntities, match: PlaceMatch) -> LocalEntity:
    type_ = {"country": "country", "region": "region"}.get(match.precision, "location")
    if match.gazetteer_id:
        key = f"geo:{match.gazetteer_id}"
        entity_id = f"geo-{match.gazetteer_id}"
    else:
        key = f"place:{normalise_name(match.name)}"
        if match.feature == "unlisted place":
            # "Police District 1" of Kabul and of Kandahar are two places: a name the gazetteer
            # lacks is one place only within its container.
            key += f"@{match.country or '-'}:{normalise_name(match.admin1 or '')}"
        entity_id = None
    return registry.get_or_add(key, type_, match.name, entity_id=entity_id, place=match)


def _short_name_defined_after(text: str, span: Span) -> str | None:
    """A short form in brackets right after a name, made of the name's own words in order
    ("Jabhat Fatah al-Sham (Fatah al-Sham)"); None for anything else in brackets."""
    match = _SHORT_NAME_AFTER.match(text, span.end_char)
    if not match:
        return None
    short = match.group(1)
    words, part = span.text.lower().split(), short.lower().split()
    inside = any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))
    return short if inside and len(part) < len(words) else None


def _acronym_defined_after(text: str, span: Span) -> str | None:
    match = _ACRONYM_AFTER.match(text, span.end_char)
    if not match:
        return None
    acronym = match.group(1)
    words = span.text.split()
    firsts = {w[0].upper() for w in words if w}
    # An acronym has about one letter a word ("Tehrik-i-Taliban Pakistan (TTP)"): "Iraq (ISI)"
    # defines nothing, the name before it was cut short.
    if acronym[0].upper() not in firsts or len(acronym) > len(words) + 2:
        return None
    return acronym


def resolve_mentions(doc: Doc, doc_id: str) -> tuple[list[MentionSpan], DocumentEntities]:
    """Every entity mention of the document, each linked to a document-level entity."""
    registry = DocumentEntities(doc_id)
    text = doc_text(doc)
    place_surfaces = [e.text for e in ents_of(doc) if e.label_ in PLACE_LABELS | {"NORP"}]
    focus = document_focus(place_surfaces)
    registry.countries = _actor_countries(doc, focus)
    spans = _place_spans(doc, registry, focus)
    unlabelled = _unlabelled_place_spans(doc)
    datelines = _dateline_place_spans(text)
    every = spans + unlabelled + datelines
    geocoder = get_geocoder()
    answers = geocoder.resolve_document(text, every, focus)
    registry.places = {(s.start, s.end): a for s, a in zip(every, answers, strict=True)}
    embedded = _embedded_place_spans(doc)
    if embedded:
        # Resolved with the story's places, but never as evidence for them: "the New York
        # Times" says nothing of where a story about Kandahar happens.
        inside = geocoder.resolve_document(text, every + embedded, focus)[len(every) :]
        for place_span, answer in zip(embedded, inside, strict=True):
            registry.places.setdefault((place_span.start, place_span.end), answer)
    registry.datelines = {(s.start, s.end) for s in datelines}
    mentions: list[MentionSpan] = []
    for span in ents_of(doc):
        entity, rule = _entity_for_span(span, registry, focus)
        if entity is None:
            continue
        surface = strip_possessive(span.text)
        entity.aliases.add(surface)
        acronym = _acronym_defined_after(text, span)
        if acronym and entity.type in ACTOR_TYPES:
            registry.acronyms[acronym] = entity
            entity.aliases.add(acronym)
        short = _short_name_defined_after(text, span)
        if short and entity.type in ACTOR_TYPES:
            registry.short_names[short] = entity
            entity.aliases.add(short)
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
    mentions = _defined_short_names(doc, text, mentions, registry)
    mentions.extend(_missed_short_names(doc, mentions, registry))
    mentions.extend(_missed_actor_names(doc, mentions, registry))
    mentions.extend(_unlabelled_places(doc, unlabelled, registry, focus))
    mentions.extend(_dateline_places(doc, datelines, registry, mentions))
    mentions.extend(_repeated_places(doc, text, mentions))
    mentions.sort(key=lambda m: m.start)
    _apply_alias_statements(text, mentions)
    mentions = _described_groups(doc, text, mentions, registry, focus)
    _place_people(doc, mentions, registry)
    # A dateline says where the report was filed, not where what it tells happened: its place
    # is recorded, never a sentence's place.
    registry.absorbed.extend(m for m in mentions if m.rule == "dateline-place")
    mentions = [m for m in mentions if m.rule != "dateline-place"]
    placed = [(m.start, m.end) for m in [*mentions, *registry.absorbed] if m.entity.place]
    registry.absorbed.extend(
        _embedded_places(doc, [e for e in embedded if not _within(e, placed)], registry, focus)
    )
    used = {m.entity.key for m in [*mentions, *registry.absorbed]}
    used |= {d[2].key for d in registry.derivations}
    registry.by_key = {k: e for k, e in registry.by_key.items() if k in used}
    return mentions, registry


def _apply_alias_statements(text: str, mentions: list[MentionSpan]) -> None:
    """A name the text gives as another name of a group joins that group's entity.

    Only a name that is not itself a known, different actor is joined: "or Jundullah" after the
    IMU makes "Jundullah" an alias of the IMU in this document, "known locally as Ozodlik"
    after an outlet's Uzbek service an alias of that service.
    """
    between = load_lexicons().actors.alias_between
    for first, second in itertools.pairwise(mentions):
        if first.entity.type not in GROUP_TYPES | {"organization"}:
            continue
        if second.entity.gazetteer_id and second.entity.gazetteer_id != first.entity.gazetteer_id:
            continue
        if between.fullmatch(text[first.end : second.start]):
            first.entity.aliases.add(second.text)
            second.entity = first.entity
            second.rule = "alias-statement"


# Between a named group and a description of it in apposition: "Jamaat X, a breakaway faction
# of ...", "Jamaat X, the TTP's new splinter group"; and between a description and the name it
# introduces: "a TTP splinter group, Jamaat X," or "the Taliban splinter group Jamaat X".
_APPOSITION_BEFORE = re.compile(r"(?:'s|’s)?,\s+(?:(?:a|an|the)\s+)?(?:[a-z][\w-]*\s+)?")
_APPOSITION_AFTER = re.compile(r",?\s+")


@dataclass(frozen=True)
class _Description:
    """Words around a group's name that describe another group by it."""

    start: int
    end: int
    predicate: str
    # For a branch: the country the description places it in, or the word naming its region
    # when that is no country ("the Khorasan chapter of the Islamic State").
    country: str | None = None
    region: str | None = None


def _words(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _description_patterns() -> dict[str, re.Pattern[str]]:
    cues = load_lexicons().actors
    kinds, nouns = _words(cues.descriptor_kinds), _words(cues.descriptor_nouns)
    after_parent, branches = _words(cues.descriptor_nouns_after_parent), _words(cues.branch_nouns)
    possessive = r"(?:'s|’s)?"
    return {
        # "Taliban splinter group", "the IMU's breakaway faction"
        "after": re.compile(rf"{possessive}\s+(?P<kind>{kinds})\s+(?P<noun>{nouns})\b"),
        # "dissident Taliban force": the kind before the name, the noun after it
        "before": re.compile(rf"\b(?P<kind>{kinds})\s+$"),
        "noun_after": re.compile(rf"\s+(?P<noun>{after_parent})\b"),
        # "a breakaway faction of the TTP"
        "of": re.compile(rf"\b(?P<kind>{kinds})\s+(?P<noun>{nouns})\s+(?:of|from)\s+(?:the\s+)?$"),
        # "al-Qaeda's branch in Yemen", "IS's Libyan affiliate"
        "branch_after": re.compile(
            rf"(?:'s|’s)\s+(?:(?P<adj>[A-Z][\w-]+)\s+)?(?P<noun>{branches})\b"
            rf"(?P<place>\s+(?:in|for)\s+(?:the\s+)?)?"
        ),
        # "the Yemeni branch of al-Qaeda"
        "branch_of": re.compile(
            rf"\b(?P<adj>[A-Z][\w-]+)\s+(?P<noun>(?i:{branches}))\s+of\s+(?:the\s+)?$"
        ),
    }


def _description_of(
    text: str, mention: MentionSpan, places: dict[int, MentionSpan], focus: list[str]
) -> _Description | None:
    """A description of another group by this group's name, if the words around it make one."""
    cues = load_lexicons().actors
    patterns = _description_patterns()
    window = max(0, mention.start - 40)
    after = patterns["after"].match(text, mention.end)
    if after:
        kind = after.group("kind").lower()
        return _Description(mention.start, after.end(), cues.descriptor_kinds[kind])
    of = patterns["of"].search(text, window, mention.start)
    if of:
        kind = of.group("kind").lower()
        return _Description(of.start(), mention.end, cues.descriptor_kinds[kind])
    before = patterns["before"].search(text, window, mention.start)
    noun = patterns["noun_after"].match(text, mention.end) if before else None
    if before and noun:
        kind = before.group("kind").lower()
        return _Description(before.start(), noun.end(), cues.descriptor_kinds[kind])
    branch = patterns["branch_after"].match(text, mention.end)
    if branch:
        # "al-Qaeda's branch in Yemen": the place mention right after "in".
        place = places.get(branch.end()) if branch.group("place") else None
        country = _country_of(branch.group("adj"), focus) or (
            place.entity.place.country if place and place.entity.place else None
        )
        end = place.end if place and not branch.group("adj") else branch.end("noun")
        predicate = cues.branch_nouns[branch.group("noun").lower()]
        return _Description(mention.start, end, predicate, country)
    branch_of = patterns["branch_of"].search(text, window, mention.start)
    if branch_of:
        country = _country_of(branch_of.group("adj"), focus)
        predicate = cues.branch_nouns[branch_of.group("noun").lower()]
        region = None if country else branch_of.group("adj")
        return _Description(branch_of.start(), mention.end, predicate, country, region)
    return None


def _country_of(word: str | None, focus: list[str]) -> str | None:
    """The country a place name or demonym before a branch noun stands for ("Yemeni")."""
    if not word:
        return None
    match = get_geocoder().resolve(word, focus, allow_demonym=True)
    return match.country if match is not None and match.precision == "country" else None


def _branch_in(parent: LocalEntity, country: str | None, region: str | None = None) -> str | None:
    """The gazetteer's one branch of a gazetteer group in a country (or whose name carries
    the region's word: "Khorasan"), if there is exactly one.

    A branch and its successors under new names ("al-Qaeda in Iraq", then the "Islamic State
    of Iraq") are one branch: the first of them is the one a description means."""
    if not parent.gazetteer_id or not (country or region):
        return None
    gazetteer = load_gazetteer()
    links = load_lexicons().actors.branch_links
    word = normalise_name(region) if region else None
    found = {
        entry.id
        for entry in gazetteer.actors
        if any(k.target == parent.gazetteer_id and k.predicate in links for k in entry.links)
        and (
            country in entry.countries
            if country
            else any(word in normalise_name(n).split() for n in (entry.name, *entry.aliases))
        )
    }
    firsts = {_first_of_line(gazetteer, i, found) for i in found}
    return firsts.pop() if len(firsts) == 1 else None


def _first_of_line(gazetteer: Gazetteer, entry_id: str, among: set[str]) -> str:
    """The earliest of `among` in the line of names this entry succeeds (itself if none)."""
    first, current, seen = entry_id, entry_id, {entry_id}
    while (entry := gazetteer.get(current)) is not None:
        before = [k.target for k in entry.links if k.predicate == "successor_of"]
        if not before or before[0] in seen:
            return first
        current = before[0]
        seen.add(current)
        if current in among:
            first = current
    return first


_OF_THE = re.compile(r"\s+of\s+(?:the\s+)?")


def _names_its_parent(text: str, branch: MentionSpan, parent: MentionSpan) -> bool:
    """Whether a gazetteer group is named with its parent after "of" ("X Province of the
    Islamic State"), the gazetteer linking the two."""
    first, second = branch.entity, parent.entity
    if not (first.gazetteer_id and second.gazetteer_id) or first is second:
        return False
    if not _OF_THE.fullmatch(text, branch.end, parent.start):
        return False
    entry = load_gazetteer().get(first.gazetteer_id)
    links = load_lexicons().actors.branch_links
    return entry is not None and any(
        k.target == second.gazetteer_id and k.predicate in links for k in entry.links
    )


def _named_beside(
    text: str, mentions: list[MentionSpan], index: int, start: int, end: int
) -> MentionSpan | None:
    """The named group a description stands in apposition to, before or after it."""
    for other in (mentions[index - 1] if index else None, _next(mentions, index, end)):
        if other is None or other.entity.type not in GROUP_TYPES:
            continue
        if other.entity is mentions[index].entity:
            continue
        if other.end <= start and _APPOSITION_BEFORE.fullmatch(text, other.end, start):
            return other
        if other.start >= end and _APPOSITION_AFTER.fullmatch(text, end, other.start):
            return other
        said = _said_of_patterns()
        if other.end <= start and said["copula"].fullmatch(text, other.end, start):
            return other
        if other.start >= end and said["became"].fullmatch(text, end, other.start):
            return other
    return None


@lru_cache(maxsize=1)
def _said_of_patterns() -> dict[str, re.Pattern[str]]:
    """A description said of a group by a verb: "X was established as a splinter group of Y"
    (the words between X and the description), "a breakaway faction of Y formed X" (between
    the description and X)."""
    cues = load_lexicons().actors
    copulas = _words(cues.descriptor_copulas).replace(r"\ ", r"\s+")
    became = _words(cues.descriptor_became).replace(r"\ ", r"\s+")
    return {
        "copula": re.compile(
            rf"(?:\s*\([^()]*\)|\))?\s+(?:(?:has|had|have)\s+)?(?:(?:been|was|were|is|are)\s+)?"
            rf"(?:[a-z]+ly\s+)?(?:{copulas})\s+(?:(?:a|an|the)\s+)?(?:[a-z][\w-]*\s+)?"
        ),
        "became": re.compile(
            rf"(?:\s*\([^()]*\)|\))?(?:\s+in\s+\d{{4}})?,?\s+(?:[a-z]+ly\s+)?(?:{became})\s+(?:the\s+)?"
        ),
    }


def _next(mentions: list[MentionSpan], index: int, end: int) -> MentionSpan | None:
    return next((m for m in mentions[index + 1 :] if m.start >= end), None)


def _described_groups(
    doc: Doc, text: str, mentions: list[MentionSpan], registry: DocumentEntities, focus: list[str]
) -> list[MentionSpan]:
    """Groups described by their parent rather than named.

    Beside a named group ("Jamaat X, a breakaway faction of the TTP") the description is what
    the text says about that group: a claim (Jamaat X splinter_of TTP) and no entity of its
    own. A branch described by its parent and a country ("al-Qaeda's branch in Yemen") is the
    gazetteer's branch there when there is exactly one. Otherwise the described group becomes
    an entity of its own, linked to its parent, and its mention replaces the parent's over the
    whole phrase, so "the second-in-command of the Taliban splinter group" is about the
    splinter group. The parent is still recorded as mentioned, but what the sentence says is
    not said of it.
    """
    places = {m.start: m for m in mentions if m.entity.type in {"location", "country", "region"}}
    result: list[MentionSpan] = []
    consumed: set[int] = set()
    for index, mention in enumerate(mentions):
        if id(mention) in consumed:
            continue
        parent = mention.entity
        if result and _names_its_parent(text, result[-1], mention):
            # "the Khorasan Province of the Islamic State": one mention, of the branch.
            branch = result[-1]
            result[-1] = replace(
                branch,
                end=mention.end,
                token_end=mention.token_end,
                text=text[branch.start : mention.end],
            )
            registry.absorbed.append(mention)
            continue
        found = None
        if parent.type in GROUP_TYPES:
            found = _description_of(text, mention, places, focus)
        if found is None:
            result.append(mention)
            continue
        inside = [m for m in mentions if found.start <= m.start and m.end <= found.end]
        named = _named_beside(text, mentions, index, found.start, found.end)
        branch = _branch_in(parent, found.country, found.region)
        # A person or organisation read inside a group's description ("Khorasan Chapter" of
        # "the Khorasan Chapter of the Islamic State") was a misreading of its words.
        registry.absorbed.extend(
            m
            for m in inside
            if m is not mention and m.entity.type not in {"person", "organization"}
        )
        consumed.update(id(m) for m in inside)
        registry.absorbed.append(mention)
        if named is not None:
            derivation = (named.entity, found.predicate, parent, mention.token_start)
            registry.derivations.append(derivation)
            continue
        result = [m for m in result if id(m) not in consumed]
        phrase = text[found.start : found.end]
        if branch is not None:
            # The text says what the gazetteer knows: a claim, with its evidence.
            entity, rule = registry.gazetteer_entity(branch), "branch-descriptor"
            registry.derivations.append((entity, found.predicate, parent, mention.token_start))
        else:
            entity = registry.get_or_add(
                f"described:{parent.key}:{normalise_name(phrase)}@{registry.doc_id}",
                "armed_group",
                phrase,
            )
            entity.aliases.add(phrase)
            registry.derivations.append((entity, found.predicate, parent, mention.token_start))
            rule = "described-group"
        span = doc.char_span(found.start, found.end, alignment_mode="expand")
        result.append(
            MentionSpan(
                start=found.start,
                end=found.end,
                token_start=span.start if span is not None else mention.token_start,
                token_end=span.end if span is not None else mention.token_end,
                text=phrase,
                entity=entity,
                label="ARMED_GROUP",
                rule=rule,
            )
        )
    return result


# How a role noun reaches the actor it names: "Taliban commander", "the group's leader",
# "commander of the Valley Front".
_TIE_DEPS = frozenset({"compound", "poss", "prep", "pobj", "amod", "nmod"})
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "appos"})
# The side an actor's type puts the people tied to it on.
SIDE_OF_TYPE = {"armed_group": "armed", "state_force": "state", "country": "state"}


def _place_people(doc: Doc, mentions: list[MentionSpan], registry: DocumentEntities) -> None:
    """What the document says about who each of its people is: the side a title or role puts
    them on, and the actors the role ties them to. "Governor Karim Nazari" and "Karim Nazari,
    the governor of Kunduz" are of the state; "Taliban commander Rahim Saleh" and "Rahim Saleh,
    a commander of the Valley Front" are tied to those groups and on their side."""
    sides = load_lexicons().actors.sides
    actor_at = {
        token: m.entity
        for m in mentions
        if m.entity.is_actor and m.entity.type != "person"
        for token in range(m.token_start, m.token_end)
    }
    for mention in mentions:
        person = mention.entity
        if person.type != "person" or person.gazetteer_id:
            continue
        own = range(mention.token_start, mention.token_end)
        title = _title_side(doc, mention.token_start, sides)
        if title:
            person.sides.add(title)
        for noun in _role_nouns(doc[mention.token_start : mention.token_end]):
            side = _side_word(noun, sides)
            if side is None:
                continue
            tied = [actor_at[t] for t in _tie_tokens(noun) if t in actor_at and t not in own]
            for actor in tied:
                person.ties.add(actor.id)
                if actor.type in SIDE_OF_TYPE:
                    person.sides.add(SIDE_OF_TYPE[actor.type])
            if not tied and side:
                person.sides.add(side)


def _title_side(doc: Doc, start: int, sides: dict[str, str]) -> str | None:
    """The side of a title right before a name ("Governor", "Prime Minister", "Gen.")."""
    for width in (2, 1):
        if start - width >= 0:
            side = sides.get(doc[start - width : start].text)
            if side:
                return side
    return None


def _role_nouns(span: Span) -> list[Token]:
    """The nouns that describe a name: before it in its phrase, or in apposition to it."""
    root = span.root
    found = [
        child
        for child in root.children
        if child.dep_ in _ROLE_DEPS and not span.start <= child.i < span.end
    ]
    if root.dep_ == "appos" and not span.start <= root.head.i < span.end:
        found.append(root.head)
    return found


def _side_word(token: Token, sides: dict[str, str]) -> str | None:
    """The side a role word gives ("" for a post of either side), None for another word."""
    lemma = token.lemma_.lower()
    for child in token.children:
        if child.dep_ == "compound" and (side := sides.get(f"{child.lower_} {lemma}")) is not None:
            return side
    if token.text in sides:
        return sides[token.text]
    return sides.get(lemma) if lemma in sides and lemma.islower() else None


def _tie_tokens(noun: Token) -> list[int]:
    """The tokens a role noun's modifiers reach: its compounds, possessors and prepositions."""
    found, frontier = [], [noun]
    while frontier:
        token = frontier.pop()
        for child in token.children:
            if child.dep_ in _TIE_DEPS:
                found.append(child.i)
                frontier.append(child)
    return found


def sentence_evidence(document_id: str, sent: Span) -> Evidence:
    """A sentence as evidence: its stripped text and where it stands in the document."""
    text = span_text(sent).strip()
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


def _defined_short_names(
    doc: Doc, text: str, mentions: list[MentionSpan], registry: DocumentEntities
) -> list[MentionSpan]:
    """The mentions with every later use of a short form the text defined ("Fatah al-Sham"
    after "Jabhat Fatah al-Sham (Fatah al-Sham)") naming its group, over whatever the NER or
    the gazetteer made of its words (the gazetteer's "Fatah")."""
    if not registry.short_names:
        return mentions
    pattern = _whole_names(registry.short_names)
    found: list[MentionSpan] = []
    for match in pattern.finditer(text):
        start, end = match.span()
        entity = registry.short_names[match.group(0)]
        longer = (m for m in mentions if m.entity is entity and (m.start, m.end) != (start, end))
        if any(m.start <= start and end <= m.end for m in longer):
            continue  # inside the full name
        mention = _mention_at(doc, match, entity, "ARMED_GROUP", "short-name-defined")
        if mention is not None:
            found.append(mention)
    if not found:
        return mentions
    kept = [m for m in mentions if not any(m.start < f.end and f.start < m.end for f in found)]
    return kept + found


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
    for token in tokens_of(doc):
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


_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_WORDS = re.compile(r"[^\s\-–]+")


def initials(name: str) -> str:
    """The acronym a name's words make, particles skipped ("Kata'ib al-Imam Ali" -> "KIA")."""
    name = re.sub(r"\([^)]*\)", " ", name)
    skipped = load_lexicons().actors.particles
    words = [w.strip("'’\".,") for w in _WORDS.findall(name)]
    return "".join(w[0].upper() for w in words if w and w.lower() not in skipped)


@lru_cache(maxsize=1)
def _gazetteer_initials() -> dict[str, frozenset[str]]:
    """Acronym -> the gazetteer actors whose names make it."""
    found: dict[str, set[str]] = {}
    for entry in load_gazetteer().actors:
        for surface in entry.surfaces():
            if surface not in entry.acronyms and len(surface.split()) > 1:
                found.setdefault(initials(surface), set()).add(entry.id)
    return {k: frozenset(v) for k, v in found.items()}


def _missed_actor_names(
    doc: Doc, mentions: list[MentionSpan], registry: DocumentEntities
) -> list[MentionSpan]:
    """Names of groups the NER did not tag: a misspelt or differently transliterated name
    ("Hakat-ul-Mujahedeen"), and an acronym the text never defines ("JA separated from the
    TTP") that is the initials of one group named in the document or, if three letters or
    more, of one gazetteer group acting in the document's countries."""
    gazetteer = load_gazetteer()
    covered = {i for m in mentions for i in range(m.token_start, m.token_end)}
    named = [e for e in registry.by_key.values() if e.type in ACTOR_TYPES - {"person"}]
    found = []
    for start, end in _proper_noun_runs(doc, covered):
        span = doc[start:end]
        text = span.text
        entity, rule = None, ""
        if _ACRONYM.match(text):
            entity, rule = _acronym_of(span, named, registry), "acronym-initials"
        elif (entry := gazetteer.closest_actor(text)) is not None:
            entity, rule = registry.gazetteer_entity(entry.id), "gazetteer-spelling"
        if entity is None:
            continue
        entity.aliases.add(text)
        found.append(
            MentionSpan(
                span.start_char, span.end_char, start, end, text, entity, "ARMED_GROUP", rule
            )
        )
    return found


_HYPHENS = frozenset({"-", "–"})


def _proper_noun_runs(doc: Doc, covered: set[int]) -> list[tuple[int, int]]:
    """Runs of proper nouns no mention covers, within a sentence, hyphenated particles
    included ("Hakat-ul-Mujahedeen")."""
    particles = load_lexicons().actors.particles
    runs: list[tuple[int, int]] = []
    start: int | None = None
    tokens = tokens_of(doc)
    for token in tokens:
        free = token.i not in covered
        joined = token.text in _HYPHENS or (
            token.lower_ in particles and token.i > 0 and tokens[token.i - 1].text in _HYPHENS
        )
        if start is not None and (
            not free or token.is_sent_start or not (token.pos_ == "PROPN" or joined)
        ):
            runs.append((start, token.i))
            start = None
        if start is None and free and token.pos_ == "PROPN":
            start = token.i
    if start is not None:
        runs.append((start, len(doc)))
    trimmed = []
    for first, last in runs:
        while last > first and (tokens[last - 1].text in _HYPHENS or tokens[last - 1].is_lower):
            last -= 1
        if last > first:
            trimmed.append((first, last))
    return trimmed


def _acronym_of(
    acronym: Span, named: list[LocalEntity], registry: DocumentEntities
) -> LocalEntity | None:
    """The group an acronym the text never defines stands for: the one group named in the
    document whose name it spells; else the one gazetteer group it spells, among those acting
    in the document's countries (or in all, for four letters or more). Two letters spell too
    many names: they must stand alone as a subject or object ("HN has fought IS", not the
    "RL" of "RFE/RL")."""
    text = acronym.text
    here = {e.id: e for e in named if any(initials(n) == text for n in {e.name, *e.aliases})}
    if len(here) == 1:
        return next(iter(here.values()))
    if here or (len(text) < 3 and not _stands_alone(acronym)):
        return None
    found = _gazetteer_spelling(text, registry.countries)
    return registry.gazetteer_entity(found) if found else None


_ALONE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "attr"})


def _stands_alone(span: Span) -> bool:
    doc = span.doc
    joined = any(
        0 <= i < len(doc) and doc[i].text in {"/", "-", "–"} for i in (span.start - 1, span.end)
    )
    return not joined and span.root.dep_ in _ALONE_DEPS


def _gazetteer_spelling(acronym: str, countries: list[str]) -> str | None:
    gazetteer = load_gazetteer()
    candidates = [gazetteer.get(i) for i in sorted(_gazetteer_initials().get(acronym, ()))]
    known = [c for c in candidates if c is not None]
    if len(acronym) >= 4 and len(known) == 1:
        return known[0].id
    local = [c for c in known if set(c.countries) & set(countries)]
    return local[0].id if len(local) == 1 else None


def _acronym_elsewhere(surface: str, entry_id: str, countries: list[str]) -> str | None:
    """An acronym the gazetteer gives a group acting far from the document's countries, that
    spells the name of one group acting in them: "KIA" in a report on Iraq is Kata'ib al-Imam
    Ali, not the Kachin Independence Army."""
    entry = load_gazetteer().get(entry_id)
    if not countries or entry is None or surface not in entry.acronyms or len(surface) < 3:
        return None
    if set(entry.countries) & set(countries) or not entry.countries:
        return None
    return _gazetteer_spelling(surface, countries)


def entity_records(registry: DocumentEntities) -> list[EntityRecord]:
    """The document's entities as records, each carrying the gazetteer actors (their entity
    ids) it was seen with."""
    actor_context = sorted(e.id for e in registry.by_key.values() if e.gazetteer_id)
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
                match_key=entity.match_key or entity.key,
                context=actor_context,
                sides=sorted(entity.sides),
                ties=sorted(entity.ties),
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
