"""Relations between groups read from the dependency parse.

The masked-sentence patterns of relations.py see words in a row; these frames see the parse, so
they find a relation's two sides wherever the sentence puts them: across a coordination ("X
began coordinating with Y and Z"), through a control verb ("X began targeting Y"), in an
apposition ("X, a long-time foe of Y"; "X, Y's wing in Somalia"), in a relation noun ("X
formed an alliance with Y", "the merger of X and Y") and between coordinated subjects ("X and Y
merged to form Z", "X and Y clashed"). The frames are data (lexicons/frames.toml); this module
holds only the walking.

Each side must be a group (an armed group, a state force, an organisation or a country),
named or written as its members ("Hizbul Islam fighters", "members of the MNLF"); the side that
is attacked may be written as something of its own ("a Mahdi Army checkpoint"). A possessive
pronoun stands for the subject of its clause ("X took the town from Y, one of its rivals").
Negation ("did not", "no longer", "stopped cooperating", "ended their alliance") flips the
claim's polarity; a relation only proposed or hoped for ("proposed an alliance") is no claim.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from spacy.tokens import Span, Token

from factions.extract.mentions import LocalEntity
from factions.extract.nlp import children_of, in_question, words_of
from factions.extract.relations import (
    GROUP_TYPES,
    MaskedSentence,
    RelationMatch,
    relation_key,
    types_allow,
)
from factions.packaged import read_toml
from factions.vocabulary import vocabulary

# The sides of a relation between groups: never a person or a place.
SIDE_TYPES = frozenset(GROUP_TYPES | {"country"})
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
# Clauses that take their subject from the verb they hang on.
_SHARED_SUBJECT_DEPS = {"xcomp", "conj", "advcl", "pcomp"}


@dataclass(frozen=True)
class VerbFrame:
    predicate: str
    lemmas: frozenset[str]
    # (preposition or "dobj", required object noun or None)
    objects: tuple[tuple[str, str | None], ...]
    together: str = "never"
    inverse: bool = False
    particles: frozenset[str] | None = None
    needs_particle: bool = False
    passive_only: bool = False
    # The verb's object must be one of these nouns, or a place ("took the town from Y").
    dobj_nouns: frozenset[str] | None = None
    # The verb must carry "in" one of these nouns ("joined Y in the fight against Z"), or, with
    # `not_in_nouns`, must not.
    in_nouns: frozenset[str] | None = None
    not_in_nouns: bool = False
    # The verb's only object, if any, is a group ("merged with Y", not "merged its operations").
    bare: bool = False


@dataclass(frozen=True)
class NounFrame:
    predicate: str
    lemmas: frozenset[str]
    partners: tuple[str, ...]
    members: tuple[str, ...] = ()
    together: bool = False
    # Only under a verb of receiving; the other side gives ("X received support from Y").
    receiving: bool = False


@dataclass(frozen=True)
class QualifiedFrame:
    """A neutral relation noun that an adjective gives a family: "a hostile relationship
    between X and Y" (rival_of), "a close working relationship with Y" (ally_of)."""

    predicate: str
    nouns: frozenset[str]
    adjectives: frozenset[str]


@dataclass(frozen=True)
class AppositionFrame:
    predicate: str
    nouns: frozenset[str]
    inverse: bool = False


_F = TypeVar("_F")


@dataclass(frozen=True)
class Frames:
    partner_nouns: frozenset[str]
    member_nouns: frozenset[str]
    whole_nouns: frozenset[str]
    part_nouns: frozenset[str]
    leader_nouns: frozenset[str]
    quantifiers: frozenset[str]
    target_nouns: frozenset[str]
    possessive_pronouns: frozenset[str]
    subject_pronouns: frozenset[str]
    control_verbs: frozenset[str]
    ending_verbs: frozenset[str]
    hypothetical_verbs: frozenset[str]
    ending_light_verbs: frozenset[str]
    ending_subject_verbs: frozenset[str]
    pair_nouns: frozenset[str]
    together_words: frozenset[str]
    joint_words: frozenset[str]
    verbs: tuple[VerbFrame, ...]
    nouns: tuple[NounFrame, ...]
    appositions: tuple[AppositionFrame, ...]
    founding_predicate: str
    founding_verbs: frozenset[str]
    founder_nouns: frozenset[str]
    appointment_verbs: frozenset[str] = frozenset()
    # Nouns whose clause is their maker's act: "X launched a campaign to eliminate Y".
    act_nouns: frozenset[str] = frozenset()
    object_control_verbs: frozenset[str] = frozenset()
    composite_nouns: frozenset[str] = frozenset()
    banner_phrases: frozenset[str] = frozenset()
    held_verbs: frozenset[str] = frozenset()
    joining_verbs: frozenset[str] = frozenset()
    tie_participles: frozenset[str] = frozenset()
    speculative_modals: frozenset[str] = frozenset()
    calling_verbs: frozenset[str] = frozenset()
    composing_verbs: frozenset[str] = frozenset()
    ending_splits: frozenset[str] = frozenset()
    qualified: tuple[QualifiedFrame, ...] = ()
    # The word for a post -> its role predicate ("successor" -> leader_of).
    posts: dict[str, str] = field(default_factory=dict)

    # The nouns a qualified frame reads, and the verbs no composite body acts by.
    qualified_nouns: frozenset[str] = field(init=False, compare=False, repr=False)
    idle_verbs: frozenset[str] = field(init=False, compare=False, repr=False)
    # Lemma -> its frames in their order, so that each word is one look-up (most have none).
    _verb_index: dict[str, tuple[VerbFrame, ...]] = field(init=False, compare=False, repr=False)
    _noun_index: dict[str, tuple[NounFrame, ...]] = field(init=False, compare=False, repr=False)
    _apposition_index: dict[str, AppositionFrame] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        qualified_nouns = frozenset(n for f in self.qualified for n in f.nouns)
        object.__setattr__(self, "qualified_nouns", qualified_nouns)
        idle_verbs = frozenset({"be", "have", *self.composing_verbs})
        object.__setattr__(self, "idle_verbs", idle_verbs)
        object.__setattr__(self, "_verb_index", _by_lemma(self.verbs, lambda f: f.lemmas))
        object.__setattr__(self, "_noun_index", _by_lemma(self.nouns, lambda f: f.lemmas))
        first: dict[str, AppositionFrame] = {}
        for frame in self.appositions:
            for noun in frame.nouns:
                first.setdefault(noun, frame)
        object.__setattr__(self, "_apposition_index", first)

    def verb_frames(self, lemma: str) -> list[VerbFrame]:
        return list(self._verb_index.get(lemma, ()))

    def noun_frames(self, lemma: str) -> list[NounFrame]:
        return list(self._noun_index.get(lemma, ()))

    def apposition_frame(self, lemma: str) -> AppositionFrame | None:
        return self._apposition_index.get(lemma)


def _by_lemma(
    frames: Iterable[_F], lemmas: Callable[[_F], frozenset[str]]
) -> dict[str, tuple[_F, ...]]:
    """Each lemma's frames, in the frames' order."""
    found: dict[str, list[_F]] = {}
    for frame in frames:
        for lemma in lemmas(frame):
            found.setdefault(lemma, []).append(frame)
    return {lemma: tuple(listed) for lemma, listed in found.items()}


def _object_spec(spec: str) -> tuple[str, str | None]:
    """ "prep:with" -> ("with", None); "dobj" -> ("dobj", None);
    "dobj:war+prep:on" -> ("on", "war")."""
    if spec.startswith("dobj:"):
        noun, _, prep = spec[5:].partition("+prep:")
        return prep, noun
    if spec.startswith("prep:"):
        return spec[5:], None
    return spec, None


