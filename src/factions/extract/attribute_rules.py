"""The model's attribute rules (tag map, morphology and lemma exceptions), applied at speed.

spaCy's `AttributeRuler` runs a token `Matcher` of every rule (179 in the English model) at
every token, which cost 17% of the bare parse: more than the tagger and the parser's own
transitions. Its rules compare a token's tag, lowercase form, dependency or whitespace with a
value, a list or a regular expression, and most are one token long. `FastAttributeRules`
applies the same rules with the same result: which rules a token matches is worked out once
per distinct (tag, lowercase form, dependency, whitespace) in the process, the longer rules are
tried only where their first token matches, and the attributes are written in one array.

The result is the spaCy component's, attribute for attribute: every rule's matches are found
on the tokens as they came in, then applied in the rules' order, a later rule's value
replacing an earlier one's. A rule set with anything else in it (an operator, another
attribute, an extension attribute) keeps spaCy's component.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# The token attributes the rules may test, in the order a token's key holds them.
_TESTED = ("TAG", "LOWER", "DEP", "IS_SPACE")
_TESTED_IDS = [TAG, LOWER, DEP, IS_SPACE]
_LOWER = _TESTED.index("LOWER")
# The attributes the rules may set, in the order of the array written back.
_SET_IDS = [POS, MORPH, LEMMA, TAG, DEP]
_COLUMN = {attr: column for column, attr in enumerate(_SET_IDS)}
# How many strings (of tags, dependencies, words) are kept read before the store starts again.
_MAX_KEPT = 100_000


class _Other:
    """A word no rule names and no rule's expression finds: equal to no rule's value, in no
    rule's list, found by no expression."""

    def __repr__(self) -> str:
        return "OTHER"


OTHER = _Other()

# A token as the rules see it: tag, lowercase form (or OTHER), dependency, whether whitespace.
TokenKey = tuple[str, "str | _Other", str, bool]
Test = Callable[[TokenKey], bool]


class UnsupportedRule(ValueError):
    """A rule this reading does not cover: spaCy's component applies that rule set."""


@dataclass
class _Words:
    """The words the rules' LOWER tests name, and their expressions."""

    named: set[str]
    expressions: list[re.Pattern[str]]

    def kept(self, word: str) -> str | _Other:
        """The word as a key holds it: itself when a rule may tell it apart, else OTHER."""
        if word in self.named or any(e.search(word) for e in self.expressions):
            return word
        return OTHER


def _value_test(position: int, value: object, words: _Words) -> Test:
    """The test of one attribute of a token against a rule's value, as spaCy's Matcher reads
    it: equality, IN, NOT_IN or REGEX (re.search)."""
    lower = position == _LOWER
    if isinstance(value, bool | str):
        if lower:
            words.named.add(str(value))
        return lambda key: key[position] == value
    if isinstance(value, dict) and len(value) == 1:
        ((op, operand),) = value.items()
        if op in ("IN", "NOT_IN") and isinstance(operand, list):
            members = frozenset(operand)
            if lower:
                words.named.update(str(m) for m in operand)
            if op == "IN":
                return lambda key: key[position] in members
            return lambda key: key[position] not in members
        if op == "REGEX" and isinstance(operand, str):
            pattern = re.compile(operand)
            if lower:
                words.expressions.append(pattern)
            return lambda key: (
                isinstance(key[position], str)
                and bool(
                    pattern.search(key[position])  # type: ignore[arg-type]
                )
            )
    raise UnsupportedRule(f"value {value!r}")


def _token_test(spec: dict, words: _Words) -> Test:
    """The test of one token of a rule: all its attributes' tests."""
    tests = []
    for name, value in spec.items():
        if name not in _TESTED:
            raise UnsupportedRule(f"attribute {name!r}")
        if (name == "IS_SPACE") != isinstance(value, bool):
            raise UnsupportedRule(f"{name} {value!r}")
        tests.append(_value_test(_TESTED.index(name), value, words))
    return lambda key: all(test(key) for test in tests)


@dataclass(frozen=True)
class _Pattern:
    """One token pattern of a rule: its tests, token by token."""

    rule: int
    tests: tuple[Test, ...]
    # Which of the matched tokens takes the attributes (may count from the end).
    index: int


# What a rule sets: (array column, value) pairs.
_Values = tuple[tuple[int, int], ...]


def _rules_of(ruler: AttributeRuler, words: _Words) -> tuple[list[_Values], list[_Pattern]]:
    """The ruler's rules (what each sets) and their token patterns, or UnsupportedRule."""
    rules: list[_Values] = []
    patterns: list[_Pattern] = []
    for number, (attrs, index) in enumerate(zip(ruler.attrs, ruler.indices, strict=True)):
        values = []
        for attr, value in attrs.items():
            if attr not in _COLUMN or not isinstance(value, int):
                raise UnsupportedRule(f"sets {attr!r} to {value!r}")
            values.append((_COLUMN[attr], value))
        rules.append(tuple(values))
        for pattern in ruler.matcher.get(ruler.vocab.strings[str(number)])[1]:
            if not pattern or any(not isinstance(t, dict) or "OP" in t for t in pattern):
                raise UnsupportedRule(f"pattern {pattern!r}")
            if not -len(pattern) <= index < len(pattern):
                raise UnsupportedRule(f"index {index} of {pattern!r}")
            tests = tuple(_token_test(t, words) for t in pattern)
            patterns.append(_Pattern(number, tests, index))
    return rules, patterns


