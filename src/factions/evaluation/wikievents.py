"""Events against WikiEvents (Li, Ji and Han 2021; KAIROS ontology), scored the paper's way.

The text. The shipped `text` field glues sentences together ("…in SyriaThe desert…") and the
gold token offsets do not point into it, so each document is rebuilt from its `sentences`
(the same tokens as `tokens`): within a sentence, tokens are joined as the sentence's own
character offsets space them (a space where there was a gap, none where there was not);
sentences are joined by one space. The rebuilt text is ingested (through the real ingest);
every gold token is then located in the stored text, in order, so that the cleaner's small
changes (whitespace, Unicode normal form) cannot shift a span.

Types and roles. `factions/data/eval/kairos.toml` maps KAIROS types to the ACLED types our
event may have, and gives each a scope: conflict events (attacks, arrests, demonstrations,
defeats) are the gold triggers; deaths, injuries and damage ("outcomes") are not counted in
the main figures, since ACLED folds them into the event that caused them, and a trigger of
ours on one is then left out of precision too. A second set of figures counts outcomes as
events. Other KAIROS types are out of scope: a trigger of ours on one is a false positive.

Triggers. Each evidence sentence of an event gives the offsets of the words that state it
(`triggers` in the export), and each such span is one trigger mention of ours, with its
event's type: an event told in three sentences, or by "attacked" and "the blast" in one, has
several mentions, as the gold has. An event whose evidence carries no trigger spans (a
knowledge base made before they were kept) falls back to its trigger word: the first
whole-word occurrence of it in the first evidence sentence holding it. A trigger that cannot
be located counts as a prediction that matches nothing.
- identification: our trigger span overlaps a gold trigger's span (character offsets);
- classification: also our event type is one the gold type maps to.
Precision is over our triggers, recall over gold triggers, each side counted on its own. A
lenient figure beside them counts an event of ours as found when its sentence (its first
evidence) holds the gold trigger, whichever word we took for the trigger.

Arguments. The gold gives each trigger mention its own arguments, and so does the export:
each trigger span may carry `arguments`, the phrases of its sentence that fill its roles
(actor, target, victim, wounded, place, instrument), read from the parse around that word,
named entities or not ("the gunmen", "she", "the bus station"). Those are our arguments of
that mention. A knowledge base made before they were kept (trigger spans without
`arguments`) falls back to the event's participants and its place, each with its entity's
mentions in the document, given to the event's first mention only so that they count once;
this fallback is lenient (any mention of the entity may match) and unfaithful to the paper
(an event merged across sentences lends one mention the arguments of all). The gold event's
arguments are each an entity mention. Both sides are reduced to their syntactic head (the
root spaCy's English model gives the span in the stored text, so "the Afghan army" -> "army"),
as the paper's scorer does.
- identification: one of our arguments' heads is the head of an argument of a gold event its
  trigger overlaps;
- classification: also our role answers the gold role (the `[roles]` table: Attacker, Killer,
  Jailer ... answered by actor; Target, Victim, Detainee by target or victim; Place by place;
  Instrument and ExplosiveDevice by instrument); roles we have no counterpart for (Topic,
  Crime, ...) are misses;
- "head or coreferent": also a match when our head is the head of any mention coreferent with
  the gold argument (`dev-coref.jsonlines` beside the data file, when present).
Precision is over our arguments of all our (non-neutral) events, recall over the arguments of
the gold events in scope. People of ours named by kind that the document never mentions (a
generic actor, "Unidentified Armed Group", with no word for it in the text) have no head and
are not counted. The misses list, per event of ours on a gold trigger, both argument lists.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from factions.evaluation.external import ExportedKnowledgeBase, GoldDocument, knowledge_base_of
from factions.evaluation.matching import parser, truncate
from factions.evaluation.scoring import MatchCounts
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite

DEFAULT_FILE = ("events-wikievents", "dev.jsonl")
COREF_FILE = "dev-coref.jsonlines"
MAIN_SCOPE = frozenset({"event"})
WIDE_SCOPE = frozenset({"event", "outcome"})

# A place in a stored document: (document id, start, end).
Location = tuple[str, int, int]
# A token of a parsed stored document: (document id, token index).
Head = tuple[str, int]


# --- the type and role table ------------------------------------------------------------------


@dataclass(frozen=True)
class KairosTable:
    types: tuple[tuple[str, frozenset[str], str], ...]
    roles: dict[str, frozenset[str]]

    def lookup(self, kairos_type: str) -> tuple[frozenset[str], str] | None:
        """(ACLED types, scope) of a KAIROS type by its longest listed prefix; None if unlisted."""
        best = None
        for prefix, acled, scope in self.types:
            matches = kairos_type == prefix or kairos_type.startswith(prefix + ".")
            if matches and (best is None or len(prefix) > len(best[0])):
                best = (prefix, acled, scope)
        return (best[1], best[2]) if best else None


def parse_kairos_table(data: dict[str, Any]) -> KairosTable:
    types = tuple(
        (raw["kairos"], frozenset(raw["acled"]), raw.get("scope", "event"))
        for raw in data.get("type", [])
    )
    roles = {role: frozenset(ours) for role, ours in data.get("roles", {}).items()}
    return KairosTable(types, roles)


@lru_cache(maxsize=1)
def load_kairos_table() -> KairosTable:
    resource = resources.files("factions") / "data" / "eval" / "kairos.toml"
    return parse_kairos_table(tomllib.loads(resource.read_text(encoding="utf-8")))


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldArgument:
    role: str
    entity_id: str
    text: str


@dataclass(frozen=True)
class GoldEvent:
    id: str
    event_type: str
    trigger: tuple[int, int]  # token indexes, end exclusive
    trigger_text: str
    sentence: int
    arguments: tuple[GoldArgument, ...]


@dataclass
class WikiDocument:
    key: str
    text: str
    tokens: list[str]
    token_spans: list[tuple[int, int]]
    sentences: list[tuple[int, int]]  # token index ranges
    entity_mentions: dict[str, tuple[int, int]]
    events: list[GoldEvent]
    # Entity mention id -> the ids of all mentions coreferent with it.
    coreferent: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _token_parts(token: Any) -> tuple[str, int | None, int | None]:
    if isinstance(token, str):
        return token, None, None
    start = token[1] if len(token) > 1 and isinstance(token[1], int) else None
    end = token[2] if len(token) > 2 and isinstance(token[2], int) else None
    return str(token[0]), start, end


def rebuild_text(
    sentences: list[list[list[Any]]],
) -> tuple[str, list[tuple[int, int]]]:
    """The text of the sentences' tokens and each token's span in it (see module docstring).

    `sentences` holds, per sentence, its tokens as [text, start, end] with offsets into the
    original text; they decide the spacing inside a sentence (a gap gives one space).
    """
    pieces: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    for tokens in sentences:
        previous_end: int | None = None
        for position, token in enumerate(tokens):
            text, start, end = _token_parts(token)
            # One space between tokens, unless the sentence's own offsets say they touched.
            touching = position > 0 and previous_end is not None and start == previous_end
            if spans and not touching:
                pieces.append(" ")
                length += 1
            spans.append((length, length + len(text)))
            pieces.append(text)
            length += len(text)
            previous_end = end
    return "".join(pieces), spans


def _read_coref(path: Path) -> dict[str, dict[str, tuple[str, ...]]]:
    coreferent: dict[str, dict[str, tuple[str, ...]]] = {}
    if not path.exists():
        return coreferent
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            raw = json.loads(line)
            members = coreferent.setdefault(raw["doc_key"], {})
            for cluster in raw.get("clusters", []):
                for mention_id in cluster:
                    members[mention_id] = tuple(cluster)
    return coreferent


def read_wikievents(
    path: Path, limit: int | None = None, coref_path: Path | None = None
) -> list[WikiDocument]:
    """The documents of a WikiEvents JSON Lines file, with coreference when it is beside it."""
    coref = _read_coref(coref_path or path.with_name(COREF_FILE))
    documents: list[WikiDocument] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            if limit is not None and len(documents) >= limit:
                break
            raw = json.loads(line)
            sentence_tokens = [s[0] for s in raw["sentences"]]
            text, spans = rebuild_text(sentence_tokens)
            ranges, start = [], 0
            for tokens in sentence_tokens:
                ranges.append((start, start + len(tokens)))
                start += len(tokens)
            events = [
                GoldEvent(
                    id=m["id"],
                    event_type=m["event_type"],
                    trigger=(m["trigger"]["start"], m["trigger"]["end"]),
                    trigger_text=m["trigger"]["text"],
                    sentence=m["trigger"].get("sent_idx", 0),
                    arguments=tuple(
                        GoldArgument(a["role"], a["entity_id"], a["text"]) for a in m["arguments"]
                    ),
                )
                for m in raw["event_mentions"]
            ]
            documents.append(
                WikiDocument(
                    key=raw["doc_id"],
                    text=text,
                    tokens=[str(t[0]) for s in sentence_tokens for t in s],
                    token_spans=spans,
                    sentences=ranges,
                    entity_mentions={
                        m["id"]: (m["start"], m["end"]) for m in raw["entity_mentions"]
                    },
                    events=events,
                    coreferent=coref.get(raw["doc_id"], {}),
                )
            )
    return documents


def align_tokens(tokens: list[str], stored: list[tuple[str, str]]) -> list[Location | None]:
    """Each token's place in the stored documents, found in order (None if it was dropped)."""
    located: list[Location | None] = []
    part, cursor = 0, 0
    for token in tokens:
        found = None
        for index in range(part, len(stored)):
            doc_id, text = stored[index]
            at = text.find(token, cursor if index == part else 0)
            # A token missing nearby was dropped by the cleaner: do not jump far ahead.
            if at >= 0 and (at - (cursor if index == part else 0)) <= 40 + 4 * len(token):
                found = (index, doc_id, at)
                break
        if found is None:
            located.append(None)
            continue
        part, doc_id, at = found
        located.append((doc_id, at, at + len(token)))
        cursor = at + len(token)
    return located


