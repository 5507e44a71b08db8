"""Score the date finder on TimeML gold (TimeBank and AQUAINT, TempEval-3 "TBAQ-cleaned").

Each ``.tml`` file gives the document creation time (``<DCT><TIMEX3 value=...>``) and the text
inside ``<TEXT>`` with inline ``<TIMEX3 type=... value=...>`` tags. Tags are stripped to get the
plain text and the gold spans; :func:`factions.extract.dates.find_dates` runs on that text
anchored on the DCT.

Measures, on gold ``type="DATE"`` expressions:

* recognition, strict (identical span) and relaxed (overlapping span). Recall is over gold
  DATEs. Precision is over our mentions, and a mention only counts against us when it matches
  no gold TIMEX3 of *any* type: a DURATION or TIME we also catch is not a false date.
* normalisation accuracy over the gold DATEs we found (relaxed): our ``timeml`` value against
  gold ``value`` under these equivalences:

  - a gold time of day is cut to the date ("1998-02-13TNI", "1998-02-13T14:00" -> "1998-02-13"),
    since we do not model times;
  - week numbers compare as numbers ("2000-W7" = "2000-W07");
  - unknown trailing fields are dropped ("1968-XX" = "1968", "199X" = "199"): gold says no more
    than we do;
  - gold ``PRESENT_REF`` ("now", "currently") is right when our value is the DCT itself.

Mentions with no value (we found the expression but could not resolve it) count as wrong.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.dates import DateMention, DateValue, find_dates, parse_anchor

_TAG = re.compile(r"<[^>]*>|[^<]+")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DCT>\s*<TIMEX3\b([^>]*)>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_WEEK = re.compile(r"^(\d{4})-W0*(\d+)(.*)$")


@dataclass(frozen=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str


@dataclass(frozen=True)
class TimeMLDocument:
    name: str
    text: str
    dct: str | None
    timexes: tuple[GoldTimex, ...]


@dataclass
class TimexScores:
    files: int = 0
    characters: int = 0
    seconds: float = 0.0
    gold_dates: int = 0
    predicted: int = 0
    strict_tp: int = 0
    strict_fn: int = 0
    relaxed_tp: int = 0
    relaxed_fn: int = 0
    strict_predicted_matched: int = 0
    relaxed_predicted_matched: int = 0
    value_correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)

    @property
    def strict_precision(self) -> float:
        return _ratio(self.strict_predicted_matched, self.predicted)

    @property
    def strict_recall(self) -> float:
        return _ratio(self.strict_tp, self.gold_dates)

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_precision, self.strict_recall)

    @property
    def relaxed_precision(self) -> float:
        return _ratio(self.relaxed_predicted_matched, self.predicted)

    @property
    def relaxed_recall(self) -> float:
        return _ratio(self.relaxed_tp, self.gold_dates)

    @property
    def relaxed_f1(self) -> float:
        return _f1(self.relaxed_precision, self.relaxed_recall)

    @property
    def value_accuracy(self) -> float:
        """Share of the relaxed-matched gold DATEs whose value we got right."""
        return _ratio(self.value_correct, self.relaxed_tp)

    @property
    def characters_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds > 0 else 0.0


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def parse_timeml(source: str, name: str = "") -> TimeMLDocument:
    """Plain text of ``<TEXT>`` with the TIMEX3 spans in it, and the DCT value."""
    dct_match = _DCT.search(source)
    dct = dict(_ATTR.findall(dct_match.group(1))).get("value") if dct_match else None
    body_match = _TEXT.search(source)
    body = body_match.group(1) if body_match else ""
    pieces: list[str] = []
    length = 0
    timexes: list[GoldTimex] = []
    open_attrs: dict[str, str] | None = None
    open_start = 0
    for token in _TAG.findall(body):
        if token.startswith("<TIMEX3"):
            open_attrs, open_start = dict(_ATTR.findall(token)), length
        elif token.startswith("</TIMEX3") and open_attrs is not None:
            text = "".join(pieces)[open_start:length]
            timexes.append(
                GoldTimex(
                    open_start,
                    length,
                    text,
                    open_attrs.get("type", ""),
                    open_attrs.get("value", ""),
                )
            )
            open_attrs = None
        elif not token.startswith("<"):
            plain = html.unescape(token)
            pieces.append(plain)
            length += len(plain)
    return TimeMLDocument(name, "".join(pieces), dct, tuple(timexes))


def _normal_gold_value(value: str) -> str:
    value = value.split("T", 1)[0] if re.match(r"^\d{4}-\d\d-\d\dT", value) else value
    value = re.sub(r"(?:-XX)+$", "", value)
    value = re.sub(r"^(\d{3})X$", r"\1", value)
    week = _WEEK.match(value)
    return f"{week.group(1)}-W{int(week.group(2)):02d}{week.group(3)}" if week else value


def value_matches(gold_value: str, ours: DateValue | None, anchor: DateValue | None) -> bool:
    """Whether our value equals the gold TIMEX3 value under the equivalences of the module."""
    if ours is None:
        return False
    if gold_value == "PRESENT_REF":
        return anchor is not None and ours == anchor
    return _normal_gold_value(gold_value) == _normal_gold_value(ours.timeml)


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _best_overlap(gold: GoldTimex, mentions: list[DateMention]) -> DateMention | None:
    best, best_size = None, 0
    for mention in mentions:
        size = min(gold.end, mention.end) - max(gold.start, mention.start)
        if size > best_size:
            best, best_size = mention, size
    return best


def score_document(doc: TimeMLDocument, mentions: list[DateMention], scores: TimexScores) -> None:
    """Add one document's counts (and its misses) to ``scores``."""
    anchor = parse_anchor(doc.dct)
    scores.predicted += len(mentions)
    for mention in mentions:
        spans = [(g.start, g.end) for g in doc.timexes]
        if (mention.start, mention.end) in spans:
            scores.strict_predicted_matched += 1
        if any(_overlaps(mention.start, mention.end, s, e) for s, e in spans):
            scores.relaxed_predicted_matched += 1
        else:
            ours = mention.value.timeml if mention.value else "None"
            scores.false_positives.append(f"{doc.name}: {mention.text!r} ours={ours}")
    for gold in doc.timexes:
        if gold.type != "DATE":
            continue
        scores.gold_dates += 1
        exact = any((m.start, m.end) == (gold.start, gold.end) for m in mentions)
        scores.strict_tp += exact
        scores.strict_fn += not exact
        found = _best_overlap(gold, mentions)
        if found is None:
            scores.relaxed_fn += 1
            scores.misses.append(f"{doc.name}: {gold.text!r} gold={gold.value} ours=<not found>")
            continue
        scores.relaxed_tp += 1
        if value_matches(gold.value, found.value, anchor):
            scores.value_correct += 1
        else:
            ours = found.value.timeml if found.value else "None"
            scores.misses.append(
                f"{doc.name}: {gold.text!r} gold={gold.value} ours={ours} ({found.text!r})"
            )


