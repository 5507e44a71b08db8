"""Find date expressions in news text and resolve them against the document date.

News dates are relative and partial ("on May 28", "last week", "late 2001", "the spring of
2014"), so recognition is a small regular grammar whose vocabulary lives in
``data/lexicons/dates.toml``, and resolution is calendar arithmetic against an *anchor*: the
document's publication date, which may itself be only a month or a year.

Resolution rules (the anchor interval is ``anchor.start .. anchor.end``):

* A month or a day named without a year ("May 28", "in July", "the third quarter") takes the
  most recent occurrence that does not start after ``anchor.end`` -- an article of 2011-06
  saying "May 28" means 2011-05-28; one of 2015-01-10 saying "December 3" means 2014-12-03 --
  *unless* the next occurrence is less than half as far away and at most two months ahead:
  "Dec. 15" in an article of 1989-11-02 is the coming one (measured on TimeBank: news names
  coming dates too), "in March" in one of 2015-11-26 is past.
* "last <month|season|weekday>" is the most recent one that ends before the anchor starts;
  "next ..." the first that starts after it ends; "this ..." the one in the anchor's year.
* Weekday names need a day-precision anchor; with a coarser anchor the mention is kept with
  ``value=None`` because the week cannot be fixed. A bare weekday is the most recent such day
  on or before the anchor, by the same rule as above unless the next one is less than half as
  far ("Tuesday" in a Monday article is tomorrow, "Thursday" is last Thursday).
  "this/last/next week", "the weekend" and "N days ago" likewise need a day anchor.
* "today", "now", "currently" resolve to the anchor itself, at the anchor's precision.
* "two days later"/"a year earlier" count from the previous date mentioned in the same text,
  or from the anchor when there is none; "... ago" always counts from the anchor.
* With no anchor, only what the text fixes by itself is resolved ("28 May 2011", "in 2009",
  "the 1990s"); relative or year-less mentions are still returned, with ``value=None``.

Numeric dates ("11/02/89") are read month first unless the first number exceeds 12.
Bare four-digit years (1900-2099) are taken only in date-like contexts (see the ``[years]``
table of the lexicon): "in 2009" and "the 2009 elections" are years, "2,009 fighters",
"a force of 2000 fighters" and "Route 2009" are not.

The recogniser is regular expressions over the raw text; dateparser is only used by
:func:`normalise_date` as a fallback for explicit full dates the grammar does not know.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from factions.extract.lexicons import LiteralScreen, ascii_lowered
from factions.packaged import read_toml
from factions.partial_date import PartialDate

PRECISIONS = (
    "day",
    "week",
    "part_of_month",
    "month",
    "season",
    "part_of_year",
    "year",
    "decade",
)

# The stored shape of each precision the text can give.
_SHAPE_OF_PRECISION = {
    "day": "day",
    "week": "week",
    "part_of_month": "month",
    "month": "month",
    "season": "year",
    "part_of_year": "year",
    "year": "year",
    "decade": "decade",
}
_SEASON_CODE_BY_START = {3: "SP", 6: "SU", 9: "FA", 12: "WI"}
_QUARTER_STARTS = {1: 1, 4: 2, 7: 3, 10: 4}
# News looks ahead a few weeks at most ("talks resume on Dec. 15"); beyond that a year-less
# date is taken to be past, since conflict reports mostly tell what has happened.
_FUTURE_HORIZON_DAYS = 62


@dataclass(frozen=True)
class DateValue:
    """A calendar interval and how finely the text fixed it."""

    start: dt.date
    end: dt.date
    precision: str

    @property
    def iso(self) -> str:
        """ISO 8601 text cut to the precision ("2011-05-28", "2015-W48", "2015-08", "199");
        a season or part of a year is stored as its year (winter by the year it starts in)."""
        shape = _SHAPE_OF_PRECISION.get(self.precision, "decade")
        return PartialDate.from_day(self.start).cut(shape).iso

    @property
    def timeml(self) -> str:
        """The TimeML/TIMEX3 ``value`` ("2014-SP", "1989-Q3", "1998-W07-WE", "199")."""
        if self.precision == "week" and self._is_weekend():
            return f"{self.iso}-WE"
        if self.precision == "season":
            return f"{self.iso}-{_SEASON_CODE_BY_START.get(self.start.month, 'XX')}"
        if self.precision == "part_of_year":
            return f"{self.iso}{self._year_part_suffix()}"
        return self.iso

    def _is_weekend(self) -> bool:
        return self.start.isoweekday() == 6 and (self.end - self.start).days == 1

    def _year_part_suffix(self) -> str:
        """ "-Q3" or "-H1" when the interval is exactly a calendar quarter or half, else ""."""
        if self.start.day != 1 or self.end != _month_end(self.end.year, self.end.month):
            return ""
        months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1
        if months == 3 and self.start.month in _QUARTER_STARTS:
            return f"-Q{_QUARTER_STARTS[self.start.month]}"
        if months == 6 and self.start.month in (1, 7):
            return "-H1" if self.start.month == 1 else "-H2"
        return ""


@dataclass(frozen=True)
class DateMention:
    """A date expression at character offsets ``start:end`` of the text it was found in.

    ``relation`` comes from the preposition in front ("since 2015" -> "since"); in "between
    2010 and 2012" both mentions get "between", the first being the lower bound.
    """

    start: int
    end: int
    text: str
    value: DateValue | None
    relation: str


# ---------------------------------------------------------------------------------------------
# Calendar helpers


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def day_value(day: dt.date) -> DateValue:
    return DateValue(day, day, "day")


def month_value(year: int, month: int) -> DateValue:
    return DateValue(dt.date(year, month, 1), _month_end(year, month), "month")


def year_value(year: int) -> DateValue:
    return DateValue(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")


def week_value(day: dt.date) -> DateValue:
    monday = day - dt.timedelta(days=day.isoweekday() - 1)
    return DateValue(monday, monday + dt.timedelta(days=6), "week")


def _weekend_value(day: dt.date) -> DateValue:
    saturday = day - dt.timedelta(days=day.isoweekday() - 1) + dt.timedelta(days=5)
    return DateValue(saturday, saturday + dt.timedelta(days=1), "week")


def _months_value(year: int, first: int, last: int, precision: str) -> DateValue:
    """Months ``first..last`` of ``year``; a range wrapping New Year starts the year before."""
    start_year = year - 1 if first > last else year
    return DateValue(dt.date(start_year, first, 1), _month_end(year, last), precision)


def _month_part_value(year: int, month: int, first: int, last: int) -> DateValue:
    end_day = min(last, calendar.monthrange(year, month)[1])
    return DateValue(dt.date(year, month, first), dt.date(year, month, end_day), "part_of_month")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _shift_months(year: int, month: int, offset: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _latest_not_after(
    make: Callable[[int], DateValue | None], anchor: DateValue | None
) -> DateValue | None:
    """The most recent yearly occurrence that does not start after the anchor's end."""
    if anchor is None:
        return None
    for year in (anchor.end.year + 1, anchor.end.year, anchor.end.year - 1):
        value = make(year)
        if value is not None and value.start <= anchor.end:
            return value
    return None


