"""Ingest: read articles from files and corpora, clean them, and run them through the pipeline.

`factions.ingest.run.ingest_paths` is the one function that runs every stage in order.
"""
