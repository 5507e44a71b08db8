"""Events against the Global Terrorism Database (START, GTD): one incident summary at a time.

Each row's `summary` is ingested as its own document (through the real ingest), published on
the incident date (`iyear-imonth-iday`; day 0 gives a month-precision date). Rows are scored
on the events factions stored for that document (see `external.py`: the item's own records,
so that two incidents merged by the resolver do not lend each other participants).

The best-matching event. A summary describes one incident, but factions may report several
events for it (a blast and the clash after it). Per row, every event is compared with the gold
on the fields below (type allowed, perpetrator, day, killed, place within 50 km) and the one
agreeing on most is the incident's event (the first in the text on a tie). The per-event
fields are scored on that event, over the rows where we found an event at all.

Figures (each `right/total`):

- event found: at least one event in the document.
- type agrees: our event type is one the GTD attack type may stand for. The table (attack
  type with weapon, weapon sub-type, suicide flag and target type -> ACLED types and
  sub-types) is `factions/data/eval/gtd_acled.toml`; rows it has no rule for (attack type
  "Unknown") are not scored. "Sub-event type agrees" is the same with the sub-types.
- date exact: our event's date is the incident day (rows with a known day).
- killed exact: `nkill` against our fatalities (best, else low); a gold 0 is also matched by
  an event with no fatality figure; a missing `nkill` is not scored.
- wounded exact: `nwound` against the event's `wounded` count (best, else low), as killed
  is scored (a gold 0 also matches no figure); n/a for an export without the field.
- place within 50 km: our event's place entity's coordinates against the gold latitude and
  longitude, for rows of specificity 1-2 (the town or a part of it); no place is a miss.
- perpetrator recall, on rows whose `gname` names a group (not "Unknown"): one of the actors
  of any of our events in the document is the gold group (`gname`, `gname2` or `gname3`),
  matched as `matching.py` describes (folded names, parenthesised parts as alternatives, the
  gazetteer's aliases, descriptor-free cores). Perpetrator precision, on the same rows: of
  our events that name an actor, the share where one of the actors is a gold group. In a
  thwarted attack (ACLED's "Disrupted weapons use": a bomb defused, a drone shot down) the
  thwarting force is the actor, as ACLED codes it; there the perpetrator side is the group a
  claim or attribution names against it (a target with a grade), and an event naming none
  is not counted. Missed
  perpetrators are sorted into classes: not named in the summary; named but not recognised
  as an entity; recognised but not made an actor, split by the cue nearest the name in its
  sentence ("claimed responsibility", "attributed", "suspected/blamed/accused", none).
- claimed vs attributed: the gold status is "claimed" when `claimed`=1, else "alleged" when
  `guncertain1`=1, else "neither". Ours is "claimed" when one of the document's events has
  certainty `claimed` or a `claimed_responsibility_for` claim (polarity true) comes from it,
  else "alleged" when an event has certainty `alleged`, else "neither". Agreement is over all
  rows; the claimed and alleged classes also get precision/recall/F1. A `carried_out` claim
  graded `claimed` or `alleged` counts as well: the grade of who did it lives on the claim
  about the perpetrator (with the sentence that says so), not on the event, which the text
  may state as fact ("Assailants attacked ...; sources suspected X").
- city recognised as a place: of the summaries that contain the gold `city` string, the share
  where a mention covering it (or any mention of an entity named so) resolves to a place
  entity (location, country, region), and, separately, the share where such a mention
  became a person or an organisation/armed group/state force instead.

GTD is START's; figures computed from it must cite "START, Global Terrorism Database".
"""

from __future__ import annotations

import csv
import re
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from factions.evaluation.external import (
    ACTOR_TYPES,
    PLACE_TYPES,
    ExportedKnowledgeBase,
    GoldDocument,
    knowledge_base_of,
)
from factions.evaluation.matching import (
    NameSet,
    describe_event,
    entity_name_set,
    fatality_count,
    fold,
    gold_name_set,
    haversine_km,
    name_alternatives,
    truncate,
)
from factions.evaluation.scoring import PRF, Ratio
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.gazetteer import load_gazetteer

