"""Event triggers by meaning: lemma classes over the parse, typed in context, filtered by clause.

A trigger is a verb or noun whose lemma is in one of the classes of `lexicons/events.toml`
("kill", "shoot", "detonate", "the fall of", "a suicide bombing", "opened fire", "set ablaze"),
found on the tokens of a parsed sentence, so inflection, word order and particles do not matter:
"blew the bridge up" is "blow up", "were taken hostage" is "take+hostage".

Not every trigger is an event. Each is checked in its own clause (the verb it is, or the verb
its noun belongs to), never across the sentence, so a hedge in a trailing clause leaves the main
clause alone: negated ("did not attack", "it is not by bombing markets that ..."), modal or
future ("could attack", "will storm", "about to explode"), governed by a verb of intention or
fear, itself or through the verb it is coordinated with ("threatened to attack", "plans
attacks", "vowed to storm the town and kill its mayor"), conditional ("if they attack"), a
question, habitual ("often attack", "have repeatedly attacked", "shell the villages every
day"), durative ("over ten years it has intensified its attacks"), a word describing a thing
("detonating cord", "slow-burning fuses") and generic mentions ("frequent attacks", "a wave of
bombings", "attacks have killed 20,000 since 2009") make no event.

The triggers left are grouped: those linked in the parse ("shot and killed", "detonated ...
killing five", "carried out an attack in which ... were wounded") are one event. A group takes
its type from its classes and from cues in its clause: the weapon used (an IED, a mortar, a
drone), whom the violence fell on (soldiers make a fight of it, civilians an attack on
civilians), who acted (protesters, a mob, state forces) and how a protest went (dispersed,
met with live fire, turned to stone throwing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Span, Token

from factions.extract.nlp import (
    children_of,
    doc_text,
    ent_types_of,
    token_bounds,
    tokens_of,
    words_of,
)
from factions.packaged import read_toml

# Families whose triggers describe harm between armed actors or to civilians: they group with
# one another, and with deaths and injuries.
ARMED_FAMILIES = frozenset({"violence", "explosive", "clash", "outcome", "fixed", "territory"})
# Which family leads a group (gives its trigger word), most specific first.
_LEAD_ORDER = (
    "fixed",
    "explosive",
    "territory",
    "protest",
    "riot",
    "clash",
    "violence",
    "capture",
    "arrest",
    "property",
    "outcome",
)
_CLAUSE_DEPS = frozenset(
    {"ROOT", "conj", "advcl", "ccomp", "xcomp", "relcl", "acl", "parataxis", "pcomp", "csubj"}
)
_NOUN_POS = frozenset({"NOUN", "PROPN"})
_VERB_POS = frozenset({"VERB"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_PERSON_LABELS = frozenset({"PERSON", "NORP"})
_PLACE_NOUNS = frozenset(
    {
        "town",
        "city",
        "village",
        "district",
        "province",
        "area",
        "territory",
        "region",
        "control",
        "hill",
        "valley",
        "capital",
        "county",
        "state",
        "locality",
        "neighbourhood",
        "neighborhood",
        "suburb",
        "countryside",
        "border",
        "crossing",
        "port",
        "airport",
        "base",
        "headquarters",
        "stronghold",
        "municipality",
        "commune",
        "settlement",
    }
)


@dataclass(frozen=True)
class TriggerClass:
    name: str
    family: str
    event_type: str
    sub_event_type: str
    needs: str | None = None
    # A noun for who acted ("protesters"): it signals the event but does not name it.
    agent: bool = False


@dataclass(frozen=True)
class _VerbSpec:
    lemma: str
    particle: str | None
    dependents: tuple[str, ...]
    cls: TriggerClass

    @property
    def size(self) -> int:
        return 1 + (self.particle is not None) + len(self.dependents)


@dataclass(frozen=True)
class _NounSpec:
    words: tuple[str, ...]
    cls: TriggerClass


@dataclass
class Trigger:
    """A trigger word (or phrase) on the tokens of one sentence."""

    token: Token  # the head: the verb, or the last word of a noun phrase
    start: int  # character offsets in the document
    end: int
    cls: TriggerClass
    is_verb: bool
    parts: tuple[int, ...] = ()  # the token indexes the phrase covers
    text: str = ""
    # Its sentence asks a question ("Did the rebels attack ...?").
    question: bool = False

    @property
    def family(self) -> str:
        return self.cls.family


@dataclass(frozen=True)
class TriggerLexicon:
    version: str
    verbs: dict[str, tuple[_VerbSpec, ...]]
    nouns: dict[str, tuple[_NounSpec, ...]]
    forms: dict[str, str]  # an inflected form the tagger may leave as is -> its lemma
    past_forms: frozenset[str]  # the past forms among them ("attacked", "shot", "overran")
    words: frozenset[str]  # every word a trigger can be found by: verb lemmas, forms, nouns
    weapon_order: tuple[str, ...]
    weapons: dict[str, re.Pattern[str]]
    any_weapon: re.Pattern[str]
    firearms: re.Pattern[str]
    state_bombing: frozenset[str]
    armed_targets: frozenset[str]
    one_sided: frozenset[str]
    armed_bodies: frozenset[str]
    conflict_actors: frozenset[str]
    civilian_targets: frozenset[str]
    protesters: frozenset[str]
    rioters: frozenset[str]
    mob_actors: frozenset[str]
    armed_modifiers: frozenset[str]
    mob: re.Pattern[str]
    purpose: re.Pattern[str]
    intervention: re.Pattern[str]
    intervention_by_police: re.Pattern[str]
    police: re.Pattern[str]
    excessive: re.Pattern[str]
    violent: re.Pattern[str]
    labour: re.Pattern[str]
    state_actors: re.Pattern[str]
    toll_words: re.Pattern[str]
    cumulative: re.Pattern[str]
    vague: dict[str, int]
    modals: frozenset[str]
    governors: frozenset[str]
    habitual: frozenset[str]
    generic_modifiers: frozenset[str]
    generic_heads: frozenset[str]
    state_verbs: frozenset[str]
    reference_verbs: frozenset[str]
    protest_words: frozenset[str]
    intransitive: frozenset[str] = field(default_factory=frozenset)


def words_regex(words: list[str]) -> re.Pattern[str]:
    """Any of the words or phrases, as whole words, case-insensitively, longest first."""
    ordered = sorted(set(words), key=len, reverse=True)
    body = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _inflections(lemma: str) -> set[str]:
    """Regular English verb forms: attack -> attacks, attacked, attacking."""
    forms = {lemma}
    if lemma.endswith("e"):
        forms |= {lemma + "s", lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"}
    else:
        suffix = "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s"
        forms |= {lemma + suffix, lemma + "ed", lemma + "ing"}
        # "stab" -> "stabbed": a short final consonant after one vowel doubles.
        if (
            len(lemma) <= 4
            and lemma[-1] not in "aeiouwxy"
            and lemma[-2:-1] in tuple("aeiou")
            and lemma[-3:-2] not in tuple("aeiou")
        ):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _verb_spec(text: str, cls: TriggerClass) -> _VerbSpec:
    """ "blow up" (a particle), "open+fire" (a dependent), "set up+base" (both)."""
    head, *dependents = text.split("+")
    words = head.split()
    particle = words[1] if len(words) > 1 else None
    return _VerbSpec(words[0], particle, tuple(dependents), cls)


@lru_cache(maxsize=1)
def load_trigger_lexicon() -> TriggerLexicon:
    data = read_toml("lexicons", "events.toml")
    verbs: dict[str, list[_VerbSpec]] = {}
    nouns: dict[str, list[_NounSpec]] = {}
    forms: dict[str, str] = {}
    for raw in data["trigger"]:
        cls = TriggerClass(
            raw["name"],
            raw["family"],
            raw["type"],
            raw["sub"],
            raw.get("needs") or None,
            bool(raw.get("agent", False)),
        )
        for text in raw.get("verbs", []):
            spec = _verb_spec(text.lower(), cls)
            verbs.setdefault(spec.lemma, []).append(spec)
            for form in _inflections(spec.lemma):
                forms.setdefault(form, spec.lemma)
        for lemma, irregular in raw.get("irregular", {}).items():
            for form in irregular:
                forms.setdefault(form, lemma)
        for text in raw.get("nouns", []):
            # "sit-in" is three tokens to spaCy: "sit", "-", "in".
            words = tuple(re.findall(r"[\w.']+|-", text.lower()))
            nouns.setdefault(words[-1], []).append(_NounSpec(words, cls))
    weapons_data = data["weapons"]
    order = tuple(weapons_data["order"])
    weapons = {name: words_regex(weapons_data[name]) for name in order}
    targets, crowds, cues, tolls, modality = (
        data["targets"],
        data["crowds"],
        data["protest_cues"],
        data["tolls"],
        data["modality"],
    )
    return TriggerLexicon(
        version=str(data["version"]),
        # Longer specs first, so that "set up+base" wins over "set up".
        verbs={k: tuple(sorted(v, key=lambda s: -s.size)) for k, v in verbs.items()},
        nouns={k: tuple(sorted(v, key=lambda s: -len(s.words))) for k, v in nouns.items()},
        forms=forms,
        past_forms=frozenset(
            f for f, lemma in forms.items() if f != lemma and not f.endswith(("s", "ing"))
        ),
        words=frozenset(verbs) | frozenset(forms) | frozenset(nouns),
        weapon_order=order,
        weapons=weapons,
        any_weapon=words_regex([w for name in order for w in weapons_data[name]]),
        firearms=words_regex(weapons_data["firearms"]),
        state_bombing=frozenset(weapons_data["state_bombing"]),
        armed_targets=frozenset(targets["armed"]),
        one_sided=frozenset(targets["one_sided"]),
        armed_bodies=frozenset(targets["armed_bodies"]),
        conflict_actors=frozenset(targets["conflict_actors"]),
        civilian_targets=frozenset(targets["civilian"]),
        protesters=frozenset(crowds["protesters"]),
        rioters=frozenset(crowds["rioters"]),
        mob_actors=frozenset(crowds["mob_actors"]),
        armed_modifiers=frozenset(crowds["armed_modifiers"]),
        mob=words_regex(crowds["mob"]),
        purpose=words_regex(cues["purpose"]),
        intervention=words_regex(cues["intervention"]),
        intervention_by_police=words_regex(cues["intervention_by_police"]),
        police=words_regex(cues["police"]),
        excessive=words_regex(cues["excessive"]),
        violent=words_regex(cues["violent"]),
        labour=words_regex(cues["labour"]),
        state_actors=words_regex(data["state_actors"]["words"]),
        toll_words=words_regex(tolls["toll_words"]),
        cumulative=words_regex(tolls["cumulative"]),
        vague={k.lower(): int(v) for k, v in tolls["vague"].items()},
        modals=frozenset(modality["modals"]),
        governors=frozenset(modality["governors"]),
        habitual=frozenset(modality["habitual"]),
        generic_modifiers=frozenset(modality["generic_modifiers"]),
        generic_heads=frozenset(modality["generic_heads"]),
        state_verbs=frozenset(modality["state_verbs"]),
        reference_verbs=frozenset(modality["reference_verbs"]),
        protest_words=frozenset(
            w.split("+")[0].split()[0]
            for raw in data["trigger"]
            if raw["family"] == "protest"
            for w in [*raw.get("verbs", []), *raw.get("nouns", [])]
        )
        | {"demand", "mourn", "commemorate", "justice"},
        intransitive=frozenset(modality.get("intransitive", [])),
    )


def noun_class(noun: str) -> TriggerClass | None:
    """The class a one-word trigger noun ("attack") types its events with."""
    specs = load_trigger_lexicon().nouns.get(noun.lower(), ())
    return next((spec.cls for spec in specs if spec.words == (noun.lower(),)), None)


# --- finding -----------------------------------------------------------------------------------


def _lemma(token: Token, lex: TriggerLexicon) -> str:
    lemma = token.lemma_.lower()
    if lemma in lex.verbs:
        return lemma
    return lex.forms.get(token.lower_, lemma)


def _word_matches(token: Token, word: str) -> bool:
    return token.lower_ == word or token.lemma_.lower() == word


def _dependent_words(token: Token) -> list[Token]:
    """Children and grandchildren through a preposition or particle: "took to the streets"."""
    found = []
    for child in children_of(token):
        found.append(child)
        if child.dep_ in {"prep", "prt", "agent", "dative", "advmod", "dobj", "npadvmod"}:
            found.extend(children_of(child))
    return found


def _match_verb(token: Token, lex: TriggerLexicon) -> list[tuple[TriggerClass, tuple[int, ...]]]:
    """The classes a verb may trigger, most specific spec first, with the tokens it covers."""
    lemma = _lemma(token, lex)
    specs = lex.verbs.get(lemma)
    if not specs:
        return []
    verbal = token.pos_ in _VERB_POS or (
        # The tagger reads some past forms as adjectives or nouns ("shelled", "wounded", "shot
        # and killed"): take a past form of the verb with no article of its own.
        token.pos_ in {"ADJ", "NOUN", "PROPN"}
        and token.lower_ in lex.past_forms
        and token.doc[token.i - 1].dep_ != "det"
    )
    if not verbal:
        return []
    if lemma in lex.intransitive and any(c.dep_ in {"dobj", "ccomp"} for c in children_of(token)):
        return []
    found: list[tuple[TriggerClass, tuple[int, ...]]] = []
    nearby = _dependent_words(token)
    following = token.doc[token.i + 1 : token.i + 4]
    for spec in specs:
        parts = [token.i]
        if spec.particle is not None:
            particle = next(
                (t for t in [*children_of(token), *following] if t.lower_ == spec.particle), None
            )
            if particle is None:
                continue
            parts.append(particle.i)
        matched = True
        for word in spec.dependents:
            dependent = next((t for t in nearby if _word_matches(t, word)), None)
            if dependent is None:
                matched = False
                break
            parts.append(dependent.i)
        if matched:
            found.append((spec.cls, tuple(parts)))
    return found


def _match_noun(
    tokens: list[Token], index: int, lex: TriggerLexicon
) -> list[tuple[TriggerClass, tuple[int, ...]]]:
    """The classes a noun (or a phrase ending on it) may trigger, longest phrase first."""
    token = tokens[index]
    candidates = lex.nouns.get(token.lemma_.lower()) or lex.nouns.get(token.lower_)
    if not candidates:
        return []
    found: list[tuple[TriggerClass, tuple[int, ...]]] = []
    for spec in candidates:
        # Walk back over the phrase's other words (hyphens are their own tokens).
        parts = [token.i]
        position = index - 1
        matched = True
        for word in reversed(spec.words[:-1]):
            if position < 0 or not _word_matches(tokens[position], word):
                matched = False
                break
            parts.append(tokens[position].i)
            position -= 1
        if not matched:
            continue
        if len(spec.words) == 1 and not _is_noun(token):
            continue
        found.append((spec.cls, tuple(sorted(parts))))
    return found


def _is_noun(token: Token) -> bool:
    if token.pos_ == "NOUN":
        return True
    # A capitalised common noun opening a sentence or a headline ("Clashes erupted ..."), not a
    # name ("March" the month, "Strike Force").
    return token.pos_ == "PROPN" and token.ent_type_ not in {"DATE", "ORG", "PERSON", "GPE"}


def find_trigger_words(
    sent: Span, kinds: EntityKinds | None = None, lex: TriggerLexicon | None = None
) -> list[Trigger]:
    """Every trigger word or phrase of a sentence, in text order (before any filter)."""
    lex = lex or load_trigger_lexicon()
    kinds = kinds or EntityKinds()
    cues = _SentenceCues(sent, kinds, lex)
    last = sent[-1].text if len(sent) else ""
    question = "?" in last or (len(sent) > 1 and sent[-2].text == "?")
    words = words_of(sent.doc)
    # Made on the first word a trigger has: most sentences have none.
    tokens: list[Token] = []
    found: list[Trigger] = []
    taken: set[int] = set()
    for index, i in enumerate(range(sent.start, sent.end)):
        if words.lower[i] not in lex.words and words.lemma[i] not in lex.words:
            continue  # no trigger has this word
        tokens = tokens or tokens_of(sent.doc)[sent.start : sent.end]
        token = tokens[index]
        if token.i in taken or token.is_punct:
            continue
        is_verb = True
        candidates = _match_verb(token, lex)
        if not candidates:
            is_verb = False
            candidates = _match_noun(tokens, index, lex)
        for cls, parts in candidates:
            if taken.intersection(parts):
                continue
            trigger = _trigger(token, cls, is_verb, parts, question)
            if _needs_met(trigger, cues, kinds):
                found.append(trigger)
                taken.update(parts)
                break
    # A word a later verb took as its dependent ("fire was opened") is not a trigger of its own.
    dependents = {i for t in found for i in t.parts if i != t.token.i}
    return [t for t in found if t.token.i not in dependents]


class _SentenceCues:
    """The cues of one sentence, each searched once."""

    def __init__(self, sent: Span, kinds: EntityKinds, lex: TriggerLexicon) -> None:
        self.sent, self.kinds, self.lex = sent, kinds, lex
        self._text: str | None = None
        self._seen: dict[str, bool] = {}

    @property
    def text(self) -> str:
        # Built on first need: most sentences have no trigger that needs a cue.
        if self._text is None:
            self._text = cue_text(self.sent, self.kinds)
        return self._text

    def has(self, name: str) -> bool:
        if name not in self._seen:
            lex, text = self.lex, self.text
            if name == "weapon":
                found = bool(lex.any_weapon.search(text) or lex.firearms.search(text))
            elif name == "conflict":
                found = self.has("weapon") or bool(lex.toll_words.search(text))
                if not found:
                    words = {w.lower() for w in re.findall(r"[A-Za-z]+", text)}
                    found = bool(words & lex.conflict_actors)
                # A named armed group or force acting is as much a cue as "rebels" ("the ELN
                # destroyed the oil terminal").
                found = found or any(self.kinds.kind(t) in _ARMED_KINDS for t in self.sent)
            elif name == "purpose":
                found = bool(lex.purpose.search(text))
            elif name == "labour":
                found = bool(lex.labour.search(text))
            else:
                found = True
            self._seen[name] = found
        return self._seen[name]


def _needs_met(trigger: Trigger, cues: _SentenceCues, kinds: EntityKinds) -> bool:
    if trigger.cls.agent and trigger.token.dep_ != "nsubj":
        return False  # "protesters demanded ...", not "aiding protesters"
    needs = trigger.cls.needs
    if needs is None:
        return True
    if needs == "place":
        return has_place(trigger, kinds)
    if needs == "weapon subject":
        # "shells landed on the market": a projectile comes down, not a helicopter.
        subjects = [c for c in children_of(trigger.token) if c.dep_ in {"nsubj", "nsubjpass"}]
        lex = cues.lex
        return any(
            lex.any_weapon.search(trigger.token.doc[c.left_edge.i : c.i + 1].text)
            and weapon_class(trigger.token.doc[c.left_edge.i : c.i + 1].text, lex) != "air"
            for c in subjects
        )
    return cues.has(needs)


def _trigger(
    token: Token, cls: TriggerClass, is_verb: bool, parts: tuple[int, ...], question: bool = False
) -> Trigger:
    doc = token.doc
    first = token if is_verb else doc[min(parts)]
    # Doc.text rebuilds the whole document: take the words' own text instead.
    text = doc[first.i : token.i + 1].text
    return Trigger(token, first.idx, first.idx + len(text), cls, is_verb, parts, text, question)


# --- not every trigger is an event -------------------------------------------------------------


def clause_verb(token: Token) -> Token:
    """The verb of the clause a token is in: a verb itself, or the verb a noun hangs from."""
    current = token
    for _ in range(8):
        if current.pos_ in {"VERB", "AUX"}:
            return current
        if current.head.i == current.i:
            return current
        current = current.head
    return current


def _support_verbs() -> frozenset[str]:
    return _modality_words("support_verbs")


@lru_cache(maxsize=8)
def _modality_words(name: str) -> frozenset[str]:
    return frozenset(read_toml("lexicons", "events.toml")["modality"].get(name, []))


def _bare_plural(token: Token) -> bool:
    """A plural noun with no article, number or possessor: "attacks", "bombings"."""
    if token.tag_ not in {"NNS", "NNPS"}:
        return False
    return not any(
        c.dep_ in {"det", "nummod", "poss"} or (c.dep_ == "amod" and c.like_num)
        for c in children_of(token)
    )


def _present(verb: Token) -> bool:
    """A present-tense clause: simple present, or present perfect ("have attacked")."""
    if verb.tag_ in {"VBZ", "VBP"}:
        return True
    return any(c.dep_ == "aux" and c.tag_ in {"VBZ", "VBP"} for c in children_of(verb))


_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_DEFINITE = frozenset({"the", "this", "that", "these", "those"})
_TIME_UNITS = frozenset({"year", "month", "week", "decade", "century"})


_ANAPHORIC = frozenset({"ensuing", "subsequent", "resulting", "same", "said", "aforementioned"})


def of_after(token: Token) -> Token | None:
    """The "of" that follows a trigger noun, past the nouns coordinated with it and a date
    ("the kidnapping and assassination on 15 May of Juan Perez"). Read along the words: the
    parser often hangs such an "of" on the date."""
    doc = token.doc
    end = min(len(doc), token.sent.end)
    i = token.i + 1
    while i < end and (
        doc[i].dep_ in {"cc", "conj"}
        or doc[i].lower_ in {"on", "in", "last", "this"}
        or doc[i].ent_type_ == "DATE"
    ):
        i += 1
    return doc[i] if i < end and doc[i].lower_ == "of" else None


def names_whom(token: Token) -> bool:
    """Whether a trigger noun names the person it harmed ("the murder of Ana Rivas")."""
    of = of_after(token)
    if of is None:
        return False
    end = min(token.sent.end, of.i + 5)
    return any(t.ent_type_ == "PERSON" for t in token.doc[of.i + 1 : end])


def definite(token: Token) -> bool:
    """ "the attack", "this bombing", "its offensive", "Monday's attack", "the ensuing clash",
    "the attack and ensuing clash": an event named as one already known."""
    if any(
        (c.dep_ == "det" and c.lower_ in _DEFINITE)
        or c.dep_ == "poss"
        or (c.dep_ == "amod" and c.lower_ in _ANAPHORIC)
        for c in children_of(token)
    ):
        return True
    return token.dep_ == "conj" and token.head.i != token.i and definite(token.head)


_TEMPORAL = frozenset(
    {
        "after",
        "before",
        "following",
        "since",
        "until",
        "prior",
        "ahead",
        "like",
        "unlike",
        "than",
        "amid",
    }
)
_LINKING = frozenset({"link", "connect", "connection", "tie", "relate", "relation", "regard"})


def in_reference(trigger: Trigger, lex: TriggerLexicon | None = None) -> bool:
    """A trigger naming an event as a point of reference, not stating it: "after the attack",
    "in connection with Saturday's attack", "accused of carrying out the bombing", "condemned
    the attack". Such a mention is about an event told before (or elsewhere), never part of
    the event its sentence states."""
    if trigger.is_verb:
        return False
    lex = lex or load_trigger_lexicon()
    token = trigger.token
    head = token.head
    if token.dep_ == "pobj":
        if head.lower_ in _TEMPORAL:
            return True
        if head.head.lemma_.lower() in _LINKING:
            return True
    if _time_clause(token):
        return True
    governor = head if token.dep_ in {"dobj", "nsubjpass"} else head.head
    if token.dep_ == "pobj" and head.head.pos_ == "VERB" and head.head.dep_ in {"pcomp", "xcomp"}:
        governor = head.head.head  # "accused of carrying out the attack"
    return governor.lemma_.lower() in lex.reference_verbs


def _time_clause(token: Token) -> bool:
    """ "four days after the offensive began": a noun whose clause gives a point in time."""
    head = token.head
    if token.dep_ != "nsubj" or head.dep_ != "advcl":
        return False
    if head.lemma_.lower() not in _support_verbs():
        return False
    return any(c.dep_ == "mark" and c.lower_ in _TEMPORAL for c in children_of(head))


def _finite(verb: Token) -> Token:
    """The verb that carries tense for a non-finite one ("helps them in pulling off attacks")."""
    current = verb
    for _ in range(5):
        finite = current.tag_ in {"VBD", "VBZ", "VBP", "MD"} or any(
            c.dep_ in {"aux", "auxpass"} for c in children_of(current)
        )
        if finite or current.head.i == current.i:
            return current
        if current.dep_ not in {"xcomp", "pcomp", "conj", "advcl", "acl", "prep", "pobj"}:
            return current
        current = current.head
    return current


def _modal(item: Token, lex: TriggerLexicon) -> bool:
    return any(c.dep_ in {"aux", "auxpass"} and c.lower_ in lex.modals for c in children_of(item))


def _durative(verb: Token) -> bool:
    """A state over time, not an event: "have fought X since 2007", "has since fought", "for
    several years", "in the 1990s"."""
    for child in children_of(verb):
        if child.dep_ == "advmod" and child.lower_ == "since":
            return True
        if child.dep_ != "prep":
            continue
        for pobj in (g for g in children_of(child) if g.dep_ == "pobj"):
            if child.lower_ == "since":
                return True
            lasting = pobj.lemma_.lower() in _TIME_UNITS and pobj.tag_ == "NNS"
            if child.lower_ in {"for", "throughout", "during", "over"} and lasting:
                return True
            if pobj.ent_type_ == "DATE" and pobj.lower_.endswith("0s"):
                return True
    return False


