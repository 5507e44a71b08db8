"""SQLite and PostgreSQL hold the same knowledge base: the sample corpus ingested into each
exports the same rows in the same order, and scores the same against its gold."""

from __future__ import annotations

import io

import pytest

from factions.evaluation.run import sample_gold_path
from factions.evaluation.sample import evaluate_sample
from factions.export.jsonl import write_jsonl
from tests.conftest import sample_kb_on


def test_both_back_ends_hold_the_same_knowledge_base(
    sample_kb,  # type: ignore[no-untyped-def]
    postgres_server,  # type: ignore[no-untyped-def]
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> None:
    on_sqlite = sample_kb[0]
    on_postgresql = sample_kb_on("postgresql", tmp_path_factory, request)[0]
    exports, scores = [], []
    for engine in (on_sqlite, on_postgresql):
        out = io.StringIO()
        with engine.connect() as conn:
            write_jsonl(conn, out)
            scores.append(evaluate_sample(conn, sample_gold_path()))
        exports.append(out.getvalue().splitlines())
    assert len(exports[0]) > 100
    assert exports[1] == exports[0]
    assert scores[1] == scores[0]
