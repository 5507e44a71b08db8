"""Disputes: contradictions found across the knowledge base, on articles written for the tests."""

from __future__ import annotations

from sqlalchemy import select

from factions.ingest.run import ingest_paths
from factions.store import open_database, schema

from .test_relations import claim


def _disputes(tmp_path, articles: dict[str, str]) -> list[str]:  # type: ignore[no-untyped-def]
    for name, text in articles.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    engine = open_database(str(tmp_path / "kb.db"))
    ingest_paths([tmp_path], engine)
    with engine.connect() as conn:
        return [row.reason for row in conn.execute(select(schema.disputes.c.reason))]


def test_unhurt_is_alive_not_a_negated_fate() -> None:
    found, names = claim("Abubakar Shekau, he said, had not been hurt in the raid.", "fate")
    assert (names[found.subject], found.value, found.polarity) == ("Abubakar Shekau", "alive", True)


def test_killed_and_alive_in_two_articles_dispute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reasons = _disputes(
        tmp_path,
        {
            "a.txt": (
                "Army says Shekau is dead\n\nAbubakar Shekau, the Boko Haram leader, was killed "
                "in an air strike on Monday, officials said."
            ),
            "b.txt": (
                "Shekau appears in video\n\nAbubakar Shekau, whom the army had declared dead, "
                "appeared alive in a new video on Friday."
            ),
        },
    )
    assert any("killed" in r and "alive" in r for r in reasons)


def test_affiliation_and_cut_ties_dispute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reasons = _disputes(
        tmp_path,
        {
            "a.txt": (
                "Front grows\n\nJabhat al-Nusra, al-Qaeda's affiliate in Syria, took two towns."
            ),
            "b.txt": "Front rebrands\n\nJabhat al-Nusra said it had cut its ties with al-Qaeda.",
        },
    )
    assert any("affiliated_with" in r for r in reasons)


def test_deed_and_its_denial_dispute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reasons = _disputes(
        tmp_path,
        {
            "a.txt": (
                "Shelling in Kunduz\n\nResidents said Taliban mortar fire killed nine civilians "
                "in Kunduz on Monday. A Taliban spokesman, Zabihullah Mujahid, denied that the "
                "group's fighters had hurt anyone."
            )
        },
    )
    assert any("carried_out" in r for r in reasons)


def test_agreeing_articles_make_no_dispute(tmp_path) -> None:  # type: ignore[no-untyped-def]
    reasons = _disputes(
        tmp_path,
        {
            "a.txt": "Raid\n\nAbubakar Shekau was killed in an air strike on Monday, police said.",
            "b.txt": "Burial\n\nAbubakar Shekau was killed in the strike, his family said.",
        },
    )
    assert reasons == []
