"""Who did what to whom: an event's participants read from the dependency parse.

The trigger's clause gives the roles (research notes §4.1, §5): the subject of an active verb,
and the "by" phrase of a passive one, is the actor; the object, and the subject of a passive,
is the target, or a victim when the verb kills ("wounded" when it wounds). A noun trigger takes
its actor from "by X", a possessor or a name before it ("an attack by X on Y", "the Taliban
attack"), its target from "on/against X", and borrows the clause of the verb that governs it
("militants launched an attack", "five soldiers were killed in the attack"). Coordinated names
each take the role; a verb inherits the subject of the verb it is coordinated with or depends
on ("gunmen stormed the village and killed ..."); a relative clause gives its noun ("militants
who attacked", "soldiers killed in the ambush").

A phrase names a participant through the entity a mention of it covers, the name apposed to it
("the group's deputy, X,"), the group its members belong to ("Taliban fighters", "members of
the FMLN"), the group in focus for a definite "the group"/"the militants", or, when the text
names nobody, a *generic actor* named by its kind as ACLED names them ("Protesters (Nigeria)",
"Unidentified Armed Group (Mali)", "Military Forces of Mali", "Civilians (Mali)"); a thing
attacked (a checkpoint, a bus, a power line) is a `property` entity of the document. The words
are data (`data/lexicons/arguments.toml`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from spacy.tokens import Span, Token

from factions.extract.geocode import get_geocoder
from factions.extract.lexicons import (
    LiteralScreen,
    ascii_lowered,
    compile_slot_pattern,
    required_text,
)
from factions.extract.mentions import DocumentEntities, LocalEntity, MentionSpan, normalise_name
from factions.extract.nlp import children_of, tokens_of, words_of
from factions.extract.relations import GROUP_TYPES, MaskedSentence
from factions.extract.triggers import load_trigger_lexicon, of_after
from factions.packaged import read_toml

ACTOR, TARGET, VICTIM, WOUNDED, ASSOC = "actor", "target", "victim", "wounded", "assoc"
_SUBJECTS = {"nsubj", "csubj"}
_PASSIVE_SUBJECTS = {"nsubjpass", "csubjpass"}
_OBJECTS = {"dobj", "obj", "attr"}
_PRONOUN_GROUP = {"they", "them", "it"}
_PRONOUN_PERSON = {"he", "she", "him", "her"}
_RELATIVE = {"who", "that", "which", "whom"}


@dataclass(frozen=True)
class Kind:
    """A generic actor: people the text names by kind, not by name."""

    kind: str
    type: str
    name: str
    words: frozenset[str]
    roles: frozenset[str] | None
    # Only with a country word beside the noun ("Turkish warplanes").
    explicit_country: bool = False


@dataclass(frozen=True)
class PerpetratorRule:
    grade: str
    patterns: tuple[re.Pattern[str], ...]
    # Each pattern's `required_text`, worked out once.
    required: tuple[tuple[str, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(required_text(p) for p in self.patterns))


@dataclass(frozen=True)
class ArgumentWords:
    version: str
    victim_verbs: frozenset[str]
    wounded_verbs: frozenset[str]
    undergo_verbs: frozenset[str]
    outcome_verbs: frozenset[str]
    light_verbs: frozenset[str]
    aim_verbs: frozenset[str]
    instrument_verbs: frozenset[str]
    fight_verbs: frozenset[str]
    target_preps: frozenset[str]
    of_nouns: frozenset[str]
    victim_nouns: frozenset[str]
    members: frozenset[str]
    anaphors: frozenset[str]
    kinds: tuple[Kind, ...]
    not_participants: frozenset[str]
    perpetrators: tuple[PerpetratorRule, ...]
    described_nouns: frozenset[str] = frozenset()
    movements: frozenset[str] = frozenset()
    described_cues: tuple[tuple[str, str, str], ...] = ()
    civilian_property: frozenset[str] = frozenset()
    quantities: frozenset[str] = frozenset()
    things: frozenset[str] = frozenset()
    # "a group of terrorists": nouns whose "of" names the people meant.
    member_of: frozenset[str] = frozenset()
    # "the killing was ordered by X", "troops led by X": see [perpetrated].
    perpetrated_verbs: frozenset[str] = frozenset()
    perpetrated_nouns: frozenset[str] = frozenset()
    lead_verbs: frozenset[str] = frozenset()
    place_verbs: frozenset[str] = frozenset()
    claim_verbs: frozenset[str] = frozenset()
    devices: frozenset[str] = frozenset()
    # "a bomb exploded outside the embassy", "caused damage to the embassy".
    device_places: frozenset[str] = frozenset()
    near_nouns: frozenset[str] = frozenset()
    damage_nouns: frozenset[str] = frozenset()
    # "the body of the mayor was found": nouns whose "of" names the one killed.
    remains_nouns: frozenset[str] = frozenset()

    def harms(self, lemma: str) -> bool:
        """Whether a verb tells what an event did to people or things (kill, wound, die)."""
        return lemma in self.victim_verbs | self.wounded_verbs | self.undergo_verbs | (
            self.outcome_verbs
        )

    def object_role(self, lemma: str) -> str:
        if lemma in self.victim_verbs:
            return VICTIM
        if lemma in self.wounded_verbs:
            return WOUNDED
        return TARGET

    def kinds_of(self, words: str, role: str) -> list[Kind]:
        """The generic kinds a noun (or "armed men") may name in this role, first first."""
        return [
            kind
            for kind in self.kinds
            if words in kind.words and (kind.roles is None or role in kind.roles)
        ]


@lru_cache(maxsize=1)
def argument_words() -> ArgumentWords:
    data = read_toml("lexicons", "arguments.toml")
    verbs, preps = data["verbs"], data["prepositions"]
    return ArgumentWords(
        version=str(data["version"]),
        victim_verbs=frozenset(verbs["victim"]),
        wounded_verbs=frozenset(verbs["wounded"]),
        undergo_verbs=frozenset(verbs["undergo"]),
        outcome_verbs=frozenset(verbs["outcome"]),
        light_verbs=frozenset(verbs["light"]),
        aim_verbs=frozenset(verbs["aim"]),
        instrument_verbs=frozenset(verbs["instrument"]),
        fight_verbs=frozenset(verbs["fight"]),
        target_preps=frozenset(preps["target"]),
        of_nouns=frozenset(preps["of_nouns"]),
        victim_nouns=frozenset(preps["victim_nouns"]),
        members=frozenset(data["members"]["words"]),
        anaphors=frozenset(data["anaphors"]["words"]),
        kinds=tuple(
            Kind(
                k["kind"],
                k["type"],
                k["name"],
                frozenset(k["words"]),
                frozenset(k["roles"]) if "roles" in k else None,
                bool(k.get("explicit_country", False)),
            )
            for k in data["kind"]
        ),
        not_participants=frozenset(data["not_participants"]["words"]),
        perpetrators=tuple(
            PerpetratorRule(rule["grade"], tuple(compile_slot_pattern(p) for p in rule["patterns"]))
            for rule in data["perpetrator"]
        ),
        described_nouns=frozenset(data["described"]["nouns"]),
        movements=frozenset(data["described"]["movements"]),
        described_cues=tuple(
            (cue["lemma"], cue["via"], cue["grade"]) for cue in data["described"]["cue"]
        ),
        civilian_property=frozenset(data["civilian_property"]["words"]),
        quantities=frozenset(data["quantities"]["words"]),
        things=frozenset(data["things"]["words"]),
        member_of=frozenset(data["members"]["of"]["words"]),
        perpetrated_verbs=frozenset(data["perpetrated"]["verbs"]),
        perpetrated_nouns=frozenset(data["perpetrated"]["nouns"]),
        lead_verbs=frozenset(data["perpetrated"]["leads"]),
        place_verbs=frozenset(data["perpetrated"]["places"]),
        claim_verbs=frozenset(data["perpetrated"]["claims"]),
        devices=frozenset(data["perpetrated"]["devices"]),
        device_places=frozenset(preps["device_places"]),
        near_nouns=frozenset(preps["near_nouns"]),
        damage_nouns=frozenset(preps["damage_nouns"]),
        remains_nouns=frozenset(preps["remains_nouns"]),
    )


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


@dataclass
class DocumentArguments:
    """What one document lends argument reading: its mentions by token, its entity registry
    (generic actors are added to it), its countries, and the groups it has named so far."""

    registry: DocumentEntities
    mentions: list[MentionSpan]
    focus: list[str]
    by_token: dict[int, MentionSpan] = field(default_factory=dict)
    # Mentions of generic actors and things made here, for the document's mention records.
    made: list[MentionSpan] = field(default_factory=list)
    last_group: LocalEntity | None = None
    last_person: LocalEntity | None = None

    def __post_init__(self) -> None:
        for mention in self.mentions:
            for token in range(mention.token_start, mention.token_end):
                self.by_token.setdefault(token, mention)

    def entity_at(self, token: Token) -> LocalEntity | None:
        mention = self.by_token.get(token.i)
        return mention.entity if mention else None


@dataclass
class Arguments:
    actors: list[LocalEntity] = field(default_factory=list)
    targets: list[LocalEntity] = field(default_factory=list)
    victims: list[LocalEntity] = field(default_factory=list)
    wounded: list[LocalEntity] = field(default_factory=list)
    assoc: list[LocalEntity] = field(default_factory=list)

    def role(self, name: str) -> list[LocalEntity]:
        return {
            ACTOR: self.actors,
            TARGET: self.targets,
            VICTIM: self.victims,
            WOUNDED: self.wounded,
            ASSOC: self.assoc,
        }[name]

    def add(self, role: str, entities: Iterable[LocalEntity]) -> None:
        found = self.role(role)
        for entity in entities:
            if entity not in found:
                found.append(entity)

    def __bool__(self) -> bool:
        return bool(self.actors or self.targets or self.victims or self.wounded or self.assoc)


class ArgumentReader:
    """Reads the participants of one trigger in its sentence."""

    def __init__(self, ctx: DocumentArguments, sent: Span, *, dry: bool = False) -> None:
        self.ctx = ctx
        self.sent = sent
        self.words = argument_words()
        self.found = Arguments()
        self._clause_country: str | None = None
        # A dry reading only looks: it adds no generic actor, thing or mention to the
        # document (used to read each trigger word's own arguments beside the event's).
        self.dry = dry
        # Each phrase head read as a participant, with its role, in reading order.
        self.heads: list[tuple[str, Token]] = []

    # --- phrases to entities ----------------------------------------------------------------

    def _country_word(self, head: Token) -> str | None:
        """A demonym or country named in the phrase before its noun ("Russian forces",
        "Pakistan army troops")."""
        geocoder = get_geocoder()
        for token in head.subtree:
            if token.i >= head.i:
                break
            if token.dep_ not in {"amod", "compound", "nmod", "poss"}:
                continue
            mention = self.ctx.by_token.get(token.i)
            if mention and mention.entity.type == "country" and mention.entity.place:
                return mention.entity.place.country
            code = geocoder.demonym_country(token.text) if token.text[:1].isupper() else None
            if code:
                return code
        return None

    def _country(self, head: Token) -> str | None:
        """The country of a generic actor: a demonym or country before the noun ("Russian
        forces", "Nigerian police"), else the document's, else one of the sentence's."""
        code = self._country_word(head)
        if code:
            return code
        if self._clause_country is None:
            # Reports are mostly about one country: the document's, else the sentence's.
            self._clause_country = self.ctx.focus[0] if self.ctx.focus else ""
            if not self._clause_country:
                for mention in self.ctx.mentions:
                    place = mention.entity.place
                    if self.sent.start <= mention.token_start < self.sent.end and place:
                        self._clause_country = place.country or ""
                        break
        return self._clause_country or None

    def _generic(
        self, head: Token, kind: Kind, mention: bool = True, country: str | None = None
    ) -> LocalEntity:
        country = country or self._country(head)
        if country:
            name = kind.name.format(country=country_name(country))
        else:
            name = re.sub(r"\s*(?:\(\{country\}\)|of \{country\})", "", kind.name)
        key = f"generic:{kind.kind}:{country or '-'}"
        if self.dry:
            return self.ctx.registry.by_key.get(key) or LocalEntity(key, kind.type, name, key)
        entity = self.ctx.registry.get_or_add(key, kind.type, name)
        entity.country = country
        if mention:
            self._record_mention(head, entity, f"generic:{kind.kind}")
        return entity

    def generic_kind(self, kind_name: str, near: Token) -> LocalEntity:
        """The generic actor of a kind for an event with no word for it ("a protest took
        place"): its country is the clause's."""
        kind = next(k for k in self.words.kinds if k.kind == kind_name)
        return self._generic(near, kind, mention=False)

    def _phrase_tokens(self, head: Token) -> tuple[int, int]:
        return phrase_bounds(head)

    def _record_mention(
        self, head: Token, entity: LocalEntity, rule: str, alias: bool = True
    ) -> None:
        start, end = self._phrase_tokens(head)
        doc = head.doc
        span = doc[start:end]
        if any(m.token_start == start and m.entity is entity for m in self.ctx.made):
            return
        mention = MentionSpan(
            start=span.start_char,
            end=span.end_char,
            token_start=start,
            token_end=end,
            text=span.text,
            entity=entity,
            label="GENERIC",
            rule=rule,
        )
        self.ctx.made.append(mention)
        if alias:
            entity.aliases.add(span.text)

    def _members(self, head: Token, group: LocalEntity, role: str) -> list[LocalEntity]:
        """The group its members stand for, the phrase naming them a mention of it when they
        act ("FMLN guerrillas attacked": the guerrillas are the FMLN's people); never an alias
        of its name."""
        if role == ACTOR and not self.dry:
            self._record_mention(head, group, "members", alias=False)
        return [group]

    def _property(self, head: Token) -> LocalEntity:
        start, end = self._phrase_tokens(head)
        text = head.doc[start:end].text
        key = f"property:{normalise_name(text)}@{self.ctx.registry.doc_id}"
        if self.dry:
            return self.ctx.registry.by_key.get(key) or LocalEntity(key, "property", text, key)
        entity = self.ctx.registry.get_or_add(key, "property", text)
        self._record_mention(head, entity, "property")
        return entity

    def _named(self, token: Token) -> LocalEntity | None:
        """The entity a mention at this token stands for (never the possessor of a phrase)."""
        entity = self.ctx.entity_at(token)
        if entity is None:
            return None
        if token.dep_ == "poss" or (token.dep_ == "compound" and token.head.dep_ == "poss"):
            return None
        return entity

    def _group_before(self, token: Token) -> LocalEntity | None:
        """The latest group named before a token in its sentence, else the group in focus."""
        for mention in reversed(self.ctx.mentions):
            if (
                self.sent.start <= mention.token_start < token.i
                and mention.entity.type in GROUP_TYPES
            ):
                return mention.entity
        return self.ctx.last_group

    def entities(self, head: Token, role: str) -> list[LocalEntity]:
        """The participants a phrase names, its coordinated phrases included; of people who
        act, those who led them too ("troops led by Captain X")."""
        found: list[LocalEntity] = []
        tokens = [*_coordinated(head), *_included(head)]
        if role == ACTOR:
            tokens += [p for t in tokens for p in _leaders(t, self.words.lead_verbs)]
        for token in tokens:
            for entity in self._entities_of(token, role):
                if entity not in found:
                    found.append(entity)
        return found

    def _entities_of(self, head: Token, role: str) -> list[LocalEntity]:
        """The participants one phrase names; the phrase is kept among `heads` when it names
        one, a place hit, or a pronoun for people."""
        antecedent = _antecedent(head) if role != ACTOR else None
        if antecedent is not None:
            # "X, who was killed in the attack": the relative pronoun stands for the one
            # harmed (who acts is read where the trigger is the relative clause's verb).
            return self._entities_of(antecedent, role)
        origin = self._group_they_come_from(head, role)
        if origin:
            self.heads.append((role, head))
            return origin
        if role != ACTOR and head.lemma_.lower() in self.words.remains_nouns:
            # "the body of the mayor was found": the one whose body it is was killed.
            for prep in children_of(head):
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for pobj in _pobjs(prep):
                        self.found.add(VICTIM, self.entities(pobj, VICTIM))
            return []
        counted = _counted(head)
        if counted is not None:
            # "seized hundreds of hostages": the people counted are the participants.
            return self.entities(counted, role)
        entities = self._phrase_entities(head, role)
        # A place attacked is no participant, but it is what the trigger hit.
        place_hit = role == TARGET and self._named(head) is not None
        if entities or place_hit or _unresolved_participant(head):
            self.heads.append((role, head))
        return entities

    def _group_they_come_from(self, head: Token, role: str) -> list[LocalEntity]:
        """ "a group of terrorists from the FAL": the group the people acting come from."""
        if role != ACTOR or head.lemma_.lower() not in self.words.member_of:
            return []
        for prep in children_of(head):
            if prep.dep_ == "prep" and prep.lower_ == "from":
                for token in prep.subtree:
                    entity = self.ctx.entity_at(token)
                    if entity is not None and entity.type in GROUP_TYPES:
                        return self._members(head, entity, role)
        return []

    def _phrase_entities(self, head: Token, role: str) -> list[LocalEntity]:
        words = self.words
        if role == TARGET and _is_weapon(head):
            # "fired M16 rifles at a bus": the weapon is no target.
            return []
        named = self._named(head)
        if named is not None:
            # A town attacked is where the event happened; a thing never acts.
            if named.type == "property" and role == ACTOR:
                return []
            if (
                role == TARGET
                and named.type not in {"property", "person"}
                and (self._names_a_thing(head))
            ):
                # "attacked the Sheraton Hotel": a named building is a thing hit.
                if named.type in {"location", "region"}:
                    return [self._property(head)]
                return [named, self._property(head)]
            if role == TARGET and named.type in {"location", "region"}:
                return []
            return [named]
        # "The group's deputy, X, was shot": the apposed name is the one meant; "the two
        # engineers, X and Y," each name of the list.
        for child in children_of(head):
            if child.dep_ == "appos":
                listed = self._named_items(child)
                if listed:
                    return listed
                for token in child.subtree:
                    entity = self._named(token)
                    if entity is not None and entity.type not in {"location", "region"}:
                        return [entity]
        lower = head.lower_
        lemma = head.lemma_.lower()
        if head.pos_ == "PRON":
            if lower in _PRONOUN_PERSON and self.ctx.last_person is not None and role == ACTOR:
                return [self.ctx.last_person]
            if lower in _PRONOUN_GROUP and role == ACTOR:
                group = self._group_before(head)
                return [group] if group is not None else []
            return []
        if head.pos_ == "PROPN":
            # A name the NER missed: a proper noun with a group noun after it is not ours to
            # guess; a lone proper noun in the phrase may still be a compound of a mention.
            for child in children_of(head):
                entity = self._named(child) if child.dep_ == "compound" else None
                if entity is not None:
                    return [entity]
            return []
        if head.pos_ not in {"NOUN", "ADJ"}:
            return []
        if lemma in words.member_of and role == ACTOR:
            # "a group of terrorists", "a commando of the MRTA": the ones after "of".
            for prep in children_of(head):
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for noun in _pobjs(prep):
                        found = self._entities_of(noun, role)
                        if found:
                            return found
        # "Taliban fighters", "IS militants", "members of the FMLN", "its fighters".
        if lower in words.members or lemma in words.members:
            # A group name right before the noun, however the parse attached it ("IS" read as
            # a verb).
            before = self.ctx.entity_at(head.doc[head.i - 1]) if head.i > 0 else None
            if before is not None and before.type in GROUP_TYPES:
                return self._members(head, before, role)
            for child in children_of(head):
                if child.dep_ in {"compound", "nmod", "amod"} or (
                    child.dep_ == "prep" and child.lower_ in {"of", "from"}
                ):
                    tokens = child.subtree if child.dep_ == "prep" else [child]
                    for token in tokens:
                        entity = self.ctx.entity_at(token)
                        if entity is not None and entity.type in GROUP_TYPES:
                            return self._members(head, entity, role)
                if child.dep_ == "poss":
                    entity = self.ctx.entity_at(child)
                    if entity is not None and entity.type in GROUP_TYPES:
                        return self._members(head, entity, role)
                    if child.lower_ in {"its", "their"} and role == ACTOR:
                        group = self._group_before(head)
                        if group is not None:
                            return [group]
        # "the group", "the militants": the group in focus, when the text has named one.
        definite = any(
            c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in children_of(head)
        )
        # Only the words listed: "the two groups" is not the group in focus.
        if definite and lower in words.anaphors and role == ACTOR:
            group = self._group_before(head)
            if group is not None and group.type == "armed_group":
                return [group]
        if lower in words.not_participants or lemma in words.not_participants:
            return []
        two = f"{head.doc[head.i - 1].lower_} {lower}" if head.i > 0 else lower
        for surface in (two, lower, lemma):
            for kind in words.kinds_of(surface, role):
                if kind.explicit_country and self._country_word(head) is None:
                    continue
                return [self._generic(head, kind)]
        if role == TARGET and head.pos_ == "NOUN" and not head.is_stop:
            if _names_an_event(head):
                # "denounced the murder", "opposed the agreement": another event is no target.
                return []
            # "a Taliban checkpoint": the group the thing belongs to is attacked too.
            owners = [e for e in self._owners(head) if e.type in GROUP_TYPES]
            if not owners:
                # "an army checkpoint", "police posts": the kind of force it belongs to.
                owners = self._owner_kinds(head, role)
            if not self._names_a_thing(head):
                # "the windows of a bank": the thing they belong to was hit.
                for prep in children_of(head):
                    if prep.dep_ == "prep" and prep.lower_ == "of":
                        for noun in _pobjs(prep):
                            if noun.pos_ == "NOUN" and self._names_a_thing(noun):
                                return [*owners, self._property(noun)]
                # "raised questions", "violated the law": only a thing can be hit ("Taliban
                # positions": the Taliban were).
                return owners
            # "three vehicles -- an ambulance and a truck": each thing listed was hit too.
            listed = [
                self._property(item)
                for child in children_of(head)
                if child.dep_ == "appos"
                for item in _coordinated(child)
                if item.pos_ == "NOUN" and self._names_a_thing(item)
            ]
            return [*owners, self._property(head), *listed]
        return []

    def _thing_near(self, noun: Token) -> list[Token]:
        """The thing a place phrase names ("the embassy", "in front of the bank"), if any."""
        if noun.lemma_.lower() in self.words.near_nouns:
            return [
                pobj
                for prep in children_of(noun)
                if prep.dep_ == "prep" and prep.lower_ == "of"
                for pobj in _pobjs(prep)
                if pobj.pos_ in {"NOUN", "PROPN"} and self._names_a_thing(pobj)
            ]
        return [noun] if noun.pos_ in {"NOUN", "PROPN"} and self._names_a_thing(noun) else []

    def _named_items(self, first: Token) -> list[LocalEntity]:
        """The entities the items of a list name, each by its head ("X of Milan and Y")."""
        found: list[LocalEntity] = []
        for item in _list_members(first):
            entity = self._named(item)
            if (
                entity is not None
                and entity.type not in {"location", "region"}
                and entity not in found
            ):
                found.append(entity)
        return found

    def _names_a_thing(self, head: Token) -> bool:
        """Whether a noun names something that can be attacked (a building, a vehicle, a
        power line), by its head word or its last two words."""
        things = self.words.things
        before = head.doc[head.i - 1] if head.i > 0 else None
        pairs = (
            {f"{before.lower_} {w}" for w in (head.lower_, head.lemma_.lower())}
            if before
            else set()
        )
        return bool({head.lower_, head.lemma_.lower(), *pairs} & things)

    def _owner_kinds(self, head: Token, role: str) -> list[LocalEntity]:
        """The generic actors a thing's modifiers name by kind ("army", "police", "rebel")."""
        found: list[LocalEntity] = []
        for child in children_of(head):
            if child.i > head.i or child.dep_ not in {"compound", "amod", "nmod"}:
                continue
            for surface in (child.lower_, child.lemma_.lower()):
                kinds = [k for k in self.words.kinds_of(surface, role) if k.type != "collective"]
                kinds = kinds or [
                    k for k in self.words.kinds_of(surface, role) if k.kind == "unidentified"
                ]
                if kinds and not (kinds[0].explicit_country and self._country_word(child) is None):
                    entity = self._generic(child, kinds[0], mention=False)
                    if entity not in found:
                        found.append(entity)
                    break
        return found

    def _owners(self, head: Token) -> list[LocalEntity]:
        """Entities a noun phrase belongs to: named before the noun or after "of"."""
        found: list[LocalEntity] = []
        for child in children_of(head):
            if child.dep_ in {"compound", "amod", "nmod", "poss"} and child.i < head.i:
                tokens: Iterable[Token] = child.subtree
            elif child.dep_ == "prep" and child.lower_ == "of":
                tokens = child.subtree
            else:
                continue
            for token in tokens:
                entity = self.ctx.entity_at(token)
                if entity is not None and entity not in found:
                    found.append(entity)
        return found

    # --- clauses ----------------------------------------------------------------------------

    def read(self, trigger: Token, event_type: str = "") -> Arguments:
        """The participants of the event a trigger word names."""
        # "artillery shelling", "mortar fire": a modifier stands for the noun it modifies.
        while trigger.dep_ == "compound" and trigger.head.pos_ in {"NOUN", "PROPN"}:
            trigger = trigger.head
        if trigger.pos_ in {"VERB", "AUX"} or trigger.tag_.startswith("VB"):
            self._verb(trigger)
        else:
            self._noun(trigger)
        self._aims(trigger)
        self._fill_unidentified(event_type)
        self._clean()
        return self.found

    def _aims(self, trigger: Token) -> None:
        """ "a blast targeting a convoy", "shelling that hit a house": what it was aimed at."""
        heads = [trigger]
        if trigger.head.pos_ in {"VERB", "AUX"} and trigger.dep_ in _OBJECTS | _SUBJECTS:
            heads.append(trigger.head)
        for head in heads:
            for child in children_of(head):
                if child.dep_ not in {"acl", "advcl", "xcomp", "relcl", "conj"}:
                    continue
                verb = _aim_verb(child, self.words.aim_verbs)
                if verb is None:
                    continue
                for obj in children_of(verb):
                    if obj.dep_ in _OBJECTS:
                        self.found.add(TARGET, self.entities(obj, TARGET))
                    elif obj.dep_ == "prep" and obj.lower_ in {"at", "against"}:
                        # "bombings which were aimed at civilians"
                        for pobj in _pobjs(obj):
                            self.found.add(TARGET, self.entities(pobj, TARGET))

    def _fill_unidentified(self, event_type: str) -> None:
        """An explosion or an attack on civilians that names nobody behind it was carried out
        by someone: ACLED's "Unidentified Armed Group"."""
        if self.found.actors or event_type not in {
            "Explosions/Remote violence",
            "Violence against civilians",
        }:
            return
        kind = next(k for k in self.words.kinds if k.kind == "unidentified")
        self.found.actors.append(self._generic(self.sent.root, kind, mention=False))

    def subjects_of(self, verb: Token) -> list[Token]:
        """The subject of a verb, or of the verb it is coordinated with or depends on."""
        return self._subject_of(verb)

    def _subject_of(self, verb: Token) -> list[Token]:
        """The subject of a verb, or of the verb it is coordinated with or depends on."""
        seen = 0
        while seen < 4:
            seen += 1
            subjects = [c for c in children_of(verb) if c.dep_ in _SUBJECTS]
            if subjects:
                return subjects
            if verb.dep_ in {"conj", "xcomp"} and verb.head.pos_ in {"VERB", "AUX"}:
                verb = verb.head
                continue
            if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ != "VBN"):
                return [verb.head]
            return []
        return []

    def _verb(self, verb: Token) -> None:
        words = self.words
        lemma = verb.lemma_.lower()
        passive = any(c.dep_ in _PASSIVE_SUBJECTS | {"auxpass"} for c in children_of(verb))
        object_role = words.object_role(lemma)
        if lemma in words.undergo_verbs:
            for subject in self._subject_of(verb):
                self.found.add(VICTIM, self.entities(subject, VICTIM))
            return
        if passive:
            for child in children_of(verb):
                if child.dep_ in _PASSIVE_SUBJECTS:
                    self.found.add(object_role, self.entities(child, object_role))
        else:
            for subject in self._subject_of(verb):
                if subject.lower_ in _RELATIVE and verb.dep_ == "relcl":
                    subject = verb.head
                actors = self.entities(subject, ACTOR)
                if not actors:
                    # "an IED by X militants detonated", "a bomb, planted by X, exploded": the
                    # device's maker set it off.
                    for by in _by_phrases(subject):
                        for pobj in _pobjs(by):
                            actors += self.entities(pobj, ACTOR)
                self.found.add(ACTOR, actors)
        # "soldiers killed in the ambush": a reduced relative's noun is what the verb harmed
        # (not "a device detonated at a checkpoint": the weapon).
        if verb.dep_ == "acl" and verb.tag_ == "VBN" and lemma not in words.instrument_verbs:
            self.found.add(object_role, self.entities(verb.head, object_role))
            for by in _stray_agents(verb):
                for pobj in _pobjs(by):
                    self.found.add(ACTOR, self.entities(pobj, ACTOR))
        objects = [c for c in children_of(verb) if c.dep_ in _OBJECTS]
        if not objects:
            # "shot and killed a soldier": an object shared by coordinated verbs.
            others = [c for c in children_of(verb) if c.dep_ == "conj"]
            if verb.dep_ == "conj":
                others.append(verb.head)
            for other in others:
                # "bombs had gone off and there were fears": a copula shares no object.
                if other.lemma_ != "be":
                    objects += [c for c in children_of(other) if c.dep_ in _OBJECTS]
        for obj in objects:
            if obj.i == verb.i:
                continue
            if _is_weapon(obj):
                # "threw a grenade against the police": the weapon is no target; what it was
                # thrown against is.
                for child in children_of(obj):
                    self._preposition(child, lemma, object_role)
                continue
            self.found.add(object_role, self.entities(obj, object_role))
        for child in children_of(verb):
            self._preposition(child, lemma, object_role)
        self._caused_damage(verb)
        # "three civilians were wounded when a bomb exploded": the main clause tells whom the
        # event of the subordinate clause harmed.
        head = verb.head
        if (
            verb.dep_ == "advcl"
            and head.pos_ in {"VERB", "AUX"}
            and words.harms(head.lemma_.lower())
        ):
            self._harmed_by(head)
        # "stormed the village and killed twelve villagers": one happening, told by two verbs
        # sharing their subject.
        for conj in children_of(verb):
            if (
                conj.dep_ == "conj"
                and conj.pos_ == "VERB"
                and not any(c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS for c in children_of(conj))
            ):
                role = words.object_role(conj.lemma_.lower())
                for obj in children_of(conj):
                    if obj.dep_ in _OBJECTS:
                        self.found.add(role, self.entities(obj, role))

    def _preposition(self, child: Token, lemma: str, object_role: str) -> None:
        words = self.words
        if child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "by"):
            for pobj in _pobjs(child):
                self.found.add(ACTOR, self.entities(pobj, ACTOR))
        elif child.dep_ == "prep" and child.lower_ in words.target_preps:
            if child.lower_ == "with" and lemma not in words.fight_verbs:
                return
            for pobj in _pobjs(child):
                self.found.add(object_role, self.entities(pobj, object_role))
        elif child.dep_ == "prep" and child.lower_ == "between" and lemma in words.fight_verbs:
            self._between(child)
        elif child.dep_ == "dative":
            for pobj in _pobjs(child) or [child]:
                self.found.add(object_role, self.entities(pobj, object_role))
        elif (
            child.dep_ == "prep"
            and child.lower_ in words.device_places
            and lemma in words.instrument_verbs
        ):
            # "a bomb exploded outside the embassy": the thing it was set against.
            for pobj in _pobjs(child):
                for thing in self._thing_near(pobj):
                    self.found.add(TARGET, [self._property(thing)])

    def _between(self, prep: Token) -> None:
        """ "clashes between X and Y": the first side acts, the other is attacked."""
        for pobj in _pobjs(prep):
            sides = [t for t in _coordinated(pobj)]
            for index, side in enumerate(sides):
                role = ACTOR if index == 0 else TARGET
                self.found.add(role, self._entities_of(side, role))

    def _noun(self, noun: Token) -> None:
        words = self.words
        lemma = noun.lemma_.lower()
        harmed = noun.lower_ in words.victim_nouns or lemma in words.victim_nouns
        harmed_role = (
            TARGET
            if lemma in {"arrest", "detention", "capture", "abduction"}
            else (VICTIM if harmed else TARGET)
        )
        of_noun = noun.lower_ in words.of_nouns or lemma in words.of_nouns
        late_of = of_after(noun) if of_noun else None
        if late_of is not None and late_of.head.i != noun.i:
            # "the assassination on 15 May of Juan Perez": the "of" the parser gave the date.
            for pobj in _pobjs(late_of):
                self.found.add(harmed_role, self.entities(pobj, harmed_role))
        for child in children_of(noun):
            if child.dep_ == "prep" and child.lower_ == "by":
                for pobj in _pobjs(child):
                    self.found.add(ACTOR, self.entities(pobj, ACTOR))
            elif child.dep_ == "prep" and child.lower_ == "of" and of_noun:
                for pobj in _pobjs(child):
                    self.found.add(harmed_role, self.entities(pobj, harmed_role))
            elif child.dep_ == "prep" and child.lower_ in words.target_preps:
                if child.lower_ == "with" and lemma not in words.fight_verbs:
                    continue
                for pobj in _pobjs(child):
                    self.found.add(TARGET, self.entities(pobj, TARGET))
            elif child.dep_ == "prep" and child.lower_ == "between":
                self._between(child)
            elif child.dep_ == "acl" and child.pos_ == "VERB":
                # "shells fired by Pakistani forces at a post": the reduced relative's agent.
                for grandchild in children_of(child):
                    if grandchild.dep_ == "agent" or (
                        grandchild.dep_ == "prep" and grandchild.lower_ == "by"
                    ):
                        for pobj in _pobjs(grandchild):
                            self.found.add(ACTOR, self.entities(pobj, ACTOR))
                    elif grandchild.dep_ == "prep" and grandchild.lower_ in words.target_preps:
                        if grandchild.lower_ == "with":
                            continue
                        for pobj in _pobjs(grandchild):
                            self.found.add(TARGET, self.entities(pobj, TARGET))
            elif child.dep_ in {"poss", "compound", "amod", "nmod"}:
                entity = next(
                    (e for t in child.subtree if (e := self.ctx.entity_at(t)) is not None), None
                )
                if entity is None and child.dep_ == "poss" and child.lower_ in {"its", "their"}:
                    entity = self._group_before(noun)
                if entity is None and child.dep_ in {"amod", "compound"}:
                    # "Russian airstrikes": a demonym stands for its country's forces.
                    code = get_geocoder().demonym_country(child.text)
                    if code and child.text[:1].isupper():
                        kind = next(k for k in words.kinds if k.kind == "military")
                        # The demonym is the country: the phrase before it holds none, and
                        # the story's own country is often the one struck, not striking.
                        entity = self._generic(child, kind, country=code)
                # An adjective ("a terrorist attack") says what kind of event it was; only a
                # noun is a phrase of the trigger's own that names a participant.
                kind_only = False
                if entity is None and child.dep_ in {"amod", "compound"}:
                    # "a terrorist attack", "a guerrilla raid": the kind of people who did it.
                    kinds = words.kinds_of(child.lower_, ACTOR) or words.kinds_of(
                        child.lemma_.lower(), ACTOR
                    )
                    if kinds and not kinds[0].explicit_country:
                        entity = self._generic(child, kinds[0])
                        kind_only = child.pos_ == "ADJ"
                if entity is None or entity.type in {"location", "region", "property"}:
                    continue
                role = harmed_role if harmed and child.dep_ == "poss" else ACTOR
                self.found.add(role, [entity])
                if not kind_only:
                    self.heads.append((role, child))
        # "artillery units of the federal police shelled ...": a phrase naming the forces that
        # fire is the actor when it is the subject.
        if noun.dep_ in _SUBJECTS:
            self.found.add(ACTOR, [e for e in self._owners(noun) if e.type in GROUP_TYPES])
        self._governing_clause(noun)

    def _governing_clause(self, noun: Token) -> None:
        """The clause a noun trigger sits in lends it its subject and objects."""
        words = self.words
        head = noun.head
        if noun.dep_ in _OBJECTS and head.pos_ in {"VERB", "AUX"}:
            if head.lemma_.lower() in words.light_verbs:
                for subject in self._subject_of(head):
                    actors = self.entities(subject, ACTOR)
                    if not actors:
                        actors = self._decided_by(subject)
                    self.found.add(ACTOR, actors)
                for child in children_of(head):
                    if child.dep_ == "agent":
                        for pobj in _pobjs(child):
                            self.found.add(ACTOR, self.entities(pobj, ACTOR))
                    elif child.dep_ == "prep" and child.lower_ in words.target_preps - {"with"}:
                        for pobj in _pobjs(child):
                            self.found.add(TARGET, self.entities(pobj, TARGET))
        elif noun.dep_ in _SUBJECTS and head.pos_ in {"VERB", "AUX"} and head.lemma_ != "be":
            # "The blast killed five soldiers", "the raid targeted a compound" (not "the
            # bombings were retaliation": what the event is, not whom it hit).
            role = words.object_role(head.lemma_.lower())
            for child in children_of(head):
                if child.dep_ in _OBJECTS and child.lemma_.lower() in words.damage_nouns:
                    # "the blast caused serious damage to the embassy and nearby houses"
                    self._damage_to(child)
                elif child.dep_ in _OBJECTS:
                    self.found.add(role, self.entities(child, role))
        elif (
            noun.dep_ == "pobj"
            and head.dep_ in {"prep", "agent"}
            and head.head.pos_ in {"VERB", "AUX"}
        ):
            if head.lower_ not in {"in", "during", "after", "following", "since", "amid", "by"}:
                return
            verb = head.head
            lemma = verb.lemma_.lower()
            if not words.harms(lemma):
                return
            role = words.object_role(lemma)
            passive = any(c.dep_ in _PASSIVE_SUBJECTS | {"auxpass"} for c in children_of(verb))
            if lemma in words.undergo_verbs:
                role, passive = VICTIM, True
                for subject in self._subject_of(verb):
                    self.found.add(VICTIM, self.entities(subject, VICTIM))
            fight = noun.lemma_.lower() in words.fight_verbs
            for child in children_of(verb):
                # "killed during clashes with the Taliban": the other side of the fight.
                if child.dep_ == "prep" and child.lower_ == "with" and fight:
                    for pobj in _pobjs(child):
                        self.found.add(TARGET, self.entities(pobj, TARGET))
            if passive:
                self._harmed_by(verb)
            elif head.lower_ != "after":
                for subject in self._subject_of(verb):
                    self.found.add(ACTOR, self.entities(subject, ACTOR))
                for child in children_of(verb):
                    if child.dep_ in _OBJECTS:
                        self.found.add(role, self.entities(child, role))

    def _damage_to(self, damage: Token) -> None:
        """What a damage noun names as damaged: "damage to the bank and to a school" (a "to"
        phrase and the ones coordinated with it)."""
        preps = [c for c in children_of(damage) if c.dep_ == "prep" and c.lower_ == "to"]
        for prep in list(preps):
            preps += [c for c in children_of(prep) if c.dep_ == "conj" and c.lower_ == "to"]
        for prep in preps:
            for pobj in _pobjs(prep):
                self.found.add(TARGET, self.entities(pobj, TARGET))

    def _caused_damage(self, verb: Token) -> None:
        """ "a bomb exploded, causing damage to the bank": the clause the trigger's verb
        governs names what its event damaged."""
        for clause in children_of(verb):
            if clause.dep_ not in {"advcl", "xcomp", "conj"} or clause.pos_ != "VERB":
                continue
            for obj in children_of(clause):
                if obj.dep_ in _OBJECTS and obj.lemma_.lower() in self.words.damage_nouns:
                    self._damage_to(obj)

    def _decided_by(self, noun: Token) -> list[LocalEntity]:
        """ "The group's decision to carry out the attacks": the group or person whose
        decision (or plan, order) it was."""
        for child in children_of(noun):
            entity = self.ctx.entity_at(child) if child.dep_ == "poss" else None
            if entity is not None and entity.type in GROUP_TYPES | {"person"}:
                self.heads.append((ACTOR, child))
                return [entity]
        return []

    def _harmed_by(self, verb: Token) -> None:
        """The people or things a harm verb's clause names: its passive subject (or, for "die",
        its subject) and its "by" agent."""
        lemma = verb.lemma_.lower()
        role = VICTIM if lemma in self.words.undergo_verbs else self.words.object_role(lemma)
        for child in children_of(verb):
            if child.dep_ in _PASSIVE_SUBJECTS or (
                lemma in self.words.undergo_verbs and child.dep_ in _SUBJECTS
            ):
                self.found.add(role, self.entities(child, role))
            elif child.dep_ == "agent":
                for pobj in _pobjs(child):
                    self.found.add(ACTOR, self.entities(pobj, ACTOR))

    def _clean(self) -> None:
        """One role per entity: someone harmed is not also the actor; actors are not targets."""
        found = self.found
        harmed = {id(e) for e in found.victims + found.wounded}
        found.actors = [a for a in found.actors if id(a) not in harmed]
        found.targets = [t for t in found.targets if t not in found.actors and id(t) not in harmed]
        # A named actor makes an unidentified one of the same clause the same people.
        if any(a.type in GROUP_TYPES and not a.key.startswith("generic:") for a in found.actors):
            found.actors = [a for a in found.actors if not a.key.startswith("generic:unidentified")]


