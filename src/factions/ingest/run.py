"""The one function that runs the pipeline: read → clean → split → extract → resolve → store.

Read this first. Each stage is its own module; this file only connects them and keeps the
promise that one bad file never stops a batch or loses what was already stored.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from factions.extract import Extractor
from factions.ingest.clean import Removed, split_stories
from factions.ingest.documents import fingerprint, hamming, make_document
from factions.ingest.html import extract_html
from factions.ingest.memory import release_free_memory, set_loaded_objects_aside
from factions.ingest.metadata import merged, normalise_published, read_metadata_file
from factions.ingest.readers import (
    Article,
    Failure,
    IngestWarning,
    articles_in_file,
    collect_files,
    metadata_listings,
)
from factions.model import Document, Extraction
from factions.resolve import (
    derived_is_stale,
    fingerprints,
    refresh_derived,
    resolve_batch,
    store_batch,
)
from factions.store import writing
from factions.store.dialect import refresh_planner_statistics
from factions.store.writer import StoredDocument, stored_document_ids

# Documents stored (with their derived data) per transaction: each batch brings disputes,
# inferred ends, same-event links and people's links up to date for the keys it touches, and
# a corpus about the same actors touches the same keys in every batch. Storing 250 documents
# into a knowledge base of 1,750: 3.0-3.3 s CPU in batches of 64, 1.4-1.8 s of 128, 1.0-1.3 s
# of 256 (bench/README.md). Earlier: 59 s at 16, 48 s at 64 for 600 documents.
BATCH_SIZE = 256
# Documents extracted per task: what a worker process or a Dask worker is given at a time, so
# that two workers share the tail of a run and a batch in flight stays small.
EXTRACTION_BATCH = 64
NEAR_DUPLICATE_BITS = 3
# On PostgreSQL the planner's statistics are refreshed after every this many documents stored
# (store.dialect.refresh_planner_statistics), and at the end of a run that stored as many.
ANALYZE_EVERY = 1000
# Longer texts are extracted in pieces (extract.pipeline); beyond this one document would take
# the best part of an hour, so it is refused with the reason instead.
MAX_DOCUMENT_CHARS = 5_000_000


@dataclass
class IngestReport:
    new: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    near_duplicates: list[tuple[str, str]] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    # What was stored with a change: an encoding repaired, text removed as furniture.
    warnings: list[IngestWarning] = field(default_factory=list)
    files: int = 0
    _warned: set[IngestWarning] = field(default_factory=set, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.failed

    def warn(self, source: str, message: str) -> None:
        """Add a warning unless the same one was given already (a corpus file's encoding is
        the same for each of its articles)."""
        warning = IngestWarning(source, message)
        if warning not in self._warned:
            self._warned.add(warning)
            self.warnings.append(warning)


ProgressCallback = Callable[[str, int], None]


def documents_from_article(article: Article, removed: Removed | None = None) -> list[Document]:
    """One document per story on the page; raises ValueError when nothing is left.

    What furniture cleaning takes out is counted in `removed`."""
    meta = dict(article.meta)
    content = article.content
    if article.is_html:
        page = extract_html(content, url=meta.get("url"), removed=removed)
        page_meta = {
            "title": page.title,
            "author": page.author,
            "outlet": page.outlet,
            "url": page.url,
        }
        if page.published:
            iso, precision = normalise_published(page.published)
            page_meta.update(published=iso, published_precision=precision)
        meta = merged(page_meta, meta)
        content = page.text
    stories = split_stories(content, removed)
    if not stories:
        raise ValueError("no article text left after removing page furniture")
    longest = max(len(story.text) for story in stories)
    if longest > MAX_DOCUMENT_CHARS:
        raise ValueError(
            f"too long to extract ({longest:,} characters after cleaning; the limit is "
            f"{MAX_DOCUMENT_CHARS:,}): split it into several files"
        )
    documents = []
    for part, story in enumerate(stories):
        story_meta = dict(meta)
        if part > 0 or not story_meta.get("title"):
            story_meta["title"] = story.title or story_meta.get("title")
        documents.append(make_document(story.text, story_meta, source=article.source, part=part))
    return documents


class _NearDuplicateIndex:
    """SimHash fingerprints split into four 16-bit bands: a near-duplicate shares one band."""

    def __init__(self, fingerprints: Iterable[tuple[str, str]]) -> None:
        self._bands: dict[tuple[int, str], list[tuple[str, str]]] = {}
        for doc_id, fp in fingerprints:
            self.add(doc_id, fp)

    @staticmethod
    def _keys(fp: str) -> list[tuple[int, str]]:
        return [(band, fp[band * 4 : band * 4 + 4]) for band in range(4)]

    def add(self, doc_id: str, fp: str) -> None:
        for key in self._keys(fp):
            self._bands.setdefault(key, []).append((doc_id, fp))

    def find(self, fp: str) -> str | None:
        for key in self._keys(fp):
            for doc_id, other in self._bands.get(key, []):
                if hamming(fp, other) <= NEAR_DUPLICATE_BITS:
                    return doc_id
        return None


def _pending_documents(
    files: list[Path],
    listing: dict[str, dict],
    report: IngestReport,
    on_progress: ProgressCallback | None,
) -> Iterator[Document]:
    seen: set[str] = set()
    for path in files:
        for item in articles_in_file(path, listing):
            if isinstance(item, Failure):
                report.failed.append(item)
                continue
            for warning in item.warnings:
                report.warn(item.file, warning)
            removed = Removed()
            try:
                documents = documents_from_article(item, removed)
            except ValueError as exc:
                report.failed.append(item.failure(str(exc)))
                continue
            said = removed.describe(None if item.is_html else len(item.content))
            if said:
                report.warn(item.file, f"line {item.line}: {said}" if item.line else said)
            for document in documents:
                if document.id in seen:
                    report.unchanged.append(document.id)
                    continue
                seen.add(document.id)
                yield document
        if on_progress:
            on_progress(str(path), 1)


def _not_stored(
    documents: Iterable[Document], engine: Engine, report: IngestReport, size: int
) -> Iterator[Document]:
    """The documents the knowledge base does not hold yet, asked for `size` at a time: one
    query and one connection per document cost a re-ingest more than its reading."""
    for batch in _batched(documents, size):
        with engine.connect() as conn:
            stored = stored_document_ids(conn, [d.id for d in batch])
        for document in batch:
            if document.id in stored:
                report.unchanged.append(document.id)
            else:
                yield document


def _batched(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    batch: list[Document] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_worker_extractor: Extractor | None = None


def _start_worker(model: str) -> None:
    global _worker_extractor
    _worker_extractor = Extractor(model)


def _extract_in_worker(batch: list[Document]) -> list[Extraction | Exception]:
    assert _worker_extractor is not None
    extracted = _worker_extractor.extract_safely(batch)
    release_free_memory()
    set_loaded_objects_aside()
    return extracted


def _extracted(
    pending: Iterable[Document],
    extractor: Extractor,
    processes: int,
    batch_size: int,
    dask: str | None = None,
) -> Iterator[tuple[Document, Extraction | Exception]]:
    """(document, extraction or error) in input order; with processes > 1 or a Dask cluster
    the parse runs elsewhere, a bounded number of batches ahead, while this process stores."""
    batches = _batched(pending, batch_size)
    if processes <= 1 and dask is None:
        for batch in batches:
            yield from zip(batch, extractor.extract_safely(batch), strict=True)
        return
    with _executor(extractor.model, processes, dask) as (submit, ahead):
        window: deque[tuple[list[Document], Future]] = deque()
        for batch in batches:
            window.append((batch, submit(batch)))
            if len(window) >= ahead():
                done, future = window.popleft()
                yield from zip(done, future.result(), strict=True)
        while window:
            done, future = window.popleft()
            yield from zip(done, future.result(), strict=True)


Submit = Callable[[list[Document]], Future]


def _executor(
    model: str, processes: int, dask: str | None
) -> AbstractContextManager[tuple[Submit, Callable[[], int]]]:
    """(submit a batch, how many batches to keep in flight) on a Dask cluster or in a pool of
    local worker processes; Dask is imported only when asked for."""
    if dask is not None:
        from factions.ingest.distributed import dask_extraction, dask_target

        return dask_extraction(dask_target(dask), model)
    return _local_pool(model, processes)


@contextmanager
def _local_pool(model: str, processes: int) -> Iterator[tuple[Submit, Callable[[], int]]]:
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_start_worker, initargs=(model,)
    ) as pool:
        yield (lambda batch: pool.submit(_extract_in_worker, batch)), lambda: processes * 2


def _store(
    engine: Engine,
    documents: list[tuple[StoredDocument, Extraction]],
    report: IngestReport,
) -> None:
    """Resolve and write a batch, and bring derived data up to date with it, in one writing
    transaction (resolution reads the store as it is then, whoever else is ingesting); if that
    fails, one document at a time, so that one document the store refuses fails alone."""
    if not documents:
        return
    try:
        with writing(engine) as conn:
            batch = resolve_batch(conn, documents)
            store_batch(conn, batch)
    except Exception as exc:
        if len(documents) == 1:
            stored = documents[0][0].document
            reason = f"could not be stored ({type(exc).__name__}: {exc})".splitlines()[0]
            report.failed.append(Failure(stored.source or stored.id, reason))
            return
        for one in documents:
            _store(engine, [one], report)
        return
    skipped = set(batch.skipped)
    report.unchanged.extend(batch.skipped)
    for stored, _ in documents:
        if stored.document.id in skipped:
            continue
        report.new.append(stored.document.id)
        if stored.near_duplicate_of:
            report.near_duplicates.append((stored.document.id, stored.near_duplicate_of))


def _refresh_statistics(engine: Engine) -> None:
    with engine.begin() as conn:
        refresh_planner_statistics(conn)


def ingest_paths(
    paths: list[Path],
    engine: Engine,
    *,
    metadata_file: Path | None = None,
    extractor: Extractor | None = None,
    on_progress: ProgressCallback | None = None,
    on_start: Callable[[int], None] | None = None,
    processes: int = 1,
    batch_size: int = BATCH_SIZE,
    dask: str | None = None,
    analyze_every: int = ANALYZE_EVERY,
) -> IngestReport:
    """Ingest every article under `paths` into the knowledge base behind `engine`; `dask`
    (a scheduler's address, or `local:N`) extracts on a Dask cluster instead of `processes`.
    On PostgreSQL the planner's statistics are refreshed after each `analyze_every` documents
    stored (and at the end of a run that stored as many).

    What is stored is the same whatever the order of the files, the batches, an interruption
    and a second run, or another ingest writing to the same knowledge base at the same time."""
    report = IngestReport()
    listing, failures = metadata_listings(paths)
    report.failed.extend(failures)
    if metadata_file:
        listing.update(read_metadata_file(metadata_file))
    files, failures = collect_files(paths)
    report.failed.extend(failures)
    report.files = len(files)
    if on_start:
        on_start(len(files))
    extractor = extractor or Extractor()
    with engine.connect() as conn:
        near = _NearDuplicateIndex(fingerprints(conn))
    read = _pending_documents(files, listing, report, on_progress)
    pending = _not_stored(read, engine, report, batch_size)
    waiting: list[tuple[StoredDocument, Extraction]] = []
    analyzed = 0  # how many of report.new the last ANALYZE saw
    tasks = min(batch_size, EXTRACTION_BATCH)
    for document, result in _extracted(pending, extractor, processes, tasks, dask):
        if isinstance(result, Exception):
            report.failed.append(Failure(document.source or document.id, str(result)))
            continue
        fp = fingerprint(document.text)
        duplicate_of = near.find(fp)
        near.add(document.id, fp)
        waiting.append((StoredDocument(document, fp, duplicate_of, extractor.version), result))
        if len(waiting) >= batch_size:
            _store(engine, waiting, report)
            waiting = []
            # What the batch's parse and storing freed, handed back: else the resident set
            # grows with every batch of a long ingest (bench/README.md, memory).
            release_free_memory()
            set_loaded_objects_aside()
            if len(report.new) - analyzed >= analyze_every:
                _refresh_statistics(engine)
                analyzed = len(report.new)
    _store(engine, waiting, report)
    if len(report.new) >= analyze_every and len(report.new) > analyzed:
        _refresh_statistics(engine)
    # Each batch brought derived data up to date; only data left behind by something else (a
    # migration, an older factions) is recomputed whole here.
    with engine.connect() as conn:
        stale = derived_is_stale(conn)
    if stale:
        with writing(engine) as conn:
            if derived_is_stale(conn):
                refresh_derived(conn)
    return report
