"""Date expressions found in sentences written for these tests, resolved against anchors."""

from __future__ import annotations

import datetime as dt

import pytest

from factions.extract.dates import (
    DateMention,
    DateValue,
    find_dates,
    normalise_date,
    parse_anchor,
)

DAY_ANCHOR = parse_anchor("2015-11-26")  # a Thursday
MONTH_ANCHOR = parse_anchor("2011-06")
YEAR_ANCHOR = parse_anchor("2015")


def only(text: str, anchor: DateValue | None) -> DateMention:
    mentions = find_dates(text, anchor)
    assert len(mentions) == 1, mentions
    return mentions[0]


def test_parse_anchor_reads_each_precision() -> None:
    assert DateValue(dt.date(2011, 6, 1), dt.date(2011, 6, 30), "month") == MONTH_ANCHOR
    assert DateValue(dt.date(2015, 11, 26), dt.date(2015, 11, 26), "day") == DAY_ANCHOR
    assert DateValue(dt.date(2015, 1, 1), dt.date(2015, 12, 31), "year") == YEAR_ANCHOR
    assert parse_anchor("1998-02-13T14:26:00") == parse_anchor("1998-02-13")
    assert parse_anchor(None) is None
    assert parse_anchor("sometime") is None


@pytest.mark.parametrize(
    ("value", "iso", "timeml"),
    [
        (DateValue(dt.date(2011, 5, 28), dt.date(2011, 5, 28), "day"), "2011-05-28", "2011-05-28"),
        (DateValue(dt.date(2015, 11, 23), dt.date(2015, 11, 29), "week"), "2015-W48", "2015-W48"),
        (
            DateValue(dt.date(2015, 8, 1), dt.date(2015, 8, 10), "part_of_month"),
            "2015-08",
            "2015-08",
        ),
        (DateValue(dt.date(2015, 8, 1), dt.date(2015, 8, 31), "month"), "2015-08", "2015-08"),
        (DateValue(dt.date(2014, 3, 1), dt.date(2014, 5, 31), "season"), "2014", "2014-SP"),
        (DateValue(dt.date(2013, 5, 1), dt.date(2013, 8, 31), "part_of_year"), "2013", "2013"),
        (DateValue(dt.date(1989, 7, 1), dt.date(1989, 9, 30), "part_of_year"), "1989", "1989-Q3"),
        (DateValue(dt.date(2015, 1, 1), dt.date(2015, 12, 31), "year"), "2015", "2015"),
        (DateValue(dt.date(1990, 1, 1), dt.date(1999, 12, 31), "decade"), "199", "199"),
    ],
)
def test_iso_and_timeml_are_cut_to_precision(value: DateValue, iso: str, timeml: str) -> None:
    assert value.iso == iso
    assert value.timeml == timeml


def test_day_without_year_takes_the_latest_past_occurrence() -> None:
    mention = only("Fighters entered the town on May 28 after a siege.", MONTH_ANCHOR)
    assert mention.text == "May 28"
    assert mention.value == DateValue(dt.date(2011, 5, 28), dt.date(2011, 5, 28), "day")
    assert only("The truce held until November 24.", parse_anchor("2015-11")).value.iso == (
        "2015-11-24"
    )


def test_most_recent_occurrence_crosses_the_year_boundary() -> None:
    mention = only("The convoy was hit on December 3, officials said.", parse_anchor("2015-01-10"))
    assert mention.value.iso == "2014-12-03"


def test_a_day_just_ahead_of_the_anchor_is_the_coming_one() -> None:
    # half as far ahead as the past one would be: the coming occurrence is meant
    mention = only("Talks are due to resume on Dec. 15 in Geneva.", parse_anchor("1989-11-02"))
    assert mention.value.iso == "1989-12-15"


def test_month_alone_needs_a_preposition_and_resolves_to_the_past() -> None:
    assert only("The offensive began in July.", parse_anchor("2015-11")).value.iso == "2015-07"
    assert find_dates("Theresa May met the envoy.", DAY_ANCHOR) == []
    assert find_dates("The rebels may march on the city.", DAY_ANCHOR) == []


