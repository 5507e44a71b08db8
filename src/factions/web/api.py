"""The read-only HTTP API over factions.query: the same answers as the command line, as JSON.

`create_app(db_path)` builds the app over a knowledge base opened read-only (writable for
analysts' judgements with `write`: web/curation.py); `factions serve` runs it on 127.0.0.1.
Every error, here and in the pages' JSON twins, is
`{"error": {"code": ..., "message": ...}}`: 404 for an unknown actor or place (with
suggestions), 422 for a parameter the query cannot use, 400 for a Host header the server does
not answer to, 401 without the access token when one is set (web/access.py). HEAD is answered
wherever GET is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Connection, Engine
from starlette.exceptions import HTTPException as StarletteHTTPException

from factions.curate.access import stored_write_token
from factions.query.actors import ActorPage, list_actors
from factions.query.claims import ClaimDetail, claims_by_id
from factions.query.common import BadQuery
from factions.query.disputes import DisputePage, list_disputes
from factions.query.events import EventPage, EventRow, event_by_id, find_events
from factions.query.lookup import NoSuchEntity
from factions.query.network import Network, actor_network
from factions.query.profile import Profile, actor_profile
from factions.query.search import SearchResult, search
from factions.query.sources import SourceReport, source_breakdown
from factions.query.summary import Summary, knowledge_base_summary
from factions.query.timeline import Timeline, actor_timeline
from factions.store import StoreError, default_db_path, open_database
from factions.web.access import LOCAL_HOSTS, AccessGuard, HeadAsGet, allowed_hosts_for
from factions.web.curation import WriteMode
from factions.web.errors import json_error
from factions.web.pages import register_pages

# How `factions serve` hands its settings to the app it starts by name (besides FACTIONS_DB).
TOKEN_ENV = "FACTIONS_TOKEN"
BIND_HOST_ENV = "FACTIONS_BIND_HOST"
ALLOW_HOSTS_ENV = "FACTIONS_ALLOW_HOSTS"
# "1" opens the knowledge base writable, for judgements made with the stored write token.
WRITE_ENV = "FACTIONS_WRITE"

MAX_PAGE = 500
# A network of more edges than this is unreadable in any viewer; exports have no limit.
MAX_EDGES = 5000
Limit = Annotated[int, Query(ge=0, le=MAX_PAGE, description="At most this many rows.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Skip this many rows first.")]
DateParam = Annotated[
    str | None,
    Query(
        max_length=10,
        description="A partial ISO date: 2015, 2015-11 or 2015-11-14 (also 199 for the 1990s, "
        "2015-W47 for a week). An impossible date is refused with 400.",
    ),
]
Certainty = Annotated[
    str | None,
    Query(
        description="Weakest certainty grade to keep (asserted, attributed, reported, alleged, "
        "claimed, unconfirmed, denied, speculative).",
        max_length=16,
    ),
]
Text = Annotated[str | None, Query(max_length=200)]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No entity matches; the message suggests close names."},
    422: {"description": "A parameter the query cannot use."},
}


def _linked(**links: tuple[str, dict[str, str]]) -> dict[int | str, dict[str, Any]]:
    """Error responses plus OpenAPI links from a 200 answer to the operations its ids open
    (an actor's profile from a listing, an event from a page of events): a client, or
    schemathesis in stateful mode, can follow them."""
    return {
        **ERROR_RESPONSES,
        200: {
            "description": "Successful Response",
            "links": {
                name: {"operationId": operation, "parameters": parameters}
                for name, (operation, parameters) in links.items()
            },
        },
    }


def _connection(request: Request) -> Iterator[Connection]:
    with request.app.state.engine.connect() as conn:
        yield conn


Conn = Annotated[Connection, Depends(_connection)]


def _error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    return json_error(status, message, code, **extra)


def app_from_environment() -> FastAPI:
    """The app over the knowledge base named by $FACTIONS_DB: the factory `factions serve`
    hands to uvicorn by name, so that the command line never imports the web package. The
    host it was bound to, the extra allowed hosts and the token come the same way."""
    extra = [h for h in os.environ.get(ALLOW_HOSTS_ENV, "").split(",") if h.strip()]
    return create_app(
        os.environ.get("FACTIONS_DB") or None,
        allowed_hosts=allowed_hosts_for(os.environ.get(BIND_HOST_ENV, "127.0.0.1"), extra),
        token=os.environ.get(TOKEN_ENV) or None,
        write=os.environ.get(WRITE_ENV) == "1",
    )


def create_app(
    db_path: str | None = None,
    *,
    allowed_hosts: Iterable[str] | None = LOCAL_HOSTS,
    token: str | None = None,
    write: bool = False,
) -> FastAPI:
    """The API over one knowledge base, which must exist and is opened read-only (a server
    never creates or upgrades one). Requests must name one of `allowed_hosts` (None: any) and,
    when `token` is set, carry it. With `write`, it is opened writable for analysts'
    judgements, made with the write token `factions serve --write` stored (web/curation.py)."""
    path = db_path or default_db_path()
    engine: Engine = (
        open_database(path, create=False) if write else open_database(path, read_only=True)
    )
    mode = None
    if write:
        with engine.connect() as conn:
            stored = stored_write_token(conn)
        if stored is None:
            raise StoreError(
                f"{path}: no write token stored: start a writable server with "
                "`factions serve --write`"
            )
        mode = WriteMode(stored)
    app = FastAPI(
        title="factions",
        summary="An evidence-backed, time-aware knowledge base of armed actors "
        "(read-only unless served with --write).",
        version="1",
        # The stock Swagger and ReDoc pages load their scripts from a CDN, which the pages' CSP
        # (and working offline) forbids: /docs is our own page (web/pages.py).
        docs_url=None,
        redoc_url=None,
    )
    app.state.engine = engine
    # Set before the pages, which read it on every request to show the analysts' buttons.
    app.state.write = mode
    register_pages(app, engine)
    # The last added runs first: the Host and token checks come before anything else.
    app.add_middleware(HeadAsGet)
    app.add_middleware(AccessGuard, allowed_hosts=allowed_hosts, token=token)

    @app.exception_handler(NoSuchEntity)
    async def _no_such_entity(_request: Request, exc: NoSuchEntity) -> JSONResponse:
        return _error(404, "not_found", str(exc), suggestions=exc.suggestions)

    @app.exception_handler(BadQuery)
    async def _bad_query(_request: Request, exc: BadQuery) -> JSONResponse:
        return _error(422, "invalid_parameter", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(422, "invalid_parameter", problems or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return json_error(exc.status_code, str(exc.detail), headers=exc.headers)

    @app.get("/api/stats", response_model=Summary, tags=["knowledge base"], operation_id="stats")
    def stats(conn: Conn) -> Summary:
        """Counts of canonical documents, actors, places, events, claims and disputes."""
        return knowledge_base_summary(conn)

    @app.get(
        "/api/actors",
        response_model=ActorPage,
        tags=["actors"],
        operation_id="actors",
        responses=_linked(
            FirstActor=("actor", {"name_or_id": "$response.body#/actors/0/id"}),
            FirstActorTimeline=("timeline", {"actor": "$response.body#/actors/0/id"}),
        ),
    )
    def actors(
        conn: Conn,
        q: Text = None,
        type: Annotated[str | None, Query(max_length=32)] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> ActorPage:
        """Actors whose name or an alias contains `q`, most mentioned first."""
        return list_actors(conn, q, type=type, limit=limit, offset=offset)

    @app.get(
        "/api/actors/{name_or_id}",
        response_model=Profile,
        responses=_linked(
            Events=("events", {"actor": "$response.body#/id"}),
            Timeline=("timeline", {"actor": "$response.body#/id"}),
            Disputes=("disputes", {"actor": "$response.body#/id"}),
            Network=("network", {"as_of": "$response.body#/first_seen"}),
        ),
        tags=["actors"],
        operation_id="actor",
    )
    def actor(
        conn: Conn, name_or_id: Annotated[str, Path(min_length=1, max_length=200)]
    ) -> Profile:
        """An actor's profile: aliases, claims and events with the sentences behind them."""
        try:
            return actor_profile(conn, name_or_id)
        except NoSuchEntity as exc:
            raise NoSuchEntity(exc.name, exc.suggestions, "actor") from exc

    @app.get(
        "/api/network",
        response_model=Network,
        responses=_linked(
            HeaviestEdgeClaims=("claims", {"id": "$response.body#/edges/0/claims/0"}),
            FirstActor=("actor", {"name_or_id": "$response.body#/nodes/0/id"}),
        ),
        tags=["network"],
        operation_id="network",
    )
    def network(
        conn: Conn,
        as_of: DateParam = None,
        date_from: Annotated[DateParam, Query(alias="from")] = None,
        date_to: Annotated[DateParam, Query(alias="to")] = None,
        predicate: Annotated[
            list[str] | None, Query(description="Relations to keep, e.g. ally_of,fights.")
        ] = None,
        min_certainty: Certainty = None,
        limit: Annotated[
            int, Query(ge=0, le=MAX_EDGES, description="At most this many edges, heaviest first.")
        ] = 250,
    ) -> Network:
        """Actors and relation claims valid at a date (`as_of`) or over an interval."""
        return actor_network(
            conn,
            as_of=as_of,
            date_from=date_from,
            date_to=date_to,
            predicates=predicate,
            min_certainty=min_certainty,
            limit=limit,
        )

    @app.get(
        "/api/timeline",
        response_model=Timeline,
        responses=ERROR_RESPONSES,
        tags=["events"],
        operation_id="timeline",
    )
    def timeline(
        conn: Conn,
        actor: Text = None,
        place: Text = None,
        date_from: Annotated[DateParam, Query(alias="from")] = None,
        date_to: Annotated[DateParam, Query(alias="to")] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Timeline:
        """Events and claims of an actor and/or at a place (of everything when neither is
        given), in date order."""
        return actor_timeline(
            conn,
            actor,
            place=place,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        )

    @app.get(
        "/api/events",
        response_model=EventPage,
        responses=_linked(
            FirstEvent=("event", {"event_id": "$response.body#/events/0/id"}),
        ),
        tags=["events"],
        operation_id="events",
    )
    def events(
        conn: Conn,
        type: Text = None,
        actor: Text = None,
        place: Text = None,
        date_from: Annotated[DateParam, Query(alias="from")] = None,
        date_to: Annotated[DateParam, Query(alias="to")] = None,
        min_certainty: Certainty = None,
        limit: Limit = 50,
        offset: Offset = 0,
        newest_first: Annotated[bool, Query(description="Newest events first.")] = False,
    ) -> EventPage:
        """Events by type, actor, place (a province or country includes all inside), dates."""
        return find_events(
            conn,
            event_type=type,
            actor=actor,
            place=place,
            date_from=date_from,
            date_to=date_to,
            min_certainty=min_certainty,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
        )

    @app.get(
        "/api/events/{event_id}",
        response_model=EventRow,
        responses=ERROR_RESPONSES,
        tags=["events"],
        operation_id="event",
    )
    def event(conn: Conn, event_id: Annotated[str, Path(max_length=64)]) -> EventRow | JSONResponse:
        """One event with its participants and every sentence reporting it."""
        found = event_by_id(conn, event_id)
        if found is None:
            return _error(404, "not_found", f"no event '{event_id}'")
        return found

    @app.get(
        "/api/claims", response_model=list[ClaimDetail], tags=["claims"], operation_id="claims"
    )
    def claims(
        conn: Conn,
        ids: Annotated[
            list[str],
            Query(
                alias="id",
                min_length=1,
                max_length=MAX_PAGE,
                description="Claim ids, repeated: id=…&id=…",
            ),
        ],
    ) -> list[ClaimDetail]:
        """Claims by id, as a network edge or a timeline lists them: each with its speaker, its
        source and its sentences. Unknown ids are left out."""
        found = claims_by_id(conn, ids)
        return [found[i] for i in dict.fromkeys(ids) if i in found]

    @app.get(
        "/api/disputes",
        response_model=DisputePage,
        responses=ERROR_RESPONSES,
        tags=["disputes"],
        operation_id="disputes",
    )
    def disputes(
        conn: Conn, actor: Text = None, limit: Limit = 50, offset: Offset = 0
    ) -> DisputePage:
        """Claims that cannot all be true, side by side, with speakers and sources."""
        return list_disputes(conn, actor, limit=limit, offset=offset)

    @app.get(
        "/api/search",
        response_model=SearchResult,
        tags=["search"],
        operation_id="search",
        responses=_linked(
            FirstEntity=("actor", {"name_or_id": "$response.body#/entities/0/id"}),
        ),
    )
    def search_route(
        conn: Conn,
        q: Annotated[str, Query(min_length=1, max_length=200)],
        limit: Annotated[int, Query(ge=0, le=100)] = 20,
    ) -> SearchResult:
        """Full-text search over the evidence sentences, and names with typo tolerance."""
        return search(conn, q, limit=limit)

    @app.get("/api/sources", response_model=SourceReport, tags=["sources"], operation_id="sources")
    def sources(conn: Conn) -> SourceReport:
        """Claims per speaker and per outlet, by certainty grade."""
        return source_breakdown(conn)

    return app
