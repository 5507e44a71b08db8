"""Query latency on a large knowledge base: profile, network as of a date, events.

A knowledge base of --documents documents is generated WITHOUT running spaCy: the sample
corpus is ingested once, then its stored records are cloned with new ids, shifted years and a
pool of actor name variants ("Taliban 17"), so the tables look like those of a long ingest.
Places are shared, as real places are. Then each query runs --runs times; median and p95 are
reported. The target is p95 < 100 ms.

Run:  .venv/bin/python bench/query_latency.py --documents 100000 --db /tmp/big.db
      (reuses --db if it already holds a generated knowledge base; --fresh rebuilds it)
      --db postgresql://user@/dbname?host=/tmp/sock builds into an empty PostgreSQL database
      instead (reused when it already holds documents; --fresh does not apply)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, func, select

from factions.ingest.run import ingest_paths
from factions.packaged import data_path
from factions.query.documents import document_view, latest_documents
from factions.query.events import find_events
from factions.query.network import actor_network
from factions.query.profile import actor_profile
from factions.query.summary import knowledge_base_summary
from factions.query.timeline import actor_timeline
from factions.store import open_database, schema
from factions.store.relation_index import rebuild_relation_index
from factions.store.writer import fill_claim_days, fill_event_days, fill_mention_counts
from factions.web.api import create_app

PLACE_TYPES = {"location", "country", "region"}
# Actor variants: clone k uses variant k % POOL, so each actor name recurs across many
# documents, as a real corpus's actors do, while the number of entities still grows.
POOL = 500
BATCH_DOCUMENTS = 2000


def sample_knowledge_base(directory: Path) -> Path:
    """The sample corpus ingested once (the only step that runs spaCy)."""
    db = directory / "sample.db"
    corpus = data_path("sample", "corpus")
    ingest_paths([corpus], open_database(str(db)))
    return db


def _rows(conn: Connection, table: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(table)).mappings()]


def shift_year(value: str | None, years: int) -> str | None:
    """A partial date moved by whole years (decades stay as they are)."""
    if not value or len(value) < 4 or not value[:4].isdigit():
        return value
    return f"{int(value[:4]) + years:04d}{value[4:]}"


class Cloner:
    """Copies every record of a template knowledge base under new ids."""

    def __init__(self, source: Connection) -> None:
        self.tables = {
            name: _rows(source, getattr(schema, name))
            for name in (
                "documents",
                "entities",
                "aliases",
                "mentions",
                "entity_links",
                "claims",
                "events",
                "event_participants",
                "evidence",
            )
        }
        self.types = {e["id"]: e["type"] for e in self.tables["entities"]}

    def entity(self, entity_id: str | None, k: int) -> str | None:
        variant = k % POOL
        if entity_id is None or variant == 0 or self.types.get(entity_id) in PLACE_TYPES:
            return entity_id
        return f"{entity_id}~{variant}"

    def clone(self, k: int) -> dict[str, list[dict[str, Any]]]:
        t, years, variant = self.tables, (k % 21) - 10, k % POOL
        suffix = f"~{k}"
        out: dict[str, list[dict[str, Any]]] = {name: [] for name in t}
        for d in t["documents"]:
            out["documents"].append(
                d
                | {
                    "id": d["id"] + suffix,
                    "text": f"clone {k} of {d['id']}",
                    "published": shift_year(d["published"], years),
                    "fingerprint": None,
                    "near_duplicate_of": None,
                }
            )
        if variant and k < POOL:
            # The first clone of each variant brings the variant's entities and aliases.
            for e in t["entities"]:
                if e["type"] in PLACE_TYPES:
                    continue
                out["entities"].append(
                    e
                    | {
                        "id": self.entity(e["id"], k),
                        "name": f"{e['name']} {variant}",
                        "match_key": f"{e['match_key']} {variant}",
                        "mentions": 0,
                    }
                )
            for a in t["aliases"]:
                if self.types.get(a["entity_id"]) not in PLACE_TYPES:
                    out["aliases"].append(
                        a
                        | {
                            "entity_id": self.entity(a["entity_id"], k),
                            "alias": f"{a['alias']} {variant}",
                        }
                    )
            for link in t["entity_links"]:
                out["entity_links"].append(
                    link
                    | {
                        "entity_id": self.entity(link["entity_id"], k),
                        "canonical_id": self.entity(link["canonical_id"], k),
                    }
                )
        for m in t["mentions"]:
            out["mentions"].append(
                {key: v for key, v in m.items() if key != "id"}
                | {
                    "document_id": m["document_id"] + suffix,
                    "entity_id": self.entity(m["entity_id"], k),
                }
            )
        for c in t["claims"]:
            out["claims"].append(
                c
                | {
                    "id": c["id"] + suffix,
                    "subject": self.entity(c["subject"], k),
                    "object": self.entity(c["object"], k),
                    "attributed_to": self.entity(c["attributed_to"], k),
                    "valid_from": shift_year(c["valid_from"], years),
                    "valid_to": shift_year(c["valid_to"], years),
                    "document_id": c["document_id"] + suffix,
                    # Recomputed from the shifted dates once everything is in.
                    "day_first": None,
                    "day_last": None,
                    "length_class": None,
                    "sort_day": None,
                }
            )
        for e in t["events"]:
            out["events"].append(
                e
                | {
                    "id": e["id"] + suffix,
                    "date": shift_year(e["date"], years),
                    # Recomputed from the shifted dates once everything is in.
                    "day_first": None,
                    "length_class": None,
                    "day_last": None,
                    "attributed_to": self.entity(e["attributed_to"], k),
                    "document_id": e["document_id"] + suffix,
                }
            )
        for p in t["event_participants"]:
            out["event_participants"].append(
                {
                    "event_id": p["event_id"] + suffix,
                    "entity_id": self.entity(p["entity_id"], k),
                    "role": p["role"],
                }
            )
        for ev in t["evidence"]:
            out["evidence"].append(
                {key: v for key, v in ev.items() if key != "id"}
                | {"owner_id": ev["owner_id"] + suffix, "document_id": ev["document_id"] + suffix}
            )
        return out


INSERT_ORDER = (
    "documents",
    "entities",
    "aliases",
    "entity_links",
    "mentions",
    "claims",
    "events",
    "event_participants",
    "evidence",
)


def generate(db: str, documents: int, template: Path) -> dict[str, int]:
    """Fill `db` with clones of the template until it holds `documents` documents."""
    engine = open_database(db)
    with open_database(str(template)).connect() as source:
        cloner = Cloner(source)
    per_clone = len(cloner.tables["documents"])
    clones = -(-documents // per_clone)
    started = time.perf_counter()
    with engine.begin() as conn:
        for name in INSERT_ORDER:
            rows = cloner.tables[name]
            if name in {"mentions", "evidence"}:
                rows = [{k: v for k, v in r.items() if k != "id"} for r in rows]
            if rows:
                conn.execute(getattr(schema, name).insert(), rows)
    for first in range(1, clones, BATCH_DOCUMENTS // per_clone):
        batch: dict[str, list[dict[str, Any]]] = {name: [] for name in INSERT_ORDER}
        for k in range(first, min(first + BATCH_DOCUMENTS // per_clone, clones)):
            for name, rows in cloner.clone(k).items():
                batch[name].extend(rows)
        with engine.begin() as conn:
            for name in INSERT_ORDER:
                if batch[name]:
                    conn.execute(getattr(schema, name).insert(), batch[name])
        print(
            f"  {min(first + BATCH_DOCUMENTS // per_clone, clones) * per_clone} documents "
            f"({time.perf_counter() - started:.0f}s)",
            file=sys.stderr,
        )
    with engine.begin() as conn:
        # The clones bypassed the writer: derive what it would have kept, as migrations 4, 6
        # and 7 do.
        fill_event_days(conn)
        fill_claim_days(conn)
        fill_mention_counts(conn)
        rebuild_relation_index(conn)
    if engine.dialect.name == "postgresql":
        # Its planner needs statistics of the tables just filled (autovacuum would take them
        # later).
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    print(f"  derived data rebuilt ({time.perf_counter() - started:.0f}s)", file=sys.stderr)
    with engine.connect() as conn:
        return {
            name: int(
                conn.execute(select(func.count()).select_from(getattr(schema, name))).scalar_one()
            )
            for name in INSERT_ORDER
        }


def timed(conn: Any, query: Callable[[Any], Any], runs: int) -> dict[str, float]:
    query(conn)  # warm the page cache once
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        query(conn)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[min(len(times) - 1, int(len(times) * 0.95))], 1),
    }


# The network as the API and the web UI ask for it: the 250 heaviest edges and the count of all.
EDGES = 250

QUERIES: dict[str, Callable[[Connection], Any]] = {
    "profile Taliban": lambda c: actor_profile(c, "Taliban"),
    "profile IMU (acronym)": lambda c: actor_profile(c, "IMU"),
    "network as of 2015-11, ally_of+fights": lambda c: actor_network(
        c, as_of="2015-11", predicates="ally_of,fights", limit=EDGES
    ),
    "network as of 2011-06, all relations": lambda c: actor_network(
        c, as_of="2011-06", limit=EDGES
    ),
    "network as of 2011 (a year), all relations": lambda c: actor_network(
        c, as_of="2011", limit=EDGES
    ),
    "network as of 2014-05-20 (a day), all relations": lambda c: actor_network(
        c, as_of="2014-05-20", limit=EDGES
    ),
    "network as of 2011-06, reported or surer": lambda c: actor_network(
        c, as_of="2011-06", min_certainty="reported", limit=EDGES
    ),
    "network 2009 to 2012 (an interval), all relations": lambda c: actor_network(
        c, date_from="2009", date_to="2012", limit=EDGES
    ),
    "network over all time": lambda c: actor_network(c, limit=EDGES),
    "events in Afghanistan 2011-2012 (page of 50)": lambda c: find_events(
        c, place="Afghanistan", date_from="2011", date_to="2012"
    ),
    "events of the Taliban (page of 50)": lambda c: find_events(c, actor="Taliban"),
    "events of the Taliban since 2011 (page of 50)": lambda c: find_events(
        c, actor="Taliban", date_from="2011"
    ),
    "events: suicide bombs, asserted (page of 50)": lambda c: find_events(
        c, event_type="Suicide bomb", min_certainty="asserted"
    ),
    "events in March 2015 (page of 50)": lambda c: find_events(
        c, date_from="2015-03", date_to="2015-03"
    ),
    "events, no filter (page of 50)": lambda c: find_events(c),
    "timeline of the Taliban (page of 50)": lambda c: actor_timeline(c, "Taliban", limit=50),
    "timeline of Afghanistan (page of 50)": lambda c: actor_timeline(
        c, place="Afghanistan", limit=50
    ),
    "timeline of Afghanistan 2011-2012 (page of 50)": lambda c: actor_timeline(
        c, place="Afghanistan", date_from="2011", date_to="2012", limit=50
    ),
    "timeline of everything (page of 50)": lambda c: actor_timeline(c, limit=50),
    "timeline of everything in 2011-06 (page of 50)": lambda c: actor_timeline(
        c, date_from="2011-06", date_to="2011-06", limit=50
    ),
    "document reader (newest document)": lambda c: document_view(
        c, latest_documents(c, 1)[0]["id"]
    ),
    "overview counts and top actors": lambda c: knowledge_base_summary(c, top=10),
}


HTTP_REQUESTS = {
    "GET / (overview page)": "/",
    "GET /api/network?as_of=2011-06 (the network page)": "/api/network?as_of=2011-06",
    "GET /api/events?limit=500 (the map page)": "/api/events?limit=500",
    "GET /api/events?newest_first=true": "/api/events?newest_first=true&limit=20",
}


def _get(client: TestClient, path: str) -> None:
    response = client.get(path)
    response.raise_for_status()


def _needs_building(db: str, fresh: bool) -> bool:
    """Whether `db` must be generated: an SQLite file that is not there (or --fresh), a
    server database that holds no documents yet."""
    if "://" not in db:
        return fresh or not Path(db).exists()
    engine = open_database(db)
    with engine.connect() as conn:
        empty = conn.execute(select(schema.documents.c.id).limit(1)).first() is None
    engine.dispose()
    return empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", default=None, help="Where to build (default: a temp dir).")
    parser.add_argument("--fresh", action="store_true", help="Rebuild --db even if it exists.")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="factions-latency-"))
    db = args.db or str(workdir / "big.db")
    if _needs_building(db, args.fresh):
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
        print("ingesting the sample corpus as the template ...", file=sys.stderr)
        template = sample_knowledge_base(workdir)
        print(f"generating {args.documents} documents into {db} ...", file=sys.stderr)
        started = time.perf_counter()
        counts = generate(db, args.documents, template)
        print(f"generated in {time.perf_counter() - started:.0f}s: {counts}", file=sys.stderr)
    engine = open_database(db, create=False)
    results = {}
    with engine.connect() as conn:
        counts = {
            name: int(
                conn.execute(select(func.count()).select_from(getattr(schema, name))).scalar_one()
            )
            for name in ("documents", "entities", "claims", "events", "evidence", "mentions")
        }
        for name, query in QUERIES.items():
            results[name] = timed(conn, query, args.runs)
            print(
                f"{name:52} median {results[name]['median_ms']:7.1f} ms   "
                f"p95 {results[name]['p95_ms']:7.1f} ms",
                file=sys.stderr,
            )
    # What the web UI asks for, through HTTP (the JSON it sends included).
    client = TestClient(create_app(db), base_url="http://localhost")
    for name, path in HTTP_REQUESTS.items():
        results[name] = timed(client, lambda c, path=path: _get(c, path), max(args.runs // 5, 5))
        print(
            f"{name:52} median {results[name]['median_ms']:7.1f} ms   "
            f"p95 {results[name]['p95_ms']:7.1f} ms",
            file=sys.stderr,
        )
    print(json.dumps({"rows": counts, "runs": args.runs, "latency": results}, indent=2))


if __name__ == "__main__":
    main()
