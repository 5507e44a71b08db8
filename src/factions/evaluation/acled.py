"""Events against ACLED: one event's description at a time.

Each row's `text` (the notes with the coders' bracketed annotations removed; `notes` itself is
never read, it gives answers away) is ingested as its own document, published on the
`event_date`. Rows are scored on the events factions stored for that document (the item's own
records, see `external.py`).

The best-matching event: of our events in the document, the one agreeing with the row on most
of type (two points with the sub-type), actor1, actor2 and fatalities; the first in the text on
a tie. Type, sub-type and fatalities are scored on it, over the rows where we found an event.

Figures (each `right/total`):

- event found: at least one event in the document.
- event type agrees, sub-event type agrees: equal to ACLED's (both use ACLED's categories).
- fatalities exact: ACLED's `fatalities` against our best estimate (else the low one); a gold
  0 is also matched by an event with no fatality figure.
- actor1 recall, actor2 recall (rows that have the actor): the gold actor is a participant, in
  any role, of any of our events in the document (ACLED's actors carry no direction). Names
  compare by core (`matching.py`), read the ACLED way (`factions/data/eval/acled.toml`):
  * state actors, "Military Forces of Afghanistan (2021-)" or "Police Forces of Brazil
    (2019-) Federal Police": the period is dropped and the country read; our participant must
    be a state force of that country (its country, else its gazetteer entry's home country,
    else a country or demonym in its names) or the country itself; the unit after the period
    is also tried as a name;
  * named groups, "TTP: Tehrik-i-Taliban", "Islamic State (Iraq)": both sides of the colon and
    the name without a country qualifier are alternatives, matched against our non-place
    participants;
  * generic actors, "Protesters (X)", "Rioters (X)", "Civilians (X)", "Unidentified Armed
    Group (X)": matched when our participant names that kind of people (the last word of its
    name, or of the name without a parenthesised qualifier, is one of the kind's words in
    `acled.toml`), or its name is the kind's as ACLED writes it ("Unidentified Armed Group").
    They are also counted separately, so the
    figures show state, named and generic actors apart.
- by-type: per ACLED event type, events found and types agreeing, and the top confusions
  (ACLED type -> our type, "no event" when we found none).

ACLED data is ACLED's; figures computed from it must cite "ACLED".
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from factions.evaluation.external import (
    PLACE_TYPES,
    ExportedKnowledgeBase,
    GoldDocument,
    knowledge_base_of,
)
from factions.evaluation.matching import (
    NameSet,
    country_code,
    describe_event,
    entity_name_set,
    eval_table,
    fatality_count,
    fold,
    name_alternatives,
    name_set,
    truncate,
)
from factions.evaluation.scoring import Ratio
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.gazetteer import load_gazetteer

DEFAULT_FILE = ("events-acled", "acled-2022h1-dev.csv")
ACTOR_CLASSES = ("state", "named", "generic")
_PERIOD = re.compile(r"\s*\((\d{4})-(\d{4})?\)\s*")
_QUALIFIER = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


@dataclass(frozen=True)
class AcledActor:
    """An ACLED actor name read for matching (see the module docstring)."""

    raw: str
    kind: str  # "state", "named" or "generic"
    country: str | None = None
    generic: str | None = None
    names: NameSet = field(default_factory=NameSet)


@lru_cache(maxsize=16384)
def parse_actor(raw: str) -> AcledActor:
    """Read an ACLED actor name: its class, its country, the names it may be matched on."""
    table = eval_table("acled.toml")
    text = " ".join(raw.split())
    for kind, spec in table.get("generic", {}).items():
        if any(text == p or text.startswith(p + " ") for p in spec["prefixes"]):
            qualifier = _QUALIFIER.match(text)
            country = country_code(qualifier.group(2)) if qualifier else None
            return AcledActor(raw, "generic", country=country, generic=kind)
    period = _PERIOD.search(text)
    head, unit = (text[: period.start()], text[period.end() :]) if period else (text, "")
    for prefix in table.get("state_prefixes", []):
        match = re.match(rf"^{re.escape(prefix)} of (?:the )?(.+)$", head)
        country = country_code(match.group(1)) if match else None
        if country:
            names = name_set([head, unit] if unit else [head])
            return AcledActor(raw, "state", country=country, names=names)
    alternatives = name_alternatives(head)
    if unit:
        alternatives.append(unit)
    qualifier = _QUALIFIER.match(head)
    country = country_code(qualifier.group(2)) if qualifier else None
    return AcledActor(raw, "named", country=country, names=name_set(alternatives))


class EntityIndex:
    """What we know of our entities for matching: names, type, country (cached)."""

    def __init__(self, kb: ExportedKnowledgeBase) -> None:
        self.kb = kb
        self._names: dict[str, NameSet] = {}
        self._countries: dict[str, str | None] = {}

    def names(self, entity_id: str) -> NameSet:
        if entity_id not in self._names:
            self._names[entity_id] = entity_name_set(self.kb, entity_id)
        return self._names[entity_id]

    def country(self, entity_id: str) -> str | None:
        """An entity's country: its own, its gazetteer entry's home, or one its names give."""
        if entity_id not in self._countries:
            self._countries[entity_id] = self._country(entity_id)
        return self._countries[entity_id]

    def _country(self, entity_id: str) -> str | None:
        row = self.kb.entities.get(entity_id) or {}
        if row.get("country"):
            return row["country"]
        if entity_id.startswith("a:"):
            entry = load_gazetteer().get(entity_id[2:])
            if entry and entry.countries:
                return entry.countries[0]
        for name in self.kb.names(entity_id):
            words = name.replace("’s", "").replace("'s", "").split()
            for size in (3, 2, 1):
                for i in range(len(words) - size + 1):
                    code = country_code(" ".join(words[i : i + size]))
                    if code:
                        return code
        return None


def actor_matches(index: EntityIndex, actor: AcledActor, entity_id: str) -> bool:
    """Whether one of our participants is the ACLED actor (rules in the module docstring)."""
    entity_type = index.kb.entity_type(entity_id)
    if actor.kind == "generic":
        if entity_type in PLACE_TYPES:
            return False
        words = set(eval_table("acled.toml")["generic"][actor.generic or ""]["words"])
        # "Civilians (Mali)": a country qualifier is not the kind of people; a participant
        # named as ACLED names the kind ("Unidentified Armed Group") is that kind too.
        gold = fold(_QUALIFIER.sub(r"\1", actor.raw))
        return any(
            (fold(alternative).split() or [""])[-1] in words or fold(alternative) == gold
            for name in index.kb.names(entity_id)
            for alternative in name_alternatives(name)
        )
    same_country = actor.kind == "state" and index.country(entity_id) == actor.country
    if same_country and entity_type in {"state_force", "country"}:
        return True
    return entity_type not in PLACE_TYPES and index.names(entity_id).matches(actor.names)


@dataclass(frozen=True)
class AcledRow:
    key: str
    text: str
    date: str
    event_type: str
    sub_event_type: str
    actor1: str
    actor2: str
    fatalities: int | None


def read_acled(path: Path, limit: int | None = None) -> list[AcledRow]:
    """The rows of an ACLED CSV with a `text` column, the first `limit` only."""
    rows: list[AcledRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            if limit is not None and len(rows) >= limit:
                break
            fatalities = raw.get("fatalities", "")
            rows.append(
                AcledRow(
                    key=raw["event_id_cnty"],
                    text=raw["text"],
                    date=raw["event_date"],
                    event_type=raw["event_type"],
                    sub_event_type=raw["sub_event_type"],
                    actor1=raw.get("actor1", "").strip(),
                    actor2=raw.get("actor2", "").strip(),
                    fatalities=round(float(fatalities)) if fatalities.strip() else None,
                )
            )
    return rows


@dataclass
class AcledScores:
    rows: int = 0
    events: int = 0
    seconds: float = 0.0
    merged: int = 0
    failed: int = 0
    found: Ratio = field(default_factory=Ratio)
    type: Ratio = field(default_factory=Ratio)
    sub_type: Ratio = field(default_factory=Ratio)
    fatalities: Ratio = field(default_factory=Ratio)
    actor1: Ratio = field(default_factory=Ratio)
    actor2: Ratio = field(default_factory=Ratio)
    by_class: dict[str, Ratio] = field(default_factory=lambda: {c: Ratio() for c in ACTOR_CLASSES})
    found_by_type: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    type_by_type: dict[str, Ratio] = field(default_factory=lambda: defaultdict(Ratio))
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)


def _participants(events: list[dict[str, Any]]) -> list[str]:
    return [p["entity"] for e in events for p in e["participants"]]


def fatalities_agree(gold: int, event: dict[str, Any] | None) -> bool:
    if event is None:
        return False
    ours = fatality_count(event)
    return ours == gold or (gold == 0 and ours is None)


def best_event(
    index: EntityIndex, row: AcledRow, actors: list[AcledActor], events: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The event agreeing with the row on most fields (the first in the text on a tie)."""
    best, best_score = None, -1
    for event in events:
        score = 0
        if event["event_type"] == row.event_type:
            score += 2 if event["sub_event_type"] == row.sub_event_type else 1
        for actor in actors:
            score += any(actor_matches(index, actor, p["entity"]) for p in event["participants"])
        if row.fatalities is not None and fatalities_agree(row.fatalities, event):
            score += 1
        if score > best_score:
            best, best_score = event, score
    return best


