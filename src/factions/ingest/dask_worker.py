"""What runs on a Dask worker for `factions ingest --dask`: extraction with one extractor per
worker process, loaded once (the spaCy model, the actor gazetteer, the geocoder), not per task.

The client (`ingest/distributed.py`) imports this module only when it uses Dask; workers
import it when they unpickle the plugin or a task.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from functools import lru_cache

from distributed import Worker, WorkerPlugin

from factions.extract import Extractor
from factions.ingest.memory import release_free_memory, set_loaded_objects_aside
from factions.model import Document, Extraction

# A short report naming an actor, a place and a date, so that warming up loads everything a
# real document needs (the pipeline, the gazetteer, the geocoder, the date grammar).
_WARM_UP_TEXT = "The Taliban attacked a police post in Kunduz province on 3 May 2015."

# One extraction at a time per worker process, the warm-up included: a worker started with
# several threads would otherwise load the model twice at once, and the parse holds the GIL
# anyway, so more threads would only share one core.
_one_at_a_time = threading.Lock()
_loads: Counter[str] = Counter()


@lru_cache(maxsize=2)
def _extractor(model: str) -> Extractor:
    """The worker's extractor for `model`, loaded and warmed on first use; call it only under
    `_one_at_a_time`."""
    extractor = Extractor(model)
    extractor.extract(Document(id="warm-up", text=_WARM_UP_TEXT))
    _loads[model] += 1
    return extractor


def extract_batch(model: str, batch: list[Document]) -> list[Extraction | Exception]:
    """A Dask task: a batch's extractions (or the error of each document that failed), in the
    batch's order."""
    with _one_at_a_time:
        extracted = _extractor(model).extract_safely(batch)
        release_free_memory()
        set_loaded_objects_aside()
        return extracted


def warm_up(model: str) -> None:
    with _one_at_a_time:
        _extractor(model)


def loads() -> dict[str, int]:
    """How often this worker process loaded each model (1 each is the promise)."""
    return dict(_loads)


class ExtractorPlugin(WorkerPlugin):
    """Loads the extractor on every worker as it joins (a worker restarted after a crash
    too), while the first tasks travel, instead of in the first task each worker runs."""

    name = "factions-extractor"

    def __init__(self, model: str) -> None:
        self.model = model

    async def setup(self, worker: Worker) -> None:
        # In a thread: loading takes seconds, and the worker's event loop must keep answering
        # the scheduler's heartbeats meanwhile.
        await asyncio.get_running_loop().run_in_executor(None, warm_up, self.model)
