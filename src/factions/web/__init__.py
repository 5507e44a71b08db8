"""The web layer: the read-only HTTP API (`api.py`) over factions.query, and the web UI."""
