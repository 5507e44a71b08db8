"""Relations between actors, found by patterns over a masked sentence.

Each actor mention in the sentence is replaced by a marker `[[E3]]` and the relation patterns
(data in lexicons/relations.toml) run over the result, so one pattern covers every name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from factions.extract.lexicons import Lexicons, ascii_lowered
from factions.extract.mentions import LocalEntity, MentionSpan
from factions.packaged import read_toml
from factions.vocabulary import vocabulary

# "[[E0]] ([[E1]])" where both name the same entity: the acronym defined in passing.
_ACRONYM_ECHO = re.compile(r"\[\[E(\d+)\]\] \(\[\[E(\d+)\]\]\)")


@dataclass
class MaskedSentence:
    text: str
    entities: list[LocalEntity]
    # Position in the masked text -> position in the original sentence text.
    offsets: list[tuple[int, int]]
    # Token index in the Doc -> index into `entities`.
    token_entities: dict[int, int] = field(default_factory=dict)
    places: list[LocalEntity] = field(default_factory=list)
    # Group references the masking resolved ("its", "the group"): (start, end) in the original
    # sentence text and the group meant.
    references: list[tuple[int, int, LocalEntity]] = field(default_factory=list)
    # The group in focus before the sentence (what "its" stands for when none is named first).
    focus: LocalEntity | None = None
    # The groups named before the sentence, the latest last ("the two groups" in a sentence
    # that names fewer than two).
    earlier: list[LocalEntity] = field(default_factory=list)
    # The first group named in the last sentence that named one: what a subject "it" most
    # likely stands for (a subject tends to stay the subject).
    topic: LocalEntity | None = None
    # Groups the text has spoken of without naming them yet, and the groups they merged into
    # ("Four groups merged to form Z."), for a later sentence that names them; shared by the
    # document's sentences.
    unnamed: list[list[LocalEntity]] = field(default_factory=list)


@dataclass
class RelationMatch:
    predicate: str
    subject: LocalEntity
    object: LocalEntity
    start: int
    end: int
    rule: str
    negated: bool = False


_POSSESSIVE_MARK = r"(?:'s|’s|'|’)"


def _words(items: list[str]) -> str:
    """Alternatives, longest first, each a regex-escaped phrase ("said it" as said\\ it)."""
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


def _initial_case(word: str) -> str:
    """ "its" -> "[Ii]ts": a reference may open a sentence."""
    return f"[{word[0].upper()}{word[0].lower()}]{re.escape(word[1:])}"


@dataclass(frozen=True)
class _References:
    """The regexes for group references, built from the words in relations.toml."""

    possessive: re.Pattern[str]
    role: re.Pattern[str]
    anaphor: re.Pattern[str]
    subject: re.Pattern[str]


@lru_cache(maxsize=1)
def _references() -> _References:
    words = read_toml("lexicons", "relations.toml")["references"]
    pronouns = "|".join(_initial_case(w) for w in words["possessive_pronouns"])
    anaphors = _words(words["anaphor_nouns"])
    return _References(
        possessive=re.compile(
            rf"\b(?:{pronouns}|[Tt]he (?:{_words(words['possessive_nouns'])}){_POSSESSIVE_MARK})"
        ),
        role=re.compile(
            rf"\b(?:{_words(words['posts'])}) (?:for|of) "
            rf"(?P<ref>the (?:{anaphors}))\b(?!{_POSSESSIVE_MARK})"
        ),
        anaphor=re.compile(rf"\b[Tt]he (?:{anaphors})\b(?!{_POSSESSIVE_MARK})"),
        subject=re.compile(
            rf"^(?:{_words(words['subject_openings'])})"
            rf"(?= (?:(?:{_words(words['subject_adverbs'])}) )?"
            rf"(?:{_words(words['subject_verbs'])}))"
        ),
    )


GROUP_TYPES = {"armed_group", "state_force", "organization"}
# "X and Y", "X, Y and Z" (no possessive on the last): one slot standing for several names.
_COORDINATION = re.compile(
    r"\[\[([EP])(\d+)\]\]((?:, (?:the )?\[\[\1\d+\]\])*,? (?:and|or) (?:the )?\[\[\1\d+\]\])"
    r"(?!'s|’s|-|,\s+(?:the|a|an|\[\[)\b)"
)
_MARKER = re.compile(r"\[\[([EP])(\d+)\]\]")


def mask_sentence(
    text: str,
    sent_start: int,
    mentions: list[MentionSpan],
    focus_group: LocalEntity | None = None,
) -> MaskedSentence:
    """The sentence with each actor mention replaced by `[[E3]]` and each place by `[[P1]]`.

    A group possessive ("its spokesman", "the group's leader") stands for the group last named,
    in this sentence or before it (`focus_group`), and is masked as that group's possessive.
    """
    spans: list[tuple[int, int, MentionSpan | str]] = []
    for mention in mentions:
        start, end = mention.start - sent_start, mention.end - sent_start
        if 0 <= start < end <= len(text):
            spans.append((start, end, mention))
    references = _references()
    for kind, regex in (
        ("possessive", references.possessive),
        ("subject", references.role),
        ("anaphor", references.anaphor),
        ("subject", references.subject),
    ):
        for match in regex.finditer(text):
            start, end = match.span("ref") if "ref" in regex.groupindex else match.span()
            if not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, kind))
    parts: list[str] = []
    entities: list[LocalEntity] = []
    places: list[LocalEntity] = []
    offsets: list[tuple[int, int]] = []
    token_entities: dict[int, int] = {}
    references: list[tuple[int, int, LocalEntity]] = []
    cursor = 0
    group = focus_group
    named_here: LocalEntity | None = None
    for start, end, mention in sorted(spans, key=lambda s: s[0]):
        if start < cursor:
            continue
        if isinstance(mention, str):
            referent = named_here if mention == "anaphor" else group
            if referent is None:
                continue
            suffix = "'s" if mention == "possessive" else ""
            marker = f"[[E{len(entities)}]]{suffix}"
            entities.append(referent)
            references.append((start, end, referent))
        elif mention.entity.is_actor:
            marker = f"[[E{len(entities)}]]"
            for token in range(mention.token_start, mention.token_end):
                token_entities[token] = len(entities)
            entities.append(mention.entity)
            if mention.entity.type in GROUP_TYPES:
                group = named_here = mention.entity
        elif mention.entity.type in {"location", "region"}:
            marker = f"[[P{len(places)}]]"
            places.append(mention.entity)
        else:
            continue
        parts.append(text[cursor:start])
        offsets.append((sum(map(len, parts)), start))
        parts.append(marker)
        cursor = end
    parts.append(text[cursor:])
    masked = _ACRONYM_ECHO.sub(
        lambda m: (
            m.group(0)
            if entities[int(m.group(1))].id != entities[int(m.group(2))].id
            else f"[[E{m.group(1)}]]"
        ),
        "".join(parts),
    )
    return MaskedSentence(
        masked, entities, offsets, token_entities, places, references, focus_group
    )


def _original_offset(masked: MaskedSentence, position: int) -> int:
    shift = 0
    for masked_pos, original_pos in masked.offsets:
        if masked_pos <= position:
            shift = original_pos - masked_pos
    return position + shift if shift >= 0 else position


@dataclass(frozen=True)
class SlotTypes:
    subject: frozenset[str] | None
    object: frozenset[str] | None


@lru_cache(maxsize=1)
def slot_types() -> dict[str, SlotTypes]:
    """Entity types each predicate's subject and object may have (relations.toml): the union
    over the predicate's rules, open when one of them leaves a slot open."""
    found: dict[str, SlotTypes] = {}
    for rule in read_toml("lexicons", "relations.toml")["relation"]:
        subject = frozenset(rule["subject_types"]) if "subject_types" in rule else None
        obj = frozenset(rule["object_types"]) if "object_types" in rule else None
        known = found.get(rule["predicate"])
        if known is not None:
            subject = None if subject is None or known.subject is None else subject | known.subject
            obj = None if obj is None or known.object is None else obj | known.object
        found[rule["predicate"]] = SlotTypes(subject, obj)
    return found