DEFAULT_FILE = ("events-gtd", "gtd-2021h1-dev.csv")
PLACE_RADIUS_KM = 50.0
UNKNOWN_GROUP = "unknown"
CLAIM_CLASSES = ("claimed", "alleged", "neither")
_CUES = (
    ("claim", re.compile(r"\bclaim(?:ed|s|ing)?\b[^.]*\bresponsib", re.I)),
    ("attributed", re.compile(r"\battribut", re.I)),
    ("suspected/blamed/accused", re.compile(r"\b(?:suspect|blam|accus|believ)", re.I)),
)


@dataclass(frozen=True)
class GtdRow:
    key: str
    summary: str
    published: str | None
    day: str | None
    attack: str
    weapon: str
    weapon_sub: str
    target: str
    suicide: int
    groups: tuple[str, ...]
    claimed: bool
    uncertain: bool
    nkill: int | None
    nwound: int | None
    lat: float | None
    lon: float | None
    specificity: int | None
    city: str
    success: int = 1


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    number = _number(value)
    return None if number is None else round(number)


def incident_date(year: str, month: str, day: str) -> tuple[str | None, str | None]:
    """(published date, exact day): "2021-01-05" twice, or "2021-01" and None when day is 0."""
    y, m, d = _int(year), _int(month), _int(day)
    if not y:
        return None, None
    if not m:
        return f"{y:04d}", None
    if not d:
        return f"{y:04d}-{m:02d}", None
    exact = f"{y:04d}-{m:02d}-{d:02d}"
    return exact, exact


def read_gtd(path: Path, limit: int | None = None) -> list[GtdRow]:
    """The rows of a GTD CSV (the columns the shared README lists), the first `limit` only."""
    rows: list[GtdRow] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            if limit is not None and len(rows) >= limit:
                break
            published, day = incident_date(raw["iyear"], raw["imonth"], raw["iday"])
            # Rows whose main group is unknown name no perpetrator, whatever gname2 says.
            named = (raw.get("gname") or "").strip().lower() not in {"", UNKNOWN_GROUP}
            groups = tuple(
                g.strip()
                for g in (raw.get("gname"), raw.get("gname2"), raw.get("gname3"))
                if named and g and g.strip() and g.strip().lower() != UNKNOWN_GROUP
            )
            rows.append(
                GtdRow(
                    key=raw["eventid"],
                    summary=raw["summary"],
                    published=published,
                    day=day,
                    attack=raw.get("attacktype1_txt", ""),
                    weapon=raw.get("weaptype1_txt", ""),
                    weapon_sub=raw.get("weapsubtype1_txt", ""),
                    target=raw.get("targtype1_txt", ""),
                    suicide=_int(raw.get("suicide")) or 0,
                    groups=groups,
                    claimed=_int(raw.get("claimed")) == 1,
                    uncertain=_int(raw.get("guncertain1")) == 1,
                    nkill=_int(raw.get("nkill")),
                    nwound=_int(raw.get("nwound")),
                    lat=_number(raw.get("latitude")),
                    lon=_number(raw.get("longitude")),
                    specificity=_int(raw.get("specificity")),
                    city=(raw.get("city") or "").strip(),
                    success=_int(raw.get("success")) if raw.get("success") else 1,
                )
            )
    return rows


# --- the attack type table --------------------------------------------------------------------


@dataclass(frozen=True)
class TypeRule:
    conditions: tuple[tuple[str, frozenset[str]], ...]
    suicide: int | None
    types: frozenset[str]
    sub_event_types: frozenset[str]
    success: int | None = None

    def applies(self, row: GtdRow) -> bool:
        if self.suicide is not None and row.suicide != self.suicide:
            return False
        if self.success is not None and row.success != self.success:
            return False
        return all(getattr(row, name) in values for name, values in self.conditions)


def parse_type_map(data: dict[str, Any]) -> list[TypeRule]:
    """The rules of a GTD -> ACLED table (see `gtd_acled.toml` for the format)."""
    rules = []
    for raw in data.get("rule", []):
        conditions = []
        for name in ("attack", "weapon", "weapon_sub", "target"):
            if name not in raw:
                continue
            value = raw[name]
            if isinstance(value, str) and value.startswith("@"):
                value = data[value[1:]]
            conditions.append((name, frozenset(value)))
        rules.append(
            TypeRule(
                tuple(conditions),
                raw.get("suicide"),
                frozenset(raw["types"]),
                frozenset(raw.get("sub_event_types", [])),
                raw.get("success"),
            )
        )
    return rules


