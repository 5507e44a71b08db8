"""Article text and metadata from an HTML page, via trafilatura, then furniture cleaning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import trafilatura

from factions.ingest.clean import Removed, clean_text

NO_TEXT = "no article text found in HTML"

# htmldate's free-text search can take a date quoted in the story for the publication date, and
# the publication date anchors every relative date in the article: trust only markup and URL.
_DATE_PARAMS = {"original_date": True, "extensive_search": False}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class HtmlPage:
    """The cleaned article text of a page and the metadata the page declares."""

    text: str
    title: str | None
    author: str | None
    published: str | None
    outlet: str | None
    url: str | None


def extract_html(html: str, url: str | None = None, removed: Removed | None = None) -> HtmlPage:
    """The article on an HTML page; raises ValueError when no article text can be found.

    What furniture cleaning takes out of the extracted text is counted in `removed`."""
    if not html or not html.strip():
        raise ValueError(NO_TEXT)
    try:
        document = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params=_DATE_PARAMS,
        )
    # trafilatura and lxml raise assorted errors on broken markup; to callers a page that cannot
    # be parsed is simply a page without article text.
    except Exception as exc:
        raise ValueError(NO_TEXT) from exc
    if document is None or isinstance(document, dict):
        raise ValueError(NO_TEXT)
    title = _field(document.title)
    text = _without_heading(clean_text(document.text or "", removed), title)
    if not text:
        raise ValueError(NO_TEXT)
    return HtmlPage(
        text=text,
        title=title,
        author=_field(document.author),
        published=iso_day(document.date),
        outlet=_field(document.sitename) or _outlet_from_host(document.hostname),
        url=_field(document.url) or url,
    )


def iso_day(value: str | None) -> str | None:
    """`YYYY-MM-DD` for a date trafilatura found, or None when it is not a real calendar day."""
    if not value:
        return None
    match = _ISO_DAY.match(value.strip())
    if not match:
        return None
    try:
        return date.fromisoformat(match.group()).isoformat()
    except ValueError:
        return None


def _without_heading(text: str, title: str | None) -> str:
    """The text without the page's <h1> when trafilatura kept it: the title is already known."""
    first, _, rest = text.partition("\n\n")
    if title and first.casefold() == title.casefold():
        return rest
    return text


def _field(value: str | None) -> str | None:
    cleaned = " ".join(value.split()) if value else ""
    return cleaned or None


def _outlet_from_host(hostname: str | None) -> str | None:
    host = _field(hostname)
    return host.removeprefix("www.") if host else None