def _coordinated(head: Token) -> list[Token]:
    """A phrase's head and the heads coordinated with it ("X, Y and Z", "X, together with
    Y")."""
    found = [head]
    stack = [head]
    while stack:
        token = stack.pop()
        # "X, leader of the movement, and Y": the parse hangs Y on the apposition.
        apposed = [c for a in children_of(token) if a.dep_ == "appos" for c in children_of(a)]
        for child in [*children_of(token), *_together_with(token), *apposed]:
            if (
                child.dep_ in {"conj", "pobj"}
                and child not in found
                and child.pos_ in {"NOUN", "PROPN", "PRON"}
            ):
                found.append(child)
                stack.append(child)
    return found


def _leaders(noun: Token, leads: frozenset[str]) -> list[Token]:
    """The ones a reduced relative says led the people a noun names ("troops led by X")."""
    return [
        pobj
        for clause in children_of(noun)
        if clause.dep_ == "acl" and clause.lemma_.lower() in leads
        for by in children_of(clause)
        if by.dep_ == "agent" or (by.dep_ == "prep" and by.lower_ == "by")
        for pobj in _pobjs(by)
    ]


def _stray_agents(verb: Token) -> list[Token]:
    """The agent of a reduced relative that the parse hung on a noun above it ("the bodies
    of the priests murdered on Friday by uniformed men": "by" under "bodies"): a "by" after
    the verb, under its noun or the noun that noun belongs to, when the verb has none."""
    if any(c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by") for c in children_of(verb)):
        return []
    nouns = [verb.head]
    if verb.head.dep_ == "pobj" and verb.head.head.dep_ == "prep":
        nouns.append(verb.head.head.head)
    return [
        c
        for noun in nouns
        for c in children_of(noun)
        if c.dep_ == "prep" and c.lower_ == "by" and c.i > verb.i
    ]


def _by_phrases(noun: Token) -> list[Token]:
    """The "by" phrases that say who made or set a thing: its own ("an IED by X") and its
    reduced relative's ("a bomb, planted by X")."""
    found = [c for c in children_of(noun) if c.dep_ == "prep" and c.lower_ == "by"]
    for clause in children_of(noun):
        if clause.dep_ == "acl" and clause.tag_ == "VBN":
            found += [
                c
                for c in children_of(clause)
                if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by")
            ]
    return found


def _antecedent(pronoun: Token) -> Token | None:
    """The noun a relative pronoun stands for ("the colonel, who was killed" -> colonel)."""
    if pronoun.lower_ not in _RELATIVE or pronoun.tag_ not in {"WP", "WDT", "WP$"}:
        return None
    clause = pronoun.head
    if clause.dep_ == "relcl" and clause.head.pos_ in {"NOUN", "PROPN"}:
        return clause.head
    return None


def _aim_verb(verb: Token, aims: frozenset[str]) -> Token | None:
    """The verb of aiming a clause states, itself or completing it ("which seemed to be aimed
    at civilians")."""
    for _ in range(3):
        if verb.lemma_.lower() in aims:
            return verb
        verb = next((c for c in children_of(verb) if c.dep_ == "xcomp"), None)
        if verb is None:
            return None
    return None


# What trigger_arguments.py reads with, under public names.
def coordinated(head: Token) -> list[Token]:
    """A phrase's head and the heads coordinated with it ("X, Y and Z")."""
    return _coordinated(head)


def stray_agents(verb: Token) -> list[Token]:
    """The "by" phrases of a reduced relative that the parse hung on a noun above it."""
    return _stray_agents(verb)


def is_weapon(noun: Token) -> bool:
    """Whether a noun phrase names a weapon ("a hand grenade", "rockets", "an IED")."""
    return _is_weapon(noun)


def names_an_event(noun: Token) -> bool:
    """Whether a noun is one of the trigger lexicon's event nouns ("murder", "agreement")."""
    return _names_an_event(noun)


def _included(head: Token) -> list[Token]:
    """The phrases a list introduces after a noun ("people were arrested, including X, Y and
    Z"): they fill its role too."""
    found: list[Token] = []
    for prep in (head, head.head):
        for child in children_of(prep):
            if (
                child.dep_ == "prep"
                and child.lower_ in {"including", "among"}
                and (prep is head or child.i > head.i)
            ):
                for pobj in children_of(child):
                    if pobj.dep_ == "pobj":
                        found += _list_members(pobj)
    return found


def _list_members(first: Token) -> list[Token]:
    """The items of a list: its phrases coordinated or apposed ("X, wife of Y, Z and W", which
    the parse often reads as appositions). A noun apposed to an item only describes it ("X,
    wife of Y") and a name after "of" only says whose relative it is; the phrases apposed to
    either still belong to the list."""
    found = [first]
    # (token, whether it is a relative named after "of" rather than an item)
    stack = [(first, False)]
    while stack:
        token, relative = stack.pop()
        for child in children_of(token):
            if child.dep_ == "prep" and child.lower_ == "of":
                stack += [(p, True) for p in children_of(child) if p.dep_ == "pobj"]
            elif child.dep_ == "appos" and child.pos_ == "NOUN":
                stack.append((child, relative))
            elif child.dep_ == "appos" and child.pos_ == "PROPN":
                # "the editor Samuel Ade" names the relative; "Y, Z" after a name goes on.
                same = relative and token.pos_ == "NOUN"
                if not same:
                    found.append(child)
                stack.append((child, same))
            elif child.dep_ == "conj" and child.pos_ in {"NOUN", "PROPN", "PRON"}:
                found.append(child)
                stack.append((child, False))
    return sorted(set(found), key=lambda t: t.i)


def phrase_bounds(head: Token) -> tuple[int, int]:
    """The token range of a head's noun phrase without determiners, numbers or clauses after
    it ("the two Afghan soldiers" -> "Afghan soldiers")."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in {"compound", "amod", "nmod"}:
            start = min(start, child.left_edge.i)
    return start, head.i + 1


def _counted(head: Token) -> Token | None:
    """What a count names ("dozens of civilians", "one of the guards" -> civilians, guards)."""
    if not (head.tag_ == "CD" or head.lower_ in argument_words().quantities):
        return None
    for child in children_of(head):
        if child.dep_ == "prep" and child.lower_ == "of":
            for pobj in children_of(child):
                if pobj.dep_ == "pobj" and pobj.pos_ in {"NOUN", "PROPN", "PRON"}:
                    return pobj
    return None


def _unresolved_participant(head: Token) -> bool:
    """Whether a phrase that names no entity still names a participant of the clause: a
    personal pronoun ("she was arrested", "they seized hostages"). A noun the lexicon does not
    list is not taken ("the decision to attack", "the opportunity to attack")."""
    return head.pos_ == "PRON" and head.lower_ in _PRONOUN_PERSON | (_PRONOUN_GROUP - {"it"})


def _together_with(token: Token) -> list[Token]:
    """The nouns "together with" adds to a phrase ("X, together with Y, was taken")."""
    return [
        noun
        for prep in children_of(token)
        if prep.dep_ == "prep"
        and prep.lower_ == "with"
        and any(c.lower_ in {"together", "along"} for c in children_of(prep))
        for noun in children_of(prep)
        if noun.dep_ == "pobj"
    ]


def _is_weapon(noun: Token) -> bool:
    """Whether a noun phrase names a weapon ("a hand grenade", "rockets", "an IED")."""
    phrase = noun.doc[noun.left_edge.i : noun.i + 1].text
    lexicon = load_trigger_lexicon()
    return bool(lexicon.any_weapon.search(phrase) or lexicon.firearms.search(noun.text))


def _names_an_event(noun: Token) -> bool:
    """Whether a noun is one of the trigger lexicon's event nouns ("murder", "agreement")."""
    lexicon = load_trigger_lexicon()
    return any(
        spec.words == (noun.lemma_.lower(),) for spec in lexicon.nouns.get(noun.lemma_.lower(), ())
    )


def _pobjs(prep: Token) -> list[Token]:
    return [c for c in children_of(prep) if c.dep_ in {"pobj", "pcomp"}]


# --- perpetrators named by attribution ----------------------------------------------------------


@dataclass
class PerpetratorStatement:
    """A sentence naming who carried out an event without reporting the event itself."""

    entity: LocalEntity
    grade: str


def perpetrator_statements(masked: MaskedSentence) -> list[PerpetratorStatement]:
    """Groups the sentence says did it: attributed (by sources), suspected, blamed, accused.

    Claims of responsibility are read apart (relations.find_responsibility)."""
    found: dict[str, PerpetratorStatement] = {}
    # Every pattern names its group by an actor marker: a sentence without one has none.
    if "[[" not in masked.text:
        return []
    possible = iter(_perpetrator_screen().possible(ascii_lowered(masked.text)))
    for rule in argument_words().perpetrators:
        for pattern in rule.patterns:
            if not next(possible):
                continue
            for match in pattern.finditer(masked.text):
                marker = match.groupdict().get("X")
                if marker is None:
                    continue
                indices = [int(marker)]
                # "attributed the attack to X and Y": every name of the coordination.
                tail = masked.text[match.end() :]
                for extra in re.finditer(r"^(?:,? (?:and|or) |, )(?:the )?\[\[E(\d+)\]\]", tail):
                    indices.append(int(extra.group(1)))
                for index in indices:
                    entity = masked.entities[index]
                    if entity.type in GROUP_TYPES | {"person", "country"}:
                        found.setdefault(entity.id, PerpetratorStatement(entity, rule.grade))
    return list(found.values())


@lru_cache(maxsize=1)
def _perpetrator_screen() -> LiteralScreen:
    """The perpetrator patterns of every rule, in order, screened together."""
    return LiteralScreen([p for rule in argument_words().perpetrators for p in rule.patterns])


def described_perpetrators(sent: Span, ctx: DocumentArguments) -> list[PerpetratorStatement]:
    """Perpetrators the text describes but does not name: "sources attributed the attack to
    Fulani extremists", "blamed on Maoist rebels". Each becomes an armed group named by the
    description (the same description is the same group in every document)."""
    cues = _described_cues_by_lemma()
    found: list[PerpetratorStatement] = []
    doc, lemmas = sent.doc, words_of(sent.doc).lemma
    for i in range(sent.start, sent.end):
        listed = cues.get(lemmas[i])
        if not listed:
            continue
        token = doc[i]
        for via, grade in listed:
            for head in _described_heads(token, via):
                entity = _described_group(head, ctx)
                if entity is not None and all(f.entity is not entity for f in found):
                    found.append(PerpetratorStatement(entity, grade))
    return found


# "X is responsible for", "X is behind".
_PERPETRATOR_LEMMAS = frozenset({"responsible", "behind"})


@lru_cache(maxsize=1)
def _perpetrator_words() -> frozenset[str]:
    """The lemmas `parsed_perpetrators` reads a perpetrator from."""
    words = argument_words()
    return _PERPETRATOR_LEMMAS | words.claim_verbs | words.place_verbs | words.perpetrated_verbs


def parsed_perpetrators(sent: Span, ctx: DocumentArguments) -> list[PerpetratorStatement]:
    """People and groups the parse of a sentence says did an event it names without telling
    it: "X and Y are behind this attack", "X is responsible for the murders", "the killing
    was ordered by X", "an attack perpetrated by members of X", "X placed a package near the
    door". Graded `alleged`, but for who set a device, `asserted`."""
    words = argument_words()
    heads: list[Token] = []
    # Who set a device is said as a fact, not an allegation.
    placed: list[Token] = []
    claimed: list[Token] = []
    # Only words of these lemmas can name a perpetrator: the others need no Token made.
    wanted = _perpetrator_words()
    lemmas, tokens = words_of(sent.doc).lemma, tokens_of(sent.doc)
    for i in range(sent.start, sent.end):
        lemma = lemmas[i]
        if lemma not in wanted:
            continue
        token = tokens[i]
        if lemma in _PERPETRATOR_LEMMAS and token.head.lemma_ == "be":
            if _about_an_event(token, words):
                heads += [c for c in children_of(token.head) if c.dep_ in _SUBJECTS]
        elif lemma in words.claim_verbs and token.pos_ == "VERB" and _claims(token):
            # "X, a group of former soldiers, has claimed responsibility for the attack"
            claimed += [c for c in children_of(token) if c.dep_ in _SUBJECTS]
        elif lemma in words.place_verbs and token.pos_ == "VERB":
            # "an unidentified man placed a package near the door"
            if any(
                c.dep_ in _OBJECTS and (c.lower_ in words.devices or _is_weapon(c))
                for c in children_of(token)
            ):
                placed += ArgumentReader(ctx, sent, dry=True).subjects_of(token)
        elif lemma in words.perpetrated_verbs and token.pos_ == "VERB":
            done = [c for c in children_of(token) if c.dep_ in _PASSIVE_SUBJECTS]
            if token.dep_ == "acl" and token.tag_ == "VBN":
                done.append(token.head)
            if any(_an_event(noun, words) for noun in done):
                # "was planned and carried out by X": the agent of either verb.
                verbs = [token, *(c for c in children_of(token) if c.dep_ == "conj")]
                heads += [
                    pobj
                    for verb in verbs
                    for by in children_of(verb)
                    if by.dep_ == "agent" or (by.dep_ == "prep" and by.lower_ == "by")
                    for pobj in _pobjs(by)
                ]
    if not (heads or placed or claimed):
        return []
    reader = ArgumentReader(ctx, sent)
    found: list[PerpetratorStatement] = []
    for grade, tokens in (("claimed", claimed), ("asserted", placed), ("alleged", heads)):
        for head in tokens:
            for entity in reader.entities(head, ACTOR):
                if entity.type in GROUP_TYPES | {"person", "collective"} and all(
                    f.entity is not entity for f in found
                ):
                    found.append(PerpetratorStatement(entity, grade))
    return found


def _claims(verb: Token) -> bool:
    """Whether a verb claims responsibility or credit, unnegated ("has claimed responsibility",
    not "did not claim" or "neither claimed nor denied")."""
    if any(c.dep_ in {"neg", "preconj"} for c in children_of(verb)):
        return False
    return any(
        c.dep_ in _OBJECTS and c.lemma_.lower() in {"responsibility", "credit"}
        for c in children_of(verb)
    )


def _an_event(noun: Token, words: ArgumentWords) -> bool:
    """Whether a noun names an event: a trigger noun, or "crime", "act" (see [perpetrated])."""
    return noun.lemma_.lower() in words.perpetrated_nouns or _names_an_event(noun)


def _about_an_event(word: Token, words: ArgumentWords) -> bool:
    """Whether "responsible"/"behind" is about an event ("responsible for the murders",
    "behind this attack")."""
    preps = [word] if word.dep_ == "prep" else [c for c in children_of(word) if c.dep_ == "prep"]
    return any(_an_event(pobj, words) for prep in preps for pobj in _pobjs(prep))


@lru_cache(maxsize=1)
def _described_cues_by_lemma() -> dict[str, tuple[tuple[str, str], ...]]:
    """(via, grade) of the described cues by lemma, in their order: one look-up per word."""
    cues: dict[str, list[tuple[str, str]]] = {}
    for lemma, via, grade in argument_words().described_cues:
        cues.setdefault(lemma, []).append((via, grade))
    return {lemma: tuple(found) for lemma, found in cues.items()}


def _described_heads(verb: Token, via: str) -> list[Token]:
    heads: list[Token] = []
    if via in {"to", "on"}:
        for child in children_of(verb):
            if child.dep_ in {"prep", "dative"} and child.lower_ == via:
                heads += [c for c in children_of(child) if c.dep_ == "pobj"]
    elif via == "subject":
        # "sources suspected that X was involved"
        for clause in children_of(verb):
            if clause.dep_ == "ccomp":
                heads += [c for c in children_of(clause) if c.dep_ in _SUBJECTS | _PASSIVE_SUBJECTS]
    elif via == "object":
        for obj in (c for c in children_of(verb) if c.dep_ in _OBJECTS):
            # "suspected the involvement of Fulani extremists"
            if obj.lower_ in {"involvement", "role", "hand", "participation"}:
                heads += [
                    p
                    for c in children_of(obj)
                    if c.lower_ == "of"
                    for p in children_of(c)
                    if p.dep_ == "pobj"
                ]
            else:
                heads.append(obj)
    elif via == "claimant" and any(
        c.dep_ in _OBJECTS and c.lower_ in {"responsibility", "credit"} for c in children_of(verb)
    ):
        heads += [c for c in children_of(verb) if c.dep_ in _SUBJECTS]
    return [h for head in heads for h in _coordinated(head)]


def _described_group(head: Token, ctx: DocumentArguments) -> LocalEntity | None:
    """An armed group named by a description ending in a group noun, with a modifier."""
    words = argument_words()
    if ctx.entity_at(head) is not None:
        return None
    # "separatists", "Maoists": a movement named by its noun alone.
    movement = head.lower_ in words.movements or (
        head.tag_ in {"NNPS", "NNS"} and head.text[:1].isupper() and not head.is_sent_start
    )
    if head.lower_ not in words.described_nouns and not movement:
        return None
    modifiers = [
        c for c in children_of(head) if c.dep_ in {"amod", "compound", "nmod"} and c.i < head.i
    ]
    if not modifiers and not movement:
        return None
    start = min([m.left_edge.i for m in modifiers] + [head.i])
    span = head.doc[start : head.i + 1]
    if any(ctx.entity_at(t) is not None for t in span) or span[0].lower_ in {
        "unknown",
        "unidentified",
    }:
        return None
    text = span.text
    entity = ctx.registry.get_or_add(f"armed_group:{normalise_name(text)}", "armed_group", text)
    entity.aliases.add(text)
    if not any(m.token_start == start and m.entity is entity for m in ctx.made):
        ctx.made.append(
            MentionSpan(
                start=span.start_char,
                end=span.end_char,
                token_start=start,
                token_end=head.i + 1,
                text=text,
                entity=entity,
                label="ARMED_GROUP",
                rule="described-perpetrator",
            )
        )
    return entity