@dataclass
class _View:
    """The masked text, or a copy with coordinations collapsed to their first name."""

    text: str
    # Marker index ("E3", "P1") -> every index it stands for.
    members: dict[str, list[int]]
    # Position in this view -> position in the masked text.
    shifts: list[tuple[int, int]]

    def masked_position(self, position: int) -> int:
        shift = 0
        for at, delta in self.shifts:
            if at <= position:
                shift = delta
        return position + shift

    def expand(self, kind: str, index: int) -> list[int]:
        return self.members.get(f"{kind}{index}", [index])


def _collapsed(text: str) -> _View | None:
    """ "[[E0]] and [[E1]] fought [[E2]]" as "[[E0]] fought [[E2]]", with E0 standing for both;
    None when the sentence coordinates no names."""
    if " and " not in text and " or " not in text:
        return None
    members: dict[str, list[int]] = {}
    shifts: list[tuple[int, int]] = []
    parts: list[str] = []
    cursor = 0
    for match in _COORDINATION.finditer(text):
        kind, first = match.group(1), int(match.group(2))
        others = [int(i) for k, i in _MARKER.findall(match.group(3)) if k == kind]
        members[f"{kind}{first}"] = [first, *others]
        parts.append(text[cursor : match.end(2) + 2])
        cursor = match.end()
        shifts.append((sum(map(len, parts)), cursor - sum(map(len, parts))))
    if not members:
        return None
    parts.append(text[cursor:])
    return _View("".join(parts), members, shifts)