_HEADLINE_LENGTH = 160


def headline(token: Token) -> bool:
    """Whether a token stands in the report's headline: its first line, ending without a full
    stop. Headlines tell past events in the present tense ("Taliban fighters attack police
    checkpoint"), which elsewhere says what is usual."""
    text = doc_text(token.doc)
    line_end = text.find("\n")
    if line_end < 0 or token.idx >= line_end:
        return False
    line = text[:line_end].strip()
    # A headline is short and one sentence: a paragraph that lacks its full stop is none.
    if not line or len(line) > _HEADLINE_LENGTH or re.search(r"[.!?]\s", line):
        return False
    return line[-1] not in ".!?:;"


def not_an_event(trigger: Trigger, lex: TriggerLexicon | None = None) -> str | None:
    """Why a trigger states no event, checked in its own clause; None when it may be one."""
    lex = lex or load_trigger_lexicon()
    token = trigger.token
    verb = clause_verb(token)
    own = token if trigger.is_verb else verb
    known = not trigger.is_verb and token.dep_ in _SUBJECTS and definite(token)
    # A noun carries its verb's negation only when the verb merely carries it ("did not launch
    # an attack"; "did not claim the attack" says the attack happened), and its verb's
    # modality unless it is a known event the clause says more of ("the attack may have been
    # organised by ...").
    support = trigger.is_verb or verb.lemma_.lower() in _support_verbs()
    checked = [token, own] if support else [token]
    for item in checked:
        if any(c.dep_ == "neg" for c in children_of(item)):
            return "negated"
    if not trigger.is_verb:
        if any(c.dep_ == "det" and c.lower_ == "no" for c in children_of(token)):
            return "negated"
        if token.dep_ == "pobj" and token.head.lower_ in {"without", "since"}:
            return "negated" if token.head.lower_ == "without" else "reference"
    if not known:
        chain = [own]
        # "would keep fighting", "plans to attack"; "if killing them remains the aim": a
        # clause that is another's subject is as sure as that one.
        while (
            chain[-1].dep_ in {"xcomp", "conj", "csubj", "csubjpass"}
            and chain[-1].head.i != chain[-1].i
        ):
            chain.append(chain[-1].head)
        if any(_modal(item, lex) for item in chain):
            return "modal"
        if any(_about_to(item) for item in chain):
            return "modal"  # "a bomb about to explode": not yet
        if any(
            c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether", "lest"}
            for item in chain
            for c in children_of(item)
        ):
            return "conditional"
    # "threatened to attack", "plans to launch attacks", "capable of attacks", "their aim is
    # to build a base".
    governed = _governor(token, own, trigger.is_verb)
    if governed is None and own.dep_ == "conj":
        # "vowed to storm the town and kill its mayor": a verb coordinated with one an
        # intention governs is intended too.
        first = _first_conjunct(own)
        governed = _governor(first, first, True)
    if governed is not None:
        lemma = governed.lemma_.lower()
        # "used to attack" is a habit, "used a drone to attack" an attack.
        habit = lemma != "use" or not any(c.dep_ == "dobj" for c in children_of(governed))
        if (lemma in lex.governors or lemma in lex.generic_heads) and habit:
            return "intended"
        if lemma == "be" and any(
            c.dep_ in _SUBJECTS and c.lemma_.lower() in lex.generic_heads
            for c in children_of(governed)
        ):
            return "intended"
        denied = any(c.dep_ == "neg" for c in children_of(governed))
        if lemma == "be" and own.dep_ == "pcomp" and denied:
            return "negated"  # "it is not by bombing markets that they will win"
    if not trigger.is_verb:
        head = token.head
        if token.dep_ in {"dobj", "nsubjpass"} and head.lemma_.lower() in lex.state_verbs:
            if head.lemma_.lower() in lex.governors:
                return "intended"
            # "condemned the murder of Ana Rivas" is about one killing, not killings at large.
            if not names_whom(token):
                return "generic"
        if (
            token.dep_ == "pobj"
            and head.lower_ == "of"
            and head.head.lemma_.lower() in lex.generic_heads
        ):
            return "generic"
        if token.dep_ == "compound" and head.pos_ in _NOUN_POS:
            # "attack helicopter", "riot police", "rape laws": a noun modifying another names
            # a kind of thing, not an event (phrases such as "suicide attack" are matched whole).
            return "modifier"
        if token.dep_ == "pobj" and _is_reason(head):
            # "protested against the attack", "a sit-in over the killing of ...".
            return "reference"
        if any(
            c.dep_ in {"amod", "advmod", "det"} and c.lower_ in lex.generic_modifiers
            for c in children_of(token)
        ):
            return "generic"
        if _bare_plural(token) and _present(_finite(verb)) and not headline(token):
            return "generic"
        if _durative(token):
            return "durative"  # "incursions by militants in the 1990s"
        if support and _durative(verb):
            return "durative"  # "over the past ten years it has intensified its attacks"
    if trigger.is_verb and token.dep_ == "amod" and (token.tag_ == "VBG" or _hyphenated(token)):
        # "detonating cord", "slow-burning fuses", "fire-damaged homes": a word describing a
        # thing, not telling an event.
        return "modifier"
    if trigger.question:
        return "question"
    for item in checked:
        if any(
            c.dep_ in {"advmod", "npadvmod"}
            and (c.lower_ in lex.habitual or _every(c))
            and not _manner_of_one_act(item, c)
            for c in children_of(item)
        ):
            return "habitual"
    if trigger.is_verb:
        if _durative(verb):
            return "durative"
        if verb.dep_ in {"relcl", "acl"} and _generic_phrase(verb.head, lex):
            return "generic"  # "one of three incidents in which devices were defused"
        auxiliaries = [c for c in children_of(verb) if c.dep_ in {"aux", "auxpass"}]
        if verb.tag_ == "VBG" and any(
            a.lower_ in {"is", "are", "am", "'re", "'s"} for a in auxiliaries
        ):
            # "are fighting alongside the Taliban": an ongoing state, not one event.
            return "ongoing"
        if verb.tag_ in {"VBZ", "VBP"} and not auxiliaries and not headline(verb):
            objects = [c for c in children_of(verb) if c.dep_ in {"dobj", "nsubj"}]
            if any(_bare_plural(o) for o in objects):
                return "habitual"
        if (
            _present(verb)
            and auxiliaries
            and any(c.dep_ == "dobj" and _bare_plural(c) for c in children_of(verb))
        ):
            return "habitual"
    return None