@lru_cache(maxsize=1)
def load_frames() -> Frames:
    raw = read_toml("lexicons", "frames.toml")
    arguments, clauses = raw["arguments"], raw["clauses"]
    known = set(vocabulary().predicates)
    for table in ("verb", "noun", "apposition", "qualified"):
        for frame in raw[table]:
            if frame["predicate"] not in known:
                raise ValueError(f"frames.toml: unknown predicate {frame['predicate']!r}")
    return Frames(
        partner_nouns=frozenset(arguments["partner_nouns"]),
        member_nouns=frozenset(arguments["member_nouns"]),
        whole_nouns=frozenset(arguments["whole_nouns"]),
        part_nouns=frozenset(arguments["part_nouns"]),
        leader_nouns=frozenset(arguments["leader_nouns"]),
        quantifiers=frozenset(arguments["quantifiers"]),
        target_nouns=frozenset(arguments["target_nouns"]),
        possessive_pronouns=frozenset(arguments["possessive_pronouns"]),
        subject_pronouns=frozenset(arguments["subject_pronouns"]),
        control_verbs=frozenset(clauses["control_verbs"]),
        ending_verbs=frozenset(clauses["ending_verbs"]),
        hypothetical_verbs=frozenset(clauses["hypothetical_verbs"]),
        ending_light_verbs=frozenset(clauses["ending_light_verbs"]),
        ending_subject_verbs=frozenset(clauses["ending_subject_verbs"]),
        pair_nouns=frozenset(arguments["pair_nouns"]),
        together_words=frozenset(clauses["together_words"]),
        joint_words=frozenset(clauses["joint_words"]),
        verbs=tuple(
            VerbFrame(
                predicate=f["predicate"],
                lemmas=frozenset(f["lemmas"]),
                objects=tuple(_object_spec(s) for s in f["objects"]),
                together=f.get("together", "never"),
                inverse=f.get("inverse", False),
                particles=frozenset(f["particles"]) if "particles" in f else None,
                needs_particle=f.get("needs_particle", False),
                passive_only=f.get("passive_only", False),
                dobj_nouns=frozenset(f["dobj_nouns"]) if "dobj_nouns" in f else None,
                in_nouns=frozenset(f["in_nouns"]) if "in_nouns" in f else None,
                not_in_nouns=f.get("not_in_nouns", False),
                bare=f.get("bare", False),
            )
            for f in raw["verb"]
        ),
        nouns=tuple(
            NounFrame(
                predicate=f["predicate"],
                lemmas=frozenset(f["lemmas"]),
                partners=tuple(f["partners"]),
                members=tuple(f.get("members", [])),
                together=f.get("together", False),
                receiving=f.get("receiving", False),
            )
            for f in raw["noun"]
        ),
        appositions=tuple(
            AppositionFrame(f["predicate"], frozenset(f["nouns"]), f.get("inverse", False))
            for f in raw["apposition"]
        ),
        founding_predicate=raw["founding"]["predicate"],
        founding_verbs=frozenset(raw["founding"]["verbs"]),
        founder_nouns=frozenset(raw["founding"]["founder_nouns"]),
        appointment_verbs=frozenset(raw["appointment"]["verbs"]),
        act_nouns=frozenset(clauses["act_nouns"]),
        object_control_verbs=frozenset(clauses["object_control_verbs"]),
        composite_nouns=frozenset(arguments["composite_nouns"]),
        banner_phrases=frozenset(clauses["banner_phrases"]),
        held_verbs=frozenset(arguments["held_verbs"]),
        joining_verbs=frozenset(clauses["joining_verbs"]),
        tie_participles=frozenset(arguments["tie_participles"]),
        speculative_modals=frozenset(clauses["speculative_modals"]),
        calling_verbs=frozenset(clauses["calling_verbs"]),
        composing_verbs=frozenset(arguments["composing_verbs"]),
        ending_splits=frozenset(clauses["ending_splits"]),
        qualified=tuple(
            QualifiedFrame(f["predicate"], frozenset(f["nouns"]), frozenset(f["adjectives"]))
            for f in raw["qualified"]
        ),
        posts=dict(raw["appointment"]["posts"]),
    )


# ------------------------------------------------------------------------------ the sentence


@dataclass
class _Sentence:
    """A sentence's tokens with the group each one names, if any."""

    sent: Span
    groups: dict[int, LocalEntity]
    frames: Frames
    # Tokens of people's names -> the person: a leader may speak for a group.
    people: dict[int, LocalEntity] = field(default_factory=dict)
    # The group in focus before the sentence ("the movement chose Y").
    focus: LocalEntity | None = None
    # The groups named in the sentences before, the latest last.
    earlier: list[LocalEntity] = field(default_factory=list)
    # What a subject "it" stands for when the sentence does not say (relations.MaskedSentence).
    topic: LocalEntity | None = None
    # What groups spoken of without their names merged into (relations.MaskedSentence).
    unnamed: list[list[LocalEntity]] = field(default_factory=list)
    # By token index: whether the word is only hypothetical, or negated (each frame of the
    # sentence asks again of the same words; the answers depend on the parse alone).
    hypothetical: dict[int, bool] = field(default_factory=dict)
    negated: dict[int, bool] = field(default_factory=dict)

    def group(self, token: Token) -> LocalEntity | None:
        return self.groups.get(token.i)


def _token_groups(sent: Span, masked: MaskedSentence) -> dict[int, LocalEntity]:
    """Token index -> the group its mention names; group references the masking resolved
    ("the group", "its") count too."""
    groups = {
        index: masked.entities[entity]
        for index, entity in masked.token_entities.items()
        if masked.entities[entity].type in SIDE_TYPES
    }
    for start, end, entity in masked.references:
        if entity.type not in SIDE_TYPES:
            continue
        for token in sent:
            offset = token.idx - sent.start_char
            if start <= offset < end and token.i not in groups:
                groups[token.i] = entity
    return groups


def _lemma(token: Token) -> str:
    return token.lemma_.lower()


def _following_conjuncts(token: Token) -> list[Token]:
    """The tokens coordinated after this one ("X, Y and Z": Y and Z for X)."""
    found: list[Token] = []
    stack = [c for c in children_of(token) if c.dep_ == "conj"]
    while stack:
        conj = stack.pop(0)
        found.append(conj)
        stack.extend(c for c in children_of(conj) if c.dep_ == "conj")
    found.sort(key=lambda t: t.i)
    # A coordination ends with the conjunct after its "and": in "X and other groups, Y merged"
    # the parse may take Y for one more conjunct.
    links = [c.i for w in (token, *found) for c in children_of(w) if c.dep_ == "cc"]
    if links:
        last = next((c for c in found if c.i > min(links)), None)
        found = [c for c in found if c.i < min(links) or c is last]
    return found


def _clause_subject_of(s: _Sentence, token: Token) -> LocalEntity | None:
    """The group that is the subject of the clause a possessive pronoun sits in."""
    head = token.head
    for _ in range(8):
        for child in children_of(head):
            # Not a subject the pronoun is part of ("its fighters attacked"): that is circular.
            if child.dep_ in {"nsubj", "nsubjpass"} and token not in child.subtree:
                found = _sides(s, child, expand=False)
                if found:
                    return found[0]
        if head.head.i == head.i:
            return None
        head = head.head
    return None


def _own_group(s: _Sentence, token: Token) -> LocalEntity | None:
    """The group a token names, or a possessive pronoun stands for (the subject of its clause
    rather than the group last named: "X took the town from Y, one of its rivals")."""
    if token.lower_ in s.frames.possessive_pronouns:
        subject = _clause_subject_of(s, token)
        if subject is not None:
            return subject
    return s.group(token)


def _name_conjuncts(s: _Sentence, token: Token) -> list[Token]:
    """The names coordinated with the one this token is part of. The parse may hang them on
    any word of a multi-word name ("the Islamic Movement of Kurdistan, al-Nahda, and Hamas":
    on "Kurdistan")."""
    entity = s.group(token)
    if entity is None:
        return _following_conjuncts(token)
    words = [token]
    for step in (-1, 1):
        index = token.i + step
        while s.sent.start <= index < s.sent.end and s.groups.get(index) is entity:
            words.append(s.sent.doc[index])
            index += step
    found: list[Token] = []
    for word in words:
        found.extend(c for c in _following_conjuncts(word) if c.i > token.i and c not in words)
    return found


@dataclass(frozen=True)
class _Reading:
    """How a noun phrase may stand for a group: through its people (`people`: "X fighters"),
    through its things (`things`: "an X checkpoint", for the side attacked), through its leader
    (`leaders`: "X leader Y pledged"); a group as a whole ("the remainder of X") always."""

    people: bool = True
    things: bool = False
    leaders: bool = False


_ACTING = _Reading()
# Merging, splitting and joining are the group's own acts: some of its fighters are not it.
_STRUCTURAL = _Reading(people=False)


