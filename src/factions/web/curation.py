"""Analysts' judgements over HTTP: the write routes, the login, and the review page.

A server is read-only unless started with `factions serve --write`, which stores the hash of a
new write token and its owner's name (curate/access.py) and prints the token once. On a
read-only server every write route answers 403 (`read_only`).

On a writable server a write route needs the token, either

- as `Authorization: Bearer TOKEN` (scripts): a browser never sends that header on its own, so
  no other site can make it, and no CSRF token is asked for; or
- through a session (browsers): `POST /login` with the token sets an HttpOnly, SameSite=Strict
  session cookie, and every write then also needs the session's CSRF token, which the pages
  embed in each form (field `csrf`) and scripts send as `X-CSRF-Token`. A cookie alone is
  refused (403 `csrf_token`), so a page elsewhere cannot write by posting a form here.

Every judgement is recorded with `curate.judge` (a reason is required) under the token owner's
name. Forms post urlencoded fields and are redirected back to the page they came from; JSON
bodies are answered with the judgements made.
"""

from __future__ import annotations

import hmac
import json
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import Connection, Engine

from factions.curate.access import WriteToken
from factions.curate.judge import JudgementError, judge, judgement_lines
from factions.curate.review import ReviewItem, review_queue
from factions.query.claims import ClaimDetail, claims_by_id
from factions.query.common import Canon
from factions.store import writing
from factions.store.judgements import correctable_fields
from factions.vocabulary import vocabulary
from factions.web.errors import json_error

SESSION_COOKIE = "factions_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
# What the web can decide; each is one `curate.judge` kind.
WRITE_KINDS = (
    "merge",
    "never-merge",
    "accept",
    "reject",
    "correct",
    "close-dispute",
    "undo",
    "rename",
    "retype",
)
# Kinds that may name several targets at once (a profile line's claims).
MANY_TARGETS = {"accept", "reject"}
MAX_TARGETS = 200
MAX_BODY = 64_000
REVIEW_PAGE = 60
RECENT_JUDGEMENTS = 30


@dataclass
class Session:
    owner: str
    csrf: str


@dataclass
class WriteMode:
    """A writable server's token (its hash and owner) and the browser sessions opened with it
    (in memory: a restart, which prints a new token, logs everyone out)."""

    token: WriteToken
    sessions: dict[str, Session] = field(default_factory=dict)

    def log_in(self, presented: str | None) -> tuple[str, Session] | None:
        owner = self.token.owner_of(presented)
        if owner is None:
            return None
        key = secrets.token_urlsafe(32)
        self.sessions[key] = Session(owner, secrets.token_urlsafe(32))
        return key, self.sessions[key]

    def session_of(self, request: Request) -> Session | None:
        key = request.cookies.get(SESSION_COOKIE)
        return self.sessions.get(key) if key else None


def write_mode(request: Request) -> WriteMode | None:
    return getattr(request.app.state, "write", None)


def curation_context(request: Request) -> dict[str, Any]:
    """What every page needs to show (or hide) the analysts' buttons."""
    mode = write_mode(request)
    session = mode.session_of(request) if mode else None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {
        "writable": mode is not None,
        "analyst": session.owner if session else None,
        "csrf": session.csrf if session else None,
        "here": here,
        "correctable": {kind: list(correctable_fields(kind)) for kind in ("event", "claim")},
    }


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _bearer(request: Request) -> str | None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else None


def authorise(request: Request, fields: dict[str, list[str]]) -> str:
    """The name a write is made under, or Refused: read-only server (403), no or a wrong token
    (401), a session without its CSRF token (403)."""
    mode = write_mode(request)
    if mode is None:
        raise Refused(
            403,
            "read_only",
            "this server is read-only: start it with `factions serve --write` to record judgements",
        )
    bearer = _bearer(request)
    if bearer is not None:
        owner = mode.token.owner_of(bearer)
        if owner is None:
            raise Refused(401, "bad_token", "the write token is wrong (see `factions serve`)")
        return owner
    session = mode.session_of(request)
    if session is None:
        raise Refused(
            401,
            "unauthorized",
            "writing needs the write token: send 'Authorization: Bearer TOKEN' or log in at /login",
        )
    presented = request.headers.get(CSRF_HEADER) or _one(fields, CSRF_FIELD)
    if not presented or not hmac.compare_digest(presented.encode(), session.csrf.encode()):
        raise Refused(
            403,
            "csrf_token",
            f"a browser write needs the page's CSRF token (form field '{CSRF_FIELD}' or "
            "header 'X-CSRF-Token')",
        )
    return session.owner


