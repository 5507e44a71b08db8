"""Loading the lexicons that drive extraction: they are data, kept in src/factions/data/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from re import _constants, _parser  # the regex parser, to read a pattern's literal text

from factions.packaged import read_toml

# Slots of relation patterns, written as {X}/{Y} in the data files.
_GROUP_NOUN = (
    r"(?:(?:'s|’s)? (?:fighters|forces|militants|members|group|troops|commanders|leaders))?"
)
# The acronym a name is given in brackets ("the Farabundo Marti National Liberation Front
# (FMLN) of the crime"): part of the name's phrase, not words between it and the verb.
_ACRONYM_AFTER = r"(?: \((?:\[\[E\d+\]\]|[A-Za-z][\w.-]{1,9})\))?"
_SLOT_FOR = {
    # An actor marker, optionally with its acronym and a group noun after it ("IMU fighters").
    "{X}": r"\[\[E(?P<X>\d+)\]\]" + _ACRONYM_AFTER + _GROUP_NOUN,
    # The object may take an article, and is never followed by a possessive: in "loyal to
    # Mullah Omar's successor" Omar is not the one they are loyal to.
    "{Y}": r"(?:the |its |their )?\[\[E(?P<Y>\d+)\]\](?!'s|’s)" + _GROUP_NOUN,
    # An optional negation, so "did not attack" is found and flips polarity.
    "{neg}": r"(?P<NEG>(?:did not|does not|do not|didn't|doesn't|don't|never|not|no longer) )?",
    # An optional actor modifier before a name: "the Al-Qaeda linked IMU".
    "{mod}": r"(?:the )?(?:\[\[E\d+\]\][- ](?:linked|backed|allied|affiliated) )?",
    # A place: "[[P2]]".
    "{P}": r"(?:the )?\[\[P(?P<P>\d+)\]\]",
    # Up to three (or eight) plain words; place markers count as words.
    "{w}": r"(?:(?:[^\s\[\]]+|\[\[P\d+\]\])\s+){0,3}",
    "{W}": r"(?:(?:[^\s\[\]]+|\[\[P\d+\]\])\s+){0,8}",
}


def compile_slot_pattern(pattern: str) -> re.Pattern[str]:
    # "{Y}'s leader": here the object is meant to be a possessor.
    pattern = pattern.replace("{Y}(?:'s|’s)", r"(?:the )?\[\[E(?P<Y>\d+)\]\](?:'s|’s)")
    for slot, regex in _SLOT_FOR.items():
        pattern = pattern.replace(slot, regex)
    return re.compile(pattern, re.IGNORECASE)


def phrase_regex(phrases: list[str]) -> re.Pattern[str]:
    """One regex matching any of the phrases as whole words, longest first."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _ended_regex(words: list[str]) -> re.Pattern[str]:
    """Any of the words; one ending in a hyphen is a prefix ("ex-" in "ex-commander")."""
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{body})\b", re.IGNORECASE)


_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


def required_text(pattern: re.Pattern[str], any_case: bool = False) -> tuple[str, ...]:
    """The lowercase ASCII strings (two characters or more) every match of a case-insensitive
    pattern contains: its literal runs outside alternatives, optional parts and lookarounds.

    A sentence in ASCII that lacks one of them cannot match (`may_match`), which one substring
    test says much faster than the regex; a pattern that is not case-insensitive has none,
    unless `any_case` (then the strings are for a test of the text in lowercase)."""
    if not any_case and not pattern.flags & re.IGNORECASE:
        return ()
    runs, _ = _literal_runs(_parser.parse(pattern.pattern, pattern.flags), any_case)
    return tuple(sorted({run for run in runs if len(run) >= 2}, key=len, reverse=True))


def required_choices(
    pattern: re.Pattern[str], any_case: bool = False
) -> tuple[tuple[str, ...], ...]:
    """Beyond `required_text`, the alternatives a match must take one of, each as the strings
    (two characters or more) one of which every match contains: "(?:hosted|sheltered)" gives
    ("hosted", "sheltered"). An alternative without such a string of its own gives nothing."""
    if not any_case and not pattern.flags & re.IGNORECASE:
        return ()
    _, choices = _literal_runs(_parser.parse(pattern.pattern, pattern.flags), any_case)
    return tuple(choices)


