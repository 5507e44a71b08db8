"""Page-furniture removal, story splitting and HTML extraction (factions.ingest.clean / .html)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from factions.ingest.clean import Removed, Story, clean_text, load_furniture, split_stories
from factions.ingest.html import NO_TEXT, extract_html, iso_day

PAGES = Path(__file__).resolve().parent / "fixtures" / "pages"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"

PROSE_A = (
    "The district council met on Tuesday to discuss the repair of the flooded road, "
    "and agreed to ask the province for money."
)
PROSE_B = (
    "Residents said the road had been closed for nine days and that buses had stopped running."
)


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def between_prose(*lines: str) -> str:
    return "\n\n".join([PROSE_A, *lines, PROSE_B])


# --- the lexicon --------------------------------------------------------------------------------


def test_furniture_lexicon_loads_with_tuning() -> None:
    furniture = load_furniture()
    assert furniture.lines.matches("Accessibility links")
    assert furniture.lines.matches("ACCESSIBILITY LINKS")
    assert furniture.boundaries.matches("Load more")
    assert furniture.story_min_words == 40


# --- one furniture line between two prose paragraphs -------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Accessibility links",
        "Breaking News",
        "please wait",
        "No media source currently available",
        "0:00 0:39:03 0:00",
        "0:00",
        "Direct link",
        "Load more",
        "XS",
        "LG",
        "16x9 Image",
        "• 16x9 Image",
        'Example Radio has been declared an "undesirable organization" by the Russian government.',
        "If you are in Russia or the Russia-controlled parts of Ukraine, be aware that you risk "
        "penalties for reposting our content.",
        "To find out more, click here.",
        "You can listen to the full discussion here:",
        "Watch the video here",
        "Podcast: Valley",
        "Latest episode",
        "Valley Podcast: How Borders Shape Markets",
        "Share this article",
        "Advertisement",
        "Related: Storm season arrives early on the southern coast",
        "Read more",
        "Read more: Ferry timetable changes for winter",
        "Sign up for our newsletter to get the top stories every morning.",
        "© 2024 Belmar Daily Ltd.",
        "Copyright 2019 Example News Agency. All rights reserved.",
        "All rights reserved.",
        "We use cookies to improve your experience on our website.",
        "Accept all cookies",
        "Skip to main content",
        "Follow us on Twitter and Facebook",
        "Image source: Example Agency",
        "Reporting by Ana Costa in Belmar; Editing by Paul Weiss",
        "Our correspondents helped in preparing this report",
        "By Tomas Reyes",
        "Home",
    ],
)
def test_furniture_line_is_removed_and_prose_kept(line: str) -> None:
    assert clean_text(between_prose(line)) == f"{PROSE_A}\n\n{PROSE_B}"


@pytest.mark.parametrize(
    "sentence",
    [
        "The station said the breaking news alert was sent to every phone in the district.",
        "Fishermen asked the city to share the cost of repairing their boats.",
        "He said he had read more about the storm in foreign papers than in local ones.",
        "The court ruled that the law declared all rights reserved to the state void.",
        "Officials said they would follow up on Twitter and Facebook reports of looting.",
        "Reporting by the local radio station suggested that the convoy had turned back.",
        "By Monday, the militia had withdrawn from the two villages it held.",
        "Related groups in the north denied any role in the attack.",
        "The ministry said it would click through the files one by one, if needed.",
        "Home to about 40,000 people, the town lies on the main road to the border.",
    ],
)
def test_prose_mentioning_furniture_phrases_survives(sentence: str) -> None:
    assert clean_text(between_prose(sentence)) == f"{PROSE_A}\n\n{sentence}\n\n{PROSE_B}"


# --- whitespace and unicode --------------------------------------------------------------------


def test_whitespace_is_normalised_to_one_blank_line_between_paragraphs() -> None:
    messy = f"  {PROSE_A}   \r\n\r\n\r\n\t{PROSE_B}\u00a0 \n\n\n"
    assert clean_text(messy) == f"{PROSE_A}\n\n{PROSE_B}"


def test_text_is_nfc_without_invisible_characters() -> None:
    decomposed = unicodedata.normalize("NFD", "Officials in Şırnak and Gölbaşı con\u200bfirmed it.")
    cleaned = clean_text(decomposed)
    assert cleaned == "Officials in Şırnak and Gölbaşı confirmed it."
    assert unicodedata.is_normalized("NFC", cleaned)


def test_hard_wrapped_sentence_is_joined_but_separate_lines_are_not() -> None:
    wrapped = "The convoy left the capital early on Monday and reached\nthe border town by noon."
    assert clean_text(wrapped) == (
        "The convoy left the capital early on Monday and reached the border town by noon."
    )
    two_lines = "A caption about the convoy on the road\nThe convoy reached the border town."
    assert paragraphs(clean_text(two_lines)) == two_lines.split("\n")


# --- blocks and context rules ------------------------------------------------------------------


def test_single_story_page_loses_every_furniture_family() -> None:
    cleaned = clean_text(page("single_story_player_site.txt"))
    for furniture in [
        "Accessibility links",
        "Breaking News",
        "16x9 Image",
        "Mara Lindqvist",
        "undesirable organization",
        "If you are in Russia",
        "click here",
    ]:
        assert furniture not in cleaned
    for size in ["XS", "SM", "MD", "LG"]:
        assert size not in paragraphs(cleaned)
    assert "Recruitment In The Valley" in paragraphs(cleaned)
    assert cleaned.endswith("fear both the militia and the police.")


def test_caption_repeated_twice_in_a_row_keeps_one_copy() -> None:
    cleaned = clean_text(page("single_story_player_site.txt"))
    caption = (
        "Fighters of the River Militia stand beside a truck on a mountain road in Karsan Province"
    )
    assert paragraphs(cleaned).count(caption) == 1
    assert paragraphs(cleaned)[1] == caption


def test_pull_quote_is_kept_once_where_the_story_tells_it() -> None:
    cleaned = clean_text(page("blog_two_posts.txt"))
    quote = "Fighters loyal to the rival commander were seen leaving the border town before dawn."
    paras = paragraphs(cleaned)
    assert paras.count(quote) == 1
    assert paras.index(quote) > paras.index(next(p for p in paras if p.startswith("Officials in")))


def test_author_bio_at_end_without_marker_is_removed() -> None:
    bio = "Lena Fischer, a reporter for the Example Service, covers the coast."
    text = "\n\n".join([PROSE_A, PROSE_B, "Lena Fischer", bio, "Privacy Policy"])
    assert clean_text(text) == f"{PROSE_A}\n\n{PROSE_B}"
    # followed by more of the article, the same lines are a profile and stay
    assert clean_text(text + "\n\n" + PROSE_A).count("Lena Fischer") == 2


def test_profile_paragraph_inside_the_article_is_kept() -> None:
    profile = "Omar Haddad, a former mayor of the town, said the militia had left in the night."
    text = "\n\n".join([PROSE_A, "Omar Haddad", profile, PROSE_B])
    assert profile in paragraphs(clean_text(text))


def test_repeated_byline_name_is_removed() -> None:
    text = "\n\n".join([PROSE_A, "Ilse Hartmann\nIlse Hartmann", PROSE_B])
    assert clean_text(text) == f"{PROSE_A}\n\n{PROSE_B}"


def test_about_this_blog_block_runs_to_the_end_of_the_story() -> None:
    text = between_prose(
        "About This Blog", "This blog follows politics in the valley states closely."
    )
    assert clean_text(text) == PROSE_A


def test_headline_list_ends_at_the_next_prose_paragraph() -> None:
    text = "\n".join(
        [
            PROSE_A,
            "",
            "Most Read",
            "Council Votes To Rebuild Old Bridge",
            "Ferry Timetable Changes",
            "",
        ]
    )
    assert clean_text(text + "\n" + PROSE_B) == f"{PROSE_A}\n\n{PROSE_B}"


def test_menu_run_is_removed_but_a_lone_subheading_is_kept() -> None:
    menu = "\n".join(["Home", "World", "Politics", "Business", "Opinion", "Sport"])
    text = "\n\n".join([menu, PROSE_A, "Road Closures", PROSE_B])
    assert paragraphs(clean_text(text)) == [PROSE_A, "Road Closures", PROSE_B]


def test_generic_outlet_page_keeps_only_the_article() -> None:
    cleaned = clean_text(page("generic_outlet.txt"))
    assert paragraphs(cleaned)[0] == "Port Authority Reopens Harbour After Storm Damage"
    for furniture in [
        "Skip to main content",
        "cookies",
        "Politics",
        "Share this article",
        "Advertisement",
        "Related:",
        "Sign up",
        "Follow us",
        "Most Read",
        "Council Votes",
        "©",
        "All rights reserved",
        "Privacy Policy",
    ]:
        assert furniture not in cleaned
    assert "share the cost of repairs" in cleaned
    assert "read more about the storm" in cleaned
    assert "breaking news desks" in cleaned
    assert len(paragraphs(cleaned)) == 5


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.glob("*.txt")))
def test_cleaning_is_idempotent(name: str) -> None:
    once = clean_text(page(name))
    assert once
    assert clean_text(once) == once


# --- splitting stories -------------------------------------------------------------------------


def test_blog_page_splits_at_the_player_into_two_stories() -> None:
    stories = split_stories(page("blog_two_posts.txt"))
    assert [s.title for s in stories] == ["Valley Notes", None]
    assert "Highland Front" in stories[0].text and "customs post" not in stories[0].text
    assert "customs post" in stories[1].text and "Highland Front" not in stories[1].text
    assert all("please wait" not in s.text and "Valley Podcast" not in s.text for s in stories)
    assert "Valley Notes is a blog" not in stories[1].text


def test_explicit_separator_splits_stories_and_titles_each() -> None:
    stories = split_stories(page("two_stories_separator.txt"))
    assert [s.title for s in stories] == [
        "Drought Cuts Wheat Harvest In The South",
        "New Bridge Opens Over The Lira River",
    ]
    assert stories[0].text.startswith("Farmers in the southern districts")
    assert "* * *" not in stories[0].text + stories[1].text


def test_single_story_page_gives_one_story_with_its_headline() -> None:
    stories = split_stories(page("single_story_player_site.txt"))
    assert len(stories) == 1
    assert stories[0].title == "River Militia Gains Ground In The Hills Of Karsan"
    assert not stories[0].text.startswith("River Militia Gains Ground")


def test_short_teaser_after_a_player_is_not_a_story() -> None:
    teaser = "A short teaser about the next episode of the valley programme."
    text = "\n\n".join([page("single_story_player_site.txt"), "please wait", "Direct link", teaser])
    stories = split_stories(text)
    assert len(stories) == 1
    assert teaser not in stories[0].text


def test_page_header_furniture_is_not_a_story() -> None:
    header = "Accessibility links\n\nBreaking News\n\nplease wait\n\n0:00 0:01:10 0:00\nDirect link"
    stories = split_stories(header + "\n\n" + page("two_stories_separator.txt"))
    assert len(stories) == 2
    assert all("Accessibility" not in s.text and "Breaking" not in s.text for s in stories)


def test_short_brief_alone_is_still_one_story() -> None:
    assert split_stories(page("short_brief.txt")) == [
        Story(
            title="Ferry Services Resume",
            text="Ferry services between the two islands resumed on Sunday after a three-day "
            "strike by crews ended.",
        )
    ]


def test_only_furniture_gives_no_story() -> None:
    assert split_stories("Accessibility links\n\nBreaking News\n\nXS\nSM\nMD\nLG") == []


# --- short texts are short articles ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        # A database note in one line without a full stop reads like a headline.
        "Rebels of the Northern Front were disbanded under the 1995 accord, the Guard replaced "
        "them",
        "On 3 March 2021, around 150 people demonstrated in Karsan against the curfew. [size=150]",
        "Gunmen attacked a police post in Karsan",
        "REBELS SEIZE KARSAN",
    ],
)
def test_a_one_line_dispatch_is_a_story_of_its_own(text: str) -> None:
    removed = Removed()
    assert split_stories(text, removed) == [Story(title=None, text=text)]
    assert removed.describe() is None


def test_a_two_line_dispatch_keeps_its_headline_as_title_and_its_sentence() -> None:
    stories = split_stories("Post Attacked In Karsan\nGunmen attacked a police post on Monday.")
    assert stories == [
        Story(title="Post Attacked In Karsan", text="Gunmen attacked a police post on Monday.")
    ]


def test_a_dispatch_under_furniture_keeps_its_sentence_and_says_what_went() -> None:
    removed = Removed()
    stories = split_stories("Share this\nGunmen attacked a police post in Karsan", removed)
    assert [s.text for s in stories] == ["Gunmen attacked a police post in Karsan"]
    assert removed.describe() == "removed 10 characters: 1 line of page furniture (10)"


# --- nothing removed silently ----------------------------------------------------------------


def test_repeated_paragraphs_are_counted() -> None:
    paragraph = PROSE_A
    text = "\n\n".join([paragraph] * 500 + [PROSE_B])
    removed = Removed()
    [story] = split_stories(text, removed)
    assert story.text == f"{PROSE_A}\n\n{PROSE_B}"
    assert removed.pieces == {"repeat": 499}
    assert removed.describe(len(text)) == (
        f"removed {499 * len(PROSE_A):,} of {len(text):,} characters: "
        f"499 repeated paragraphs ({499 * len(PROSE_A):,})"
    )


def test_furniture_menus_and_teasers_are_counted_by_reason() -> None:
    text = "\n".join(
        [
            "Home",
            "World",
            "Politics",
            "Business",
            "Sport",
            "Culture",
            "",
            PROSE_A,
            "",
            "Advertisement",
            "",
            PROSE_B,
        ]
    )
    removed = Removed()
    clean_text(text, removed)
    assert removed.pieces == {"menu": 5, "furniture": 2}
    said = removed.describe()
    assert said is not None and "5 menu entries" in said and "2 lines of page furniture" in said


# --- HTML --------------------------------------------------------------------------------------


def test_html_metadata_and_text() -> None:
    result = extract_html(page("article.html"))
    assert result.title == "Militia Commander Arrested In Karsan"
    assert result.author == "Tomas Reyes"
    assert result.published == "2021-03-09"
    assert result.outlet == "The Valley Herald"
    assert result.url == "https://valleyherald.example/news/2021/03/militia-commander-arrested"
    paras = paragraphs(result.text)
    assert paras[0].startswith("Police in Karsan Province arrested a senior commander")
    assert len(paras) == 4
    for furniture in ["Home", "cookies", "Advertisement", "Share this", "Follow us", "rights"]:
        assert furniture not in result.text


def test_html_url_argument_is_kept_when_the_page_has_none() -> None:
    result = extract_html(page("malformed_with_text.html"), url="https://example.org/a/1")
    assert result.url == "https://example.org/a/1"


def test_malformed_html_with_text_is_recovered() -> None:
    result = extract_html(page("malformed_with_text.html"))
    assert result.title == "Bridge Reopens After Repairs"
    assert result.published is None
    assert len(paragraphs(result.text)) == 3
    assert "doubled the cost" in result.text


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "<<<>>>",
        "<div>",
        "\x00\x01 <p",
        "<html><body></body></html>",
        "<html><body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_html_without_article_text_raises_value_error(html: str) -> None:
    with pytest.raises(ValueError, match=NO_TEXT):
        extract_html(html)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2021-03-09", "2021-03-09"), ("2021-03-09T08:15:00", "2021-03-09"), ("2021-02-30", None)],
)
def test_iso_day(raw: str, expected: str | None) -> None:
    assert iso_day(raw) == expected


def test_html_text_splits_into_one_story() -> None:
    stories = split_stories(extract_html(page("article.html")).text)
    assert len(stories) == 1
    assert "Police in Karsan Province" in stories[0].text


# --- the two real seed pages (read from ../shared, never copied) -------------------------------

SEED_FURNITURE_PHRASES = [
    "Accessibility links",
    "Breaking News",
    "16x9 Image",
    "Radio Azadi",
    "undesirable organization",
    "If you are in Russia",
    "click here",
    "You can listen to the full discussion",
    "please wait",
    "No media source currently available",
    "0:00",
    "Direct link",
    "Load more",
    "About This Blog",
    "is a blog by",
    "Village Voice",
    "Podcast: Majlis",
    "Majlis Podcast",
    "Latest episode",
    "helped in preparing",
]
SEED_FURNITURE_LINES = ["XS", "SM", "MD", "LG", "Abubakar Siddique", "Bruce Pannier"]


def seed_text(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip(f"../shared absent: no seed pages at {SEEDS}")
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"../shared absent: seed {prefix} not found in {SEEDS}")
    return matches[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_seed_keeps_no_furniture(prefix: str) -> None:
    cleaned = clean_text(seed_text(prefix))
    for phrase in SEED_FURNITURE_PHRASES:
        assert phrase not in cleaned, phrase
    for line in SEED_FURNITURE_LINES:
        assert line not in paragraphs(cleaned), line
    assert "Siddique" not in cleaned
    assert cleaned.count("Pannier") == 0
    assert clean_text(cleaned) == cleaned


def test_seed_000_keeps_its_prose_and_is_one_story() -> None:
    raw = seed_text("000")
    cleaned = clean_text(raw)
    assert any("Takhar Province on May 28" in p for p in paragraphs(cleaned))
    assert "Religious Ideology" in paragraphs(cleaned)
    assert cleaned.rstrip().endswith("he concludes.")
    caption_start = "Militants of the Islamic Movement of Uzbekistan (IMU) pose"
    assert sum(p.startswith(caption_start) for p in paragraphs(cleaned)) == 1
    stories = split_stories(raw)
    assert len(stories) == 1
    assert stories[0].title is not None and stories[0].title.startswith("In Afghanistan, IMU")
    assert len(stories[0].text.split()) > 1000


def test_seed_001_splits_into_the_imu_panel_and_the_warplane_post() -> None:
    raw = seed_text("001")
    cleaned = clean_text(raw)
    assert any("southern Zabul Province" in p for p in paragraphs(cleaned))
    assert cleaned.count("roughly coincides with the spike") == 1
    stories = split_stories(raw)
    assert len(stories) == 2
    first, second = stories
    assert first.title == "Qishloq Ovozi"
    assert "Zabul" in first.text and "Usman Ghazi" in first.text
    assert "warplane" not in first.text
    assert "Russian warplane on November 24" in second.text and "Satpaev" in second.text
    assert "Zabul" not in second.text
    assert second.text.rstrip().endswith("Turkish-Syrian border.")
