"""A front page: masthead, menu, share bar, adverts, teaser list, and two bylined articles."""

from __future__ import annotations

from pathlib import Path

from factions.ingest.clean import clean_text, split_stories

FRONT_PAGE = (
    Path(__file__).parent / "fixtures" / "pages" / "front_page_two_bylined.txt"
).read_text(encoding="utf-8")


def test_front_page_splits_into_its_two_articles() -> None:
    stories = split_stories(FRONT_PAGE)
    assert [s.title for s in stories] == [
        "Militia commander surrenders in Rasht valley",
        "Border guards detain smugglers near Ishkashim",
    ]
    assert "fourteen of his fighters" in stories[0].text
    assert "Ishkashim" not in stories[0].text
    assert "Rasht" not in stories[1].text


def test_front_page_furniture_is_gone() -> None:
    text = "\n".join(s.text for s in split_stories(FRONT_PAGE))
    for furniture in (
        "VALLEY HERALD",
        "Home | Politics",
        "Facebook | Twitter",
        "Advertisement",
        "Related stories",
        "Elders call for talks",
        "All rights reserved",
        "By Rustam",
    ):
        assert furniture not in text


def test_menu_line_is_furniture_but_prose_with_a_pipe_is_not() -> None:
    cleaned = clean_text(
        "World | Sport | Culture\n\nThe ceasefire held | officials said, despite rain."
    )
    assert "World | Sport" not in cleaned
    assert "The ceasefire held" in cleaned
