"""The records after the parse: extraction's own cost, the parse left out, in CPU time.

The documents are parsed once (the model with our components); then `extract_from_doc` runs
over the parsed Docs `--repeats` times, each time with the Docs' per-Doc readings dropped
(nlp.py keeps the text, token offsets and words of a Doc once read), and the best run is
reported against the parse. On a machine other work shares, run it for two versions at the
same time and compare the two runs' figures. Run from the repository root:
    PYTHONPATH=src .venv/bin/python bench/records_cost.py [--docs 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

from common import bench_documents, loaded_extractor, machine, varied_corpus

from factions.extract.geocode import get_geocoder
from factions.extract.pipeline import extract_from_doc
from factions.extract.truecase import recase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    documents = bench_documents(corpus)
    extractor = loaded_extractor(documents[:5])
    started = time.process_time()
    docs = list(extractor.nlp.pipe([recase(d.text) for d in documents], batch_size=16))
    parse = time.process_time() - started
    runs = []
    for _ in range(args.repeats):
        for doc in docs:
            doc.user_data.clear()
        # As in throughput.py: a repeat must not gain from what the last one's stories left.
        get_geocoder().forget_stories()
        started = time.process_time()
        for document, doc in zip(documents, docs, strict=True):
            extract_from_doc(document, doc)
        runs.append(time.process_time() - started)
    print(f"machine: {machine()}")
    print(f"documents: {len(documents)}, CPU time of this process")
    print(f"parse with our components:  {parse:.2f}s")
    print(f"records after the parse:    {' '.join(f'{r:.2f}s' for r in runs)}")
    print(f"best run / parse:           {min(runs) / parse:.2f}x")


if __name__ == "__main__":
    main()
