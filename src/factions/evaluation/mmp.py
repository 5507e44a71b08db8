"""Relations between armed groups against Mapping Militant Organizations (MMP) relationships.

Gold: `relations-mmp/relations-dev.csv` (Stanford MMP, "MMP Dataset and Codebook", July 2019):
one row per relationship with its type (all alliance, riv rivalry, aff affiliation, spl
splinter, mer merger), the two groups (ids and names), the date it began and a one-to-three
sentence description. `groups.csv` names every group id.

Each description is ingested as a document of its own through the real ingest (HTML entities
and backslash-escaped quotes left by MMP's scraping are decoded first), dated by the row's
start date: `m/d/yy` is a day (a two-digit year below 30 is 20yy, else 19yy: MMP's records run
from the 1960s to 2019), ISO with `00` parts is a partial date (`2007-00-00` the year 2007,
`2014-02-00` February 2014).

Scoring, per row (pairs undirected, as MMP's README asks):
  * a group is recognised when an entity the document mentions carries one of its names: the
    row's name and the `groups.csv` name of its id, each also without a parenthesised acronym
    and as that acronym ("Jaysh ... (JRTN)"; a parenthesised former name, "(Formerly Jabhat
    al-Nusra)", also counts), compared after folding case, accents, "the", possessives,
    hyphens and spaces (the actor gazetteer's name keys) with the entity's name and aliases
    and, for a gazetteer actor, every alias `actors.toml` gives it; an entity that is the
    gazetteer entry a gold name looks up to also counts, and so do the entries of its earlier
    and later names (successor_of links: MMP follows one group through its renamings);
  * any claim: a claim of the document with one group's entity as subject and the other's as
    object (either direction, any predicate, negated or not);
  * right family: a positive claim between them whose predicate maps to the row's type
    (`data/eval/mmp.toml`); wrong family: of the rows with any claim, those with no such one;
  * start date (of the rows with the right family): a right-family claim whose valid_from
    agrees with the row's date to the precision the row gives. The document itself carries
    that date, so a claim dated from it agrees trivially; read this figure with that in mind.
  * a row whose group is not written in its description under any name we know (the row's,
    groups.csv's, or the gazetteer's aliases of it) is counted apart as "not named"; MMP warns
    a few rows name groups their description does not mention.
"""

from __future__ import annotations

import csv
import html
import re
import time
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from factions.evaluation.external import ExportedKnowledgeBase, GoldDocument, knowledge_base_of
from factions.evaluation.scoring import Ratio
from factions.evaluation.suites import SuiteOptions, SuiteReport, suite
from factions.extract.gazetteer import compact_key, load_gazetteer, name_key

MMP_TYPES = ("all", "riv", "aff", "spl", "mer")
_PARENTHESIS = re.compile(r"\(([^()]*)\)")
_FORMERLY = re.compile(r"^(?:formerly|previously|also)(?:\s+known\s+as)?\s+", re.IGNORECASE)
_SLASH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DESCRIPTION_WIDTH = 160


@dataclass(frozen=True)
class MmpRelation:
    uid: str
    type: str
    group1_id: str
    group2_id: str
    group1_name: str
    group2_name: str
    date: str
    description: str


@dataclass
class RowResult:
    relation: MmpRelation
    recognised1: bool
    recognised2: bool
    named1: bool
    named2: bool
    # Claims between the two groups' entities: (predicate, polarity, valid_from).
    linking: list[tuple[str, bool, str | None]] = field(default_factory=list)
    right_family: bool = False
    date_right: bool = False
    # What else the document produced, for the miss list: predicates of its claims.
    other_predicates: list[str] = field(default_factory=list)

    @property
    def both_recognised(self) -> bool:
        return self.recognised1 and self.recognised2

    @property
    def any_claim(self) -> bool:
        return bool(self.linking)

    @property
    def both_named(self) -> bool:
        return self.named1 and self.named2


