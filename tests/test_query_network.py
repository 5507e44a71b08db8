"""The network as of a date, and the partial-date arithmetic under it."""

from __future__ import annotations

import pytest

from factions.partial_date import not_after, not_before, within
from factions.query.common import BadQuery, date_bounds
from factions.query.network import actor_network


def test_dates_compare_at_the_shorter_precision() -> None:
    assert not_after("2015-11-20", "2015-11")
    assert not_before("2015", "2015-11-14")
    assert not_after("199", "2011") and not not_before("199", "2011")
    assert not not_after("2016", "2015-11")
    # An ISO week compares by its Monday: week 4 of 2017 is in January.
    assert within("2017-W04", "2017-W04", "2017-01", "2017-01")
    assert not within("2017-W04", "2017-W04", "2017-02", "2017-02")
    assert within(None, "2001", "1999", "1999")


def test_bad_dates_and_grades_are_bad_queries() -> None:
    with pytest.raises(BadQuery, match="not a date"):
        date_bounds("2015-13", None, None)
    with pytest.raises(BadQuery, match="not both"):
        date_bounds("2015", "2014", None)
    with pytest.raises(BadQuery, match="after"):
        date_bounds(None, "2016", "2015")


def _edges(network) -> set[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return {(e.subject_name, e.predicate, e.object_name) for e in network.edges}


def test_imu_and_taliban_are_allies_as_of_2011(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        network = actor_network(conn, as_of="2011", predicates="ally_of")
    assert ("Islamic Movement of Uzbekistan", "ally_of", "Taliban") in _edges(network)
    assert {e.predicate for e in network.edges} == {"ally_of"}
    edge = next(e for e in network.edges if e.subject_name == "Islamic Movement of Uzbekistan")
    assert edge.weight >= 1 and edge.claims
    assert edge.certainty == "asserted"
    names = {n.name for n in network.nodes}
    assert {"Islamic Movement of Uzbekistan", "Taliban"} <= names


def test_the_taliban_fight_dadullah_in_november_2015_only(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        late = actor_network(conn, as_of="2015-11", predicates=["ally_of,fights"])
        early = actor_network(conn, as_of="2011", predicates="fights")
        interval = actor_network(conn, date_from="2015-01", date_to="2015-12", predicates="fights")
    assert ("Taliban", "fights", "Mansoor Dadullah") in _edges(late)
    assert ("Taliban", "fights", "Mansoor Dadullah") not in _edges(early)
    assert ("Taliban", "fights", "Mansoor Dadullah") in _edges(interval)


def test_min_certainty_drops_weaker_claims(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        everything = actor_network(conn)
        asserted = actor_network(conn, min_certainty="asserted")
    assert asserted.edges and len(asserted.edges) < len(everything.edges)
    assert {e.certainty for e in asserted.edges} == {"asserted"}
    weaker = [e for e in everything.edges if e.certainty != "asserted"]
    assert weaker, "the sample corpus has attributed and reported relations"


def test_limit_keeps_the_heaviest_edges_and_counts_them_all(sample_kb) -> None:
    engine, _, _ = sample_kb
    with engine.connect() as conn:
        everything = actor_network(conn)
        top = actor_network(conn, limit=3)
    assert everything.total_edges == len(everything.edges) > 3
    assert top.total_edges == everything.total_edges
    assert [e.claims for e in top.edges] == [e.claims for e in everything.edges[:3]]
    weights = [e.weight for e in everything.edges]
    assert weights == sorted(weights, reverse=True)
    assert {n.id for n in top.nodes} == {x for e in top.edges for x in (e.subject, e.object)}
