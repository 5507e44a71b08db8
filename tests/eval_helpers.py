"""Hand-made knowledge bases for the event scorers' tests (no ingest, no gold text)."""

from __future__ import annotations

from typing import Any

from factions.evaluation.external import ExportedKnowledgeBase, StoredDocument

EntitySpec = tuple[str, str, str, list[str]]


def kb_with(
    entities: list[EntitySpec] = (),  # type: ignore[assignment]
    *,
    places: dict[str, dict[str, Any]] | None = None,
    events: dict[str, list[dict[str, Any]]] | None = None,
    claims: dict[str, list[dict[str, Any]]] | None = None,
    texts: dict[str, str] | None = None,
    mentions: dict[str, list[tuple[str, int, int]]] | None = None,
) -> ExportedKnowledgeBase:
    """A knowledge base of `entities` (id, type, name, aliases); `places` adds coordinates;
    `texts` gives each key one stored document "d-<key>"; `mentions` (key -> entity, start,
    end) are read from that text."""
    kb = ExportedKnowledgeBase()
    for entity_id, entity_type, name, aliases in entities:
        kb.entities[entity_id] = {
            "kind": "entity",
            "id": entity_id,
            "type": entity_type,
            "name": name,
            "aliases": aliases,
            **(places or {}).get(entity_id, {}),
        }
    for key, text in (texts or {}).items():
        kb.documents_by_key[key] = [StoredDocument(f"d-{key}", 0, text)]
        kb.texts[key] = text
    for key, items in (mentions or {}).items():
        text = (texts or {})[key]
        kb.mentions_by_key[key] = [
            {
                "document": f"d-{key}",
                "entity": entity,
                "text": text[start:end],
                "start": start,
                "end": end,
                "label": "",
            }
            for entity, start, end in items
        ]
    kb.document_events_by_key = events or {}
    kb.events_by_key = events or {}
    kb.claims_by_key = claims or {}
    return kb


def event(
    event_type: str,
    sub_event_type: str,
    participants: list[tuple[str, str]] = (),  # type: ignore[assignment]
    **fields: Any,
) -> dict[str, Any]:
    """An event row in the export's shape; `participants` as (entity, role)."""
    row: dict[str, Any] = {
        "id": fields.pop("id", f"e-{event_type}-{sub_event_type}"),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "date": None,
        "date_precision": None,
        "place": None,
        "participants": [{"entity": e, "role": r} for e, r in participants],
        "fatalities": None,
        "certainty": "asserted",
        "attributed_to": None,
        "trigger": "",
        "evidence": [],
    }
    row.update(fields)
    return row