# --- our side ---------------------------------------------------------------------------------


@dataclass
class OurEvent:
    event_type: str
    sub_event_type: str
    trigger: str
    location: Location | None
    arguments: list[tuple[str, str]]  # (our role, entity id)
    evidence: str
    sentence: Location | None = None
    # The trigger word's own arguments, (our role, words), when the export gives them; they
    # are then scored instead of `arguments`.
    spans: list[tuple[str, Location]] | None = None


def locate_trigger(trigger: str, evidence: list[dict[str, Any]]) -> Location | None:
    """The first whole-word occurrence of the trigger in the first evidence that holds it."""
    if not trigger.strip():
        return None
    pattern = re.compile(r"(?<!\w)" + re.escape(trigger) + r"(?!\w)", re.IGNORECASE)
    for item in evidence:
        match = pattern.search(item["text"])
        if match:
            start = item["start"] + match.start()
            return (item["document"], start, start + len(match.group(0)))
    return None


def our_events(kb: ExportedKnowledgeBase, key: str) -> list[OurEvent]:
    """Our event mentions: one per trigger span the evidence gives (an event told in several
    sentences, or by several words, has several), else the event's trigger word located in its
    evidence. The event's arguments go with its first mention only, so that an event counts its
    arguments once."""
    events = []
    for event in kb.own_events(key):
        arguments = [(p["role"], p["entity"]) for p in event["participants"]]
        if event.get("place"):
            arguments.append(("place", event["place"]))
        spans = [(item, span) for item in event["evidence"] for span in item.get("triggers", [])]
        if not spans:
            first = event["evidence"][0] if event["evidence"] else None
            sentence = (first["document"], first["start"], first["end"]) if first else None
            events.append(
                OurEvent(
                    event["event_type"],
                    event["sub_event_type"],
                    event.get("trigger", ""),
                    locate_trigger(event.get("trigger", ""), event["evidence"]),
                    arguments,
                    first["text"] if first else "",
                    sentence,
                )
            )
            continue
        with_arguments = any("arguments" in span for _, span in spans)
        for number, (item, span) in enumerate(spans):
            document = item["document"]
            text = item["text"]
            offset = span["start"] - item["start"]
            events.append(
                OurEvent(
                    event["event_type"],
                    event["sub_event_type"],
                    text[offset : offset + span["end"] - span["start"]],
                    (document, span["start"], span["end"]),
                    arguments if number == 0 and not with_arguments else [],
                    text,
                    (document, item["start"], item["end"]),
                    [
                        (a["role"], (document, a["start"], a["end"]))
                        for a in span.get("arguments", [])
                    ]
                    if with_arguments
                    else None,
                )
            )
    return events


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class ScopeScores:
    trigger_id: MatchCounts = field(default_factory=MatchCounts)
    trigger_cls: MatchCounts = field(default_factory=MatchCounts)
    # Lenient: our event's sentence (its first evidence) holds the gold trigger.
    sentence_id: MatchCounts = field(default_factory=MatchCounts)
    arg_id: MatchCounts = field(default_factory=MatchCounts)
    arg_cls: MatchCounts = field(default_factory=MatchCounts)
    arg_id_coref: MatchCounts = field(default_factory=MatchCounts)
    arg_cls_coref: MatchCounts = field(default_factory=MatchCounts)
    neutral: int = 0


