"""The records every stage passes along: documents, mentions, entities, claims, events.

Plain dataclasses with no behaviour beyond deterministic ids, so that extraction can run in
another process (or on a cluster) and hand its output back as data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from factions.vocabulary import vocabulary

# The shared vocabulary (data/vocabulary.toml), as the records name it.
ENTITY_TYPES = vocabulary().entity_types
CERTAINTY_GRADES = vocabulary().certainty_grades
PARTICIPANT_ROLES = vocabulary().participant_roles


def stable_id(prefix: str, *parts: object) -> str:
    """A short deterministic id: the same key fields always give the same id."""
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


@dataclass(frozen=True)
class TriggerArgument:
    """Words of an event's sentence that fill a role of one of its trigger words: who acted
    ("actor"), whom or what it hit ("target", "victim", "wounded"), where ("place") and with
    what ("instrument"). `trigger` is the index of the trigger word in `Evidence.triggers`;
    `start`/`end` are document offsets of the phrase (a pronoun is kept as written)."""

    trigger: int
    start: int
    end: int
    role: str


@dataclass(frozen=True)
class Evidence:
    document: str
    text: str
    start: int
    end: int
    # For an event: where in the document the words of this sentence that state it stand
    # (its trigger words, (start, end)); a sentence that only tells more of it has none.
    triggers: tuple[tuple[int, int], ...] = ()
    # For an event: the phrases of this sentence that fill each trigger word's roles.
    arguments: tuple[TriggerArgument, ...] = ()


@dataclass
class Document:
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    published_precision: str | None = None
    source: str | None = None
    part: int = 0


@dataclass
class Mention:
    """A name seen in a document, kept apart from the entity it resolves to."""

    entity: str
    text: str
    start: int
    end: int
    label: str
    rule: str


@dataclass
class EntityRecord:
    id: str
    type: str
    name: str
    aliases: list[str] = field(default_factory=list)
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geo_precision: str | None = None
    gazetteer_id: str | None = None
    # A key that identifies the same real-world entity across documents; for gazetteer
    # entries it is the gazetteer id, otherwise the type and normalised name. People the
    # gazetteer does not know have one entity per document (their ids say which document), and
    # share this key with every other document's person of the same name: resolution decides
    # which of them are one person.
    match_key: str | None = None
    # The gazetteer actors named in the same document.
    context: list[str] = field(default_factory=list)
    # For people: the side their titles and descriptions put them on ("state" for a governor,
    # "armed" for a militant commander), and the actors the document ties them to.
    sides: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)
    # For places: the other gazetteer candidates the name could have meant.
    alternatives: list[str] = field(default_factory=list)


@dataclass
class ClaimRecord:
    subject: str
    predicate: str
    evidence: list[Evidence]
    object: str | None = None
    value: str | None = None
    valid_from: str | None = None
    valid_to: str | None = None
    certainty: str = "asserted"
    polarity: bool = True
    attributed_to: str | None = None
    rule: str = ""
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            first = self.evidence[0] if self.evidence else None
            self.id = stable_id(
                "c",
                self.subject,
                self.predicate,
                self.object,
                self.value,
                self.valid_from,
                self.valid_to,
                self.certainty,
                self.polarity,
                self.attributed_to,
                first.document if first else None,
                first.start if first else None,
            )


@dataclass
class Participant:
    entity: str
    role: str
    # Where extraction learned this participant when it is not the event's own sentence (a
    # claim of responsibility, an attribution, a later detail) and how firmly the text says
    # it. Kept inside extraction for the claims it derives; the export shows `entity`/`role`.
    certainty: str | None = None
    attributed_to: str | None = None
    evidence: Evidence | None = None


@dataclass
class Fatalities:
    """A count of people as the text gives it: "at least 12" is low 12, "about 12" best 12,
    "up to 12" high 12, "12" all three. Used for the killed, wounded, kidnapped and arrested."""

    low: int | None
    best: int | None
    high: int | None


@dataclass(frozen=True)
class Instrument:
    """A weapon an event was done with, as the text names it, where it stands in the document."""

    text: str
    start: int
    end: int


@dataclass
class EventRecord:
    event_type: str
    sub_event_type: str
    evidence: list[Evidence]
    date: str | None = None
    date_precision: str | None = None
    place: str | None = None
    geo_precision: str | None = None
    participants: list[Participant] = field(default_factory=list)
    fatalities: Fatalities | None = None
    certainty: str = "asserted"
    attributed_to: str | None = None
    trigger: str = ""
    rule: str = ""
    id: str = ""
    # Beside the dead: the wounded, the kidnapped and the arrested, when the text counts them.
    wounded: Fatalities | None = None
    kidnapped: Fatalities | None = None
    arrested: Fatalities | None = None
    # What it was done with ("a car bomb", "machine-guns"), in the words of the text.
    instruments: list[Instrument] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.id:
            first = self.evidence[0] if self.evidence else None
            self.id = stable_id(
                "e",
                self.event_type,
                self.sub_event_type,
                first.document if first else None,
                first.start if first else None,
                self.trigger,
            )


@dataclass
class Extraction:
    """Everything extraction found in one document."""

    document: Document
    entities: list[EntityRecord] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    claims: list[ClaimRecord] = field(default_factory=list)
    events: list[EventRecord] = field(default_factory=list)
    extractor: str = ""
