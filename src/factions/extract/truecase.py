"""Reading text written in capitals ("GUERRILLAS ATTACKED THE EMBASSY") in ordinary case.

Wire copy and old cables come in capitals, and the statistical model reads them badly: every
word looks like a proper noun, so the parse and the names fall apart. Such a text is recased
for the model only, letter for letter (offsets do not move; evidence still quotes the original):
words in lower case, then a capital for the first word of a sentence, for words English does
not know (names: "CRISTIANI" -> "Cristiani"), for major places, countries and demonyms
("SAN SALVADOR", "SALVADORAN"), and capitals kept for the acronyms of the actor gazetteer.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache

import spacy
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.lookups import Lookups

from factions.extract.gazetteer import load_gazetteer, name_key
from factions.extract.geocode import get_geocoder
from factions.packaged import read_toml

# A text is in capitals when this share of its letters are.
_CAPITALS_SHARE = 0.8
_MIN_LETTERS = 40
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)\]]*\s*$|^\s*$|\n\s*$|^\s*[\"“'(\[]*\s*$")
_STOP_WORDS = STOP_WORDS
_SUFFIXES = ("ies", "es", "s", "ed", "ing", "ly", "er", "est", "'s", "’s")


_DROP_UPPER = str.maketrans("", "", string.ascii_uppercase)
_DROP_LOWER = str.maketrans("", "", string.ascii_lowercase)


def in_capitals(text: str) -> bool:
    if text.isascii():
        # Every document is asked, and a walk over its characters in Python cost a millisecond
        # each: in ASCII the letters are counted by what deleting them takes away.
        upper = len(text) - len(text.translate(_DROP_UPPER))
        count = upper + len(text) - len(text.translate(_DROP_LOWER))
    else:
        letters = [c for c in text if c.isalpha()]
        upper, count = sum(c.isupper() for c in letters), len(letters)
    if count < _MIN_LETTERS:
        return False
    return upper / count >= _CAPITALS_SHARE


@lru_cache(maxsize=1)
def _lemma_tables() -> Lookups:
    """The model's lemmatizer tables (WordNet's index by part of speech, and its exceptions),
    loaded once for every word list below."""
    from factions.extract.nlp import model_name

    nlp = spacy.load(model_name(), exclude=["tok2vec", "tagger", "parser", "ner", "senter"])
    return nlp.get_pipe("lemmatizer").lookups  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def _english_words() -> frozenset[str]:
    """The words the model's lemmatizer knows as English (WordNet's index), plus its
    exceptions: what a capitalised word is when it is not a name."""
    words: set[str] = set()
    lookups = _lemma_tables()
    for table in ("lemma_index", "lemma_exc"):
        if table not in lookups.tables:
            continue
        for entries in lookups.get_table(table).values():
            words.update(w for w in entries if "_" not in w)
    words.update(_STOP_WORDS)
    # Weapon words the dictionary lacks ("machinegun"): English, never a name.
    events = read_toml("lexicons", "events.toml")
    tables = [*events["weapons"].values(), *events["instruments"].values()]
    words.update(w.lower() for table in tables for w in table if w.isalpha())
    return frozenset(words)


@lru_cache(maxsize=1)
def _lemma_index() -> dict[str, list[str]]:
    """The lemmatizer's words by part of speech (WordNet's index): empty when it has none."""
    lookups = _lemma_tables()
    if "lemma_index" not in lookups.tables:
        return {}
    index = lookups.get_table("lemma_index")
    return {pos: list(index.get(pos, [])) for pos in ("noun", "verb", "adj", "adv")}


@lru_cache(maxsize=1)
def _words_of_other_kinds() -> frozenset[str]:
    """Words the dictionary knows as verbs, adjectives or adverbs, and the little words."""
    index = _lemma_index()
    others = set(_STOP_WORDS)
    for pos in ("verb", "adj", "adv"):
        others.update(index.get(pos, []))
    return frozenset(others)


@lru_cache(maxsize=1)
def _nouns_only() -> frozenset[str]:
    """Words the dictionary knows only as nouns: among them the acronyms it lists as words
    ("eln", "farc", "nato"), which, written in capitals, stay acronyms."""
    return frozenset(_lemma_index().get("noun", [])) - _words_of_other_kinds()


def _gazetteer_acronym(original: str, word: str, english: frozenset[str]) -> bool:
    """An acronym of the actor gazetteer, written as such: unless English knows it as a word
    of its own ("IS"), or, three letters or more, as nothing but a noun ("ELN", "ETA")."""
    if original not in _acronyms():
        return False
    return not _known(word, english) or (len(word) >= 3 and word in _nouns_only())


@lru_cache(maxsize=1)
def _acronyms() -> frozenset[str]:
    found: set[str] = set()
    for pattern in load_gazetteer().entity_ruler_patterns():
        tokens = pattern["pattern"]
        if isinstance(tokens, list) and all(set(t) == {"ORTH"} for t in tokens):
            found.update(t["ORTH"] for t in tokens)
    return frozenset(found)


def _known(word: str, english: frozenset[str]) -> bool:
    if word in english:
        return True
    if word.endswith("men") and word[:-3] + "man" in english:
        return True  # "gunmen", "policemen"
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            stem = word[: -len(suffix)]
            if stem in english or stem + "e" in english or stem + "y" in english:
                return True
    return False


@lru_cache(maxsize=65536)
def _is_place(key: str) -> bool:
    """A demonym, or a name of a major place (a country, a province, a big city)."""
    geocoder = get_geocoder()
    return bool(geocoder.demonym_country(key)) or geocoder.names_a_major_place(key)


@lru_cache(maxsize=65536)
def _is_country(key: str) -> bool:
    """A demonym or a country: an English word that is still a name ("Salvadoran", "Chile")."""
    geocoder = get_geocoder()
    if geocoder.demonym_country(key):
        return True
    match = geocoder.resolve(key)
    return match is not None and match.precision == "country"


@lru_cache(maxsize=1)
def _months() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Month names, those that are also English words, and the words of time beside which
    those are months."""
    data = read_toml("lexicons", "truecase.toml")
    return (
        frozenset(data["months"]),
        frozenset(data["ambiguous_months"]),
        frozenset(data["month_neighbours"]),
    )