@lru_cache(maxsize=1)
def load_type_map() -> tuple[TypeRule, ...]:
    resource = resources.files("factions") / "data" / "eval" / "gtd_acled.toml"
    return tuple(parse_type_map(tomllib.loads(resource.read_text(encoding="utf-8"))))


def allowed_types(
    row: GtdRow, rules: tuple[TypeRule, ...] | list[TypeRule] | None = None
) -> tuple[frozenset[str], frozenset[str]] | None:
    """(ACLED types, sub-types) the row may stand for; None when no rule applies."""
    applying = [r for r in (load_type_map() if rules is None else rules) if r.applies(row)]
    if not applying:
        return None
    return (
        frozenset().union(*(r.types for r in applying)),
        frozenset().union(*(r.sub_event_types for r in applying)),
    )


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class GtdScores:
    rows: int = 0
    events: int = 0
    seconds: float = 0.0
    merged: int = 0
    failed: int = 0
    found: Ratio = field(default_factory=Ratio)
    type: Ratio = field(default_factory=Ratio)
    sub_type: Ratio = field(default_factory=Ratio)
    date: Ratio = field(default_factory=Ratio)
    killed: Ratio = field(default_factory=Ratio)
    wounded: Ratio = field(default_factory=Ratio)
    wounded_available: bool = False
    place: Ratio = field(default_factory=Ratio)
    perpetrator_recall: Ratio = field(default_factory=Ratio)
    perpetrator_precision: Ratio = field(default_factory=Ratio)
    perpetrator_in_gazetteer: Ratio = field(default_factory=Ratio)
    perpetrator_misses: Counter[str] = field(default_factory=Counter)
    claim_agreement: Ratio = field(default_factory=Ratio)
    claim_classes: dict[str, PRF] = field(
        default_factory=lambda: {"claimed": PRF(), "alleged": PRF()}
    )
    claim_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    city_place: Ratio = field(default_factory=Ratio)
    city_person_org: Ratio = field(default_factory=Ratio)
    type_confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)


@dataclass
class _Context:
    kb: ExportedKnowledgeBase
    name_sets: dict[str, NameSet] = field(default_factory=dict)

    def entity(self, entity_id: str) -> NameSet:
        """The names of one of our entities; none for places (a group is never a place)."""
        if entity_id not in self.name_sets:
            is_place = self.kb.entity_type(entity_id) in PLACE_TYPES
            self.name_sets[entity_id] = (
                NameSet() if is_place else entity_name_set(self.kb, entity_id)
            )
        return self.name_sets[entity_id]


def _actors(event: dict[str, Any]) -> list[str]:
    """The side of an event GTD's perpetrator is on: its actors, except in a thwarted attack,
    where (as ACLED codes it) the force that thwarted it acts and the would-be attackers are
    the side it acted against."""
    if event.get("sub_event_type") == "Disrupted weapons use":
        return [
            p["entity"]
            for p in event["participants"]
            if p["role"] == "target" and p.get("certainty") is not None
        ]
    return [p["entity"] for p in event["participants"] if p["role"] == "actor"]


def _place_distance(kb: ExportedKnowledgeBase, event: dict[str, Any], row: GtdRow) -> float | None:
    place = kb.entities.get(event.get("place") or "")
    if not place or place.get("lat") is None or row.lat is None or row.lon is None:
        return None
    return haversine_km(row.lat, row.lon, place["lat"], place["lon"])


def killed_agrees(gold: int, event: dict[str, Any] | None) -> bool:
    """Our count equals the gold count; a gold 0 also takes an event with no figure."""
    if event is None:
        return False
    ours = fatality_count(event)
    return ours == gold or (gold == 0 and ours is None)


def wounded_count(event: dict[str, Any]) -> int | None:
    """An event's wounded figure, when the export gives one (a number or {low, best, high})."""
    value = event.get("wounded")
    if isinstance(value, dict):
        return value.get("best") if value.get("best") is not None else value.get("low")
    return value if isinstance(value, int) else None