@dataclass
class MmpScores:
    rows: list[RowResult] = field(default_factory=list)
    seconds: float = 0.0
    failed: int = 0

    def _share(self, rows: list[RowResult], test: Callable[[RowResult], bool]) -> Ratio:
        ratio = Ratio()
        for row in rows:
            ratio.add(test(row))
        return ratio

    def of_type(self, kind: str | None = None) -> list[RowResult]:
        return [r for r in self.rows if kind is None or r.relation.type == kind]

    def measures(self, kind: str | None = None) -> dict[str, Ratio]:
        rows = self.of_type(kind)
        groups = Ratio()
        for row in rows:
            groups.add(row.recognised1)
            groups.add(row.recognised2)
        found = [r for r in rows if r.any_claim]
        right = [r for r in rows if r.right_family]
        named = [r for r in rows if r.both_named]
        return {
            "groups_recognised": groups,
            "both_groups_recognised": self._share(rows, lambda r: r.both_recognised),
            "any_claim": self._share(rows, lambda r: r.any_claim),
            "right_family": self._share(rows, lambda r: r.right_family),
            "wrong_family_of_found": self._share(found, lambda r: not r.right_family),
            "start_date_of_right": self._share(right, lambda r: r.date_right),
            "both_named": self._share(rows, lambda r: r.both_named),
            "right_family_of_named": self._share(named, lambda r: r.right_family),
        }

    def figures(self) -> dict[str, float]:
        figures: dict[str, float] = {"rows": float(len(self.rows))}
        figures.update({k: v.value for k, v in self.measures().items()})
        for kind in MMP_TYPES:
            rows = self.of_type(kind)
            if not rows:
                continue
            measures = self.measures(kind)
            figures[f"{kind}_rows"] = float(len(rows))
            for name in ("both_groups_recognised", "any_claim", "right_family"):
                figures[f"{kind}_{name}"] = measures[name].value
        return figures


# ------------------------------------------------------------------------------ reading


def parse_mmp_date(raw: str) -> tuple[str | None, str | None]:
    """An MMP start date as partial ISO and its precision: "2/18/10" -> ("2010-02-18", "day"),
    "2014-02-00" -> ("2014-02", "month"), "2007-00-00" -> ("2007", "year")."""
    text = raw.strip()
    slash = _SLASH_DATE.match(text)
    if slash:
        month, day, year = (int(p) for p in slash.groups())
        if len(slash.group(3)) == 2:
            year += 2000 if year < 30 else 1900
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None, None
        return f"{year:04d}-{month:02d}-{day:02d}", "day"
    iso = _ISO_DATE.match(text)
    if not iso:
        return None, None
    year_text, month_text, day_text = iso.groups()
    if int(year_text) == 0:
        return None, None
    if int(month_text) == 0:
        return year_text, "year"
    if not 1 <= int(month_text) <= 12:
        return None, None
    if int(day_text) == 0:
        return f"{year_text}-{month_text}", "month"
    if not 1 <= int(day_text) <= 31:
        return None, None
    return f"{year_text}-{month_text}-{day_text}", "day"


def clean_description(text: str) -> str:
    """The description with scraping debris decoded: HTML entities and backslash-escaped quotes."""
    return " ".join(html.unescape(text).replace("\\'", "'").replace('\\"', '"').split())


def read_relations(path: Path, limit: int | None = None) -> list[MmpRelation]:
    """The relationship rows of an MMP relations CSV (the first `limit` of them)."""
    relations: list[MmpRelation] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if limit is not None and len(relations) >= limit:
                break
            relations.append(
                MmpRelation(
                    uid=row["unique_id"].strip(),
                    type=row["type"].strip().lower(),
                    group1_id=row["group1_id"].strip(),
                    group2_id=row["group2_id"].strip(),
                    group1_name=row["group1_name"].strip(),
                    group2_name=row["group2_name"].strip(),
                    date=row["date"].strip(),
                    description=row["description"],
                )
            )
    return relations


def read_group_names(path: Path) -> dict[str, str]:
    """MMP group id -> name, from groups.csv (empty when the file is absent)."""
    if not Path(path).exists():
        return {}
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        return {
            row["group_id"].strip(): row["name"].strip()
            for row in csv.DictReader(handle)
            if row.get("group_id") and row.get("name")
        }