@dataclass
class WikiScores:
    documents: int = 0
    gold_events: int = 0
    our_events: int = 0
    unlocated_triggers: int = 0
    unaligned_tokens: int = 0
    failed: int = 0
    seconds: float = 0.0
    main: ScopeScores = field(default_factory=ScopeScores)
    wide: ScopeScores = field(default_factory=ScopeScores)
    misses: list[str] = field(default_factory=list)


def _overlaps(a: Location | None, b: Location | None) -> bool:
    return bool(a and b and a[0] == b[0] and a[1] < b[2] and b[1] < a[2])


def _span(locations: list[Location | None], start: int, end: int) -> Location | None:
    """The stored-text span of tokens [start, end), from the first to the last located one."""
    inside = [loc for loc in locations[start:end] if loc is not None]
    if not inside or any(loc[0] != inside[0][0] for loc in inside):
        return inside[0] if inside else None
    return (inside[0][0], inside[0][1], inside[-1][2])


class _Heads:
    """Syntactic heads of spans of the stored documents, from one parse of each."""

    def __init__(self, stored: dict[str, str]) -> None:
        self.docs = {doc_id: parser()(text) for doc_id, text in stored.items()}

    def of(self, location: Location | None) -> Head | None:
        if location is None or location[0] not in self.docs:
            return None
        doc = self.docs[location[0]]
        span = doc.char_span(location[1], location[2], alignment_mode="expand")
        if span is None or len(span) == 0:
            return None
        return (location[0], span.root.i)


