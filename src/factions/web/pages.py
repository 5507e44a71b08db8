"""The analysts' pages: server-rendered HTML over the query layer, each with a JSON twin.

Every page answers `?format=json` with the data it draws, so what a reader sees can be fetched
by a script. Every figure comes from `factions.query` (the layer the command line and the JSON
API use too), and every page asks for a bounded slice of the knowledge base: the network the
heaviest relations as of one date, the map and timeline a page of events. The network and map
scripts ask `/api/...` again as the reader moves the slider or the filters.

Article text is untrusted: templates autoescape, scripts build DOM nodes with textContent, and a
Content-Security-Policy forbids inline script on every page.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine

from factions.partial_date import first_day_iso, label
from factions.query.claims import claims_by_sentence
from factions.query.common import BadQuery
from factions.query.disputes import list_disputes
from factions.query.documents import (
    NoSuchDocument,
    document_segments,
    document_view,
    knowledge_base_dates,
    latest_documents,
)
from factions.query.events import EventRow, find_events
from factions.query.find import find_actors
from factions.query.lookup import NoSuchEntity
from factions.query.network import NetworkEdge, actor_network
from factions.query.profile import EventLine, actor_profile, find_entity_id
from factions.query.search import search
from factions.query.summary import knowledge_base_summary
from factions.query.timeline import TimelineEntry, actor_timeline
from factions.vocabulary import vocabulary
from factions.web.curation import curation_context, register_curation
from factions.web.errors import json_error

HERE = Path(__file__).parent
# Predicates that say who holds which post; the profile lists them as a dated history.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

# How much each page asks for. The API's own caps are the same (web/api.py).
NETWORK_LIMIT = 250  # relations drawn, heaviest first
MAX_NETWORK_LIMIT = 5000
MAP_LIMIT = 500  # events on the map (the API pages at most 500)
TIMELINE_EVENTS = 500
TIMELINE_RELATIONS = 250  # heaviest relations looked at for the whole-base timeline
TIMELINE_ENTRIES = 2000  # entries of one actor's or place's timeline
OVERVIEW_EVENTS = 8
OVERVIEW_DISPUTES = 6
OVERVIEW_DOCUMENTS = 20
DISPUTES_PAGE = 25
MAX_CLAIM_IDS = 500  # claims one request may ask the sentences of
_TEXT_PARAM = 200


# --- dates -------------------------------------------------------------------------------------


def date_floor(value: str | None) -> str | None:
    """The first day a partial date can mean ('199' -> 1990-01-01, '2017-W04' -> its Monday)."""
    return first_day_iso(value)


def role_name(predicate: str) -> str:
    """'leader_of' -> 'leader': the post, for lines read from the organisation's side."""
    return vocabulary().post_of(predicate)


def vocabulary_for_pages() -> dict[str, Any]:
    """What the scripts need of the vocabulary: predicate labels, symmetry and family colours."""
    words = vocabulary()
    return {
        "predicates": {
            name: {
                "label": p.label,
                "inverse": p.inverse,
                "kind": p.kind,
                "symmetric": p.symmetric,
                "family": p.family,
                "colour": words.families[p.family].colour,
            }
            for name, p in words.predicates.items()
        },
        "families": {name: f.label for name, f in words.families.items()},
        "family_colours": {name: f.colour for name, f in words.families.items()},
    }


# --- page data (what each page draws, and its JSON twin) ---------------------------------------


def event_out(event: EventRow) -> dict[str, Any]:
    """An event as the pages draw it: place and coordinates flattened, one fatality figure."""
    place = event.place
    return {
        "id": event.id,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "date": event.date,
        "sort_date": date_floor(event.date),
        "place": place.id if place else None,
        "place_name": place.name if place else None,
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "geo_precision": event.geo_precision or (place.geo_precision if place else None),
        "fatalities": event.fatalities_best or event.fatalities_high or event.fatalities_low,
        "counts": event.counts,
        "instruments": event.instruments,
        "certainty": event.certainty,
        "speaker": event.speaker,
        "participants": [
            {"id": p.id, "name": p.name, "type": p.type, "role": p.role} for p in event.participants
        ],
        "evidence": [asdict(e) for e in event.evidence],
    }


def latest_events(
    conn: Connection, count: int = OVERVIEW_EVENTS, page_size: int = 100, pages: int = 5
) -> list[dict[str, Any]]:
    """The `count` most recent events with a date of their own, newest first (undated events
    sit at their report's date, so a bounded number of pages is read to skip them)."""
    found: list[EventRow] = []
    for number in range(pages):
        page = find_events(
            conn, limit=page_size, offset=number * page_size, newest_first=True
        ).events
        found += [e for e in page if e.date]
        if len(found) >= count or len(page) < page_size:
            break
    return [event_out(e) for e in found[:count]]


