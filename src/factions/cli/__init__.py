"""The `factions` command. `app.py` holds the core commands; other modules add theirs to it."""

from factions.cli import curation as _curation  # noqa: F401  (registers the analysts' commands)
from factions.cli import queries as _queries  # noqa: F401  (registers the query commands)
from factions.cli.app import app, main

__all__ = ["app", "main"]
