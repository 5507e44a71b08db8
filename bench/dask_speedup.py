"""Dask speed-up: one ingest of the same generated documents four ways, in one run.

Local with 1 process, local with 2 worker processes (`--processes 2`), and on a Dask
LocalCluster of 1 and of 2 worker processes (`--dask`), each into a fresh knowledge base.
Reported as ratios against the local 1-process ingest and against 1 Dask worker, with the
one-time loading (the model, gazetteers and geocoder; a cluster's start) apart where it can
be, and the time this process spent storing, which no worker can take over. The load average
is printed before each run: the machine's other work shows in the figures.
Run:  .venv/bin/python bench/dask_speedup.py --docs 600
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import machine, varied_corpus
from distributed import Client, LocalCluster
from scale import write_corpus

from factions.extract import Extractor
from factions.ingest import run
from factions.ingest.dask_worker import ExtractorPlugin
from factions.model import Document
from factions.store import open_database


class StoreClock:
    """Seconds this process spends resolving and storing batches (the part that stays here)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._store = run._store

    def __call__(self, *args: object, **kwargs: object) -> None:
        started = time.perf_counter()
        try:
            self._store(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f})"


def children_cpu() -> float:
    """CPU seconds of this process's finished child processes (a local pool's workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(
    label: str,
    ingest: Callable[[], run.IngestReport],
    clock: StoreClock,
    workers_cpu: Callable[[], float] = children_cpu,
) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its workers) of one ingest: under
    other work the CPU seconds say what the run cost, the wall seconds what it got."""
    clock.seconds = 0.0
    print(f"{label}: starting, {load_average()}", flush=True)
    cpu_here, cpu_workers = time.process_time(), workers_cpu()
    started = time.perf_counter()
    report = ingest()
    seconds = time.perf_counter() - started
    cpu_here, cpu_workers = time.process_time() - cpu_here, workers_cpu() - cpu_workers
    if report.failed:
        raise SystemExit(f"{label}: ingest failed: {report.failed[0]}")
    print(
        f"{label}: {len(report.new)} new in {seconds:.1f}s (storing here {clock.seconds:.1f}s; "
        f"CPU {cpu_here:.1f}s here + {cpu_workers:.1f}s in workers)",
        flush=True,
    )
    return seconds, cpu_here + cpu_workers


def _cpu_seconds() -> float:
    return time.process_time()


def warm_cluster(workers: int) -> tuple[LocalCluster, Client, float]:
    """A cluster of `workers` processes with the extractor loaded on each, and the seconds
    that took."""
    started = time.perf_counter()
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster, set_as_default=False)
    client.register_plugin(ExtractorPlugin(Extractor().model))
    return cluster, client, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=run.BATCH_SIZE)
    args = parser.parse_args()
    print(f"machine: {machine()}; {load_average()}")
    clock = StoreClock()
    run._store = clock
    corpus = varied_corpus(args.docs)
    with tempfile.TemporaryDirectory(prefix="factions-dask-") as tmp:
        root = Path(tmp)
        folder = write_corpus(root, corpus, 0, args.docs)

        def ingest(name: str, **options: object) -> Callable[[], run.IngestReport]:
            def go() -> run.IngestReport:
                engine = open_database(str(root / f"{name}.db"))
                try:
                    return run.ingest_paths([folder], engine, batch_size=args.batch_size, **options)
                finally:
                    engine.dispose()

            return go

        started = time.perf_counter()
        extractor = Extractor()
        extractor.extract(Document(id="warm-up", text=corpus[0][0]))
        load = time.perf_counter() - started
        print(f"loading the extractor in this process: {load:.1f}s")
        local_1, cpu_1 = timed("local, 1 process", ingest("local1", extractor=extractor), clock)
        storing = clock.seconds
        local_2, cpu_2 = timed("local, 2 processes", ingest("local2", processes=2), clock)
        dask = {}
        for workers in (1, 2):
            cluster, client, start = warm_cluster(workers)
            print(f"dask, {workers} worker(s): cluster started and warmed in {start:.1f}s")
            try:
                label = f"dask, {workers} worker(s)"
                address = cluster.scheduler_address
                wall, cpu = timed(
                    label,
                    ingest(f"dask{workers}", dask=address),
                    clock,
                    lambda client=client: sum(client.run(_cpu_seconds).values()),
                )
                dask[workers] = (start, wall, cpu)
            finally:
                client.close()
                cluster.close()
    print(f"end: {load_average()}")
    (start_1, dask_1, cpu_d1), (start_2, dask_2, cpu_d2) = dask[1], dask[2]
    print(f"\n{args.docs} documents, batches of {args.batch_size}; speed-up = time / time")
    print("loading excluded (local 2 processes cannot exclude its workers' loading):")
    print(f"  local 2 processes vs local 1:  {local_1 / local_2:.2f}x (its loading included)")
    print(f"  dask 1 worker vs local 1:      {local_1 / dask_1:.2f}x")
    print(f"  dask 2 workers vs local 1:     {local_1 / dask_2:.2f}x")
    print(f"  dask 2 workers vs 1 worker:    {dask_1 / dask_2:.2f}x (target >= 1.7x)")
    cores = os.cpu_count() or 1
    extracting = local_1 - storing
    best_1 = max(extracting, storing)
    best_2 = max(extracting / 2, storing, (extracting + storing) / cores)
    print(
        f"  bound: of local 1's {local_1:.1f}s, {storing:.1f}s is storing (stays in this process)"
        f"; on {cores} cores 2 workers can gain at most {best_1 / best_2:.2f}x over 1, and "
        f"{local_1 / best_2:.2f}x over local 1"
    )
    print(
        f"CPU seconds against local 1 (what parallel work costs, whatever else ran): local 2 "
        f"{cpu_2 / cpu_1:.2f}x (its loading included), dask 1 worker {cpu_d1 / cpu_1:.2f}x, "
        f"dask 2 workers {cpu_d2 / cpu_1:.2f}x"
    )
    print("loading included (every process loads the model once; a cluster also starts):")
    print(f"  local 2 processes vs local 1:  {(local_1 + load) / local_2:.2f}x")
    print(f"  dask 2 workers vs local 1:     {(local_1 + load) / (dask_2 + start_2):.2f}x")
    print(f"  dask 2 workers vs 1 worker:    {(dask_1 + start_1) / (dask_2 + start_2):.2f}x")


if __name__ == "__main__":
    main()
