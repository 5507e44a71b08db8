"""Partial dates: the one home of "2011", "2011-06", "2011-W23", "2011-06-15" and "199".

Every stored date keeps its precision as its shape: a decade ("199"), a year, a month, an ISO
week or a day. `PartialDate` parses and validates one against the calendar (2015-02-30 and
month 13 are refused), cuts it to a coarser precision, says which days it covers, compares it
with another, and reads it out ("199" -> "1990s"). Extraction, ingest, the store, queries, the
API, exports and pages all use this module; none of them parses date strings on its own.

As a period a date runs from its first to its last day; two dates "meet" when their periods
overlap, which is the same as comparing them at the shorter of the two precisions. Days are
proleptic Gregorian ordinals (`date.toordinal()`), small integers that any database indexes
well.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

# Bounds for open-ended validity: before and after every real date.
OPEN_START = 0
OPEN_END = dt.date.max.toordinal() + 1

# Precisions a date's shape can carry, coarsest first.
SHAPE_PRECISIONS = ("decade", "year", "month", "week", "day")

_SHAPE = re.compile(
    r"^(?:(?P<decade>\d{3})"
    r"|(?P<year>\d{4})(?:-(?:W(?P<week>\d{2})|(?P<month>\d{2})(?:-(?P<day>\d{2}))?))?)$"
)
# The leading date of a longer timestamp ("2011-06-15T10:00:00Z", "2011-06-15 10:00").
_LEADING = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T\s])")


@dataclass(frozen=True)
class PartialDate:
    """A date known to some precision; `iso` is its stored form."""

    year: int
    month: int | None = None
    day: int | None = None
    week: int | None = None
    decade: bool = False

    # --- making one ---------------------------------------------------------------------------

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """A stored or user-given partial date, or ValueError saying why it is not one."""
        text = value.strip()
        match = _SHAPE.match(text)
        if not match:
            raise ValueError(f"{value!r} is not a date like 2015, 2015-11 or 2015-11-14")
        if match["decade"]:
            return cls(int(match["decade"]) * 10, decade=True)
        year = int(match["year"])
        if year < dt.MINYEAR:
            # The calendar has no year 0; its days could not be counted.
            raise ValueError(f"{value!r} is not a date: there is no year 0")
        if match["week"]:
            week = int(match["week"])
            try:
                dt.date.fromisocalendar(year, week, 1)
            except ValueError:
                raise ValueError(f"{value!r} is not a date: {year} has no week {week}") from None
            return cls(year, week=week)
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{value!r} is not a date: there is no month {month}")
        if day is not None:
            try:
                dt.date(year, month, day)  # type: ignore[arg-type]
            except ValueError:
                raise ValueError(f"{value!r} is not a date: that month has no day {day}") from None
        return cls(year, month, day)

    @classmethod
    def of(cls, value: str | None) -> PartialDate | None:
        """A partial date, or None when the value is missing or malformed."""
        if not value:
            return None
        try:
            return _parsed(value)
        except ValueError:
            return None

    @classmethod
    def leading(cls, value: object) -> PartialDate | None:
        """The date at the start of a timestamp or metadata value ('2011-06-15T10:00Z'); None
        when there is none or it is impossible."""
        if value is None:
            return None
        try:
            return cls.parse_leading(value)
        except ValueError:
            return None

    @classmethod
    def parse_leading(cls, value: object) -> PartialDate:
        """The date at the start of a timestamp or metadata value, or ValueError saying why
        there is none ('2015-02-30T10:00Z': that month has no day 30)."""
        match = _LEADING.match(str(value).strip())
        if not match:
            raise ValueError(f"{value!r} is not a date like 2015, 2015-11 or 2015-11-14")
        return _parsed("-".join(part for part in match.groups() if part))

    @classmethod
    def from_day(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    # --- reading it ---------------------------------------------------------------------------

    @property
    def precision(self) -> str:
        """decade, year, month, week or day."""
        if self.decade:
            return "decade"
        if self.week is not None:
            return "week"
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def iso(self) -> str:
        """The stored form: '199', '2011', '2011-06', '2011-W23', '2011-06-15'."""
        if self.decade:
            return f"{self.year // 10:03d}"
        if self.week is not None:
            return f"{self.year:04d}-W{self.week:02d}"
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """As a reader says it: '199' -> '1990s'; the other shapes read as they are."""
        return f"{self.year}s" if self.decade else self.iso

    @property
    def first_day(self) -> dt.date:
        if self.week is not None:
            return dt.date.fromisocalendar(self.year, self.week, 1)
        return dt.date(max(self.year, 1), self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.week is not None:
            return self.first_day + dt.timedelta(days=6)
        if self.day is not None:
            return self.first_day
        if self.month is not None:
            # monthrange, not "the first of next month minus a day": December 9999 has none.
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year + (9 if self.decade else 0), 12, 31)

    @property
    def days(self) -> tuple[int, int]:
        """(first day, last day) as ordinals."""
        return self.first_day.toordinal(), self.last_day.toordinal()

    def cut(self, precision: str) -> PartialDate:
        """The same date at a coarser precision (a finer one than it has is refused)."""
        if precision not in SHAPE_PRECISIONS:
            raise ValueError(f"unknown precision '{precision}'")
        if precision == self.precision:
            return self
        first = self.first_day
        if precision == "decade":
            return PartialDate(first.year // 10 * 10, decade=True)
        if precision == "year" and not self.decade:
            return PartialDate(first.year)
        if precision == "month" and self.day is not None:
            return PartialDate(first.year, first.month)
        if precision == "week" and self.day is not None:
            year, week, _ = first.isocalendar()
            return PartialDate(year, week=week)
        raise ValueError(f"'{self.iso}' cannot be cut to a {precision}")

    # --- comparing ----------------------------------------------------------------------------

    def overlaps(self, other: PartialDate) -> bool:
        """Whether the two periods share a day ("2015" meets "2015-11-14")."""
        (a_first, a_last), (b_first, b_last) = self.days, other.days
        return a_first <= b_last and b_first <= a_last

    def not_after(self, other: PartialDate) -> bool:
        """self <= other at the shorter of the two precisions: self starts by other's end."""
        return self.days[0] <= other.days[1]

    def not_before(self, other: PartialDate) -> bool:
        """self >= other at the shorter of the two precisions: self ends at or after other's
        start."""
        return self.days[1] >= other.days[0]


