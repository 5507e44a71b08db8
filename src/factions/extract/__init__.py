"""Extract: from a document's text to entities, mentions, claims and events (a pure stage)."""

from factions.extract.pipeline import Extractor, extract_from_doc, extractor_version

__all__ = ["Extractor", "extract_from_doc", "extractor_version"]
