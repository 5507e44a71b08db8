"""Scale, re-ingest and parallel: ingest a generated corpus and watch time and memory.

The sample corpus is multiplied with varied places, months and years (bench/common.py) so no
two documents are the same text. Steps, in one process, into one knowledge base:
  1. ingest the first N1 documents, then up to N2, then up to N3, noting docs/s and peak RSS
     after each step (memory must stay flat as the corpus grows);
  2. re-ingest the first N1 documents (all unchanged): its cost against the first ingest;
  3. with --parallel, ingest P documents into fresh databases with 1 and with 2 processes.
Run:  .venv/bin/python bench/scale.py --steps 1000,5000,10000 --parallel 400
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

from common import machine, varied_corpus

from factions.ingest.run import ingest_paths
from factions.store import open_database


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_corpus(directory: Path, corpus: list[tuple[str, dict]], start: int, stop: int) -> Path:
    """Documents start..stop as text files with a metadata listing, in their own folder."""
    folder = directory / f"docs-{start}-{stop}"
    folder.mkdir()
    with (folder / "metadata.jsonl").open("w", encoding="utf-8") as listing:
        for i in range(start, stop):
            text, meta = corpus[i]
            name = f"doc{i:06d}.txt"
            (folder / name).write_text(text, encoding="utf-8")
            listing.write(json.dumps({"file": name, **meta}) + "\n")
    return folder


def timed_ingest(folder: Path, db: str, processes: int = 1) -> tuple[float, int]:
    engine = open_database(db)
    started = time.perf_counter()
    report = ingest_paths([folder], engine, processes=processes)
    seconds = time.perf_counter() - started
    engine.dispose()
    if report.failed:
        raise SystemExit(f"ingest failed: {report.failed[0]}")
    return seconds, len(report.new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="1000,5000,10000")
    parser.add_argument("--parallel", type=int, default=0, help="documents for the 1-vs-2 run")
    args = parser.parse_args()
    steps = [int(s) for s in args.steps.split(",")]
    corpus = varied_corpus(max([*steps, args.parallel]))
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="factions-scale-") as tmp:
        root = Path(tmp)
        db = str(root / "kb.db")
        done = 0
        first_step = None
        for step in steps:
            folder = write_corpus(root, corpus, done, step)
            seconds, new = timed_ingest(folder, db)
            first_step = first_step or (folder, seconds)
            done = step
            print(
                f"ingest to {step:>6} docs: {new} new in {seconds:7.1f}s "
                f"({new / seconds:5.1f} docs/s), peak RSS {peak_rss_mb():6.0f} MB"
            )
        folder, first_seconds = first_step
        seconds, new = timed_ingest(folder, db)
        print(
            f"re-ingest of the first {steps[0]} docs: {new} new in {seconds:.1f}s = "
            f"{100 * seconds / first_seconds:.1f}% of the first ingest (target < 5%)"
        )
        if args.parallel:
            folder = write_corpus(root, corpus, 0, args.parallel)
            one, _ = timed_ingest(folder, str(root / "p1.db"), processes=1)
            two, _ = timed_ingest(folder, str(root / "p2.db"), processes=2)
            print(
                f"parallel, {args.parallel} docs: 1 process {one:.1f}s, 2 processes {two:.1f}s, "
                f"speed-up {one / two:.2f}x"
            )


if __name__ == "__main__":
    main()
