"""How the query layer says things to a reader: events by what, where and when (never by id),
predicates in words from the vocabulary (never snake_case), and an outlet as an outlet.

Every view that names an event, a dispute's reason or a speaker asks here, so the command line,
the API and the pages say them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, select

from factions.partial_date import label as date_label
from factions.query.common import Canon, chunks
from factions.store import schema
from factions.store.dialect import one_of
from factions.vocabulary import vocabulary

_SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def predicate_label(predicate: str, *, inverse: bool = False) -> str:
    """'pledged_allegiance_to' -> 'pledged allegiance to' (the object's side with inverse)."""
    return vocabulary().label_of(predicate, inverse=inverse)


def is_event_predicate(predicate: str) -> bool:
    """True when the predicate's object is an event id, not an entity."""
    found = vocabulary().predicate(predicate)
    return found is not None and found.kind == "event"


def readable(text: str) -> str:
    """Text with every predicate name in it said in words ('affiliated_with both stated and
    denied' -> 'affiliated with both stated and denied')."""
    words = vocabulary()

    def say(match: re.Match[str]) -> str:
        name = match.group(0)
        return words.label_of(name) if name in words.predicates else name.replace("_", " ")

    return _SNAKE.sub(say, text)


def event_phrase(
    sub_event_type: str,
    date: str | None,
    place_name: str | None,
    reported: str | None = None,
    fatalities: int | None = None,
) -> str:
    """'the 2014-06-11 armed clash in Karachi'; an undated one 'the armed clash in Karachi
    reported 2014-06-12'."""
    what = sub_event_type[:1].lower() + sub_event_type[1:] if sub_event_type else "event"
    when = date_label(date)
    text = f"the {when} {what}" if when else f"the {what}"
    if place_name:
        text += f" in {place_name}"
    if not when and reported:
        text += f" reported {date_label(reported) or reported}"
    if fatalities:
        text += f" ({fatalities} killed)"
    return text


def event_labels(
    conn: Connection, ids: Iterable[str | None], canon: Canon | None = None
) -> dict[str, str]:
    """Event id -> how a reader names it (unknown ids are left out)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    canon = canon or Canon(conn)
    events, documents = schema.events, schema.documents
    rows = []
    for batch in chunks(wanted):
        rows.extend(
            conn.execute(
                select(
                    events.c.id,
                    events.c.sub_event_type,
                    events.c.date,
                    events.c.place,
                    events.c.fatalities_best,
                    documents.c.published,
                )
                .select_from(events.join(documents, documents.c.id == events.c.document_id))
                .where(one_of(conn, events.c.id, batch))
            )
        )
    places = canon.many(r.place for r in rows if r.place)
    canon.prefetch(places.values())
    return {
        r.id: event_phrase(
            r.sub_event_type,
            r.date,
            canon.name(places.get(r.place)) if r.place else None,
            r.published,
            r.fatalities_best,
        )
        for r in rows
    }


def _fold(text: str | None) -> str:
    return re.sub(r"\W+", " ", (text or "").casefold()).strip()


def speaker_or_outlet(speaker: str | None, outlets: Iterable[str | None]) -> str | None:
    """The speaker's name, or None when it is the outlet that published the sentence (the
    outlet speaking is the reporter's voice, shown on the outlet's line, not as a source)."""
    if not speaker:
        return None
    folded = _fold(speaker)
    return None if any(folded == _fold(o) for o in outlets if o) else speaker
