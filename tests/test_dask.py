"""Extraction on a Dask cluster (`factions ingest --dask`) stores what a local ingest stores.

A LocalCluster of two worker processes extracts a few sample documents: the knowledge base
(entity, claim and event ids, links, edges, the JSON Lines export) equals a local ingest's,
also when a worker process is killed mid-run, and each worker loads the model once.
"""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client, LocalCluster
from sqlalchemy import select
from typer.testing import CliRunner

from factions.cli import app
from factions.export.formats import registered_formats, write_export
from factions.extract.nlp import model_name
from factions.ingest import distributed as on_dask
from factions.ingest.dask_worker import loads
from factions.ingest.distributed import DaskError, DaskTarget, dask_target
from factions.ingest.run import IngestReport, ingest_paths
from factions.store import open_database, schema

from .conftest import sample_corpus
from .test_order_independence import snapshot

runner = CliRunner()

SAMPLES = [
    "01_oxus_yuldashev_strike.txt",
    "02_frontier_waziristan_offensive.txt",
    "04_kabul_ledger_takhar_attack.txt",
    "05_oxus_taloqan_bombing.txt",
    "06_frontier_karachi_airport.txt",
    "10_sahel_iswap_split.txt",
]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Six sample reports, and a file that is not there (an error both runs must report)."""
    missing = tmp_path_factory.mktemp("missing") / "gone.txt"
    return [sample_corpus() / name for name in SAMPLES] + [missing]


def knowledge_base(db: Path) -> dict[str, object]:
    """What resolution decides (entities, links, edges) and every record's id, and the
    export that users read."""
    kb = snapshot(db)
    engine = open_database(str(db))
    with engine.connect() as conn:
        for name, table in [
            ("documents", schema.documents),
            ("claims", schema.claims),
            ("events", schema.events),
        ]:
            kb[name] = set(conn.scalars(select(table.c.id)))
        out = io.StringIO()
        write_export(conn, registered_formats()["jsonl"], out, None)
    engine.dispose()
    kb["export"] = sorted(out.getvalue().splitlines())
    return kb


def summary(report: IngestReport) -> dict[str, object]:
    return {
        "new": sorted(report.new),
        "unchanged": sorted(report.unchanged),
        "near duplicates": sorted(report.near_duplicates),
        "failed": [str(f) for f in report.failed],
        "files": report.files,
    }


def ingest(db: Path, files: list[Path], **options: object) -> IngestReport:
    engine = open_database(str(db))
    try:
        return ingest_paths(files, engine, **options)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def local(files: list[Path], tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict]:
    """(summary, knowledge base) of a local ingest."""
    db = tmp_path_factory.mktemp("local") / "kb.db"
    report = ingest(db, files, batch_size=2)
    assert len(report.new) == len(SAMPLES)
    return summary(report), knowledge_base(db)


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[LocalCluster, Client]]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        yield cluster, client


def assert_same(kb: dict, expected: dict, label: str) -> None:
    for part, value in expected.items():
        assert kb[part] == value, f"{label}: {part} differ"


def test_dask_ingest_stores_what_a_local_ingest_stores(
    cluster: tuple[LocalCluster, Client], local: tuple[dict, dict], files: list[Path], tmp_path
) -> None:
    scheduler, client = cluster
    db = tmp_path / "kb.db"
    # One document a task: six tasks for two workers, so some worker runs three or more.
    report = ingest(db, files, batch_size=1, dask=scheduler.scheduler_address)
    assert summary(report) == local[0]
    assert_same(knowledge_base(db), local[1], "dask")
    # Each worker loaded the model and gazetteers once, however many tasks it ran.
    assert list(client.run(loads).values()) == [{model_name(): 1}] * 2


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(
    cluster: tuple[LocalCluster, Client], local: tuple[dict, dict], files: list[Path], tmp_path
) -> None:
    scheduler, client = cluster
    killed: list[int] = []

    def kill_a_busy_worker(name: str, _: int) -> None:
        """After the second file, SIGKILL the process of a worker that holds a task."""
        if killed or Path(name).name != SAMPLES[1]:
            return
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            busy = [address for address, keys in client.processing().items() if keys]
            if busy:
                pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                return
            time.sleep(0.05)

    db = tmp_path / "kb.db"
    report = ingest(
        db, files, batch_size=1, dask=scheduler.scheduler_address, on_progress=kill_a_busy_worker
    )
    assert killed, "no worker was busy to kill"
    assert killed[0] not in client.run(os.getpid).values()
    assert summary(report) == local[0]
    assert_same(knowledge_base(db), local[1], "a worker killed")


def test_commands_that_do_not_use_dask_do_not_import_it() -> None:
    script = (
        "import sys, factions.cli, factions.ingest.run; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed'}))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    assert found.stdout.strip() == "[]"


def test_dask_addresses_are_read_or_refused_with_the_reason() -> None:
    assert dask_target("local:3") == DaskTarget(local_workers=3)
    assert dask_target("tcp://10.0.0.5:8786") == DaskTarget(address="tcp://10.0.0.5:8786")
    assert dask_target("scheduler.lan:8786") == DaskTarget(address="tcp://scheduler.lan:8786")
    assert dask_target("tls://[::1]:8786") == DaskTarget(address="tls://[::1]:8786")
    refused = {
        "local:": "number of worker processes",
        "local:0": "number of worker processes",
        "local:two": "number of worker processes",
        "http://scheduler:8786": "unknown protocol 'http'",
        "tcp://scheduler": "not a scheduler address",
        "tcp://scheduler:99999": "not a scheduler address",
        "": "not a scheduler address",
    }
    for text, reason in refused.items():
        with pytest.raises(DaskError) as error:
            dask_target(text)
        message = str(error.value)
        assert message.startswith(f"--dask {text}") and reason in message, message
        assert "\n" not in message


def test_cli_refuses_a_bad_dask_address_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    result = runner.invoke(
        app, ["ingest", str(sample_corpus() / SAMPLES[0]), "--db", str(db), "--dask", "local:x"]
    )
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert errors == [
        "error --dask local:x: after 'local:' give the number of worker processes (local:2)"
    ]
    assert not db.exists()
    both = ["--dask", "local:2", "--processes", "2"]
    result = runner.invoke(
        app, ["ingest", str(sample_corpus() / SAMPLES[0]), "--db", str(db), *both]
    )
    assert result.exit_code == 2
    assert "--processes and --dask both say where extraction runs" in result.output
    assert not db.exists()


def test_a_batch_the_cluster_gave_up_on_is_a_one_line_error() -> None:
    class Lost:
        def result(self) -> None:
            raise RuntimeError("Attempted to run task on 3 different workers,\nall died")

    with pytest.raises(DaskError) as error:
        on_dask.Task(Lost(), DaskTarget(address="tcp://10.0.0.5:8786")).result()
    assert str(error.value) == (
        "--dask tcp://10.0.0.5:8786: extraction stopped "
        "(RuntimeError: Attempted to run task on 3 different workers,)"
    )


def test_cli_names_a_scheduler_that_does_not_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(on_dask, "CONNECT_SECONDS", 2)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    article, db = sample_corpus() / SAMPLES[0], tmp_path / "kb.db"
    result = runner.invoke(app, ["ingest", str(article), "--db", str(db), "--dask", address])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error")]
    assert len(errors) == 1
    assert errors[0].startswith(f"error --dask {address}: no Dask scheduler answered within 2 s")


def test_cli_ingest_on_a_local_cluster_of_its_own(tmp_path: Path) -> None:
    article = sample_corpus() / SAMPLES[0]
    outputs = []
    for label, options in [("local", []), ("dask", ["--dask", "local:1"])]:
        db = tmp_path / f"{label}.db"
        result = runner.invoke(app, ["ingest", str(article), "--db", str(db), *options])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("1 new, 0 unchanged, 0 near-duplicate, 0 failed")
        out = tmp_path / f"{label}.jsonl"
        assert runner.invoke(app, ["export", "--db", str(db), "--out", str(out)]).exit_code == 0
        outputs.append([json.loads(line) for line in out.read_text().splitlines()])
    assert outputs[0] == outputs[1]
