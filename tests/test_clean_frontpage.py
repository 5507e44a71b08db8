"""A front page: masthead, menu, share bar, adverts, teaser list, and two bylined articles."""

from __future__ import annotations

from factions.ingest.clean import clean_text, split_stories

FRONT_PAGE = """VALLEY HERALD
Home | Politics | Security | Opinion

Militia commander surrenders in Rasht valley

By Nodira Karimova

A commander of the Eastern Valley Militia handed himself over to police in the Rasht valley on Monday, a district official said, along with fourteen of his fighters and their weapons.

The official said the group had been negotiating its surrender for several weeks through village elders.

Share
Facebook | Twitter | Email

Advertisement

Related stories
- Elders call for talks in the valley
- Police post attacked near the border

Border guards detain smugglers near Ishkashim

By Rustam Saidov

Border guards detained three men carrying weapons across the river near Ishkashim on Tuesday, the border service said in a statement, adding that the men had crossed from the Afghan side at night. The service said the weapons were being examined and that the three men would be questioned by investigators in Khorog later in the week.

(c) 2024 Valley Herald. All rights reserved.
"""


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