def _modifier_groups(s: _Sentence, token: Token) -> list[LocalEntity]:
    """Groups named before a noun or after its "of": "Hizbul Islam fighters", "members of X",
    "its allies in X"."""
    found: list[LocalEntity] = []
    if _lemma(token) in s.frames.partner_nouns:
        # "its allies in X" are X; "its allies", "the allies of X" are someone else's.
        for child in children_of(token):
            if child.dep_ == "prep" and child.lower_ == "in":
                for pobj in children_of(child):
                    if pobj.dep_ == "pobj":
                        found.extend(_sides(s, pobj, reading=_Reading(people=False)))
        return found
    for child in children_of(token):
        if child.dep_ in {"compound", "poss", "nmod", "amod"} and child.i < token.i:
            group = _own_group(s, child) or _tied_group(s, child)
            if group is not None:
                found.append(group)
                found.extend(
                    g for c in _following_conjuncts(child) if (g := s.group(c)) is not None
                )
        elif child.dep_ == "prep" and child.lower_ in {"of", "from"}:
            # "members of X", "rebels from X"; "rebels from the Y front of X": X's part.
            for pobj in children_of(child):
                if pobj.dep_ == "pobj":
                    sides = _sides(s, pobj, reading=_Reading(people=False))
                    # "troops from Uganda" are Ugandan, not a group of Uganda's
                    from_country = child.lower_ == "from"
                    found.extend(g for g in sides if not (from_country and g.type == "country"))
                    # the part may be the object itself or a name set beside it
                    for part in (pobj, *(c for c in children_of(pobj) if c.dep_ == "appos")):
                        if not found and _lemma(part) in s.frames.part_nouns:
                            found.extend(_modifier_groups(s, part))
    return found


def _tied_group(s: _Sentence, modifier: Token) -> LocalEntity | None:
    """ "X-linked militants", "X-associated fighters": the group the people are tied to."""
    if _lemma(modifier) not in s.frames.tie_participles:
        return None
    return next(
        (
            g
            for c in children_of(modifier)
            if c.dep_ in {"npadvmod", "compound", "nmod"} and c.i < modifier.i
            for g in [s.group(c)]
            if g is not None
        ),
        None,
    )


def _sides(
    s: _Sentence, token: Token, *, expand: bool = True, reading: _Reading = _ACTING
) -> list[LocalEntity]:
    """The groups a noun phrase stands for: its name, or the group it is said to be part of,
    as `reading` allows; with `expand`, its conjuncts' too."""
    frames = s.frames
    found: list[LocalEntity] = []
    own = s.group(token)
    lemma = _lemma(token)
    member = (
        lemma in frames.member_nouns | frames.partner_nouns or token.lower_ in frames.member_nouns
    )
    people = reading.people and member
    things = reading.things and lemma in frames.target_nouns
    if own is None and token.lower_ in frames.subject_pronouns:
        own = _pronoun_referent(s, token)
    if own is not None:
        found.append(own)
    elif lemma in frames.whole_nouns or people or things:
        found += _modifier_groups(s, token)
    elif reading.people and (token.pos_ == "NUM" or lemma in frames.quantifiers):
        # "60 of its fighters", "some of X's members"
        for child in children_of(token):
            if child.dep_ == "prep" and child.lower_ == "of":
                for pobj in children_of(child):
                    if pobj.dep_ == "pobj":
                        found += _sides(s, pobj, expand=False, reading=reading)
    if not found:
        found += _named_groups(s, token)
    if not found and reading.people:
        found += _composite(s, token)
    if not found and lemma in frames.pair_nouns:
        found += _pair_named_before(s, token)
    if not found and reading.leaders and (token.i in s.people or lemma in frames.leader_nouns):
        found += _leader_groups(s, token)
    if not found and reading.things and token.i in s.people:
        # "killing JRTN leader Izzat al-Douri": a group's leader is one of its things.
        found += _leader_groups(s, token)
    # "the CMA, including the MNLA", "fifty groups, including X": the members named too.
    for prep in children_of(token):
        such_as = prep.lower_ == "as" and any(c.lower_ == "such" for c in children_of(prep))
        if prep.dep_ == "prep" and (prep.lower_ in {"including", "like"} or such_as):
            for pobj in children_of(prep):
                if pobj.dep_ == "pobj":
                    found.extend(_sides(s, pobj, reading=reading))
    if expand and token.dep_ != "conj":
        conjuncts = _name_conjuncts(s, token)
        for conj in conjuncts:
            found.extend(_sides(s, conj, expand=False, reading=reading))
        if own is not None and not conjuncts:
            found.extend(_listed_after(s, token))
        # A list the parse hangs on an apposition: "alongside X troops, Hezbollah, the IRGC and
        # other militias" (Hezbollah an apposition of "troops", the rest its conjuncts).
        for appos in (c for c in children_of(token) if c.dep_ == "appos"):
            # "X members and Y members" parsed as X with "members and Y" in apposition.
            people = reading.people and _lemma(appos) in frames.member_nouns
            if (s.group(appos) is not None or people) and _following_conjuncts(appos):
                found.extend(_sides(s, appos, reading=reading))
    unique: dict[str, LocalEntity] = {}
    for entity in found:
        unique.setdefault(entity.id, entity)
    return list(unique.values())


def _pronoun_referent(s: _Sentence, token: Token) -> LocalEntity | None:
    """The group a subject "it" stands for: the speaker of the clause it is reported in ("X
    claimed that it and Y attacked"), else the subject of the text so far ("X joined Y. In
    May it split from Y": X)."""
    subject = token
    while subject.dep_ == "conj":
        subject = subject.head
    if subject.dep_ not in _SUBJECT_DEPS:
        return None
    clause = subject.head
    if clause.dep_ == "ccomp" and clause.head.pos_ in {"VERB", "AUX"}:
        for speaker in _subject_tokens(clause.head):
            group = s.group(speaker)
            if group is not None:
                return group
    # A group named earlier in this sentence is the likelier one; leave that to the masking.
    if any(i < token.i for i in s.groups):
        return None
    return s.topic


def _under_banner(s: _Sentence, noun: Token) -> list[_Found]:
    """ "X fought under the banner of Y", "X threatened to kill hostages in the name of Y",
    "X acted on Y's behalf": X acts for Y."""
    prep = noun.head
    if noun.dep_ != "pobj" or f"{prep.lower_}:{_lemma(noun)}" not in s.frames.banner_phrases:
        return []
    owners = [g for c in children_of(noun) if c.dep_ == "poss" for g in [_own_group(s, c)] if g]
    owners += [g for t in _preposition_objects(noun, "of") for g in _sides(s, t)]
    verb = prep.head
    if not owners or verb.pos_ not in {"VERB", "AUX"} or _hypothetical(s, verb):
        return []
    actors = [g for t in _subject_tokens(verb) for g in _sides(s, t)]
    actors = [g for g in actors if g.id not in {o.id for o in owners}]
    rule = "parse:banner:affiliated_with"
    return _pairs("affiliated_with", actors, owners, [verb, noun], rule, _negated(s, verb))


def _unnamed_groups(s: _Sentence, token: Token) -> bool:
    """Whether a noun phrase speaks of several groups without naming them: "four Somali
    groups", "the original groups"."""
    return (
        _lemma(token) in s.frames.pair_nouns
        and token.tag_ in {"NNS", "NNPS"}
        and s.group(token) is None
        and not any(c.dep_ == "poss" for c in children_of(token))
    )


def _unnamed_named(s: _Sentence, token: Token) -> list[_Found]:
    """ "The four original groups were A, B, C and D": the groups an earlier sentence merged
    without naming them, named now; each merged into what they formed, and with each other."""
    if not s.unnamed or not _unnamed_groups(s, token) or token.dep_ != "nsubj":
        return []
    if not any(
        c.dep_ == "det" and c.lower_ in {"the", "these", "those"} for c in children_of(token)
    ):
        return []
    copula = token.head
    if _lemma(copula) != "be":
        return []
    members = [
        g
        for c in children_of(copula)
        if c.dep_ == "attr"
        for g in _sides(s, c, reading=_STRUCTURAL)
    ]
    new = s.unnamed[-1]
    members = [g for g in members if g.id not in {n.id for n in new}]
    if len(members) < 2:
        return []
    tokens = [token, copula]
    found = _pairs("merged_into", members, new, tokens, "parse:named:merged_into", False)
    return found + _together("merged_with", members, tokens, "parse:named:merged_with", False)


def _listed_after(s: _Sentence, token: Token) -> list[LocalEntity]:
    """The names listed after this one when the parse misses the list: "the merger of X (X1),
    Y, and Z" with Y and Z hung elsewhere. Only names, commas, parentheses and one "and"/"or"
    before the last name."""
    entity = s.group(token)
    index = token.i + 1
    while index < s.sent.end and s.groups.get(index) is entity:
        index += 1
    listed: list[LocalEntity] = []
    linked = closed = False
    doc = s.sent.doc
    while index < s.sent.end:
        word = doc[index]
        group = s.groups.get(index)
        if word.text == "(":
            close = next((i for i in range(index, s.sent.end) if doc[i].text == ")"), None)
            if close is None:
                break
            index = close + 1
            continue
        if group is not None:
            if not listed or listed[-1] is not group:
                listed.append(group)
            closed = linked
        elif word.lower_ in {"and", "or"}:
            linked = True
        elif word.text not in {",", "-"} and word.lower_ != "the" and word.pos_ != "PROPN":
            # A name we do not know ("al-Nahda") may sit in the list; anything else ends it.
            break
        index += 1
    if not closed:
        # No name after an "and": not a list of names.
        return []
    return [g for g in listed if g.id != entity.id] if entity is not None else []


