"""The cost of an ingest against the bare parse interleaved with it, batch by batch.

One real ingest (`ingest_paths`, one folder of generated documents, stored 256 to a
transaction into one growing knowledge base) runs in this process; each time it hands a batch
of documents to extraction, the bare spaCy model parses the same texts too, just before or just
after (alternating), and that parse is timed apart and taken out of the ingest's CPU time. The
two are never more than a few seconds apart, so the machine's drift from minute to minute
(bench/README.md: ratios of steps run one after the other move by a tenth between runs) bears
on both alike, without a second core (side_by_side.py) whose speed may differ from this one's.

Ratios are of CPU seconds: end-to-end ingest (reading, cleaning, extraction, resolution,
storing and derived data; the one-time load reported apart) and extraction alone, each over the
bare parse of the same texts, for the whole run and per stretch of the run.
Targets (issue 19): extraction <= 1.25x, ingest <= 1.35x.

    cd bench && PYTHONPATH=../src ../.venv/bin/python interleaved.py --docs 2000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from common import loaded_extractor, machine, varied_corpus
from ingest_cost import ingested, load_average
from scale import write_corpus

from factions.extract import Extractor
from factions.extract.nlp import model_name
from factions.ingest.documents import make_document
from factions.model import Document, Extraction


@dataclass
class Batch:
    """One extraction batch of the ingest: the bare parse of its texts, its extraction, and
    what the ingest did since the previous batch ended (storing, reading), in CPU seconds."""

    documents: int
    bare: float
    extraction: float
    before: float


@dataclass
class Recorder:
    """Wraps an extractor's batches: parses each batch's texts with the bare model too."""

    extractor: Extractor
    plain: spacy.language.Language
    batches: list[Batch] = field(default_factory=list)
    ended: float | None = None

    def extract_safely(self, documents: Sequence[Document]) -> list[Extraction | Exception]:
        entered = time.process_time()
        before = entered - self.ended if self.ended is not None else 0.0
        texts = [d.text for d in documents]
        bare_first = len(self.batches) % 2 == 0
        bare = self._bare(texts) if bare_first else 0.0
        started = time.process_time()
        extracted = Extractor.extract_safely(self.extractor, documents)
        extraction = time.process_time() - started
        if not bare_first:
            bare = self._bare(texts)
        self.batches.append(Batch(len(documents), bare, extraction, before))
        self.ended = time.process_time()
        return extracted

    def _bare(self, texts: list[str]) -> float:
        started = time.process_time()
        list(self.plain.pipe(texts, batch_size=16))
        return time.process_time() - started


def stretches(items: list[tuple[Batch, float]], count: int) -> list[list[tuple[Batch, float]]]:
    size = -(-len(items) // count)
    return [items[i : i + size] for i in range(0, len(items), size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--stretches", type=int, default=8, help="parts of the run reported")
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    print(f"machine: {machine()}; load average at start: {load_average()}")
    started = time.perf_counter()
    extractor = loaded_extractor(
        [make_document("Kabul, Afghanistan. A report.", {}, source="warm-up")]
    )
    load = time.perf_counter() - started
    print(f"one-time load (model, gazetteer, lexicons, geocoder): {load:.1f}s")
    plain = spacy.load(model_name())
    list(plain.pipe(["A warm-up sentence for the bare model."]))
    recorder = Recorder(extractor, plain)
    # The ingest calls `extractor.extract_safely` for each batch: the recorder stands in.
    extractor.extract_safely = recorder.extract_safely  # type: ignore[method-assign]

    with tempfile.TemporaryDirectory(prefix="factions-interleaved-") as tmp:
        root = Path(tmp)
        folder = write_corpus(root, corpus, 0, args.docs)
        began = time.process_time()
        stored = ingested(folder, str(root / "kb.db"), extractor)
        total = time.process_time() - began
    batches = recorder.batches
    bare = sum(b.bare for b in batches)
    extraction = sum(b.extraction for b in batches)
    ingest = total - bare
    rest = ingest - extraction
    print(
        f"{stored} documents stored in {len(batches)} extraction batches; CPU seconds: bare parse "
        f"{bare:.1f}, ingest {ingest:.1f} (extraction {extraction:.1f}, the rest {rest:.1f}); "
        f"load average {load_average()}"
    )
    # What the ingest does between two batches (storing the batches before, reading the next
    # documents) is counted to the batch before; what came before the first batch and after
    # the last, to the last.
    after = [b.before for b in batches[1:]]
    after.append(ingest - extraction - sum(after))
    print("by stretch of the run (documents: extraction, ingest over the bare parse):")
    ingest_ratios, extraction_ratios = [], []
    for part in stretches(list(zip(batches, after, strict=True)), args.stretches):
        part_bare = sum(b.bare for b, _ in part)
        part_extraction = sum(b.extraction for b, _ in part)
        extraction_ratios.append(part_extraction / part_bare)
        ingest_ratios.append((part_extraction + sum(rest for _, rest in part)) / part_bare)
        print(
            f"  {sum(b.documents for b, _ in part):5d}: {extraction_ratios[-1]:.2f}x, "
            f"{ingest_ratios[-1]:.2f}x"
        )
    each = sorted(b.extraction / b.bare for b in batches)
    quartiles = statistics.quantiles(each, n=4) if len(each) > 1 else each * 3
    print(
        "extraction over the bare parse, batch by batch: quartiles "
        + ", ".join(f"{q:.2f}x" for q in quartiles)
    )
    print(
        f"whole run: extraction {extraction / bare:.2f}x (target <= 1.25x), "
        f"ingest end to end {ingest / bare:.2f}x (target <= 1.35x); medians of the stretches "
        f"{statistics.median(extraction_ratios):.2f}x, {statistics.median(ingest_ratios):.2f}x"
    )


if __name__ == "__main__":
    main()