# A rule's setting of one attribute of a token: (rule, array column, value).
_Setting = tuple[int, int, int]


class FastAttributeRules:
    """spaCy's AttributeRuler, its rules read from it, applied at speed with its result."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.vocab = ruler.vocab
        self.words = _Words(set(), [])
        self.rules, patterns = _rules_of(ruler, self.words)
        self.single = [p for p in patterns if len(p.tests) == 1]
        self.longer = [p for p in patterns if len(p.tests) > 1]
        # Per distinct token key: the settings of the one-token rules it matches, in the
        # rules' order, and the longer patterns whose first token it matches.
        self._singles: dict[TokenKey, tuple[_Setting, ...]] = {}
        self._starts: dict[TokenKey, tuple[_Pattern, ...]] = {}
        # Strings read by hash: tags and dependencies, and words as keys hold them.
        self._labels: dict[int, str] = {}
        self._words: dict[int, str | _Other] = {}

    def _single_settings(self, key: TokenKey) -> tuple[_Setting, ...]:
        found = self._singles.get(key)
        if found is None:
            found = tuple(
                (p.rule, column, value)
                for p in self.single
                if p.tests[0](key)
                for column, value in self.rules[p.rule]
            )
            self._singles[key] = found
        return found

    def _longer_starts(self, key: TokenKey) -> tuple[_Pattern, ...]:
        found = self._starts.get(key)
        if found is None:
            found = self._starts[key] = tuple(p for p in self.longer if p.tests[0](key))
        return found

    def _label(self, value: int) -> str:
        label = self._labels.get(value)
        if label is None:
            label = self._labels[value] = self.vocab.strings[value]
        return label

    def _word(self, value: int) -> str | _Other:
        word = self._words.get(value)
        if word is None:
            word = self._words[value] = self.words.kept(self.vocab.strings[value])
        return word

    def _keys(self, doc: Doc) -> list[TokenKey]:
        """Each token's key, as the rules see it before any of them applies."""
        for kept in (self._labels, self._words, self._singles, self._starts):
            if len(kept) > _MAX_KEPT:
                kept.clear()
        label, word = self._label, self._word
        return [
            (label(tag), word(lower), label(dep), bool(space))
            for tag, lower, dep, space in doc.to_array(_TESTED_IDS).tolist()
        ]

    def _longer_settings(self, keys: list[TokenKey]) -> dict[int, list[_Setting]]:
        """The settings of the longer patterns' matches, by the token they set."""
        found: dict[int, list[_Setting]] = {}
        for start, key in enumerate(keys):
            for pattern in self._longer_starts(key):
                end = start + len(pattern.tests)
                if end > len(keys) or not all(
                    test(keys[start + offset]) for offset, test in enumerate(pattern.tests)
                ):
                    continue
                target = (start if pattern.index >= 0 else end) + pattern.index
                found.setdefault(target, []).extend(
                    (pattern.rule, column, value) for column, value in self.rules[pattern.rule]
                )
        return found

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        keys = self._keys(doc)
        longer = self._longer_settings(keys) if self.longer else {}
        values = doc.to_array(_SET_IDS)
        for i, key in enumerate(keys):
            settings: Iterable[_Setting] = self._single_settings(key)
            if i in longer:
                # As spaCy applies matches: by rule, a later rule's value replacing an earlier
                # one's (the sort is stable, so a rule's own values keep their order).
                settings = sorted([*settings, *longer[i]], key=lambda s: s[0])
            for _, column, value in settings:
                values[i, column] = value
        doc.from_array(_SET_IDS, values)
        return doc


@Language.factory("factions_attribute_rules_v1")
def make_fast_attribute_rules(nlp: Language, name: str) -> FastAttributeRules:
    """The pipeline's AttributeRuler read into `FastAttributeRules` (UnsupportedRule when its
    rules hold what this reading does not cover)."""
    return FastAttributeRules(nlp.get_pipe("attribute_ruler"))


def use_fast_attribute_rules(nlp: Language) -> bool:
    """Put `FastAttributeRules` in place of the pipeline's AttributeRuler when it covers its
    rules; whether it did."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    if not isinstance(ruler, AttributeRuler):
        return False
    try:
        _rules_of(ruler, _Words(set(), []))
    except UnsupportedRule:
        return False
    nlp.add_pipe("factions_attribute_rules_v1", before="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
    return True
