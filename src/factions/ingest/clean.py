"""Removing page furniture from captured article text, and splitting a page into its stories.

Users paste or save news pages as plain text with the chrome still in place: menus, players,
bylines, author boxes, legal notices, teasers. What counts as furniture lives in
`factions/data/furniture.toml`; this module only applies it. A line is dropped when a pattern
matches the whole line or when it sits inside a furniture block, so a prose sentence that merely
mentions "cookies" or "Breaking News" is kept.

The text is handled as lines (one line of the capture = one paragraph, unless a hard-wrapped
sentence continues on the next line). A page is cut into segments at explicit separators and at
player/listing furniture that is followed by more prose; each segment is cleaned on its own.

Nothing is removed silently: given a `Removed`, the cleaner counts what it took out and why, for
the ingest report. And a short text is a short article: when cleaning would leave nothing of a
text that has a sentence, the text is kept (furniture lines aside).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from factions.packaged import data_path

FURNITURE_FILE = data_path("furniture.toml")

# Characters that end a sentence, possibly followed by closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
# Characters after which a line cannot continue on the next one as the same sentence.
_CLOSED_LINE = re.compile(r"[.!?…:;\"'”’)\]]$")
# Zero-width characters and soft hyphens: invisible on the page, but they split words.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


@dataclass(frozen=True)
class Story:
    """One article found on a page: its headline (when the page shows one) and cleaned text."""

    title: str | None
    text: str


@dataclass
class Removed:
    """What cleaning took out of a text, by reason: how many pieces and how many characters."""

    pieces: Counter[str] = field(default_factory=Counter)
    chars: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, text: str) -> None:
        if text.strip():
            self.pieces[reason] += 1
            self.chars[reason] += len(text)

    def update(self, other: Removed) -> None:
        self.pieces.update(other.pieces)
        self.chars.update(other.chars)

    @property
    def total(self) -> int:
        return sum(self.chars.values())

    def describe(self, of_chars: int | None = None) -> str | None:
        """One line for the ingest report: 'removed 1,234 of 5,678 characters: 3 repeated
        paragraphs (1,000), 2 lines of page furniture (234)'; None when nothing was removed."""
        if not self.total:
            return None
        reasons = ", ".join(
            f"{_counted(self.pieces[reason], reason)} ({chars:,})"
            for reason, chars in self.chars.most_common()
        )
        of = f" of {of_chars:,}" if of_chars else ""
        return f"removed {self.total:,}{of} characters: {reasons}"


# How the report names each reason, one and several ("1 repeated paragraph", "3 ...").
REASONS = {
    "furniture": ("line of page furniture", "lines of page furniture"),
    "to_end": ("line of comments or about-box", "lines of comments or about-boxes"),
    "headline_list": ("line of a teaser list", "lines of teaser lists"),
    "menu": ("menu entry", "menu entries"),
    "author_bio": ("line of an author box", "lines of author boxes"),
    "byline": ("repeated byline", "repeated bylines"),
    "repeat": ("repeated paragraph", "repeated paragraphs"),
    "masthead": ("masthead", "mastheads"),
    "teaser": (
        "short piece beside the story (teaser, sidebar)",
        "short pieces beside the story (teasers, sidebars)",
    ),
}


def _counted(count: int, reason: str) -> str:
    one, several = REASONS.get(reason, (reason, reason))
    return f"{count:,} {one if count == 1 else several}"


@dataclass(frozen=True)
class LineMatcher:
    """Exact lines (case-insensitive) and whole-line regular expressions."""

    exact: frozenset[str]
    pattern: re.Pattern[str] | None

    def matches(self, line: str) -> bool:
        return line.casefold() in self.exact or bool(self.pattern and self.pattern.fullmatch(line))


@dataclass(frozen=True)
class Furniture:
    """The furniture lexicon loaded from furniture.toml."""

    lines: LineMatcher
    boundaries: LineMatcher
    separators: LineMatcher
    to_end: LineMatcher
    headline_lists: LineMatcher
    bio_markers: LineMatcher
    name: re.Pattern[str]
    menu_min_lines: int
    menu_max_words: int
    headline_max_words: int
    prose_min_words: int
    story_min_words: int
    title_search_paragraphs: int
    dispatch_min_words: int


def _scoped(pattern: str) -> str:
    """A pattern whose leading global flag, e.g. (?i), applies to that pattern alone."""
    flags = re.match(r"\(\?([aiLmsux]+)\)", pattern)
    if not flags:
        return f"(?:{pattern})"
    return f"(?{flags.group(1)}:{pattern[flags.end() :]})"