def types_allow(predicate: str, subject: LocalEntity, obj: LocalEntity) -> bool:
    """Whether some rule of the predicate lets these entity types be its subject and object."""
    allowed = slot_types().get(predicate)
    return allowed is None or _allows(allowed.subject, allowed.object, subject, obj)


def _allows(
    subjects: frozenset[str] | None,
    objects: frozenset[str] | None,
    subject: LocalEntity,
    obj: LocalEntity,
) -> bool:
    if subjects is not None and subject.type not in subjects:
        return False
    return objects is None or obj.type in objects


def _slot_entities(
    masked: MaskedSentence, view: _View, slots: dict[str, str | None]
) -> tuple[list[LocalEntity], list[LocalEntity]]:
    subjects = [masked.entities[i] for i in view.expand("E", int(slots["X"] or 0))]
    # A place in a pattern with an actor object ("took P from Y") only anchors the match.
    if slots.get("Y") is not None:
        objects = [masked.entities[i] for i in view.expand("E", int(slots["Y"] or 0))]
    else:
        objects = [masked.places[i] for i in view.expand("P", int(slots["P"] or 0))]
    return subjects, objects


def find_relations(masked: MaskedSentence, lex: Lexicons) -> list[RelationMatch]:
    """Every relation pattern match in the sentence, between two different actors of the types
    the predicate allows. Coordinated names each get the relation ("X and Y fought Z"); a
    symmetric relation comes once per pair."""
    found: dict[tuple[str, str, str], RelationMatch] = {}
    # Every pattern needs two actors, or an actor and a place: most sentences have neither.
    actors = masked.text.count("[[E")
    if actors == 0 or (actors == 1 and "[[P" not in masked.text):
        return []
    views = [_View(masked.text, {}, [])]
    collapsed = _collapsed(masked.text)
    if collapsed is not None:
        views.append(collapsed)
    for view in views:
        possible = iter(lex.relation_screen.possible(ascii_lowered(view.text)))
        for rule in lex.relations:
            for index, pattern in enumerate(rule.patterns):
                if not next(possible):
                    continue
                for match in pattern.finditer(view.text):
                    slots = match.groupdict()
                    if slots.get("X") is None or (
                        slots.get("Y") is None and slots.get("P") is None
                    ):
                        continue
                    negated = bool(slots.get("NEG")) or is_negated(match.group(0), lex)
                    start = _original_offset(masked, view.masked_position(match.start()))
                    end = _original_offset(masked, view.masked_position(match.end()))
                    subjects, objects = _slot_entities(masked, view, slots)
                    # "the al-Qaeda backed Northern Front and the Taliban": an object that comes
                    # first modifies only the name right after it, not the whole coordination.
                    if slots.get("Y") is not None and match.start("Y") < match.start("X"):
                        subjects = subjects[:1]
                    for subject in subjects:
                        for obj in objects:
                            if subject.id == obj.id or not _allows(
                                rule.subject_types, rule.object_types, subject, obj
                            ):
                                continue
                            # A symmetric relation is stored once, the way the sentence
                            # puts it: "X and Y are allies" says no more than that.
                            found.setdefault(
                                relation_key(rule.predicate, subject.id, obj.id),
                                RelationMatch(
                                    predicate=rule.predicate,
                                    subject=subject,
                                    object=obj,
                                    start=start,
                                    end=end,
                                    rule=f"{rule.predicate}#{index}",
                                    negated=negated,
                                ),
                            )
    return list(found.values())


