"""The import contracts in pyproject.toml hold: stages point one way, extraction never touches
the database, exports and evaluations read through query, queries only read, spaCy stays in
extraction."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXPECTED = {
    "Stages point one way",
    "Extraction is a pure function: it never touches the database",
    "Exports and evaluations read the knowledge base through query",
    "Queries only read",
    "spaCy is imported only by extraction",
}


def test_the_contracts_are_declared() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    names = {c["name"] for c in config["tool"]["importlinter"]["contracts"]}
    assert names >= EXPECTED


def test_every_import_contract_is_kept() -> None:
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if linter is None:
        pytest.skip("lint-imports is not installed beside this Python (pip install .[test])")
    result = subprocess.run(
        [linter, "--no-cache"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for name in EXPECTED:
        assert f"{name} KEPT" in result.stdout
