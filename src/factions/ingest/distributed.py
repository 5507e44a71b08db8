"""Extraction on a Dask cluster, for `factions ingest --dask ADDRESS` (or `--dask local:N`).

Only extraction leaves this process: each batch of documents goes to a worker as one task, a
bounded number of batches ahead, and `ingest.run` stores the results in input order as they
return, exactly as after a local parse, so the knowledge base is the one a local ingest makes.
The scheduler keeps each task's batch until its result is read, so when a worker dies its
tasks run again on another worker: nothing is lost, and nothing is stored twice because only
this process stores. Dask is imported here only when it is used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from factions.model import Document

LOCAL_PREFIX = "local:"
SCHEMES = ("tcp", "tls", "ws", "wss")
CONNECT_SECONDS = 20
_HOST_PORT = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$")


class DaskError(Exception):
    """A `--dask` address that is malformed or does not answer; its message is one line."""


@dataclass(frozen=True)
class DaskTarget:
    """Where extraction runs: a scheduler already running, or a cluster of our own."""

    address: str | None = None
    local_workers: int = 0


def dask_target(text: str) -> DaskTarget:
    """`local:N` (N worker processes on this machine) or a scheduler's address
    (`tcp://HOST:PORT`, `HOST:PORT`); a malformed one raises DaskError saying why."""
    text = text.strip()
    if text.startswith(LOCAL_PREFIX):
        count = text[len(LOCAL_PREFIX) :]
        if not count.isdigit() or int(count) < 1:
            raise DaskError(
                f"--dask {text}: after 'local:' give the number of worker processes (local:2)"
            )
        return DaskTarget(local_workers=int(count))
    scheme, found, rest = text.partition("://")
    if not found:
        scheme, rest = "tcp", text
    if scheme not in SCHEMES:
        raise DaskError(
            f"--dask {text}: unknown protocol '{scheme}' (a scheduler's address is "
            f"tcp://HOST:PORT; local:N starts N workers here)"
        )
    match = _HOST_PORT.match(rest)
    if not match or not 0 < int(match.group(1)) < 65536:
        raise DaskError(
            f"--dask {text}: not a scheduler address (expected tcp://HOST:PORT, e.g. "
            f"tcp://10.0.0.5:8786, or local:N)"
        )
    return DaskTarget(address=f"{scheme}://{rest}")


Submit = Callable[[list[Document]], "Task"]


@contextmanager
def dask_extraction(target: DaskTarget, model: str) -> Iterator[tuple[Submit, Callable[[], int]]]:
    """(submit a batch for extraction, how many batches to keep in flight) on the cluster,
    every worker with the extractor for `model` loaded; the cluster we started is closed
    on leaving."""
    from distributed import Client, LocalCluster

    from factions.ingest.dask_worker import ExtractorPlugin, extract_batch

    with _cluster(target, LocalCluster) as address, _client(Client, address, target) as client:
        try:
            client.register_plugin(ExtractorPlugin(model))
        except Exception as exc:
            raise DaskError(
                f"--dask {_described(target)}: a worker could not load the extractor "
                f"({_one_line(exc)})"
            ) from exc

        def submit(batch: list[Document]) -> Task:
            return Task(client.submit(extract_batch, model, batch, pure=False), target)

        def ahead() -> int:
            # Two batches per worker thread: one running, one waiting, so that no worker
            # idles while this process stores; workers that join later widen the window.
            return max(2, 2 * sum(client.nthreads().values()))

        yield submit, ahead


class Task:
    """A batch on the cluster; its result, or a DaskError when the cluster gave up on it (a
    batch whose workers kept dying, a scheduler gone): what was stored before stays, and
    running the same ingest again resumes."""

    def __init__(self, future: Any, target: DaskTarget) -> None:
        self.future, self.target = future, target

    def result(self) -> Any:
        try:
            return self.future.result()
        except Exception as exc:
            raise DaskError(
                f"--dask {_described(self.target)}: extraction stopped ({_one_line(exc)})"
            ) from exc


@contextmanager
def _cluster(target: DaskTarget, local_cluster: type) -> Iterator[str]:
    if target.address:
        yield target.address
        return
    # One thread per worker process: the parse holds the GIL. No fixed port for the
    # scheduler's HTTP server, so that several runs on one machine do not collide.
    with local_cluster(
        n_workers=target.local_workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
    ) as cluster:
        yield cluster.scheduler_address


@contextmanager
def _client(client_class: type, address: str, target: DaskTarget) -> Iterator[Any]:
    try:
        client = client_class(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise DaskError(
            f"--dask {_described(target)}: no Dask scheduler answered within "
            f"{CONNECT_SECONDS} s ({_one_line(exc)})"
        ) from exc
    try:
        yield client
    finally:
        client.close()


def _described(target: DaskTarget) -> str:
    return target.address or f"{LOCAL_PREFIX}{target.local_workers}"


def _one_line(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0]
