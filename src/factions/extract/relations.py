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


@dataclass
class RelationMatch:
    predicate: str
    subject: LocalEntity
    object: LocalEntity
    start: int
    end: int
    rule: str
    negated: bool = False


def mask_sentence(text: str, sent_start: int, mentions: list[MentionSpan]) -> MaskedSentence:
    """The sentence with each actor mention replaced by a numbered marker."""
    parts: list[str] = []
    entities: list[LocalEntity] = []
    offsets: list[tuple[int, int]] = []
    token_entities: dict[int, int] = {}
    cursor = 0
    for mention in sorted(mentions, key=lambda m: m.start):
        if not mention.entity.is_actor:
            continue
        start, end = mention.start - sent_start, mention.end - sent_start
        if start < cursor or end > len(text):
            continue
        parts.append(text[cursor:start])
        offsets.append((sum(map(len, parts)), start))
        parts.append(f"[[E{len(entities)}]]")
        for token in range(mention.token_start, mention.token_end):
            token_entities[token] = len(entities)
        entities.append(mention.entity)
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
    return MaskedSentence(masked, entities, offsets, token_entities)


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
                if slots.get("X") is None or slots.get("Y") is None:
                    continue
                subject = masked.entities[int(slots["X"])]
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
