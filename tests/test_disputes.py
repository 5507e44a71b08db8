"""Disputes: contradictions found across the knowledge base, on articles written for the tests."""

from __future__ import annotations

import random

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


def test_rows_meeting_in_time_are_those_every_pair_finds() -> None:
    # The sorted sweep must find what comparing every stated row with every denied one finds,
    # rows without a stated time (None) meeting all.
    from types import SimpleNamespace

    from factions.resolve.disputes import meeting_in_time

    randomly = random.Random(19)
    for _ in range(300):
        stated: dict[str, tuple[int, int] | None] = {}
        rows = []
        for number in range(randomly.randint(0, 9)):
            start = randomly.randint(0, 40)
            span = None if randomly.random() < 0.1 else (start, start + randomly.randint(0, 12))
            stated[f"r{number}"] = span
            rows.append(SimpleNamespace(id=f"r{number}"))
        cut = randomly.randint(0, len(rows))
        first, second = rows[:cut], rows[cut:]

        def meet(a, b, stated=stated) -> bool:  # type: ignore[no-untyped-def]
            x, y = stated[a.id], stated[b.id]
            return x is None or y is None or (x[0] <= y[1] and y[0] <= x[1])

        expected = (
            [a for a in first if any(meet(a, b) for b in second)],
            [b for b in second if any(meet(a, b) for a in first)],
        )
        assert meeting_in_time(first, second, stated) == expected
