"""Role fillers against MUC-4 (the GRIT preparation of its 1989-90 Latin American news).

Each document is ingested as its own article. The text is hard-wrapped at about 70 columns;
the reader joins the lines of each paragraph (paragraphs are separated by blank lines) before
ingesting, since the cleaner otherwise keeps every wrapped line as a paragraph of its own and
takes the first ones for a headline. Nothing else is changed: the text stays in capitals.

Our fillers come from the document's own event records (see `external.py`) that are what
MUC-4 codes, terrorist incidents (`is_incident`: no protests, arrests, agreements or changes
of a group, and no combat between armed sides, ACLED's Battles, whose targets are military;
this is our side choosing what to submit, from our own records' types, and the scorer below
is unchanged), one filler per entity and role, written as the entity's mentions in the
document (its name when it has none). Two more choices of what to submit, read from our
records, not from the gold: an event its own report denies (certainty `denied`: "the army
denied that guerrillas attacked the farm") is no incident the report tells, and a strategic
development whose actor is a state force (a seizure of arms, a defusal, a guerrilla house
destroyed by the police) is counter-insurgency, not a terrorist incident:

- participant `actor`: `perp_individual_id` when the entity is a person or a collective (people
  named by kind: "guerrillas"), `perp_organization_id` when it is an armed group, organisation
  or state force (places are left out); of such a group or force, the mentions that name its
  people rather than the body ("45 soldiers", "army troops": the last word is one of
  `data/eval/muc4.toml`) fill `perp_individual_id` instead, as MUC-4 keeps the individuals
  apart from their organisation; the actor of a disrupted weapons use (ACLED's sub-type: a
  bomb defused, an attack thwarted) is who stopped it, no perpetrator, and fills nothing;
- participants `target`, `victim`, `wounded`: `hum_tgt_name` when the entity is a person;
  `target` is `phys_tgt_id` when it is a thing (property); an organisation attacked (a
  party, a company, a front) is no physical target, its premises are, and they are read as
  property when the text names them; groups of people harmed are no filler (MUC-4's human
  targets are names; see `role_of`);
- people named by kind that the document never mentions (a generic actor with no word in
  the text, "Unidentified Armed Group") fill nothing;
- `incident_instrument_id`: the instruments of the document's events (the export's
  `instruments`, the weapons their sentences name), one filler per weapon (strings whose last
  word is the same in the singular: "a bomb", "two bombs"); the micro average is also given
  without this role.

Matching follows the head-noun scorer of Du and Cardie (2020, `doc_event_role/eval.py`), which
GRIT (Du, Rush and Cardie 2021) reports alongside its CEAF-REE figures: strings are lower-cased
and stripped of punctuation and of the articles a/an/the; their head nouns are the roots of the
noun chunks spaCy's English model finds in them. A predicted filler matches a gold entity when
one of its strings equals one of the entity's strings or shares a head noun with it
(acronyms such as "fmln" have no noun chunk and match only exactly). Per role and document:
recall = gold entities matched by some filler / gold entities; precision = fillers matching
some gold entity of the role / our fillers, after dropping fillers whose head nouns repeat an
earlier one's. Documents without gold fillers count all our fillers as false positives. An
exact-match variant (normalised strings equal) is reported too.
"""

from __future__ import annotations

import json
import re
import string
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from factions.evaluation.external import (
    ACTOR_TYPES,
    PLACE_TYPES,
    ExportedKnowledgeBase,
    GoldDocument,
    knowledge_base_of,
)
from factions.evaluation.matching import parser, truncate
from factions.evaluation.scoring import MatchCounts
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.packaged import read_toml

DEFAULT_FILE = ("events-muc4", "muc4-dev.jsonl")
ROLES = (
    "perp_individual_id",
    "perp_organization_id",
    "phys_tgt_id",
    "hum_tgt_name",
    "incident_instrument_id",
)
ROLE_NAMES = {
    "perp_individual_id": "PerpInd",
    "perp_organization_id": "PerpOrg",
    "phys_tgt_id": "Target",
    "hum_tgt_name": "Victim",
    "incident_instrument_id": "Weapon",
}
WITHOUT_INSTRUMENTS = ROLES[:4]
# The sub-type whose actor stopped the attack rather than made it.
_DISRUPTED = "Disrupted weapons use"
_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


