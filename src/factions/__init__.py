"""factions: an evidence-backed, time-aware knowledge base of armed actors, built from news."""

__version__ = "0.1.0"