def claim_status_of_ours(events: list[dict[str, Any]], claims: list[dict[str, Any]]) -> str:
    """ "claimed", "alleged" or "neither" for our records of one document: an event graded so,
    or a claim about who carried it out graded so (a claim of responsibility is "claimed")."""
    perpetrators = [
        c
        for c in claims
        if c["predicate"] in {"claimed_responsibility_for", "carried_out"}
        and c.get("polarity", True)
    ]
    if any(e.get("certainty") == "claimed" for e in events) or any(
        c["predicate"] == "claimed_responsibility_for" or c.get("certainty") == "claimed"
        for c in perpetrators
    ):
        return "claimed"
    if any(e.get("certainty") == "alleged" for e in events) or any(
        c.get("certainty") == "alleged" for c in perpetrators
    ):
        return "alleged"
    return "neither"


def claim_status_of_gold(row: GtdRow) -> str:
    if row.claimed:
        return "claimed"
    return "alleged" if row.uncertain else "neither"


def _perpetrator_ok(ctx: _Context, event: dict[str, Any], gold: list[NameSet]) -> bool:
    return any(ctx.entity(a).matches(g) for a in _actors(event) for g in gold)


def _agreement(
    ctx: _Context,
    row: GtdRow,
    event: dict[str, Any],
    allowed: tuple[frozenset[str], frozenset[str]] | None,
    gold: list[NameSet],
) -> int:
    score = 0
    if allowed and event["event_type"] in allowed[0]:
        score += 2 if event["sub_event_type"] in allowed[1] else 1
    if gold and _perpetrator_ok(ctx, event, gold):
        score += 1
    if row.day and event.get("date") == row.day:
        score += 1
    if row.nkill is not None and killed_agrees(row.nkill, event):
        score += 1
    distance = _place_distance(ctx.kb, event, row)
    if distance is not None and distance <= PLACE_RADIUS_KM:
        score += 1
    return score


def best_event(
    ctx: _Context, row: GtdRow, events: list[dict[str, Any]], gold: list[NameSet]
) -> dict[str, Any] | None:
    """The event agreeing with the row on most fields (the first in the text on a tie)."""
    allowed = allowed_types(row)
    best, best_score = None, -1
    for event in events:
        score = _agreement(ctx, row, event, allowed, gold)
        if score > best_score:
            best, best_score = event, score
    return best


def _city_spans(kb: ExportedKnowledgeBase, key: str, city: str) -> list[tuple[str, int, int]]:
    spans = []
    for stored in kb.documents_by_key.get(key, []):
        for match in re.finditer(re.escape(city), stored.text):
            spans.append((stored.id, match.start(), match.end()))
    return spans


def city_recognition(kb: ExportedKnowledgeBase, key: str, city: str) -> tuple[bool, bool]:
    """(a place entity stands for the city, a person/organisation was made of it)."""
    spans = _city_spans(kb, key, city)
    as_place = as_other = False
    city_key = fold(city)
    for mention in kb.mentions_by_key.get(key, []):
        entity_type = kb.entity_type(mention["entity"])
        covers = any(
            doc == mention["document"] and mention["start"] < end and start < mention["end"]
            for doc, start, end in spans
        )
        named = city_key in {fold(n) for n in kb.names(mention["entity"])}
        if entity_type in PLACE_TYPES and (covers or named):
            as_place = True
        elif covers and entity_type in ACTOR_TYPES | {"person"}:
            as_other = True
    return as_place, as_other


def sentence_cue(text: str, start: int, end: int | None = None) -> str:
    """The cue of the sentence nearest the name at [start, end): "claim" ("X claimed
    responsibility"), "attributed", "suspected/blamed/accused" or "no cue"."""
    end = start if end is None else end
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("; ", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("; ", end)) if i >= 0]
    sentence_end = min(stops) if stops else len(text)
    sentence = text[sentence_start:sentence_end]
    best, best_distance = "no cue", None
    for name, pattern in _CUES:
        for match in pattern.finditer(sentence):
            at = sentence_start + match.start()
            distance = start - at if at < start else at - end
            if best_distance is None or distance < best_distance:
                best, best_distance = name, distance
    return best