def _one(fields: dict[str, list[str]], name: str) -> str | None:
    values = fields.get(name) or []
    value = values[0].strip() if values and values[0] is not None else ""
    return value or None


async def read_fields(request: Request) -> tuple[dict[str, list[str]], bool]:
    """The request's fields as lists of strings, and whether it came as JSON."""
    body = await request.body()
    if len(body) > MAX_BODY:
        raise Refused(413, "too_large", "the request body is too large")
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            raw = json.loads(body or b"{}")
        except json.JSONDecodeError as exc:
            raise Refused(400, "bad_request", f"the body is not JSON ({exc.msg})") from exc
        if not isinstance(raw, dict):
            raise Refused(400, "bad_request", "the body is a JSON object")
        fields: dict[str, list[str]] = {}
        for name, value in raw.items():
            values = value if isinstance(value, list) else [value]
            fields[name] = ["" if v is None else str(v) for v in values]
        return fields, True
    return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True), False


def _safe_next(target: str | None) -> str:
    """A page of this site to go back to (never another site's)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/review"
    return target


def _arguments(kind: str, fields: dict[str, list[str]]) -> list[tuple[str, dict[str, Any]]]:
    """(target, keyword arguments of `judge`) for each judgement a request asks for."""
    targets = [t.strip() for t in fields.get("target", []) if t and t.strip()]
    if not targets:
        raise JudgementError("name the record or entity to judge (field 'target')")
    if len(targets) > 1 and kind not in MANY_TARGETS:
        raise JudgementError(f"a {kind} judgement names one target")
    targets = list(dict.fromkeys(targets))[:MAX_TARGETS]
    kwargs: dict[str, Any] = {"why": _one(fields, "why") or ""}
    if kind in ("merge", "never-merge"):
        kwargs["other"] = _one(fields, "other")
        if not kwargs["other"]:
            raise JudgementError(f"a {kind} judgement names the other entity (field 'other')")
        if kwargs["other"] == targets[0]:
            raise JudgementError("an entity cannot be judged against itself")
    elif kind == "correct":
        kwargs["value"] = {"field": _one(fields, "field"), "value": _one(fields, "value")}
    elif kind == "close-dispute":
        kwargs["value"] = {"reading": _one(fields, "reading"), "note": _one(fields, "note") or ""}
    elif kind == "rename":
        kwargs["value"] = {"name": _one(fields, "name")}
        if not kwargs["value"]["name"]:
            raise JudgementError("a rename needs the new name (field 'name')")
    elif kind == "retype":
        kwargs["value"] = {"type": _one(fields, "type")}
    return [(t, kwargs) for t in targets]


def _reading(claim: ClaimDetail) -> str:
    """A claim in words, as a dispute's possible reading: who says what, where."""
    what = claim.object_name or claim.value or ""
    said = f"{claim.subject_name} {'not ' if not claim.polarity else ''}"
    said += f"{vocabulary().label_of(claim.predicate)} {what}".strip()
    source = claim.speaker or claim.outlet or claim.title
    return f"{said} ({source})" if source else said


def _review_item(conn: Connection, canon: Canon, item: ReviewItem) -> dict[str, Any]:
    out = asdict(item)
    if item.kind in ("duplicate", "mixed-type"):
        out["names"] = [canon.name(i) or i for i in item.ids]
    if item.kind == "dispute":
        claims = claims_by_id(conn, list(item.ids[1:]))
        out["readings"] = [(c, _reading(claims[c])) for c in item.ids[1:] if c in claims]
    return out


def review_data(engine: Engine, limit: int = REVIEW_PAGE) -> dict[str, Any]:
    """The first `limit` items of the review queue, with names and readings for the buttons,
    and the latest judgements, newest first."""
    with engine.connect() as conn:
        queue = review_queue(conn)
        canon = Canon(conn)
        items = [_review_item(conn, canon, item) for item in queue[:limit]]
        recent = list(reversed(judgement_lines(conn)[-RECENT_JUDGEMENTS:]))
        for row in recent:
            if row["target_kind"] == "entity":
                row["target_name"] = canon.name(row["target"]) or row["target"]
                if row["other"]:
                    row["target_name"] += f" / {canon.name(row['other']) or row['other']}"
            else:
                row["target_name"] = f"a {row['target_kind']}"
    return {
        "total": len(queue),
        "items": items,
        "judgements": recent,
        "fields": {kind: list(correctable_fields(kind)) for kind in ("event", "claim")},
        "event_types": list(vocabulary().event_types),
        "entity_types": list(vocabulary().entity_types),
    }


