"""The registry of evaluation suites: each suite registers itself under a name.

A suite is one function from `SuiteOptions` to a `SuiteReport`: the text a person reads, the
headline figures (flat name -> number, for `--json` and the CI floors) and the miss list. To
add a suite, write a module in this package with a function decorated by `@suite(...)` and
list the module in `SUITE_MODULES`; the CLI lists and runs whatever is registered.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class SuiteOptions:
    # The shared data directory (its `eval/` holds the external gold).
    shared: Path
    # A file of the same format to score instead of the suite's default gold.
    data: Path | None = None
    # Score only the first N gold documents or rows.
    limit: int | None = None
    # An existing knowledge base to score (suites that build one from a corpus).
    db: str | None = None
    # Worker processes for the suites that ingest gold through the pipeline.
    processes: int = 1

    @property
    def eval_dir(self) -> Path:
        return self.shared / "eval"


@dataclass
class SuiteReport:
    name: str
    text: str
    figures: dict[str, float] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)


SuiteRunner = Callable[[SuiteOptions], SuiteReport]


@dataclass(frozen=True)
class Suite:
    name: str
    summary: str
    run: SuiteRunner
    # Whether it reads gold from ../shared/eval (and so is skipped when that is absent).
    external: bool = True
    # Whether `all` includes it (slow suites are run by name).
    in_all: bool = True


SUITES: dict[str, Suite] = {}

# Modules whose import registers their suites, in the order `all` runs them.
SUITE_MODULES = (
    "factions.evaluation.run",
    "factions.evaluation.timex",
    "factions.evaluation.geoparsing",
    "factions.evaluation.wikievents",
    "factions.evaluation.gtd",
    "factions.evaluation.acled",
    "factions.evaluation.muc4",
    "factions.evaluation.mmp",
)


def suite(
    name: str, summary: str, *, external: bool = True, in_all: bool = True
) -> Callable[[SuiteRunner], SuiteRunner]:
    """Register the decorated function as the suite `name`."""

    def register(run: SuiteRunner) -> SuiteRunner:
        SUITES[name] = Suite(name, summary, run, external=external, in_all=in_all)
        return run

    return register


def registered_suites() -> dict[str, Suite]:
    """Every suite, after importing the modules that define them."""
    for module in SUITE_MODULES:
        importlib.import_module(module)
    return SUITES