def _manner_of_one_act(verb: Token, adverb: Token) -> bool:
    """ "shot repeatedly at the offices", "was stabbed repeatedly": after a verb in the past
    tense, "repeatedly" tells how one act was done, not that it was done often ("has
    repeatedly attacked")."""
    if adverb.lower_ != "repeatedly" or adverb.i < verb.i or verb.tag_ not in {"VBD", "VBN"}:
        return False
    return not any(c.dep_ == "aux" and c.lemma_.lower() == "have" for c in verb.children)


def may_tell_an_event(verb: Token, speech_verbs: frozenset[str]) -> bool:
    """Whether a clause with no trigger word may still be the telling of an event a later
    sentence names ("Gunmen stabbed a teacher in Kunduz. The attack ..."): not what someone
    said, thought or wants ("The minister denied that ...", "We believe ..."), whose subject is
    a speaker, not a participant; nor negated, modal, conditional or a question."""
    lex = load_trigger_lexicon()
    lemma = verb.lemma_.lower()
    # "Assailants used a drone to drop a bomb" tells what they did with it.
    saying = speech_verbs | lex.reference_verbs | lex.state_verbs | (lex.governors - {"use"})
    if lemma in saying or lemma in _modality_words("stance_verbs"):
        return False
    if any(c.dep_ == "neg" for c in children_of(verb)) or _modal(verb, lex):
        return False
    if any(c.dep_ == "mark" and c.lower_ in {"if", "unless", "whether"} for c in children_of(verb)):
        return False
    sent = verb.sent
    return not any(t.text == "?" for t in sent[-2:])


