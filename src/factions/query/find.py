"""Finding actors by a name typed the way people type: misspelt, shortened, words missing.

"Uzbek movment" should find the Islamic Movement of Uzbekistan: each word typed is matched to
the closest word of every actor's names and aliases (a misspelling by edit distance, a word
cut short by prefix), an alias scores by how well all the typed words are matched, and actors
are ranked by that score and then by how often the knowledge base mentions them.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, func, select

from factions.query.common import ACTOR_TYPES, Canon, chunks
from factions.store import schema
from factions.store.dialect import one_of

_WORD = re.compile(r"\w+", re.UNICODE)
# A typed word this close to a name's word (0-100) counts as that word.
WORD_CUTOFF = 75
# A name scoring below this is not offered.
NAME_CUTOFF = 60
# How much being mentioned often weighs against closeness: log10(mentions) points each.
MENTION_WEIGHT = 6.0


@dataclass
class ActorMatch:
    id: str
    name: str
    type: str | None
    matched: str  # the name or alias that matched
    score: float  # closeness of the name, 0-100
    mentions: int
    aliases: list[str]


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def _word_scores(typed: str, vocabulary: list[str]) -> dict[str, float]:
    """Name words close to one typed word: by edit distance, or as its longer form."""
    found = {
        word: score
        for word, score, _ in process.extract(
            typed, vocabulary, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF, limit=None
        )
    }
    if len(typed) >= 3:
        for word in vocabulary:
            if len(word) > len(typed) and word.startswith(typed):
                found[word] = max(found.get(word, 0), 95.0)
    return found


def name_score(typed: str, name: str) -> float:
    """How well a name matches what was typed (0-100), word by word."""
    typed_words = _words(typed)
    name_words = _words(name)
    if not typed_words or not name_words:
        return 0.0
    total = 0.0
    for word in typed_words:
        total += max(_word_scores(word, name_words).values(), default=0.0)
    score = total / len(typed_words)
    # A name with many words the reader did not type is a looser match.
    extra = max(len(name_words) - len(typed_words), 0)
    return max(score - 2.0 * extra, 0.0)


def find_actors(conn: Connection, text: str, *, limit: int = 10) -> list[ActorMatch]:
    """Actors whose names or aliases are close to `text`, best first: closeness, then mentions.

    Only aliases sharing a close word with the text are scored, so a large knowledge base
    costs one pass over its aliases.
    """
    typed = _words(text)
    if not typed or limit <= 0:
        return []
    aliases = schema.aliases
    rows = conn.execute(
        select(aliases.c.entity_id, aliases.c.alias)
        .join(schema.entities, schema.entities.c.id == aliases.c.entity_id)
        .where(schema.entities.c.type.in_(ACTOR_TYPES))
    ).all()
    by_word: dict[str, set[str]] = defaultdict(set)
    owners: dict[str, set[str]] = defaultdict(set)
    for entity_id, alias in rows:
        owners[alias].add(entity_id)
        for word in _words(alias):
            by_word[word].add(alias)
    vocabulary = list(by_word)
    candidates: set[str] = set()
    for word in typed:
        for close in _word_scores(word, vocabulary):
            candidates |= by_word[close]
    scored = [(alias, name_score(text, alias)) for alias in candidates]
    canon = Canon(conn)
    best: dict[str, tuple[float, str]] = {}
    for alias, score in scored:
        if score < NAME_CUTOFF:
            continue
        for entity_id in owners[alias]:
            canonical = canon.of(entity_id) or entity_id
            if canonical not in best or best[canonical][0] < score:
                best[canonical] = (score, alias)
    if not best:
        return []
    canon.prefetch(best)
    mentions = _mentions(conn, canon, list(best))
    ranked = sorted(
        best.items(),
        key=lambda item: (
            -(item[1][0] + MENTION_WEIGHT * math.log10(1 + mentions.get(item[0], 0))),
            canon.name(item[0]) or item[0],
        ),
    )[:limit]
    alias_lists = _aliases(conn, canon, [entity_id for entity_id, _ in ranked])
    return [
        ActorMatch(
            id=entity_id,
            name=canon.name(entity_id) or entity_id,
            type=canon.type(entity_id),
            matched=alias,
            score=round(score, 1),
            mentions=mentions.get(entity_id, 0),
            aliases=alias_lists.get(entity_id, []),
        )
        for entity_id, (score, alias) in ranked
        if canon.type(entity_id) in ACTOR_TYPES
    ]


def _mentions(conn: Connection, canon: Canon, ids: list[str]) -> dict[str, int]:
    """Mentions of each canonical entity, its linked names' included."""
    members = {i: canon.members(i) for i in ids} if len(ids) <= 50 else {i: [i] for i in ids}
    counts: dict[str, int] = {}
    everyone = sorted({m for group in members.values() for m in group})
    own: dict[str, int] = {}
    for batch in chunks(everyone):
        own.update(
            conn.execute(
                select(schema.entities.c.id, func.coalesce(schema.entities.c.mentions, 0)).where(
                    one_of(conn, schema.entities.c.id, batch)
                )
            ).all()
        )
    for entity_id, group in members.items():
        counts[entity_id] = sum(own.get(m, 0) for m in group)
    return counts


def _aliases(conn: Connection, canon: Canon, ids: list[str]) -> dict[str, list[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    members = {m: i for i in ids for m in canon.members(i)}
    for batch in chunks(sorted(members)):
        for entity_id, alias in conn.execute(
            select(schema.aliases.c.entity_id, schema.aliases.c.alias).where(
                one_of(conn, schema.aliases.c.entity_id, batch)
            )
        ):
            found[members[entity_id]].add(alias)
    return {i: sorted(found[i] - {canon.name(i)}) for i in ids}