def _matcher(exact: list[str] | None = None, patterns: list[str] | None = None) -> LineMatcher:
    # One alternation instead of a loop over patterns: every line of every page is tested.
    return LineMatcher(
        exact=frozenset(" ".join(e.split()).casefold() for e in exact or []),
        pattern=re.compile("|".join(_scoped(p) for p in patterns)) if patterns else None,
    )


@lru_cache(maxsize=4)
def load_furniture(path: Path = FURNITURE_FILE) -> Furniture:
    """The furniture lexicon; cached because every page is checked against it."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    blocks, tuning = data["blocks"], data["tuning"]
    return Furniture(
        lines=_matcher(data["lines"]["exact"], data["lines"]["patterns"]),
        boundaries=_matcher(data["boundaries"]["exact"], data["boundaries"]["patterns"]),
        separators=_matcher(patterns=data["separators"]["patterns"]),
        to_end=_matcher(blocks["to_end"]),
        headline_lists=_matcher(blocks["headline_lists"], blocks["headline_list_patterns"]),
        bio_markers=_matcher(patterns=data["author_bio"]["markers"]),
        name=re.compile(data["names"]["pattern"]),
        menu_min_lines=int(tuning["menu_min_lines"]),
        menu_max_words=int(tuning["menu_max_words"]),
        headline_max_words=int(tuning["headline_max_words"]),
        prose_min_words=int(tuning["prose_min_words"]),
        story_min_words=int(tuning["story_min_words"]),
        title_search_paragraphs=int(tuning["title_search_paragraphs"]),
        dispatch_min_words=int(tuning.get("dispatch_min_words", 3)),
    )


# --- public API -------------------------------------------------------------------------------


def clean_text(text: str, removed: Removed | None = None) -> str:
    """The text without page furniture: NFC, paragraphs separated by one blank line."""
    furniture = load_furniture()
    found = Removed()
    lines = normalised_lines(text)
    segments = _segments(lines, furniture)
    paragraphs = [p for segment in segments for p in _clean_segment(segment, furniture, found)]
    if not paragraphs:
        paragraphs, found = _short_text(lines, furniture)
    if removed is not None:
        removed.update(found)
    return "\n\n".join(paragraphs)


def split_stories(text: str, removed: Removed | None = None) -> list[Story]:
    """The stories on a raw page, each cleaned; teasers and sidebars are left out.

    A story's title is taken out of its text. When no story reaches the minimum length (a short
    news brief), the longest one is returned rather than nothing; when cleaning leaves nothing
    of a text that has a sentence (a one-line dispatch), the text itself is the story.
    """
    furniture = load_furniture()
    found = Removed()
    lines = normalised_lines(text)
    stories = []
    for segment in _segments(lines, furniture):
        paragraphs = _clean_segment(segment, furniture, found)
        title, body = _title_and_body(paragraphs, furniture, found)
        if body:
            stories.append(Story(title=title, text="\n\n".join(body)))
    full = [s for s in stories if word_count(s.text) >= furniture.story_min_words]
    if stories and not full:
        full = [max(stories, key=lambda s: word_count(s.text))]
    for story in stories:
        if story not in full:
            found.add("teaser", "\n\n".join(filter(None, (story.title, story.text))))
    if not stories:
        kept, found = _short_text(lines, furniture)
        full = [Story(title=None, text="\n\n".join(kept))] if kept else []
    if removed is not None:
        removed.update(found)
    return full


def _short_text(lines: list[str], furniture: Furniture) -> tuple[list[str], Removed]:
    """A text the cleaning rules left nothing of: its paragraphs but the furniture lines when
    one of them reads like a sentence (a dispatch, a database note), else nothing; and what
    that removes."""
    kept = _paragraphs(["" if furniture.lines.matches(line) else line for line in lines])
    if not any(word_count(p) >= furniture.dispatch_min_words for p in kept):
        return [], Removed()
    removed = Removed()
    for line in lines:
        if line and furniture.lines.matches(line):
            removed.add("furniture", line)
    return kept, removed


def normalised_lines(text: str) -> list[str]:
    """The text's lines in NFC with invisible characters removed and whitespace collapsed."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [" ".join(line.split()) for line in text.split("\n")]


def word_count(text: str) -> int:
    return len(text.split())


# --- segments ---------------------------------------------------------------------------------


_BYLINE = re.compile(r"By [A-Z][\w'’.-]*(?:(?: |, | and )[A-Z][\w'’.-]*){0,7}")


def _opens_bylined_story(lines: list[str], index: int, furniture: Furniture) -> bool:
    """A headline whose next non-blank line is a byline: a front page's next article."""
    if not _is_headline(lines[index], furniture):
        return False
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return bool(_BYLINE.fullmatch(following.strip()))


