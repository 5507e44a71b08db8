"""Roles over time within one article: a post ends when its holder dies, is captured or is
replaced, as the article tells it.

- A role said to be over ("its former leader", "the late founder") with no date of its own ended
  before the article, not on its day: it holds until the period just before publication
  (`ended_validity`).
- A role whose holder the article says was killed or captured ends then: its end is the fate's
  date (the article's, when the fate has none), never later than that. A start the role took
  from the sentence reporting the death is dropped: "the group announced the death of its leader
  X in July" does not make X leader from July.
- An exclusive post (vocabulary: `exclusive`, the leader) taken by someone else from a date
  ("the movement chose Y as his successor") ends the previous holder's there.

A title held for good (vocabulary: `permanent`, the founder) never ends. Only what the article
commits to counts: a fate told as speculation, unconfirmed or denied ends
nothing. Across articles the same rules hold as inferred ends (resolve/changes.py).
"""

from __future__ import annotations

from dataclasses import replace

from factions.model import ClaimRecord
from factions.partial_date import day_span, previous
from factions.vocabulary import vocabulary

# Fates that end a person's posts.
ENDING_FATES = frozenset({"killed", "captured"})
# The rule of a post given by an appointment (extract/frames.py).
APPOINTMENT_RULE = "parse:appointment"
# Grades too weak to end anything.
WEAK_GRADES = frozenset({"speculative", "unconfirmed", "denied"})


def ended_validity(
    valid: tuple[str | None, str | None], ended: bool, published: str | None
) -> tuple[str | None, str | None]:
    """A "former" or "late" holder: the relation ended before the article at the latest; a date
    of its own near the words (its death, its end) is where it ended."""
    valid_from, valid_to = valid
    if not ended or valid_to is not None:
        return valid
    if valid_from is not None:
        # "the late founder, who died in 2012": the date is the end, not the start.
        return None, valid_from
    return None, previous(published) if published else None


def _day(value: str | None, last: bool = False) -> int | None:
    span = day_span(value)
    return None if span is None else span[1 if last else 0]


def _sentence(claim: ClaimRecord) -> tuple[str, int] | None:
    if not claim.evidence:
        return None
    evidence = claim.evidence[0]
    return evidence.document, evidence.start


def end_roles(claims: list[ClaimRecord], published: str | None) -> list[ClaimRecord]:
    """The article's claims with its roles ended at their holders' deaths, captures and
    successions."""
    roles = vocabulary().posts_that_end
    exclusive = vocabulary().exclusive
    fates: dict[str, list[ClaimRecord]] = {}
    for claim in claims:
        if (
            claim.predicate == "fate"
            and claim.polarity
            and claim.value in ENDING_FATES
            and claim.certainty not in WEAK_GRADES
        ):
            fates.setdefault(claim.subject, []).append(claim)
    validity = {
        index: _appointed(claim, published)
        for index, claim in enumerate(claims)
        if claim.predicate in roles and claim.polarity and claim.object is not None
    }
    for index in validity:
        for fate in fates.get(claims[index].subject, []):
            validity[index] = _end_at_fate(claims[index], validity[index], fate, published)
    for index, (start, _) in list(validity.items()):
        role = claims[index]
        if role.predicate not in exclusive or not start:
            continue
        for other, (other_start, other_end) in validity.items():
            earlier = claims[other]
            if (
                earlier.predicate == role.predicate
                and earlier.object == role.object
                and earlier.subject != role.subject
                and other_end is None
                and (_day(other_start) or 0) < (_day(start) or 0)
            ):
                # "chose Y as his successor": the previous holder's post ends there.
                validity[other] = (other_start, start)
    return [
        replace(claim, valid_from=validity[i][0], valid_to=validity[i][1], id="")
        if i in validity and validity[i] != (claim.valid_from, claim.valid_to)
        else claim
        for i, claim in enumerate(claims)
    ]


def _appointed(claim: ClaimRecord, published: str | None) -> tuple[str | None, str | None]:
    """An appointment starts the post: on its date, else by the article's."""
    if claim.rule.startswith(APPOINTMENT_RULE) and not claim.valid_from and not claim.valid_to:
        return published, None
    return claim.valid_from, claim.valid_to


def _end_at_fate(
    role: ClaimRecord,
    valid: tuple[str | None, str | None],
    fate: ClaimRecord,
    published: str | None,
) -> tuple[str | None, str | None]:
    valid_from, valid_to = valid
    same_sentence = _sentence(role) == _sentence(fate)
    when = fate.valid_from or fate.valid_to or (published if same_sentence else None)
    if same_sentence and valid_from and valid_from in {fate.valid_from, fate.valid_to}:
        # The sentence's date is the death's, not the start of the post.
        valid_from = None
    end = _day(when, last=True)
    if end is None:
        return valid_from, valid_to
    current = _day(valid_to, last=True)
    if current is None or end < current:
        valid_to = when
    start = _day(valid_from)
    if start is not None and start > end:
        # No post begins after its holder's death.
        valid_from = None
    return valid_from, valid_to