@lru_cache(maxsize=16384)
def _parsed(value: str) -> PartialDate:
    return PartialDate.parse(value)


# --- helpers over stored strings -------------------------------------------------------------


def check_date(value: str | None) -> str | None:
    """A user's partial date in its stored form; ValueError (with the reason) if it is not one."""
    if value is None or not value.strip():
        return None
    return PartialDate.parse(value).iso


def precision_of(value: str | None) -> str | None:
    """The precision a stored date carries by its shape; None when missing or malformed."""
    parsed = PartialDate.of(value)
    return parsed.precision if parsed else None


def label(value: str | None) -> str | None:
    """A stored date as a reader says it ('199' -> '1990s'); others unchanged."""
    parsed = PartialDate.of(value)
    return parsed.label if parsed else value


def first_day_iso(value: str | None) -> str | None:
    """The first day a partial date can mean, as YYYY-MM-DD ('2017-W04' -> its Monday)."""
    parsed = PartialDate.of(value)
    return parsed.first_day.isoformat() if parsed else None


# Cached: a knowledge base holds few distinct dates, and timelines parse tens of thousands.
@lru_cache(maxsize=16384)
def previous(value: str | None) -> str | None:
    """The period just before, at the same precision: '2016-05-10' -> '2016-05-09', '2011-06'
    -> '2011-05', '2011' -> '2010'. What ended before a date ended by then."""
    parsed = PartialDate.of(value)
    if parsed is None or parsed.first_day.toordinal() <= 1:
        return None
    day = PartialDate.from_day(parsed.first_day - dt.timedelta(days=1))
    return day.cut(parsed.precision).iso


# Cached: derived data reads the days of every claim around a batch, again with each batch.
@lru_cache(maxsize=16384)
def day_span(value: str | None) -> tuple[int, int] | None:
    """(first day, last day) of a partial date, or None when it is missing or malformed."""
    parsed = PartialDate.of(value)
    return parsed.days if parsed else None


def not_after(value: str | None, bound: str) -> bool:
    """value <= bound, compared at the shorter of the two precisions (None is open-ended)."""
    span, limit = day_span(value), day_span(bound)
    return span is None or limit is None or span[0] <= limit[1]


def not_before(value: str | None, bound: str) -> bool:
    """value >= bound, compared at the shorter of the two precisions (None is open-ended)."""
    span, limit = day_span(value), day_span(bound)
    return span is None or limit is None or span[1] >= limit[0]


def within(start: str | None, end: str | None, lower: str | None, upper: str | None) -> bool:
    """Whether [start, end] meets [lower, upper] (any bound None is open)."""
    return (upper is None or not_after(start, upper)) and (lower is None or not_before(end, lower))


def intervals_overlap(a: tuple[str | None, str | None], b: tuple[str | None, str | None]) -> bool:
    """Two validity intervals (from, to) overlap; an open or unknown end overlaps everything."""
    return within(a[0], a[1], b[0], b[1])


# --- periods of days, for the store and interval queries -------------------------------------


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


def stated_days(
    valid_from: str | None, valid_to: str | None, reported: str | None
) -> tuple[int, int] | None:
    """The days a claim's source speaks for: its validity, an open end cut at the end of the
    report date (a source cannot vouch for what came after it) or, for a claim said to start
    later, at the end of that start. Two claims are accounts of the same time when these meet.
    """
    days = validity_days(valid_from, valid_to, reported)
    report = day_span(reported)
    if days is None or valid_to or report is None or days[1] != OPEN_END:
        return days
    start = day_span(valid_from)
    return days[0], max(report[1], start[1] if start else report[1])


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
