"""What ingest stores is a function of the documents, not of how they arrive.

The same short reports (written for this test) are ingested in one run, in reverse order one
at a time, shuffled in small batches, interrupted and resumed, and by two processes writing
the same knowledge base at once; every run must give the same entities, links and edges.
"""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from factions.ingest.run import ingest_paths
from factions.resolve import canonical_map
from factions.store import open_database, schema

REPORTS = {
    "a_saleh.txt": (
        "Taliban commander Rahim Saleh led an attack on a police post in Kunduz province on "
        "Monday, officials said. Saleh has fought alongside the Islamic Movement of Uzbekistan "
        "(IMU) for years."
    ),
    "b_saleh_again.txt": (
        "Rahim Saleh, a Taliban commander, was wounded in an air strike in Baghlan province. "
        "The IMU said its fighters had withdrawn from the area."
    ),
    "c_governor.txt": (
        "Kunduz governor Karim Nazari said the Taliban had been pushed out of two districts. "
        "Nazari said the police would stay in the area until the harvest."
    ),
    "d_commander.txt": (
        "Karim Nazari, a commander of the Islamic Movement of Uzbekistan, pledged allegiance to "
        "the Islamic State, the group said in a statement."
    ),
    "e_variant.txt": (
        "IMU commander Karim Nazzari was killed in Zabul province, the Taliban said. "
        "The IMU fighters around him fled towards the border."
    ),
    "f_splinter.txt": (
        "Jamaat-ul-Ahrar, a breakaway faction of the TTP, claimed a bombing in Peshawar. "
        "Ahmad Zia Hamdard, a Jamaat-ul-Ahrar commander, said more attacks would follow."
    ),
    "g_short_name.txt": (
        "Zia Hamdard, a Jamaat-ul-Ahrar commander, said the Pakistani military had attacked "
        "the group's positions in Mohmand. The TTP denied any role."
    ),
    "h_branch.txt": (
        "Al-Qaeda's branch in Yemen fought Houthi forces near Aden, residents said. "
        "Nasir Sharif, a local official, said the fighting lasted two days."
    ),
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("reports")
    paths = []
    for name, text in REPORTS.items():
        path = folder / name
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def snapshot(db: Path) -> dict[str, object]:
    """Everything resolution decides: canonical entities, links, edges and their stretches."""
    engine = open_database(str(db))
    with engine.connect() as conn:
        links = canonical_map(conn)
        entities = {
            (row.id, row.type, row.name, row.mentions)
            for row in conn.execute(
                select(
                    schema.entities.c.id,
                    schema.entities.c.type,
                    schema.entities.c.name,
                    schema.entities.c.mentions,
                )
            )
        }
        spans = set(
            conn.execute(
                select(
                    schema.relation_spans.c.subject,
                    schema.relation_spans.c.predicate,
                    schema.relation_spans.c.object,
                    schema.relation_spans.c.claim_id,
                )
            ).all()
        )
        edges, stretches = schema.edges, schema.edge_spans
        keyed = (edges.c.subject, edges.c.predicate, edges.c.object)
        stretch_rows = set(
            conn.execute(
                select(
                    *keyed,
                    stretches.c.certainty,
                    stretches.c.day_first,
                    stretches.c.day_last,
                    stretches.c.claims,
                    stretches.c.weight,
                ).join(edges, edges.c.id == stretches.c.edge)
            ).all()
        )
        totals = set(
            conn.execute(
                select(
                    *keyed,
                    schema.edge_totals.c.certainty,
                    schema.edge_totals.c.claims,
                    schema.edge_totals.c.weight,
                ).join(edges, edges.c.id == schema.edge_totals.c.edge)
            ).all()
        )
        edge_keys = set(conn.execute(select(*keyed)).all())
        event_links = set(conn.execute(select(schema.event_links)).all())
        disputes = set(conn.execute(select(schema.dispute_claims)).all())
        mentions = conn.execute(select(schema.mentions.c.id)).all()
    engine.dispose()
    return {
        "entities": entities,
        "canonical entities": {e for e in entities if e[0] not in links},
        "links": links,
        "relation spans": spans,
        "edges": edge_keys,
        "stretches": stretch_rows,
        "totals": totals,
        "event links": event_links,
        "disputes": disputes,
        "mentions": len(mentions),
    }


def _ingest(db: Path, paths: list[Path], batch_size: int = 16) -> None:
    engine = open_database(str(db))
    ingest_paths(paths, engine, batch_size=batch_size)
    engine.dispose()


def _ingest_in_process(db: str, paths: list[str], batch_size: int) -> None:
    _ingest(Path(db), [Path(p) for p in paths], batch_size)


@pytest.fixture(scope="module")
def one_run(reports: list[Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    db = tmp_path_factory.mktemp("one") / "kb.db"
    _ingest(db, reports)
    return snapshot(db)


def test_one_run_resolves_the_people_as_the_reports_say(one_run: dict) -> None:
    links: dict[str, str] = one_run["links"]
    people = [e for e in one_run["entities"] if e[1] == "person"]
    canonical = [e[2] for e in people if e[0] not in links]
    # Rahim Saleh is one person and Zia Hamdard is Ahmad Zia Hamdard.
    assert sorted(n for n in canonical if "Saleh" in n) == ["Rahim Saleh"]
    assert sorted(n for n in canonical if "Hamdard" in n) == ["Ahmad Zia Hamdard"]
    # The governor and the IMU commander named Karim Nazari are two people; the commander's
    # other spelling is the commander.
    nazari = {e[0] for e in people if e[2] in {"Karim Nazari", "Karim Nazzari"}}
    assert len(nazari) == 3
    assert len({links.get(i, i) for i in nazari}) == 2


def _runs(reports: list[Path], tmp: Path) -> dict[str, Path]:
    shuffled = reports[:]
    random.Random(3).shuffle(shuffled)
    half = len(reports) // 2
    runs = {
        "reversed, one at a time": (list(reversed(reports)), 1),
        "shuffled, batches of three": (shuffled, 3),
    }
    dbs = {}
    for label, (order, size) in runs.items():
        db = tmp / f"{len(dbs)}.db"
        _ingest(db, order, size)
        dbs[label] = db
    # Interrupted after three reports, then the whole set again.
    db = tmp / "resumed.db"
    _ingest(db, shuffled[:3], 2)
    _ingest(db, reports, 2)
    dbs["interrupted and resumed"] = db
    # In two batches: the second half first, then the first.
    db = tmp / "halves.db"
    _ingest(db, reports[half:])
    _ingest(db, reports[:half])
    dbs["two batches"] = db
    return dbs


def test_order_batching_and_resuming_give_the_same_knowledge_base(
    reports: list[Path], one_run: dict, tmp_path: Path
) -> None:
    for label, db in _runs(reports, tmp_path).items():
        other = snapshot(db)
        for part, expected in one_run.items():
            assert other[part] == expected, f"{label}: {part} differ"


def test_two_processes_ingesting_at_once_give_what_one_run_gives(
    reports: list[Path], one_run: dict, tmp_path: Path
) -> None:
    db = tmp_path / "shared.db"
    open_database(str(db)).dispose()
    context = multiprocessing.get_context("spawn")
    orders = [reports, list(reversed(reports))]
    workers = [
        context.Process(target=_ingest_in_process, args=(str(db), [str(p) for p in o], 2))
        for o in orders
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=600)
        assert worker.exitcode == 0
    other = snapshot(db)
    for part, expected in one_run.items():
        assert other[part] == expected, f"two processes: {part} differ"
