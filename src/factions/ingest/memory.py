"""Memory between the batches of a long ingest: freed memory given back to the system, and
what was loaded once kept out of the garbage collector's way.

The parse allocates and frees its arrays through the C allocator with every batch; glibc keeps
what is freed, scattered through its heap, and an ingest of thousands of documents grows its
resident set by that alone (bench/README.md, memory_probe.py). `malloc_trim` hands the free
pages back. Elsewhere than glibc there is nothing to call, and nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
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


_loaded_set_aside = False


def set_loaded_objects_aside() -> bool:
    """Once per process, after its first batch: move every object alive then (the model, the
    gazetteers, the geocoder, the lexicons: half a million objects) out of the garbage
    collector's reach, and True; False on later calls. Each full collection walked them all,
    though none of them ever becomes garbage: 0.3 s every few hundred documents
    (bench/README.md). The batch's own garbage is collected first, so that none is kept."""
    global _loaded_set_aside
    if _loaded_set_aside:
        return False
    gc.collect()
    gc.freeze()
    _loaded_set_aside = True
    return True