@dataclass
class _GoldInDoc:
    event: GoldEvent
    location: Location | None
    acled: frozenset[str]
    scope: str
    # Per argument: its head, and the heads of every mention coreferent with it.
    heads: list[tuple[GoldArgument, Head | None, frozenset[Head]]]


def _gold_in_doc(
    doc: WikiDocument, locations: list[Location | None], heads: _Heads, table: KairosTable
) -> list[_GoldInDoc]:
    result = []
    for event in doc.events:
        found = table.lookup(event.event_type)
        acled, scope = found if found else (frozenset(), "out")
        argument_heads = []
        for argument in event.arguments:
            head = heads.of(_span(locations, *doc.entity_mentions.get(argument.entity_id, (0, 0))))
            coreferent = {
                heads.of(_span(locations, *doc.entity_mentions[m]))
                for m in doc.coreferent.get(argument.entity_id, ())
                if m in doc.entity_mentions
            }
            argument_heads.append(
                (argument, head, frozenset(h for h in coreferent | {head} if h is not None))
            )
        result.append(
            _GoldInDoc(event, _span(locations, *event.trigger), acled, scope, argument_heads)
        )
    return result


def _score_scope(
    gold: list[_GoldInDoc],
    ours: list[OurEvent],
    our_heads: list[list[tuple[str, frozenset[Head]]]],
    scopes: frozenset[str],
    table: KairosTable,
    scores: ScopeScores,
) -> tuple[list[int], list[int]]:
    """Add one document's counts in one scope; returns the missed gold and spurious ours."""
    counted = [g for g in gold if g.scope in scopes]
    neutral = [g for g in gold if g.scope not in scopes and g.scope != "out"]
    overlapping: list[list[_GoldInDoc]] = []
    active: list[int] = []
    for index, event in enumerate(ours):
        hits = [g for g in counted if _overlaps(event.location, g.location)]
        if not hits and any(_overlaps(event.location, g.location) for g in neutral):
            scores.neutral += 1
            overlapping.append([])
            continue
        active.append(index)
        overlapping.append(hits)
    spurious = [i for i in active if not overlapping[i]]
    # Triggers.
    for i in active:
        scores.trigger_id.predicted += 1
        scores.trigger_cls.predicted += 1
        scores.trigger_id.predicted_right += bool(overlapping[i])
        scores.trigger_cls.predicted_right += any(
            ours[i].event_type in g.acled for g in overlapping[i]
        )
    in_sentence = [[g for g in counted if _overlaps(ours[i].sentence, g.location)] for i in active]
    scores.sentence_id.predicted += len(active)
    scores.sentence_id.predicted_right += sum(bool(hits) for hits in in_sentence)
    for g in counted:
        scores.sentence_id.gold += 1
        scores.sentence_id.gold_found += any(g in hits for hits in in_sentence)
    missed = []
    for number, g in enumerate(gold):
        if g.scope not in scopes:
            continue
        matched = [i for i in active if g in overlapping[i]]
        scores.trigger_id.gold += 1
        scores.trigger_cls.gold += 1
        scores.trigger_id.gold_found += bool(matched)
        scores.trigger_cls.gold_found += any(ours[i].event_type in g.acled for i in matched)
        if not matched:
            missed.append(number)
    # Arguments.
    for counts, role_needed, coref in (
        (scores.arg_id, False, False),
        (scores.arg_cls, True, False),
        (scores.arg_id_coref, False, True),
        (scores.arg_cls_coref, True, True),
    ):

        def hit(
            our_role: str,
            our: frozenset[Head],
            argument: GoldArgument,
            head: Head | None,
            cluster: frozenset[Head],
            role_needed: bool = role_needed,
            coref: bool = coref,
        ) -> bool:
            if role_needed and our_role not in table.roles.get(argument.role, frozenset()):
                return False
            return bool((head is not None and head in our) or (coref and our & cluster))

        for i in active:
            for our_role, our in our_heads[i]:
                counts.predicted += 1
                counts.predicted_right += any(
                    hit(our_role, our, *item) for g in overlapping[i] for item in g.heads
                )
        for g in counted:
            matched = [i for i in active if g in overlapping[i]]
            for item in g.heads:
                counts.gold += 1
                counts.gold_found += any(
                    hit(our_role, our, *item) for i in matched for our_role, our in our_heads[i]
                )
    return missed, spurious