def _is_month(index: int, lowered: list[str], text: str, words: list[re.Match[str]]) -> bool:
    """Whether the word at `index` is a month ("11 MARCH", "MARCH 1990", "LAST MAY")."""
    months, ambiguous, neighbours = _months()
    word = lowered[index]
    if word not in months:
        return False
    if word not in ambiguous:
        return True
    before = text[max(0, words[index].start() - 6) : words[index].start()]
    after = text[words[index].end() : words[index].end() + 6]
    if re.search(r"\d\s*$", before) or re.match(r"\s*\d", after):
        return True
    return index > 0 and lowered[index - 1] in neighbours


@lru_cache(maxsize=1)
def _name_words() -> tuple[frozenset[str], frozenset[str]]:
    data = read_toml("lexicons", "truecase.toml")
    return frozenset(data["name_words"]), frozenset(data["titles"])


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """The given names of the public list, less those English knows as a verb, an adjective or
    a little word ("mark", "frank", "will"): those would take the name after them ("to MARK
    INDEPENDENCE DAY"). What is left is a name when a name follows ("DAVID", "TODD")."""
    listed = frozenset(read_toml("lexicons", "given_names.toml")["names"])
    return listed - _words_of_other_kinds()


@lru_cache(maxsize=1)
def _listed_given_names() -> frozenset[str]:
    """Every given name of the public list, those English knows as verbs ("ray", "bill")
    too, but no little word ("in", "so")."""
    listed = read_toml("lexicons", "given_names.toml")["names"]
    return frozenset(n for n in listed if n not in _STOP_WORDS and len(n) > 2)


def _mark_given_names(
    text: str,
    words: list[re.Match[str]],
    lowered: list[str],
    proper: list[bool],
    english: frozenset[str],
) -> set[str]:
    """A given name English also knows is a name before a name ("james arthur Donnelly"):
    read right to left, so each name makes the one before it a name too. One English knows as
    a verb or an adjective too ("ray", "bill") only before a word English does not know or
    another given name ("ray Zunbaro"). Returns the names read so."""
    given, listed = _given_names(), _listed_given_names()
    found: set[str] = set()
    for index in range(len(words) - 2, -1, -1):
        word = lowered[index]
        if proper[index] or word not in listed:
            continue
        if not (proper[index + 1] and _only_space(text, words[index], words[index + 1])):
            continue
        following = lowered[index + 1]
        if word in given:
            proper[index] = True
            found.add(word)
        elif following in found or not _known(_bare(following), english):
            # Not learned for the rest of the text: "frank" is a name before "Pais" only.
            proper[index] = True
    return found


@lru_cache(maxsize=1)
def _verb_forms() -> frozenset[str]:
    """Verbs and adverbs of the dictionary, with the irregular forms of its verbs ("said")."""
    index = _lemma_index()
    forms = set(index.get("verb", [])) | set(index.get("adv", []))
    lookups = _lemma_tables()
    if "lemma_exc" in lookups.tables:
        forms.update(lookups.get_table("lemma_exc").get("verb", {}))
    return frozenset(forms)


def _may_be_surname(word: str) -> bool:
    """A word English knows only as a noun or an adjective, or not by its part of speech at
    all ("flores", "kent", "castle"), and no word of an institution's name, a title or a form
    of a verb ("said", "reported")."""
    name_words, titles = _name_words()
    if word in _STOP_WORDS or word in name_words or word in titles:
        return False
    verbs = _verb_forms()
    if word in verbs:
        return False
    for suffix in ("ed", "ing", "es", "s", "d"):
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and (stem in verbs or stem + "e" in verbs):
            return False
    return True


