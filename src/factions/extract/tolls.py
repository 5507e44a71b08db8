"""Tolls: how many were killed, wounded, kidnapped and arrested, read from the parse.

A count belongs to a verb or noun of death, injury, abduction or arrest ("were killed",
"killing", "wounded", "1 fatality", "the bodies of", "took ... hostage") and to the people it
names: the passive subject, the object, the subject of "died", the noun a participle modifies
("seven militants killed in ...") or the noun's own number. People are counted by the number
before them ("at least 12 soldiers": low 12), by ACLED's readings of vague numbers ("dozens"
12), and one each when named or singular ("a soldier", "Aimaq", "a man and his son": 2);
plurals with no number ("soldiers", "several civilians") give no figure. Coordinated groups add
up ("eight assailants and four soldiers": 12); "including ..." does not add.

What is no single event's toll is left out: a count across time or a campaign ("since 2009",
"so far this year", "in the war"), casualties that do not separate the dead ("killed or
wounded", "casualties"), and a relative pronoun repeating people counted already.

A sentence's counts of one kind add up ("shot and killed six officers; the assailant was also
killed": 7). A bare figure ("1 fatality", "the death toll rose to 30") is a total: combined with
an event's earlier counts it is taken as the larger of the two, not added.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from factions.extract.nlp import children_of, words_of
from factions.extract.triggers import words_regex
from factions.model import Fatalities
from factions.packaged import read_toml

KINDS = ("killed", "wounded", "kidnapped", "arrested")
_NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "dozen": 12,
}
_LOWER_BOUND = re.compile(
    r"\b(?:at least|more than|over|in excess of|no fewer than|upwards of)\s*$", re.I
)
_APPROXIMATE = re.compile(
    r"\b(?:about|around|nearly|almost|approximately|roughly|some|close to|an estimated|"
    r"estimated)\s*$",
    re.I,
)
_UPPER_BOUND = re.compile(r"\b(?:up to|as many as|fewer than|less than|under|at most)\s*$", re.I)
_RANGE = re.compile(r"^(\d[\d,]*)\s*(?:-|–|to)\s*(\d[\d,]*)$")
_NO_COUNT_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"})
_ONE = frozenset({"a", "an", "one", "another", "the", "this", "that", "his", "her"})
_NOBODY = frozenset({"nobody", "none", "no-one"})
_SINGULAR_PRONOUNS = frozenset({"he", "she", "him", "her"})


@dataclass(frozen=True)
class TollWords:
    verbs: dict[str, str]  # lemma -> kind
    nouns: dict[str, str]
    vague: dict[str, int]
    cumulative: re.Pattern[str]
    not_victims: frozenset[str]


@lru_cache(maxsize=1)
def load_toll_words() -> TollWords:
    data = read_toml("lexicons", "events.toml")["tolls"]
    verbs = {lemma: kind for kind in KINDS for lemma in data[kind]}
    nouns = {lemma: kind for kind in KINDS for lemma in data[f"{kind}_nouns"]}
    return TollWords(
        verbs=verbs,
        nouns=nouns,
        vague={k.lower(): int(v) for k, v in data["vague"].items()},
        cumulative=words_regex(data["cumulative"]),
        not_victims=frozenset(data["not_victims"]),
    )


@dataclass
class Tolls:
    """The counts one sentence (or one event) gives; None where it gives none."""

    killed: Fatalities | None = None
    wounded: Fatalities | None = None
    kidnapped: Fatalities | None = None
    arrested: Fatalities | None = None
    # Kinds given as a bare total ("3 fatalities"): combined by the larger, not added.
    totals: set[str] = field(default_factory=set)

    def get(self, kind: str) -> Fatalities | None:
        return getattr(self, kind)

    def __bool__(self) -> bool:
        return any(self.get(k) is not None for k in KINDS)


def _number(text: str) -> int | None:
    text = text.lower().replace(",", "")
    if text.isdigit():
        return int(text)
    return _NUMBER_WORDS.get(text)


def _exact(value: int) -> Fatalities:
    return Fatalities(low=value, best=value, high=value)


def _qualified(token: Token, value: int) -> Fatalities:
    """A number with the words before it: "at least 12" is low 12, "about 12" best 12."""
    before = token.doc[max(0, token.i - 4) : token.i].text
    if _LOWER_BOUND.search(before):
        return Fatalities(low=value, best=value, high=None)
    if _APPROXIMATE.search(before):
        return Fatalities(low=None, best=value, high=None)
    if _UPPER_BOUND.search(before):
        return Fatalities(low=None, best=None, high=value)
    return _exact(value)


def number_value(token: Token) -> Fatalities | None:
    """The figure a number token gives (with its compound parts and range), or None."""
    # A number counting a noun ("between 20 and 30 fighters") counts, whatever the NER says.
    if token.ent_type_ in _NO_COUNT_ENTITIES and token.dep_ != "nummod":
        return None
    ranged = _RANGE.match(token.text)
    if ranged:
        low, high = _number(ranged.group(1)), _number(ranged.group(2))
        if low is not None and high is not None and low <= high:
            return Fatalities(low=low, best=None, high=high)
    value = _number(token.text)
    if value is None:
        return None
    # "two hundred", "1-4" (split by the tokenizer), "two dozen".
    for child in children_of(token):
        if (
            child.dep_ in {"compound", "nummod", "quantmod"}
            and child.like_num
            and child.i < token.i
        ):
            factor = _number(child.text)
            if factor is not None and value in {100, 1000, 12}:
                value *= factor
        if child.i > token.i and child.like_num and token.doc[child.i - 1].text in {"-", "–", "to"}:
            high = _number(child.text)
            if high is not None and high >= value:
                return Fatalities(low=value, best=None, high=high)
    if 1900 <= value <= 2100 and token.text.isdigit():
        return None
    if any(c.lower_ == "between" for c in children_of(token)):
        # "between 20 and 30".
        high = next((_number(c.text) for c in children_of(token) if c.dep_ == "conj"), None)
        if high is not None and high >= value:
            return Fatalities(low=value, best=None, high=high)
    return _qualified(token, value)


def _numbers(head: Token) -> list[Token]:
    return [
        c
        for c in children_of(head)
        if c.dep_ in {"nummod", "quantmod"} or (c.dep_ == "amod" and c.like_num)
    ]


def phrase_count(head: Token, words: TollWords) -> Fatalities | None:
    """How many people a noun phrase head stands for (see the module docstring)."""
    lemma, lower = head.lemma_.lower(), head.lower_
    if any(c.dep_ == "det" and c.lower_ == "no" for c in children_of(head)) or lower in _NOBODY:
        return _exact(0)  # "no one", "nobody"
    if head.like_num or head.pos_ == "NUM":
        return number_value(head)
    for number in _numbers(head):
        value = number_value(number)
        if value is not None:
            return value
    if lower in words.vague or lemma in words.vague:
        return _exact(words.vague.get(lower, words.vague.get(lemma, 0)))
    if lower in words.not_victims:
        return None
    if lower in _SINGULAR_PRONOUNS or lower == "another":
        return _exact(1)  # "he", "another was injured"
    if head.pos_ == "PROPN" and head.ent_type_ in {"PERSON", ""} and head.tag_ == "NNP":
        return _exact(1)
    if head.tag_ == "NN" and (
        any(c.dep_ in {"det", "poss"} and c.lower_ in _ONE for c in children_of(head))
        or any(c.dep_ == "poss" for c in children_of(head))
    ):
        return _exact(1)
    return None


def _coordinated(head: Token) -> list[Token]:
    heads = [head]
    for child in children_of(head):
        if child.dep_ == "conj":
            heads.extend(_coordinated(child))
    return heads


def _add(left: Fatalities | None, right: Fatalities | None) -> Fatalities | None:
    if left is None or right is None:
        return left or right

    def plus(a: int | None, b: int | None) -> int | None:
        return None if a is None or b is None else a + b

    best_left = left.best if left.best is not None else left.low
    best_right = right.best if right.best is not None else right.low
    return Fatalities(
        low=plus(left.low, right.low),
        best=plus(best_left, best_right) if (left.best, right.best) != (None, None) else None,
        high=plus(left.high, right.high),
    )


def count_of(heads: list[Token], words: TollWords) -> Fatalities | None:
    """The people of coordinated phrases, added up; None when none of them is counted."""
    total: Fatalities | None = None
    for head in heads:
        for part in _coordinated(head):
            total = _add(total, phrase_count(part, words))
    return total


_PHRASE_HEADS = frozenset({"shoot", "gun", "lose", "take", "hold", "seize"})


def _may_count(lemma: str, words: TollWords) -> bool:
    """Whether a word of this lemma may state a count (`_kind`)."""
    return lemma in words.verbs or lemma in words.nouns or lemma in _PHRASE_HEADS


def _kind(token: Token, words: TollWords) -> str | None:
    lemma = token.lemma_.lower()
    if not _may_count(lemma, words):
        return None
    if token.pos_ in {"VERB", "ADJ"} and lemma in words.verbs:
        return words.verbs[lemma]
    if lemma == "shoot" and any(c.lower_ == "dead" for c in children_of(token)):
        return "killed"
    if lemma == "gun" and any(c.lower_ == "down" for c in children_of(token)):
        return "killed"
    if lemma == "lose" and any(c.lemma_.lower() == "life" for c in children_of(token)):
        return "killed"
    if lemma in {"take", "hold", "seize"} and any(
        c.lemma_.lower() == "hostage" for c in children_of(token)
    ):
        return "kidnapped"
    if lemma == "take" and any(
        g.lemma_.lower() == "custody" for c in children_of(token) for g in [c, *children_of(c)]
    ):
        return "arrested"
    if token.pos_ in {"NOUN", "ADJ", "PROPN"} and lemma in words.nouns:
        return words.nouns[lemma]
    return None


def _victims(token: Token) -> list[Token]:
    """Who a verb of harm fell on (see the module docstring)."""
    lemma = token.lemma_.lower()
    found: list[Token] = []
    passive = any(c.dep_ == "auxpass" for c in children_of(token))
    reduced = token.tag_ == "VBN" and not any(
        c.dep_ in {"aux", "auxpass"} for c in children_of(token)
    )
    for child in children_of(token):
        dep = child.dep_
        patient = dep == "nsubjpass" or (
            dep == "dobj" and child.lemma_.lower() not in {"hostage", "life"}
        )
        # "people died", "12 injured" (a reduced passive), "five dead".
        dying = dep == "nsubj" and (
            lemma in {"die", "perish", "lose", "dead"} or reduced or passive
        )
        if patient or dying:
            found.append(child)
        if dep == "dobj" and child.lemma_.lower() == "hostage":
            # "took four engineers hostage", read as a compound.
            found.extend(c for c in children_of(child) if c.dep_ == "compound")
    if (
        not found
        and token.dep_ in {"acl", "amod", "relcl"}
        and token.head.pos_ in {"NOUN", "PROPN", "NUM"}
    ):
        found.append(token.head)
    return found


def _cumulative(token: Token, heads: list[Token], words: TollWords) -> bool:
    """A count across time or a campaign: a cue on the verb's own modifiers or the count's."""
    pieces = []
    # A modifier at the end of coordinated verbs is about all of them: "20 were killed and 10
    # injured across the four attacks".
    verbs = [token, *(c for c in children_of(token) if c.dep_ == "conj")]
    if token.dep_ == "conj":
        verbs.append(token.head)
    for verb in verbs:
        for child in children_of(verb):
            if child.dep_ in {"prep", "npadvmod", "advmod", "nsubj", "agent", "advcl"}:
                if verb.i != token.i and child.dep_ in {"nsubj", "agent"}:
                    continue
                pieces.append(token.doc[child.left_edge.i : child.right_edge.i + 1].text)
    for head in heads:
        for child in children_of(head):
            if child.dep_ in {"amod", "det", "quantmod", "advmod", "prep"}:
                pieces.append(child.text)
        if head.head.i != head.i and head.head.lemma_.lower() == "total":
            pieces.append("total of")
    return bool(pieces) and bool(words.cumulative.search(" ".join(pieces)))


def _casualties_only(token: Token, kind: str, words: TollWords) -> bool:
    """ "killed or wounded 12": a count that does not separate the dead from the hurt."""
    for other in [*children_of(token), token.head]:
        if other.i == token.i or (other.dep_ not in {"conj", "ROOT"} and other.i != token.head.i):
            continue
        other_kind = _kind(other, words)
        if other_kind and other_kind != kind:
            joined = [*children_of(token), *children_of(other)]
            if any(c.dep_ == "cc" and c.lower_ in {"or", "and/or"} for c in joined):
                return True
    return False


def _noun_count(token: Token, words: TollWords) -> tuple[Fatalities | None, bool]:
    """(count, is a bare total) of a noun of death: "3 fatalities", "the bodies of two men",
    "the death toll rose to 30"."""
    for number in _numbers(token):
        value = number_value(number)
        if value is not None:
            return value, True
    for child in children_of(token):
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = [c for c in children_of(child) if c.dep_ == "pobj"]
            if pobj:
                return count_of(pobj, words), False
    if token.lemma_.lower() in {"body", "corpse"} and token.tag_ == "NN":
        return _exact(1), False
    return None, False


def _death_toll(token: Token) -> Fatalities | None:
    """ "the death toll rose to 30", "the death toll stands at 30", "a death toll of 30"."""
    verb = token.head
    candidates: list[Token] = []
    for child in [*children_of(token), *children_of(verb)]:
        if child.dep_ == "prep" and child.lower_ in {"to", "at", "of"}:
            candidates.extend(c for c in children_of(child) if c.dep_ == "pobj")
        elif child.dep_ in {"attr", "dobj"} and child.i != token.i:
            candidates.append(child)
    for candidate in candidates:
        if candidate.like_num:
            return number_value(candidate)
        for number in _numbers(candidate):
            return number_value(number)
    return None


def _inside_inclusion(token: Token) -> bool:
    """A count inside "including ..." or "among them ..." repeats people counted already."""
    current = token
    for _ in range(4):
        if current.lower_ in {"including", "among", "includes", "included"}:
            return True
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def tolls_in(sent: Span, words: TollWords | None = None) -> Tolls:
    """The killed, wounded, kidnapped and arrested counts one sentence gives."""
    words = words or load_toll_words()
    tolls = Tolls()
    counted: set[int] = set()
    doc, lemmas = sent.doc, words_of(sent.doc).lemma
    for i in range(sent.start, sent.end):
        lemma = lemmas[i]
        if lemma != "toll" and not _may_count(lemma, words):
            continue  # what `_kind` says of it: no count
        token = doc[i]
        if lemma == "toll" and any(
            c.lemma_.lower() in {"death", "casualty"} for c in children_of(token)
        ):
            if any(c.lemma_.lower() == "death" for c in children_of(token)):
                value = _death_toll(token)
                if value is not None and not _cumulative(token.head, [token], words):
                    tolls.killed = _larger(tolls.killed, value)
                    tolls.totals.add("killed")
            continue
        kind = _kind(token, words)
        if kind is None or _inside_inclusion(token):
            continue
        if token.pos_ == "NOUN" or (
            token.pos_ == "ADJ" and lemma in words.nouns and lemma not in words.verbs
        ):
            value, bare = _noun_count(token, words)
            if value is None and lemma == "dead":
                value = count_of(_victims(token), words)
            if value is None or _cumulative(token.head, [token], words):
                continue
            if bare:
                tolls.totals.add(kind)
            setattr(tolls, kind, _add(tolls.get(kind), value))
            continue
        heads = [h for h in _victims(token) if h.i not in counted]
        if not heads or _casualties_only(token, kind, words) or _cumulative(token, heads, words):
            continue
        value = count_of(heads, words)
        if value is None:
            continue
        counted.update(h.i for h in heads)
        setattr(tolls, kind, _add(tolls.get(kind), value))
    return tolls


def _larger(left: Fatalities | None, right: Fatalities | None) -> Fatalities | None:
    if left is None or right is None:
        return left or right
    return left if figure(left) >= figure(right) else right


def figure(count: Fatalities) -> int:
    """One number for a count: the best estimate, else the low, else the high one."""
    for value in (count.best, count.low, count.high):
        if value is not None:
            return value
    return 0


def combine(event: Tolls, more: Tolls) -> Tolls:
    """An event's counts with a later sentence's about it: named people add up; a bare total
    ("1 fatality") replaces a smaller figure and is not added."""
    result = Tolls(totals=set(event.totals))
    for kind in KINDS:
        left, right = event.get(kind), more.get(kind)
        if kind in more.totals or kind in event.totals:
            setattr(result, kind, _larger(left, right))
        else:
            setattr(result, kind, _add(left, right))
        if kind in more.totals:
            result.totals.add(kind)
    return result
