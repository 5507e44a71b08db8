"""Partial dates: one type parses, validates, cuts, compares and reads out every stored date."""

from __future__ import annotations

import datetime as dt

import pytest

from factions.ingest.metadata import normalise_published
from factions.partial_date import (
    PartialDate,
    check_date,
    day_span,
    first_day_iso,
    intervals_overlap,
    label,
    precision_of,
)


@pytest.mark.parametrize(
    ("value", "precision", "first", "last"),
    [
        ("199", "decade", "1990-01-01", "1999-12-31"),
        ("2011", "year", "2011-01-01", "2011-12-31"),
        ("2012-02", "month", "2012-02-01", "2012-02-29"),
        ("2017-W04", "week", "2017-01-23", "2017-01-29"),
        ("2011-05-28", "day", "2011-05-28", "2011-05-28"),
    ],
)
def test_every_shape_parses_to_its_period(
    value: str, precision: str, first: str, last: str
) -> None:
    parsed = PartialDate.parse(value)
    assert parsed.precision == precision and parsed.iso == value
    assert parsed.first_day.isoformat() == first and parsed.last_day.isoformat() == last
    assert day_span(value) == (
        dt.date.fromisoformat(first).toordinal(),
        dt.date.fromisoformat(last).toordinal(),
    )


@pytest.mark.parametrize("value", ["2015-02-30", "2015-13", "2015-00", "2014-W53", "15", "2015/11"])
def test_impossible_or_malformed_dates_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        PartialDate.parse(value)
    assert PartialDate.of(value) is None and day_span(value) is None
    with pytest.raises(ValueError):
        check_date(value)


def test_a_leap_day_is_a_date_only_in_a_leap_year() -> None:
    assert PartialDate.of("2016-02-29") is not None
    assert PartialDate.of("2015-02-29") is None


def test_cut_to_a_coarser_precision() -> None:
    day = PartialDate.parse("2015-11-14")
    assert day.cut("month").iso == "2015-11"
    assert day.cut("year").iso == "2015"
    assert day.cut("decade").iso == "201"
    assert day.cut("week").iso == "2015-W46"
    with pytest.raises(ValueError):
        PartialDate.parse("2015").cut("day")


def test_read_out_and_first_day() -> None:
    assert label("199") == "1990s" and label("2011-06") == "2011-06" and label(None) is None
    assert first_day_iso("2017-W04") == "2017-01-23" and first_day_iso("199") == "1990-01-01"
    assert precision_of("2011-06") == "month" and precision_of("2011-02-30") is None


def test_periods_compare_by_overlap() -> None:
    assert PartialDate.parse("2015").overlaps(PartialDate.parse("2015-11-14"))
    assert not PartialDate.parse("2014").overlaps(PartialDate.parse("2015-11"))
    assert intervals_overlap(("1998", None), ("2015-11", "2015-11"))
    assert not intervals_overlap(("1998", "2001"), ("2015-11", "2015-11"))


def test_published_dates_keep_their_precision_and_refuse_the_impossible() -> None:
    assert normalise_published("2011-06-15T10:00:00Z") == ("2011-06-15", "day")
    assert normalise_published("2011-06") == ("2011-06", "month")
    assert normalise_published("2015-02-30") == (None, None)


def test_year_zero_is_refused_and_december_9999_has_an_end() -> None:
    # Both used to pass parsing and then fail counting days (a 500 from the API).
    for value in ("0000", "0000-01"):
        with pytest.raises(ValueError, match="there is no year 0"):
            PartialDate.parse(value)
    assert PartialDate.parse("9999-12").last_day == dt.date(9999, 12, 31)


def test_errors_quote_the_value_on_one_line() -> None:
    with pytest.raises(ValueError) as caught:
        PartialDate.parse("2015\n-02")
    assert "\n" not in str(caught.value)
