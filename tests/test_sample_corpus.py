"""The sample corpus and its gold annotations agree with docs/gold-format.md.

The gold file is the yardstick for every accuracy figure, so a typo in it (an alias that never
occurs, an event pointing at a missing entity, a date whose interval does not contain its value)
would silently skew the evaluation. These checks read the raw corpus files directly and do not
depend on the ingest code.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pycountry
import pytest

from factions.model import CERTAINTY_GRADES
from factions.model import ENTITY_TYPES as MODEL_ENTITY_TYPES

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "src" / "factions" / "data" / "sample"
CORPUS = SAMPLE / "corpus"
GOLD = SAMPLE / "gold" / "gold.jsonl"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS_DIR = SHARED / "corpus" / "seeds"
SEEDS_GOLD = REPO / "src" / "factions" / "data" / "gold" / "seeds.jsonl"

# The two-story page separates its stories with a furniture block that starts with this line.
PAGE_STORY_END = "Share"
SEED_POST_END = "Direct link"

KINDS = {"entity", "event", "relation", "date", "place", "dispute"}
ENTITY_TYPES = set(MODEL_ENTITY_TYPES)
PLACE_TYPES = {"location", "country", "region"}
CERTAINTY = set(CERTAINTY_GRADES)
DATE_PRECISION = {"day", "week", "part_of_month", "month", "season", "year", "decade"}
GEO_PRECISION = {"point", "district", "admin1", "country", "region"}
PREDICATES = {
    "ally_of",
    "fights",
    "rival_of",
    "splinter_of",
    "faction_of",
    "pledged_allegiance_to",
    "affiliated_with",
    "hosted_by",
    "supports",
    "member_of",
    "leader_of",
    "commander_of",
    "spokesperson_of",
    "director_of",
    "founder_of",
    "claimed_responsibility_for",
    "recruits_from",
    "operates_in",
}
ACLED_TYPES = {
    "Battles": {
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    },
    "Explosions/Remote violence": {
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    },
    "Violence against civilians": {
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    },
    "Strategic developments": {
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    },
    "Protests": {
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    },
    "Riots": {"Violent demonstration", "Mob violence"},
}
# Values cut to their precision, TimeML style.
VALUE_PATTERNS = {
    "day": r"\d{4}-\d{2}-\d{2}",
    "week": r"\d{4}-W\d{2}",
    "part_of_month": r"\d{4}-\d{2}",
    "month": r"\d{4}-\d{2}",
    "season": r"\d{4}-(SP|SU|FA|WI)",
    "year": r"\d{4}",
    "decade": r"\d{3}",
}
PARTIAL_ISO = re.compile(r"^\d{3}$|^\d{4}(-\d{2}(-\d{2})?)?$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")

REQUIRED = {
    "entity": {"name", "type", "aliases", "docs"},
    "event": {
        "id",
        "doc",
        "event_type",
        "sub_event_type",
        "date",
        "date_precision",
        "place",
        "geo_precision",
        "actors",
        "targets",
        "victims",
        "wounded",
        "fatalities",
        "certainty",
        "attributed_to",
        "same_as",
    },
    "relation": {
        "doc",
        "subject",
        "predicate",
        "object",
        "valid_from",
        "valid_to",
        "certainty",
        "polarity",
        "attributed_to",
    },
    "date": {"doc", "text", "value", "precision", "start", "end"},
    "place": {"doc", "text", "name", "country", "admin1", "lat", "lon", "precision"},
    "dispute": {"subject", "claims", "reason"},
}


class _TextOf(HTMLParser):
    """Collects the visible text of an HTML page, skipping <head>, scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"head", "script", "style"}:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"head", "script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_html_text(raw: str) -> str:
    """The text a reader sees on an HTML page, entities decoded."""
    parser = _TextOf()
    parser.feed(raw)
    return html.unescape(" ".join(parser.parts))