def overview_data(conn: Connection) -> dict[str, Any]:
    summary = knowledge_base_summary(conn, top=10)
    disputes = list_disputes(conn, limit=OVERVIEW_DISPUTES)
    return {
        "counts": {
            "documents": summary.documents,
            "actors": summary.actors,
            "places": summary.places,
            "events": summary.events,
            "relations": summary.relations,
            "claims": summary.claims,
            "disputes": summary.disputes,
        },
        "top_actors": [
            {"id": i, "name": n, "type": t, "mentions": m} for i, n, t, m in summary.top_actors
        ],
        "latest_events": latest_events(conn),
        "disputes": [asdict(d) for d in disputes.disputes],
        "disputes_total": disputes.total,
        "documents": latest_documents(conn, OVERVIEW_DOCUMENTS),
        "documents_total": summary.documents,
    }


def network_data(
    conn: Connection,
    *,
    as_of: str | None = None,
    predicates: list[str] | None = None,
    min_certainty: str | None = None,
    limit: int = NETWORK_LIMIT,
) -> dict[str, Any]:
    """The network as of a date (every date when None): the heaviest `limit` relations (a
    symmetric one drawn once), the actors they join, how many relations there are in all, and
    the range the slider walks."""
    first, last = knowledge_base_dates(conn)
    network = actor_network(
        conn,
        as_of=as_of,
        predicates=predicates,
        min_certainty=min_certainty,
        limit=limit,
        symmetric_once=True,
    )
    return {"first_date": first, "last_date": last, **asdict(network)}


def map_data(conn: Connection, filters: dict[str, str], limit: int = MAP_LIMIT) -> dict[str, Any]:
    """One page of the events matching the map's filters, oldest first, and how many match."""
    found = find_events(
        conn,
        event_type=filters.get("type"),
        actor=filters.get("actor"),
        place=filters.get("place"),
        date_from=filters.get("from"),
        date_to=filters.get("to"),
        min_certainty=filters.get("min_certainty"),
        limit=limit,
    )
    return {
        "filters": filters,
        "total": found.total,
        "limit": limit,
        "events": [event_out(e) for e in found.events],
    }


def _edge_mark(edge: NetworkEdge) -> dict[str, Any]:
    """A relation (all its claims) as one bar on the timeline, from its first to last date."""
    return {
        "id": f"{edge.subject}|{edge.predicate}|{edge.object}",
        "kind": "edge",
        "subject": edge.subject,
        "subject_name": edge.subject_name,
        "predicate": edge.predicate,
        "object": edge.object,
        "object_name": edge.object_name,
        "title": f"{edge.subject_name} {vocabulary().label_of(edge.predicate)} {edge.object_name}",
        "valid_from": edge.valid_from,
        "valid_to": edge.valid_to,
        # A relation that only says when it ended still began by the day it was first reported.
        "since": date_floor(edge.valid_from or edge.first_reported),
        # An inferred end (later contrary evidence) closes the bar where that evidence begins.
        "until": date_floor(edge.valid_to or edge.ended_on),
        "ended_by": edge.ended_by,
        "certainty": edge.certainty,
        "claims": edge.claims,
        "weight": edge.weight,
    }


def _claim_mark(entry: TimelineEntry) -> dict[str, Any]:
    """One dated claim of an actor's (or a place's) timeline, as a mark."""
    return {
        "id": entry.id,
        "kind": "claim",
        "subject": entry.entities[0] if entry.entities else None,
        "subject_name": None,
        "predicate": entry.label,
        "object": entry.entities[1] if len(entry.entities) > 1 else None,
        "object_name": None,
        "title": entry.detail,
        "valid_from": entry.date,
        "valid_to": None,
        "since": date_floor(entry.date),
        "until": None,
        "certainty": entry.certainty,
        "claims": [entry.id],
        "weight": len(entry.evidence),
    }


