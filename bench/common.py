"""Shared helpers for the benchmarks: the corpus to run on, and the machine's description."""

from __future__ import annotations

import os
import platform
import random
import re

from factions.extract import Extractor
from factions.extract.geocode import get_geocoder
from factions.ingest.documents import make_document
from factions.ingest.readers import Article, articles_in_file, collect_files
from factions.ingest.run import documents_from_article
from factions.model import Document
from factions.packaged import data_path

# Names swapped in when the sample corpus is multiplied, so no two generated documents are the
# same text and deduplication does not hide the work.
PLACES = [
    "Kunduz",
    "Takhar",
    "Baghlan",
    "Faryab",
    "Zabul",
    "Helmand",
    "Kandahar",
    "Ghazni",
    "Paktika",
    "Khost",
    "Nangarhar",
    "Kunar",
    "Badakhshan",
    "Balkh",
    "Jowzjan",
    "Herat",
]
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_YEAR = re.compile(r"\b(19[89]\d|20[012]\d)\b")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def sample_texts() -> list[tuple[str, dict]]:
    """The cleaned stories of the sample corpus with their metadata."""
    corpus = data_path("sample", "corpus")
    files, _ = collect_files([corpus])
    stories = []
    for path in files:
        for item in articles_in_file(path, {}):
            if isinstance(item, Article):
                for document in documents_from_article(item):
                    meta = {
                        "title": document.title,
                        "published": document.published,
                        "outlet": document.outlet,
                    }
                    stories.append((document.text, meta))
    return stories


def varied_corpus(n: int, seed: int = 7) -> list[tuple[str, dict]]:
    """`n` documents made from the sample corpus with places, months and years varied."""
    rng = random.Random(seed)
    base = sample_texts()
    out = []
    for i in range(n):
        text, meta = base[i % len(base)]
        place_from = next((p for p in PLACES if p in text), None)
        if place_from:
            text = text.replace(place_from, rng.choice(PLACES))
        text = _MONTH.sub(lambda _: rng.choice(MONTHS), text)
        text = _YEAR.sub(lambda m: str(int(m.group(1)) + rng.randint(-3, 3)), text)
        # A numbered dateline keeps every generated document distinct.
        text = f"Report {i}. {text}"
        out.append((text, dict(meta)))
    return out


def bench_documents(corpus: list[tuple[str, dict]], start: int = 0) -> list[Document]:
    """Documents of generated (text, metadata) pairs, numbered from `start` as "bench#N"."""
    return [
        make_document(text, meta, source=f"bench#{i}")
        for i, (text, meta) in enumerate(corpus, start)
    ]


def loaded_extractor(warm_up: list[Document]) -> Extractor:
    """An extractor with everything loaded that a process loads once: the model, lexicons,
    gazetteer and geocoder (by extracting `warm_up`), and the geocoder's spelling variants,
    built on a story's first unknown name."""
    extractor = Extractor()
    list(extractor.extract_many(warm_up))
    get_geocoder().load_variants()
    return extractor
