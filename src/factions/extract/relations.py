"""Relations between actors, found by patterns over a masked sentence.

Each actor mention in the sentence is replaced by a marker `[[E3]]` and the relation patterns
(data in lexicons/relations.toml) run over the result, so one pattern covers every name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from factions.extract.lexicons import Lexicons
from factions.extract.mentions import LocalEntity, MentionSpan

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


@dataclass
class RelationMatch:
    predicate: str
    subject: LocalEntity
    object: LocalEntity
    start: int
    end: int
    rule: str
    negated: bool = False


_GROUP_POSSESSIVE = re.compile(
    r"\b(?:[Ii]ts|[Tt]he (?:group|movement|organi[sz]ation|militants|insurgents|faction)"
    r"(?:'s|’s|'|’))"
)
GROUP_TYPES = {"armed_group", "state_force", "organization"}


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
    spans: list[tuple[int, int, MentionSpan | None]] = []
    for mention in mentions:
        start, end = mention.start - sent_start, mention.end - sent_start
        if 0 <= start < end <= len(text):
            spans.append((start, end, mention))
    for match in _GROUP_POSSESSIVE.finditer(text):
        if not any(s < match.end() and match.start() < e for s, e, _ in spans):
            spans.append((match.start(), match.end(), None))
    parts: list[str] = []
    entities: list[LocalEntity] = []
    places: list[LocalEntity] = []
    offsets: list[tuple[int, int]] = []
    token_entities: dict[int, int] = {}
    cursor = 0
    group = focus_group
    for start, end, mention in sorted(spans, key=lambda s: s[0]):
        if start < cursor:
            continue
        if mention is None:
            if group is None:
                continue
            marker = f"[[E{len(entities)}]]'s"
            entities.append(group)
        elif mention.entity.is_actor:
            marker = f"[[E{len(entities)}]]"
            for token in range(mention.token_start, mention.token_end):
                token_entities[token] = len(entities)
            entities.append(mention.entity)
            if mention.entity.type in GROUP_TYPES:
                group = mention.entity
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
    return MaskedSentence(masked, entities, offsets, token_entities, places)


def _original_offset(masked: MaskedSentence, position: int) -> int:
    shift = 0
    for masked_pos, original_pos in masked.offsets:
        if masked_pos <= position:
            shift = original_pos - masked_pos
    return position + shift if shift >= 0 else position


def find_relations(masked: MaskedSentence, lex: Lexicons) -> list[RelationMatch]:
    """Every relation pattern match in the sentence, between two different actors."""
    found: dict[tuple[str, str, str], RelationMatch] = {}
    for rule in lex.relations:
        for index, pattern in enumerate(rule.patterns):
            for match in pattern.finditer(masked.text):
                slots = match.groupdict()
                if slots.get("X") is None or (slots.get("Y") is None and slots.get("P") is None):
                    continue
                subject = masked.entities[int(slots["X"])]
                if slots.get("P") is not None:
                    obj = masked.places[int(slots["P"])]
                else:
                    obj = masked.entities[int(slots["Y"])]
                if subject.id == obj.id:
                    continue
                pairs = [(subject, obj)]
                if rule.symmetric:
                    pairs.append((obj, subject))
                for s, o in pairs:
                    key = (rule.predicate, s.id, o.id)
                    found.setdefault(
                        key,
                        RelationMatch(
                            predicate=rule.predicate,
                            subject=s,
                            object=o,
                            start=_original_offset(masked, match.start()),
                            end=_original_offset(masked, match.end()),
                            rule=f"{rule.predicate}#{index}",
                            negated=bool(match.groupdict().get("NEG"))
                            or is_negated(match.group(0), lex),
                        ),
                    )
    return list(found.values())


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
    for rule in lex.fates:
        for index, pattern in enumerate(rule.patterns):
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
                        negated=is_negated(match.group(0), lex),
                    ),
                )
    return list(found.values())


def find_responsibility(masked: MaskedSentence, lex: Lexicons) -> list[LocalEntity]:
    """Actors the sentence says claimed, or carried out, an attack."""
    found: list[LocalEntity] = []
    for pattern in lex.responsibility:
        for match in pattern.finditer(masked.text):
            entity = masked.entities[int(match.group("X"))]
            if entity.type != "person" and entity not in found:
                found.append(entity)
    return found
