"""Scoring a knowledge base against the sample corpus gold (format: docs/gold-format.md).

Every figure is computed from the exported knowledge base (canonical entities, merged events),
matched to gold by document and by name: a gold name matches one of ours when its canonical
name or any alias equals one of our entity's names or aliases, compared case-, accent- and
article-insensitively.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection

from factions.evaluation.scoring import PRF, Ratio
from factions.extract.dates import find_dates, parse_anchor
from factions.query.records import (
    DocumentSource,
    canonical_mentions,
    document_sources,
    export_rows,
)
from factions.vocabulary import vocabulary

SYMMETRIC = vocabulary().symmetric
PLACE_TYPES = set(vocabulary().place_types)
UNNAMED_TYPES = {"collective", "property"}
NEAR_KM = 161.0


@dataclass
class SampleScores:
    entities: PRF = field(default_factory=PRF)
    entities_by_type: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    entity_type_right: Ratio = field(default_factory=Ratio)
    resolution_split: Ratio = field(default_factory=Ratio)
    resolution_wrong_merges: int = 0
    places_found: Ratio = field(default_factory=Ratio)
    places_within_161km: Ratio = field(default_factory=Ratio)
    places_precision_code: Ratio = field(default_factory=Ratio)
    dates: PRF = field(default_factory=PRF)
    dates_value: Ratio = field(default_factory=Ratio)
    dates_precision_code: Ratio = field(default_factory=Ratio)
    events: PRF = field(default_factory=PRF)
    events_date: Ratio = field(default_factory=Ratio)
    events_place: Ratio = field(default_factory=Ratio)
    event_participants: PRF = field(default_factory=PRF)
    relations: PRF = field(default_factory=PRF)
    attribution: Ratio = field(default_factory=Ratio)
    certainty: Ratio = field(default_factory=Ratio)
    disputes: Ratio = field(default_factory=Ratio)
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        """The headline figures, as compared with the recorded baseline."""
        return {
            "entities_f1": self.entities.f1,
            "resolution_no_split": self.resolution_split.value,
            "places_within_161km": self.places_within_161km.value,
            "dates_f1": self.dates.f1,
            "dates_value": self.dates_value.value,
            "events_f1": self.events.f1,
            "event_participants_f1": self.event_participants.f1,
            "relations_f1": self.relations.f1,
            "relations_precision": self.relations.precision,
            "attribution": self.attribution.value,
            "certainty": self.certainty.value,
            "disputes_found": self.disputes.value,
        }


def fold(name: str | None) -> str:
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


def read_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class KnowledgeBase:
    """The exported rows of a knowledge base, indexed for matching against gold."""

    def __init__(self, conn: Connection) -> None:
        rows = list(export_rows(conn))
        self.entities = {r["id"]: r for r in rows if r["kind"] == "entity"}
        self.events = [r for r in rows if r["kind"] == "event"]
        self.claims = [r for r in rows if r["kind"] == "claim"]
        self.disputes = [r for r in rows if r["kind"] == "dispute"]
        sources = list(document_sources(conn))
        self.doc_keys = self._document_keys(sources)
        self.texts = {d.id: d.text for d in sources}
        self.published = {d.id: d.published for d in sources}
        self.names = {
            entity_id: {fold(row["name"]), *(fold(a) for a in row["aliases"])} - {""}
            for entity_id, row in self.entities.items()
        }
        self.mentions = canonical_mentions(conn)

    @staticmethod
    def _document_keys(sources: list[DocumentSource]) -> dict[str, str]:
        """Gold document key ('FILE', 'FILE#N') -> our document id."""
        keys: dict[str, str] = {}
        for doc_id, source, part in ((d.id, d.source, d.part) for d in sources):
            base = Path(source or "").name
            if "#" in base:
                keys[base] = doc_id
            else:
                keys[f"{base}#{part}"] = doc_id
                if part == 0:
                    keys.setdefault(base, doc_id)
        return keys

    def entity_for(self, gold_names: set[str], candidates: set[str] | None = None) -> str | None:
        """Our entity whose names meet the gold names (among candidates, if given)."""
        pool = sorted(candidates if candidates is not None else self.names)
        # Deterministic: a match on our canonical name beats a match on an alias.
        by_name = [e for e in pool if fold(self.entities[e]["name"]) in gold_names]
        if by_name:
            return by_name[0]
        return next((e for e in pool if self.names.get(e, set()) & gold_names), None)


def _gold_names(gold_entities: dict[str, dict], name: str | None) -> set[str]:
    entry = gold_entities.get(fold(name))
    if entry is None:
        return {fold(name)} - {""}
    return {fold(entry["name"]), *(fold(a) for a in entry.get("aliases", []))} - {""}


def _score_entities(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    gold_by_name = {fold(g["name"]): g for g in gold if g["kind"] == "entity"}
    gold_pairs: set[tuple[str, str]] = set()
    for gold_name, entry in gold_by_name.items():
        for doc_key in entry["docs"]:
            gold_pairs.add((kb.doc_keys.get(doc_key, doc_key), gold_name))
    # The gold lists named entities: people named by kind ("protesters") and things attacked
    # ("a checkpoint") are event participants, not names, and are not scored here.
    ours: set[tuple[str, str]] = {
        (doc_id, entity_id)
        for doc_id, mentions in kb.mentions.items()
        for entity_id, *_ in mentions
        if entity_id in kb.entities and kb.entities[entity_id]["type"] not in UNNAMED_TYPES
    }
    gold_docs = {d for d, _ in gold_pairs}
    matched_ours: set[tuple[str, str]] = set()
    maps_to: dict[str, set[str]] = defaultdict(set)
    for doc_id, gold_name in sorted(gold_pairs):
        entry = gold_by_name[gold_name]
        typed = scores.entities_by_type[entry["type"]]
        candidates = {e for d, e in ours if d == doc_id}
        found = kb.entity_for(_gold_names(gold_by_name, gold_name), candidates)
        if found is None:
            scores.entities.fn += 1
            typed.fn += 1
            scores.misses.append(f"entity missed: {entry['name']} ({entry['type']}) in {doc_id}")
            continue
        scores.entities.tp += 1
        typed.tp += 1
        matched_ours.add((doc_id, found))
        maps_to[gold_name].add(found)
        scores.entity_type_right.add(kb.entities[found]["type"] == entry["type"])
    for doc_id, entity_id in sorted(ours - matched_ours):
        if doc_id not in gold_docs:
            continue
        scores.entities.fp += 1
        scores.entities_by_type[kb.entities[entity_id]["type"]].fp += 1
        scores.misses.append(f"entity spurious: {kb.entities[entity_id]['name']} in {doc_id}")
    for gold_name, found in maps_to.items():
        if len(gold_by_name[gold_name]["docs"]) > 1:
            scores.resolution_split.add(len(found) == 1)
            if len(found) > 1:
                names = [kb.entities[f]["name"] for f in found]
                scores.misses.append(f"resolution split: {gold_name} -> {names}")
    owners: dict[str, set[str]] = defaultdict(set)
    for gold_name, found in maps_to.items():
        for entity_id in found:
            owners[entity_id].add(gold_name)
    for entity_id, gold_names in owners.items():
        if len(gold_names) > 1:
            scores.resolution_wrong_merges += 1
            scores.misses.append(
                f"resolution wrong merge: {kb.entities[entity_id]['name']} <- {sorted(gold_names)}"
            )


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def _score_places(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    for place in (g for g in gold if g["kind"] == "place"):
        doc_id = kb.doc_keys.get(place["doc"])
        text = fold(place["text"])
        hits = [
            entity_id
            for entity_id, surface, _s, _e in kb.mentions.get(doc_id, [])
            if kb.entities.get(entity_id, {}).get("type") in PLACE_TYPES
            and (fold(surface) in text or text in fold(surface))
        ]
        scores.places_found.add(bool(hits))
        if not hits:
            scores.misses.append(f"place missed: {place['text']} in {place['doc']}")
            continue
        entity = kb.entities[hits[0]]
        if entity.get("lat") is not None and place.get("lat") is not None:
            km = _haversine(entity["lat"], entity["lon"], place["lat"], place["lon"])
            scores.places_within_161km.add(km <= NEAR_KM)
            if km > NEAR_KM:
                scores.misses.append(
                    f"place far: {place['text']} -> {entity['name']} ({km:.0f} km) "
                    f"in {place['doc']}"
                )
        else:
            scores.places_within_161km.add(False)
        scores.places_precision_code.add(entity.get("geo_precision") == place["precision"])


def _score_dates(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for date in (g for g in gold if g["kind"] == "date"):
        by_doc[date["doc"]].append(date)
    for doc_key, dates in by_doc.items():
        doc_id = kb.doc_keys.get(doc_key)
        if doc_id is None:
            scores.dates.fn += len(dates)
            continue
        text = kb.texts[doc_id]
        found = find_dates(text, parse_anchor(kb.published.get(doc_id)))
        used: set[int] = set()
        for date in dates:
            match = next(
                (
                    i
                    for i, m in enumerate(found)
                    if i not in used
                    and (date["text"] in m.text or m.text in date["text"])
                    and m.text.strip()
                ),
                None,
            )
            if match is None:
                scores.dates.fn += 1
                scores.misses.append(f"date missed: {date['text']} in {doc_key}")
                continue
            used.add(match)
            scores.dates.tp += 1
            value = found[match].value
            ours = value.iso if value else None
            scores.dates_value.add(
                ours == date["value"] or (value and value.timeml == date["value"])
            )
            scores.dates_precision_code.add(bool(value) and value.precision == date["precision"])
            if ours != date["value"] and not (value and value.timeml == date["value"]):
                scores.misses.append(
                    f"date value: {date['text']} -> {ours} (gold {date['value']}) in {doc_key}"
                )
        scores.dates.fp += len(found) - len(used)


def _score_events(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    gold_entities = {fold(g["name"]): g for g in gold if g["kind"] == "entity"}
    gold_events = [g for g in gold if g["kind"] == "event"]
    ours_by_doc: dict[str, list[dict]] = defaultdict(list)
    for event in kb.events:
        for evidence in event["evidence"]:
            ours_by_doc[evidence["document"]].append(event)
    matched_ids: set[str] = set()
    for event in gold_events:
        doc_id = kb.doc_keys.get(event["doc"])
        candidates = [
            e for e in ours_by_doc.get(doc_id, []) if e["event_type"] == event["event_type"]
        ]
        place_names = _gold_names(gold_entities, event.get("place"))

        def agreement(ours: dict, gold_event: dict = event, places: set[str] = place_names) -> int:
            date_ok = bool(ours["date"]) and ours["date"] == gold_event.get("date")
            place_ok = bool(ours["place"]) and bool(kb.names.get(ours["place"], set()) & places)
            return int(date_ok) + int(place_ok)

        best = max(candidates, key=agreement, default=None)
        if best is None:
            scores.events.fn += 1
            scores.misses.append(
                f"event missed: {event['sub_event_type']} {event.get('date')} "
                f"{event.get('place')} in {event['doc']}"
            )
            scores.event_participants.fn += sum(
                len(event.get(k) or []) for k in ("actors", "targets", "victims", "wounded")
            )
            continue
        scores.events.tp += 1
        matched_ids.add(best["id"])
        scores.events_date.add(best["date"] == event.get("date"))
        scores.events_place.add(
            bool(best["place"]) and bool(kb.names.get(best["place"], set()) & place_names)
        )
        _score_participants(event, best, kb, gold_entities, scores)
    for doc_key in {g["doc"] for g in gold_events}:
        doc_id = kb.doc_keys.get(doc_key)
        for ours in ours_by_doc.get(doc_id, []):
            if ours["id"] not in matched_ids:
                matched_ids.add(ours["id"])
                scores.events.fp += 1
                scores.misses.append(
                    f"event spurious: {ours['sub_event_type']} {ours['date']} in {doc_key}: "
                    f"{ours['evidence'][0]['text'][:80]}"
                )


def _score_participants(
    gold_event: dict, ours: dict, kb: KnowledgeBase, gold_entities: dict, scores: SampleScores
) -> None:
    roles = {
        "actors": {"actor"},
        "targets": {"target", "victim"},
        "victims": {"victim", "target"},
        "wounded": {"wounded"},
    }
    predicted = [(p["role"], kb.names.get(p["entity"], set())) for p in ours["participants"]]
    used: set[int] = set()
    for key, accepted in roles.items():
        for name in gold_event.get(key) or []:
            names = _gold_names(gold_entities, name)
            hit = next(
                (
                    i
                    for i, (role, ns) in enumerate(predicted)
                    if i not in used and role in accepted and ns & names
                ),
                None,
            )
            if hit is None:
                scores.event_participants.fn += 1
            else:
                used.add(hit)
                scores.event_participants.tp += 1
    scores.event_participants.fp += len(predicted) - len(used)


def _relation_key(subject: str, predicate: str, obj: str) -> tuple[str, str, str]:
    if predicate in SYMMETRIC and obj < subject:
        subject, obj = obj, subject
    return subject, predicate, obj


def _score_relations(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    gold_entities = {fold(g["name"]): g for g in gold if g["kind"] == "entity"}
    gold_relations = [g for g in gold if g["kind"] == "relation"]
    doc_ids = {kb.doc_keys.get(g["doc"]) for g in gold_relations}
    ours: dict[tuple[str, tuple[str, str, str]], list[dict]] = defaultdict(list)
    for claim in kb.claims:
        if claim.get("object") is None:
            continue
        for evidence in claim["evidence"]:
            key = _relation_key(claim["subject"], claim["predicate"], claim["object"])
            ours[(evidence["document"], key)].append(claim)
    matched: set[tuple[str, tuple[str, str, str]]] = set()
    for claim in kb.claims:
        # A claim of responsibility points at an event: matched by document and claimant.
        if claim["predicate"] == "claimed_responsibility_for":
            for evidence in claim["evidence"]:
                ours[
                    (evidence["document"], (claim["subject"], claim["predicate"], "event"))
                ].append(claim)
    for relation in gold_relations:
        doc_id = kb.doc_keys.get(relation["doc"])
        subject = kb.entity_for(_gold_names(gold_entities, relation["subject"]))
        if relation["predicate"] == "claimed_responsibility_for":
            obj = "event"
        else:
            obj = kb.entity_for(_gold_names(gold_entities, relation["object"]))
        key = (doc_id, _relation_key(subject or "?", relation["predicate"], obj or "?"))
        if subject and obj and key in ours:
            if key in matched:
                continue
            matched.add(key)
            scores.relations.tp += 1
            claim = ours[key][0]
            scores.certainty.add(claim["certainty"] == relation["certainty"])
            speaker = relation.get("attributed_to")
            speaker_ok = (
                claim["attributed_to"] is None
                if speaker is None
                else bool(
                    claim["attributed_to"]
                    and kb.names.get(claim["attributed_to"], set())
                    & _gold_names(gold_entities, speaker)
                )
            )
            scores.attribution.add(speaker_ok)
        else:
            scores.relations.fn += 1
            scores.misses.append(
                f"relation missed: {relation['subject']} {relation['predicate']} "
                f"{relation['object']} in {relation['doc']}"
            )
    for (doc_id, key), claims in ours.items():
        if doc_id in doc_ids and (doc_id, key) not in matched:
            scores.relations.fp += 1
            names = [kb.entities.get(k, {}).get("name", k) for k in (key[0], key[2])]
            scores.misses.append(
                f"relation spurious: {names[0]} {key[1]} {names[1]}: "
                f"{claims[0]['evidence'][0]['text'][:80]}"
            )


def _score_disputes(gold: list[dict], kb: KnowledgeBase, scores: SampleScores) -> None:
    gold_entities = {fold(g["name"]): g for g in gold if g["kind"] == "entity"}
    for dispute in (g for g in gold if g["kind"] == "dispute"):
        names = _gold_names(gold_entities, dispute["subject"])
        found = any(kb.names.get(d["subject"], set()) & names for d in kb.disputes)
        scores.disputes.add(found)
        if not found:
            scores.misses.append(f"dispute missed: {dispute['subject']} ({dispute['id']})")


def evaluate_sample(conn: Connection, gold_path: Path) -> SampleScores:
    """Every figure for a knowledge base built from the sample corpus."""
    gold = read_gold(gold_path)
    kb = KnowledgeBase(conn)
    scores = SampleScores()
    _score_entities(gold, kb, scores)
    _score_places(gold, kb, scores)
    _score_dates(gold, kb, scores)
    _score_events(gold, kb, scores)
    _score_relations(gold, kb, scores)
    _score_disputes(gold, kb, scores)
    return scores


def format_sample_scores(
    scores: SampleScores, title: str = "Sample corpus against its gold"
) -> str:
    out = io.StringIO()
    out.write(f"{title}:\n")
    out.write(f"  entities            {scores.entities.line()}\n")
    for type_, prf in sorted(scores.entities_by_type.items()):
        out.write(f"    {type_:<17} {prf.line()}\n")
    out.write(f"  entity type right   {scores.entity_type_right.line()}\n")
    out.write(
        f"  resolution          one entity per gold entity {scores.resolution_split.line()}, "
        f"wrong merges {scores.resolution_wrong_merges}\n"
    )
    out.write(
        f"  places              found {scores.places_found.line()}, within 161 km "
        f"{scores.places_within_161km.line()}, "
        f"precision code {scores.places_precision_code.line()}\n"
    )
    out.write(
        f"  dates               {scores.dates.line()}; value {scores.dates_value.line()}, "
        f"precision code {scores.dates_precision_code.line()}\n"
    )
    out.write(f"  events              {scores.events.line()}\n")
    out.write(
        f"    of matched: date {scores.events_date.line()}, place {scores.events_place.line()}\n"
    )
    out.write(f"    participants      {scores.event_participants.line()}\n")
    out.write(f"  relations           {scores.relations.line()}\n")
    out.write(f"    attribution       {scores.attribution.line()} of matched relations\n")
    out.write(f"    certainty         {scores.certainty.line()} of matched relations\n")
    out.write(f"  disputes found      {scores.disputes.line()}\n")
    return out.getvalue()