def evaluate_timex(tml_dir: Path, limit: int | None = None) -> TimexScores:
    """Score :func:`find_dates` on the ``.tml`` files under ``tml_dir`` (first ``limit``)."""
    paths = sorted(Path(tml_dir).rglob("*.tml"))
    if limit is not None:
        paths = paths[:limit]
    scores = TimexScores()
    for path in paths:
        doc = parse_timeml(path.read_text(encoding="utf-8"), path.stem)
        began = time.perf_counter()
        mentions = find_dates(doc.text, parse_anchor(doc.dct))
        scores.seconds += time.perf_counter() - began
        scores.characters += len(doc.text)
        scores.files += 1
        score_document(doc, mentions, scores)
    return scores


def format_timex_scores(scores: TimexScores) -> str:
    """A short plain-text table of the figures."""
    rows = [
        f"files {scores.files}, gold DATE {scores.gold_dates}, our mentions {scores.predicted}",
        "             precision  recall  F1",
        f"strict       {scores.strict_precision:9.3f}  {scores.strict_recall:6.3f}  "
        f"{scores.strict_f1:.3f}",
        f"relaxed      {scores.relaxed_precision:9.3f}  {scores.relaxed_recall:6.3f}  "
        f"{scores.relaxed_f1:.3f}",
        f"value accuracy {scores.value_accuracy:.3f} "
        f"({scores.value_correct}/{scores.relaxed_tp} found DATEs)",
        f"speed {scores.characters_per_second:,.0f} characters/second "
        f"({scores.characters:,} characters)",
    ]
    return "\n".join(rows)


@suite("timex", "dates: TimeBank and AQUAINT (TempEval-3) DATE expressions")
def timex_suite(options: SuiteOptions) -> SuiteReport:
    scores = evaluate_timex(options.data or options.eval_dir / "timex", limit=options.limit)
    figures = {
        "strict_f1": scores.strict_f1,
        "relaxed_f1": scores.relaxed_f1,
        "value_accuracy": scores.value_accuracy,
    }
    return SuiteReport("timex", format_timex_scores(scores), figures, scores.misses)