def page_stories(raw: str) -> list[str]:
    """The stories of a multi-story plain-text page, each ending at a 'Share' furniture line."""
    pieces = re.split(rf"^{PAGE_STORY_END}$", raw, flags=re.M)
    return [p for p in pieces[:-1] if p.strip()]


def corpus_documents(directory: Path) -> dict[str, str]:
    """Every gold document key of a corpus directory mapped to the text it names.

    Keys are file names; `FILE#N` addresses line N of a .jsonl file or story N of a page
    holding several stories (a .txt file with more than one 'Share' block).
    """
    docs: dict[str, str] = {}
    for path in sorted(directory.iterdir()):
        name = path.name
        if name == "metadata.jsonl" or name.endswith(".meta.json") or name == "README.md":
            continue
        raw = path.read_text(encoding="utf-8")
        if name.endswith(".jsonl"):
            for i, line in enumerate(raw.splitlines()):
                docs[f"{name}#{i}"] = json.loads(line)["text"]
        elif name.endswith((".html", ".htm")):
            docs[name] = visible_html_text(raw)
        else:
            stories = page_stories(raw)
            if len(stories) > 1:
                for i, story in enumerate(stories):
                    docs[f"{name}#{i}"] = story
            else:
                docs[name] = raw
    return docs


def seed_documents(directory: Path) -> dict[str, str]:
    """The seed pages keyed as in the packaged seeds gold (data/gold/seeds.jsonl).

    The blog page holds two posts; its audio player, which ends with a 'Direct link' line,
    closes the first one.
    """
    docs: dict[str, str] = {}
    for path in sorted(directory.glob("*.txt")):
        raw = path.read_text(encoding="utf-8")
        parts = re.split(rf"^{SEED_POST_END}$", raw, maxsplit=1, flags=re.M)
        if len(parts) == 2:
            docs[f"{path.name}#0"], docs[f"{path.name}#1"] = parts
        else:
            docs[path.name] = raw
    return docs