def _every(phrase: Token) -> bool:
    """ "every day", "each night": a time phrase that makes a clause a habit."""
    return phrase.dep_ == "npadvmod" and any(
        c.dep_ == "det" and c.lower_ in {"every", "each"} for c in children_of(phrase)
    )


def _about_to(verb: Token) -> bool:
    """ "about to explode": a verb whose clause complements "about", of what has not happened."""
    return verb.dep_ == "xcomp" and verb.head.lower_ == "about"


def _first_conjunct(verb: Token) -> Token:
    """The first of a run of coordinated verbs ("storm" of "storm the town and kill")."""
    current = verb
    while current.dep_ == "conj" and current.head.i != current.i:
        current = current.head
    return current


def _hyphenated(token: Token) -> bool:
    """A word joined to the one before it by a hyphen ("slow-burning")."""
    if token.i < 2:
        return False
    hyphen = token.doc[token.i - 1]
    return hyphen.text == "-" and not hyphen.whitespace_ and not token.doc[token.i - 2].whitespace_


_REPRISALS = frozenset(
    {"revenge", "retaliation", "response", "reprisal", "retribution", "vengeance"}
)


def _generic_phrase(noun: Token, lex: TriggerLexicon) -> bool:
    """ "one of three related incidents", "a series of incidents": a noun about several."""
    return (
        noun.dep_ == "pobj"
        and noun.head.lower_ == "of"
        and noun.head.head.lemma_.lower() in lex.generic_heads
    )


