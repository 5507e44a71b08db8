"""Where an ingest's memory goes: RSS after each chunk of generated documents, under variants.

One process, one `Extractor`, one knowledge base: the generated corpus (bench/common.py) is
handled `--chunk` documents at a time, and after each chunk this prints the resident set now
and at its peak, what glibc's allocator holds in use and free (`mallinfo2`: free memory the
allocator keeps is fragmentation, not data), what SQLite holds (`sqlite3_memory_used`), the
size of spaCy's string store, and the seconds the chunk spent resolving and storing.

`--mode ingest` runs `ingest_paths` (everything); `--mode extract` only `extract_many` (no
store); `--mode store` only resolves and stores, in batches of 64, copies of the records of
`--distinct` documents extracted once (bench/derived_cost.py: new document, claim and event
ids, the same actors), so that the store alone reaches many documents quickly; `--mode bare`
only the bare spaCy model's `nlp.pipe`, to tell the parse's own growth from ours. Variants:
`--trim` calls `malloc_trim(0)` after each stored batch; `--cache-kib N` sets SQLite's page
cache to N KiB per connection; `--shrink` runs `PRAGMA shrink_memory` after each stored batch;
`MALLOC_ARENA_MAX=2` in the environment is the allocator's own variant. Memory figures mean
something on a shared machine; times do not.
    cd bench && PYTHONPATH=../src nice ../.venv/bin/python memory_probe.py --docs 4000 --chunk 500
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import spacy
from common import bench_documents, varied_corpus
from derived_cost import _copy as copied
from scale import write_corpus
from sqlalchemy import event, text

import factions.ingest.run as run
from factions.extract import Extractor
from factions.extract.nlp import model_name
from factions.ingest.documents import make_document
from factions.store import open_database

LIBC = ctypes.CDLL("libc.so.6")
SQLITE = ctypes.CDLL(ctypes.util.find_library("sqlite3") or "libsqlite3.so.0")
SQLITE.sqlite3_memory_used.restype = ctypes.c_int64


class MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


LIBC.mallinfo2.restype = MallInfo2
MB = 1024 * 1024


def rss_mb() -> float:
    """The resident set now (not its peak), from /proc."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / MB