def _nearest(make: Callable[[int], DateValue | None], anchor: DateValue | None) -> DateValue | None:
    """The occurrence a year-less date means: the latest one not after the anchor, unless the
    next one is less than half as far away ("Dec. 15" in an article of November 2 is coming)."""
    past = _latest_not_after(make, anchor)
    future = _first_after(make, anchor)
    if anchor is None or past is None or future is None:
        return past or future
    past_gap = (anchor.start - past.end).days
    if past_gap <= 0:
        return past
    future_gap = (future.start - anchor.end).days
    return future if future_gap <= _FUTURE_HORIZON_DAYS and 2 * future_gap < past_gap else past


def _latest_before(
    make: Callable[[int], DateValue | None], anchor: DateValue | None
) -> DateValue | None:
    """The most recent yearly occurrence that ends before the anchor starts ("last May")."""
    if anchor is None:
        return None
    for year in (anchor.start.year, anchor.start.year - 1, anchor.start.year - 2):
        value = make(year)
        if value is not None and value.end < anchor.start:
            return value
    return None


def _first_after(
    make: Callable[[int], DateValue | None], anchor: DateValue | None
) -> DateValue | None:
    """The first yearly occurrence that starts after the anchor ends ("next March")."""
    if anchor is None:
        return None
    for year in (anchor.end.year, anchor.end.year + 1, anchor.end.year + 2):
        value = make(year)
        if value is not None and value.start > anchor.end:
            return value
    return None


