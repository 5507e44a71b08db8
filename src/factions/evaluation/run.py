"""Running the evaluations: build what is needed, score it, return the figures."""

from __future__ import annotations

import tempfile
from pathlib import Path

from factions.evaluation.sample import SampleScores, evaluate_sample, format_sample_scores
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.ingest.run import ingest_paths
from factions.packaged import data_path
from factions.store import open_database


def sample_gold_path() -> Path:
    return data_path("sample", "gold", "gold.jsonl")


def evaluate_sample_corpus(db: str | None = None) -> SampleScores:
    """Score `db` against the sample gold; without `db`, build one from the sample corpus."""
    if db is not None:
        with open_database(db, create=False).connect() as conn:
            return evaluate_sample(conn, sample_gold_path())
    with tempfile.TemporaryDirectory(prefix="factions-eval-") as tmp:
        engine = open_database(str(Path(tmp) / "sample.db"))
        report = ingest_paths([data_path("sample", "corpus")], engine)
        if report.failed:
            raise RuntimeError(f"sample corpus failed to ingest: {report.failed[0]}")
        with engine.connect() as conn:
            scores = evaluate_sample(conn, sample_gold_path())
        engine.dispose()
        return scores


def seeds_gold_path() -> Path:
    """Our own reading of the two seed articles (names and facts, no sentences of theirs)."""
    return data_path("gold", "seeds.jsonl")


def evaluate_seeds(shared: Path) -> SampleScores:
    """Build a knowledge base of the seed articles and score it against our seeds gold."""
    seeds = shared / "corpus" / "seeds"
    gold = seeds_gold_path()
    with tempfile.TemporaryDirectory(prefix="factions-eval-") as tmp:
        engine = open_database(str(Path(tmp) / "seeds.db"))
        report = ingest_paths([seeds], engine, metadata_file=seeds / "metadata.jsonl")
        if report.failed:
            raise RuntimeError(f"seeds failed to ingest: {report.failed[0]}")
        with engine.connect() as conn:
            scores = evaluate_sample(conn, gold)
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


@suite("sample", "the built-in sample corpus against its gold", external=False)
def sample_suite(options: SuiteOptions) -> SuiteReport:
    scores = evaluate_sample_corpus(options.db)
    return SuiteReport("sample", format_sample_scores(scores), scores.figures(), scores.misses)


@suite("seeds", "the two seed articles in ../shared against our own reading of them")
def seeds_suite(options: SuiteOptions) -> SuiteReport:
    scores = evaluate_seeds(options.shared)
    title = "Seed articles against our own reading of them"
    return SuiteReport(
        "seeds", format_sample_scores(scores, title), scores.figures(), scores.misses
    )
