"""Change, not contradiction, and roles over time: later evidence ends relations and posts
(inferred), disputes pair only accounts of the same time. Articles written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import Engine, select

from factions.ingest.run import ingest_paths
from factions.partial_date import previous, stated_days
from factions.query.disputes import list_disputes
from factions.query.network import actor_network
from factions.query.profile import actor_profile
from factions.store import open_database, schema

from .test_relations import claim, extract

IMU = "Islamic Movement of Uzbekistan"

ALLIED_2011 = (
    "Old friends in the north\n\nThe Taliban have been allied with the Islamic Movement of "
    "Uzbekistan since the late 1990s, officials say."
)
CRUSHED_2015 = (
    "Fighting in Zabul\n\nIn early November the Taliban crushed the Islamic Movement of "
    "Uzbekistan in Zabul Province."
)
STILL_ALLIED_2015 = (
    "Joint raids in the north\n\nIn Kunduz Province, IMU fighters still fight alongside the "
    "Taliban, local officials say."
)


def _kb(tmp_path: Path, articles: dict[str, tuple[str, str]]) -> Engine:
    """A knowledge base of articles: file name -> (published, text)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, (published, text) in articles.items():
        (folder / name).write_text(text, encoding="utf-8")
        (folder / f"{Path(name).stem}.meta.json").write_text(
            json.dumps({"published": published}), encoding="utf-8"
        )
    engine = open_database(str(tmp_path / "kb.db"))
    ingest_paths([folder], engine)
    return engine


def _edges(engine: Engine, as_of: str) -> set[tuple[str, str, str]]:
    with engine.connect() as conn:
        network = actor_network(conn, as_of=as_of)
    return {(e.subject_name, e.predicate, e.object_name) for e in network.edges}


def _allied(edges: set[tuple[str, str, str]]) -> bool:
    return any(p == "ally_of" and {s, o} == {IMU, "Taliban"} for s, p, o in edges)