def test_full_explicit_dates_in_both_orders_and_numeric_forms() -> None:
    expected = "2011-05-28"
    for text in ("on 28 May 2011", "on May 28, 2011", "on 2011-05-28", "on Saturday, May 28, 2011"):
        mention = only(text, None)
        assert mention.value.iso == expected, text
        assert mention.relation == "at"
    assert only("filed 11/02/89 in court", None).value.iso == "1989-11-02"
    assert only("filed 28/05/2011 in court", None).value.iso == expected


def test_day_month_order_is_a_date() -> None:
    # British order: "4 May" is the fourth of May, not a count of officials
    mention = only("On 4 May officials announced a ceasefire.", parse_anchor("2015-06-01"))
    assert mention.text == "4 May"
    assert mention.value.iso == "2015-05-04"


def test_relative_month_and_year_words() -> None:
    text = "Clashes this month followed a lull last month and a surge last year."
    values = [(m.text, m.value.iso, m.value.precision) for m in find_dates(text, DAY_ANCHOR)]
    assert values == [
        ("this month", "2015-11", "month"),
        ("last month", "2015-10", "month"),
        ("last year", "2014", "year"),
    ]


def test_earlier_this_year_is_part_of_the_year_before_the_anchor() -> None:
    mention = only("The group split earlier this year.", DAY_ANCHOR)
    assert mention.value == DateValue(dt.date(2015, 1, 1), dt.date(2015, 11, 25), "part_of_year")


def test_week_words_need_a_day_anchor() -> None:
    assert only("Shelling resumed last week.", DAY_ANCHOR).value.iso == "2015-W47"
    assert only("Shelling resumed last week.", MONTH_ANCHOR).value is None


def test_weekday_resolution() -> None:
    tuesday = only("The attack happened on Tuesday.", DAY_ANCHOR)
    assert tuesday.text == "Tuesday"
    assert tuesday.value.iso == "2015-11-24"
    assert only("They met last Thursday night.", DAY_ANCHOR).value.iso == "2015-11-19"
    assert only("It happened on Thursday.", DAY_ANCHOR).value.iso == "2015-11-26"
    # a month anchor cannot fix the week: the mention is kept without a value
    assert only("The attack happened on Tuesday.", MONTH_ANCHOR).value is None


def test_parts_of_months_years_and_decades() -> None:
    cases = {
        "in early August": ("2015-08-01", "2015-08-10", "part_of_month"),
        "by mid-August": ("2015-08-11", "2015-08-20", "part_of_month"),
        "in late August": ("2015-08-21", "2015-08-31", "part_of_month"),
        "in late 2001": ("2001-09-01", "2001-12-31", "part_of_year"),
        "since mid-2013": ("2013-05-01", "2013-08-31", "part_of_year"),
        "in the first half of 2015": ("2015-01-01", "2015-06-30", "part_of_year"),
        "in the late 1990s": ("1997-01-01", "1999-12-31", "decade"),
        "during the 1980s": ("1980-01-01", "1989-12-31", "decade"),
    }
    for phrase, (start, end, precision) in cases.items():
        mention = only(f"The militia grew {phrase}, analysts say.", DAY_ANCHOR)
        assert mention.value.start.isoformat() == start, phrase
        assert mention.value.end.isoformat() == end, phrase
        assert mention.value.precision == precision, phrase


def test_seasons_are_northern_hemisphere() -> None:
    spring = only("Talks collapsed in the spring of 2014.", None)
    assert spring.text == "the spring of 2014"
    assert spring.value.timeml == "2014-SP"
    assert (spring.value.start, spring.value.end) == (dt.date(2014, 3, 1), dt.date(2014, 5, 31))
    assert only("They retreated last fall.", DAY_ANCHOR).value.timeml == "2014-FA"
    winter = only("Aid stopped in the winter of 2014.", None).value
    assert (winter.start, winter.end, winter.timeml) == (
        dt.date(2014, 12, 1),
        dt.date(2015, 2, 28),
        "2014-WI",
    )
    assert find_dates("Oil prices continued to fall.", DAY_ANCHOR) == []
    assert find_dates("after the fall of the capital", DAY_ANCHOR) == []


def test_relative_days_and_now_mean_the_document_date() -> None:
    text = "Yesterday the army withdrew; today the town is quiet and now aid arrives."
    values = [(m.text, m.value.iso) for m in find_dates(text, DAY_ANCHOR)]
    assert values == [("Yesterday", "2015-11-25"), ("today", "2015-11-26"), ("now", "2015-11-26")]


