"""Who may read the knowledge base over HTTP: the Host header and the access token.

A server on 127.0.0.1 is still reachable from any web page the user opens: a page whose domain
is made to resolve to 127.0.0.1 (DNS rebinding) reads it as its own origin. Every request must
therefore name an allowed host (the address the server was bound to, localhost, 127.0.0.1, ::1
and any host given with `--allow-host`), which such a page cannot do. A server reachable from
other machines also needs an access token, sent as `Authorization: Bearer TOKEN` or kept in a
cookie that visiting any page with `?token=TOKEN` sets. A local server without a token asks for
none, so the web UI works as before.

Both checks are plain ASGI middleware, ahead of every route, static files included.
"""

from __future__ import annotations

import contextlib
import hmac
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlencode

from starlette.datastructures import Headers, QueryParams
from starlette.requests import cookie_parser
from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from factions.web.errors import json_error

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
# Addresses that listen on every interface: clients reach them under the machine's own names.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})
TOKEN_COOKIE = "factions_token"
TOKEN_PARAM = "token"
# Given with --allow-host, turns the Host check off (behind a proxy that checks it already).
ANY_HOST = "*"


def host_name(header: str) -> str:
    """The host of a Host header or address, without port, brackets or trailing dot."""
    value = header.strip().lower()
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


def is_loopback(host: str) -> bool:
    """Whether an address to listen on is reachable from this machine only."""
    name = host_name(host)
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _own_names() -> set[str]:
    """The machine's names and addresses, for a server listening on every interface."""
    names = {socket.gethostname(), socket.getfqdn()}
    # Without a resolver entry for the machine's own name, its names are still allowed.
    with contextlib.suppress(OSError):
        names.update(str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None))
    return {host_name(n) for n in names if n}


def allowed_hosts_for(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The Host header values a server bound to `bind_host` answers; None answers any (only
    when `*` is among `extra`)."""
    extra = list(extra)
    if ANY_HOST in extra:
        return None
    names = set(LOCAL_HOSTS) | {host_name(h) for h in extra if h.strip()}
    if host_name(bind_host) in WILDCARD_HOSTS:
        names |= _own_names()
    else:
        names.add(host_name(bind_host))
    return frozenset(names)


class AccessGuard:
    """Refuses requests for a host not in `allowed_hosts` (400) and, when there is a `token`,
    requests that do not carry it (401)."""

    def __init__(
        self, app: ASGIApp, *, allowed_hosts: Iterable[str] | None, token: str | None
    ) -> None:
        self.app = app
        self.allowed_hosts = None if allowed_hosts is None else frozenset(allowed_hosts)
        self.token = token or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if self.allowed_hosts is not None:
            host = host_name(headers.get("host", ""))
            if host not in self.allowed_hosts:
                response = json_error(
                    400,
                    f"this server does not answer for host '{host}' (start it with "
                    f"--allow-host {host or 'NAME'} if it should)",
                    "host_not_allowed",
                )
                await response(scope, receive, send)
                return
        if self.token is None or self._carries_token(headers):
            await self.app(scope, receive, send)
            return
        params = QueryParams(scope.get("query_string", b""))
        if self._matches(params.get(TOKEN_PARAM)):
            # Keep the token in a cookie and out of the address bar, history and logs.
            query = [(k, v) for k, v in params.multi_items() if k != TOKEN_PARAM]
            target = scope["path"] + (f"?{urlencode(query)}" if query else "")
            response = RedirectResponse(target, 303)
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="lax", path="/")
            await response(scope, receive, send)
            return
        response = json_error(
            401,
            "this server needs its access token: send 'Authorization: Bearer TOKEN' or open "
            "any page once with ?token=TOKEN",
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)

    def _matches(self, presented: str | None) -> bool:
        assert self.token is not None
        return bool(presented) and hmac.compare_digest(presented.encode(), self.token.encode())

    def _carries_token(self, headers: Headers) -> bool:
        scheme, _, credentials = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and self._matches(credentials.strip()):
            return True
        cookies = cookie_parser(headers.get("cookie", ""))
        return self._matches(cookies.get(TOKEN_COOKIE))


class HeadAsGet:
    """HEAD answered wherever GET is: the GET response's status and headers, no body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