def _is_reason(preposition: Token) -> bool:
    """A preposition giving what a protest or condemnation is about: "against X", or "over X",
    "for X" after a word of protest or mourning."""
    if preposition.lower_ == "against" and preposition.head.lemma_.lower() not in {"attack", "war"}:
        return True
    lex = load_trigger_lexicon()
    holder = preposition.head
    if holder.lemma_.lower() in _REPRISALS and preposition.lower_ in {"for", "to", "against"}:
        return True  # "revenge for the air strikes"
    return preposition.lower_ in {"over", "for", "about"} and (
        holder.lemma_.lower() in lex.protest_words or holder.lemma_.lower() in lex.state_verbs
    )


def _governor(token: Token, verb: Token, is_verb: bool) -> Token | None:
    """The word a trigger's clause depends on as an intention or ability: the verb an `xcomp`
    clause complements ("vowed to attack"), the noun of "a willingness to fight", or the
    adjective or noun of "capable of attacks"."""
    fearing = verb.head.lemma_.lower() in {"fear", "warn", "threaten"}
    if verb.head.i != verb.i and (
        verb.dep_ in {"xcomp", "acl"} or (verb.dep_ == "ccomp" and fearing)
    ):
        return verb.head
    if not is_verb and token.dep_ == "pobj":
        holder = token.head.head
        if holder.pos_ in {"ADJ", "NOUN", "VERB"}:
            return holder
    if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
        return verb.head.head
    return None


# --- one event per group of linked triggers ------------------------------------------------------