def anonymous_mb() -> float:
    """The resident set's anonymous part (heap, arenas; not mapped files)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def allocator() -> str:
    info = LIBC.mallinfo2()
    return (
        f"malloc in use {(info.uordblks + info.hblkhd) / MB:.0f} MB, "
        f"free kept {info.fordblks / MB:.0f} MB"
    )


def python_heap() -> str:
    """What CPython's own allocator (pymalloc: 1 MiB arenas, mapped apart from malloc's heap)
    holds: its arenas, and the bytes in live blocks among them."""
    with tempfile.TemporaryFile("w+") as out:
        saved = os.dup(2)
        os.dup2(out.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        out.seek(0)
        stats = out.read()
    arenas = re.search(r"# arenas allocated current\s*=\s*([\d,]+)", stats)
    live = re.search(r"# bytes in allocated blocks\s*=\s*([\d,]+)", stats)
    if not arenas or not live:
        return "pymalloc ?"
    return (
        f"pymalloc arenas {int(arenas.group(1).replace(',', ''))} MB, "
        f"live {int(live.group(1).replace(',', '')) / MB:.0f} MB"
    )


class StoreTimer:
    """Wraps the ingest loop's `_store` to time it and to run a variant after each batch."""

    def __init__(self, trim: bool, shrink: bool) -> None:
        self.seconds = 0.0
        self.trim = trim
        self.shrink = shrink
        self._store = run._store
        run._store = self  # type: ignore[assignment]

    def __call__(self, engine, documents, report) -> None:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        self._store(engine, documents, report)
        self.seconds += time.perf_counter() - started
        if self.shrink:
            with engine.connect() as conn:
                conn.execute(text("PRAGMA shrink_memory"))
        if self.trim:
            LIBC.malloc_trim(0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=4000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--mode", choices=("ingest", "extract", "store", "bare"), default="ingest")
    parser.add_argument("--distinct", type=int, default=200, help="--mode store: extracted")
    parser.add_argument(
        "--world",
        type=int,
        default=0,
        help="--mode store: documents per world of their own actors (derived_cost.py); 0: "
        "every document about the same actors, whose neighbourhoods grow with the store",
    )
    parser.add_argument("--trim", action="store_true")
    parser.add_argument("--shrink", action="store_true")
    parser.add_argument("--cache-kib", type=int, default=0)
    args = parser.parse_args()
    corpus = varied_corpus(args.docs)
    variant = [f"mode {args.mode}"]
    variant += [name for name in ("trim", "shrink") if getattr(args, name)]
    if args.world:
        variant.append(f"world {args.world}")
    if args.cache_kib:
        variant.append(f"cache_size -{args.cache_kib}")
    if os.environ.get("MALLOC_ARENA_MAX"):
        variant.append(f"MALLOC_ARENA_MAX={os.environ['MALLOC_ARENA_MAX']}")
    print("variant:", ", ".join(variant))

    if args.mode == "bare":
        nlp = spacy.load(model_name())
        strings = nlp.vocab.strings
    else:
        extractor = Extractor()
        list(extractor.extract_many([make_document("Kabul. A report.", {}, source="warm")]))
        strings = extractor.nlp.vocab.strings
    if args.mode == "store":
        distinct = bench_documents(varied_corpus(args.distinct))
        extractions = list(extractor.extract_many(distinct))
    timer = StoreTimer(args.trim, args.shrink)
    print(
        f"after load: RSS {rss_mb():.0f} MB (anonymous {anonymous_mb():.0f}), {allocator()}, "
        f"{python_heap()}"
    )
    with tempfile.TemporaryDirectory(prefix="factions-memory-") as tmp:
        root = Path(tmp)
        engine = open_database(str(root / "kb.db"))
        if args.cache_kib:

            @event.listens_for(engine, "connect")
            def _small_cache(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
                dbapi_connection.execute(f"PRAGMA cache_size=-{args.cache_kib}")

            engine.dispose()
        for start in range(0, args.docs, args.chunk):
            stop = min(start + args.chunk, args.docs)
            started = time.perf_counter()
            if args.mode in ("bare", "extract"):
                # In batches of the ingest's size, trimmed after each as an ingest would be.
                for first in range(start, stop, run.BATCH_SIZE):
                    last = min(first + run.BATCH_SIZE, stop)
                    if args.mode == "bare":
                        for _ in nlp.pipe((t for t, _ in corpus[first:last]), batch_size=16):
                            pass
                    else:
                        documents = bench_documents(corpus[first:last], first)
                        for _ in extractor.extract_many(documents):
                            pass
                    if args.trim:
                        LIBC.malloc_trim(0)
            elif args.mode == "store":
                for first in range(start, stop, run.BATCH_SIZE):
                    copies = [
                        copied(
                            extractions[n % len(extractions)],
                            n,
                            n // args.world if args.world else 0,
                        )
                        for n in range(first, min(first + run.BATCH_SIZE, stop))
                    ]
                    run._store(engine, copies, run.IngestReport())
            else:
                folder = write_corpus(root, corpus, start, stop)
                report = run.ingest_paths([folder], engine, extractor=extractor)
                if report.failed:
                    raise SystemExit(f"ingest failed: {report.failed[0]}")
            took = time.perf_counter() - started
            print(
                f"{stop:6d} docs: RSS {rss_mb():5.0f} MB (peak {peak_rss_mb():5.0f}, "
                f"anonymous {anonymous_mb():.0f}), "
                f"{allocator()}, {python_heap()}, "
                f"SQLite {SQLITE.sqlite3_memory_used() / MB:.1f} MB, "
                f"strings {len(strings):,}; chunk {took:.0f}s, storing {timer.seconds:.0f}s",
                flush=True,
            )
            timer.seconds = 0.0
        engine.dispose()


if __name__ == "__main__":
    main()
