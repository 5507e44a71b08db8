"""A long ingest hands the memory each batch freed back to the system (bench/README.md)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import platform
from collections.abc import Callable
from pathlib import Path

import pytest

import factions
from factions.ingest import memory, run
from factions.store import open_database
from tests.test_pipeline import three_short_reports


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's alone")
def test_free_memory_is_released_through_glibc() -> None:
    assert memory.release_free_memory() is True


def test_without_glibc_nothing_is_released(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.release_free_memory() is False


def _ingest_three_noting_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, note: Callable[[list], object]
) -> run.IngestReport:
    """Three short reports ingested in batches of 2, `note` called with each batch once it
    is stored."""
    corpus = three_short_reports(tmp_path)
    store = run._store

    def noting(engine, documents, report) -> None:  # type: ignore[no-untyped-def]
        store(engine, documents, report)
        note(documents)

    monkeypatch.setattr(run, "_store", noting)
    engine = open_database(str(tmp_path / "kb.db"))
    try:
        return run.ingest_paths([corpus], engine, batch_size=2)
    finally:
        engine.dispose()


def test_ingest_releases_memory_after_each_stored_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    released: list[int] = []
    monkeypatch.setattr(run, "release_free_memory", lambda: released.append(1) or True)
    report = _ingest_three_noting_stores(tmp_path, monkeypatch, lambda _: released.append(0))
    assert len(report.new) == 3
    # Two batches stored in the loop, each followed by a release; the last, short one is
    # stored after it.
    assert released == [0, 1, 0]


def _cached_functions() -> list[tuple[str, object]]:
    """Every function of the package's modules cached with functools (lru_cache, cache)."""
    found = []
    for info in pkgutil.walk_packages(factions.__path__, "factions."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                callable(value)
                and hasattr(value, "cache_parameters")
                and getattr(value, "__module__", None) == info.name
            ):
                found.append((f"{info.name}.{name}", value))
    return found


def test_every_cache_keyed_by_arguments_has_a_bound() -> None:
    # A cache keyed by what documents say (a surface string, a date) without a bound grows with
    # every document of a long ingest; one of a function without arguments holds one value.
    cached = _cached_functions()
    assert cached, "no cached function found: the walk is broken"
    unbounded = [
        name
        for name, function in cached
        if function.cache_parameters()["maxsize"] is None  # type: ignore[attr-defined]
        and inspect.signature(function).parameters
    ]
    assert unbounded == []


def test_what_was_loaded_is_set_aside_from_collection_once(monkeypatch: pytest.MonkeyPatch) -> None:
    frozen: list[int] = []
    monkeypatch.setattr(memory, "_loaded_set_aside", False)
    monkeypatch.setattr(memory.gc, "freeze", lambda: frozen.append(1))
    assert memory.set_loaded_objects_aside() is True
    assert memory.set_loaded_objects_aside() is False
    assert frozen == [1]


def test_ingest_sets_loaded_objects_aside_after_its_first_stored_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(run, "set_loaded_objects_aside", lambda: calls.append("aside") or True)
    _ingest_three_noting_stores(tmp_path, monkeypatch, lambda _: calls.append("stored"))
    assert calls[:2] == ["stored", "aside"]


def test_documents_are_extracted_in_small_tasks_and_stored_in_larger_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Storing a batch costs per key it touches, so batches are large; extraction tasks stay
    # small so that workers share a run's tail.
    extracted: list[int] = []
    stored: list[int] = []
    extract_safely = run.Extractor.extract_safely

    def extract(self, documents):  # type: ignore[no-untyped-def]
        extracted.append(len(documents))
        return extract_safely(self, documents)

    monkeypatch.setattr(run.Extractor, "extract_safely", extract)
    monkeypatch.setattr(run, "EXTRACTION_BATCH", 1)
    report = _ingest_three_noting_stores(
        tmp_path, monkeypatch, lambda documents: documents and stored.append(len(documents))
    )
    assert len(report.new) == 3
    assert extracted == [1, 1, 1]
    assert stored == [2, 1]
    assert run.BATCH_SIZE > run.EXTRACTION_BATCH