def _mark_surnames(
    text: str, words: list[re.Match[str]], lowered: list[str], proper: list[bool]
) -> None:
    """A word after a person's name that ends a phrase ("Marta FLORES, a nurse", "carlos
    parker,") is the name's surname, when the name begins with a given name of the public list
    (one English knows as a noun only, when it is the whole name) and the word could be one
    (see `_may_be_surname`)."""
    listed, given = _listed_given_names(), _given_names()
    for index in range(1, len(words)):
        if proper[index] or not _may_be_surname(lowered[index]):
            continue
        after = text[words[index].end() : words[index].end() + 2].lstrip(" ")
        before = lowered[index - 1]
        if after and after[0] not in ",.;:\"'()-":
            continue
        if re.search(r"['’]s$", before) or not _only_space(text, words[index - 1], words[index]):
            continue  # "Carlos Guerrero's wife"
        start = index - 1
        if proper[start]:
            while (
                start > 0
                and proper[start - 1]
                and _only_space(text, words[start - 1], words[start])
            ):
                start -= 1
            if lowered[start] not in listed:
                continue
        elif before not in given:
            continue
        for i in range(start, index + 1):
            proper[i] = True


def _bare(word: str) -> str:
    """A lower-cased word without its possessive ("rivera's" -> "rivera")."""
    return re.sub(r"['’]s$", "", word)


def _acronym_like(word: str, english: frozenset[str], defined: set[str]) -> bool:
    """An unknown word without vowels, or one the text gives in brackets, reads as an acronym
    ("FMLN", "(URNG)")."""
    if _known(word, english):
        return False
    return word in defined or not re.search(r"[aeiouy]", word)


def _only_space(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    return not text[first.end() : second.start()].strip()


def recase(text: str) -> str:
    """The text in ordinary case, same length; unchanged when it is not in capitals."""
    if not in_capitals(text):
        return text
    english = _english_words()
    name_words, titles = _name_words()
    out = list(text.lower())
    words = list(_WORD.finditer(text))
    lowered = [m.group(0).lower() for m in words]
    proper = [False] * len(words)
    upper = [False] * len(words)
    defined = {m.group(1).lower() for m in re.finditer(r"\(([A-Z]{2,8})\)", text)}
    for index, match in enumerate(words):
        word = lowered[index]
        original = match.group(0)
        if _gazetteer_acronym(original, word, english) or (
            len(word) > 1 and _acronym_like(word, english, defined)
        ):
            upper[index] = True
            continue
        # Two-word places first ("SAN SALVADOR", "EL SALVADOR's"); "the" before a demonym is
        # no part of a name ("THE SPANISH JESUIT").
        if (
            index + 1 < len(words)
            and word not in _STOP_WORDS
            and _is_place(f"{word} {_bare(lowered[index + 1])}")
        ):
            proper[index] = proper[index + 1] = True
        known = _known(word, english)
        if _is_month(index, lowered, text, words):
            proper[index] = True
        # A short English word is no country though a country's code reads so ("car", the
        # Central African Republic): only longer ones are ("chad", "jordan").
        if not proper[index] and (
            (not known and len(word) > 1)
            or (known and len(word) > 3 and _is_country(name_key(word)))
            or (not known and _is_place(name_key(word)))
        ):
            proper[index] = True
    # English words read as parts of a name somewhere in the text are names everywhere in
    # it ("Colonel Roberto Armando Rivera Escobar" ... "Rivera's murder").
    learned = _mark_given_names(text, words, lowered, proper, english)
    # A surname read from its place after a name is a name there only: "kent" or "parker"
    # elsewhere in the text may be the English word.
    _mark_surnames(text, words, lowered, proper)
    # Titles capitalised before a name ("Judge Rivas") do not make the word before them one.
    titled = [False] * len(words)
    # Runs of name words around a name: "Farabundo Marti National Liberation Front".
    for index in range(len(words)):
        if proper[index] or upper[index]:
            for step in (1, -1):
                other = index + step
                while 0 <= other < len(words) and lowered[other] in name_words:
                    proper[other] = True
                    other += step
            if index > 0 and lowered[index - 1] in titles and not proper[index - 1]:
                proper[index - 1] = titled[index - 1] = True
    # A word between two words of a name is part of it ("Farabundo Marti National Liberation
    # Front", "Juan Morales Gomez"), though English knows it: never a little word ("of").
    for index in range(1, len(words) - 1):
        named = all((proper[i] or upper[i]) and not titled[i] for i in (index - 1, index + 1))
        adjacent = _only_space(text, words[index - 1], words[index]) and _only_space(
            text, words[index], words[index + 1]
        )
        if named and adjacent and not proper[index] and lowered[index] not in _STOP_WORDS:
            proper[index] = True
            if lowered[index] not in name_words:
                learned.add(lowered[index])
    for index in range(len(words)):
        if not proper[index] and _bare(lowered[index]) in learned:
            proper[index] = True
    for index, match in enumerate(words):
        if upper[index]:
            out[match.start() : match.end()] = match.group(0)
            continue
        before = text[max(0, match.start() - 4) : match.start()]
        if proper[index] or lowered[index] == "i" or _SENTENCE_END.search(before):
            out[match.start()] = out[match.start()].upper()
    return "".join(out)
