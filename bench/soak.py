"""Soak: API reads while two ingests write into the same knowledge base.

  1. a fresh knowledge base holding the sample corpus, so that there is something to read;
  2. `factions serve` on it, in its own process (read-only, uvicorn, a free port);
  3. two `factions ingest` processes, each on its own generated corpus of --docs documents
     (bench/common.py), started at the same moment;
  4. meanwhile --readers threads read the API and the pages' JSON twins in a loop, each request
     from a fixed list in turn, until both ingests have finished (bounded by --seconds);
  5. the figures: errors (an answer of 400 or more, or none: must be 0), ingest failures (must
     be 0), latency median, p95 and max over all requests and p95 per request, and the
     documents in the knowledge base at the end (must be the seed plus both corpora).

Run:  .venv/bin/python bench/soak.py --docs 200 --readers 2 --seconds 900
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import machine, varied_corpus

from factions.packaged import data_path

# What the web UI and a script ask for, on a knowledge base that keeps growing.
REQUESTS = [
    "/api/stats",
    "/api/actors?q=taliban",
    "/api/actors/IMU",
    "/api/network?as_of=2011-06",
    "/api/network",
    "/api/events?limit=50",
    "/api/events?place=Afghanistan&limit=50",
    "/api/events?limit=50&newest_first=true",
    "/api/timeline?actor=IMU&limit=50",
    "/api/disputes",
    "/api/search?q=pledged%20allegiance",
    "/api/sources",
    "/?format=json",
    "/network?format=json&as_of=2011",
    "/map?format=json",
]
FACTIONS = [sys.executable, "-c", "from factions.cli import main; main()"]
_SUMMARY = re.compile(r"(\d+) new, (\d+) unchanged, (\d+) near-duplicate, (\d+) failed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_corpus(folder: Path, docs: int, seed: int, label: str) -> Path:
    folder.mkdir(parents=True)
    with (folder / "metadata.jsonl").open("w", encoding="utf-8") as listing:
        for i, (text, meta) in enumerate(varied_corpus(docs, seed=seed)):
            name = f"{label}{i:05d}.txt"
            # Each corpus has its own datelines: no document is in both.
            (folder / name).write_text(f"{label} {text}", encoding="utf-8")
            listing.write(json.dumps({"file": name, **meta}) + "\n")
    return folder


def wait_for_server(port: int, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server stopped before answering (see serve.log)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


class Reader(threading.Thread):
    """Reads the requests in turn over one keep-alive connection, timing each."""

    def __init__(self, port: int, offset: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.offset, self.stop = port, offset, stop
        self.timings: dict[str, list[float]] = {path: [] for path in REQUESTS}
        self.errors: list[str] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        i = self.offset
        while not self.stop.is_set():
            path = REQUESTS[i % len(REQUESTS)]
            i += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": "localhost"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(f"{path}: {type(exc).__name__}: {exc}")
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                continue
            self.timings[path].append(time.perf_counter() - started)
            if response.status >= 400:
                self.errors.append(f"{path}: HTTP {response.status} {body[:200]!r}")
        connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=200, help="documents per ingest")
    parser.add_argument("--readers", type=int, default=2, help="threads reading the API")
    parser.add_argument("--seconds", type=float, default=900, help="at most this long")
    parser.add_argument("--json", action="store_true", help="figures as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="factions-soak-") as tmp:
        work = Path(tmp)
        db = work / "kb.db"
        env = {**os.environ, "FACTIONS_DB": str(db)}
        env.pop("FACTIONS_TOKEN", None)
        seed = subprocess.run(
            [*FACTIONS, "ingest", str(data_path("sample", "corpus"))],
            env=env,
            capture_output=True,
            text=True,
        )
        if seed.returncode:
            raise SystemExit(f"seeding failed: {seed.stderr}")
        with sqlite3.connect(db) as conn:
            seeded = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        corpora = [
            write_corpus(work / "a", args.docs, seed=11, label="Alpha"),
            write_corpus(work / "b", args.docs, seed=23, label="Bravo"),
        ]
        port = free_port()
        log = (work / "serve.log").open("w")
        server = subprocess.Popen(
            [*FACTIONS, "serve", "--port", str(port)], env=env, stdout=log, stderr=log
        )
        try:
            wait_for_server(port, server)
            stop = threading.Event()
            readers = [Reader(port, n * 7, stop) for n in range(args.readers)]
            started = time.perf_counter()
            ingests = [
                subprocess.Popen(
                    [*FACTIONS, "ingest", str(folder)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                for folder in corpora
            ]
            for reader in readers:
                reader.start()
            deadline = started + args.seconds
            while any(p.poll() is None for p in ingests) and time.perf_counter() < deadline:
                time.sleep(0.5)
            stop.set()
            for reader in readers:
                reader.join()
            elapsed = time.perf_counter() - started
            outcomes = []
            for process in ingests:
                if process.poll() is None:
                    process.terminate()
                out, err = process.communicate()
                found = _SUMMARY.search(out)
                outcomes.append(
                    {
                        "exit": process.returncode,
                        "new": int(found.group(1)) if found else None,
                        "failed": int(found.group(4)) if found else None,
                        "errors": [line for line in err.splitlines() if line.startswith("error")],
                    }
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        with sqlite3.connect(db) as conn:
            documents = conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    timings = {path: [t for r in readers for t in r.timings[path]] for path in REQUESTS}
    every = [t for values in timings.values() for t in values]
    errors = [e for r in readers for e in r.errors]
    figures = {
        "machine": machine(),
        "docs_per_ingest": args.docs,
        "readers": args.readers,
        "seconds": round(elapsed, 1),
        "requests": len(every) + len(errors),
        "errors": len(errors),
        "first_errors": errors[:5],
        "median_ms": round(1000 * statistics.median(every), 1) if every else None,
        "p95_ms": round(1000 * percentile(every, 0.95), 1),
        "max_ms": round(1000 * max(every), 1) if every else None,
        "p95_ms_by_request": {
            path: round(1000 * percentile(values, 0.95), 1) for path, values in timings.items()
        },
        "ingests": outcomes,
        "documents": {"seeded": seeded, "at_end": documents, "expected": seeded + 2 * args.docs},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"machine: {figures['machine']}")
        print(
            f"{figures['requests']} requests by {args.readers} readers in {figures['seconds']} s "
            f"while two ingests of {args.docs} documents ran"
        )
        print(
            f"errors: {figures['errors']}   latency median {figures['median_ms']} ms, "
            f"p95 {figures['p95_ms']} ms, max {figures['max_ms']} ms"
        )
        for path, p95 in figures["p95_ms_by_request"].items():
            print(f"  p95 {p95:8.1f} ms  {path}")
        for n, outcome in enumerate(outcomes):
            print(f"ingest {n + 1}: {outcome}")
        print(f"documents: {figures['documents']}")
        for error in errors[:5]:
            print(f"error: {error}")
    ok = (
        not errors
        and all(o["exit"] == 0 and o["failed"] == 0 for o in outcomes)
        and documents == seeded + 2 * args.docs
    )
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
