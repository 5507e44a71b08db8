"""Counts shared by every evaluation: precision/recall/F1 and right-out-of-total ratios."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self) -> str:
        return (
            f"P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}  "
            f"(tp {self.tp}, fp {self.fp}, fn {self.fn})"
        )


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 0.0

    def add(self, ok: object) -> None:
        self.total += 1
        self.right += int(bool(ok))

    def line(self) -> str:
        return f"{self.value:.3f} ({self.right}/{self.total})"


@dataclass
class MatchCounts:
    """Precision and recall counted on each side: a prediction is right when it matches some
    gold item, a gold item is found when some prediction matches it (the two can differ when
    several predictions match one gold item, or one prediction several)."""

    predicted: int = 0
    predicted_right: int = 0
    gold: int = 0
    gold_found: int = 0

    @property
    def precision(self) -> float:
        return self.predicted_right / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: MatchCounts) -> None:
        self.predicted += other.predicted
        self.predicted_right += other.predicted_right
        self.gold += other.gold
        self.gold_found += other.gold_found

    def line(self) -> str:
        return (
            f"P {self.precision:.3f} ({self.predicted_right}/{self.predicted})  "
            f"R {self.recall:.3f} ({self.gold_found}/{self.gold})  F1 {self.f1:.3f}"
        )
