"""Events against WikiEvents (KAIROS ontology), scored per sentence.

factions reports at most one event per sentence, typed with ACLED's categories, so the gold is
read the same way: a sentence holds a conflict event when it has a Conflict.Attack or
Justice.ArrestJailDetain mention. We score
- identification: sentences where both find an event;
- classification: of those, the ACLED type agrees with the KAIROS type (mapping below);
- arguments: gold Attacker/Target/Victim/Place arguments whose head word appears in the name of
  one of our participants (or our place) with a compatible role.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from factions.evaluation.scoring import PRF
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract import Extractor
from factions.ingest.documents import make_document
from factions.model import Extraction

# KAIROS type prefix -> the ACLED event types that may stand for it.
TYPE_MAP = {
    "Conflict.Attack.DetonateExplode": {"Explosions/Remote violence"},
    "Conflict.Attack.AirstrikeMissileStrike": {"Explosions/Remote violence"},
    "Conflict.Attack": {"Battles", "Violence against civilians", "Explosions/Remote violence"},
    "Justice.ArrestJailDetain": {"Strategic developments"},
}
# KAIROS role -> our participant roles that answer it.
ROLE_MAP = {
    "Attacker": {"actor"},
    "Jailer": {"actor"},
    "Target": {"target", "victim"},
    "Victim": {"victim", "target", "wounded"},
    "Detainee": {"target", "victim"},
    "Place": {"place"},
}


def acled_types_for(kairos_type: str) -> set[str] | None:
    for prefix in sorted(TYPE_MAP, key=len, reverse=True):
        if kairos_type.startswith(prefix):
            return TYPE_MAP[prefix]
    return None


@dataclass
class EventScores:
    documents: int = 0
    identification: PRF = field(default_factory=PRF)
    classification_correct: int = 0
    arguments: PRF = field(default_factory=PRF)
    misses: list[str] = field(default_factory=list)

    @property
    def classification_accuracy(self) -> float:
        found = self.identification.tp
        return self.classification_correct / found if found else 0.0


@dataclass
class GoldSentence:
    start: int
    end: int
    types: set[str] = field(default_factory=set)
    arguments: list[tuple[str, str]] = field(default_factory=list)


def read_gold(path: Path, limit: int | None = None) -> list[tuple[str, str, list[GoldSentence]]]:
    """(doc id, text, sentences) with the conflict events each sentence holds."""
    documents = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit is not None and number >= limit:
                break
            raw = json.loads(line)
            sentences = [
                GoldSentence(start=tokens[0][1], end=tokens[-1][2])
                for tokens, _text in raw["sentences"]
            ]
            for mention in raw["event_mentions"]:
                types = acled_types_for(mention["event_type"])
                if types is None:
                    continue
                sentence = sentences[mention["trigger"]["sent_idx"]]
                sentence.types |= types
                for argument in mention["arguments"]:
                    if argument["role"] in ROLE_MAP:
                        sentence.arguments.append((argument["role"], argument["text"]))
            documents.append((raw["doc_id"], raw["text"], sentences))
    return documents


def _names(extraction: Extraction) -> dict[str, set[str]]:
    return {
        e.id: {w.lower() for name in [e.name, *e.aliases] for w in name.split()}
        for e in extraction.entities
    }


def score_document(
    doc_id: str, sentences: list[GoldSentence], extraction: Extraction, scores: EventScores
) -> None:
    names = _names(extraction)
    ours: dict[int, list] = {}
    for event in extraction.events:
        start = event.evidence[0].start
        for index, sentence in enumerate(sentences):
            if sentence.start <= start < sentence.end + 1:
                ours.setdefault(index, []).append(event)
                break
    for index, sentence in enumerate(sentences):
        events = ours.get(index, [])
        if sentence.types and events:
            scores.identification.tp += 1
            if any(e.event_type in sentence.types for e in events):
                scores.classification_correct += 1
            _score_arguments(sentence, events, names, scores)
        elif sentence.types:
            scores.identification.fn += 1
            scores.arguments.fn += len(sentence.arguments)
            scores.misses.append(f"{doc_id}#{index}: missed {sorted(sentence.types)}")
        elif events:
            scores.identification.fp += 1
            scores.misses.append(f"{doc_id}#{index}: spurious {events[0].sub_event_type}")


def _score_arguments(
    sentence: GoldSentence, events: list, names: dict[str, set[str]], scores: EventScores
) -> None:
    predicted: list[tuple[str, set[str]]] = []
    for event in events:
        for participant in event.participants:
            predicted.append((participant.role, names.get(participant.entity, set())))
        if event.place:
            predicted.append(("place", names.get(event.place, set())))
    matched = set()
    for role, text in sentence.arguments:
        head = text.split()[-1].lower() if text.split() else ""
        hit = next(
            (
                i
                for i, (our_role, words) in enumerate(predicted)
                if i not in matched and our_role in ROLE_MAP[role] and head in words
            ),
            None,
        )
        if hit is None:
            scores.arguments.fn += 1
        else:
            matched.add(hit)
            scores.arguments.tp += 1
    scores.arguments.fp += len(predicted) - len(matched)


def evaluate_wikievents(
    path: Path, limit: int | None = None, extractor: Extractor | None = None
) -> EventScores:
    extractor = extractor or Extractor()
    scores = EventScores()
    gold = read_gold(path, limit)
    documents = [make_document(text, {}, source=doc_id) for doc_id, text, _ in gold]
    for (doc_id, _text, sentences), extraction in zip(
        gold, extractor.extract_many(documents), strict=True
    ):
        scores.documents += 1
        score_document(doc_id, sentences, extraction, scores)
    return scores


def format_event_scores(scores: EventScores) -> str:
    ident, args = scores.identification, scores.arguments
    return "\n".join(
        [
            f"WikiEvents (dev, {scores.documents} documents), per sentence:",
            f"  event identification  P {ident.precision:.3f}  R {ident.recall:.3f}  "
            f"F1 {ident.f1:.3f}  (tp {ident.tp}, fp {ident.fp}, fn {ident.fn})",
            f"  ACLED type agreement  {scores.classification_accuracy:.3f} of identified",
            f"  arguments             P {args.precision:.3f}  R {args.recall:.3f}  "
            f"F1 {args.f1:.3f}  (tp {args.tp}, fp {args.fp}, fn {args.fn})",
        ]
    )


@suite("wikievents", "events: WikiEvents dev (KAIROS types mapped to ACLED's)")
def wikievents_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir / "events-wikievents" / "dev.jsonl"
    scores = evaluate_wikievents(path, limit=options.limit)
    figures = {
        "identification_f1": scores.identification.f1,
        "classification": scores.classification_accuracy,
        "arguments_f1": scores.arguments.f1,
    }
    return SuiteReport("wikievents", format_event_scores(scores), figures, scores.misses)
