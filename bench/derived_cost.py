"""The cost of derived data per batch as the knowledge base grows.

Extracts `--distinct` generated documents once, then fills knowledge bases of each size in
`--sizes` with copies of their records (new document, claim and event ids; the same actors,
places and days, so that the actors' neighbourhoods and the same-event groups grow with the
knowledge base), and times, for one more batch of `--batch` documents: the batch's own
derived update (`resolve.update_derived`, what every ingest batch now does) against the full
recompute it replaced (`resolve.refresh_derived`, once per run before). Each is timed
`--repeats` times inside a transaction rolled back, so the knowledge base keeps its size.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import statistics
import tempfile
import time
from pathlib import Path

from common import machine, varied_corpus

from factions.extract import Extractor
from factions.ingest.documents import make_document
from factions.model import Extraction
from factions.resolve import refresh_derived, resolve_batch, update_derived
from factions.store import open_database, writing
from factions.store.batch import write_batch
from factions.store.writer import StoredDocument

PLACES = frozenset({"location", "region", "country"})


def _in_world(extraction: Extraction, world: int) -> Extraction:
    """The records with their actors and people renamed for `world` (places kept): a
    knowledge base of many worlds has as many actors as a growing real one would."""
    if world == 0:
        return extraction
    kept = {e.id for e in extraction.entities if e.type in PLACES}

    def rename(entity_id: str | None) -> str | None:
        return entity_id if entity_id is None or entity_id in kept else f"{entity_id}~w{world}"

    entities = [
        dataclasses.replace(
            e,
            id=rename(e.id),
            match_key=f"{e.match_key} w{world}" if e.match_key else None,
            context=[rename(i) for i in e.context],
            ties=[rename(i) for i in e.ties],
        )
        for e in extraction.entities
    ]
    claims = [
        dataclasses.replace(
            c,
            subject=rename(c.subject),
            object=rename(c.object),
            attributed_to=rename(c.attributed_to),
        )
        for c in extraction.claims
    ]
    events = [
        dataclasses.replace(
            e,
            participants=[dataclasses.replace(p, entity=rename(p.entity)) for p in e.participants],
            attributed_to=rename(e.attributed_to),
        )
        for e in extraction.events
    ]
    mentions = [dataclasses.replace(m, entity=rename(m.entity)) for m in extraction.mentions]
    return dataclasses.replace(
        extraction, entities=entities, claims=claims, events=events, mentions=mentions
    )


def _copy(extraction: Extraction, number: int, world: int = 0) -> tuple[StoredDocument, Extraction]:
    """The records of a document as if a distinct document (number) had said them, in
    `world`."""
    suffix = f"-{number}"
    extraction = _in_world(extraction, world)
    document = dataclasses.replace(extraction.document, id=extraction.document.id + suffix)

    def evidence(items):  # type: ignore[no-untyped-def]
        return [dataclasses.replace(e, document=document.id) for e in items]

    claims = [
        dataclasses.replace(c, id=c.id + suffix, evidence=evidence(c.evidence))
        for c in extraction.claims
    ]
    events = [
        dataclasses.replace(e, id=e.id + suffix, evidence=evidence(e.evidence))
        for e in extraction.events
    ]
    copied = dataclasses.replace(
        copy.deepcopy(extraction), document=document, claims=claims, events=events
    )
    return StoredDocument(document, None, None, "bench"), copied


def _fill(
    engine, extractions: list[Extraction], first: int, count: int, batch: int, world: int
) -> None:  # type: ignore[no-untyped-def]
    for start in range(first, first + count, batch):
        pairs = [
            _copy(extractions[n % len(extractions)], n, n // world if world else 0)
            for n in range(start, min(start + batch, first + count))
        ]
        with writing(engine) as conn:
            resolved = resolve_batch(conn, pairs)
            renamed = write_batch(conn, resolved)
            update_derived(conn, resolved, renamed)


def _timed(
    engine, extractions: list[Extraction], first: int, batch: int, full: bool, world: int
) -> float:  # type: ignore[no-untyped-def]
    """Seconds the derived data of one more batch takes (rolled back afterwards); the batch
    is of the last world filled."""
    last = (first - 1) // world if world else 0
    pairs = [_copy(extractions[n % len(extractions)], n, last) for n in range(first, first + batch)]
    with engine.connect() as conn, conn.begin() as transaction:
        resolved = resolve_batch(conn, pairs)
        renamed = write_batch(conn, resolved)
        started = time.perf_counter()
        if full:
            refresh_derived(conn)
        else:
            update_derived(conn, resolved, renamed)
        seconds = time.perf_counter() - started
        transaction.rollback()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--distinct", type=int, default=100)
    parser.add_argument("--sizes", default="200,2000")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--world",
        type=int,
        default=0,
        help="documents per world of their own actors (0: one world, every document about "
        "the same few actors, so that every batch's neighbourhood is the whole knowledge base)",
    )
    args = parser.parse_args()
    print(machine())
    extractor = Extractor()
    corpus = varied_corpus(args.distinct)
    extractions = [
        extractor.extract(make_document(text, meta, source=f"bench{n}"))
        for n, (text, meta) in enumerate(corpus)
    ]
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(str(Path(tmp) / "kb.db"))
        stored = 0
        for size in sizes:
            _fill(engine, extractions, stored, size - stored, args.batch, args.world)
            stored = size
            for full in (False, True):
                runs = [
                    _timed(engine, extractions, stored, args.batch, full, args.world)
                    for _ in range(args.repeats)
                ]
                label = "full refresh_derived" if full else "per-batch update_derived"
                print(
                    f"{size:>7,} docs  {label:<25} median {statistics.median(runs) * 1000:8.1f} ms"
                    f"  max {max(runs) * 1000:8.1f} ms"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