def relation_key(predicate: str, subject: str, obj: str) -> tuple[str, str, str]:
    """What makes two relation matches the same: for a symmetric predicate, either way."""
    if predicate in vocabulary().symmetric and obj < subject:
        return predicate, obj, subject
    return predicate, subject, obj


def is_negated(text: str, lex: Lexicons) -> bool:
    """A negation word inside the matched span flips the claim's polarity."""
    words = {w.strip(".,;:").lower() for w in text.replace("n't", " n't").split()}
    return bool(words & lex.negation_words)


@dataclass
class FateMatch:
    value: str
    person: LocalEntity
    rule: str
    negated: bool = False


def find_fates(
    masked: MaskedSentence, lex: Lexicons, last_person: LocalEntity | None
) -> list[FateMatch]:
    """What the sentence says became of a person (killed, captured, fled, alive)."""
    found: dict[tuple[str, str], FateMatch] = {}
    # A fate is a person's: one named in the sentence, or the last one named before it.
    if last_person is None and not any(e.type == "person" for e in masked.entities):
        return []
    possible = iter(lex.fate_screen.possible(ascii_lowered(masked.text)))
    for rule in lex.fates:
        for index, pattern in enumerate(rule.patterns):
            if not next(possible):
                continue
            for match in pattern.finditer(masked.text):
                marker = match.groupdict().get("X")
                person = masked.entities[int(marker)] if marker is not None else last_person
                if person is None or person.type != "person":
                    continue
                found.setdefault(
                    (rule.value, person.id),
                    FateMatch(
                        rule.value,
                        person,
                        f"fate:{rule.value}#{index}",
                        negated=is_negated(_without_own_negation(match), lex),
                    ),
                )
    return list(found.values())


def _without_own_negation(match: re.Match[str]) -> str:
    """The matched words minus a negation the pattern itself spells out (group POS)."""
    if match.groupdict().get("POS") is None:
        return match.group(0)
    start, end = match.span("POS")
    offset = match.start()
    return match.group(0)[: start - offset] + match.group(0)[end - offset :]


def find_responsibility(masked: MaskedSentence, lex: Lexicons) -> list[LocalEntity]:
    """Actors the sentence says claimed, or carried out, an attack."""
    found: list[LocalEntity] = []
    # Every pattern names its actor by a marker: a sentence without one has none.
    if "[[" not in masked.text:
        return found
    possible = lex.responsibility_screen.possible(ascii_lowered(masked.text))
    for pattern, may in zip(lex.responsibility, possible, strict=True):
        if not may:
            continue
        for match in pattern.finditer(masked.text):
            entity = masked.entities[int(match.group("X"))]
            if entity.type != "person" and entity not in found:
                found.append(entity)
    return found
