"""The cost of an ingest: full extraction and end-to-end ingest against the bare parse, in one run.

All ratios are against a bare spaCy `nlp.pipe` of the same texts, measured in the same run and
interleaved with it: the corpus is cut into chunks, and each chunk is parsed bare, extracted and
ingested in turn (the order rotating from chunk to chunk), so that a neighbour taking the CPU
for a while weighs on all three alike. The one-time load (model, gazetteer, lexicons, geocoder)
is timed apart and left out of the ratios; the CPU time of this process is summed beside the
wall time (steadier when other work shares the machine). Then `--parallel` documents are
ingested into fresh knowledge bases with 1 and with 2 processes, and last, in the same process
and knowledge base as the first part, the ingest goes on to `--memory-to` documents in steps,
printing peak RSS (memory must stay flat).

Targets: full extraction <= 1.25x the bare parse; ingest <= 1.35x; 2 processes >= 1.7x one;
peak RSS flat from 2k to 10k documents. Run from the repository root:
    .venv/bin/python bench/ingest_cost.py --docs 2000 --chunks 4 --memory-to 10000 --parallel 600
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from common import bench_documents, machine, varied_corpus
from scale import write_corpus

from factions.extract import Extractor
from factions.extract.geocode import get_geocoder
from factions.extract.nlp import model_name
from factions.ingest.documents import make_document
from factions.ingest.run import ingest_paths
from factions.store import open_database


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def cpu_and_wall(work: Callable[[], object]) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) that `work` took: with other work on the
    machine the CPU time is the steadier measure of the two."""
    cpu = time.process_time()
    wall = seconds(work)
    return time.process_time() - cpu, wall


def ingested(folder: Path, db: str, extractor: Extractor | None, processes: int = 1) -> int:
    engine = open_database(db)
    try:
        report = ingest_paths([folder], engine, extractor=extractor, processes=processes)
    finally:
        engine.dispose()
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed[0]}")
    return len(report.new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=4, help="interleaved rounds")
    parser.add_argument("--memory-to", type=int, default=0, help="go on ingesting to N docs")
    parser.add_argument("--memory-step", type=int, default=2000)
    parser.add_argument("--parallel", type=int, default=0, help="documents for 1 vs 2 processes")
    args = parser.parse_args()
    total = max(args.docs, args.memory_to, args.parallel)
    corpus = varied_corpus(total)
    print(f"machine: {machine()}; load average at start: {load_average()}")

    started = time.perf_counter()
    extractor = Extractor()
    warm_up = make_document("Kabul, Afghanistan. A report.", {}, source="warm-up")
    list(extractor.extract_many([warm_up]))
    # The index of spelling variants is built on a story's first unknown name: part of the load.
    get_geocoder().load_variants()
    load = time.perf_counter() - started
    plain = spacy.load(model_name())
    list(plain.pipe(["A warm-up sentence for the bare model."]))
    print(f"one-time load (model, gazetteer, lexicons, geocoder): {load:.1f}s")

    with tempfile.TemporaryDirectory(prefix="factions-cost-") as tmp:
        root = Path(tmp)
        db = str(root / "kb.db")
        size = -(-args.docs // args.chunks)
        bare, full, ingest = [], [], []
        cpu: dict[str, list[float]] = {"bare": [], "full": [], "ingest": []}
        words = 0
        for number, start in enumerate(range(0, args.docs, size)):
            stop = min(start + size, args.docs)
            folder = write_corpus(root, corpus, start, stop)
            documents = bench_documents(corpus[start:stop], start)
            texts = [d.text for d in documents]
            words += sum(len(t.split()) for t in texts)
            steps = [
                ("bare", bare, lambda texts=texts: list(plain.pipe(texts, batch_size=16))),
                (
                    "full",
                    full,
                    lambda documents=documents: list(extractor.extract_many(documents)),
                ),
                ("ingest", ingest, lambda folder=folder: ingested(folder, db, extractor)),
            ]
            shift = number % len(steps)
            for name, figures, work in steps[shift:] + steps[:shift]:
                used, took = cpu_and_wall(work)
                figures.append(took)
                cpu[name].append(used)
            print(
                f"chunk {number + 1}: {stop - start} docs, bare {bare[-1]:.1f}s, "
                f"extraction {full[-1]:.1f}s ({full[-1] / bare[-1]:.2f}x), "
                f"ingest {ingest[-1]:.1f}s ({ingest[-1] / bare[-1]:.2f}x); "
                f"load average {load_average()}"
            )
            # What storing adds, by this process's CPU time: the steadier measure of the two
            # on a shared machine.
            print(
                f"  CPU: bare {cpu['bare'][-1]:.1f}s, extraction {cpu['full'][-1]:.1f}s, "
                f"ingest {cpu['ingest'][-1]:.1f}s; ingest - extraction "
                f"{cpu['ingest'][-1] - cpu['full'][-1]:.1f}s"
            )
        b, f, i = sum(bare), sum(full), sum(ingest)
        print(f"{args.docs} documents, {words:,} words, {len(bare)} interleaved chunks")
        print(f"bare spaCy parse (nlp.pipe):  {b:7.1f}s  {words / b:,.0f} words/s")
        print(
            f"full extraction:              {f:7.1f}s  {f / b:.2f}x (chunk median "
            f"{statistics.median(x / y for x, y in zip(full, bare, strict=True)):.2f}x; "
            "target <= 1.25x)"
        )
        print(
            f"ingest end to end:            {i:7.1f}s  {i / b:.2f}x (chunk median "
            f"{statistics.median(x / y for x, y in zip(ingest, bare, strict=True)):.2f}x; "
            f"target <= 1.35x; the {load:.1f}s load apart)"
        )
        b, f, i = (sum(cpu[name]) for name in ("bare", "full", "ingest"))
        print(
            f"CPU time of this process: bare {b:.1f}s, full extraction {f:.1f}s = {f / b:.2f}x, "
            f"ingest {i:.1f}s = {i / b:.2f}x"
        )
        first_rss = peak_rss_mb()
        print(f"peak RSS after {args.docs} documents: {first_rss:.0f} MB")

        if args.parallel:
            folder = root / "parallel"
            folder.mkdir()
            source = write_corpus(folder, corpus, 0, args.parallel)
            one = seconds(lambda: ingested(source, str(root / "p1.db"), extractor, 1))
            two = seconds(lambda: ingested(source, str(root / "p2.db"), extractor, 2))
            print(
                f"parallel, {args.parallel} docs: 1 process {one:.1f}s (model loaded), "
                f"2 processes {two:.1f}s (each worker loads the model, ~{load:.0f}s): "
                f"speed-up {one / two:.2f}x, {one / max(two - load, 1e-9):.2f}x without the "
                f"workers' load (target >= 1.7x); load average {load_average()}"
            )

        done = args.docs
        while done < args.memory_to:
            stop = min(done + args.memory_step, args.memory_to)
            folder = write_corpus(root, corpus, done, stop)
            took = seconds(lambda folder=folder: ingested(folder, db, extractor))
            done = stop
            print(
                f"ingest to {done} docs: {took:.1f}s, peak RSS {peak_rss_mb():.0f} MB "
                f"(+{peak_rss_mb() - first_rss:.0f} MB); load average {load_average()}"
            )


if __name__ == "__main__":
    main()