def _segments(lines: list[str], furniture: Furniture) -> list[list[str]]:
    """The page cut at separators, at player/listing furniture followed by more prose, and at a
    bylined headline that follows a run of furniture (share bars, adverts, related links)."""
    segments: list[list[str]] = [[]]
    after_boundary = False
    after_furniture = False
    in_teasers = False
    seen_prose = False
    for index, line in enumerate(lines):
        if line and furniture.separators.matches(line):
            segments.append([])
            after_boundary = after_furniture = in_teasers = False
            continue
        bylined = bool(line) and _opens_bylined_story(lines, index, furniture)
        if line and furniture.boundaries.matches(line):
            after_boundary = True
        elif line and furniture.lines.matches(line):
            after_furniture = True
        elif line and furniture.headline_lists.matches(line):
            after_furniture = in_teasers = True
        elif line and in_teasers and not bylined and not _is_prose(line, furniture):
            pass
        elif line:
            if after_boundary or (after_furniture and seen_prose and bylined):
                segments.append([])
                seen_prose = False
            after_boundary = after_furniture = in_teasers = False
            seen_prose = seen_prose or not _is_headline(line, furniture)
        segments[-1].append(line)
    return [segment for segment in segments if any(segment)]


# --- cleaning one segment ---------------------------------------------------------------------


# Each rule marks the lines it drops with its reason (see REASONS); None keeps a line.
Drops = list[str | None]


def _clean_segment(lines: list[str], furniture: Furniture, removed: Removed) -> list[str]:
    """The paragraphs of one segment once every furniture line and block is gone."""
    drop: Drops = [
        "furniture" if line and furniture.lines.matches(line) else None for line in lines
    ]
    _drop_to_end_blocks(lines, drop, furniture)
    _drop_headline_lists(lines, drop, furniture)
    _drop_menus(lines, drop, furniture)
    _drop_author_bios(lines, drop, furniture)
    _drop_repeated_bylines(lines, drop, furniture)
    for line, reason in zip(lines, drop, strict=True):
        if reason:
            removed.add(reason, line)
    # A dropped line becomes a paragraph break so its neighbours are never glued together.
    kept = ["" if dropped else line for line, dropped in zip(lines, drop, strict=True)]
    return _without_repeats(_paragraphs(kept), removed)


def _nonblank(lines: list[str], start: int = 0) -> list[int]:
    return [i for i in range(start, len(lines)) if lines[i]]


def _is_prose(line: str, furniture: Furniture) -> bool:
    return word_count(line) >= furniture.prose_min_words and bool(_SENTENCE_END.search(line))


def _drop_to_end_blocks(lines: list[str], drop: Drops, furniture: Furniture) -> None:
    for i, line in enumerate(lines):
        if line and furniture.to_end.matches(line):
            for j in range(i, len(lines)):
                drop[j] = drop[j] or "to_end"
            return


def _drop_headline_lists(lines: list[str], drop: Drops, furniture: Furniture) -> None:
    """A teaser list runs from its heading to the next prose paragraph."""
    in_list = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if furniture.headline_lists.matches(line):
            in_list = True
            drop[i] = drop[i] or "headline_list"
        elif in_list and _is_prose(line, furniture):
            in_list = False
        elif in_list:
            drop[i] = drop[i] or "headline_list"


def _is_menu_entry(line: str, furniture: Furniture) -> bool:
    return word_count(line) <= furniture.menu_max_words and not _CLOSED_LINE.search(line)


def _drop_menus(lines: list[str], drop: Drops, furniture: Furniture) -> None:
    """Runs of short entries (other furniture may sit among them) are navigation menus."""
    run: list[int] = []
    for i in [*_nonblank(lines), None]:
        if i is not None and (drop[i] or _is_menu_entry(lines[i], furniture)):
            run.append(i)
            continue
        entries = [j for j in run if not drop[j]]
        if len(entries) >= furniture.menu_min_lines:
            for j in entries:
                drop[j] = "menu"
        run = []


def _is_name(line: str, furniture: Furniture) -> bool:
    return bool(furniture.name.fullmatch(line))


def _is_bio_of(paragraph: str, name: str) -> bool:
    """Whether the paragraph opens with the name and says more than the name itself."""
    after_name = paragraph[len(name) : len(name) + 1]
    opens_with_name = paragraph.startswith(name) and after_name in {",", " "}
    return opens_with_name and word_count(paragraph) > 2 * word_count(name)


