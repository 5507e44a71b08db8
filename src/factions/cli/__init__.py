"""The `factions` command. `app.py` holds the core commands; other modules add theirs to it."""

from factions.cli.app import app, main

__all__ = ["app", "main"]