def register_curation(app: FastAPI, engine: Engine, templates: Jinja2Templates) -> None:
    """Add the login, the review page and the write routes to an app."""

    def refused(request: Request, exc: Refused, as_json: bool) -> Response:
        if as_json:
            return json_error(exc.status, exc.message, exc.code)
        return templates.TemplateResponse(
            request,
            "error.html",
            {"message": exc.message, "page": "error", "heading": "Not recorded"},
            status_code=exc.status,
        )

    @app.get("/review", include_in_schema=False)
    def review(request: Request) -> Response:
        """The review queue, most useful first, and the latest judgements."""
        data = review_data(engine)
        if request.query_params.get("format") == "json":
            return JSONResponse(data)
        return templates.TemplateResponse(request, "review.html", {"data": data, "page": "review"})

    @app.get("/login", include_in_schema=False)
    def login_page(request: Request) -> Response:
        next_page = _safe_next(request.query_params.get("next"))
        return templates.TemplateResponse(
            request, "login.html", {"page": "login", "next": next_page, "failed": False}
        )

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        fields, _ = await read_fields(request)
        next_page = _safe_next(_one(fields, "next"))
        mode = write_mode(request)
        opened = mode.log_in(_one(fields, "token")) if mode else None
        if opened is None:
            return templates.TemplateResponse(
                request,
                "login.html",
                {"page": "login", "next": next_page, "failed": True},
                status_code=403 if mode is None else 401,
            )
        key, _session = opened
        response = RedirectResponse(next_page, 303)
        response.set_cookie(
            SESSION_COOKIE, key, httponly=True, samesite="strict", path="/", secure=False
        )
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        fields, as_json = await read_fields(request)
        try:
            authorise(request, fields)
        except Refused as exc:
            return refused(request, exc, as_json)
        mode = write_mode(request)
        if mode is not None:
            mode.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response = RedirectResponse("/", 303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.post(
        "/api/judgements/{kind}",
        tags=["judgements"],
        operation_id="judge",
        status_code=201,
        responses={
            401: {"description": "No write token, or a wrong one."},
            403: {"description": "A read-only server, or a browser write without its CSRF token."},
            400: {"description": "A judgement that cannot be made (no reason, unknown target)."},
            404: {"description": "No such kind of judgement."},
            413: {"description": "A body over 64 kB."},
        },
    )
    async def judge_route(request: Request, kind: str) -> Response:
        """Record a judgement (a writable server only: `factions serve --write`). JSON or form
        fields: `target` (an entity name or id, a claim, event or dispute id, or a judgement
        id to undo; accept and reject take several), `why` (required), and by kind `other`
        (merge, never-merge), `field` and `value` (correct), `reading` and `note`
        (close-dispute), `name` (rename), `type` (retype). Needs `Authorization: Bearer
        TOKEN`, or a login session and its CSRF token."""
        try:
            fields, as_json = await read_fields(request)
        except Refused as exc:
            return refused(request, exc, True)
        try:
            owner = authorise(request, fields)
        except Refused as exc:
            return refused(request, exc, as_json)
        if kind not in WRITE_KINDS:
            return refused(
                request,
                Refused(
                    404, "not_found", f"no judgement '{kind}' (one of: {', '.join(WRITE_KINDS)})"
                ),
                as_json,
            )
        try:
            with writing(engine) as conn:
                made = [
                    judge(conn, kind, target, by=owner, **kwargs)
                    for target, kwargs in _arguments(kind, fields)
                ]
        except JudgementError as exc:
            return refused(request, Refused(400, "invalid_judgement", str(exc)), as_json)
        if as_json:
            return JSONResponse(
                {
                    "judgements": [
                        {
                            "id": j.uid,
                            "judgement": j.kind,
                            "target": j.target_id,
                            "other": j.other_id,
                            "value": j.value,
                            "why": j.why,
                            "by": j.author,
                            "at": j.created_at,
                        }
                        for j in made
                    ]
                },
                status_code=201,
            )
        next_page = _safe_next(_one(fields, "next"))
        if kind == "merge":
            # The merged entity's page now shows the one it joined.
            next_page = f"/actors/{quote(made[0].other_id or '', safe='')}"
        return RedirectResponse(next_page, 303)
