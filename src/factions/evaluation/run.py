"""Running the evaluations: build what is needed, score it, return the figures."""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from factions.evaluation.sample import SampleScores, evaluate_sample
from factions.ingest.run import ingest_paths
from factions.store import open_database

GEOPARSING_FILES = ("GeoWebNews.xml", "TR-News.xml", "LGL.xml")


def packaged(*parts: str) -> Path:
    return Path(str(resources.files("factions").joinpath("data", *parts)))


def sample_gold_path() -> Path:
    return packaged("sample", "gold", "gold.jsonl")


def evaluate_sample_corpus(db: str | None = None) -> SampleScores:
    """Score `db` against the sample gold; without `db`, build one from the sample corpus."""
    if db is not None:
        with open_database(db, create=False).connect() as conn:
            return evaluate_sample(conn, sample_gold_path())
    with tempfile.TemporaryDirectory(prefix="factions-eval-") as tmp:
        engine = open_database(str(Path(tmp) / "sample.db"))
        report = ingest_paths([packaged("sample", "corpus")], engine)
        if report.failed:
            raise RuntimeError(f"sample corpus failed to ingest: {report.failed[0]}")
        with engine.connect() as conn:
            scores = evaluate_sample(conn, sample_gold_path())
        engine.dispose()
        return scores


def default_shared_dir() -> Path:
    """../shared beside the current directory's repository, if there is one."""
    here = Path.cwd().resolve()
    for parent in (here, *here.parents):
        candidate = parent.parent / "shared"
        if (parent / "pyproject.toml").exists() and candidate.exists():
            return candidate
    return here.parent / "shared"
