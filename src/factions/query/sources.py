"""Who says what: per speaker and per outlet, how many claims of each certainty grade."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from factions.model import CERTAINTY_GRADES
from factions.query.common import Canon
from factions.store import schema


@dataclass
class SourceRow:
    id: str | None
    name: str
    claims: int
    documents: int
    by_certainty: dict[str, int] = field(default_factory=dict)


@dataclass
class SourceReport:
    speakers: list[SourceRow]
    outlets: list[SourceRow]
    unattributed: int


def _ordered(counts: dict[str, int]) -> dict[str, int]:
    return {g: counts[g] for g in CERTAINTY_GRADES if counts.get(g)} | {
        g: n for g, n in sorted(counts.items()) if g not in CERTAINTY_GRADES
    }


def _most_claims_first(row: SourceRow) -> tuple[int, str]:
    return (-row.claims, row.name)


def source_breakdown(conn: Connection) -> SourceReport:
    """Claims per speaker (the entity they are attributed to) and per outlet, by certainty.

    Claims the outlet states itself (no speaker) count towards `unattributed`.
    """
    canon = Canon(conn)
    speaker_rows = conn.execute(
        select(
            schema.claims.c.attributed_to,
            schema.claims.c.certainty,
            func.count(),
        ).group_by(schema.claims.c.attributed_to, schema.claims.c.certainty)
    ).all()
    canonical = canon.many(r[0] for r in speaker_rows if r[0])
    canon.prefetch(canonical.values())
    speakers: dict[str, SourceRow] = {}
    unattributed = 0
    for speaker, certainty, count in speaker_rows:
        if speaker is None:
            unattributed += count
            continue
        key = canonical[speaker]
        row = speakers.setdefault(key, SourceRow(key, canon.name(key) or key, 0, 0))
        row.claims += count
        row.by_certainty[certainty] = row.by_certainty.get(certainty, 0) + count
    speaker_docs: dict[str, set[str]] = defaultdict(set)
    for speaker, document in conn.execute(
        select(schema.claims.c.attributed_to, schema.claims.c.document_id)
        .where(schema.claims.c.attributed_to.is_not(None))
        .distinct()
    ):
        speaker_docs[canonical.get(speaker, speaker)].add(document)
    for key, row in speakers.items():
        row.documents = len(speaker_docs[key])
        row.by_certainty = _ordered(row.by_certainty)
    outlets: dict[str, SourceRow] = {}
    outlet = func.coalesce(schema.documents.c.outlet, "(unknown outlet)")
    for name, certainty, count in conn.execute(
        select(outlet, schema.claims.c.certainty, func.count())
        .select_from(
            schema.claims.join(
                schema.documents, schema.documents.c.id == schema.claims.c.document_id
            )
        )
        .group_by(outlet, schema.claims.c.certainty)
    ):
        row = outlets.setdefault(name, SourceRow(None, name, 0, 0))
        row.claims += count
        row.by_certainty[certainty] = row.by_certainty.get(certainty, 0) + count
    for name, documents in conn.execute(
        select(outlet, func.count(func.distinct(schema.claims.c.document_id)))
        .select_from(
            schema.claims.join(
                schema.documents, schema.documents.c.id == schema.claims.c.document_id
            )
        )
        .group_by(outlet)
    ):
        outlets[name].documents = documents
        outlets[name].by_certainty = _ordered(outlets[name].by_certainty)
    return SourceReport(
        speakers=sorted(speakers.values(), key=_most_claims_first),
        outlets=sorted(outlets.values(), key=_most_claims_first),
        unattributed=unattributed,
    )