def _perpetrator_miss_class(
    kb: ExportedKnowledgeBase, ctx: _Context, row: GtdRow, gold: list[NameSet]
) -> str:
    mentioned = [
        m
        for m in kb.mentions_by_key.get(row.key, [])
        if any(ctx.entity(m["entity"]).matches(g) for g in gold)
    ]
    if mentioned:
        stored = {d.id: d.text for d in kb.documents_by_key.get(row.key, [])}
        text = stored.get(mentioned[0]["document"], "")
        cue = sentence_cue(text, mentioned[0]["start"], mentioned[0]["end"])
        return f"recognised, not an event actor (cue: {cue})"
    folded = f" {fold(row.summary)} "
    named = any(
        f" {fold(alt)} " in folded for group in row.groups for alt in name_alternatives(group)
    )
    return "named in the summary, not recognised" if named else "not named in the summary"


def score_row(
    row: GtdRow, kb: ExportedKnowledgeBase, scores: GtdScores, ctx: _Context | None = None
) -> None:
    """Add one row's counts (and its miss line) to `scores`."""
    ctx = ctx or _Context(kb)
    gazetteer = load_gazetteer()
    events = kb.own_events(row.key)
    claims = kb.claims_by_key.get(row.key, [])
    gold = [gold_name_set(g, gazetteer) for g in row.groups]
    scores.rows += 1
    scores.events += len(events)
    scores.merged += row.key in kb.merged_keys
    scores.failed += row.key in kb.failed
    scores.wounded_available |= any("wounded" in e for e in events)
    event = best_event(ctx, row, events, gold)
    wrong: list[str] = []
    if row.key in kb.failed:
        wrong.append(f"not ingested: {kb.failed[row.key]}")
    scores.found.add(event is not None)
    if event is None:
        wrong.append("event")
    allowed = allowed_types(row)
    if event is not None:
        if allowed is not None:
            ok = event["event_type"] in allowed[0]
            scores.type.add(ok)
            scores.sub_type.add(event["sub_event_type"] in allowed[1])
            if not ok:
                wrong.append("type")
                scores.type_confusion[(row.attack, event["event_type"])] += 1
        if row.day:
            scores.date.add(event.get("date") == row.day)
            if event.get("date") != row.day:
                wrong.append("date")
        if row.nkill is not None:
            scores.killed.add(killed_agrees(row.nkill, event))
            if not killed_agrees(row.nkill, event):
                wrong.append("killed")
        if row.nwound is not None and "wounded" in event:
            ours = wounded_count(event)
            wounded_ok = ours == row.nwound or (row.nwound == 0 and ours is None)
            scores.wounded.add(wounded_ok)
            if not wounded_ok:
                wrong.append("wounded")
        if row.specificity in (1, 2) and row.lat is not None:
            distance = _place_distance(kb, event, row)
            scores.place.add(distance is not None and distance <= PLACE_RADIUS_KM)
            if distance is None or distance > PLACE_RADIUS_KM:
                wrong.append("place")
    if gold:
        scores.perpetrator_in_gazetteer.add(any(g.gazetteer_ids for g in gold))
        found = any(_perpetrator_ok(ctx, e, gold) for e in events)
        scores.perpetrator_recall.add(found)
        if not found:
            wrong.append("perpetrator")
            scores.perpetrator_misses[_perpetrator_miss_class(kb, ctx, row, gold)] += 1
        for e in events:
            if _actors(e):
                scores.perpetrator_precision.add(_perpetrator_ok(ctx, e, gold))
    ours, theirs = claim_status_of_ours(events, claims), claim_status_of_gold(row)
    scores.claim_agreement.add(ours == theirs)
    scores.claim_confusion[(theirs, ours)] += 1
    for name, prf in scores.claim_classes.items():
        prf.tp += ours == name and theirs == name
        prf.fp += ours == name and theirs != name
        prf.fn += ours != name and theirs == name
    if ours != theirs:
        wrong.append(f"claim {theirs}->{ours}")
    if row.city and row.city.lower() != UNKNOWN_GROUP and row.city in row.summary:
        as_place, as_other = city_recognition(kb, row.key, row.city)
        scores.city_place.add(as_place)
        scores.city_person_org.add(as_other)
        if not as_place:
            wrong.append("city")
    if wrong:
        gold_text = (
            f"{row.attack}; by {' / '.join(row.groups) or 'Unknown'}; killed {row.nkill}; "
            f"city {row.city}"
        )
        scores.misses.append(
            f"{row.key} [{', '.join(wrong)}] «{truncate(row.summary)}» gold: {gold_text}; "
            f"ours: {describe_event(kb, event)}"
        )