@dataclass(frozen=True)
class MucDocument:
    key: str
    text: str
    roles: dict[str, list[list[str]]]


def unwrap(text: str) -> str:
    """The text with the lines of each paragraph joined (paragraphs: blank-line separated)."""
    paragraphs = re.split(r"\n\s*\n", text)
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def read_muc4(path: Path, limit: int | None = None) -> list[MucDocument]:
    """The documents of a GRIT-style MUC-4 JSON Lines file, the first `limit` only."""
    documents: list[MucDocument] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            if limit is not None and len(documents) >= limit:
                break
            raw = json.loads(line)
            roles = {role: [list(e) for e in raw["roles"].get(role, []) if e] for role in ROLES}
            documents.append(MucDocument(raw["docid"], raw["doc"], roles))
    return documents


def normalise(text: str) -> str:
    """Lower case, no punctuation, no articles, single spaces (the scorer's normalisation)."""
    text = text.lower().translate(_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


@lru_cache(maxsize=65536)
def head_nouns(text: str) -> tuple[str, ...]:
    """The roots of the noun chunks of the lower-cased string."""
    return tuple(chunk.root.text for chunk in parser()(text.lower()).noun_chunks)


@dataclass(frozen=True)
class Mention:
    span: str
    heads: tuple[str, ...]


def mention(text: str) -> Mention:
    span = normalise(text)
    return Mention(span, head_nouns(span))


def matches(ours: list[Mention], gold: list[Mention], exact: bool = False) -> bool:
    """A filler matches an entity: equal strings, or (head-noun mode) a shared head noun."""
    for p in ours:
        for g in gold:
            if p.span == g.span:
                return True
            if not exact and set(p.heads) & set(g.heads):
                return True
    return False


@dataclass
class MucScores:
    documents: int = 0
    seconds: float = 0.0
    failed: int = 0
    head: dict[str, MatchCounts] = field(default_factory=lambda: {r: MatchCounts() for r in ROLES})
    exact: dict[str, MatchCounts] = field(default_factory=lambda: {r: MatchCounts() for r in ROLES})
    misses: list[str] = field(default_factory=list)

    def micro(self, roles: tuple[str, ...] = ROLES, exact: bool = False) -> MatchCounts:
        total = MatchCounts()
        for role in roles:
            total.add((self.exact if exact else self.head)[role])
        return total


def role_of(role: str, entity_type: str | None) -> str | None:
    """The MUC-4 role our participant role and entity type answer (None: not a filler).

    MUC-4's individual perpetrators are people, named or described ("guerrillas"), its
    organisations named groups and forces; its human targets are people's names, its physical
    targets things. So an actor that is a person or a `collective` (people named by kind) is a
    PerpInd, an armed group, organisation or state force a PerpOrg; a target or victim that is a
    person is a HumTgt, a target that is a thing (`property`) a PhysTgt (a town is the
    incident's location, an organisation the owner of what was hit, neither a target); a group
    of people harmed has no MUC-4 role."""
    if role == "actor":
        if entity_type in {"person", "collective"}:
            return "perp_individual_id"
        return "perp_organization_id" if entity_type in ACTOR_TYPES else None
    if entity_type == "person" and role in {"target", "victim", "wounded"}:
        return "hum_tgt_name"
    if role == "target" and entity_type == "property":
        return "phys_tgt_id"
    return None


@lru_cache(maxsize=1)
def _individual_heads() -> frozenset[str]:
    return frozenset(read_toml("eval", "muc4.toml")["individual_heads"])


@lru_cache(maxsize=1)
def _scope() -> tuple[frozenset[str], frozenset[str]]:
    data = read_toml("eval", "muc4.toml")
    return frozenset(data["not_incident_types"]), frozenset(data["not_incident_sub_types"])


def is_incident(event: dict[str, Any], kb: ExportedKnowledgeBase | None = None) -> bool:
    """Whether one of our events is what MUC-4 codes, a terrorist incident: not a protest, an
    arrest, an agreement, nor combat between armed sides (`data/eval/muc4.toml`); not an event
    its report denies; and (with `kb`, for the actors' types) no strategic development of a
    state force."""
    types, sub_types = _scope()
    if event["event_type"] in types or event["sub_event_type"] in sub_types:
        return False
    if event.get("certainty") == "denied":
        return False
    return kb is None or not (
        event["event_type"] == "Strategic developments" and _by_state_force(event, kb)
    )


def _by_state_force(event: dict[str, Any], kb: ExportedKnowledgeBase) -> bool:
    return any(
        p["role"] == "actor" and kb.entity_type(p["entity"]) == "state_force"
        for p in event["participants"]
    )


def _names_individuals(words: str) -> bool:
    """Whether a mention names people ("45 soldiers", "army troops"), not a body."""
    last = normalise(words).split()[-1:]
    return bool(last) and last[0] in _individual_heads()


def weapon_key(text: str) -> str:
    """An instrument's last word in the singular: what tells one weapon from another."""
    words = normalise(text).split()
    last = words[-1] if words else ""
    return last[:-1] if last.endswith("s") and not last.endswith("ss") else last


def predicted_fillers(kb: ExportedKnowledgeBase, key: str) -> dict[str, list[list[str]]]:
    """Our fillers per role: one per entity, as the strings it is mentioned by."""
    surfaces: dict[str, list[str]] = {}
    for m in kb.mentions_by_key.get(key, []):
        items = surfaces.setdefault(m["entity"], [])
        if m["text"] not in items:
            items.append(m["text"])
    fillers: dict[str, dict[str, list[str]]] = {role: {} for role in ROLES}
    for event in kb.own_events(key):
        if not is_incident(event, kb):
            continue
        stopped = event["sub_event_type"] == _DISRUPTED
        for participant in event["participants"]:
            entity = participant["entity"]
            entity_type = kb.entity_type(entity)
            if participant["role"] == "actor" and (entity_type in PLACE_TYPES or stopped):
                continue
            role = role_of(participant["role"], entity_type)
            # A filler is words of the document: people we named by kind without a word for
            # them in the text ("Unidentified Armed Group") fill nothing.
            if entity not in surfaces and entity_type == "collective":
                continue
            if role is None or entity in fillers[role]:
                continue
            words = surfaces.get(entity) or [kb.name(entity)]
            if role == "perp_organization_id":
                # "soldiers", "troops" of the army are its individuals; "the army" itself the
                # organisation.
                people = [w for w in words if _names_individuals(w)]
                words = [w for w in words if w not in people]
                if people:
                    fillers["perp_individual_id"][entity] = people
                if not words:
                    continue
            fillers[role][entity] = words
        for instrument in event.get("instruments", []):
            # "a bomb" and "two bombs" are one filler, with both strings.
            same = fillers["incident_instrument_id"].setdefault(weapon_key(instrument["text"]), [])
            if instrument["text"] not in same:
                same.append(instrument["text"])
    return {role: list(by_entity.values()) for role, by_entity in fillers.items()}


def _without_repeated_heads(fillers: list[list[Mention]]) -> list[list[Mention]]:
    kept, seen = [], []
    for filler in fillers:
        heads = sorted({h for m in filler for h in m.heads})
        if heads and heads in seen:
            continue
        seen.append(heads)
        kept.append(filler)
    return kept


def score_role(
    ours: list[list[str]], gold: list[list[str]], exact: bool = False
) -> tuple[MatchCounts, list[int], list[int]]:
    """Counts for one role of one document, with the unmatched gold and predicted indexes."""
    predicted = [[mention(s) for s in filler] for filler in ours]
    if not exact:
        predicted = _without_repeated_heads(predicted)
    entities = [[mention(s) for s in entity] for entity in gold]
    counts = MatchCounts(predicted=len(predicted), gold=len(entities))
    missed, spurious = [], []
    for i, entity in enumerate(entities):
        if any(matches(filler, entity, exact) for filler in predicted):
            counts.gold_found += 1
        else:
            missed.append(i)
    everything = [m for entity in entities for m in entity]
    for i, filler in enumerate(predicted):
        if matches(filler, everything, exact):
            counts.predicted_right += 1
        else:
            spurious.append(i)
    return counts, missed, spurious


def score_document(doc: MucDocument, kb: ExportedKnowledgeBase, scores: MucScores) -> None:
    """Add one document's counts (and its misses) to `scores`."""
    scores.documents += 1
    scores.failed += doc.key in kb.failed
    ours = predicted_fillers(kb, doc.key)
    problems = [f"not ingested: {kb.failed[doc.key]}"] if doc.key in kb.failed else []
    for role in ROLES:
        counts, missed, spurious = score_role(ours[role], doc.roles[role])
        scores.head[role].add(counts)
        scores.exact[role].add(score_role(ours[role], doc.roles[role], exact=True)[0])
        name = ROLE_NAMES[role]
        problems += [f"{name} missed {doc.roles[role][i][0]!r}" for i in missed]
        deduped = _without_repeated_heads([[mention(s) for s in f] for f in ours[role]])
        problems += [f"{name} spurious {deduped[i][0].span!r}" for i in spurious]
    if problems:
        scores.misses.append(
            f"{doc.key} «{truncate(doc.text)}» {'; '.join(problems)}; ours: "
            + ", ".join(f"{ROLE_NAMES[r]}={[f[0] for f in ours[r]]}" for r in ROLES if ours[r])
        )


def evaluate_muc4(path: Path, limit: int | None = None, processes: int = 1) -> MucScores:
    """Ingest each document and score its role fillers."""
    documents = read_muc4(path, limit)
    started = time.perf_counter()
    kb = knowledge_base_of(
        [GoldDocument(d.key, unwrap(d.text)) for d in documents], processes=processes
    )
    scores = MucScores()
    for doc in documents:
        score_document(doc, kb, scores)
    scores.seconds = time.perf_counter() - started
    return scores


def format_muc4_scores(scores: MucScores) -> str:
    lines = [
        f"MUC-4: {scores.documents} documents, role fillers matched by head noun "
        f"({scores.seconds:.0f} s)",
    ]
    for role in ROLES:
        lines.append(f"  {ROLE_NAMES[role]:<22} {scores.head[role].line()}")
    lines += [
        f"  {'micro':<22} {scores.micro().line()}",
        f"  {'micro without Weapon':<22} {scores.micro(WITHOUT_INSTRUMENTS).line()}",
        f"  {'exact match, micro':<22} {scores.micro(exact=True).line()}",
        f"  failed to ingest {scores.failed}",
    ]
    return "\n".join(lines)


def muc4_figures(scores: MucScores) -> dict[str, float]:
    figures: dict[str, float] = {}
    for role in ROLES:
        figures[f"{ROLE_NAMES[role].lower()}_f1"] = scores.head[role].f1
    micro, without = scores.micro(), scores.micro(WITHOUT_INSTRUMENTS)
    figures.update(
        micro_precision=micro.precision,
        micro_recall=micro.recall,
        micro_f1=micro.f1,
        micro_f1_without_weapon=without.f1,
        exact_micro_f1=scores.micro(exact=True).f1,
    )
    return figures


@suite("muc4", "events: MUC-4 role fillers (perpetrators, targets, victims, weapons)")
def muc4_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir.joinpath(*DEFAULT_FILE)
    scores = evaluate_muc4(path, limit=options.limit, processes=options.processes)
    return SuiteReport("muc4", format_muc4_scores(scores), muc4_figures(scores), scores.misses)
