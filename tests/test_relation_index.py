"""The relation index behind "the network as of a date": periods of days, constant spans of
each edge, and answers equal to counting claim by claim."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, func, inspect, select, text

from factions.model import CERTAINTY_GRADES, ClaimRecord, Document, EntityRecord, Evidence
from factions.partial_date import (
    OPEN_END,
    OPEN_START,
    day_span,
    length_class,
    query_days,
    validity_days,
    within,
)
from factions.query.common import grades_at_least
from factions.query.network import actor_network, parse_predicates
from factions.resolve import canonical_map
from factions.store import open_database, relation_index, schema, writer
from factions.store.db import SCHEMA_VERSION, database_url, schema_version
from factions.store.linker import Linker
from factions.vocabulary import vocabulary


def _day(value: str) -> int:
    return dt.date.fromisoformat(value).toordinal()


def test_partial_dates_are_periods_of_days() -> None:
    assert day_span("2011-06-15") == (_day("2011-06-15"), _day("2011-06-15"))
    assert day_span("2012-02") == (_day("2012-02-01"), _day("2012-02-29"))
    assert day_span("2011") == (_day("2011-01-01"), _day("2011-12-31"))
    assert day_span("201") == (_day("2010-01-01"), _day("2019-12-31"))
    assert day_span("2017-W04") == (_day("2017-01-23"), _day("2017-01-29"))
    assert day_span("2011-02-30") is None and day_span("soon") is None and day_span(None) is None


def test_a_claim_holds_from_its_start_to_its_end_or_on_its_report_date() -> None:
    assert validity_days("2014", None, "2016-03-01") == (_day("2014-01-01"), OPEN_END)
    assert validity_days(None, "2015-11", "2016-03-01") == (OPEN_START, _day("2015-11-30"))
    assert validity_days(None, None, "2016-03") == (_day("2016-03-01"), _day("2016-03-31"))
    assert validity_days(None, None, None) == (OPEN_START, OPEN_END)


def test_length_classes_grow_with_the_period() -> None:
    assert length_class(10, 10) == 0
    assert length_class(10, 40) == 1
    assert length_class(*day_span("2011")) == 2  # type: ignore[misc]
    assert length_class(*day_span("201")) == 4  # type: ignore[misc]
    assert length_class(0, OPEN_END) == 5


def test_constant_spans_cut_where_claims_start_or_end() -> None:
    spans = relation_index.constant_spans([(1, 10, 1), (5, 15, 2), (30, 30, 1)])
    assert [(s.first, s.last, s.claims, s.weight) for s in spans] == [
        (1, 4, 1, 1),
        (5, 10, 2, 3),
        (11, 15, 1, 2),
        (30, 30, 1, 1),
    ]
    assert [(s.new_claims, s.new_weight) for s in spans] == [(1, 1), (1, 2), (0, 0), (1, 1)]
    assert relation_index.constant_spans([]) == []


def _expected(conn: Connection, lower: str | None, upper: str | None, predicates, grades):  # type: ignore[no-untyped-def]
    """The network counted claim by claim, the slow way the index must agree with."""
    canonical = canonical_map(conn)
    ended = relation_index.inferred_end_days(conn)
    evidence = dict(
        conn.execute(
            select(schema.evidence.c.owner_id, func.count())
            .where(schema.evidence.c.owner_kind == "claim")
            .group_by(schema.evidence.c.owner_id)
        ).all()
    )
    rows = conn.execute(
        select(schema.claims, schema.documents.c.published).join(
            schema.documents, schema.documents.c.id == schema.claims.c.document_id
        )
    ).mappings()
    edges: dict[tuple[str, str, str], dict] = defaultdict(
        lambda: {"weight": 0, "claims": set(), "certainty": CERTAINTY_GRADES[-1]}
    )
    for r in rows:
        if r["object"] is None or not r["polarity"]:
            continue
        if predicates and r["predicate"] not in predicates:
            continue
        if grades and r["certainty"] not in grades:
            continue
        start, end = r["valid_from"], r["valid_to"]
        if start is None and end is None:
            start = end = r["published"]
        if not within(start, end, lower, upper):
            continue
        # Later contrary evidence ends a claim (resolve/changes.py): not after its last day.
        days = validity_days(r["valid_from"], r["valid_to"], r["published"])
        if r["id"] in ended and days and max(ended[r["id"]], days[0]) < query_days(lower, upper)[0]:
            continue
        subject = canonical.get(r["subject"], r["subject"])
        obj = canonical.get(r["object"], r["object"])
        if subject == obj:
            continue
        # A symmetric relation is one edge per pair.
        if r["predicate"] in vocabulary().symmetric and obj < subject:
            subject, obj = obj, subject
        edge = edges[(subject, r["predicate"], obj)]
        edge["weight"] += max(evidence.get(r["id"], 0), 1)
        edge["claims"].add(r["id"])
        edge["certainty"] = min(edge["certainty"], r["certainty"], key=CERTAINTY_GRADES.index)
    return dict(edges)


def _answer(network) -> dict:  # type: ignore[no-untyped-def]
    return {
        (e.subject, e.predicate, e.object): {
            "weight": e.weight,
            "claims": set(e.claims),
            "certainty": e.certainty,
        }
        for e in network.edges
    }


QUERIES = [
    {},
    {"as_of": "2001"},
    {"as_of": "2009-12"},
    {"as_of": "2011"},
    {"as_of": "2011-06"},
    {"as_of": "2014-05-20"},
    {"as_of": "2015-11", "predicates": "ally_of,fights"},
    {"as_of": "2017", "min_certainty": "reported"},
    {"date_from": "2009", "date_to": "2012"},
    {"date_from": "2015-01", "date_to": "2015-12", "predicates": "fights"},
    {"date_from": "2013"},
    {"date_to": "2010-06"},
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(map(str, q.values())) or "all")
def test_the_network_equals_counting_claim_by_claim(sample_kb, query: dict) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        network = actor_network(conn, **query)
        lower = query.get("as_of") or query.get("date_from")
        upper = query.get("as_of") or query.get("date_to")
        expected = _expected(
            conn,
            lower,
            upper,
            parse_predicates(query.get("predicates")),
            grades_at_least(query.get("min_certainty")),
        )
    assert _answer(network) == expected
    assert network.total_edges == len(expected)


def _copy(sample_kb, new_kb_db) -> str:  # type: ignore[no-untyped-def]
    """A copy of the sample knowledge base, on its back end."""
    engine, _, db = sample_kb
    # PostgreSQL copies a database nobody is connected to.
    engine.dispose()
    return new_kb_db("copy.db", copy_of=db)


def _reopened_from_version(sample_kb, new_kb_db, version: int, undo: list[str]) -> Engine:  # type: ignore[no-untyped-def]
    """A copy of the sample knowledge base taken back to schema `version` by the `undo`
    statements, then opened again (which migrates it)."""
    old = _copy(sample_kb, new_kb_db)
    raw = create_engine(database_url(old))
    with raw.begin() as conn:
        for statement in undo:
            conn.execute(text(statement))
        conn.execute(
            schema.meta.update()
            .where(schema.meta.c.key == "schema_version")
            .values(value=str(version))
        )
    raw.dispose()
    return open_database(old)


def _index_columns(conn: Connection, table: str) -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(conn).get_indexes(table)}


def _index(conn: Connection) -> tuple[list, list, list]:
    """The relation index as plain rows: stretches and totals by edge names, not by row or
    edge id."""
    spans = sorted(tuple(r) for r in conn.execute(select(schema.relation_spans)))
    edges = schema.edges

    def by_names(table):  # type: ignore[no-untyped-def]
        rows = conn.execute(
            select(
                edges.c.subject,
                edges.c.predicate,
                edges.c.object,
                *(c for c in table.c if c.name not in {"id", "edge"}),
            ).join(edges, edges.c.id == table.c.edge)
        )
        return sorted(tuple(r) for r in rows)

    return spans, by_names(schema.edge_spans), by_names(schema.edge_totals)


def test_the_index_kept_while_ingesting_equals_a_rebuild(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    engine = open_database(_copy(sample_kb, new_kb_db))
    with engine.begin() as conn:
        kept = _index(conn)
        assert kept[0] and kept[1] and kept[2]
        relation_index.rebuild_relation_index(conn)
        assert _index(conn) == kept


def _claim(
    claim_id: str,
    subject: str,
    obj: str,
    valid_from: str | None = None,
    valid_to: str | None = None,
    sentences: int = 1,
) -> ClaimRecord:
    evidence = [
        Evidence("doc-1", f"{subject} fights {obj}.", 20 * n, 20 * n + 10) for n in range(sentences)
    ]
    return ClaimRecord(
        subject=subject,
        predicate="fights",
        object=obj,
        valid_from=valid_from,
        valid_to=valid_to,
        certainty="asserted",
        evidence=evidence,
        id=claim_id,
    )


def _tiny_kb(conn: Connection, claims: list[ClaimRecord], published: str) -> None:
    """A document, three entities and these claims, stored and indexed as an ingest would."""
    writer.insert_document(
        conn,
        Document(id="doc-1", text="x", published=published),
        fingerprint=None,
        near_duplicate_of=None,
        extractor="test",
    )
    writer.upsert_entities(
        conn,
        [
            EntityRecord(id=i, type=t, name=i, match_key=i)
            for i, t in (("per-a", "person"), ("grp-b", "armed_group"), ("per-c", "person"))
        ],
    )
    writer.insert_claims(conn, "doc-1", claims)
    relation_index.add_relation_spans(
        conn,
        [
            span
            for c in claims
            if (
                span := relation_index.relation_span(
                    c.id,
                    c.subject,
                    c.predicate,
                    c.object,
                    certainty=c.certainty,
                    polarity=c.polarity,
                    evidence=len(c.evidence),
                    valid_from=c.valid_from,
                    valid_to=c.valid_to,
                    reported=published,
                    attributed_to=c.attributed_to,
                    document_id="doc-1",
                )
            )
        ],
    )


def test_an_edge_whose_claims_change_within_the_period_counts_each_claim_once(
    kb_db: str,
) -> None:
    engine = open_database(kb_db)
    claims = [
        _claim("c-1", "per-a", "grp-b", "2014-01", "2014-03", sentences=2),
        _claim("c-2", "per-a", "grp-b", "2014-02"),
        _claim("c-3", "per-a", "grp-b", sentences=3),  # undated: holds when reported
    ]
    with engine.begin() as conn:
        _tiny_kb(conn, claims, published="2014-06-10")
        stretches = conn.execute(select(func.count()).select_from(schema.edge_spans)).scalar()
        answers = {
            label: actor_network(conn, **query).edges
            for label, query in {
                "year": {"as_of": "2014"},
                "february": {"as_of": "2014-02"},
                "may": {"as_of": "2014-05"},
                "march-june": {"date_from": "2014-03", "date_to": "2014-06"},
                "june 11": {"as_of": "2014-06-11"},
                "2013": {"as_of": "2013"},
            }.items()
        }
    assert stretches == 5  # January, February-March, April to 9 June, 10 June, from 11 June
    weights = {
        label: [(e.weight, sorted(e.claims)) for e in edges] for label, edges in answers.items()
    }
    assert weights == {
        "year": [(6, ["c-1", "c-2", "c-3"])],
        "february": [(3, ["c-1", "c-2"])],
        "may": [(1, ["c-2"])],
        "march-june": [(6, ["c-1", "c-2", "c-3"])],
        "june 11": [(1, ["c-2"])],
        "2013": [],
    }


def test_linking_an_entity_moves_its_claims_to_the_canonical_edge(kb_db: str) -> None:
    engine = open_database(kb_db)
    claims = [
        _claim("c-1", "per-a", "grp-b", "2014"),
        _claim("c-2", "per-a", "grp-b"),
        _claim("c-3", "per-c", "grp-b", "2015"),
        _claim("c-4", "grp-b", "per-a"),
    ]
    with engine.begin() as conn:
        _tiny_kb(conn, claims, published="2016-03-01")
        before = actor_network(conn, as_of="2016-03")
        assert {(e.subject, e.object) for e in before.edges} == {
            ("per-a", "grp-b"),
            ("per-c", "grp-b"),
            ("grp-b", "per-a"),
        }
        writer.set_links(conn, schema.entity_links, [("per-a", "per-c", 0.9, "test")])
        relation_index.reindex_entities(
            conn, ["per-a"], before=lambda i: i, after=Linker.lazy(conn).canonical
        )
        after = actor_network(conn, as_of="2016-03")
        kept = _index(conn)
        relation_index.rebuild_relation_index(conn)
        assert _index(conn) == kept
    edges = {(e.subject, e.object): e for e in after.edges}
    assert set(edges) == {("per-c", "grp-b"), ("grp-b", "per-c")}
    assert sorted(edges[("per-c", "grp-b")].claims) == ["c-1", "c-2", "c-3"]


def test_a_version_3_database_gets_the_index_on_opening(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        expected = _answer(actor_network(conn, as_of="2011"))
    undo = [f"DROP INDEX {index.name}" for index in schema.EVENT_DATE_INDEXES] + [
        "ALTER TABLE events DROP COLUMN day_first",
        "ALTER TABLE events DROP COLUMN length_class",
        "ALTER TABLE events DROP COLUMN day_last",
        "DROP TABLE edge_spans",
        "DROP TABLE relation_spans",
    ]
    with _reopened_from_version(sample_kb, new_kb_db, 3, undo).connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert _answer(actor_network(conn, as_of="2011")) == expected
        undated = conn.execute(
            select(func.count()).where(schema.events.c.day_first.is_(None))
        ).scalar_one()
        assert undated == 0


def test_mention_counts_kept_while_ingesting_give_the_most_mentioned_actors(sample_kb) -> None:
    from factions.query.common import ACTOR_TYPES
    from factions.query.summary import knowledge_base_summary

    engine, _, _ = sample_kb
    with engine.connect() as conn:
        kept = dict(conn.execute(select(schema.entities.c.id, schema.entities.c.mentions)).all())
        counted = dict(
            conn.execute(
                select(schema.mentions.c.entity_id, func.count()).group_by(
                    schema.mentions.c.entity_id
                )
            ).all()
        )
        canonical = canonical_map(conn)
        types = dict(conn.execute(select(schema.entities.c.id, schema.entities.c.type)).all())
        summary = knowledge_base_summary(conn, top=10)
    assert kept == {i: counted.get(i, 0) for i in kept}
    merged: dict[str, int] = defaultdict(int)
    for entity_id, count in counted.items():
        merged[canonical.get(entity_id, entity_id)] += count
    actors = sorted(
        ((i, n) for i, n in merged.items() if types[i] in ACTOR_TYPES), key=lambda r: -r[1]
    )
    assert [row[3] for row in summary.top_actors] == [n for _, n in actors[:10]]
    assert {i for i, *_ in summary.top_actors} <= {i for i, n in actors if n >= actors[9][1]}


@pytest.mark.parametrize("seed", range(25))
def test_adding_claims_one_by_one_gives_the_stretches_of_all_at_once(seed: int) -> None:
    import random

    rng = random.Random(seed)
    periods = []
    for _ in range(rng.randint(1, 12)):
        first = rng.randint(0, 60)
        periods.append((first, first + rng.choice([0, 0, 1, 5, 20, 80]), rng.randint(1, 3)))
    stretches: list[relation_index.Stretch] = []
    for first, last, weight in periods:
        met = [s for s in stretches if s.first <= last and s.last >= first]
        kept = [s for s in stretches if s not in met]
        stretches = sorted(
            kept + relation_index.add_period(met, first, last, weight), key=lambda s: s.first
        )
    assert stretches == relation_index.constant_spans(periods)


@pytest.mark.parametrize("query", [{"as_of": "2011"}, {}], ids=["dated", "all time"])
def test_the_heaviest_edges_are_the_head_of_the_whole_network(sample_kb, query: dict) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        whole = actor_network(conn, **query)
        head = actor_network(conn, limit=3, **query)
        none = actor_network(conn, limit=0, **query)
    assert len(whole.edges) > 3
    assert [e.weight for e in whole.edges] == sorted((e.weight for e in whole.edges), reverse=True)
    assert _answer(head) == {k: v for k, v in list(_answer(whole).items())[:3]}
    assert head.total_edges == none.total_edges == whole.total_edges == len(whole.edges)
    assert none.edges == []


@pytest.mark.sqlite_only
def test_an_edges_claims_are_read_by_the_primary_key(sample_kb) -> None:
    # SQLite once chose the object index for an edge's claims: two lookups per claim.
    from factions.query import network

    engine, _, _ = sample_kb
    statement = network._network_statement(True, None, None, 250).params(
        first_day=734000, last_day=734030
    )
    with engine.connect() as conn:
        sql = statement.compile(conn, compile_kwargs={"literal_binds": True})
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}").all()
    details = [row[3] for row in plan if "relation_spans" in row[3]]
    assert details and all(
        "PRIMARY KEY (subject=? AND predicate=? AND object=?)" in d for d in details
    )


def test_a_version_4_database_gets_the_two_column_object_index(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        expected = _answer(actor_network(conn, as_of="2011"))
    undo = [
        "DROP INDEX ix_relation_spans_object",
        "CREATE INDEX ix_relation_spans_object ON relation_spans (object)",
    ]
    with _reopened_from_version(sample_kb, new_kb_db, 4, undo).connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        indexes = _index_columns(conn, "relation_spans")
        assert indexes["ix_relation_spans_object"] == ["object", "claim_id"]
        assert _answer(actor_network(conn, as_of="2011")) == expected


def test_a_version_5_database_gets_the_edge_totals(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        expected = _answer(actor_network(conn))
        kept = _index(conn)
    undo = ["DROP TABLE edge_totals"]
    with _reopened_from_version(sample_kb, new_kb_db, 5, undo).connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        assert _index(conn) == kept
        assert _answer(actor_network(conn)) == expected


def test_a_version_6_database_gets_the_claims_days(sample_kb, new_kb_db) -> None:  # type: ignore[no-untyped-def]
    from factions.query.timeline import actor_timeline

    engine, _, _ = sample_kb
    columns = ("day_first", "day_last", "length_class", "sort_day")
    with engine.connect() as conn:
        expected = actor_timeline(conn, place="Afghanistan", date_from="2011")
        days = conn.execute(
            select(schema.claims.c.id, *(schema.claims.c[c] for c in columns))
        ).all()
    undo = [f"DROP INDEX {index.name}" for index in schema.CLAIM_DATE_INDEXES] + [
        f"ALTER TABLE claims DROP COLUMN {column}" for column in columns
    ]
    with _reopened_from_version(sample_kb, new_kb_db, 6, undo).connect() as conn:
        assert schema_version(conn) == SCHEMA_VERSION
        again = conn.execute(select(schema.claims.c.id, *(schema.claims.c[c] for c in columns)))
        assert sorted(again.all()) == sorted(days)
        assert actor_timeline(conn, place="Afghanistan", date_from="2011") == expected
        indexes = set(_index_columns(conn, "claims"))
        assert {index.name for index in schema.CLAIM_DATE_INDEXES} <= indexes


@pytest.mark.parametrize("seed", range(6))
def test_a_batch_of_claims_on_one_edge_gives_the_stretches_of_all_at_once(
    tmp_path: Path, seed: int
) -> None:
    """add_relation_spans reads, changes and writes a batch's stretches together: several
    claims of one edge and grade in one batch, over stretches stored by an earlier batch."""
    import random

    rng = random.Random(seed)
    spans = []
    for number in range(rng.randint(4, 14)):
        first = rng.randint(0, 60)
        last = first + rng.choice([0, 0, 1, 5, 20, 80])
        certainty = rng.choice(["asserted", "reported"])
        spans.append(
            relation_index.RelationSpan(
                f"c-{number}", "per-a", "fights", "grp-b", certainty, rng.randint(1, 3), first, last
            )
        )
    cut = rng.randint(1, len(spans) - 1)
    engine = open_database(str(tmp_path / "kb.db"))
    with engine.begin() as conn:
        relation_index.add_relation_spans(conn, spans[:cut])
        relation_index.add_relation_spans(conn, spans[cut:])
        table, totals = schema.edge_spans, schema.edge_totals
        for certainty in ("asserted", "reported"):
            periods = [
                (s.day_first, s.day_last, s.weight) for s in spans if s.certainty == certainty
            ]
            stored = [
                relation_index.Stretch(*row)
                for row in conn.execute(
                    select(
                        table.c.day_first,
                        table.c.day_last,
                        table.c.claims,
                        table.c.weight,
                        table.c.new_claims,
                        table.c.new_weight,
                    )
                    .where(table.c.certainty == certainty)
                    .order_by(table.c.day_first)
                )
            ]
            assert stored == relation_index.constant_spans(periods)
            total = conn.execute(
                select(totals.c.claims, totals.c.weight).where(totals.c.certainty == certainty)
            ).first()
            expected = (len(periods), sum(w for _, _, w in periods)) if periods else None
            assert (tuple(total) if total else None) == expected
