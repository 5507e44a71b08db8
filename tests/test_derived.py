"""Derived data (same-event links, inferred ends, disputes) is brought up to date with each
committed batch, in its transaction, and equals what a full recompute gives.

Before, it was computed once at the end of an ingest: after any batch but the last (and after
an ingest killed midway) there were no disputes and no links. Reports written for the tests.
"""

from __future__ import annotations

import copy
import random

import pytest
from sqlalchemy import Connection, Engine, select

from factions.extract import Extractor
from factions.ingest.documents import fingerprint, make_document
from factions.ingest.run import IngestReport, _store
from factions.model import Document, Extraction
from factions.resolve import refresh_derived
from factions.store import open_database, schema
from factions.store.writer import StoredDocument

from .derived_corpus import generated_reports

# Two batches that meet: the alliance of the first is ended by the second's attack, the tie
# of the first is denied by the second in the same month, the attack is told twice.
HAND_WRITTEN = [
    (
        "2011-06",
        "Old friends\n\nThe Taliban have been allied with the Islamic Movement of Uzbekistan "
        "since the late 1990s, officials say.",
    ),
    (
        "2014-02",
        "Commander dead\n\nRahim Saleh, a commander of the Taliban, was killed in an air "
        "strike in Kunduz province on Monday, officials said.",
    ),
    (
        "2015-06",
        "Bombing in Kunduz\n\nA suicide bomber attacked a police post in Kunduz on 3 June "
        "2015, killing four officers. The Taliban claimed the attack.",
    ),
    (
        "2014-07",
        "Towns taken\n\nJabhat al-Nusra, al-Qaeda's affiliate in Syria, took two towns.",
    ),
    (
        "2015-11",
        "Fighting in Zabul\n\nIn early November the Taliban crushed the Islamic Movement of "
        "Uzbekistan in Zabul Province.",
    ),
    (
        "2014-03",
        "Commander alive\n\nRahim Saleh, whom the army had declared dead, appeared alive in a "
        "new video on Friday.",
    ),
    ("2014-07", "Ties cut\n\nJabhat al-Nusra said it had cut its ties with al-Qaeda."),
    (
        "2015-06",
        "Police post attacked\n\nA suicide bomber attacked a police post in Kunduz on 3 June "
        "2015. The Taliban said its fighters carried out the attack.",
    ),
]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def _documents(reports: list[tuple[str, str]]) -> list[Document]:
    return [
        make_document(text, {"published": published}, source=f"r{n}.txt")
        for n, (published, text) in enumerate(reports)
    ]


def _extracted(extractor: Extractor, documents: list[Document]) -> list[Extraction]:
    return [extractor.extract(d) for d in documents]


def derived(conn: Connection) -> dict[str, set]:  # type: ignore[type-arg]
    """The derived data, and the relation index that inferred ends cut."""
    edges = schema.edges
    return {
        "event links": set(conn.execute(select(schema.event_links)).all()),
        "disputes": set(conn.execute(select(schema.disputes)).all()),
        "dispute claims": set(conn.execute(select(schema.dispute_claims)).all()),
        "inferred ends": set(conn.execute(select(schema.inferred_ends)).all()),
        "relation spans": set(conn.execute(select(schema.relation_spans)).all()),
        "stretches": set(
            conn.execute(
                select(
                    edges.c.subject,
                    edges.c.predicate,
                    edges.c.object,
                    *[c for c in schema.edge_spans.c if c.name != "edge"],
                ).join(edges, edges.c.id == schema.edge_spans.c.edge)
            ).all()
        ),
    }


def recomputed(engine: Engine) -> dict[str, set]:  # type: ignore[type-arg]
    """What a full `refresh_derived` gives now (rolled back: the store is left as it was)."""
    with engine.connect() as conn, conn.begin() as transaction:
        refresh_derived(conn)
        found = derived(conn)
        transaction.rollback()
    return found


def _store_in_batches(
    engine: Engine, pairs: list[tuple[Document, Extraction]], sizes: list[int]
) -> list[tuple[dict, dict]]:
    """Store the documents batch by batch as ingest does; after each batch, (stored derived
    data, a full recompute's)."""
    seen = []
    start = 0
    for size in sizes:
        batch = [
            (StoredDocument(d, fingerprint(d.text), None, "test"), copy.deepcopy(e))
            for d, e in pairs[start : start + size]
        ]
        start += size
        report = IngestReport()
        _store(engine, batch, report)
        assert not report.failed, report.failed
        with engine.connect() as conn:
            seen.append((derived(conn), recomputed(engine)))
    return seen