def _pair_named_before(s: _Sentence, token: Token) -> list[LocalEntity]:
    """ "the two groups", "both groups": the last two groups the sentence named before them."""
    counted = any(
        (c.dep_ == "nummod" and c.lower_ in {"two", "2"})
        or (c.dep_ in {"det", "predet"} and c.lower_ == "both")
        for c in children_of(token)
    )
    if not counted:
        return []
    named: list[LocalEntity] = []
    here = [s.groups[i] for i in sorted(i for i in s.groups if i < token.i)]
    # Named in this sentence first, else in the ones before ("Both groups collaborated").
    for entity in reversed(s.earlier + here):
        if entity not in named:
            named.append(entity)
        if len(named) == 2:
            return list(reversed(named))
    return []


def _names_a_pair(sent: Span, frames: Frames) -> bool:
    """Whether the sentence speaks of "the two groups" or "both groups"."""
    doc, lemmas = sent.doc, words_of(sent.doc).lemma
    return any(
        lemmas[i] in frames.pair_nouns
        and any(c.lower_ in {"two", "2", "both"} for c in doc[i].children)
        for i in range(sent.start, sent.end)
    )


def _composite(s: _Sentence, token: Token) -> list[LocalEntity]:
    """ "a group that included X fighters and Y fighters": one body made of several groups'
    people, each of whom acts in what the body does."""
    if _lemma(token) not in s.frames.composite_nouns or s.group(token) is not None:
        return []
    found: list[LocalEntity] = []
    for clause in children_of(token):
        if clause.dep_ in {"relcl", "acl"} and _lemma(clause) in s.frames.composing_verbs:
            parts = [c for c in children_of(clause) if c.dep_ == "dobj"]
            parts += _preposition_objects(clause, "of")
            found += [g for t in parts for g in _sides(s, t)]
    return found


def _named_groups(s: _Sentence, token: Token) -> list[LocalEntity]:
    """ "a new organisation called Z", "a coalition known as Z": the group named so."""
    found: list[LocalEntity] = []
    for child in children_of(token):
        if child.dep_ == "acl" and _lemma(child) in _NAMING_VERBS:
            named = [c for c in children_of(child) if c.dep_ in {"oprd", "attr", "dobj"}]
            named += _preposition_objects(child, "as")
            named += [c for t in named for c in _following_conjuncts(t)]
            found += [g for t in named if (g := s.group(t)) is not None]
    return found


def _leader_groups(s: _Sentence, token: Token) -> list[LocalEntity]:
    """The group whose leader a noun phrase names: "Boko Haram leader Abubakar Shekau", "the
    leader of X", "X's chief"."""
    frames = s.frames
    if _lemma(token) in frames.leader_nouns:
        return _modifier_groups(s, token)
    for child in children_of(token):
        if child.dep_ in {"compound", "appos", "nmod"} and _lemma(child) in frames.leader_nouns:
            found = _modifier_groups(s, child)
            if found:
                return found
    if token.dep_ == "appos" and _lemma(token.head) in frames.leader_nouns:
        return _modifier_groups(s, token.head)
    return []


# ------------------------------------------------------------------------------ clauses


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in {"nsubjpass", "auxpass"} for c in children_of(verb))


def _subject_tokens(verb: Token, depth: int = 0) -> list[Token]:
    """The tokens naming a verb's subject, following shared subjects up the tree: "X began
    targeting Y" (xcomp), "X clashed with Y and took Z" (conj), "X, which fought Y" (relcl)."""
    subjects = [c for c in children_of(verb) if c.dep_ in _SUBJECT_DEPS]
    if not subjects:
        # "X became associated with Y": the parse may hang the subject on the auxiliary.
        subjects = [
            c
            for a in children_of(verb)
            if a.dep_ in {"aux", "auxpass"}
            for c in children_of(a)
            if c.dep_ in _SUBJECT_DEPS
        ]
    if subjects:
        relative = [s for s in subjects if s.lower_ in {"which", "who", "that"}]
        if relative and verb.dep_ == "relcl":
            return [verb.head]
        return subjects
    if depth > 4 or verb.head.i == verb.i:
        return []
    if verb.dep_ in _SHARED_SUBJECT_DEPS and verb.head.pos_ in {"VERB", "AUX"}:
        return _subject_tokens(verb.head, depth + 1)
    if verb.dep_ == "pcomp":
        # "X claimed responsibility for killing Y": the verb the phrase hangs on.
        head = verb.head
        # Tokens are compared by position: spaCy makes a new Token object on every access,
        # so `head.head is not head` never ends at a root that is no verb.
        while head.head.i != head.i and head.pos_ not in {"VERB", "AUX"}:
            head = head.head
        if head.pos_ in {"VERB", "AUX"} and head.i != verb.i:
            if _lemma(head) in load_frames().object_control_verbs:
                # "Y accused X of targeting Z": X is the one said to target.
                objects = [c for c in children_of(head) if c.dep_ == "dobj"]
                return objects or [c for c in children_of(head) if c.dep_ == "nsubjpass"]
            return _subject_tokens(head, depth + 1)
    head = verb.head
    if verb.dep_ in {"acl", "amod"} and _lemma(head) in load_frames().act_nouns:
        # "X launched a campaign to eliminate Y", "X posted a video declaring allegiance to Y":
        # the act is its maker's, the subject of the verb that made it.
        maker = head.head if head.dep_ in {"dobj", "nsubjpass"} else None
        if maker is not None and maker.pos_ in {"VERB", "AUX"}:
            return _subject_tokens(maker, depth + 1) if head.dep_ == "dobj" else []
        return []
    if verb.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"}:
        return [head]
    if verb.dep_ in {"acomp", "oprd"} and head.pos_ in {"VERB", "AUX"}:
        # "X remained loyal to Y", "X became associated with Y": the copula's subject.
        return _subject_tokens(head, depth + 1)
    return []


def _agent_tokens(verb: Token) -> list[Token]:
    return [
        p
        for c in children_of(verb)
        if c.dep_ == "agent"
        for p in children_of(c)
        if p.dep_ == "pobj"
    ]


def _governors(token: Token, limit: int = 4) -> Iterator[Token]:
    """The verbs above a clause, nearest first, through complements and conjunctions."""
    current = token
    for _ in range(limit):
        if current.head.i == current.i:
            return
        if current.dep_ not in {"xcomp", "ccomp", "conj", "dobj", "pobj", "prep", "attr", "acomp"}:
            return
        current = current.head
        if current.pos_ in {"VERB", "AUX"}:
            yield current


def _negated(s: _Sentence, token: Token) -> bool:
    """ "did not join", "never allied", "no longer cooperates", "stopped cooperating"."""
    known = s.negated.get(token.i)
    if known is None:
        known = s.negated[token.i] = _negated_word(s, token)
    return known


def _negated_word(s: _Sentence, token: Token) -> bool:

    def own(word: Token) -> bool:
        for child in children_of(word):
            if child.dep_ == "neg":
                return True
            if child.dep_ == "advmod" and (
                child.lower_ == "never"
                or (child.lower_ == "longer" and any(g.lower_ == "no" for g in children_of(child)))
            ):
                return True
        return False

    if own(token):
        return True
    for governor in _governors(token, limit=2):
        if _lemma(governor) in s.frames.ending_verbs or own(governor):
            return True
    return False


def _hypothetical(s: _Sentence, token: Token) -> bool:
    """Only proposed, hoped for or talked about: "proposed an alliance", "urged X to join Y"."""
    known = s.hypothetical.get(token.i)
    if known is None:
        known = s.hypothetical[token.i] = _hypothetical_word(s, token)
    return known


def _hypothetical_word(s: _Sentence, token: Token) -> bool:
    if in_question(token):
        return True
    if any(
        c.dep_ == "mark" and c.lower_ in {"if", "whether", "unless"} for c in children_of(token)
    ):
        return True
    # "the two factions may now compete": only possible
    if any(c.dep_ == "aux" and c.lower_ in s.frames.speculative_modals for c in children_of(token)):
        return True
    return any(_lemma(g) in s.frames.hypothetical_verbs for g in _governors(token, limit=3))


