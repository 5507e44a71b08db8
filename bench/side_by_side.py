"""The cost of an ingest measured side by side with the bare parse, at the same moments.

On a machine whose speed drifts from minute to minute (a virtual machine sharing its host),
ratios taken from steps run one after the other move by a tenth and more between runs
(bench/README.md). Here a second process parses with the bare spaCy model *while* this one
works, on the other core: for each chunk of generated documents and each step (the bare parse
here too, full extraction, end-to-end ingest into one growing knowledge base, the order
rotating), the neighbour parses the same texts over and over until the step ends, and the
step's CPU seconds per word are divided by the neighbour's over the same window. A slow
minute slows both. The bare parse here against the bare parse there is the check of the
method: the two cores are alike when it is near 1.00.

Needs 2 cores. Targets as in ingest_cost.py: full extraction <= 1.25x, ingest <= 1.35x.
    cd bench && PYTHONPATH=../src ../.venv/bin/python side_by_side.py --docs 2000 --chunks 8
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import spacy
from common import bench_documents, loaded_extractor, machine, varied_corpus
from ingest_cost import ingested, load_average
from scale import write_corpus

from factions.extract.nlp import model_name
from factions.ingest.documents import make_document


def words_of(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def neighbour(conn: Connection, model: str) -> None:
    """Parse the texts it is sent, round and round in batches of 16, until told to stop; then
    send back (CPU seconds, words parsed)."""
    nlp = spacy.load(model)
    list(nlp.pipe(["A warm-up sentence for the bare model."]))
    conn.send("ready")
    while (texts := conn.recv()) is not None:
        words = [len(t.split()) for t in texts]
        started, parsed, at = time.process_time(), 0, 0
        while not conn.poll():
            batch = range(at, min(at + 16, len(texts)))
            list(nlp.pipe([texts[i] for i in batch], batch_size=16))
            parsed += sum(words[i] for i in batch)
            at = batch.stop % len(texts)
        conn.recv()  # the stop
        conn.send((time.process_time() - started, parsed))


def side_by_side(conn: Connection, texts: list[str], work: Callable[[], object]) -> float:
    """`work`'s CPU seconds per word of `texts` over the neighbour's bare parse, the same
    moments."""
    conn.send(texts)
    started = time.process_time()
    work()
    used = time.process_time() - started
    conn.send("stop")
    bare_seconds, bare_words = conn.recv()
    return (used / words_of(texts)) / (bare_seconds / bare_words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--chunks", type=int, default=8)
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    print(f"machine: {machine()}; load average at start: {load_average()}")
    context = multiprocessing.get_context("spawn")
    here, there = context.Pipe()
    other = context.Process(target=neighbour, args=(there, model_name()), daemon=True)
    other.start()
    extractor = loaded_extractor(
        [make_document("Kabul, Afghanistan. A report.", {}, source="warm-up")]
    )
    plain = spacy.load(model_name())
    list(plain.pipe(["A warm-up sentence for the bare model."]))
    if here.recv() != "ready":
        raise SystemExit("the neighbour process did not start")

    ratios: dict[str, list[float]] = {"bare": [], "full": [], "ingest": []}
    with tempfile.TemporaryDirectory(prefix="factions-side-") as tmp:
        root = Path(tmp)
        db = str(root / "kb.db")
        size = -(-args.docs // args.chunks)
        for number, start in enumerate(range(0, args.docs, size)):
            stop = min(start + size, args.docs)
            folder = write_corpus(root, corpus, start, stop)
            documents = bench_documents(corpus[start:stop], start)
            texts = [d.text for d in documents]
            steps: list[tuple[str, Callable[[], object]]] = [
                ("bare", lambda texts=texts: list(plain.pipe(texts, batch_size=16))),
                ("full", lambda documents=documents: list(extractor.extract_many(documents))),
                ("ingest", lambda folder=folder: ingested(folder, db, extractor)),
            ]
            shift = number % len(steps)
            for name, work in steps[shift:] + steps[:shift]:
                ratios[name].append(side_by_side(here, texts, work))
            print(
                f"chunk {number + 1}: {stop - start} docs; against the neighbour's bare parse: "
                f"bare {ratios['bare'][-1]:.2f}x, full extraction {ratios['full'][-1]:.2f}x, "
                f"ingest {ratios['ingest'][-1]:.2f}x; load average {load_average()}",
                flush=True,
            )
    here.send(None)
    other.join(timeout=30)
    print(f"{args.docs} documents in {len(ratios['bare'])} chunks; medians (mean):")
    for name, label in (
        ("bare", "bare parse here (the method's check, ~1.00)"),
        ("full", "full extraction (target <= 1.25x)"),
        ("ingest", "ingest end to end (target <= 1.35x)"),
    ):
        figures = ratios[name]
        print(f"  {label}: {statistics.median(figures):.2f}x ({statistics.mean(figures):.2f}x)")
    scaled = [i / b for i, b in zip(ratios["ingest"], ratios["bare"], strict=True)]
    print(
        "  ingest over the bare parse here, chunk by chunk (the cores' difference taken out): "
        f"median {statistics.median(scaled):.2f}x"
    )


if __name__ == "__main__":
    main()