def score_document(
    doc: WikiDocument, kb: ExportedKnowledgeBase, scores: WikiScores, table: KairosTable
) -> None:
    """Add one document's counts (and its misses) to `scores`."""
    stored = kb.documents_by_key.get(doc.key, [])
    if len(stored) == 1 and stored[0].text == doc.text:
        locations: list[Location | None] = [(stored[0].id, s, e) for s, e in doc.token_spans]
    else:
        locations = align_tokens(doc.tokens, [(d.id, d.text) for d in stored])
    heads = _Heads({d.id: d.text for d in stored})
    gold = _gold_in_doc(doc, locations, heads, table)
    ours = our_events(kb, doc.key)
    mentions: dict[str, list[Location]] = {}
    for m in kb.mentions_by_key.get(doc.key, []):
        mentions.setdefault(m["entity"], []).append((m["document"], m["start"], m["end"]))
    # An argument is words of the document: people we named by kind without a word for them
    # in the text ("Unidentified Armed Group") have no head to score and are left out.
    our_heads = [
        [
            (role, frozenset(h for h in (heads.of(loc) for loc in mentions.get(entity, [])) if h))
            for role, entity in event.arguments
            if entity in mentions or kb.entity_type(entity) != "collective"
        ]
        + [(role, frozenset(h for h in [heads.of(loc)] if h)) for role, loc in event.spans or []]
        for event in ours
    ]
    scores.documents += 1
    scores.failed += doc.key in kb.failed
    scores.gold_events += sum(g.scope == "event" for g in gold)
    scores.our_events += len(ours)
    scores.unlocated_triggers += sum(e.location is None for e in ours)
    scores.unaligned_tokens += sum(loc is None for loc in locations)
    missed, spurious = _score_scope(gold, ours, our_heads, MAIN_SCOPE, table, scores.main)
    _score_scope(gold, ours, our_heads, WIDE_SCOPE, table, scores.wide)
    if doc.key in kb.failed:
        scores.misses.append(f"{doc.key} not ingested: {kb.failed[doc.key]}")
    sentences = doc.sentences
    for number in missed:
        event = gold[number].event
        start, end = sentences[event.sentence] if event.sentence < len(sentences) else (0, 1)
        sentence = doc.text[doc.token_spans[start][0] : doc.token_spans[end - 1][1]]
        roles = ", ".join(f"{a.role}={a.text!r}" for a in event.arguments)
        scores.misses.append(
            f"{doc.key} {event.id} missed {event.event_type} {event.trigger_text!r} "
            f"«{truncate(sentence)}» {roles}"
        )
    for event in ours:
        hits = [g for g in gold if g.scope in MAIN_SCOPE and _overlaps(event.location, g.location)]
        if hits:
            theirs = "; ".join(f"{a.role}={a.text!r}" for g in hits for a in g.event.arguments)
            mine = "; ".join(
                [f"{role}={kb.name(entity)}" for role, entity in event.arguments]
                + [f"{role}={_words(kb, doc.key, loc)!r}" for role, loc in event.spans or []]
            )
            scores.misses.append(
                f"{doc.key} arguments of {event.trigger!r}: gold {theirs or '-'} | ours "
                f"{mine or '-'} «{truncate(event.evidence)}»"
            )
    for index in spurious:
        event = ours[index]
        where = "trigger not found in its evidence" if event.location is None else "no gold event"
        names = "; ".join(
            [f"{role}={kb.name(entity)}" for role, entity in event.arguments]
            + [f"{role}={_words(kb, doc.key, loc)!r}" for role, loc in event.spans or []]
        )
        scores.misses.append(
            f"{doc.key} spurious {event.event_type}/{event.sub_event_type} "
            f"{event.trigger!r} ({where}) «{truncate(event.evidence)}» {names}"
        )