def _preposition_objects(verb: Token, preposition: str) -> list[Token]:
    """The objects of a preposition under the verb, its particle or its adverb ("broke away
    from Y", "fought alongside Y")."""
    heads = [verb, *(c for c in children_of(verb) if c.dep_ in {"prt", "advmod", "dobj"})]
    found = []
    for head in heads:
        # "allied with X and later with Y": a second preposition coordinated with the first.
        preps = [
            *children_of(head),
            *(p for c in children_of(head) for p in _following_conjuncts(c)),
        ]
        for prep in preps:
            as_prep = prep.dep_ in {"prep", "agent", "dative"} or (
                prep.dep_ == "conj" and prep.pos_ == "ADP"
            )
            if as_prep and prep.lower_ == preposition:
                found.extend(p for p in children_of(prep) if p.dep_ in {"pobj", "pcomp"})
            # "alongside" is sometimes parsed as an adverb with its object under it.
            if prep.dep_ == "advmod" and prep.lower_ == preposition:
                found.extend(p for p in children_of(prep) if p.dep_ == "pobj")
            # "fought along side Y": the preposition written as two words.
            if preposition == "alongside" and _two_word_alongside(prep):
                found.extend(p for p in children_of(prep) if p.dep_ in {"pobj", "dobj"})
    return found


def _two_word_alongside(token: Token) -> bool:
    """ "along side" for "alongside": either word may carry the object."""
    doc = token.doc
    if token.lower_ == "side":
        return token.i > 0 and doc[token.i - 1].lower_ == "along"
    return token.lower_ == "along" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "side"


def _has_together(s: _Sentence, verb: Token) -> bool:
    words = s.frames.together_words
    if any(c.lower_ in words for c in children_of(verb) if c.dep_ in {"advmod", "prt", "npadvmod"}):
        return True
    # "X and Y conducted a joint attack", "worked closely together"
    for child in children_of(verb):
        if child.dep_ in {"dobj", "pobj"} and any(
            a.lower_ in s.frames.joint_words for a in children_of(child) if a.dep_ in {"amod"}
        ):
            return True
    return False


_RECIPROCAL = {"each other", "one another"}


def _is_reciprocal(word: Token) -> bool:
    """ "one another", "each other", whatever clause the parse hangs on them ("worked with one
    another to combat Y")."""
    return any(
        f"{word.lower_} {c.lower_}" in _RECIPROCAL or f"{c.lower_} {word.lower_}" in _RECIPROCAL
        for c in children_of(word)
        if c.dep_ in {"det", "amod", "advmod"}
    )


def _reciprocal_object(verb: Token, frame: VerbFrame) -> bool:
    """ "fought each other", "fought alongside one another", "attacked one another's members":
    the frame's own object is the coordinated subjects themselves."""
    prepositions = {p for p, _ in frame.objects}
    objects = [c for c in children_of(verb) if c.dep_ == "dobj" and "dobj" in prepositions]
    objects += [
        p
        for c in children_of(verb)
        if c.dep_ == "prep" and c.lower_ in prepositions
        for p in children_of(c)
    ]
    for word in objects:
        if " ".join(t.lower_ for t in word.subtree) in _RECIPROCAL or _is_reciprocal(word):
            return True
    dobj = "dobj" in prepositions
    return dobj and any(t.lower_ in {"another", "other"} and t.dep_ == "poss" for t in verb.subtree)


# ------------------------------------------------------------------------------ matches


@dataclass
class _Found:
    predicate: str
    subject: LocalEntity
    object: LocalEntity
    tokens: list[Token]
    rule: str
    negated: bool = False


def _pairs(
    predicate: str,
    subjects: Iterable[LocalEntity],
    objects: Iterable[LocalEntity],
    tokens: list[Token],
    rule: str,
    negated: bool,
) -> list[_Found]:
    objects = list(objects)
    return [_Found(predicate, s, o, tokens, rule, negated) for s in subjects for o in objects]


def _together(
    predicate: str, sides: list[LocalEntity], tokens: list[Token], rule: str, negated: bool
) -> list[_Found]:
    """Every pair among coordinated sides."""
    return [
        _Found(predicate, a, b, tokens, rule, negated)
        for i, a in enumerate(sides)
        for b in sides[i + 1 :]
    ]


_HOSTILE = frozenset({"fights", "rival_of"})


def _readings(predicate: str) -> tuple[_Reading, _Reading]:
    """How the subject and the object of a predicate may be written."""
    found = vocabulary().predicate(predicate)
    if predicate == "merged_into":
        # A group merging into another's forces merges into that group.
        return _STRUCTURAL, _ACTING
    if predicate in {"part_of", "member_of"} or (found and found.family in {"merger", "splinter"}):
        return _STRUCTURAL, _STRUCTURAL
    if predicate in _HOSTILE:
        return _ACTING, _Reading(things=True)
    if predicate in {"pledged_allegiance_to", "supports"}:
        leaders = _Reading(leaders=True)
        return leaders, leaders
    return _ACTING, _ACTING


def _particles(verb: Token) -> set[str]:
    return {c.lower_ for c in children_of(verb) if c.dep_ == "prt"}


def _has_particle(verb: Token, wanted: frozenset[str]) -> bool:
    """ "drove X out of Y": the particle may hang on the verb or inside its object."""
    return any(t.lower_ in wanted and t.dep_ in {"prt", "prep", "advmod"} for t in verb.subtree)


def _in_nouns(verb: Token) -> set[str]:
    """The nouns the verb carries after "in": "joined Y in the fight against Z"."""
    return {_lemma(p) for p in _preposition_objects(verb, "in")}


def _frame_applies(s: _Sentence, frame: VerbFrame, verb: Token, passive: bool) -> bool:
    if frame.passive_only and not (passive or verb.pos_ == "ADJ"):
        return False
    particles = _particles(verb)
    if frame.particles is not None and particles and not particles & frame.particles:
        return False
    if frame.needs_particle and not _has_particle(verb, frame.particles or frozenset()):
        return False
    if frame.dobj_nouns is not None:
        objects = [c for c in children_of(verb) if c.dep_ == "dobj"]
        if not any(_lemma(c) in frame.dobj_nouns for c in objects):
            return False
    if frame.in_nouns is not None and not _in_nouns(verb) & frame.in_nouns:
        return False
    if frame.bare and any(
        c.dep_ == "dobj" and s.group(c) is None and not _own_groups_word(c)
        for c in children_of(verb)
    ):
        return False
    if frame.not_in_nouns:
        # "joined Y in the fight": another frame's reading, not this one's.
        elsewhere = {n for f in s.frames.verb_frames(_lemma(verb)) for n in f.in_nouns or ()}
        if _in_nouns(verb) & elsewhere:
            return False
    return True


def _own_groups_word(token: Token) -> bool:
    """ "merged their groups into Z": the subjects' own groups, i.e. the subjects."""
    return _lemma(token) in _GROUP_NOUNS | {"faction", "force", "unit"} and any(
        c.dep_ == "poss" for c in children_of(token)
    )


def _frame_objects(frame: VerbFrame, verb: Token, passive: bool) -> list[Token]:
    found: list[Token] = []
    for preposition, noun in frame.objects:
        if preposition == "dobj":
            dep = "nsubjpass" if passive else "dobj"
            found += [c for c in children_of(verb) if c.dep_ == dep]
            continue
        if noun is not None and not any(
            c.dep_ == "dobj" and _lemma(c) == noun for c in children_of(verb)
        ):
            continue
        objects = _preposition_objects(verb, preposition)
        if not objects and preposition == "against":
            objects = _nested_preposition_objects(verb, preposition)
        found += objects
    if found and frame.predicate in _HOSTILE:
        # "fought against the CMA, including the MNLA" (the parse may hang it on the verb)
        found += _preposition_objects(verb, "including")
        found += _holders(verb, found)
    return found


def _holders(verb: Token, objects: list[Token]) -> list[Token]:
    """Who holds the ground attacked: "attacked the town, controlled by Y", also when the
    parse hangs the description on a place phrase of the verb ("near the border, held by Y")."""
    places = [
        *objects,
        *(p for prep in ("near", "in", "at", "around") for p in _preposition_objects(verb, prep)),
    ]
    held = load_frames().held_verbs
    return [
        agent
        for place in places
        for clause in children_of(place)
        if clause.dep_ == "acl" and clause.tag_ == "VBN" and _lemma(clause) in held
        for agent in _agent_tokens(clause)
    ]


# Clauses of their own inside a verb's phrase: a preposition there is not the verb's.
_CLAUSE_DEPS = {"relcl", "acl", "advcl", "ccomp", "xcomp", "conj", "csubj", "parataxis"}


def _nested_preposition_objects(verb: Token, preposition: str) -> list[Token]:
    """ "fought alongside X, Y and other militias against Z": the parse may hang "against Z" on
    a word of the verb's object rather than on the verb; not inside a clause of its own or the
    subject."""
    found: list[Token] = []
    stack = [c for c in children_of(verb) if c.dep_ not in _SUBJECT_DEPS | _CLAUSE_DEPS]
    while stack:
        word = stack.pop()
        if word.dep_ == "prep" and word.lower_ == preposition:
            found.extend(p for p in children_of(word) if p.dep_ == "pobj")
            continue
        stack.extend(c for c in children_of(word) if c.dep_ not in _CLAUSE_DEPS - {"conj"})
    return found