def timeline_data(conn: Connection, filters: dict[str, str]) -> dict[str, Any]:
    """Dated events and dated relations, for one actor and/or place or for the whole base.

    Events: the first page of find_events. Relations: with an actor or a place, the dated
    claims of its timeline; otherwise the dated relations among the heaviest of the network
    over the chosen dates.
    """
    actor, place = filters.get("actor"), filters.get("place")
    date_from, date_to = filters.get("from"), filters.get("to")
    events = find_events(
        conn,
        actor=actor,
        place=place,
        date_from=date_from,
        date_to=date_to,
        limit=TIMELINE_EVENTS,
    )
    data: dict[str, Any] = {
        "filters": filters,
        "actor": None,
        "actor_name": None,
        "place": None,
        "place_name": None,
        "events": [event_out(e) for e in events.events if e.date],
        "events_total": events.total,
        "events_limit": TIMELINE_EVENTS,
    }
    if actor or place:
        timeline = actor_timeline(
            conn,
            actor,
            place=place,
            date_from=date_from,
            date_to=date_to,
            limit=TIMELINE_ENTRIES,
        )
        claims = [e for e in timeline.entries if e.kind == "claim"]
        data.update(
            actor=timeline.actor,
            actor_name=timeline.actor_name,
            place=timeline.place,
            place_name=timeline.place_name,
            relations=[_claim_mark(e) for e in claims if e.precision != "published"],
            relations_seen=len(claims),
            # The claims among the timeline's first entries, not a ranking.
            relations_chosen="earliest",
            relations_complete=timeline.total <= len(timeline.entries),
        )
    else:
        network = actor_network(
            conn,
            date_from=date_from,
            date_to=date_to,
            limit=TIMELINE_RELATIONS,
            symmetric_once=True,
        )
        data.update(
            relations=[_edge_mark(e) for e in network.edges if e.valid_from or e.valid_to],
            relations_seen=len(network.edges),
            relations_chosen="heaviest",
            relations_complete=network.total_edges <= len(network.edges),
        )
    return data


FIND_ACTORS = 12
FIND_SENTENCES = 10


def find_data(conn: Connection, q: str, suggestions: list[str] | None = None) -> dict[str, Any]:
    """What the search page shows for a name that matched no actor exactly: the closest actors
    (query.find: word by word, typo-tolerant, most mentioned first) and sentences holding
    the words (query.search)."""
    if not q:
        return {"query": q, "entity": None, "actors": [], "sentences": [], "suggestions": []}
    actors = find_actors(conn, q, limit=FIND_ACTORS)
    sentences = search(conn, q, limit=FIND_SENTENCES).evidence
    return {
        "query": q,
        "entity": None,
        "actors": [asdict(a) for a in actors],
        "sentences": [asdict(s) for s in sentences],
        "suggestions": suggestions or [a.name for a in actors[:3]],
    }


def api_reference(schema: dict[str, Any]) -> dict[str, Any]:
    """The API's routes as the docs page lists them, from its OpenAPI schema."""
    routes = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, operation in methods.items():
            parameters = [
                {
                    "name": p.get("name"),
                    "in": p.get("in"),
                    "required": bool(p.get("required")),
                    "description": p.get("description") or p.get("schema", {}).get("description"),
                    "default": p.get("schema", {}).get("default"),
                }
                for p in operation.get("parameters", [])
            ]
            routes.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary"),
                    "description": operation.get("description"),
                    "tags": operation.get("tags", []),
                    "parameters": parameters,
                    "errors": sorted(
                        code for code in operation.get("responses", {}) if code >= "400"
                    ),
                }
            )
    info = schema.get("info", {})
    return {
        "title": info.get("title"),
        "summary": info.get("summary"),
        "version": info.get("version"),
        "routes": routes,
    }


def disputes_data(conn: Connection, offset: int = 0) -> dict[str, Any]:
    found = list_disputes(conn, limit=DISPUTES_PAGE, offset=offset)
    return asdict(found)


def _axis(dates: list[str]) -> tuple[int, int]:
    years = [int(d[:4]) for d in dates if d]
    return (min(years), max(years) + 1) if years else (2000, 2001)


def _strip_positions(events: list[EventLine]) -> dict[str, Any]:
    """Percent positions of dated events along a year axis, for the profile's small timeline."""
    dated = [
        {**asdict(e), "place_name": e.place, "sort_date": date_floor(e.date)}
        for e in events
        if e.date
    ]
    first, last = _axis([e["sort_date"] for e in dated])
    span = max(last - first, 1)

    def at(date: str) -> float:
        day = dt.date.fromisoformat(date)
        return 100 * (day.year - first + (day.timetuple().tm_yday - 1) / 366) / span

    ticks = [
        {"year": y, "x": round(100 * (y - first) / span, 2)}
        for y in range(first, last + 1, max(1, math.ceil(span / 8)))
    ]
    return {
        "ticks": ticks,
        "points": [{**e, "x": round(at(e["sort_date"]), 2)} for e in dated],
    }


