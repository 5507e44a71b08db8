"""The knowledge base: tables, migrations, writes and the resolution overlay."""

from factions.store.db import StoreError, default_db_path, open_database, writing

__all__ = ["StoreError", "default_db_path", "open_database", "writing"]
