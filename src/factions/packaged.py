"""The one way to read data that ships inside the package (src/factions/data/).

Lexicons, gazetteers, the vocabulary, furniture patterns, regions, the sample corpus and our own
gold are all read through these functions, so an installed copy finds them as a clone does.
"""

from __future__ import annotations

import json
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any


def data_path(*parts: str) -> Path:
    """The path of a packaged data file or directory: data_path("lexicons", "cues.toml")."""
    return Path(str(resources.files("factions").joinpath("data", *parts)))


def read_toml(*parts: str) -> dict[str, Any]:
    """A packaged TOML file, parsed."""
    with data_path(*parts).open("rb") as handle:
        return tomllib.load(handle)


def read_jsonl(*parts: str) -> list[dict[str, Any]]:
    """The objects of a packaged JSON Lines file, one a line."""
    with data_path(*parts).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