def test_counted_offsets() -> None:
    text = "The ambush came on November 10. Two days later the road reopened."
    mentions = find_dates(text, DAY_ANCHOR)
    assert [m.text for m in mentions] == ["November 10", "Two days later"]
    assert mentions[1].value.iso == "2015-11-12"
    assert only("The base fell three years ago.", DAY_ANCHOR).value.iso == "2012"


def test_relations_from_prepositions() -> None:
    text = "The group has held the valley since 2015 and fought there between 2010 and 2012."
    mentions = find_dates(text, DAY_ANCHOR)
    assert [(m.text, m.relation) for m in mentions] == [
        ("2015", "since"),
        ("2010", "between"),
        ("2012", "between"),
    ]
    assert only("It ruled the area until March 2014.", None).relation == "until"
    assert only("It had withdrawn before 2009.", None).relation == "before"
    assert only("It returned after the spring of 2014.", None).relation == "after"


def test_bare_years_only_in_date_like_contexts() -> None:
    assert only("In 2009 the group was founded.", None).value.iso == "2009"
    assert only("the 2009 elections were disputed", None).value.iso == "2009"
    for text in (
        "Some 2,009 fighters surrendered.",
        "The convoy drove along Route 2009.",
        "A force of 2000 fighters gathered.",
        "Officials counted 2009 people in the camp.",
        "The shell killed 1950 people.",
    ):
        assert find_dates(text, DAY_ANCHOR) == [], text


def test_offsets_point_into_the_text() -> None:
    text = "Reports said that on 28 May 2011 and in late 2001 the town changed hands."
    for mention in find_dates(text, None):
        assert text[mention.start : mention.end] == mention.text


def test_no_anchor_keeps_relative_mentions_without_value() -> None:
    mentions = find_dates("On May 28 and last week, and in 2009, the front moved.", None)
    assert [(m.text, m.value is None) for m in mentions] == [
        ("May 28", True),
        ("last week", True),
        ("2009", False),
    ]


def test_longest_match_wins_and_mentions_do_not_overlap() -> None:
    mentions = find_dates("The siege ended in early August 2014 after talks.", None)
    assert [m.text for m in mentions] == ["early August 2014"]
    assert mentions[0].value.precision == "part_of_month"


def test_text_without_dates() -> None:
    assert find_dates("The rebels seized the bridge and the airport.", DAY_ANCHOR) == []
    assert find_dates("", DAY_ANCHOR) == []


def test_normalise_date() -> None:
    assert normalise_date("late 2001", None).timeml == "2001"
    assert normalise_date("May 28", MONTH_ANCHOR).iso == "2011-05-28"
    assert normalise_date("the 1990s", None).iso == "199"
    assert normalise_date("nothing here", None) is None


# One or more phrases for each date rule, in the cases reports write them.
SCREENED_PHRASES = [
    "on 12/05/2020",
    "on 2020-05-12",
    "on May 5",
    "on 5 May 2020",
    "in May 2020",
    "in early May",
    "in late 2020",
    "in the autumn of 2019",
    "in the spring",
    "in the second quarter of 2020",
    "in the 1990s",
    "in 2020",
    "in May of this year",
    "in March",
    "on Monday",
    "yesterday morning",
    "the group is currently in the north",
    "over the weekend",
    "last week",
    "three days ago",
    "Sept. 11",
    "on Thurs. Nov. 26",
]


def test_the_rule_screen_passes_every_text_a_rule_matches() -> None:
    """A date rule is skipped only for a text it cannot match (`_rule_screen`): for each rule,
    each phrase it matches, as written, in capitals and in lowercase, passes the screen."""
    from factions.extract.dates import _grammar, _rule_screen
    from factions.extract.lexicons import ascii_lowered

    rules, screen = _grammar().rules, _rule_screen()
    matched = set()
    for phrase in SCREENED_PHRASES:
        for text in (f"They said {phrase}.", phrase.upper(), phrase.lower()):
            possible = screen.possible(ascii_lowered(text))
            for index, rule in enumerate(rules):
                if rule.pattern.search(text):
                    matched.add(rule.name)
                    assert possible[index], (rule.name, text)
    assert matched == {rule.name for rule in rules}
    skipped = screen.possible(ascii_lowered("The group attacked the town."))
    assert not skipped[[rule.name for rule in rules].index("season")]