def _words(kb: ExportedKnowledgeBase, key: str, location: Location) -> str:
    """The stored text at a location of one of a gold item's documents."""
    for stored in kb.documents_by_key.get(key, []):
        if stored.id == location[0]:
            return stored.text[location[1] : location[2]]
    return "?"


def evaluate_wikievents(
    path: Path, limit: int | None = None, processes: int = 1, coref_path: Path | None = None
) -> WikiScores:
    """Ingest each rebuilt document and score triggers and arguments."""
    documents = read_wikievents(path, limit, coref_path)
    started = time.perf_counter()
    kb = knowledge_base_of([GoldDocument(d.key, d.text) for d in documents], processes=processes)
    table = load_kairos_table()
    scores = WikiScores()
    for doc in documents:
        score_document(doc, kb, scores, table)
    scores.seconds = time.perf_counter() - started
    return scores


def _scope_lines(scores: ScopeScores) -> list[str]:
    rows = (
        ("trigger identification", scores.trigger_id),
        ("trigger classification", scores.trigger_cls),
        ("event in the trigger's sentence", scores.sentence_id),
        ("argument identification", scores.arg_id),
        ("argument classification", scores.arg_cls),
        ("argument id., head or coref", scores.arg_id_coref),
        ("argument cls., head or coref", scores.arg_cls_coref),
    )
    return [f"    {label:<32} {counts.line()}" for label, counts in rows]


def format_wiki_scores(scores: WikiScores) -> str:
    lines = [
        f"WikiEvents: {scores.documents} documents, {scores.gold_events} gold conflict events, "
        f"{scores.our_events} events of ours ({scores.seconds:.0f} s)",
        "  conflict events (attacks, arrests, demonstrations, defeats):",
        *_scope_lines(scores.main),
        f"    our triggers on a death/injury/damage trigger, left out: {scores.main.neutral}",
        "  deaths, injuries and damage counted as events too:",
        *_scope_lines(scores.wide),
        f"  our triggers not found in their evidence {scores.unlocated_triggers}; gold tokens "
        f"not found in the stored text {scores.unaligned_tokens}; failed to ingest "
        f"{scores.failed}",
    ]
    return "\n".join(lines)


def wiki_figures(scores: WikiScores) -> dict[str, float]:
    figures: dict[str, float] = {}
    for prefix, scope in (("", scores.main), ("with_outcomes_", scores.wide)):
        for name in ("trigger_id", "trigger_cls", "arg_id", "arg_cls", "arg_id_coref"):
            counts: MatchCounts = getattr(scope, name)
            figures[f"{prefix}{name}_f1"] = counts.f1
        figures[f"{prefix}arg_cls_coref_f1"] = scope.arg_cls_coref.f1
    for name in ("trigger_id", "trigger_cls"):
        counts = getattr(scores.main, name)
        figures[f"{name}_precision"] = counts.precision
        figures[f"{name}_recall"] = counts.recall
    return figures


@suite("wikievents", "events: WikiEvents dev (KAIROS types mapped to ACLED's), triggers and args")
def wikievents_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir.joinpath(*DEFAULT_FILE)
    scores = evaluate_wikievents(path, limit=options.limit, processes=options.processes)
    return SuiteReport(
        "wikievents", format_wiki_scores(scores), wiki_figures(scores), scores.misses
    )
