"""Short reports generated for the derived-data tests: alliances that later fighting ends,
pledges to a rival, fates told two ways, posts and successors, and one attack reported by
several outlets, so that same-event links, inferred ends and disputes all have work to do.
Every sentence here was written for these tests."""

from __future__ import annotations

import random

GROUPS = [
    "the Taliban",
    "the Islamic Movement of Uzbekistan",
    "al-Qaeda",
    "the Islamic State",
    "the Haqqani Network",
    "Jamaat Ansarullah",
]
PEOPLE = ["Rahim Saleh", "Karim Nazari", "Ahmad Zia Hamdard", "Nasir Sharif"]
PLACES = ["Kunduz", "Zabul", "Takhar", "Baghlan"]
MONTHS = ["March", "June", "September", "November"]


def _title(text: str) -> str:
    return text[0].upper() + text[1:]


def _report(rng: random.Random, number: int) -> tuple[str, str]:
    """(published, text) of one generated report."""
    a, b = rng.sample(GROUPS, 2)
    person = rng.choice(PEOPLE)
    place = rng.choice(PLACES)
    year = rng.choice([2011, 2013, 2015])
    month = rng.choice(MONTHS)
    published = f"{year}-{MONTHS.index(month) * 3 + 3:02d}"
    kind = number % 10
    if kind == 0:
        body = f"{_title(a)} have been allied with {b} since the late 1990s, officials say."
    elif kind == 1:
        body = f"In early {month} {_title(a)} crushed {b} in {place} Province."
    elif kind == 2:
        body = f"In {month} {year} {a} pledged allegiance to {b}, the group said in a statement."
    elif kind == 3:
        body = (
            f"{person}, a commander of {a}, was killed in an air strike in {place} province "
            "on Monday, officials said."
        )
    elif kind == 4:
        body = (
            f"{person}, whom the army had declared dead, appeared alive in a new video on "
            f"Friday. He said {a} would fight {b} in {place}."
        )
    elif kind == 5:
        # One day and place, so that several reports tell the same attack (or, by other
        # actors, another one).
        place = PLACES[0]
        body = (
            f"A suicide bomber attacked a police post in {place} on 3 June 2015, killing "
            f"{4 + number // 10} officers. {_title(GROUPS[number // 10 % 2])} claimed the attack."
        )
        published = "2015-06"
    elif kind == 6:
        # One pair tied and its tie cut in the same month: a dispute.
        a, b = GROUPS[4], GROUPS[2]
        body = f"{_title(a)}, {b}'s affiliate in Afghanistan, took two towns in {place}."
        published = "2014-07"
    elif kind == 7:
        a, b = GROUPS[4], GROUPS[2]
        body = f"{_title(a)} said it had cut its ties with {b}."
        published = "2014-07"
    elif kind == 8:
        body = f"{_title(a)} commander Karim Nazzari was killed in {place} province, {b} said."
    else:
        body = f"In {month} {year} {person} became the leader of {a}, the group said."
    return published, f"Report {number} from {place}\n\n{body}"


def generated_reports(count: int, seed: int = 11) -> list[tuple[str, str]]:
    """`count` distinct reports: (published, text)."""
    rng = random.Random(seed)
    return [_report(rng, number) for number in range(count)]