def _literal_runs(  # type: ignore[no-untyped-def]
    items, any_case: bool = False
) -> tuple[list[str], list[tuple[str, ...]]]:
    """(the literal runs every match of the parsed items contains, the alternatives it must
    take one of), both in lowercase ASCII; runs may be shorter than two characters. With
    `any_case`, groups with flags of their own ("(?i:...)") are read too: a text in
    lowercase holds a run in lowercase whether it is matched with case or without."""
    runs: list[str] = []
    choices: list[tuple[str, ...]] = []

    def walk(items) -> None:  # type: ignore[no-untyped-def]
        run: list[str] = []
        for op, value in items:
            if op is _constants.LITERAL and value < 128:
                run.append(chr(value).lower())
                continue
            runs.append("".join(run))
            run = []
            if op is _constants.SUBPATTERN and (any_case or (not value[1] and not value[2])):
                walk(value[3])  # a group without flags of its own
            elif op in _REPEATS and value[0] >= 1:
                walk(value[2])
            elif op is _constants.ATOMIC_GROUP:
                walk(value)
            elif op is _constants.BRANCH:
                choice = _one_of(value[1], any_case)
                if choice:
                    choices.append(choice)
        runs.append("".join(run))

    walk(items)
    return runs, choices


def _one_of(alternatives, any_case: bool = False) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    """The longest required run of each alternative, or () when one of them has none."""
    found: list[str] = []
    for alternative in alternatives:
        runs, _ = _literal_runs(alternative, any_case)
        longest = max(runs, key=len, default="")
        if len(longest) < 2:
            return ()
        found.append(longest)
    return tuple(sorted(set(found)))


class LiteralScreen:
    """Which of a list of case-insensitive patterns may match a text, from the literal strings
    each one needs (`required_text`, `required_choices`). Each pattern is first screened by its
    most telling string (a word of its own rather than an actor marker every sentence here
    has), each such string tested once for the whole list; only the patterns that pass test
    the rest of what they need. With `any_case`, patterns matched with case, or with case in
    part, are screened too, by their strings in lowercase (`required_text`)."""

    def __init__(self, patterns: list[re.Pattern[str]], any_case: bool = False) -> None:
        self.size = len(patterns)
        self.keyed: dict[str, list[int]] = {}
        # The patterns that need no literal string at all: always worth running.
        self.unkeyed: list[int] = []
        # For each pattern, what it needs besides its key: strings, and choices of strings.
        self.rest: list[tuple[tuple[str, ...], tuple[frozenset[str], ...]]] = []
        for index, pattern in enumerate(patterns):
            needed = required_text(pattern, any_case)
            choices = tuple(frozenset(c) for c in required_choices(pattern, any_case))
            key = _screen_key(needed, choices)
            if not key:
                self.unkeyed.append(index)
            for string in sorted(key):
                self.keyed.setdefault(string, []).append(index)
            self.rest.append(
                (
                    tuple(s for s in needed if frozenset({s}) != key),
                    tuple(c for c in choices if c != key),
                )
            )

    def possible(self, lowered: str | None) -> list[bool]:
        """For each pattern, whether it may match; `lowered` as for `may_match`."""
        if lowered is None:
            return [True] * self.size
        passed = set(self.unkeyed)
        # The substring tests run in C, one per key (a loop of them in Python cost more than
        # the tests).
        for indices in compress(self.keyed.values(), map(lowered.__contains__, self.keyed)):
            passed.update(indices)
        result = [False] * self.size
        for index in passed:
            needed, choices = self.rest[index]
            result[index] = all(s in lowered for s in needed) and all(
                any(s in lowered for s in choice) for choice in choices
            )
        return result


def _screen_key(needed: tuple[str, ...], choices: tuple[frozenset[str], ...]) -> frozenset[str]:
    """The strings a pattern is screened by first (one of them must be in the text): its
    longest required string that is no actor marker, else its first choice, else its longest
    required string."""
    own = [s for s in needed if "[[" not in s and "]]" not in s]
    if own:
        return frozenset(own[:1])  # `required_text` puts the longest first
    if choices:
        return choices[0]
    return frozenset(needed[:1])


def may_match(required: tuple[str, ...], lowered: str | None) -> bool:
    """Whether a pattern with this `required_text` may match a text; `lowered` is the text in
    lowercase when it is ASCII, else None (then the regex alone can say)."""
    return lowered is None or all(piece in lowered for piece in required)


