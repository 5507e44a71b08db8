"""Partial dates as periods of days, so that "2011", "2011-06" and "2011-06-15" compare by overlap.

A stored date keeps its precision as its shape: "201" (a decade), "2011", "2011-06", "2011-06-15"
or an ISO week "2011-W23". As a period it runs from its first to its last day; two dates
"meet" when their periods overlap, which is the same as comparing them at the shorter of the
two precisions. Days are proleptic Gregorian ordinals (`date.toordinal()`), small integers that
any database indexes well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

# Bounds for open-ended validity: before and after every real date.
OPEN_START = 0
OPEN_END = dt.date.max.toordinal() + 1

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DECADE = re.compile(r"^(\d{3})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# Cached: a knowledge base holds few distinct dates, and timelines parse tens of thousands.
@lru_cache(maxsize=16384)
def day_span(value: str | None) -> tuple[int, int] | None:
    """(first day, last day) of a partial ISO date, or None when it is missing or malformed."""
    if not value:
        return None
    try:
        return _span(value.strip())
    except ValueError:
        return None


def _span(value: str) -> tuple[int, int] | None:
    if match := _DAY.match(value):
        day = dt.date(int(match[1]), int(match[2]), int(match[3])).toordinal()
        return day, day
    if match := _MONTH.match(value):
        year, month = int(match[1]), int(match[2])
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, 1).toordinal(), dt.date(year, month, last).toordinal()
    if match := _YEAR.match(value):
        year = int(match[1])
        return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    if match := _DECADE.match(value):
        start = int(match[1]) * 10
        return dt.date(max(start, 1), 1, 1).toordinal(), dt.date(start + 9, 12, 31).toordinal()
    if match := _WEEK.match(value):
        year, week = int(match[1]), max(int(match[2]), 1)
        try:
            monday = dt.date.fromisocalendar(year, week, 1).toordinal()
        except ValueError:
            # Week 53 of a year that has 52: the year is what the text gave us.
            return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        return monday, monday + 6
    return None


def validity_days(
    valid_from: str | None, valid_to: str | None, reported: str | None
) -> tuple[int, int] | None:
    """The days a claim holds: from its start to its end, a missing bound open.

    A claim with neither bound holds on the day (or month, year) it was reported; with no
    report date either it holds always.
    """
    if not valid_from and not valid_to:
        if not reported:
            return OPEN_START, OPEN_END
        return day_span(reported)
    start = day_span(valid_from)
    end = day_span(valid_to)
    return (start[0] if start else OPEN_START, end[1] if end else OPEN_END)


def query_days(lower: str | None, upper: str | None) -> tuple[int, int]:
    """The days a query's [lower, upper] covers, an absent bound open."""
    low = day_span(lower)
    high = day_span(upper)
    return (low[0] if low else OPEN_START, high[1] if high else OPEN_END)


# Classes of period length, for interval queries on a plain B-tree index: a period of class c
# starts at most LENGTH_CLASSES[c] days before the query's first day if it reaches it, so each
# class is one short index range. The last class holds everything longer, open ends included.
LENGTH_CLASSES = (0, 31, 366, 1100, 3660)


def length_class(first: int, last: int) -> int:
    """The index of the shortest length class that holds the period [first, last]."""
    length = last - first
    for index, longest in enumerate(LENGTH_CLASSES):
        if length <= longest:
            return index
    return len(LENGTH_CLASSES)


def partial_date(value: str | None) -> str | None:
    """A stored partial date as a reader says it ('199' -> 1990s); others unchanged."""
    if value and len(value) == 3 and value.isdigit():
        return f"{value}0s"
    return value