def _bars(lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Each line's span of dates as a bar on one axis of whole years shared by the profile
    (percent positions `bar.x` and `bar.w`); returns the axis."""
    days = [d for line in lines for d in (line["first_day"], line["last_day"]) if d]
    first, last = _axis(days)
    span = max(last - first, 1)

    def at(iso: str) -> float:
        day = dt.date.fromisoformat(iso)
        return 100 * (day.year - first + (day.timetuple().tm_yday - 1) / 366) / span

    for line in lines:
        if line["first_day"] and line["last_day"]:
            x = at(line["first_day"])
            end = at(line["last_day"]) + 100 / (366 * span)  # through the end of the last day
            line["bar"] = {"x": round(x, 2), "w": round(max(end - x, 0.8), 2)}
        else:
            line["bar"] = None
    return {"from": first, "to": last}


def _by_family(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines under their family (alliance, hostility…), in the vocabulary's order."""
    words = vocabulary()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        groups[line["family"]].append(line)
    return [
        {
            "family": name,
            "label": family.label,
            "colour": family.colour,
            "lines": groups[name],
            "sentences": sum(line["sentences"] for line in groups[name]),
        }
        for name, family in words.families.items()
        if groups.get(name)
    ]


def profile_data(conn: Connection, entity_id: str) -> dict[str, Any]:
    """A profile: one line per relation and counterpart (query.profile groups the claims),
    each with its span of dates as a bar on the profile's shared axis."""
    profile = actor_profile(conn, entity_id)
    data = asdict(profile)
    axis = _bars(data["roles"] + data["relations"])
    data.update(
        axis=axis,
        families=_by_family(data["relations"]),
        strip=_strip_positions(profile.events),
    )
    return data


def document_data(conn: Connection, document_id: str) -> dict[str, Any]:
    view = document_view(conn, document_id)
    return {
        **asdict(view),
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "entity": s.mention.entity if s.mention else None,
                "entity_name": s.mention.entity_name if s.mention else None,
                "entity_type": s.mention.entity_type if s.mention else None,
            }
            for s in document_segments(view)
        ],
    }


# --- routes ------------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.query_params.get("format") == "json"


def _text(request: Request, name: str) -> str | None:
    """A query parameter, trimmed and capped; None when absent or blank."""
    value = (request.query_params.get(name) or "").strip()[:_TEXT_PARAM]
    return value or None


def _int(request: Request, name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.query_params.get(name, default))
    except ValueError:
        return default
    return min(max(value, low), high)