def ascii_lowered(text: str) -> str | None:
    """The text in lowercase when it is ASCII: there, and only there, case-insensitive regex
    matching of ASCII letters is plain lowercase comparison."""
    return text.lower() if text.isascii() else None


@dataclass(frozen=True)
class RelationRule:
    predicate: str
    patterns: tuple[re.Pattern[str], ...]
    # The entity types the rule's subject and object may have (any actor when None).
    subject_types: frozenset[str] | None = None
    object_types: frozenset[str] | None = None
    # Each pattern's `required_text`, worked out once.
    required: tuple[tuple[str, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(required_text(p) for p in self.patterns))


@dataclass(frozen=True)
class FateRule:
    value: str
    patterns: tuple[re.Pattern[str], ...]
    required: tuple[tuple[str, ...], ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "required", tuple(required_text(p) for p in self.patterns))


@dataclass(frozen=True)
class ActorCues:
    """Words that describe actors rather than name them (data/lexicons/entities.toml)."""

    # Between a group's name and another of its names ("X, also known as Y").
    alias_between: re.Pattern[str]
    # Descriptions of a group by its parent: kind word -> predicate, and the nouns they end on.
    descriptor_kinds: dict[str, str]
    descriptor_nouns: tuple[str, ...]
    descriptor_nouns_after_parent: tuple[str, ...]
    # "X was established as <description>", "<description> formed X".
    descriptor_copulas: tuple[str, ...]
    descriptor_became: tuple[str, ...]
    # Branches described by parent and place: each noun with the relation it states, and the
    # gazetteer links that make an entry a branch of its parent.
    branch_nouns: dict[str, str]
    branch_links: frozenset[str]
    # Title or description -> the side it puts a person on ("state", "armed"; "" for a post).
    sides: dict[str, str]
    # Words an acronym skips ("al" in "Harakat al-Nujaba", HN).
    particles: frozenset[str]


def _alias_between(aliases: dict) -> re.Pattern[str]:
    phrases = sorted(aliases["phrases"], key=len, reverse=True)
    body = "|".join(
        re.escape(p).replace(r"\ ", r"\s+").replace(r"\{word\}", r"\w+(?:\s+\w+){0,2}")
        for p in phrases
    )
    nouns = "|".join(re.escape(n) for n in aliases["group_nouns"])
    return re.compile(rf"(?:\s+(?:{nouns}))?,?\s+(?:{body})\s+[\"“']?", re.IGNORECASE)


def _actor_cues(entities: dict) -> ActorCues:
    sides = {word: "" for word in entities["sides"]["posts"]}
    for side in ("state", "armed"):
        sides.update(dict.fromkeys(entities["sides"][side], side))
    return ActorCues(
        alias_between=_alias_between(entities["aliases"]),
        descriptor_kinds=dict(entities["descriptors"]["kinds"]),
        descriptor_nouns=tuple(entities["descriptors"]["nouns"]),
        descriptor_nouns_after_parent=tuple(entities["descriptors"]["nouns_after_parent"]),
        descriptor_copulas=tuple(entities["descriptors"]["copulas"]),
        descriptor_became=tuple(entities["descriptors"]["became"]),
        branch_nouns=dict(entities["branches"]["nouns"]),
        branch_links=frozenset(entities["branches"]["links"]),
        sides=sides,
        particles=frozenset(entities["acronyms"]["particles"]),
    )


@dataclass(frozen=True)
class Lexicons:
    version: str
    titles: frozenset[str]
    armed_group_words: frozenset[str]
    insurgent_words: frozenset[str]
    state_force_words: tuple[str, ...]
    state_words: frozenset[str]
    unnamed_sources: frozenset[str]
    not_entities: frozenset[str]
    organization_words: frozenset[str]
    media_words: frozenset[str]
    outlet_verbs: frozenset[str]
    collective_nouns: frozenset[str]
    generic_words: frozenset[str]
    ethnic_groups: frozenset[str]
    place_words: frozenset[str]
    speech_verbs: frozenset[str]
    source_phrases: re.Pattern[str]
    ended: re.Pattern[str]
    verb_certainty: dict[str, str]
    hedges: tuple[tuple[re.Pattern[str], str], ...]
    # Any of the hedges: most sentences have none, and one search says so (a hedge's own
    # regex finds a match only where this one does).
    any_hedge: re.Pattern[str]
    strength: tuple[str, ...]
    negation_words: frozenset[str]
    relations: tuple[RelationRule, ...]
    fates: tuple[FateRule, ...]
    responsibility: tuple[re.Pattern[str], ...]
    actors: ActorCues
    # The relation patterns, then the fate patterns, in their rules' order, screened together.
    relation_screen: LiteralScreen = field(init=False, compare=False, repr=False)
    fate_screen: LiteralScreen = field(init=False, compare=False, repr=False)
    # The hedges, in their order: a sentence with a hedge is searched only for those it may hold.
    hedge_screen: LiteralScreen = field(init=False, compare=False, repr=False)
    responsibility_screen: LiteralScreen = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        relation_patterns = [p for rule in self.relations for p in rule.patterns]
        fate_patterns = [p for rule in self.fates for p in rule.patterns]
        object.__setattr__(self, "relation_screen", LiteralScreen(relation_patterns))
        object.__setattr__(self, "fate_screen", LiteralScreen(fate_patterns))
        object.__setattr__(self, "hedge_screen", LiteralScreen([r for r, _ in self.hedges]))
        object.__setattr__(self, "responsibility_screen", LiteralScreen(list(self.responsibility)))

    def hedges_in(self, text: str) -> list[tuple[re.Match[str], str]]:
        """(the first match, its grade) of each hedge the text holds, in the hedges' order."""
        if not self.any_hedge.search(text):
            return []
        possible = self.hedge_screen.possible(ascii_lowered(text))
        found = []
        for (regex, grade), may in zip(self.hedges, possible, strict=True):
            match = regex.search(text) if may else None
            if match:
                found.append((match, grade))
        return found


@lru_cache(maxsize=1)
def load_lexicons() -> Lexicons:
    entities = read_toml("lexicons", "entities.toml")
    cues = read_toml("lexicons", "cues.toml")
    relations = read_toml("lexicons", "relations.toml")
    events = read_toml("lexicons", "events.toml")
    version = "e{}.c{}.r{}.v{}".format(
        entities["version"], cues["version"], relations["version"], events["version"]
    )
    return Lexicons(
        version=version,
        titles=frozenset(entities["titles"]),
        armed_group_words=frozenset(entities["armed_group_words"]),
        insurgent_words=frozenset(entities["insurgent_words"]),
        state_force_words=tuple(entities["state_force_words"]),
        state_words=frozenset(entities["state_words"]),
        unnamed_sources=frozenset(entities["unnamed_sources"]),
        not_entities=frozenset(entities["not_entities"]),
        organization_words=frozenset(entities["organization_words"]),
        media_words=frozenset(entities["media_words"]),
        outlet_verbs=frozenset(entities["outlet_verbs"]),
        collective_nouns=frozenset(entities["collective_nouns"]),
        generic_words=frozenset(entities["generic_words"]),
        ethnic_groups=frozenset(entities["ethnic_groups"]),
        place_words=frozenset(entities["place_words"]),
        speech_verbs=frozenset(cues["speech_verbs"]),
        source_phrases=phrase_regex(cues["source_phrases"]),
        ended=_ended_regex(cues["ended_words"]),
        verb_certainty=dict(cues["verb_certainty"]),
        hedges=tuple((phrase_regex([cue]), grade) for cue, grade in cues["hedges"].items()),
        any_hedge=phrase_regex(list(cues["hedges"])),
        strength=tuple(cues["grades"]["strength"]),
        negation_words=frozenset(cues["negation"]["words"]),
        relations=tuple(
            RelationRule(
                predicate=rule["predicate"],
                patterns=tuple(compile_slot_pattern(p) for p in rule["patterns"]),
                subject_types=frozenset(rule["subject_types"]) if "subject_types" in rule else None,
                object_types=frozenset(rule["object_types"]) if "object_types" in rule else None,
            )
            for rule in relations["relation"]
        ),
        fates=tuple(
            FateRule(
                value=rule["value"],
                patterns=tuple(
                    compile_slot_pattern(p.replace("{X}", slot))
                    for p in rule["patterns"]
                    for slot in ("{X}", r"(?<!\w)(?:he|she)(?!\w)")
                ),
            )
            for rule in relations.get("fate", [])
        ),
        responsibility=tuple(
            compile_slot_pattern(p) for p in relations.get("responsibility", {}).get("patterns", [])
        ),
        actors=_actor_cues(entities),
    )