def sphere(cls: TriggerClass) -> str:
    """Which triggers may state the same event: armed violence, crowds, custody, property, or
    a strategic development of its own kind."""
    if cls.family in {"violence", "explosive", "clash", "outcome", "territory"}:
        return "armed"
    if cls.family == "fixed":
        if cls.event_type in {"Explosions/Remote violence", "Violence against civilians"}:
            return "armed"
        return f"fixed:{cls.name}"
    if cls.family in {"protest", "riot"}:
        return "crowd"
    if cls.family in {"arrest", "capture"}:
        return "custody"
    return cls.family


_COMPATIBLE = {
    frozenset({"armed", "crowd"}),
    frozenset({"armed", "property"}),
    frozenset({"crowd", "property"}),
    frozenset({"crowd", "custody"}),
    # "police shot two gang members and arrested five others": one operation.
    frozenset({"armed", "custody"}),
}


def compatible(a: TriggerClass, b: TriggerClass) -> bool:
    left, right = sphere(a), sphere(b)
    return left == right or frozenset({left, right}) in _COMPATIBLE


def group_triggers(triggers: list[Trigger]) -> list[list[Trigger]]:
    """The events of one sentence: its triggers, joined when they may state the same event.

    A sentence mostly reports one happening with several words ("shot and killed", "detonated
    ... in the blast"); two kinds that cannot be one event (an arrest after an attack) stay apart.
    """
    groups: list[list[Trigger]] = []

    references = {id(t) for t in triggers if in_reference(t)}

    def joins(a: Trigger, b: Trigger) -> bool:
        if not compatible(a.cls, b.cls):
            return False
        if _told_within(a, b) or _told_within(b, a):
            return True
        # A mention as a point of reference ("died after a gunfight ... after the bombing")
        # is another event; it joins only the dead and hurt it is told with.
        if (id(a) in references) != (id(b) in references):
            other = b if id(a) in references else a
            if other.family != "outcome":
                return False
        # "captured a recruit linked to the Takhar attack": an arrest is not the attack it is
        # about.
        spheres = {sphere(a.cls), sphere(b.cls)}
        if spheres == {"armed", "custody"}:
            armed = a if sphere(a.cls) == "armed" else b
            return armed.is_verb or not definite(armed.token)
        return True

    for trigger in triggers:
        home = next((g for g in groups if all(joins(trigger, t) for t in g)), None)
        if home is None:
            groups.append([trigger])
        else:
            home.append(trigger)
    return groups


def _told_within(inner: Trigger, outer: Trigger) -> bool:
    """ "after the killing of its leader in a drone strike": a trigger noun in an `in` or
    `during` phrase of another trigger says how that one happened, whether the other is a
    point of reference or not."""
    token = inner.token
    return (
        not inner.is_verb
        and token.dep_ == "pobj"
        and token.head.lower_ in {"in", "during"}
        and token.head.head.i == outer.token.i
    )


def lead_trigger(group: list[Trigger]) -> Trigger:
    """The word that names the group's event best: the most specific family, then the first."""
    order = {family: rank for rank, family in enumerate(_LEAD_ORDER)}
    return min(group, key=lambda t: (t.cls.agent, order.get(t.family, len(order)), t.start))


# --- typing in context -------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityKinds:
    """What the document's entity layer knows of a token: group, state force, person, place."""

    by_token: dict[int, str] = field(default_factory=dict)

    def kind(self, token: Token) -> str | None:
        return self.by_token.get(token.i)


_NON_STATE = frozenset(
    {
        "militant",
        "rebel",
        "insurgent",
        "fighter",
        "jihadist",
        "gunman",
        "gunmen",
        "assailant",
        "attacker",
        "militia",
        "militiaman",
        "militiamen",
        "bandit",
        "kidnapper",
        "terrorist",
        "extremist",
        "group",
        "separatist",
        "abductor",
        "perpetrator",
        "man",
        "men",
        "individual",
    }
)


def _phrase_heads(token: Token) -> list[Token]:
    """A noun phrase's head and the heads coordinated with it."""
    heads = [token]
    for child in children_of(token):
        if child.dep_ == "conj":
            heads.extend(_phrase_heads(child))
    return heads


def _affected(trigger: Trigger) -> list[Token]:
    """Heads of whom or what the event fell on: objects, passive subjects, "on/against X",
    "X killed in", the subject of "died"."""
    token = trigger.token
    found: list[Token] = []
    subject_deps = {"nsubjpass"}
    if token.lemma_.lower() in {"die", "perish"}:
        subject_deps.add("nsubj")
    for child in children_of(token):
        if child.dep_ in {"dobj"} | subject_deps:
            found.extend(_phrase_heads(child))
        elif child.dep_ == "prep" and child.lower_ in {"on", "against", "at", "targeting", "of"}:
            for grandchild in children_of(child):
                if grandchild.dep_ == "pobj":
                    found.extend(_phrase_heads(grandchild))
        elif child.dep_ in {"xcomp", "advcl"} and child.lemma_.lower() == "target":
            for grandchild in children_of(child):
                if grandchild.dep_ == "dobj":
                    found.extend(_phrase_heads(grandchild))
    if trigger.is_verb and token.dep_ in {"acl", "amod", "relcl"} and token.head.pos_ in _NOUN_POS:
        found.extend(_phrase_heads(token.head))
    return found


def _actors(trigger: Trigger) -> list[Token]:
    """Heads of who acted: the subject, "by X", or a noun's possessor or modifier."""
    token = trigger.token
    found: list[Token] = []
    # "people died": the subject of dying is its victim.
    subject = "nsubj" if token.lemma_.lower() not in {"die", "perish"} else ""
    for child in children_of(token):
        if child.dep_ in {subject, "poss"} or (
            not trigger.is_verb
            and child.dep_ in {"compound", "amod"}
            and child.i not in trigger.parts
        ):
            found.extend(_phrase_heads(child))
        elif child.dep_ in {"agent"} or (child.dep_ == "prep" and child.lower_ == "by"):
            for grandchild in children_of(child):
                if grandchild.dep_ == "pobj":
                    found.extend(_phrase_heads(grandchild))
    if not found and trigger.is_verb and token.dep_ in {"conj", "xcomp", "advcl"}:
        # "shot and killed": the coordinated verb shares the subject.
        head = token.head
        for child in children_of(head):
            if child.dep_ == "nsubj":
                found.extend(_phrase_heads(child))
    return found


_UNARMED = re.compile(r"\b(?:off-duty|off duty|former|retired|ex|unarmed|demobili[sz]ed)\b")


def _kind_of(token: Token, lex: TriggerLexicon, kinds: EntityKinds) -> str | None:
    """ "armed", "civilian", "state" or None, for a phrase head."""
    known = kinds.kind(token)
    lemma = token.lemma_.lower()
    if known in {"state_force", "armed_group"}:
        return "armed"
    # The words before the noun: "an off-duty soldier", "a former police officer".
    before = token.doc[token.left_edge.i : token.i].text.lower().replace(" - ", "-")
    if _UNARMED.search(before):
        # ACLED counts people who could not defend themselves as civilians.
        return "civilian"
    related = [
        g
        for c in children_of(token)
        if c.dep_ in {"compound", "poss"} or (c.dep_ == "prep" and c.lower_ == "of")
        for g in ([c] if c.dep_ != "prep" else [x for x in children_of(c) if x.dep_ == "pobj"])
    ]
    if lemma in {"member", "supporter", "fighter", "cadre"} and any(
        kinds.kind(g) in {"armed_group", "state_force"} for g in related
    ):
        return "armed"
    compounds = [c for c in children_of(token) if c.dep_ == "compound"]
    if any(kinds.kind(c) in {"state_force", "armed_group"} for c in compounds):
        return "armed"  # "an Airport Security Force training camp"
    # The head noun decides ("Afghan soldier"), then a compound before it ("police officer").
    for word in [lemma, *(c.lemma_.lower() for c in compounds)]:
        if word in lex.armed_targets:
            return "armed"
        if word in lex.civilian_targets:
            return "civilian"
    if known == "person" or token.ent_type_ in _PERSON_LABELS:
        return "civilian"
    return None


