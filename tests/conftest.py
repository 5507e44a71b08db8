"""Shared fixtures: paths to ../shared, and knowledge bases built once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from factions.packaged import data_path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"


def require_shared(path: Path = SHARED) -> Path:
    """The path under ../shared, or a clean skip saying why it is missing."""
    if not path.exists():
        pytest.skip(f"../shared absent: {path} not found (third-party data lives there)")
    return path


def sample_corpus() -> Path:
    return data_path("sample", "corpus")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def sample_kb(tmp_path_factory: pytest.TempPathFactory):
    """The sample corpus ingested once: (engine, report, db path)."""
    from factions.ingest.run import ingest_paths
    from factions.store import open_database

    db = tmp_path_factory.mktemp("sample") / "sample.db"
    engine = open_database(str(db))
    report = ingest_paths([sample_corpus()], engine)
    return engine, report, db


@pytest.fixture(scope="session")
def seeds_kb(tmp_path_factory: pytest.TempPathFactory):
    """The two seed articles ingested once with their metadata: (engine, report, db path)."""
    require_shared(SEEDS)
    from factions.ingest.run import ingest_paths
    from factions.store import open_database

    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    engine = open_database(str(db))
    report = ingest_paths([SEEDS], engine, metadata_file=SEEDS / "metadata.jsonl")
    return engine, report, db