def test_two_batches_leave_the_derived_data_a_full_recompute_gives(
    extractor: Extractor, kb_db: str
) -> None:
    documents = _documents(HAND_WRITTEN)
    pairs = list(zip(documents, _extracted(extractor, documents), strict=True))
    engine = open_database(kb_db)
    after = _store_in_batches(engine, pairs, [4, 4])
    for number, (stored, full) in enumerate(after, 1):
        for part, expected in full.items():
            assert stored[part] == expected, f"after batch {number}: {part} differ"
    final = after[-1][0]
    # The corpus does exercise each kind of derived data.
    assert final["event links"] and final["inferred ends"] and final["disputes"]
    # Before the second batch the alliance holds and nothing is disputed.
    assert not after[0][0]["inferred ends"] and not after[0][0]["disputes"]
    engine.dispose()


@pytest.fixture(scope="module")
def generated(extractor: Extractor) -> list[tuple[Document, Extraction]]:
    documents = _documents(generated_reports(40))
    return list(zip(documents, _extracted(extractor, documents), strict=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_batching_gives_after_each_batch_what_a_full_recompute_gives(
    generated: list[tuple[Document, Extraction]], kb_db: str, seed: int
) -> None:
    # Property: whatever the order and the batch sizes, the derived data after each committed
    # batch is the full recompute's, and the last is the same for every batching.
    rng = random.Random(seed)
    order = generated[:]
    rng.shuffle(order)
    sizes = []
    while sum(sizes) < len(order):
        sizes.append(rng.randint(1, 7))
    engine = open_database(kb_db)
    after = _store_in_batches(engine, order, sizes)
    for number, (stored, full) in enumerate(after, 1):
        for part, expected in full.items():
            assert stored[part] == expected, f"seed {seed}, batch {number}: {part} differ"
    final = after[-1][0]
    assert final["event links"] and final["inferred ends"] and final["disputes"]
    engine.dispose()


# Words of the accounts that contradict or end what others say (hostility, a tie cut, a
# fate, a pledge, a successor): stored after or before everything else, three a batch.
CONTRARY = ("crushed", "cut its ties", "killed", "alive", "fight", "pledged", "leader")
# With HAND_WRITTEN's "Commander dead": one commander's fate told two ways.
SEEN_ALIVE = (
    "2014-03",
    "Commander seen\n\nTaliban commander Rahim Saleh, reported killed last month, is alive, his "
    "family said.",
)


@pytest.mark.parametrize("contrary_last", [True, False])
def test_accounts_that_make_a_dispute_or_an_end_arriving_late_or_early_give_a_full_recompute(
    extractor: Extractor,
    generated: list[tuple[Document, Extraction]],
    kb_db: str,
    contrary_last: bool,
) -> None:
    # A batch reads a key's claims only when the key can hold a dispute, and only the claims
    # that can end or be ended: claims stored while their key could hold none must still be
    # found once the account that contradicts them arrives, and the disputes they are in must
    # grow as more accounts arrive after it.
    documents = _documents([*HAND_WRITTEN, SEEN_ALIVE])
    pairs = list(zip(documents, _extracted(extractor, documents), strict=True)) + generated
    contrary = [p for p in pairs if any(w in p[0].text for w in CONTRARY)]
    others = [p for p in pairs if p not in contrary]
    order = others + contrary if contrary_last else contrary + others
    engine = open_database(kb_db)
    after = _store_in_batches(engine, order, [3] * ((len(order) + 2) // 3))
    for number, (stored, full) in enumerate(after, 1):
        for part, expected in full.items():
            assert stored[part] == expected, f"batch {number}: {part} differ"
    final = after[-1][0]
    reasons = {row.reason.split(":")[0] for row in final["disputes"]}
    ends = {row.reason.split(" from ")[0] for row in final["inferred ends"]}
    assert {
        "allies and enemies over the same period",
        "affiliated_with both stated and denied",
    } <= reasons and any(r.startswith("incompatible accounts") for r in reasons)
    assert {"ended (inferred) by a pledge to a rival", "ended (inferred) by a successor"} <= ends
    engine.dispose()