def _filters(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    return {name: value for name in names if (value := _text(request, name))}


def _error(
    templates: Jinja2Templates,
    request: Request,
    status: int,
    message: str,
    page: str = "",
    **extra: Any,
) -> Response:
    """An error page, or for a JSON twin the API's one error shape (web/errors.py)."""
    if _wants_json(request):
        return json_error(status, message, **extra)
    return templates.TemplateResponse(
        request, "error.html", {"message": message, "page": page}, status_code=status
    )


def _not_found(templates: Jinja2Templates, request: Request, exc: NoSuchEntity) -> Response:
    return _error(templates, request, 404, str(exc), suggestions=exc.suggestions)


def _add_security_headers(app: FastAPI) -> None:
    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers["Content-Security-Policy"] = CSP
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        return response


def register_pages(app: FastAPI, engine: Engine) -> None:
    """Add the HTML pages, their `?format=json` twins and /static to a FastAPI app."""
    templates = Jinja2Templates(
        directory=str(HERE / "templates"), context_processors=[curation_context]
    )
    templates.env.autoescape = True  # .html templates escape already; say it for every file
    templates.env.filters.update(
        partial_date=label, role=role_name, predicate_label=vocabulary().label_of
    )
    script = "window.FactionsVocabulary = " + json.dumps(vocabulary_for_pages()) + ";\n"

    @app.get("/vocabulary.js", include_in_schema=False)
    def vocabulary_script() -> Response:
        return Response(script, media_type="text/javascript")

    if not any(getattr(route, "name", None) == "static" for route in app.routes):
        app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    _add_security_headers(app)

    def page(request: Request, name: str, data: Any, **extra: Any) -> Response:
        if _wants_json(request):
            return JSONResponse(data)
        return templates.TemplateResponse(request, name, {"data": data, **extra})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request) -> Response:
        with engine.connect() as conn:
            data = overview_data(conn)
        return page(request, "overview.html", data, page="overview")

    @app.get("/actors/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def actor(request: Request, entity_id: str) -> Response:
        with engine.connect() as conn:
            try:
                data = profile_data(conn, entity_id)
            except NoSuchEntity as exc:
                return _not_found(templates, request, exc)
        return page(request, "actor.html", data, page="actor")

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network(request: Request) -> Response:
        as_of = _text(request, "as_of")
        limit = _int(request, "limit", NETWORK_LIMIT, 1, MAX_NETWORK_LIMIT)
        with engine.connect() as conn:
            if not _wants_json(request):
                first, last = knowledge_base_dates(conn)
                return templates.TemplateResponse(
                    request,
                    "network.html",
                    {
                        "page": "network",
                        "first": date_floor(first) or "",
                        "last": date_floor(last) or "",
                        "as_of": as_of or "",
                        "limit": limit,
                    },
                )
            predicates = request.query_params.getlist("predicate") or None
            try:
                data = network_data(
                    conn,
                    as_of=as_of,
                    predicates=predicates,
                    min_certainty=_text(request, "min_certainty"),
                    limit=limit,
                )
            except BadQuery as exc:
                return _error(templates, request, 422, str(exc))
        return JSONResponse(data)

    map_filters = ("type", "actor", "place", "from", "to", "min_certainty")

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def event_map(request: Request) -> Response:
        filters = _filters(request, map_filters)
        limit = _int(request, "limit", MAP_LIMIT, 1, MAP_LIMIT)
        if not _wants_json(request):
            return templates.TemplateResponse(
                request, "map.html", {"page": "map", "filters": filters, "limit": limit}
            )
        with engine.connect() as conn:
            try:
                data = map_data(conn, filters, limit)
            except NoSuchEntity as exc:
                return _not_found(templates, request, exc)
            except BadQuery as exc:
                return _error(templates, request, 422, str(exc))
        return JSONResponse(data)

    timeline_filters = ("actor", "place", "from", "to")

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline(request: Request) -> Response:
        filters = _filters(request, timeline_filters)
        if not _wants_json(request):
            twin = "/timeline?" + urlencode({**filters, "format": "json"})
            return templates.TemplateResponse(
                request,
                "timeline.html",
                {"page": "timeline", "filters": filters, "twin": twin},
            )
        with engine.connect() as conn:
            try:
                data = timeline_data(conn, filters)
            except NoSuchEntity as exc:
                return _not_found(templates, request, exc)
            except BadQuery as exc:
                return _error(templates, request, 422, str(exc))
        return JSONResponse(data)

    @app.get("/disputes", response_class=HTMLResponse, include_in_schema=False)
    def disputes(request: Request) -> Response:
        offset = _int(request, "offset", 0, 0, 10_000_000)
        with engine.connect() as conn:
            data = disputes_data(conn, offset)
        return page(request, "disputes.html", data, page="disputes")

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document(request: Request, document_id: str) -> Response:
        with engine.connect() as conn:
            try:
                data = document_data(conn, document_id)
            except NoSuchDocument as exc:
                return _error(templates, request, 404, str(exc))
        return page(request, "document.html", data, page="document")

    @app.get("/find", include_in_schema=False)
    def find(request: Request) -> Response:
        """The search box: straight to a profile on a name match, else the closest actors
        (typo-tolerant, most mentioned first) and the sentences holding the words."""
        q = _text(request, "q") or ""
        with engine.connect() as conn:
            if not q:
                return page(request, "find.html", find_data(conn, q), page="find")
            try:
                entity_id = find_entity_id(conn, q)
            except NoSuchEntity as exc:
                data = find_data(conn, q, exc.suggestions)
                return page(request, "find.html", data, page="find")
        if _wants_json(request):
            return JSONResponse({"query": q, "entity": entity_id})
        return RedirectResponse(f"/actors/{quote(entity_id, safe='')}", status_code=303)

    @app.get("/claims", response_class=HTMLResponse, include_in_schema=False)
    def sentences(request: Request) -> Response:
        """The sentences behind some claims (a network edge's, a timeline bar's), each once."""
        ids = request.query_params.getlist("id")[:MAX_CLAIM_IDS]
        with engine.connect() as conn:
            data = {"claims": ids, "sentences": [asdict(s) for s in claims_by_sentence(conn, ids)]}
        return page(request, "claims.html", data, page="claims")

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> Response:
        """The API's reference, read from its OpenAPI schema and drawn by our own template
        (the stock Swagger page loads its scripts from a CDN, which the CSP forbids)."""
        data = api_reference(app.openapi())
        return page(request, "docs.html", data, page="docs")

    register_curation(app, engine, templates)
