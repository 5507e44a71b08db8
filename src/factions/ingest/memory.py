"""Giving freed memory back to the system between the batches of a long ingest.

The parse allocates and frees its arrays through the C allocator with every batch; glibc keeps
what is freed, scattered through its heap, and an ingest of thousands of documents grows its
resident set by that alone (bench/README.md, memory_probe.py). `malloc_trim` hands the free
pages back. Elsewhere than glibc there is nothing to call, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _glibc() -> Any | None:
    """The C library when it is glibc (it alone has malloc_trim), else None."""
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return libc


def release_free_memory() -> bool:
    """Return the C allocator's free pages to the system; False when it cannot (not glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