def _verb_matches(s: _Sentence, verb: Token) -> list[_Found]:
    called = _called_for(s, verb)
    if called or _hypothetical(s, verb):
        return called
    found: list[_Found] = []
    negated = _negated(s, verb)
    passive = _is_passive(verb)
    for frame in s.frames.verb_frames(_lemma(verb)):
        if not _frame_applies(s, frame, verb, passive):
            continue
        subject_tokens = _subject_tokens(verb) or _stranded_subject(s, verb)
        object_tokens = _frame_objects(frame, verb, passive)
        if passive and any(p == "dobj" for p, _ in frame.objects):
            # "Y was attacked by X": by X is the subject, the passive subject the object.
            subject_tokens = _agent_tokens(verb)
        subject_reading, object_reading = _readings(frame.predicate)
        subjects = [g for t in subject_tokens for g in _sides(s, t, reading=subject_reading)]
        objects = [g for t in object_tokens for g in _sides(s, t, reading=object_reading)]
        tokens = [verb, *subject_tokens, *object_tokens]
        rule = f"parse:verb:{frame.predicate}"
        if frame.inverse:
            found += _pairs(frame.predicate, objects, subjects, tokens, rule, negated)
        else:
            found += _pairs(frame.predicate, subjects, objects, tokens, rule, negated)
        if len(subjects) < 2 or frame.together == "never":
            continue
        reciprocal = _reciprocal_object(verb, frame)
        together = {
            "always": not objects,
            "merge": not objects,
            "adverb": _has_together(s, verb) or reciprocal,
            "reciprocal": not object_tokens or reciprocal,
        }.get(frame.together, False)
        if together:
            found += _together(frame.predicate, subjects, tokens, f"{rule}:together", negated)
    found += _joint_action(s, verb, negated)
    found += _composite_action(s, verb, negated)
    found += _joined_members(s, verb, negated)
    found += _formed(s, verb, negated)
    return found


def _called_for(s: _Sentence, verb: Token) -> list[_Found]:
    """ "X issued a statement calling for Sunnis to fight Y", "X urged its members to attack
    Y": no attack yet, but an open call to fight Y is enmity (rival_of)."""
    # The cheapest test first: most verbs are no complement of a call.
    call = _calling_verb(s, verb)
    if call is None or token_is_open_question(verb) or _negated(s, verb):
        return []
    if any(
        c.dep_ in {"aux", "mark"}
        and c.lower_ in s.frames.speculative_modals | {"if", "whether", "unless"}
        for c in children_of(verb)
    ):
        return []
    callers = [g for t in _subject_tokens(call) for g in _sides(s, t)]
    found: list[_Found] = []
    passive = _is_passive(verb)
    for frame in s.frames.verb_frames(_lemma(verb)):
        if frame.predicate not in _HOSTILE or not _frame_applies(s, frame, verb, passive):
            continue
        objects = _frame_objects(frame, verb, passive)
        targets = [g for t in objects for g in _sides(s, t, reading=_Reading(things=True))]
        found += _pairs(
            "rival_of", callers, targets, [verb, *objects], "parse:call:rival_of", False
        )
    return found


def _calling_verb(s: _Sentence, verb: Token) -> Token | None:
    """The verb calling for this one, up through complements: "calling for Sunnis to help
    fight Y"."""
    current = verb
    for _ in range(4):
        if current.dep_ not in {"xcomp", "ccomp", "advcl"} or current.head.i == current.i:
            return None
        current = current.head
        if _lemma(current) in s.frames.calling_verbs:
            return current
    return None


def token_is_open_question(token: Token) -> bool:
    return in_question(token)


def _stranded_subject(s: _Sentence, verb: Token) -> list[Token]:
    """The names right before a main verb the parse gave no subject ("In the years after the
    invasion, X and Y worked together": X and Y taken into the invasion phrase)."""
    if verb.dep_ != "ROOT" or verb.i == s.sent.start:
        return []
    doc = s.sent.doc
    index = verb.i - 1
    while index > s.sent.start and doc[index].pos_ == "ADV":
        index -= 1
    if s.group(doc[index]) is None:
        return []
    # The names listed there, one token each: "X, Y and Z worked".
    names: dict[str, Token] = {}
    while index >= s.sent.start:
        word = doc[index]
        group = s.group(word)
        if group is not None:
            names[group.id] = word
        elif word.text not in {",", "the"} and word.lower_ not in {"and", "or"}:
            break
        index -= 1
    return list(names.values())


def _joint_action(s: _Sentence, verb: Token, negated: bool) -> list[_Found]:
    """ "X and Y conducted a joint attack", "X and Y jointly attacked Z": an alliance between
    the coordinated subjects. Plain "X and Y attacked Z" is not enough."""
    if not _has_together(s, verb) or _lemma(verb) in {"be", "have"}:
        return []
    if _lemma(verb) in _merge_lemmas(s.frames):
        # "X and Y merged together": a merger, read by its own frame.
        return []
    subjects = [g for t in _subject_tokens(verb) for g in _sides(s, t)]
    if len(subjects) < 2:
        return []
    return _together("ally_of", subjects, [verb], "parse:joint:ally_of", negated)


def _joined_members(s: _Sentence, verb: Token, negated: bool) -> list[_Found]:
    """ "X joined the coalition, which includes Y and Z": X allied with its members."""
    if _lemma(verb) not in s.frames.joining_verbs or _hypothetical(s, verb):
        return []
    bodies = [c for c in children_of(verb) if c.dep_ == "dobj"]
    members = [g for t in bodies for g in _composite(s, t)]
    joiners = [g for t in _subject_tokens(verb) for g in _sides(s, t, reading=_STRUCTURAL)]
    members = [g for g in members if g.id not in {j.id for j in joiners}]
    return _pairs("ally_of", joiners, members, [verb, *bodies], "parse:joined:ally_of", negated)


def _composite_action(s: _Sentence, verb: Token, negated: bool) -> list[_Found]:
    """ "A group that included X fighters and Y fighters attacked Z": X and Y acted as one."""
    # Being made of groups is no act of theirs ("a delegation that included X and Y").
    if _lemma(verb) in s.frames.idle_verbs or _hypothetical(s, verb):
        return []
    members = [g for t in _subject_tokens(verb) for g in _composite(s, t)]
    members = list({g.id: g for g in members}.values())
    if len(members) < 2:
        return []
    return _together("ally_of", members, [verb], "parse:composite:ally_of", negated)


