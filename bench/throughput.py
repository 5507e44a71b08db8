"""Throughput: the full factions extraction against a bare spaCy parse of the same texts.

spaCy's parse is the floor of our cost; the target is at most 1.25x it. Run:
    .venv/bin/python bench/throughput.py [--docs 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import spacy
from common import machine, varied_corpus

from factions.extract import Extractor
from factions.extract.nlp import model_name
from factions.ingest.documents import make_document


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    documents = [
        make_document(text, meta, source=f"bench#{i}") for i, (text, meta) in enumerate(corpus)
    ]
    texts = [d.text for d in documents]
    extractor = Extractor()
    plain = spacy.load(model_name())
    nlp = extractor.nlp
    list(extractor.extract_many(documents[:5]))  # warm-up: lexicons, gazetteer, geocoder
    bare, ours, full = [], [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        for _doc in plain.pipe(texts, batch_size=16):
            pass
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16):
            pass
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _extraction in extractor.extract_many(documents):
            pass
        full.append(time.perf_counter() - started)
    n_words = words(texts)
    bare_s, ours_s, full_s = (statistics.median(x) for x in (bare, ours, full))
    print(f"machine: {machine()}")
    print(f"documents: {len(texts)}, words: {n_words}, repeats: {args.repeats} (medians)")
    print(f"bare spaCy model (nlp.pipe):            {n_words / bare_s:,.0f} words/s")
    print(f"spaCy with our components (nlp.pipe):   {n_words / ours_s:,.0f} words/s")
    print(f"full extraction (parse + records):      {n_words / full_s:,.0f} words/s")
    print(f"ratio full/bare parse: {full_s / bare_s:.2f}x (target <= 1.25x)")


if __name__ == "__main__":
    main()