@lru_cache(maxsize=1)
def _things() -> frozenset[str]:
    """Things that can be attacked (arguments.toml: the words argument reading uses too)."""
    return frozenset(read_toml("lexicons", "arguments.toml")["things"]["words"])


def _names_a_thing(token: Token) -> bool:
    return token.pos_ == "NOUN" and bool({token.lower_, token.lemma_.lower()} & _things())


def _is_state(tokens: list[Token], lex: TriggerLexicon, kinds: EntityKinds) -> bool | None:
    """Whether the actors are state forces (True), non-state (False) or unknown (None)."""
    for token in tokens:
        known = kinds.kind(token)
        if known in {"state_force", "country"}:
            return True
        if known == "armed_group":
            return False
        phrase = token.doc[token.left_edge.i : token.i + 1].text
        if lex.state_actors.search(phrase):
            return True
        if token.lemma_.lower() in _NON_STATE:
            return False
    return None


_NAME_LABELS = frozenset({"GPE", "LOC", "FAC", "PERSON", "NORP"})
_NAMED_KINDS = frozenset({"location", "region", "country", "person"})
_ARMED_KINDS = frozenset({"armed_group", "state_force"})


def cue_text(span: Span, kinds: EntityKinds | None = None) -> str:
    """A span's text with the names of places and people blanked out, so that "Tank district"
    or "Mr Bomba" are not weapons."""
    named = kinds.by_token if kinds else {}
    doc = span.doc
    bounds = token_bounds(doc)
    if bounds.overlapping or not len(span):

        def blank(token: Token) -> bool:
            return token.ent_type_ in _NAME_LABELS or named.get(token.i) in _NAMED_KINDS

        return "".join(("_" * len(t.text) if blank(t) else t.text) + t.whitespace_ for t in span)
    # Cut from the Doc's text, the names blanked by their offsets: the same text, without a
    # Token made for each word. A token's text and trailing space run to the next token.
    text, labels = doc_text(doc), ent_types_of(doc)
    at = bounds.starts[span.start]
    end = bounds.starts[span.end] if span.end < len(doc) else len(text)
    pieces = []
    for i in range(span.start, span.end):
        if labels[i] in _NAME_LABELS or named.get(i) in _NAMED_KINDS:
            start, length = bounds.starts[i], bounds.lengths[i]
            pieces.append(text[at:start])
            pieces.append("_" * length)
            at = start + length
    pieces.append(text[at:end])
    return "".join(pieces)


def _clause_text(trigger: Trigger, kinds: EntityKinds | None = None) -> str:
    """The text of a trigger's clause: the subtree of its verb, widened to the verbs it is
    coordinated with or complements ("attempted to attack", "shot and killed")."""
    verb = clause_verb(trigger.token)
    while verb.dep_ in {"xcomp", "conj"} and verb.head.i != verb.i:
        verb = verb.head
    return cue_text(verb.doc[verb.left_edge.i : verb.right_edge.i + 1], kinds)


def weapon_class(text: str, lex: TriggerLexicon) -> str | None:
    """The first weapon class (most specific first) named in a text."""
    for name in lex.weapon_order:
        if lex.weapons[name].search(text):
            return name
    return None


_WEAPON_SUB = {
    "chemical": "Chemical weapon",
    "suicide": "Suicide bomb",
    "air": "Air/drone strike",
    "shelling": "Shelling/artillery/missile attack",
    "grenade": "Grenade",
    "explosive": "Remote explosive/landmine/IED",
}
_EXPLOSIONS = "Explosions/Remote violence"
_VAC = "Violence against civilians"
_SD = "Strategic developments"


def _place_like(token: Token, kinds: EntityKinds) -> bool:
    kind = kinds.kind(token)
    if kind == "country":
        return False  # "the fall of the Soviet Union" is no town taken
    if kind in {"location", "region"} or token.ent_type_ in _PLACE_LABELS:
        return True
    return token.lemma_.lower() in _PLACE_NOUNS


def has_place(trigger: Trigger, kinds: EntityKinds) -> bool:
    """A place is what the trigger took or lost: "took control of X", "the fall of X", "X fell"."""
    token = trigger.token
    candidates: list[Token] = []
    for child in children_of(token):
        if child.dep_ in {"dobj", "nsubj", "nsubjpass", "poss", "compound"}:
            candidates.append(child)
        if child.dep_ == "prep" and child.lower_ in {"of", "over"}:
            candidates.extend(c for c in children_of(child) if c.dep_ == "pobj")
    for index in trigger.parts:
        part = token.doc[index]
        for child in children_of(part):
            if child.dep_ == "prep" and child.lower_ in {"of", "over"}:
                candidates.extend(c for c in children_of(child) if c.dep_ == "pobj")
    if token.lemma_.lower() == "fall" and not any(
        c.dep_ == "prep" and c.lower_ in {"to", "of"} for c in children_of(token)
    ):
        return False
    return any(_place_like(c, kinds) for c in candidates)


@dataclass(frozen=True)
class Typing:
    """An event's ACLED type and sub-type, and what decided them: the trigger class alone
    ("default"), or cues of the context ("context"); a later sentence may refine a default."""

    event_type: str
    sub_event_type: str
    basis: str = "context"