def _mapping_table(path: Path | None = None) -> dict[str, Any]:
    if path is None:
        text = (resources.files("factions") / "data" / "eval" / "mmp.toml").read_text("utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    return tomllib.loads(text)


def load_families(path: Path | None = None) -> dict[str, str]:
    """Predicate -> MMP type, from data/eval/mmp.toml (or `path`)."""
    families: dict[str, str] = {}
    for kind, predicates in _mapping_table(path)["families"].items():
        for predicate in predicates:
            families[predicate] = kind
    return families


def type_labels(path: Path | None = None) -> dict[str, str]:
    """MMP type -> its name in words ("all" -> "alliance")."""
    return dict(_mapping_table(path).get("labels", {}))


# ------------------------------------------------------------------------------ names


def name_variants(name: str) -> set[str]:
    """The forms of a gold group name: itself, without a parenthesised part, and that part
    ("Jaysh Rijal al-Tariqa al-Naqshbandia (JRTN)" -> also "Jaysh Rijal ..." and "JRTN"); a
    former name given in the parentheses counts as a name ("Hay'at Tahrir al-Sham (Formerly
    Jabhat al-Nusra)" -> also "Jabhat al-Nusra")."""
    name = " ".join(name.split())
    variants = {name}
    inside = [_FORMERLY.sub("", m.strip()) for m in _PARENTHESIS.findall(name)]
    outside = " ".join(_PARENTHESIS.sub(" ", name).split())
    variants.update(v for v in [outside, *inside] if v)
    return variants


def _keys(names: Iterable[str]) -> set[str]:
    keys: set[str] = set()
    for name in names:
        keys.update(k for k in (name_key(name), compact_key(name)) if k)
    return keys


def entity_names(entity_id: str, names: Iterable[str]) -> list[str]:
    """An entity's names for matching: its exported name and aliases, and for a gazetteer actor
    ("a:<id>") every alias actors.toml gives it."""
    found = list(names)
    if entity_id.startswith("a:"):
        entry = load_gazetteer().get(entity_id[2:])
        if entry is not None:
            found.extend(entry.surfaces())
    return found


def gazetteer_ids(variants: Iterable[str]) -> set[str]:
    """The entity ids of the gazetteer actors a gold name looks up to, with the earlier and
    later names of each (the gazetteer's successor_of links): MMP follows one group through
    its renamings ("The Islamic State" is also al-Qaeda in Iraq and the Islamic State of
    Iraq), the gazetteer keeps each name apart."""
    gazetteer = load_gazetteer()
    lines = _lines_of_names()
    return {
        f"a:{member}"
        for v in variants
        for entry in gazetteer.lookup(v)
        for member in lines.get(entry.id, {entry.id})
    }


@lru_cache(maxsize=1)
def _lines_of_names() -> dict[str, frozenset[str]]:
    """Gazetteer id -> every entry joined to it by successor_of links, either way."""
    neighbours: dict[str, set[str]] = {}
    for entry in load_gazetteer().actors:
        for link in entry.links:
            if link.predicate == "successor_of":
                neighbours.setdefault(entry.id, set()).add(link.target)
                neighbours.setdefault(link.target, set()).add(entry.id)
    lines: dict[str, frozenset[str]] = {}
    for start in neighbours:
        if start in lines:
            continue
        line, frontier = {start}, [start]
        while frontier:
            for other in neighbours.get(frontier.pop(), ()):
                if other not in line:
                    line.add(other)
                    frontier.append(other)
        for member in line:
            lines[member] = frozenset(line)
    return lines


def matching_entities(variants: set[str], candidates: dict[str, list[str]]) -> set[str]:
    """The ids among `candidates` (id -> names) that carry one of the gold name's forms."""
    gold_keys = _keys(variants)
    by_gazetteer = gazetteer_ids(variants)
    return {
        entity_id
        for entity_id, names in candidates.items()
        if entity_id in by_gazetteer or gold_keys & _keys(entity_names(entity_id, names))
    }


def named_in_text(variants: set[str], text: str) -> bool:
    """Whether the text writes the group under one of its names or its gazetteer aliases.

    Acronyms (all capitals) must match as written; other names after folding."""
    surfaces = set(variants)
    gazetteer = load_gazetteer()
    for entity_id in gazetteer_ids(variants):
        entry = gazetteer.get(entity_id[2:])
        if entry is not None:
            surfaces.update(entry.surfaces())
    folded = f" {name_key(text)} "
    for surface in surfaces:
        if surface.isupper() and len(surface) <= 8:
            if re.search(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text):
                return True
        elif (key := name_key(surface)) and f" {key} " in folded:
            return True
    return False


# ------------------------------------------------------------------------------ scoring


def score_row(
    relation: MmpRelation,
    *,
    text: str,
    mentioned: dict[str, list[str]],
    claims: list[dict[str, Any]],
    families: dict[str, str],
    group_names: dict[str, str] | None = None,
) -> RowResult:
    """One gold row against one document: `mentioned` is entity id -> names of the entities the
    document mentions; `claims` are its exported claims."""
    group_names = group_names or {}
    variants = []
    for name, gid in (
        (relation.group1_name, relation.group1_id),
        (relation.group2_name, relation.group2_id),
    ):
        forms = name_variants(name)
        if gid in group_names:
            forms |= name_variants(group_names[gid])
        variants.append(forms)
    first = matching_entities(variants[0], mentioned)
    second = matching_entities(variants[1], mentioned)
    result = RowResult(
        relation,
        recognised1=bool(first),
        recognised2=bool(second),
        named1=named_in_text(variants[0], text),
        named2=named_in_text(variants[1], text),
    )
    gold_date, _ = parse_mmp_date(relation.date)
    for claim in claims:
        subject, obj = claim.get("subject"), claim.get("object")
        if obj is None or subject == obj:
            continue
        if not ((subject in first and obj in second) or (subject in second and obj in first)):
            result.other_predicates.append(claim["predicate"])
            continue
        polarity = bool(claim.get("polarity", True))
        valid_from = claim.get("valid_from")
        result.linking.append((claim["predicate"], polarity, valid_from))
        if polarity and families.get(claim["predicate"]) == relation.type:
            result.right_family = True
            if gold_date and valid_from and valid_from.startswith(gold_date):
                result.date_right = True
    return result


def _documents(relations: list[MmpRelation]) -> list[GoldDocument]:
    return [
        GoldDocument(r.uid, clean_description(r.description), parse_mmp_date(r.date)[0])
        for r in relations
    ]


def evaluate_mmp(
    path: Path,
    limit: int | None = None,
    *,
    groups_path: Path | None = None,
    families: dict[str, str] | None = None,
    build: Callable[[list[GoldDocument]], ExportedKnowledgeBase] = knowledge_base_of,
) -> MmpScores:
    """Ingest each row's description as a document and score the claims between its groups."""
    started = time.perf_counter()
    relations = read_relations(path, limit)
    group_names = read_group_names(groups_path or Path(path).with_name("groups.csv"))
    families = families if families is not None else load_families()
    documents = _documents(relations)
    kb = build(documents)
    scores = MmpScores(failed=len(kb.failed))
    for relation, document in zip(relations, documents, strict=True):
        mentioned = {
            entity_id: kb.names(entity_id)
            for entity_id in kb.mentioned_by_key.get(relation.uid, set())
        }
        scores.rows.append(
            score_row(
                relation,
                text=document.text,
                mentioned=mentioned,
                claims=kb.claims_by_key.get(relation.uid, []),
                families=families,
                group_names=group_names,
            )
        )
    scores.seconds = round(time.perf_counter() - started, 2)
    return scores


# ------------------------------------------------------------------------------ report


def _miss_line(row: RowResult) -> str:
    r = row.relation
    text = clean_description(r.description)
    if len(text) > _DESCRIPTION_WIDTH:
        text = text[: _DESCRIPTION_WIDTH - 1].rstrip() + "…"
    groups = (
        f"{r.group1_name} [{'found' if row.recognised1 else 'missed'}"
        f"{'' if row.named1 else ', not named'}] / "
        f"{r.group2_name} [{'found' if row.recognised2 else 'missed'}"
        f"{'' if row.named2 else ', not named'}]"
    )
    if row.linking:
        said = dict.fromkeys(p if polarity else f"not {p}" for p, polarity, _ in row.linking)
        ours = ", ".join(said)
    else:
        ours = "no claim between them"
    others = Counter(row.other_predicates)
    if others:
        ours += "; other claims: " + ", ".join(f"{p}×{n}" for p, n in others.most_common(4))
    return f"{r.uid} gold {r.type} ({r.date}) {groups}: “{text}” -> ours: {ours}"


def format_mmp_scores(scores: MmpScores) -> str:
    m = scores.measures()
    lines = [
        f"MMP relations (dev, {len(scores.rows)} rows; pairs undirected), {scores.seconds:.1f} s"
        + (f", {scores.failed} documents failed" if scores.failed else ""),
        f"  groups recognised        {m['groups_recognised'].line()}",
        f"  both groups recognised   {m['both_groups_recognised'].line()}",
        f"  any claim between them   {m['any_claim'].line()}",
        f"  right family             {m['right_family'].line()}",
        f"  wrong family, of found   {m['wrong_family_of_found'].line()}",
        f"  start date, of right     {m['start_date_of_right'].line()}"
        " (documents carry the gold date)",
        f"  rows naming both groups (by a name we know) {m['both_named'].line()}; "
        f"right family among them "
        f"{m['right_family_of_named'].line()}",
        "  by type                rows  both recognised  any claim  right family",
    ]
    labels = type_labels()
    for kind in MMP_TYPES:
        rows = scores.of_type(kind)
        if not rows:
            continue
        k = scores.measures(kind)
        name = f"{kind} ({labels.get(kind, kind)})"
        lines.append(
            f"    {name:<19} {len(rows):6d}  {k['both_groups_recognised'].value:15.3f}  "
            f"{k['any_claim'].value:9.3f}  {k['right_family'].value:12.3f}"
        )
    # Each predicate once a row (a symmetric predicate is stored both ways).
    produced = Counter(p for row in scores.rows for p in {p for p, _, _ in row.linking})
    if produced:
        lines.append(
            "  predicates linking gold pairs (rows with it): "
            + ", ".join(f"{p} {n}" for p, n in produced.most_common())
        )
    return "\n".join(lines)


@suite("mmp", "relations: Mapping Militant Organizations group-to-group relationships (dev)")
def mmp_suite(options: SuiteOptions) -> SuiteReport:
    path = options.data or options.eval_dir / "relations-mmp" / "relations-dev.csv"
    groups = options.eval_dir / "relations-mmp" / "groups.csv"
    scores = evaluate_mmp(path, limit=options.limit, groups_path=groups)
    misses = [_miss_line(row) for row in scores.rows if not row.right_family]
    return SuiteReport("mmp", format_mmp_scores(scores), scores.figures(), misses)
