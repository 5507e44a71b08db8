"""Across documents: which machine entities are the same real-world entity.

Entities with the same match key already share an id (gazetteer actors, geonames places, full
person names). What is left are spelling and transliteration variants (Baryalai/Barayalai) and
lone short names. Those are linked to a canonical entity only when the names are close AND the
context agrees (the same armed actors around them); each link keeps its score and method, so
it can be explained and undone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import Connection, select

from factions.model import EntityRecord
from factions.store import schema

VARIANT_SCORE = 85.0
SHORT_NAME_SCORE = 0.75


@dataclass
class KnownPerson:
    id: str
    name: str
    tokens: tuple[str, ...]
    context: set[str] = field(default_factory=set)


def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(name.lower().replace("-", " ").split())


def load_known_people(conn: Connection) -> dict[str, KnownPerson]:
    """Every person in the knowledge base with the gazetteer actors seen beside them."""
    people: dict[str, KnownPerson] = {}
    rows = conn.execute(
        select(schema.entities.c.id, schema.entities.c.name, schema.entities.c.match_key).where(
            schema.entities.c.type == "person"
        )
    )
    for entity_id, name, _key in rows:
        people[entity_id] = KnownPerson(entity_id, name, name_tokens(name))
    if not people:
        return people
    mine, other = schema.mentions.alias("mine"), schema.mentions.alias("other")
    context_rows = conn.execute(
        select(mine.c.entity_id, schema.entities.c.gazetteer_id)
        .distinct()
        .select_from(
            mine.join(other, mine.c.document_id == other.c.document_id).join(
                schema.entities, schema.entities.c.id == other.c.entity_id
            )
        )
        .where(mine.c.entity_id.in_(list(people)), schema.entities.c.id.like("a:%"))
    )
    for entity_id, gazetteer_id in context_rows:
        people[entity_id].context.add(gazetteer_id)
    return people


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """How alike two multi-word names are, 0-100, tolerant of transliteration.

    A name of two or more words that ends another ("Daud Daud" in "Mohammad Daud Daud") scores
    90: the press often drops a first name.
    """
    if len(a) != len(b):
        short, long_ = sorted((a, b), key=len)
        return 90.0 if len(short) >= 2 and long_[-len(short) :] == short else 0.0
    return min(fuzz.ratio(x, y) for x, y in zip(a, b, strict=True))


def find_person_link(
    record: EntityRecord, people: dict[str, KnownPerson]
) -> tuple[str, float, str] | None:
    """(canonical id, score, method) for a person record, or None to keep it apart."""
    tokens = name_tokens(record.name)
    context = set(record.context)
    best: tuple[str, float, str] | None = None
    for person in people.values():
        if person.id == record.id or not (context & person.context):
            continue
        if len(tokens) > 1:
            score = name_similarity(tokens, person.tokens)
            if score >= VARIANT_SCORE and (best is None or score / 100 > best[1]):
                best = (person.id, round(score / 100, 3), "name-variant+context")
        elif (
            len(person.tokens) > 1
            and tokens[0] in person.tokens
            and (best is None or best[1] < SHORT_NAME_SCORE)
        ):
            best = (person.id, SHORT_NAME_SCORE, "short-name+context")
    return best