def type_group(
    group: list[Trigger], sent: Span, kinds: EntityKinds, lex: TriggerLexicon | None = None
) -> Typing:
    """The ACLED type and sub-type of a group of triggers, from their classes and context."""
    lex = lex or load_trigger_lexicon()
    families = {t.family for t in group}
    lead = lead_trigger(group)
    text = cue_text(sent, kinds)
    fixed = [t for t in group if t.family == "fixed"]
    if fixed:
        first = lead_trigger(fixed)
        if first.cls.sub_event_type == "Abduction/forced disappearance" and _killed(group):
            return Typing(_VAC, "Attack")
        return Typing(first.cls.event_type, first.cls.sub_event_type, "fixed")
    if families & {"protest"}:
        return Typing(*_protest_type(group, text, lex))
    actors = [a for t in group for a in _actors(t)]
    affected = [a for t in group for a in _affected(t)]
    crowd = _crowd(actors, kinds, lex)
    armed_means = bool(lex.firearms.search(text)) or any(
        t.token.lemma_.lower() in _ARMED_MEANS for t in group
    )
    if crowd == "mob" and armed_means:
        crowd = None
    if "riot" in families or (crowd and families & {"clash", "property", "violence", "outcome"}):
        demonstration = crowd == "protesters" or bool(lex.purpose.search(text))
        if lex.mob.search(text) or not demonstration:
            return Typing("Riots", "Mob violence")
        return Typing("Riots", "Violent demonstration")
    if "territory" in families:
        return Typing("Battles", _territory_sub(group))
    if "explosive" in families:
        weapon = weapon_class(text, lex)
        if weapon is None and _bombed_by_a_state(group, kinds, lex):
            return Typing(_EXPLOSIONS, _WEAPON_SUB["air"])
        if weapon is None:
            return Typing(_EXPLOSIONS, _WEAPON_SUB["explosive"], "default")
        return Typing(_EXPLOSIONS, _WEAPON_SUB[weapon])
    if families & {"violence", "outcome", "clash"}:
        clause = " ".join(_clause_text(t, kinds) for t in group if t.family != "clash")
        weapon = weapon_class(clause, lex) if clause else None
        if weapon is not None and "clash" not in families:
            return Typing(_EXPLOSIONS, _WEAPON_SUB[weapon])
        if "clash" in families:
            return Typing("Battles", "Armed clash")
        kinds_of = [_kind_of(a, lex, kinds) for a in affected]
        if any(a.lemma_.lower() in {"protester", "protestor", "demonstrator"} for a in affected):
            return Typing("Protests", "Excessive force against protesters")
        if "armed" in kinds_of and not _murdered(group, affected, lex):
            return Typing("Battles", "Armed clash")
        if "armed" in kinds_of:
            return Typing(_VAC, "Attack")
        if "civilian" in kinds_of:
            return Typing(_VAC, "Attack")
        hit = [a for a in affected if a.ent_type_ not in {"DATE", "TIME"}]
        if hit and all(_names_a_thing(a) for a in hit):
            # "a commando attacked a bank": damage to a thing, no one harmed (as ACLED codes a
            # facility attacked).
            return Typing("Strategic developments", "Looting/property destruction")
        default = next((t for t in group if t.family == "violence"), lead)
        return Typing(default.cls.event_type, default.cls.sub_event_type, "default")
    if families & {"arrest", "capture"}:
        return Typing(*_custody_type(group, actors, affected, kinds, lex))
    return Typing(lead.cls.event_type, lead.cls.sub_event_type, "default")


def _bombed_by_a_state(group: list[Trigger], kinds: EntityKinds, lex: TriggerLexicon) -> bool:
    """Whether a state or its forces did the bombing ("a U.S. bombing", "the army bombed")."""
    for trigger in group:
        if trigger.token.lemma_.lower() not in lex.state_bombing:
            continue
        for actor in _actors(trigger):
            if kinds.kind(actor) in {"country", "state_force"} or actor.ent_type_ == "NORP":
                return True
            if kinds.kind(actor) is None and lex.state_actors.search(actor.text):
                return True  # "the army", "government forces": no entity of their own
    return False


def _murdered(group: list[Trigger], affected: list[Token], lex: TriggerLexicon) -> bool:
    """Whether the trigger says the people it hit were killed without a fight ("murdered a
    police colonel", "executed two soldiers"): people, not a unit or a post, one-sidedly."""
    if not any(t.token.lemma_.lower() in lex.one_sided for t in group):
        return False
    return not any(a.lemma_.lower() in lex.armed_bodies for a in affected)


_RETAKE = frozenset({"retake", "recapture", "regain", "liberate", "reclaim", "win"})


def _territory_sub(group: list[Trigger]) -> str:
    """Taking a place back is the government regaining it; any other takeover (by a rebel group,
    or a foreign army) is ACLED's "Non-state actor overtakes territory"."""
    if any(t.token.lemma_.lower() in _RETAKE for t in group):
        return "Government regains territory"
    return "Non-state actor overtakes territory"


def _killed(group: list[Trigger]) -> bool:
    return any(t.token.lemma_.lower() in {"kill", "execute", "behead", "murder"} for t in group)


_GROUP_HEADS = frozenset(
    {"group", "number", "dozen", "dozens", "hundreds", "scores", "crowd", "band", "gang"}
)


def _crowd(actors: list[Token], kinds: EntityKinds, lex: TriggerLexicon) -> str | None:
    """Whether those who acted are a crowd: "rioters", "protesters", or "mob" (residents,
    supporters, a group of people: anyone who is no organised armed group, unarmed)."""
    for token in actors:
        lemma = token.lemma_.lower()
        if lemma in _GROUP_HEADS:
            # "a group of armed men", "hundreds of residents": the people the group is of.
            members = [
                g
                for c in children_of(token)
                if c.dep_ == "prep" and c.lower_ == "of"
                for g in children_of(c)
                if g.dep_ == "pobj"
            ]
            if members:
                token, lemma = members[0], members[0].lemma_.lower()
        if kinds.kind(token) in {"armed_group", "state_force"}:
            return None
        if any(c.lower_ in lex.armed_modifiers for c in children_of(token)):
            return None
        if lemma in lex.rioters:
            return "rioters"
        if lemma in {"protester", "protestor", "demonstrator", "marcher", "striker"}:
            return "protesters"
        if lemma == "member" and any(
            kinds.kind(g) in {"armed_group", "state_force"} or g.lemma_.lower() in lex.armed_targets
            for c in children_of(token)
            if c.dep_ == "prep"
            for g in children_of(c)
        ):
            return None
        if lemma in lex.mob_actors:
            return "mob"
    return None


_ARMED_MEANS = frozenset(
    {"shoot", "stab", "behead", "execute", "gun", "fire", "assassinate", "decapitate"}
)


def _protest_type(group: list[Trigger], text: str, lex: TriggerLexicon) -> tuple[str, str]:
    """Peaceful, met with intervention, met with lethal force, or turned violent (a riot)."""
    families = {t.family for t in group}
    if families & {"riot", "clash", "property"} or lex.violent.search(text):
        return "Riots", "Violent demonstration"
    if lex.excessive.search(text):
        return "Protests", "Excessive force against protesters"
    police = bool(lex.police.search(text))
    if (
        lex.intervention.search(text)
        or (police and lex.intervention_by_police.search(text))
        or (police and families & {"arrest", "capture"})
    ):
        return "Protests", "Protest with intervention"
    return "Protests", "Peaceful protest"


def _custody_type(
    group: list[Trigger],
    actors: list[Token],
    affected: list[Token],
    kinds: EntityKinds,
    lex: TriggerLexicon,
) -> tuple[str, str]:
    """An arrest by the state; a non-state "arrest" is an abduction; what was captured decides
    the rest: a place is taken, weapons are seized, goods are looted."""
    state = _is_state(actors, lex, kinds)
    taken = [
        head
        for t in group
        for c in children_of(t.token)
        if c.dep_ in {"dobj", "nsubjpass"}
        for head in _phrase_heads(c)
    ]
    for token in taken:
        # "captured Starohnativka": a name the entity layer did not make a person or a group.
        unknown_name = (
            token.pos_ == "PROPN"
            and token.ent_type_ not in _PERSON_LABELS | {"ORG"}
            and kinds.kind(token) not in {"person", "armed_group", "state_force", "organization"}
        )
        if _place_like(token, kinds) or unknown_name:
            return "Battles", _territory_sub(group)
        if lex.any_weapon.search(token.text) or lex.firearms.search(token.text):
            return _SD, "Disrupted weapons use"
        # "seized 18 tons of marijuana": goods, not people.
        goods = (
            _kind_of(token, lex, kinds) is None
            and token.pos_ == "NOUN"
            and not token.ent_type_
            and token.lemma_.lower() not in lex.armed_targets | {"suspect", "member", "people"}
        )
        if goods:
            return _SD, "Looting/property destruction"
    if state is False:
        return _VAC, "Abduction/forced disappearance"
    return _SD, "Arrests"