def score_row(
    row: AcledRow, kb: ExportedKnowledgeBase, scores: AcledScores, index: EntityIndex | None = None
) -> None:
    """Add one row's counts (and its miss line) to `scores`."""
    index = index or EntityIndex(kb)
    events = kb.own_events(row.key)
    scores.rows += 1
    scores.events += len(events)
    scores.merged += row.key in kb.merged_keys
    scores.failed += row.key in kb.failed
    gold_actors = [parse_actor(a) for a in (row.actor1, row.actor2) if a]
    event = best_event(index, row, gold_actors, events)
    wrong: list[str] = []
    if row.key in kb.failed:
        wrong.append(f"not ingested: {kb.failed[row.key]}")
    scores.found.add(event is not None)
    scores.found_by_type[row.event_type].add(event is not None)
    scores.confusion[(row.event_type, event["event_type"] if event else "no event")] += 1
    if event is None:
        wrong.append("event")
    else:
        scores.type.add(event["event_type"] == row.event_type)
        scores.type_by_type[row.event_type].add(event["event_type"] == row.event_type)
        scores.sub_type.add(event["sub_event_type"] == row.sub_event_type)
        if event["event_type"] != row.event_type:
            wrong.append("type")
        elif event["sub_event_type"] != row.sub_event_type:
            wrong.append("sub-type")
        if row.fatalities is not None:
            ok = fatalities_agree(row.fatalities, event)
            scores.fatalities.add(ok)
            if not ok:
                wrong.append("fatalities")
    participants = _participants(events)
    for slot, raw, ratio in (
        ("actor1", row.actor1, scores.actor1),
        ("actor2", row.actor2, scores.actor2),
    ):
        if not raw:
            continue
        actor = parse_actor(raw)
        found = any(actor_matches(index, actor, p) for p in participants)
        ratio.add(found)
        scores.by_class[actor.kind].add(found)
        if not found:
            wrong.append(f"{slot} ({actor.kind})")
    if wrong:
        gold = (
            f"{row.event_type}/{row.sub_event_type}; {row.actor1 or '-'} | {row.actor2 or '-'}; "
            f"fatalities {row.fatalities}"
        )
        scores.misses.append(
            f"{row.key} [{', '.join(wrong)}] «{truncate(row.text)}» gold: {gold}; "
            f"ours: {describe_event(kb, event)}"
        )