def _drop_author_bios(lines: list[str], drop: Drops, furniture: Furniture) -> None:
    """Author box: [marker line], the author's name, then a paragraph opening with that name.

    Without a marker line the box is recognised only when nothing but furniture follows it, so
    a profile paragraph inside the article ("Name, a former lawmaker, ...") stays.
    """
    indices = [
        i for i in _nonblank(lines) if not drop[i] or furniture.bio_markers.matches(lines[i])
    ]
    for pos in range(len(indices) - 1):
        name_at, bio_at = indices[pos], indices[pos + 1]
        name = lines[name_at]
        if drop[name_at] or not _is_name(name, furniture):
            continue
        if not _is_bio_of(lines[bio_at], name):
            continue
        bio_end = next((j for j in range(bio_at, len(lines)) if not lines[j]), len(lines))
        marker = pos > 0 and furniture.bio_markers.matches(lines[indices[pos - 1]])
        at_end = all(drop[i] for i in _nonblank(lines, bio_end))
        if not (marker or at_end):
            continue
        if marker:
            drop[indices[pos - 1]] = "author_bio"
        for j in [name_at, *range(bio_at, bio_end)]:
            drop[j] = "author_bio"


def _drop_repeated_bylines(lines: list[str], drop: Drops, furniture: Furniture) -> None:
    """A person's name printed twice in a row is a byline, not reporting."""
    indices = [i for i in _nonblank(lines) if not drop[i]]
    for a, b in pairwise(indices):
        if lines[a] == lines[b] and _is_name(lines[a], furniture):
            drop[a] = drop[b] = "byline"


# --- paragraphs -------------------------------------------------------------------------------


def _continues(previous: str, line: str) -> bool:
    """Whether `line` is the rest of a hard-wrapped sentence begun on `previous`."""
    if _CLOSED_LINE.search(previous):
        return False
    return previous.endswith((",", "-", "–")) or line[:1].islower()


def _paragraphs(lines: list[str]) -> list[str]:
    groups: list[list[str]] = []
    joinable = False
    for line in lines:
        if not line:
            joinable = False
            continue
        if joinable and _continues(groups[-1][-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
        joinable = True
    return [_joined(group) for group in groups]


def _joined(group: list[str]) -> str:
    """The lines of a hard-wrapped paragraph as one line; a word split at a hyphen stays whole."""
    parts = [group[0]]
    for line in group[1:]:
        parts.append(line if parts[-1].endswith("-") else " " + line)
    return "".join(parts)


def _without_repeats(paragraphs: list[str], removed: Removed) -> list[str]:
    """One copy of each repeated paragraph.

    A repeated sentence is a pull quote shown ahead of the passage it comes from, so the later
    copy is kept where the story tells it; a repeated caption or heading keeps its first copy.
    """
    seen_at: dict[str, list[int]] = {}
    for i, paragraph in enumerate(paragraphs):
        seen_at.setdefault(paragraph, []).append(i)
    keep = set()
    for paragraph, positions in seen_at.items():
        keep.add(positions[-1] if _SENTENCE_END.search(paragraph) else positions[0])
    for i, paragraph in enumerate(paragraphs):
        if i not in keep:
            removed.add("repeat", paragraph)
    return [p for i, p in enumerate(paragraphs) if i in keep]


# --- titles -----------------------------------------------------------------------------------


def _is_headline(paragraph: str, furniture: Furniture) -> bool:
    ends_like_sentence = paragraph.rstrip("\"'”’)]").endswith((".", "…", ",", ";", ":"))
    return 0 < word_count(paragraph) <= furniture.headline_max_words and not ends_like_sentence


def _title_and_body(
    paragraphs: list[str], furniture: Furniture, removed: Removed
) -> tuple[str | None, list[str]]:
    """The headline-like paragraph that opens the story (if any) and the rest of the story.

    An all-capitals line before the headline is the site's masthead ("HORN DISPATCH"): it is
    dropped, and the headline after it is the title. A story that is nothing but its one line
    (a dispatch, a database note) keeps it as its text: a short text is a short article.
    """
    mastheads: list[str] = []
    while paragraphs and _is_masthead(paragraphs[0], furniture):
        mastheads.append(paragraphs[0])
        paragraphs = paragraphs[1:]
    if not paragraphs:
        paragraphs = mastheads[-1:]
        mastheads = mastheads[:-1]
    for masthead in mastheads:
        removed.add("masthead", masthead)
    for i, paragraph in enumerate(paragraphs[: furniture.title_search_paragraphs]):
        if _is_prose(paragraph, furniture):
            break
        if _is_headline(paragraph, furniture):
            body = paragraphs[:i] + paragraphs[i + 1 :]
            return (paragraph, body) if body else (None, paragraphs)
    return None, paragraphs


def _is_masthead(paragraph: str, furniture: Furniture) -> bool:
    letters = [c for c in paragraph if c.isalpha()]
    return (
        _is_headline(paragraph, furniture)
        and len(paragraph.split()) <= 4
        and len(letters) > 2
        and all(c.isupper() for c in letters)
    )
