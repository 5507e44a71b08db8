"""An ingest killed with SIGKILL at random points and resumed leaves the knowledge base a clean
ingest makes: documents, claims, events, entities, links, disputes, inferred ends and the
network; and after each kill, derived data is already what the stored records give. Derived
data is written in each batch's transaction, so no kill leaves it behind.

Real `factions ingest` processes on a generated corpus (tests/derived_corpus.py), three
documents a batch; each kill comes once a random number of documents is stored, plus a random
fraction of a second, so that some land while a batch is being written.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import select

from factions.query.network import actor_network
from factions.store import open_database, schema

from .derived_corpus import generated_reports
from .test_derived import derived, recomputed

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = 40
KILLS = 3


def _env() -> dict[str, str]:
    source = str(REPO / "src")
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{source}{os.pathsep}{path}" if path else source}


def _corpus(folder: Path) -> tuple[Path, Path]:
    folder.mkdir()
    listing = []
    for number, (published, text) in enumerate(generated_reports(DOCUMENTS, seed=5)):
        name = f"r{number:02d}.txt"
        (folder / name).write_text(text + "\n", encoding="utf-8")
        listing.append(json.dumps({"file": name, "published": published}))
    metadata = folder.parent / "metadata.jsonl"
    metadata.write_text("\n".join(listing) + "\n", encoding="utf-8")
    return folder, metadata


def _ingest(corpus: Path, metadata: Path, db: Path) -> subprocess.Popen[str]:
    code = "\n".join(
        [
            "import sys",
            "from factions.cli import main",
            "sys.argv = ['factions', *sys.argv[1:]]",
            "main()",
        ]
    )
    argv = ["ingest", str(corpus), "--metadata", str(metadata), "--db", str(db)]
    return subprocess.Popen(
        [sys.executable, "-c", code, *argv, "--batch-size", "3"],
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.Error:
        return 0


def _kill_when(process: subprocess.Popen[str], db: Path, stored: int, extra: float) -> None:
    """SIGKILL the ingest once `stored` documents are in the knowledge base, `extra` seconds
    later (or at once if it has finished)."""
    deadline = time.monotonic() + 120
    while _stored(db) < stored and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(extra)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def _table(conn, table, leave_out: tuple[str, ...] = ()) -> set[tuple]:  # type: ignore[no-untyped-def,type-arg]
    columns = [c for c in table.c if c.name not in leave_out]
    return set(conn.execute(select(*columns)).all())


def snapshot(db: Path) -> dict[str, object]:
    """Everything a knowledge base holds, row by row, and the network the query layer reads."""
    engine = open_database(str(db), create=False)
    with engine.connect() as conn:
        found: dict[str, object] = {
            "documents": _table(conn, schema.documents, ("ingested_at",)),
            "claims": _table(conn, schema.claims),
            "events": _table(conn, schema.events),
            "participants": _table(conn, schema.event_participants),
            "evidence": _table(conn, schema.evidence, ("id",)),
            "entities": _table(conn, schema.entities),
            "aliases": _table(conn, schema.aliases),
            "mentions": _table(conn, schema.mentions, ("id",)),
            "entity links": _table(conn, schema.entity_links),
            "event links": _table(conn, schema.event_links),
            "disputes": _table(conn, schema.disputes),
            "dispute claims": _table(conn, schema.dispute_claims),
            "inferred ends": _table(conn, schema.inferred_ends),
            "relation spans": _table(conn, schema.relation_spans),
        }
        for as_of in (None, "2012", "2014-07", "2016"):
            network = actor_network(conn, as_of=as_of)
            found[f"network as of {as_of}"] = json.dumps(asdict(network), sort_keys=True)
        stale = conn.execute(select(schema.meta).where(schema.meta.c.key == "derived_data"))
        found["derived data behind"] = stale.all()
    engine.dispose()
    return found


def test_killed_and_resumed_ingest_equals_a_clean_one(tmp_path: Path) -> None:
    corpus, metadata = _corpus(tmp_path / "corpus")
    clean_db, crashed_db = tmp_path / "clean.db", tmp_path / "crashed.db"
    clean = _ingest(corpus, metadata, clean_db)
    assert clean.wait(timeout=300) == 0, clean.communicate()[1]
    rng = random.Random(20)
    targets = []
    for _ in range(KILLS):
        # Each run stores a few more documents before it is killed.
        target = min(DOCUMENTS - 1, _stored(crashed_db) + rng.randint(3, 12))
        targets.append(target)
        _kill_when(_ingest(corpus, metadata, crashed_db), crashed_db, target, rng.random() * 0.5)
        # What the kill left is consistent: derived data up to date with the records stored
        # (before, there were none until a later run finished).
        engine = open_database(str(crashed_db), create=False)
        with engine.connect() as conn:
            left = derived(conn)
        assert left == recomputed(engine), f"derived data behind after a kill at {target}"
        engine.dispose()
    assert 0 < _stored(crashed_db) < DOCUMENTS, "the kills should leave the ingest unfinished"
    resumed = _ingest(corpus, metadata, crashed_db)
    assert resumed.wait(timeout=300) == 0, resumed.communicate()[1]
    expected, found = snapshot(clean_db), snapshot(crashed_db)
    assert expected["disputes"] and expected["event links"] and expected["inferred ends"]
    for part, rows in expected.items():
        assert found[part] == rows, f"{part} differ after kills at {targets} documents"