def _reasons(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return [d.reason for d in list_disputes(conn).disputes]


def test_stated_days_end_at_the_report() -> None:
    since = stated_days("199", None, "2011-06")
    assert since is not None and since[1] == stated_days("2011-06", "2011-06", None)[1]  # type: ignore[index]
    assert stated_days("2009", "2010", "2015") == stated_days("2009", "2010", None)
    assert previous("2016-05-10") == "2016-05-09" and previous("2011-06") == "2011-05"


def test_a_later_attack_ends_an_alliance_instead_of_disputing_it(tmp_path: Path) -> None:
    engine = _kb(tmp_path, {"a.txt": ("2011-06", ALLIED_2011), "b.txt": ("2015-11", CRUSHED_2015)})
    assert _allied(_edges(engine, "2014"))
    assert not _allied(_edges(engine, "2015-12"))
    assert ("Taliban", "fights", IMU) in _edges(engine, "2015-12")
    assert not [r for r in _reasons(engine) if "allies and enemies" in r]
    with engine.connect() as conn:
        ends = conn.execute(select(schema.inferred_ends)).mappings().all()
        network = actor_network(conn, as_of="2014")
        profile = actor_profile(conn, IMU)
    assert ends and all(e["ended_on"] == "2015-11" and "hostility" in e["reason"] for e in ends)
    # The edge says where it ends and by which claims; the profile shows both evidences.
    edge = next(e for e in network.edges if e.predicate == "ally_of")
    assert edge.ended_on == "2015-11" and edge.ended_by
    ended = next(c for c in profile.claims if c.predicate == "ally_of")
    assert ended.ended is not None and ended.valid_to is None
    assert "since the late 1990s" in ended.evidence[0].text
    assert "crushed" in ended.ended.evidence[0].text


def test_a_restated_alliance_is_not_ended_and_the_same_month_is_a_dispute_with_places(
    tmp_path: Path,
) -> None:
    engine = _kb(
        tmp_path,
        {
            "a.txt": ("2011-06", ALLIED_2011),
            "b.txt": ("2015-11", CRUSHED_2015),
            "c.txt": ("2015-11", STILL_ALLIED_2015),
        },
    )
    with engine.connect() as conn:
        assert conn.execute(select(schema.inferred_ends)).all() == []
    assert _allied(_edges(engine, "2015-11"))
    reasons = [r for r in _reasons(engine) if "allies and enemies" in r]
    assert len(reasons) == 1
    # The two accounts of November 2015 name the places that may reconcile them.
    assert "Kunduz" in reasons[0] and "Zābul" in reasons[0]
    with engine.connect() as conn:
        dispute = next(d for d in list_disputes(conn).disputes if "allies" in d.reason)
    # The 2011 account is of another time: not part of the dispute.
    assert all(c.published == "2015-11" for c in dispute.claims)


def test_a_pledge_to_a_rival_ends_an_alliance(tmp_path: Path) -> None:
    engine = _kb(
        tmp_path,
        {
            "a.txt": (
                "2011-06",
                "Allies\n\nThe Islamic Movement of Uzbekistan has been allied with al-Qaeda "
                "since 2001, officials say.",
            ),
            "b.txt": (
                "2015-03",
                "Feud\n\nAl-Qaeda has fought the Islamic State in Syria since 2014.",
            ),
            "c.txt": (
                "2015-09",
                "New masters\n\nIn August the Islamic Movement of Uzbekistan pledged allegiance "
                "to the Islamic State.",
            ),
        },
    )
    with engine.connect() as conn:
        reasons = [r for (r,) in conn.execute(select(schema.inferred_ends.c.reason))]
    assert any("pledge to a rival" in r for r in reasons)
    assert not any(p == "ally_of" and "al-Qaeda" in (s, o) for s, p, o in _edges(engine, "2015-10"))


def test_a_stated_and_denied_tie_of_different_times_is_no_dispute(tmp_path: Path) -> None:
    engine = _kb(
        tmp_path,
        {
            "a.txt": (
                "2014-07",
                "Front grows\n\nJabhat al-Nusra, al-Qaeda's affiliate in Syria, took two towns.",
            ),
            "b.txt": (
                "2017-01",
                "Front rebrands\n\nIn July 2016 Jabhat al-Nusra cut its ties with al-Qaeda.",
            ),
        },
    )
    assert not [r for r in _reasons(engine) if "affiliated_with" in r]


def test_roles_end_at_death_capture_and_succession_within_an_article() -> None:
    text = (
        "Ansar Beit al-Maqdis lost ground in Sinai. Its late commander, Abu Tariq, died in an "
        "air raid in May 2012. Last year the movement confirmed the death of its chief, Abu "
        "Khalid, and chose Abu Bakr Hamza as his successor. The group announced the death of "
        "its leader Abu Musa in July."
    )
    found, names = claim(text, "commander_of", "2016-03")
    assert (names[found.subject], found.valid_to) == ("Abu Tariq", "2012-05")
    result = extract(text, "2016-03")
    names = {e.id: e.name for e in result.entities}
    leaders = {
        names[c.subject]: (c.valid_from, c.valid_to)
        for c in result.claims
        if c.predicate == "leader_of"
    }
    # The predecessor's post ends where the successor's begins.
    assert leaders["Abu Khalid"] == (None, "2015")
    assert leaders["Abu Bakr Hamza"] == ("2015", None)
    # A death announced in July does not make him leader from July: his post ended by then.
    assert leaders["Abu Musa"] == (None, "2015-07")


def test_a_later_death_ends_a_post_across_articles(tmp_path: Path) -> None:
    engine = _kb(
        tmp_path,
        {
            "a.txt": (
                "2013-02",
                "A new emir\n\nAbu Khalid has led Ansar Beit al-Maqdis since 2011, the group's "
                "members say.",
            ),
            "b.txt": (
                "2015-03",
                "Air raid in Sinai\n\nAbu Khalid was killed in an air raid near Arish in March "
                "2015, officials said.",
            ),
        },
    )
    assert any(p == "leader_of" for _, p, _ in _edges(engine, "2014"))
    assert not any(p == "leader_of" for _, p, _ in _edges(engine, "2016"))
    with engine.connect() as conn:
        reasons = [r for (r,) in conn.execute(select(schema.inferred_ends.c.reason))]
    assert reasons == ["ended (inferred) by death from 2015-03"]


def test_a_founder_stays_one_after_death() -> None:
    text = (
        "Abu Khalid founded Ansar Beit al-Maqdis in 2011. Abu Khalid was killed in an air raid "
        "in March 2015."
    )
    result = extract(text, "2016-03")
    founded = [c for c in result.claims if c.predicate == "founder_of"]
    assert founded and all(c.valid_to is None for c in founded)
