"""Address chains: "Kibanda, Malambo, North Kivu, Democratic Republic of the Congo".

Incident reports locate an event by a chain of names from the smallest place to the country,
joined by commas. The statistical NER cuts such chains badly: it splits hyphenated or
two-word names ("Qala-i-Naw", "Puli Alam"), calls villages and provinces people or
organisations ("Extreme-North", "Sistan"), and shortens country names ("Congo" of the
Democratic Republic of the Congo). A chain that ends in a country's name is evidence enough:
every link of it is a place name, whole, and is tagged so (GPE) for place resolution, which
reads each link as the container of the one before it.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from factions.extract.geocode import get_geocoder, name_key, place_cues

# Entity labels a chain never overrides: names the actor gazetteer tagged.
_KEPT_LABELS = {"ARMED_GROUP", "STATE_FORCE", "ORGANIZATION"}
# Words that may follow the country closing a chain ("..., Afghanistan, on Monday").
_AFTER_COUNTRY = {"on", "in", "at", "during", "after", "before", "when", "while", "overnight"}
# Words that join two names in prose ("Kabul and Kandahar", "Ward 19 of Myingyan") but one
# name's parts in a country's or province's name ("Sistan and Baluchestan").
_PROSE_JOINS = frozenset({"and", "of", "the"})
# Links longer than this are prose, not a name.
_MAX_LINK_TOKENS = 7


def _is_name_word(text: str) -> bool:
    return text[:1].isupper() or text[:1].isdigit()


def _is_whole_name(tokens: Span, particles: frozenset[str]) -> bool:
    """Capitalised words (numbers after one: "Police District 10"), with particles only
    between them, and no more than a name's length."""
    if not 0 < len(tokens) <= _MAX_LINK_TOKENS:
        return False
    if not tokens[0].text[:1].isupper() or not _is_name_word(tokens[-1].text):
        return False
    return all(_is_name_word(t.text) or t.lower_ in particles for t in tokens)


def _name_at_end(tokens: Span, particles: frozenset[str], features: frozenset[str]) -> Span | None:
    """The name closing a stretch of prose ("... detonated in Jarabulus"), without a feature
    word after it ("... in Zarghun Tepa neighborhood": the word stays a cue for the geocoder).
    "and" and "of" end it there: "between Shibam and Seiyun", "Ward 19 of Myingyan"."""
    particles = particles - _PROSE_JOINS
    end = tokens.end
    if end - tokens.start >= 2 and tokens[-1].lower_ in features:
        end -= 1
    start = end
    while start > tokens.start:
        token = tokens.doc[start - 1]
        if _is_name_word(token.text) or token.lower_ in particles:
            start -= 1
            continue
        break
    while start < end and not tokens.doc[start].text[:1].isupper():
        start += 1
    if start >= end or end - start > _MAX_LINK_TOKENS:
        return None
    return tokens.doc[start:end]


def _names_a_country(surface: str) -> bool:
    return any(c.precision == "country" for c in get_geocoder().candidates(name_key(surface)))


def _links(sent: Span) -> list[Span]:
    """The stretches of a sentence between its commas."""
    links: list[Span] = []
    start = sent.start
    for token in sent:
        if token.text == ",":
            links.append(sent.doc[start : token.i])
            start = token.i + 1
    links.append(sent.doc[start : sent.end])
    return links


def _country_link(link: Span, particles: frozenset[str]) -> Span | None:
    """The country name a link starts with, when what follows it closes the chain."""
    end = link.start
    while end < link.end and (
        _is_name_word(link.doc[end].text) or link.doc[end].lower_ in particles
    ):
        end += 1
    while end > link.start and not _is_name_word(link.doc[end - 1].text):
        end -= 1
    if end == link.start:
        return None
    rest = link.doc[end : link.end]
    if len(rest) and not (rest[0].is_punct or rest[0].lower_ in _AFTER_COUNTRY):
        return None
    name = link.doc[link.start : end]
    return name if _names_a_country(name.text) else None


def chain_spans(doc: Doc) -> list[Span]:
    """The links of every address chain of the document, as GPE spans."""
    cues = place_cues()
    particles, features = cues.particles, cues.after
    found: list[Span] = []
    for sent in doc.sents:
        links = _links(sent)
        for index in range(1, len(links)):
            country = _country_link(links[index], particles)
            if country is None:
                continue
            chain = [country]
            back = index - 1
            while back > 0 and _is_whole_name(
                _strip_feature(links[back], features), particles - {"of", "the"}
            ):
                chain.append(_strip_feature(links[back], features))
                back -= 1
            first = _name_at_end(links[back], particles, features) if len(links[back]) else None
            if first is not None:
                chain.append(first)
            if len(chain) >= 2:
                found.extend(Span(doc, s.start, s.end, label="GPE") for s in chain)
    return found


def _strip_feature(link: Span, features: frozenset[str]) -> Span:
    """A link without its trailing feature word ("Shirzad district" -> "Shirzad")."""
    if len(link) >= 2 and link[-1].lower_ in features:
        return link.doc[link.start : link.end - 1]
    return link


@Language.component("factions_place_chains_v1")
def tag_place_chains(doc: Doc) -> Doc:
    """Tag each link of an address chain as a place, over what the NER made of it."""
    chains = chain_spans(doc)
    if not chains:
        return doc
    # A name the NER already tagged with its feature word ("Khost province") keeps the word:
    # it tells the province from the town.
    ends = {e.start: e.end for e in doc.ents}
    chains = [
        Span(doc, s.start, ends[s.start], label="GPE")
        if ends.get(s.start) == s.end + 1 and doc[s.end].lower_ in place_cues().after
        else s
        for s in chains
    ]
    kept = [e for e in doc.ents if e.label_ in _KEPT_LABELS]
    taken = {i for e in kept for i in range(e.start, e.end)}
    chains = [s for s in chains if not any(i in taken for i in range(s.start, s.end))]
    covered = {i for s in chains for i in range(s.start, s.end)}
    others = [e for e in doc.ents if not any(i in covered for i in range(e.start, e.end))]
    doc.ents = filter_spans(chains + others)
    return doc