def load_jsonl(path: Path) -> list[dict]:
    """The objects of a JSON Lines file, one a line."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def occurs(surface: str, text: str) -> bool:
    """Whether a surface form occurs in text as whole words.

    Acronyms are matched case-sensitively (so 'IS' never matches 'is'); other names ignore
    case, because gold aliases exclude pure case variants such as 'Al-Qaeda'.
    """
    flags = 0 if surface.isupper() else re.I
    pattern = rf"(?<![\w-]){re.escape(surface)}(?!\w)"
    return re.search(pattern, text, flags) is not None


def format_problems(records: list[dict], docs: dict[str, str]) -> list[str]:
    """Every way the records break docs/gold-format.md, as readable messages (empty when valid)."""
    problems: list[str] = []
    entities: dict[str, dict] = {}
    event_ids: set[str] = set()
    for n, rec in enumerate(records):
        kind = rec.get("kind")
        if kind not in KINDS:
            problems.append(f"line {n}: unknown kind {kind!r}")
            continue
        missing = REQUIRED[kind] - rec.keys()
        if missing:
            problems.append(f"line {n}: {kind} lacks {sorted(missing)}")
            continue
        if kind == "entity":
            if rec["name"] in entities:
                problems.append(f"line {n}: entity {rec['name']!r} defined twice")
            entities[rec["name"]] = rec
        elif kind == "event":
            if rec["id"] in event_ids:
                problems.append(f"line {n}: event id {rec['id']!r} used twice")
            event_ids.add(rec["id"])
    for n, rec in enumerate(records):
        kind = rec.get("kind")
        if kind not in KINDS or REQUIRED[kind] - rec.keys():
            continue
        check = {
            "entity": _entity_problems,
            "event": _event_problems,
            "relation": _relation_problems,
            "date": _date_problems,
            "place": _place_problems,
            "dispute": _dispute_problems,
        }[kind]
        problems += [f"line {n} ({kind}): {p}" for p in check(rec, docs, entities, event_ids)]
    problems += _same_as_problems(records)
    return problems


def _doc_problems(doc: object, docs: dict[str, str]) -> list[str]:
    return [] if doc in docs else [f"doc {doc!r} is not a corpus document"]


def _entity_problems(rec: dict, docs: dict[str, str], entities: dict, event_ids: set) -> list[str]:
    out: list[str] = []
    if rec["type"] not in ENTITY_TYPES:
        out.append(f"type {rec['type']!r} not allowed")
    if not rec["docs"]:
        out.append("lists no docs")
    for doc in rec["docs"]:
        out += _doc_problems(doc, docs)
    texts = [docs[d] for d in rec["docs"] if d in docs]
    for alias in rec["aliases"]:
        if _variant_key(alias) == _variant_key(rec["name"]):
            out.append(f"alias {alias!r} is only a case/possessive variant of the name")
        if not any(occurs(alias, t) for t in texts):
            out.append(f"alias {alias!r} occurs in none of its docs")
    for doc in rec["docs"]:
        if doc in docs and not any(occurs(s, docs[doc]) for s in [rec["name"], *rec["aliases"]]):
            out.append(f"neither name nor alias occurs in {doc}")
    return out


def _variant_key(surface: str) -> str:
    return re.sub(r"['’]s$", "", surface).casefold()


def _known(name: object, entities: dict, what: str) -> list[str]:
    return [] if name in entities else [f"{what} {name!r} is not a gold entity"]


def _mentioned_in(name: str, doc: str, entities: dict, what: str) -> list[str]:
    ent = entities.get(name)
    if ent is not None and doc not in ent["docs"]:
        return [f"{what} {name!r} does not list {doc} among its docs"]
    return []


def _event_problems(rec: dict, docs: dict[str, str], entities: dict, event_ids: set) -> list[str]:
    out = _doc_problems(rec["doc"], docs)
    subs = ACLED_TYPES.get(rec["event_type"])
    if subs is None:
        out.append(f"event_type {rec['event_type']!r} not an ACLED type")
    elif rec["sub_event_type"] not in subs:
        out.append(f"sub_event_type {rec['sub_event_type']!r} not under {rec['event_type']}")
    if (rec["date"] is None) != (rec["date_precision"] is None):
        out.append("date and date_precision must both be set or both null")
    elif rec["date"] is not None:
        out += _value_problems(rec["date"], rec["date_precision"])
    if (rec["place"] is None) != (rec["geo_precision"] is None):
        out.append("place and geo_precision must both be set or both null")
    elif rec["place"] is not None:
        if rec["geo_precision"] not in GEO_PRECISION:
            out.append(f"geo_precision {rec['geo_precision']!r} not allowed")
        out += _known(rec["place"], entities, "place")
        if rec["place"] in entities and entities[rec["place"]]["type"] not in PLACE_TYPES:
            out.append(f"place {rec['place']!r} is not a location entity")
        out += _mentioned_in(rec["place"], rec["doc"], entities, "place")
    for role in ("actors", "targets", "victims", "wounded"):
        if not isinstance(rec[role], list):
            out.append(f"{role} must be a list")
            continue
        for name in rec[role]:
            out += _known(name, entities, role)
            out += _mentioned_in(name, rec["doc"], entities, role)
    out += _fatality_problems(rec["fatalities"])
    if rec["certainty"] not in CERTAINTY:
        out.append(f"certainty {rec['certainty']!r} not allowed")
    if rec["attributed_to"] is not None:
        out += _known(rec["attributed_to"], entities, "attributed_to")
    if rec["same_as"] is not None and not isinstance(rec["same_as"], str):
        out.append("same_as must be a string or null")
    return out


def _fatality_problems(fat: object) -> list[str]:
    if fat is None:
        return []
    if not isinstance(fat, dict) or set(fat) != {"low", "best", "high"}:
        return ["fatalities must be {low, best, high} or null"]
    values = [v for v in (fat["low"], fat["best"], fat["high"]) if v is not None]
    if any(not isinstance(v, int) or v < 0 for v in values):
        return ["fatalities must be non-negative integers"]
    if values != sorted(values):
        return ["fatalities must satisfy low <= best <= high"]
    if fat["low"] is None:
        return ["fatalities need at least a low figure"]
    return []


def _relation_problems(
    rec: dict, docs: dict[str, str], entities: dict, event_ids: set
) -> list[str]:
    out = _doc_problems(rec["doc"], docs)
    if rec["predicate"] not in PREDICATES:
        out.append(f"predicate {rec['predicate']!r} not allowed")
    out += _known(rec["subject"], entities, "subject")
    out += _mentioned_in(rec["subject"], rec["doc"], entities, "subject")
    if rec["predicate"] == "claimed_responsibility_for":
        if rec["object"] not in event_ids:
            out.append(f"object {rec['object']!r} is not a gold event id")
    else:
        out += _known(rec["object"], entities, "object")
        out += _mentioned_in(rec["object"], rec["doc"], entities, "object")
    is_place = entities.get(rec["object"], {}).get("type") in PLACE_TYPES
    if rec["predicate"] == "operates_in" and rec["object"] in entities and not is_place:
        out.append("operates_in needs a location object")
    for key in ("valid_from", "valid_to"):
        value = rec[key]
        if value is not None and not PARTIAL_ISO.match(value):
            out.append(f"{key} {value!r} is not a partial ISO date")
    if rec["certainty"] not in CERTAINTY:
        out.append(f"certainty {rec['certainty']!r} not allowed")
    if not isinstance(rec["polarity"], bool):
        out.append("polarity must be true or false")
    if rec["attributed_to"] is not None:
        out += _known(rec["attributed_to"], entities, "attributed_to")
    return out


def _value_problems(value: object, precision: object) -> list[str]:
    if precision not in DATE_PRECISION:
        return [f"precision {precision!r} not allowed"]
    if not isinstance(value, str) or not re.fullmatch(VALUE_PATTERNS[precision], value):
        return [f"value {value!r} does not match precision {precision}"]
    return []


def _date_problems(rec: dict, docs: dict[str, str], entities: dict, event_ids: set) -> list[str]:
    out = _doc_problems(rec["doc"], docs)
    if rec["doc"] in docs and rec["text"] not in docs[rec["doc"]]:
        out.append(f"text {rec['text']!r} does not occur in {rec['doc']}")
    out += _value_problems(rec["value"], rec["precision"])
    start, end = rec["start"], rec["end"]
    if not (isinstance(start, str) and ISO_DAY.match(start) and isinstance(end, str)):
        return [*out, "start and end must be ISO days"]
    if not ISO_DAY.match(end) or start > end:
        return [*out, f"interval {start}..{end} is not ordered ISO days"]
    value, precision = rec["value"], rec["precision"]
    prefixed = precision in {"day", "month", "part_of_month", "year", "decade"}
    if prefixed and not (start.startswith(value) and end.startswith(value)):
        out.append(f"interval {start}..{end} lies outside {value}")
    if precision == "day" and start != end:
        out.append("a day's interval must be that day")
    return out


def _place_problems(rec: dict, docs: dict[str, str], entities: dict, event_ids: set) -> list[str]:
    out = _doc_problems(rec["doc"], docs)
    if rec["doc"] in docs and not occurs(rec["text"], docs[rec["doc"]]):
        out.append(f"text {rec['text']!r} does not occur in {rec['doc']}")
    out += _known(rec["name"], entities, "name")
    if rec["name"] in entities and entities[rec["name"]]["type"] not in PLACE_TYPES:
        out.append(f"{rec['name']!r} is not a location entity")
    out += _mentioned_in(rec["name"], rec["doc"], entities, "place")
    country = rec["country"]
    if country is None:
        if rec["precision"] != "region":
            out.append("only a cross-border region may lack a country")
    elif pycountry.countries.get(alpha_2=country) is None:
        out.append(f"country {country!r} is not ISO 3166-1 alpha-2")
    if rec["precision"] not in GEO_PRECISION:
        out.append(f"precision {rec['precision']!r} not allowed")
    lat, lon = rec["lat"], rec["lon"]
    if not (isinstance(lat, (int, float)) and -90 <= lat <= 90):
        out.append(f"lat {lat!r} out of range")
    if not (isinstance(lon, (int, float)) and -180 <= lon <= 180):
        out.append(f"lon {lon!r} out of range")
    return out


def _dispute_problems(rec: dict, docs: dict[str, str], entities: dict, event_ids: set) -> list[str]:
    out = _known(rec["subject"], entities, "subject")
    if not isinstance(rec["claims"], list) or len(rec["claims"]) < 2:
        return [*out, "a dispute needs at least two claims"]
    for claim in rec["claims"]:
        out += _doc_problems(claim.get("doc"), docs)
        if not claim.get("predicate"):
            out.append("each claim needs a predicate")
        if claim.get("certainty") not in CERTAINTY:
            out.append(f"claim certainty {claim.get('certainty')!r} not allowed")
    if not rec["reason"]:
        out.append("a dispute needs a reason")
    return out


def _same_as_problems(records: list[dict]) -> list[str]:
    groups: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        if rec.get("kind") == "event" and rec.get("same_as"):
            groups[rec["same_as"]].append(rec)
    out = []
    for key, members in groups.items():
        if len({m["doc"] for m in members}) < 2:
            out.append(f"same_as {key!r} must join events from at least two documents")
    return out


# ------------------------------------------------------------------------------------ tests


@pytest.fixture(scope="module")
def docs() -> dict[str, str]:
    return corpus_documents(CORPUS)


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return load_jsonl(GOLD)


def test_corpus_holds_fourteen_reports_from_five_outlets(docs: dict[str, str]) -> None:
    assert len(docs) == 14
    outlets = {m["outlet"] for m in document_metadata().values()}
    assert len(outlets) >= 5


def test_every_document_has_metadata(docs: dict[str, str]) -> None:
    meta = document_metadata()
    for key in docs:
        assert key in meta, f"{key} has no metadata"
        record = meta[key]
        assert record["outlet"] and record["title"], key
        assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", record["published"]), key
        assert "2009" <= record["published"][:4] <= "2024", key
        assert ".example/" in record["url"], key


def document_metadata() -> dict[str, dict]:
    """Metadata per gold document key, from metadata.jsonl, sidecars, <meta> tags and jsonl rows."""
    meta: dict[str, dict] = {}
    for row in load_jsonl(CORPUS / "metadata.jsonl"):
        meta[row["file"]] = row
    for sidecar in CORPUS.glob("*.meta.json"):
        meta[sidecar.name.removesuffix(".meta.json") + ".txt"] = json.loads(sidecar.read_text())
    for page in CORPUS.glob("*.html"):
        raw = page.read_text(encoding="utf-8")

        def tag(attr: str, key: str, raw: str = raw) -> str:
            found = re.search(rf'<meta {attr}="{re.escape(key)}" content="([^"]*)"', raw)
            return html.unescape(found.group(1)) if found else ""

        meta[page.name] = {
            "title": tag("property", "og:title"),
            "outlet": tag("property", "og:site_name"),
            "author": tag("name", "author"),
            "published": tag("property", "article:published_time")[:10],
            "url": tag("property", "og:url"),
        }
    for feed in CORPUS.glob("*.jsonl"):
        if feed.name == "metadata.jsonl":
            continue
        for i, row in enumerate(load_jsonl(feed)):
            meta[f"{feed.name}#{i}"] = row
    for name, row in list(meta.items()):
        stories = page_stories((CORPUS / name).read_text()) if name.endswith(".txt") else []
        if len(stories) > 1:
            for i in range(len(stories)):
                meta[f"{name}#{i}"] = row
    return meta


def test_gold_follows_its_documented_format(gold: list[dict], docs: dict[str, str]) -> None:
    problems = format_problems(gold, docs)
    assert not problems, "\n".join(problems[:40])


def test_gold_covers_every_document_and_kind(gold: list[dict], docs: dict[str, str]) -> None:
    for kind in ("event", "relation", "date", "place"):
        covered = {r["doc"] for r in gold if r["kind"] == kind}
        assert covered == set(docs), f"{kind} gold missing for {set(docs) - covered}"
    assert Counter(r["kind"] for r in gold)["dispute"] >= 2


def test_validator_rejects_broken_gold(gold: list[dict], docs: dict[str, str]) -> None:
    # The checks above are only worth something if they catch the mistakes they claim to.
    entity = next(r for r in gold if r["kind"] == "entity" and r["aliases"])
    event = next(r for r in gold if r["kind"] == "event" and r["actors"])
    date = next(r for r in gold if r["kind"] == "date" and r["precision"] == "day")
    broken = [
        {**entity, "aliases": [*entity["aliases"], "Nonexistent Front"]},
        {**event, "id": event["id"] + "-x", "actors": ["Unknown Brigade"]},
        {**date, "end": "1900-01-01"},
        {"kind": "relation", **{k: None for k in REQUIRED["relation"]}, "predicate": "loves"},
    ]
    others = [r for r in gold if r is not entity]
    problems = format_problems(others + broken, docs)
    assert any("Nonexistent Front" in p for p in problems)
    assert any("Unknown Brigade" in p for p in problems)
    assert any("1900-01-01" in p for p in problems)
    assert any("'loves'" in p for p in problems)


def test_the_corpus_exercises_what_the_readme_promises(
    gold: list[dict], docs: dict[str, str]
) -> None:
    entities = {r["name"]: r for r in gold if r["kind"] == "entity"}
    # transliteration variants of one person across documents
    assert {"Tohir Yuldosh", "Yuldashev"} <= set(entities["Tahir Yuldashev"]["aliases"])
    assert "Hakeemullah Mahsud" in entities["Hakimullah Mehsud"]["aliases"]
    # two different people share the short name "Noori" in different documents
    noori = [r for r in entities.values() if "Noori" in r["aliases"]]
    assert len(noori) == 2 and not set(noori[0]["docs"]) & set(noori[1]["docs"])
    # the same real event is reported by two outlets
    events = [r for r in gold if r["kind"] == "event"]
    groups = Counter(r["same_as"] for r in events if r["same_as"])
    assert groups["taloqan-bombing-2011"] == 2
    # two different events on the same day in different places
    by_day = defaultdict(set)
    for r in events:
        if r["date_precision"] == "day" and r["place"]:
            by_day[(r["doc"], r["date"])].add(r["place"])
    assert any(len(places) >= 2 for places in by_day.values())
    certainties = {r["certainty"] for r in gold if r["kind"] in {"event", "relation"}}
    assert {"asserted", "attributed", "reported", "claimed", "speculative"} <= certainties
    assert any(r["polarity"] is False for r in gold if r["kind"] == "relation")


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="../shared absent: seed articles not available")
def test_seed_gold_follows_the_same_format() -> None:
    docs = seed_documents(SEEDS_DIR)
    assert len(docs) == 3
    records = load_jsonl(SEEDS_GOLD)
    problems = format_problems(records, docs)
    assert not problems, "\n".join(problems[:40])
    assert {r["doc"] for r in records if r["kind"] == "date"} == set(docs)


def test_seed_gold_copies_no_sentences_from_the_seeds() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip("../shared absent: seed articles not available")
    seed_text = " ".join(seed_documents(SEEDS_DIR).values())
    words = seed_text.split()
    # Any run of eight consecutive seed words in the gold file would be copied prose.
    shingles = {" ".join(words[i : i + 8]) for i in range(len(words) - 7)}
    gold_text = SEEDS_GOLD.read_text(encoding="utf-8")
    gold_strings = " ".join(
        v for rec in load_jsonl(SEEDS_GOLD) for v in _strings(rec) if len(v.split()) >= 8
    )
    assert gold_text
    assert not [s for s in shingles if s in gold_strings]


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
