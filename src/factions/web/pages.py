"""The analysts' pages: server-rendered HTML over the query layer, each with a JSON twin.

Every page answers `?format=json` with the data it draws, so what a reader sees can be fetched
by a script. Article text is untrusted: templates autoescape, scripts build DOM nodes with
textContent, and a Content-Security-Policy forbids inline script on every page.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine

from factions.export.jsonl import claim_rows, dispute_rows, document_rows, entity_rows, event_rows
from factions.query.documents import NoSuchDocument, document_segments, document_view
from factions.query.lookup import NoSuchEntity
from factions.query.profile import actor_profile, find_entity_id
from factions.query.summary import knowledge_base_summary
from factions.resolve import canonical_map

HERE = Path(__file__).parent
ACTOR_TYPES = ("armed_group", "state_force", "organization", "person")
# Predicates that say who holds which post; the profile lists them as a dated history.
ROLE_PREDICATES = (
    "leader_of",
    "commander_of",
    "founder_of",
    "spokesperson_of",
    "member_of",
    "director_of",
)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# --- dates -------------------------------------------------------------------------------------


def date_floor(value: str | None) -> str | None:
    """The first day a partial date can mean ('199' -> 1990-01-01, '2017-W04' -> its Monday)."""
    if not value:
        return None
    week = _WEEK.match(value)
    if week:
        try:
            return dt.date.fromisocalendar(int(week[1]), max(int(week[2]), 1), 1).isoformat()
        except ValueError:
            return f"{week[1]}-01-01"
    if len(value) == 3 and value.isdigit():
        return f"{value}0-01-01"
    if len(value) == 4:
        return f"{value}-01-01"
    if len(value) == 7:
        return f"{value}-01"
    return value[:10]


def partial_date(value: str | None) -> str | None:
    """A stored partial date as a reader says it ('199' -> 1990s); others unchanged."""
    if value and len(value) == 3 and value.isdigit():
        return f"{value}0s"
    return value


def role_name(predicate: str) -> str:
    """'leader_of' -> 'leader': the post, for lines read from the organisation's side."""
    return predicate.removesuffix("_of").replace("_", " ")


# --- page data (what each page draws, and its JSON twin) ---------------------------------------


def _entities(conn: Connection, canonical: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in entity_rows(conn, canonical)}


def _documents(conn: Connection) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in document_rows(conn)}


def _evidence_out(items: list[dict], documents: dict[str, dict[str, Any]]) -> list[dict]:
    return [
        {
            **item,
            "title": documents.get(item["document"], {}).get("title"),
            "published": documents.get(item["document"], {}).get("published"),
        }
        for item in items
    ]


def overview_data(conn: Connection) -> dict[str, Any]:
    summary = knowledge_base_summary(conn, top=10)
    canonical = canonical_map(conn)
    entities = _entities(conn, canonical)
    events = sorted(
        event_rows(conn, canonical), key=lambda e: date_floor(e["date"]) or "", reverse=True
    )
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
        "latest_events": [_event_out(e, entities, {}) for e in events if e["date"] is not None][:8],
        "disputes": _disputes(conn, canonical, entities)[:6],
        "documents": sorted(
            _documents(conn).values(), key=lambda d: d["published"] or "", reverse=True
        ),
    }