def evaluate_gtd(path: Path, limit: int | None = None, processes: int = 1) -> GtdScores:
    """Ingest each row's summary and score the events against the row."""
    rows = read_gtd(path, limit)
    started = time.perf_counter()
    kb = knowledge_base_of(
        [GoldDocument(r.key, r.summary, r.published) for r in rows], processes=processes
    )
    scores = GtdScores()
    ctx = _Context(kb)
    for row in rows:
        score_row(row, kb, scores, ctx)
    scores.seconds = time.perf_counter() - started
    return scores


def format_gtd_scores(scores: GtdScores) -> str:
    prf = scores.claim_classes
    wounded = scores.wounded.line() if scores.wounded_available else "n/a (no wounded count)"
    lines = [
        f"GTD (START, Global Terrorism Database): {scores.rows} incident summaries, "
        f"{scores.events} events ({scores.seconds:.0f} s)",
        f"  event found                        {scores.found.line()}",
        "  on the best-matching event of the incidents with one:",
        f"    type agrees                      {scores.type.line()}",
        f"    sub-event type agrees            {scores.sub_type.line()}",
        f"    date exact (day)                 {scores.date.line()}",
        f"    killed exact                     {scores.killed.line()}",
        f"    wounded exact                    {wounded}",
        f"    place within 50 km (spec. 1-2)   {scores.place.line()}",
        "  perpetrator (rows naming a group):",
        f"    recall                           {scores.perpetrator_recall.line()}",
        f"    precision (events with an actor) {scores.perpetrator_precision.line()}",
        f"    gold group in our gazetteer      {scores.perpetrator_in_gazetteer.line()}",
    ]
    for name, count in scores.perpetrator_misses.most_common():
        lines.append(f"    missed: {name:<52} {count}")
    lines += [
        "  claimed vs attributed (all rows; claimed / alleged = guncertain1 / neither):",
        f"    agreement                        {scores.claim_agreement.line()}",
        f"    claimed                          {prf['claimed'].line()}",
        f"    alleged                          {prf['alleged'].line()}",
        "    gold -> ours: "
        + ", ".join(f"{g}->{o} {n}" for (g, o), n in sorted(scores.claim_confusion.items())),
        "  the gold city, where the summary names it:",
        f"    recognised as a place            {scores.city_place.line()}",
        f"    made a person or organisation    {scores.city_person_org.line()}",
    ]
    if scores.type_confusion:
        top = ", ".join(f"{g} -> {o} {n}" for (g, o), n in scores.type_confusion.most_common(6))
        lines.append(f"  type disagreements (GTD attack -> ours): {top}")
    lines.append(
        f"  events per incident {scores.events / max(scores.rows, 1):.2f}; incidents whose "
        f"events the export merged with another's {scores.merged}; failed to ingest "
        f"{scores.failed}"
    )
    return "\n".join(lines)


def gtd_figures(scores: GtdScores) -> dict[str, float]:
    figures = {
        "event_found": scores.found.value,
        "type": scores.type.value,
        "sub_event_type": scores.sub_type.value,
        "date": scores.date.value,
        "killed": scores.killed.value,
        "place_50km": scores.place.value,
        "perpetrator_recall": scores.perpetrator_recall.value,
        "perpetrator_precision": scores.perpetrator_precision.value,
        "claim_agreement": scores.claim_agreement.value,
        "claimed_f1": scores.claim_classes["claimed"].f1,
        "alleged_f1": scores.claim_classes["alleged"].f1,
        "city_as_place": scores.city_place.value,
        "city_as_person_or_org": scores.city_person_org.value,
    }
    if scores.wounded_available:
        figures["wounded"] = scores.wounded.value
    return figures


@suite(
    "gtd",
    "events: GTD incident summaries (type, perpetrator, claim, date, toll, place); ~1 min",
    in_all=False,
)
def gtd_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir.joinpath(*DEFAULT_FILE)
    scores = evaluate_gtd(path, limit=options.limit, processes=options.processes)
    return SuiteReport("gtd", format_gtd_scores(scores), gtd_figures(scores), scores.misses)