def _by_modifier(
    make: Callable[[int], DateValue | None], modifier: str | None, anchor: DateValue | None
) -> DateValue | None:
    """Pick the occurrence of a yearly recurring date a modifier ("last", "next", ...) names."""
    if anchor is None:
        return None
    if modifier in ("last", "this past", "past"):
        return _latest_before(make, anchor)
    if modifier in ("next", "coming"):
        return _first_after(make, anchor)
    if modifier == "this":
        return make(anchor.start.year)
    return _nearest(make, anchor)


# ---------------------------------------------------------------------------------------------
# Lexicon and grammar


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    return read_toml("lexicons", "dates.toml")


def _alternation(words: list[str] | set[str] | dict) -> str:
    """A regex alternation, longest first so that "this past" wins over "this"."""
    ordered = sorted(words, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _cased_alternation(words: list[str], abbreviations: set[str]) -> str:
    """Title and UPPER case forms; abbreviations may carry a full stop."""
    forms = []
    for word in sorted(words, key=lambda w: (-len(w), w)):
        for form in dict.fromkeys((word, word.upper())):
            forms.append(rf"{form}(?:\.|\b)" if word in abbreviations else rf"{form}\b")
    return "|".join(forms)


def _key(text: str) -> str:
    """Lexicon key of a matched word: lower case, single spaces, no full stop or hyphen."""
    return " ".join(text.lower().replace(".", " ").replace("-", " ").split())


@dataclass(frozen=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    prefix: re.Pattern[str] | None
    prefix_required: bool


class _Hit:
    """A rule's match widened by the words in front of it, with the groups of both."""

    __slots__ = ("_end", "_groups", "_start")

    def __init__(self, groups: dict[str, str | None], start: int, end: int) -> None:
        self._groups, self._start, self._end = groups, start, end

    def __getitem__(self, name: str) -> str | None:
        return self._groups.get(name)

    def groupdict(self) -> dict[str, str | None]:
        return self._groups

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


@dataclass(frozen=True)
class _Grammar:
    rules: tuple[_Rule, ...]
    relation_before: re.Pattern[str]
    year_strong: re.Pattern[str]
    year_weak: re.Pattern[str]
    year_label: re.Pattern[str]
    year_determiner: re.Pattern[str]
    year_followers: frozenset[str]
    count_nouns: frozenset[str]
    season_excluded: frozenset[str]
    month_context: re.Pattern[str]
    following_word: re.Pattern[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    lex: dict


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = _lexicon()
    full_months = [m for m, n in lex["months"].items() if len(m) > 3 or m == "May"]
    full_months = [m for m in full_months if m not in ("Sept",)]
    abbreviations = {m for m in lex["months"] if m not in full_months}
    month_any = _cased_alternation(list(lex["months"]), abbreviations)
    month_full = _cased_alternation(full_months, set())
    weekday_abbr = set(lex["weekday_abbreviations"]["only_before_date"])
    weekday_full = _cased_alternation([w for w in lex["weekdays"] if w not in weekday_abbr], set())
    weekday_any = _cased_alternation(list(lex["weekdays"]), weekday_abbr)
    day = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?![\w])"
    year = r"(?:19|20)[0-9]{2}(?![0-9]|,[0-9]|\.[0-9]|%)"
    lead = r"(?<![\w$£€#./-])"
    lead_hyphen = r"(?<![\w$£€#./])"
    month_parts = _alternation(lex["month_parts"])
    year_parts = _alternation(lex["year_parts"])
    seasons = _alternation(lex["seasons"])
    day_parts = _alternation(lex["day_parts"]["words"])
    numbers = _alternation(lex["numbers"])
    counted = _alternation(lex["counted_units"])
    directions = _alternation(lex["offset_directions"])
    modifiers = _alternation(lex["unit_modifiers"])
    units = _alternation(lex["modified_units"])
    within = _alternation(lex["within_unit"])
    quarters = _alternation(lex["quarters"])
    decade_parts = _alternation(lex["decade_parts"])
    relative_days = _alternation(lex["relative_days"])
    present = _alternation(lex["present"]["words"])

    weekday_prefix = rf"(?:{weekday_any}),?\s+$"
    modifier_prefix = rf"(?i:\b(?P<mod>{modifiers}))\s+$"
    # Each rule: (core pattern, pattern of the words that may (or must) precede the core,
    # whether they must). Cores start with their most selective word so that the scan is fast.
    patterns: dict[str, tuple[str, str | None, bool]] = {
        "numeric": (
            r"(?<![\w/.-])(?P<a>[0-9]{1,2})/(?P<b>[0-9]{1,2})/(?P<y>[0-9]{4}|[0-9]{2})(?![\w/])",
            None,
            False,
        ),
        "iso": (
            rf"(?<![\w.-])(?P<y>{year})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12][0-9]|3[01])"
            r"(?![\w-])",
            None,
            False,
        ),
        "month_day": (
            rf"(?P<m>{month_any})\s*(?P<d>{day})(?:,?\s*(?P<y>{year}))?",
            weekday_prefix,
            False,
        ),
        "day_month": (
            rf"{lead}(?P<d>{day})(?:\s+of)?\s+(?P<m>{month_any})(?:,?\s+(?P<y>{year}))?",
            rf"(?:(?:{weekday_any}),?\s+)?(?:(?i:the)\s+)?$",
            False,
        ),
        "month_year": (rf"(?P<m>{month_any})(?:\s+of)?,?\s+(?P<y>{year})", None, False),
        "month_part": (
            rf"(?P<m>{month_any})(?:,?\s+(?P<y>{year}))?",
            rf"(?i:\b(?P<p>{month_parts}))(?:\s+|-)$",
            True,
        ),
        "year_part": (
            rf"{lead_hyphen}(?P<y>{year})",
            rf"(?i:\b(?P<p>{year_parts}))(?:\s+|-)$",
            True,
        ),
        "season_year": (
            rf"(?i:\b(?P<s>{seasons}))(?:\s+of)?,?\s+(?P<y>{year})",
            r"(?i:\bthe\s+)$",
            False,
        ),
        "season": (
            rf"(?i:\b(?P<s>{seasons})\b)(?!\s+of\b)",
            rf"(?i:\b(?P<mod>{modifiers}|the))\s+$",
            False,
        ),
        "quarter": (
            rf"(?i:\b(?P<q>{quarters})[\s-]+quarter\b)"
            rf"(?:\s+of\s+(?:(?i:fiscal)\s+)?(?P<y>{year})|\s+(?P<y2>{year}))?",
            r"(?i:\b(?:the\s+)?(?:fiscal\s+)?)$",
            False,
        ),
        "decade": (
            rf"{lead_hyphen}(?P<y>(?:19|20)[0-9]0)'?s\b",
            rf"(?i:\b(?:the\s+)?(?:(?P<p>{decade_parts})[\s-]+)?)$",
            False,
        ),
        "year": (rf"{lead}(?P<y>{year})", r"(?P<f>(?i:\bfiscal))\s+$", False),
        "month_of_year": (
            rf"(?P<m>{month_full})\s+(?:(?i:of)\s+)?(?i:(?P<mod>{modifiers})\s+year\b)",
            None,
            False,
        ),
        "month": (rf"(?P<m>{month_full})", modifier_prefix, False),
        "weekday": (
            rf"(?P<w>{weekday_full})(?:\s+(?i:{day_parts})\b)?",
            modifier_prefix,
            False,
        ),
        "relative_day": (
            rf"(?i:\b(?P<r>{relative_days})\b(?:\s+(?:{day_parts})\b)?)",
            r"(?i:\b(?:early|late)\s+)$",
            False,
        ),
        "present": (rf"(?i:\b(?:{present})\b)", None, False),
        "the_weekend": (r"(?i:\bthe\s+weekend\b)", None, False),
        "unit": (
            rf"(?i:\b(?P<mod>{modifiers})\s+(?P<u>{units})\b)",
            rf"(?i:\b(?P<w>{within}))\s+$",
            False,
        ),
        "offset": (
            rf"(?i:\b(?P<u>{counted})\s+(?P<dir>{directions})\b)",
            rf"(?i:\b(?P<n>{numbers}|[0-9]{{1,2}}))\s+$",
            True,
        ),
    }
    rules = tuple(
        _Rule(name, re.compile(core), re.compile(prefix) if prefix else None, required)
        for name, (core, prefix, required) in patterns.items()
    )
    relations = _alternation(lex["relations"])
    strong = _alternation(lex["years"]["strong_preceding"])
    weak = _alternation(lex["years"]["weak_preceding"])
    month_context = _alternation(
        [*lex["relations"], *lex["years"]["weak_preceding"], *lex["month_parts"]]
    )
    return _Grammar(
        rules=rules,
        relation_before=re.compile(rf"(?i:\b(?P<rel>{relations})\s+(?:the\s+)?)$"),
        year_strong=re.compile(rf"(?i:\b(?:{strong})[\s-]+(?:the\s+)?(?:year\s+)?)$"),
        year_weak=re.compile(rf"(?:^|[(,;:\[.!?\"]\s*|(?i:\b(?:{weak})\s+))$"),
        year_determiner=re.compile(
            rf"(?i:\b(?:{_alternation(lex['years']['determiners'])}))\s+(?:[a-z]+\s+)?$"
        ),
        year_followers=frozenset(lex["years"]["followers"]),
        count_nouns=frozenset(lex["years"]["count_nouns"]),
        season_excluded=frozenset(lex["season_context"]["excluded"]),
        year_label=re.compile(rf"\b(?:{_alternation(lex['years']['labels'])})\.?\s+$"),
        month_context=re.compile(rf"(?i:\b(?:{month_context})\s+)$"),
        following_word=re.compile(r"\s+([a-z]+)\b"),
        months={_key(k): v for k, v in lex["months"].items()},
        weekdays={_key(k): v for k, v in lex["weekdays"].items()},
        lex=lex,
    )


# ---------------------------------------------------------------------------------------------
# Resolution of one match


@dataclass(frozen=True)
class _Context:
    text: str
    anchor: DateValue | None
    previous: DateValue | None


def _year_of(text: str | None) -> int | None:
    return int(text) if text else None


def _resolve_day(month: int, day: int, year: int | None, ctx: _Context) -> DateValue | None:
    if year is not None:
        found = _safe_date(year, month, day)
        return day_value(found) if found else None

    def make(y: int) -> DateValue | None:
        found = _safe_date(y, month, day)
        return day_value(found) if found else None

    return _nearest(make, ctx.anchor)


def _numeric(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    first, second, year = int(m["a"]), int(m["b"]), int(m["y"])
    if len(m["y"]) == 2:
        year += 1900 if year >= 50 else 2000
    month, day = (second, first) if first > 12 else (first, second)
    found = _safe_date(year, month, day) if 1 <= month <= 12 else None
    return day_value(found) if found else None


def _iso(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    found = _safe_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return day_value(found) if found else None


def _month_day(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    day = int(re.match(r"[0-9]+", m["d"]).group())
    return _resolve_day(g.months[_key(m["m"])], day, _year_of(m["y"]), ctx)


def _month_year(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    return month_value(int(m["y"]), g.months[_key(m["m"])])


def _month_part(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    month = g.months[_key(m["m"])]
    first, last = g.lex["month_parts"][_key(m["p"])]

    def make(y: int) -> DateValue:
        return _month_part_value(y, month, first, last)

    year = _year_of(m["y"])
    if year is not None:
        return make(year)
    # the month decides the year ("late November" in an article of early November is this one)
    found = _nearest(lambda y: month_value(y, month), ctx.anchor)
    return make(found.start.year) if found else None


def _year_part(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    first, last = g.lex["year_parts"][_key(m["p"])]
    return _months_value(int(m["y"]), first, last, "part_of_year")


def _season_maker(name: str, g: _Grammar) -> Callable[[int], DateValue]:
    first, last = g.lex["seasons"][_key(name)]
    return lambda y: _months_value(y, first, last, "season")


def _season_year(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    make = _season_maker(m["s"], g)
    year = int(m["y"])
    # "winter 2014" is the winter that starts in December 2014
    return make(year + 1) if make(year).start.year < year else make(year)


def _season(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    modifier = _key(m["mod"]) if m["mod"] else None
    return _by_modifier(
        _season_maker(m["s"], g), None if modifier == "the" else modifier, ctx.anchor
    )


def _quarter(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    quarter = g.lex["quarters"][_key(m["q"])]
    first = 3 * quarter - 2

    def make(y: int) -> DateValue:
        return _months_value(y, first, first + 2, "part_of_year")

    year = _year_of(m["y"] or m["y2"])
    return make(year) if year is not None else _nearest(make, ctx.anchor)


def _decade(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    base = int(m["y"])
    first, last = g.lex["decade_parts"][_key(m["p"])] if m["p"] else (0, 9)
    return DateValue(dt.date(base + first, 1, 1), dt.date(base + last, 12, 31), "decade")


def _year(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    return year_value(int(m["y"]))


def _month(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    month = g.months[_key(m["m"])]
    modifier = _key(m["mod"]) if m["mod"] else None
    return _by_modifier(lambda y: month_value(y, month), modifier, ctx.anchor)


def _month_of_year(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    """ "June last year", "January of this year"."""
    if ctx.anchor is None:
        return None
    offset = g.lex["unit_modifiers"][_key(m["mod"])]
    return month_value(ctx.anchor.start.year + offset, g.months[_key(m["m"])])


def _the_weekend(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    """ "over the weekend": the latest weekend that has begun by the anchor day."""
    anchor = ctx.anchor
    if anchor is None or anchor.precision != "day":
        return None
    weekend = _weekend_value(anchor.start)
    return (
        weekend
        if weekend.start <= anchor.start
        else _weekend_value(anchor.start - dt.timedelta(weeks=1))
    )


def _weekday(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    anchor = ctx.anchor
    if anchor is None or anchor.precision != "day":
        return None
    target = g.weekdays[_key(m["w"])]
    back = (anchor.start.isoweekday() - target) % 7
    modifier = _key(m["mod"]) if m["mod"] else None
    if modifier in ("next",):
        return day_value(
            anchor.start + dt.timedelta(days=(target - anchor.start.isoweekday()) % 7 or 7)
        )
    if modifier in ("last", "this past") and back == 0:
        back = 7
    ahead = (target - anchor.start.isoweekday()) % 7
    if modifier is None and back and 2 * ahead < back:
        return day_value(anchor.start + dt.timedelta(days=ahead))
    return day_value(anchor.start - dt.timedelta(days=back))


def _relative_day(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    anchor = ctx.anchor
    offset = g.lex["relative_days"][_key(m["r"])]
    if anchor is None or (anchor.precision != "day" and offset != 0):
        return None
    if offset == 0:
        return anchor
    return day_value(anchor.start + dt.timedelta(days=offset))


def _present(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    return ctx.anchor


def _unit(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    anchor = ctx.anchor
    if anchor is None:
        return None
    unit = g.lex["modified_units"][_key(m["u"])]
    offset = g.lex["unit_modifiers"][_key(m["mod"])]
    base = _unit_value(unit, offset, anchor)
    if base is None or not m["w"]:
        return base
    return _within_unit(base, unit, g.lex["within_unit"][_key(m["w"])], anchor, g)


def _unit_value(unit: str, offset: int, anchor: DateValue) -> DateValue | None:
    if unit == "year":
        return year_value(anchor.start.year + offset)
    if unit == "month":
        if anchor.precision not in ("day", "week", "part_of_month", "month"):
            return None
        return month_value(*_shift_months(anchor.start.year, anchor.start.month, offset))
    if anchor.precision != "day":
        return None
    day = anchor.start + dt.timedelta(weeks=offset)
    if unit == "weekend":
        weekend = _weekend_value(day)
        # "last weekend" said on a Sunday is the day before yesterday's weekend, not this one
        if offset < 0 and weekend.start + dt.timedelta(days=7) <= anchor.start:
            return _weekend_value(day + dt.timedelta(weeks=1))
        return weekend
    return week_value(day)


def _within_unit(
    base: DateValue, unit: str, where: str, anchor: DateValue, g: _Grammar
) -> DateValue | None:
    """ "earlier this year", "early next year", "later this month": a part of ``base``."""
    precision = {"year": "part_of_year", "month": "part_of_month"}.get(unit, "week")
    if where == "before" and base.start <= anchor.start <= base.end:
        return DateValue(
            base.start, max(base.start, anchor.start - dt.timedelta(days=1)), precision
        )
    if where == "after" and base.start <= anchor.end <= base.end:
        return DateValue(min(base.end, anchor.end + dt.timedelta(days=1)), base.end, precision)
    if unit == "year":
        first, last = g.lex["year_parts"]["early" if where in ("start", "before") else "late"]
        return _months_value(base.start.year, first, last, precision)
    if unit == "month":
        first, last = g.lex["month_parts"]["early" if where in ("start", "before") else "late"]
        return _month_part_value(base.start.year, base.start.month, first, last)
    return base


def _offset(m: _Hit, g: _Grammar, ctx: _Context) -> DateValue | None:
    count_text = _key(m["n"])
    count = int(count_text) if count_text.isdigit() else g.lex["numbers"][count_text]
    direction = g.lex["offset_directions"][_key(m["dir"])]
    unit = g.lex["counted_units"][_key(m["u"])]
    base = ctx.anchor if _key(m["dir"]) == "ago" or ctx.previous is None else ctx.previous
    if base is None:
        return None
    return _count_from(base, unit, count * direction)


def _count_from(base: DateValue, unit: str, offset: int) -> DateValue | None:
    """``offset`` units from ``base``, at the precision of the unit (never finer than base)."""
    if unit == "year":
        return year_value(base.start.year + offset)
    if unit == "month":
        if base.precision not in ("day", "week", "part_of_month", "month"):
            return None
        return month_value(*_shift_months(base.start.year, base.start.month, offset))
    if base.precision not in ("day", "week"):
        return None
    if unit == "week":
        return week_value(base.start + dt.timedelta(weeks=offset))
    if base.precision != "day":
        return None
    return day_value(base.start + dt.timedelta(days=offset))


# ---------------------------------------------------------------------------------------------
# Context checks for the ambiguous shapes


def _accept_year(m: _Hit, g: _Grammar, text: str) -> bool:
    """Whether a bare four-digit number is a year rather than a count or a label.

    Edited news writes counts of a thousand and more with a comma ("2,000 troops"), so a
    four-digit number is usually a year; it still needs a date-like context.
    """
    if m["f"]:
        return True
    before = text[max(0, m.start() - 30) : m.start()]
    if g.year_label.search(before):
        return False
    if g.year_strong.search(before):
        return True
    follower = g.following_word.match(text, m.end())
    next_word = follower.group(1) if follower else None
    if next_word in g.count_nouns:
        return False
    if g.year_determiner.search(before):
        return True
    if not g.year_weak.search(before):
        return False
    return next_word is None or next_word in g.year_followers


def _accept_bare_word(m: _Hit, g: _Grammar, text: str) -> bool:
    """A bare month or season ("May", "fall") needs a modifier or a preposition in front."""
    modifier = m["mod"]
    if modifier and _key(modifier) != "the":
        return True
    before = text[max(0, m.start() - 25) : m.start()]
    context = g.month_context.search(before)
    if context is None:
        return False
    return "s" not in m.groupdict() or _key(context.group(0)) not in g.season_excluded


def _accept_relative_day(m: _Hit, g: _Grammar, text: str) -> bool:
    # the newspaper, not the day
    return not text[max(0, m.start() - 4) : m.start()].endswith("USA ")


_RESOLVERS: dict[str, Callable[[_Hit, _Grammar, _Context], DateValue | None]] = {
    "numeric": _numeric,
    "iso": _iso,
    "month_day": _month_day,
    "day_month": _month_day,
    "month_year": _month_year,
    "month_part": _month_part,
    "year_part": _year_part,
    "season_year": _season_year,
    "season": _season,
    "quarter": _quarter,
    "decade": _decade,
    "year": _year,
    "month_of_year": _month_of_year,
    "month": _month,
    "weekday": _weekday,
    "relative_day": _relative_day,
    "present": _present,
    "the_weekend": _the_weekend,
    "unit": _unit,
    "offset": _offset,
}

_ACCEPTORS: dict[str, Callable[[_Hit, _Grammar, str], bool]] = {
    "year": _accept_year,
    "month": _accept_bare_word,
    "season": _accept_bare_word,
    "relative_day": _accept_relative_day,
}


# ---------------------------------------------------------------------------------------------
# Public API


def parse_anchor(published: str | None) -> DateValue | None:
    """The document date as a DateValue: "2015-11-26" (day), "2011-06" (month), "2015" (year).

    A time part ("1998-02-13T14:26:00") is ignored; anything unreadable gives None.
    """
    if not published:
        return None
    found = re.match(r"\s*((?:19|20)[0-9]{2})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?", published)
    if not found:
        return None
    year, month, day = found.group(1), found.group(2), found.group(3)
    if day:
        value = _safe_date(int(year), int(month), int(day))
        return day_value(value) if value else None
    if month:
        return month_value(int(year), int(month)) if 1 <= int(month) <= 12 else None
    return year_value(int(year))


_PREFIX_WINDOW = 40


def _hits(text: str, rule: _Rule) -> list[_Hit]:
    hits = []
    for m in rule.pattern.finditer(text):
        start, groups = m.start(), m.groupdict()
        if rule.prefix is not None:
            prefix = rule.prefix.search(text, max(0, start - _PREFIX_WINDOW), start)
            if prefix is not None and prefix.end() > prefix.start():
                start = prefix.start()
                groups = {**groups, **{k: v for k, v in prefix.groupdict().items() if v}}
            elif rule.prefix_required:
                continue
        if m.end() > start:
            hits.append(_Hit(groups, start, m.end()))
    return hits


@lru_cache(maxsize=1)
def _rule_screen() -> LiteralScreen:
    """The rules screened by the strings each needs: most texts name no season, quarter or
    "yesterday", and a substring test says so faster than a scan of the text by the regex."""
    return LiteralScreen([rule.pattern for rule in _grammar().rules], any_case=True)


def _candidates(text: str, g: _Grammar) -> list[tuple[int, int, int, _Hit]]:
    found = []
    possible = _rule_screen().possible(ascii_lowered(text)) if g is _grammar() else None
    for index, rule in enumerate(g.rules):
        if possible is not None and not possible[index]:
            continue
        accept = _ACCEPTORS.get(rule.name)
        for hit in _hits(text, rule):
            if accept is None or accept(hit, g, text):
                found.append((hit.start(), hit.end(), index, hit))
    return found


def _longest_non_overlapping(
    candidates: list[tuple[int, int, int, _Hit]],
) -> list[tuple[int, int, int, _Hit]]:
    """Longest first, then earliest, then the rule listed first; overlaps are dropped."""
    chosen: list[tuple[int, int, int, _Hit]] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(candidates, key=lambda c: (c[0] - c[1], c[0], c[2])):
        start, end = cand[0], cand[1]
        if all(end <= s or start >= e for s, e in taken):
            chosen.append(cand)
            taken.append((start, end))
    return sorted(chosen, key=lambda c: c[0])


def _relation(text: str, start: int, previous: DateMention | None, g: _Grammar) -> str:
    if (
        previous is not None
        and previous.relation == "between"
        and re.fullmatch(r"\s+(?:and|&)\s+", text[previous.end : start])
    ):
        return "between"
    found = g.relation_before.search(text[max(0, start - 20) : start])
    return g.lex["relations"][_key(found["rel"])] if found else "at"


def find_dates(text: str, anchor: DateValue | None) -> list[DateMention]:
    """Date expressions in ``text`` in reading order, resolved against ``anchor``.

    Offsets are character offsets into ``text``; the preposition in front is not part of the
    span but gives the ``relation``. Mentions whose value cannot be fixed (relative dates with
    no or too coarse an anchor) are kept with ``value=None``.
    """
    g = _grammar()
    mentions: list[DateMention] = []
    previous_value: DateValue | None = None
    for start, end, index, m in _longest_non_overlapping(_candidates(text, g)):
        rule = g.rules[index].name
        value = _RESOLVERS[rule](m, g, _Context(text, anchor, previous_value))
        relation = _relation(text, start, mentions[-1] if mentions else None, g)
        mentions.append(DateMention(start, end, text[start:end], value, relation))
        if value is not None and rule not in ("present",):
            previous_value = value
    return mentions


def normalise_date(expression: str, anchor: DateValue | None) -> DateValue | None:
    """The value of a single date expression ("late 2001", "May 28", "28/05/2011").

    The grammar is tried first; an explicit full date it does not know is handed to
    dateparser, which must find day, month and year in the text itself.
    """
    mentions = find_dates(expression, anchor)
    stripped = expression.strip()
    for mention in mentions:
        if len(mention.text) >= len(stripped) * 0.6:
            return mention.value
    return _dateparser_full_date(stripped, anchor)


def _dateparser_full_date(expression: str, anchor: DateValue | None) -> DateValue | None:
    import dateparser  # slow to import and to run: only for the leftovers of normalise_date

    settings: dict[str, object] = {
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    if anchor is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(anchor.end, dt.time())
    parsed = dateparser.parse(expression, settings=settings)
    return day_value(parsed.date()) if parsed else None