def _event_out(
    event: dict[str, Any],
    entities: dict[str, dict[str, Any]],
    documents: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    place = entities.get(event["place"] or "", {})
    fatalities = event["fatalities"] or {}
    return {
        "id": event["id"],
        "event_type": event["event_type"],
        "sub_event_type": event["sub_event_type"],
        "date": event["date"],
        "sort_date": date_floor(event["date"]),
        "place": event["place"],
        "place_name": place.get("name"),
        "lat": place.get("lat"),
        "lon": place.get("lon"),
        "geo_precision": event["geo_precision"] or place.get("geo_precision"),
        "fatalities": fatalities.get("best") or fatalities.get("high") or fatalities.get("low"),
        "certainty": event["certainty"],
        "participants": [
            {
                "id": p["entity"],
                "name": entities.get(p["entity"], {}).get("name", p["entity"]),
                "role": p["role"],
            }
            for p in event["participants"]
        ],
        "evidence": _evidence_out(event["evidence"], documents),
    }


def events_data(conn: Connection) -> list[dict[str, Any]]:
    canonical = canonical_map(conn)
    entities = _entities(conn, canonical)
    documents = _documents(conn)
    return [_event_out(e, entities, documents) for e in event_rows(conn, canonical)]


def _claim_out(
    claim: dict[str, Any],
    entities: dict[str, dict[str, Any]],
    documents: dict[str, dict[str, Any]],
) -> dict[str, Any]:
    evidence = _evidence_out(claim["evidence"], documents)
    reported = min((e["published"] for e in evidence if e["published"]), default=None)
    # An undated claim holds at least from the day it was reported.
    when = claim["valid_from"] or reported
    return {
        "id": claim["id"],
        "subject": claim["subject"],
        "subject_name": entities.get(claim["subject"], {}).get("name", claim["subject"]),
        "predicate": claim["predicate"],
        "object": claim.get("object"),
        "object_name": entities.get(claim.get("object") or "", {}).get("name"),
        "value": claim.get("value"),
        "valid_from": claim["valid_from"],
        "valid_to": claim["valid_to"],
        "since": date_floor(when),
        "until": date_floor(claim["valid_to"]),
        "certainty": claim["certainty"],
        "polarity": claim["polarity"],
        "speaker": entities.get(claim["attributed_to"] or "", {}).get("name"),
        "evidence": evidence,
    }


def network_data(conn: Connection) -> dict[str, Any]:
    """Actors and the relations between them, one edge per (subject, predicate, object)."""
    canonical = canonical_map(conn)
    entities = _entities(conn, canonical)
    documents = _documents(conn)
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for claim in claim_rows(conn, canonical):
        source, target = claim["subject"], claim.get("object")
        if target is None or source == target:
            continue
        if {entities.get(source, {}).get("type"), entities.get(target, {}).get("type")} - set(
            ACTOR_TYPES
        ):
            continue
        key = (source, claim["predicate"], target)
        edge = edges.setdefault(
            key,
            {
                "id": "e-" + "-".join(key),
                "source": source,
                "target": target,
                "predicate": claim["predicate"],
                "claims": [],
            },
        )
        edge["claims"].append(_claim_out(claim, entities, documents))
    for edge in edges.values():
        grades = [c["certainty"] for c in edge["claims"]]
        edge["asserted"] = any(
            c["certainty"] == "asserted" and c["polarity"] for c in edge["claims"]
        )
        edge["certainty"] = "asserted" if edge["asserted"] else grades[0]
        edge["since"] = min((c["since"] for c in edge["claims"] if c["since"]), default=None)
    used = {e["source"] for e in edges.values()} | {e["target"] for e in edges.values()}
    nodes = [
        {"id": i, "name": entities[i]["name"], "type": entities[i]["type"]}
        for i in sorted(used)
        if i in entities
    ]
    dates = sorted({c["since"] for e in edges.values() for c in e["claims"] if c["since"]})
    return {"nodes": nodes, "edges": list(edges.values()), "dates": dates}


def timeline_data(conn: Connection) -> dict[str, Any]:
    """Dated events and dated relation changes, ready to lay out on one time axis."""
    canonical = canonical_map(conn)
    entities = _entities(conn, canonical)
    documents = _documents(conn)
    events = [e for e in events_data(conn) if e["sort_date"]]
    changes = [
        _claim_out(c, entities, documents)
        for c in claim_rows(conn, canonical)
        if c["valid_from"] or c["valid_to"]
    ]
    return {"events": events, "relations": changes}


def _disputes(
    conn: Connection, canonical: dict[str, str], entities: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    documents = _documents(conn)
    claims = {c["id"]: c for c in claim_rows(conn, canonical)}
    found = []
    for dispute in dispute_rows(conn):
        subject = canonical.get(dispute["subject"], dispute["subject"])
        found.append(
            {
                "id": dispute["id"],
                "subject": subject,
                "subject_name": entities.get(subject, {}).get("name", subject),
                "reason": dispute["reason"],
                "claims": [
                    _claim_out(claims[c], entities, documents)
                    for c in dispute["claims"]
                    if c in claims
                ],
            }
        )
    return found


def disputes_data(conn: Connection) -> list[dict[str, Any]]:
    canonical = canonical_map(conn)
    return _disputes(conn, canonical, _entities(conn, canonical))


def _axis(dates: list[str]) -> tuple[int, int]:
    years = [int(d[:4]) for d in dates if d]
    return (min(years), max(years) + 1) if years else (2000, 2001)


def _strip_positions(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Percent positions of dated events along a year axis, for the profile's small timeline."""
    dated = [e for e in events if e.get("sort_date")]
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


def profile_data(conn: Connection, entity_id: str) -> dict[str, Any]:
    profile = actor_profile(conn, entity_id)
    data = asdict(profile)
    roles = sorted(
        (c for c in data["claims"] if c["predicate"] in ROLE_PREDICATES),
        key=lambda c: date_floor(c["valid_from"]) or "9999",
    )
    grouped: dict[str, list[dict]] = defaultdict(list)
    for claim in data["claims"]:
        if claim["predicate"] not in ROLE_PREDICATES:
            grouped[claim["predicate"]].append(claim)
    events = [e for e in events_data(conn) if any(p["id"] == profile.id for p in e["participants"])]
    data.update(
        roles=roles,
        relations=dict(sorted(grouped.items())),
        located_events=[e for e in events if e["lat"] is not None],
        strip=_strip_positions(events),
        undated_events=[e for e in events if not e["sort_date"]],
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


def _not_found(templates: Jinja2Templates, request: Request, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"error": {"status": 404, "message": message}}, status_code=404)
    return templates.TemplateResponse(
        request, "error.html", {"message": message, "page": ""}, status_code=404
    )


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
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True  # .html templates escape already; say it for every file
    templates.env.filters.update(partial_date=partial_date, role=role_name)
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
                return _not_found(templates, request, str(exc))
        return page(request, "actor.html", data, page="actor")

    @app.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network(request: Request) -> Response:
        if not _wants_json(request):
            return templates.TemplateResponse(request, "network.html", {"page": "network"})
        with engine.connect() as conn:
            return JSONResponse(network_data(conn))

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    def event_map(request: Request) -> Response:
        if not _wants_json(request):
            return templates.TemplateResponse(request, "map.html", {"page": "map"})
        with engine.connect() as conn:
            return JSONResponse({"events": events_data(conn)})

    @app.get("/timeline", response_class=HTMLResponse, include_in_schema=False)
    def timeline(request: Request) -> Response:
        if not _wants_json(request):
            return templates.TemplateResponse(request, "timeline.html", {"page": "timeline"})
        with engine.connect() as conn:
            return JSONResponse(timeline_data(conn))

    @app.get("/disputes", response_class=HTMLResponse, include_in_schema=False)
    def disputes(request: Request) -> Response:
        with engine.connect() as conn:
            data = disputes_data(conn)
        return page(request, "disputes.html", data, page="disputes")

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document(request: Request, document_id: str) -> Response:
        with engine.connect() as conn:
            try:
                data = document_data(conn, document_id)
            except NoSuchDocument as exc:
                return _not_found(templates, request, str(exc))
        return page(request, "document.html", data, page="document")

    @app.get("/find", include_in_schema=False)
    def find(request: Request, q: str = "") -> Response:
        """The search box: straight to a profile on a name match, else suggestions."""
        with engine.connect() as conn:
            try:
                entity_id = find_entity_id(conn, q.strip())
            except NoSuchEntity as exc:
                data = {"query": q, "suggestions": exc.suggestions}
                return page(request, "find.html", data, page="")
        if _wants_json(request):
            return JSONResponse({"query": q, "entity": entity_id})
        return RedirectResponse(f"/actors/{entity_id}", status_code=303)
