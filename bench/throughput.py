"""Throughput: the full factions extraction against a bare spaCy parse of the same texts.

spaCy's parse is the floor of our cost; the target is at most 1.25x it. Wall time and this
process's CPU time are both reported: on a machine shared with other work the CPU-time ratio is
the steadier one. Run:
    .venv/bin/python bench/throughput.py [--docs 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterable

import spacy
from common import bench_documents, loaded_extractor, machine, varied_corpus

from factions.extract.geocode import get_geocoder
from factions.extract.nlp import model_name


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def timed(work: Callable[[], object]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process) that `work` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def consume(items: Iterable[object]) -> None:
    for _item in items:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    documents = bench_documents(corpus)
    texts = [d.text for d in documents]
    extractor = loaded_extractor(documents[:5])
    plain = spacy.load(model_name())
    nlp = extractor.nlp
    bare, ours, full = [], [], []
    for _ in range(args.repeats):
        bare.append(timed(lambda: consume(plain.pipe(texts, batch_size=16))))
        ours.append(timed(lambda: consume(nlp.pipe(texts, batch_size=16))))
        # Each repeat reads the texts as a process that has not met their names yet: what
        # the geocoder keeps between stories would otherwise make repeats 2 and 3 cheaper.
        get_geocoder().forget_stories()
        full.append(timed(lambda: consume(extractor.extract_many(documents))))
    n_words = words(texts)
    print(f"machine: {machine()}")
    print(f"documents: {len(texts)}, words: {n_words}, repeats: {args.repeats} (medians)")
    for clock, kind in ((0, "wall"), (1, "CPU")):
        bare_s, ours_s, full_s = (
            statistics.median(x[clock] for x in t) for t in (bare, ours, full)
        )
        print(f"{kind} time:")
        print(f"  bare spaCy model (nlp.pipe):            {n_words / bare_s:,.0f} words/s")
        print(f"  spaCy with our components (nlp.pipe):   {n_words / ours_s:,.0f} words/s")
        print(f"  full extraction (parse + records):      {n_words / full_s:,.0f} words/s")
        print(f"  ratio full/bare parse: {full_s / bare_s:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
