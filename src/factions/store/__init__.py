"""The knowledge base: tables, migrations, writes and the resolution overlay."""

from factions.store.db import default_db_path, open_database, writing

__all__ = ["default_db_path", "open_database", "writing"]