def _formed(s: _Sentence, verb: Token, negated: bool) -> list[_Found]:
    """ "X and Y merged to form Z" (each merged into Z), "members of Y formed Z", "Z, formed by
    former members of Y" (Z split from Y)."""
    frames = s.frames
    if not _founding(frames, verb) or negated:
        return []
    found: list[_Found] = []
    created: list[Token]
    if _is_passive(verb) or (verb.dep_ == "acl" and verb.tag_ == "VBN"):
        created = [c for c in children_of(verb) if c.dep_ == "nsubjpass"] or (
            [verb.head] if verb.dep_ == "acl" else []
        )
        founders = _agent_tokens(verb)
    else:
        created = [c for c in children_of(verb) if c.dep_ == "dobj"]
        founders = _subject_tokens(verb)
    new = [g for t in created for g in _copula_sides(s, t)]
    if not new:
        return []
    # "merged to form Z": the merging subjects each merged into Z.
    if verb.dep_ in {"xcomp", "advcl", "acl"} and _lemma(verb.head) in _merge_lemmas(frames):
        merging = [
            g
            for t in _subject_tokens(verb.head) + _preposition_objects(verb.head, "with")
            for g in _sides(s, t, reading=_STRUCTURAL)
        ]
        rule = "parse:formed:merged_into"
        tokens = [verb.head, verb]
        merging = [g for g in merging if g.id not in {n.id for n in new}]
        if not merging and any(_unnamed_groups(s, t) for t in _subject_tokens(verb.head)):
            # "Four groups merged to form Z": a later sentence may name them.
            s.unnamed.append(new)
        # "X and Y merged to form Z" says as much that X merged with Y.
        together = _together("merged_with", merging, tokens, "parse:formed:merged_with", False)
        return _pairs("merged_into", merging, new, tokens, rule, False) + together
    # "X split from Y to form Z", "X broke away from Y, forming Z": Z split from Y.
    if verb.dep_ in {"xcomp", "advcl", "conj"}:
        # The split may be the verb above ("split from Y to form Z") or beside it ("led a
        # group to split from Y, forming Z").
        splits = [verb.head] + [
            c for c in children_of(verb.head) if c.dep_ in {"xcomp", "advcl"} and c.i != verb.i
        ]
        parents = [
            g
            for split in splits
            for t in _split_from(s, split)
            for g in _sides(s, t, reading=_STRUCTURAL)
            if g.id not in {n.id for n in new}
        ]
        if parents:
            rule = "parse:formed:split"
            return _pairs("splinter_of", new, parents, [verb.head, verb], rule, False)
    # "Z was formed as part of a merger between X and Y", "formed through the merger of X and Y"
    words = list(verb.subtree)
    if verb.dep_ in {"advcl", "xcomp"}:
        # "facilitated a merger of X and Y to create Z": the merger is the governing verb's.
        words += [c for c in children_of(verb.head) if c.dep_ in {"dobj", "nsubjpass"}]
    for word in words:
        if _lemma(word) in _MERGER_NOUNS and word not in founders and word.head.i != verb.i:
            members = [
                g
                for preposition in ("between", "of")
                for t in _preposition_objects(word, preposition)
                for g in _sides(s, t, reading=_STRUCTURAL)
            ]
            rule = "parse:formed:merged_into"
            found += _pairs("merged_into", members, new, [verb, word], rule, False)
    for founder in founders:
        # "by the merger of X and Y"
        if _lemma(founder) in _MERGER_NOUNS:
            members = [
                g
                for t in _preposition_objects(founder, "of")
                for g in _sides(s, t, reading=_STRUCTURAL)
            ]
            found += _pairs(
                "merged_into", members, new, [verb, founder], "parse:formed:merged_into", False
            )
            continue
        if _lemma(founder) not in frames.founder_nouns:
            # "X organized two units, called Y and Z": a group's own parts.
            parts = [t for t in created if _lemma(t) in frames.part_nouns and s.group(t) is None]
            owners = [g for g in _sides(s, founder, reading=_STRUCTURAL)]
            owners = [g for g in owners if g.id not in {n.id for n in new}]
            if parts and owners:
                rule = "parse:formed:faction_of"
                found += _pairs("faction_of", new, owners, [verb, founder], rule, False)
            continue
        parents = [g for g in _sides(s, founder) if g.id not in {n.id for n in new}]
        rule = f"parse:formed:{frames.founding_predicate}"
        found += _pairs(frames.founding_predicate, new, parents, [verb, founder], rule, False)
    return found


def _founding(frames: Frames, verb: Token) -> bool:
    """Whether the verb founds a group; "found" after "helped" or "to" is to found, though the
    tagger may read it as the past of "find"."""
    if _lemma(verb) in frames.founding_verbs:
        return True
    auxiliaries = {_lemma(c) for c in children_of(verb) if c.dep_ == "aux"}
    return verb.lower_ == "found" and bool(auxiliaries) and not auxiliaries & {"have", "be"}


def _split_from(s: _Sentence, verb: Token) -> list[Token]:
    """What a splitting verb says was left: "split from Y", "left Y"."""
    found: list[Token] = []
    passive = _is_passive(verb)
    for frame in s.frames.verb_frames(_lemma(verb)):
        if frame.predicate == "splinter_of" and _frame_applies(s, frame, verb, passive):
            found += _frame_objects(frame, verb, passive)
    return found


_MERGER_NOUNS = {"merger", "merging", "amalgamation", "unification", "union", "fusion"}


def _merge_lemmas(frames: Frames) -> set[str]:
    return {
        lemma
        for f in frames.verbs
        if f.predicate in {"merged_with", "merged_into"}
        for lemma in f.lemmas
    } | {"join", "combine"}


# "a new organisation called Z", "a coalition known as Z"
_NAMING_VERBS = {"call", "name", "know", "dub", "brand", "style"}


def _copula_sides(s: _Sentence, token: Token) -> list[LocalEntity]:
    """The groups a noun stands for, also through a copula, an apposition or a name given to
    it: in "Z was a Kurdish organisation formed by ...", "a new organisation called Z", the
    organisation is Z."""
    found = _sides(s, token, reading=_STRUCTURAL)
    if found:
        return found

    if token.dep_ == "attr" and token.head.pos_ == "AUX":
        return [g for c in children_of(token.head) if c.dep_ == "nsubj" for g in _sides(s, c)]
    if token.dep_ == "appos":
        return _sides(s, token.head, expand=False)
    for child in children_of(token):
        if child.dep_ == "appos":
            return _sides(s, child, expand=False)
    return []


# ------------------------------------------------------------------------------ nouns


def _noun_first_sides(
    s: _Sentence, noun: Token, reading: _Reading
) -> tuple[list[LocalEntity], Token | None]:
    """The first side of a relation noun and the verb it hangs on: its possessor ("X's alliance
    with Y"), else the subject of the verb it is the object of ("X formed an alliance")."""
    possessors = [
        g
        for c in children_of(noun)
        if c.dep_ == "poss"
        for g in [_own_group(s, c)]
        if g is not None
    ]
    possessors += [
        g
        for c in children_of(noun)
        if c.dep_ in {"compound", "nmod", "amod"} and c.i < noun.i
        for g in [s.group(c)]
        if g is not None
    ]
    head = noun.head
    verb: Token | None = None
    if noun.dep_ in {"dobj", "attr", "nsubjpass", "oprd"} and head.pos_ in {"VERB", "AUX"}:
        verb = head
    elif noun.dep_ == "pobj" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
        verb = head.head
    if possessors:
        return possessors, verb
    if verb is None or noun.dep_ == "nsubjpass":
        return [], verb
    subjects = [g for t in _subject_tokens(verb) for g in _sides(s, t, reading=reading)]
    return subjects, verb


def _noun_matches(s: _Sentence, noun: Token) -> list[_Found]:
    found: list[_Found] = []
    if s.group(noun) is not None:
        return found
    for frame in s.frames.noun_frames(_lemma(noun)) + _qualified_frames(s, noun):
        if _hypothetical(s, noun):
            continue
        first_reading, other_reading = _readings(frame.predicate)
        first, verb = _noun_first_sides(s, noun, first_reading)
        if frame.receiving != (verb is not None and _lemma(verb) in _RECEIVING_VERBS):
            continue
        negated = _negated(s, noun)
        if verb is not None:
            negated = negated or _negated(s, verb)
            if _lemma(verb) in s.frames.ending_light_verbs:
                negated = True
                if frame.predicate in s.frames.ending_splits:
                    # "X ended its affiliation with Y", "cut its ties to Y": X split from Y.
                    ended = [
                        g
                        for p in frame.partners
                        # "ended its affiliation with Y": "with Y" may hang on the verb.
                        for t in _preposition_objects(noun, p) or _preposition_objects(verb, p)
                        for g in _sides(s, t, reading=_STRUCTURAL)
                    ]
                    found += _pairs(
                        "splinter_of", first, ended, [noun, verb], "parse:ended:splinter_of", False
                    )
        if noun.dep_ == "nsubj" and _lemma(noun.head) in s.frames.ending_subject_verbs:
            # "their alliance had disintegrated"
            negated = True
        rule = f"parse:noun:{frame.predicate}"
        tokens = [noun] + ([verb] if verb is not None else [])
        partners: list[LocalEntity] = []
        for preposition in frame.partners + frame.members:
            objects = _preposition_objects(noun, preposition)
            # A parse that hangs "with Y" on the verb: "ended their alliances with Y".
            if not objects and verb is not None and preposition != "between":
                objects = _preposition_objects(verb, preposition)
            if not objects and verb is not None and frame.receiving:
                # "received support in preparation for the attack from Y"
                objects = _nested_preposition_objects(verb, preposition)
            tokens += objects
            sides = [g for t in objects for g in _sides(s, t, reading=other_reading)]
            between = preposition == "between" or preposition in frame.members
            if between and len(sides) > 1 and not first:
                found += _together(frame.predicate, sides, tokens, rule, negated)
                continue
            partners += sides
        if frame.receiving:
            found += _pairs(frame.predicate, partners, first, tokens, rule, negated)
            continue
        found += _pairs(frame.predicate, first, partners, tokens, rule, negated)
        if frame.together and len(first) > 1 and not partners:
            found += _together(frame.predicate, first, tokens, rule, negated)
    found += _joint_noun(s, noun)
    return found


def _qualified_frames(s: _Sentence, noun: Token) -> list[NounFrame]:
    """A neutral relation noun read by its adjective: "a hostile relationship between X and
    Y" as rivalry, "a close working relationship with Y" as alliance."""
    lemma = _lemma(noun)
    if lemma not in s.frames.qualified_nouns:
        return []
    adjectives = {
        form
        for c in children_of(noun)
        if c.dep_ in {"amod", "compound"} and c.i < noun.i
        for form in (_lemma(c), c.lower_)
    }
    return [
        NounFrame(f.predicate, f.nouns, ("with", "between", "to"), together=True)
        for f in s.frames.qualified
        if lemma in f.nouns and adjectives & f.adjectives
    ]


