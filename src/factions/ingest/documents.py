"""Turning cleaned text and metadata into Documents with content-derived ids."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np

from factions.model import Document

_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalised_text(text: str) -> str:
    """The text as it is hashed: NFC, whitespace collapsed, case folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text)).strip().casefold()


def document_id(text: str) -> str:
    """The same text always gets the same id, whatever its whitespace or source."""
    return "d-" + hashlib.sha256(normalised_text(text).encode("utf-8")).hexdigest()[:24]


def fingerprint(text: str) -> str:
    """A 64-bit SimHash over word trigrams, as 16 hex digits: near-duplicates differ in few bits."""
    words = _WORD.findall(normalised_text(text))
    shingles = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    # Each shingle's 64-bit hash, its bytes reversed so that bit b of the number is bit b of
    # the unpacked row: a bit votes +1 where a hash has it and -1 where it does not.
    digests = b"".join(
        hashlib.blake2b(shingle.encode(), digest_size=8).digest()[::-1] for shingle in shingles
    )
    bits = np.unpackbits(
        np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1, bitorder="little"
    )
    weights = 2 * bits.sum(axis=0, dtype=np.int64) - len(shingles)
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return f"{value:016x}"


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def make_document(text: str, meta: dict, *, source: str, part: int = 0) -> Document:
    return Document(
        id=document_id(text),
        text=text,
        title=meta.get("title"),
        url=meta.get("url"),
        outlet=meta.get("outlet"),
        author=meta.get("author"),
        published=meta.get("published"),
        published_precision=meta.get("published_precision"),
        source=source,
        part=part,
    )