def evaluate_acled(path: Path, limit: int | None = None, processes: int = 1) -> AcledScores:
    """Ingest each row's text and score the events against the row."""
    rows = read_acled(path, limit)
    started = time.perf_counter()
    kb = knowledge_base_of(
        [GoldDocument(r.key, r.text, r.date or None) for r in rows], processes=processes
    )
    scores = AcledScores()
    index = EntityIndex(kb)
    for row in rows:
        score_row(row, kb, scores, index)
    scores.seconds = time.perf_counter() - started
    return scores


def format_acled_scores(scores: AcledScores) -> str:
    lines = [
        f"ACLED: {scores.rows} event descriptions, {scores.events} events ({scores.seconds:.0f} s)",
        f"  event found                        {scores.found.line()}",
        "  on the best-matching event of the rows with one:",
        f"    event type agrees                {scores.type.line()}",
        f"    sub-event type agrees            {scores.sub_type.line()}",
        f"    fatalities exact                 {scores.fatalities.line()}",
        "  actors (a participant of any of our events in the document):",
        f"    actor1 recall                    {scores.actor1.line()}",
        f"    actor2 recall                    {scores.actor2.line()}",
        f"    state forces (actor1 and 2)      {scores.by_class['state'].line()}",
        f"    named groups                     {scores.by_class['named'].line()}",
        f"    generic (protesters, civilians…) {scores.by_class['generic'].line()}",
        "  by ACLED type: found, type agrees (of found)",
    ]
    for event_type in sorted(scores.found_by_type, key=lambda t: -scores.found_by_type[t].total):
        found, typed = scores.found_by_type[event_type], scores.type_by_type[event_type]
        lines.append(f"    {event_type:<32} {found.line():<22} {typed.line()}")
    confusions = [(k, n) for k, n in scores.confusion.most_common() if k[0] != k[1]][:8]
    if confusions:
        lines.append("  top confusions (ACLED -> ours):")
        lines += [f"    {g} -> {o}: {n}" for (g, o), n in confusions]
    lines.append(
        f"  events per row {scores.events / max(scores.rows, 1):.2f}; rows whose events the "
        f"export merged with another's {scores.merged}; failed to ingest {scores.failed}"
    )
    return "\n".join(lines)


def acled_figures(scores: AcledScores) -> dict[str, float]:
    return {
        "event_found": scores.found.value,
        "event_type": scores.type.value,
        "sub_event_type": scores.sub_type.value,
        "fatalities": scores.fatalities.value,
        "actor1_recall": scores.actor1.value,
        "actor2_recall": scores.actor2.value,
        "state_actor_recall": scores.by_class["state"].value,
        "named_actor_recall": scores.by_class["named"].value,
        "generic_actor_recall": scores.by_class["generic"].value,
    }


@suite(
    "acled",
    "events: ACLED event descriptions (type, sub-type, actors, fatalities); ~2 min",
    in_all=False,
)
def acled_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir.joinpath(*DEFAULT_FILE)
    scores = evaluate_acled(path, limit=options.limit, processes=options.processes)
    return SuiteReport("acled", format_acled_scores(scores), acled_figures(scores), scores.misses)