# "X received support from Y"
_RECEIVING_VERBS = {"receive", "get", "obtain", "accept", "gain", "draw", "enjoy", "secure"}


def _joint_noun(s: _Sentence, noun: Token) -> list[_Found]:
    """ "a joint effort by X, Y and Z", "a joint attack by X and Y": allies, the doers."""
    if not any(c.dep_ == "amod" and c.lower_ in s.frames.joint_words for c in children_of(noun)):
        return []
    doers = [g for t in _preposition_objects(noun, "by") for g in _sides(s, t)]
    if len(doers) < 2 or _hypothetical(s, noun):
        return []
    return _together("ally_of", doers, [noun], "parse:joint:ally_of", _negated(s, noun))


# ------------------------------------------------------------------------------ appositions


def _described(
    s: _Sentence, noun: Token, reading: _Reading
) -> tuple[list[LocalEntity], str] | None:
    """The groups a describing noun is said of, and how: "X, a foe of Y" (apposition), "X is a
    foe of Y" (copula), "X was established as a splinter group of Y" ("as")."""
    if noun.dep_ == "appos":
        return _sides(s, noun.head, expand=False, reading=reading), "apposition"
    if noun.dep_ in {"attr", "acomp", "oprd"} and noun.head.pos_ in {"AUX", "VERB"}:
        subjects = [g for t in _subject_tokens(noun.head) for g in _sides(s, t, reading=reading)]
        return subjects, "copula"
    if noun.dep_ == "pobj" and noun.head.lower_ == "as" and noun.head.head.pos_ == "VERB":
        verb = noun.head.head
        subjects = [c for c in children_of(verb) if c.dep_ in {"nsubj", "nsubjpass"}]
        return [g for t in subjects for g in _sides(s, t, reading=reading)], "as"
    return None


def _apposition_matches(s: _Sentence, noun: Token) -> list[_Found]:
    # "one of its rivals": the describing noun is the "of" object of "one".
    head_noun = noun
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lower_ == "one":
        head_noun = noun.head.head
    if s.group(noun) is not None:
        # A word of a name ("Islamic State West Africa Province"), not a description.
        return []
    lemma = _lemma(noun)
    frame = s.frames.apposition_frame(lemma)
    # "a splinter group of Y": the describing word may modify "group".
    if frame is None:
        for child in children_of(noun):
            modifier = s.frames.apposition_frame(_lemma(child))
            if child.dep_ in {"amod", "compound"} and modifier is not None:
                frame = modifier
                break
    if frame is None or _hypothetical(s, head_noun):
        return []
    subject_reading, other_reading = _readings(frame.predicate)
    described = _described(s, head_noun, subject_reading)
    if described is None:
        return []
    subjects, how = described
    others: list[LocalEntity] = []
    tokens = [noun, head_noun]
    for preposition in ("of", "to", "for", "from", "with", "within", "inside"):
        objects = _preposition_objects(noun, preposition)
        tokens += objects
        others += [g for t in objects for g in _sides(s, t, reading=other_reading)]
    for child in children_of(noun):
        if child.dep_ == "poss" or (child.dep_ in {"compound", "nmod"} and child.i < noun.i):
            group = _own_group(s, child)
            if group is not None:
                others.append(group)
                tokens.append(child)
    negated = _negated(s, noun.head) if how == "copula" else False
    rule = f"parse:{how}:{frame.predicate}"
    others = [o for o in others if o.id not in {g.id for g in subjects}]
    if not others and how == "copula" and len(subjects) > 1 and noun.tag_ in {"NNS", "NNPS"}:
        # "X and Y are rivals"
        return _together(frame.predicate, subjects, tokens, rule, negated)
    if frame.inverse:
        return _pairs(frame.predicate, others, subjects, tokens, rule, negated)
    return _pairs(frame.predicate, subjects, others, tokens, rule, negated)


# ------------------------------------------------------------------------------ appointments


def _appointments(s: _Sentence, verb: Token) -> list[_Found]:
    """ "the movement chose Y as his successor", "Y was named commander of X", "X appointed Y
    its new leader": a post for a person, in the post's group or the one choosing."""
    if _hypothetical(s, verb) or _negated(s, verb):
        return []
    passive = _is_passive(verb)
    people = [c for c in children_of(verb) if c.dep_ == ("nsubjpass" if passive else "dobj")]
    people = [s.people[c.i] for c in people if c.i in s.people]
    if not people:
        return []
    posts = _preposition_objects(verb, "as")
    posts += [c for c in children_of(verb) if c.dep_ in {"oprd", "attr", "xcomp", "ccomp"}]
    posts += [c for c in children_of(verb) if c.dep_ == "dobj" and c.i not in s.people]
    found: list[_Found] = []
    for post in posts:
        predicate = s.frames.posts.get(_lemma(post))
        if predicate is None:
            continue
        groups = [
            g for t in _preposition_objects(post, "of") for g in _sides(s, t, reading=_STRUCTURAL)
        ]
        groups += [
            g
            for c in children_of(post)
            if c.dep_ in {"poss", "compound"} and c.lower_ not in {"his", "her"}
            for g in [_own_group(s, c)]
            if g is not None
        ]
        if not groups and not passive:
            groups = _chooser(s, verb)
        rule = f"parse:appointment:{predicate}"
        found += _pairs(predicate, people, groups[:1], [verb, post], rule, False)
    return found


_GROUP_NOUNS = {"group", "movement", "organisation", "organization"}


def _chooser(s: _Sentence, verb: Token) -> list[LocalEntity]:
    """The group choosing: the verb's subject, or the group in focus when the subject is "the
    movement" or "the group"."""
    for subject in _subject_tokens(verb):
        found = _sides(s, subject, expand=False, reading=_STRUCTURAL)
        if found:
            return found
        if s.focus is not None and _lemma(subject) in _GROUP_NOUNS:
            return [s.focus]
    return []


# ------------------------------------------------------------------------------ entry point


def find_parse_relations(sent: Span, masked: MaskedSentence) -> list[RelationMatch]:
    """Relations between groups that the sentence's parse states, as relation matches with
    character offsets in the sentence (the words from the first to the last token involved)."""
    frames = load_frames()
    groups = _token_groups(sent, masked)
    if not groups and masked.focus is None and len(masked.earlier) < 2:
        return []
    people = {
        index: masked.entities[entity]
        for index, entity in masked.token_entities.items()
        if masked.entities[entity].type == "person"
    }
    s = _Sentence(
        sent, groups, frames, people, masked.focus, masked.earlier, masked.topic, masked.unnamed
    )
    found: list[_Found] = []
    doc, words, indices = sent.doc, words_of(sent.doc), range(sent.start, sent.end)
    several = (
        len({e.id for e in groups.values()}) > 1
        or (groups and any(words.lemma[i] in frames.founding_verbs for i in indices))
        or _names_a_pair(sent, frames)
        or (
            masked.topic is not None
            and any(words.lower[i] in frames.subject_pronouns for i in indices)
        )
    )
    for i in indices:
        pos = words.pos[i]
        if words.lemma[i] in frames.appointment_verbs and pos == "VERB":
            found += _appointments(s, doc[i])
        if not several:
            continue
        if pos in {"VERB", "ADJ"} or (pos == "AUX" and words.dep[i] != "aux"):
            found += _verb_matches(s, doc[i])
        if pos in {"NOUN", "PROPN", "NUM"}:
            token = doc[i]
            found += _noun_matches(s, token)
            found += _apposition_matches(s, token)
            found += _unnamed_named(s, token)
            found += _under_banner(s, token)
    results: dict[tuple[str, str, str], RelationMatch] = {}
    for item in found:
        if item.subject.id == item.object.id:
            continue
        if not types_allow(item.predicate, item.subject, item.object):
            continue
        if item.subject.type == "person" and not item.rule.startswith("parse:appointment"):
            continue
        start = min(t.idx for t in item.tokens) - sent.start_char
        end = max(t.idx + len(t.text) for t in item.tokens) - sent.start_char
        # A symmetric relation comes once per pair, the way the sentence puts it.
        results.setdefault(
            relation_key(item.predicate, item.subject.id, item.object.id),
            RelationMatch(
                predicate=item.predicate,
                subject=item.subject,
                object=item.object,
                start=start,
                end=end,
                rule=item.rule,
                negated=item.negated,
            ),
        )
    return list(results.values())
