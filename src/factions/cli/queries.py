"""Commands that ask the knowledge base: network, timeline, events, disputes, search, sources,
actors, and `serve` for the HTTP API. Thin wrappers over factions.query; no logic lives here."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any, TypeVar

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree
from sqlalchemy import Connection

from factions.cli.app import DbOption, _error, _open_existing, _warning, app, out
from factions.curate.access import issue_write_token
from factions.curate.judge import current_user, now
from factions.partial_date import label as partial_date
from factions.query.actors import list_actors
from factions.query.claims import ClaimDetail, claims_by_id
from factions.query.common import BadQuery
from factions.query.disputes import list_disputes
from factions.query.events import EventRow, find_events
from factions.query.labels import predicate_label
from factions.query.lookup import NoSuchEntity
from factions.query.network import actor_network
from factions.query.search import search
from factions.query.sources import source_breakdown
from factions.query.timeline import actor_timeline
from factions.store import StoreError, default_db_path, open_database, writing

T = TypeVar("T")

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
FromOption = Annotated[
    str | None, typer.Option("--from", help="Earliest date (2015, 2015-11 or 2015-11-14).")
]
ToOption = Annotated[str | None, typer.Option("--to", help="Latest date, inclusive.")]
CertaintyOption = Annotated[
    str | None,
    typer.Option(
        "--min-certainty",
        help="Weakest grade to keep: asserted, attributed, reported, alleged, claimed, "
        "unconfirmed, denied, speculative.",
    ),
]
LimitOption = Annotated[int, typer.Option(help="At most this many rows.", min=0)]
OffsetOption = Annotated[int, typer.Option(help="Skip this many rows first.", min=0)]


@contextmanager
def _connection(db: str | None) -> Iterator[Connection]:
    engine = _open_existing(db)
    with engine.connect() as conn:
        yield conn


def _ask(db: str | None, question: Callable[[Connection], T]) -> T:
    """Run a query; unknown names exit 1, unusable parameters exit 2, each with one line."""
    with _connection(db) as conn:
        try:
            return question(conn)
        except NoSuchEntity as exc:
            _error(str(exc))
            raise typer.Exit(1) from exc
        except BadQuery as exc:
            _error(str(exc))
            raise typer.Exit(2) from exc


def _print_json(result: Any) -> None:
    data = [asdict(item) for item in result] if isinstance(result, list) else asdict(result)
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _when(start: str | None, end: str | None) -> str:
    start, end = partial_date(start), partial_date(end)
    if not start and not end:
        return ""
    if start == end:
        return start or ""
    return f"{start or '…'} – {end or '…'}"


@app.command()
def actors(
    q: Annotated[str | None, typer.Argument(help="Part of a name or alias.")] = None,
    type: Annotated[
        str | None, typer.Option(help="armed_group, state_force, organization or person.")
    ] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List actors, most mentioned first, optionally those whose name contains Q.

    Example: factions actors taliban --type armed_group
    """
    result = _ask(db, lambda c: list_actors(c, q, type=type, limit=limit, offset=offset))
    if as_json:
        return _print_json(result)
    if not result.actors and result.suggestions:
        _error(f"no actor matches '{q}'; did you mean {' or '.join(result.suggestions)}?")
        raise typer.Exit(1)
    table = Table(title=f"Actors ({result.total})", title_justify="left")
    for column in ("name", "type", "mentions", "also known as", "id"):
        table.add_column(column, justify="right" if column == "mentions" else "left")
    for row in result.actors:
        table.add_row(row.name, row.type, str(row.mentions), ", ".join(row.aliases), row.id)
    out.print(table)


@app.command()
def network(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The network valid at this date.")
    ] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    predicate: Annotated[
        str | None, typer.Option(help="Only these relations, comma-separated: ally_of,fights.")
    ] = None,
    min_certainty: CertaintyOption = None,
    limit: Annotated[
        int | None, typer.Option(help="At most this many relations, heaviest first.", min=0)
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Actors and their relations valid at a date (or over an interval), one edge per
    (subject, relation, object), weighted by the number of sentences behind it.

    Example: factions network --as-of 2015-11 --predicate ally_of,fights --min-certainty reported
    """
    result = _ask(
        db,
        lambda c: actor_network(
            c,
            as_of=as_of,
            date_from=date_from,
            date_to=date_to,
            predicates=predicate,
            min_certainty=min_certainty,
            limit=limit,
        ),
    )
    if as_json:
        return _print_json(result)
    when = as_of or _when(result.date_from, result.date_to) or "any time"
    shown = (
        f"{len(result.edges)} relations"
        if len(result.edges) == result.total_edges
        else f"the {len(result.edges)} heaviest of {result.total_edges} relations"
    )
    table = Table(
        title=f"Network as of {when}: {len(result.nodes)} actors, {shown}",
        title_justify="left",
    )
    for column in ("subject", "relation", "object", "weight", "certainty", "said by", "valid"):
        table.add_column(column, justify="right" if column == "weight" else "left")
    for edge in result.edges:
        table.add_row(
            edge.subject_name,
            predicate_label(edge.predicate),
            edge.object_name,
            str(edge.weight),
            edge.certainty,
            ", ".join(edge.speakers + edge.outlets),
            _when(edge.valid_from, edge.valid_to or edge.ended_on)
            + (" (ended, inferred)" if edge.ended_on else "")
            or f"reported {edge.first_reported or '?'}",
        )
    out.print(table)


# Entries of the whole knowledge base's timeline shown when no --limit is given.
WHOLE_TIMELINE = 100


@app.command()
def timeline(
    actor: Annotated[str | None, typer.Argument(help="A name, alias or entity id.")] = None,
    place: Annotated[str | None, typer.Option(help="A place, province or country.")] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    limit: Annotated[
        int | None,
        typer.Option(
            help="At most this many entries (default: all of an actor's or place's; 100 of "
            "the whole knowledge base's).",
            min=0,
        ),
    ] = None,
    offset: OffsetOption = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Events and claims about an actor (and/or at a place, or everything) in date order.

    Example: factions timeline IMU --from 2009 --to 2015
    """
    if limit is None and not actor and not place:
        limit = WHOLE_TIMELINE
    result = _ask(
        db,
        lambda c: actor_timeline(
            c,
            actor,
            place=place,
            date_from=date_from,
            date_to=date_to,
            limit=limit,
            offset=offset,
        ),
    )
    if as_json:
        return _print_json(result)
    title = " at ".join(n for n in (result.actor_name, result.place_name) if n) or "everything"
    shown = (
        f"{result.offset + 1}–{result.offset + len(result.entries)} of " if result.entries else ""
    )
    table = Table(title=f"Timeline: {title} ({shown}{result.total})", title_justify="left")
    for column in ("date", "precision", "what", "certainty"):
        table.add_column(column)
    for entry in result.entries:
        table.add_row(
            partial_date(entry.date) or "undated",
            entry.precision or "",
            f"[bold]{entry.kind}[/] {escape(entry.detail)}",
            entry.certainty,
        )
    out.print(table)


def _event_line(event: EventRow) -> str:
    place = event.place.name if event.place else "an unknown place"
    killed = ""
    if event.fatalities_best is not None or event.fatalities_low is not None:
        low, best, high = event.fatalities_low, event.fatalities_best, event.fatalities_high
        count = str(best) if best is not None else f"{low}–{high if high is not None else '?'}"
        killed = f", {count} killed"
    who = ", ".join(f"{p.name} ({p.role})" for p in event.participants)
    return (
        f"{event.date or 'undated'} [bold]{escape(event.sub_event_type)}[/] in {escape(place)}"
        f"{escape(killed)}{' — ' + escape(who) if who else ''} [dim]({event.certainty})[/]"
    )


@app.command()
def events(
    type: Annotated[
        str | None, typer.Option("--type", help="Event type or sub-type (e.g. 'Suicide bomb').")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="An actor taking part.")] = None,
    place: Annotated[
        str | None, typer.Option(help="A place; a province or country includes all inside it.")
    ] = None,
    date_from: FromOption = None,
    date_to: ToOption = None,
    min_certainty: CertaintyOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    newest_first: Annotated[bool, typer.Option(help="Newest events first.")] = False,
    evidence: Annotated[bool, typer.Option(help="Show the sentences behind each event.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Events filtered by type, actor, place, dates and certainty, oldest first (an undated
    event at its report's date).

    Example: factions events --place Afghanistan --from 2011 --to 2015 --type "Suicide bomb"
    """
    result = _ask(
        db,
        lambda c: find_events(
            c,
            event_type=type,
            actor=actor,
            place=place,
            date_from=date_from,
            date_to=date_to,
            min_certainty=min_certainty,
            limit=limit,
            offset=offset,
            newest_first=newest_first,
        ),
    )
    if as_json:
        return _print_json(result)
    shown = f"{result.offset + 1}–{result.offset + len(result.events)} of " if result.events else ""
    tree = Tree(f"[bold]Events[/] ({shown}{result.total})")
    for event in result.events:
        node = tree.add(_event_line(event))
        if evidence:
            for item in event.evidence:
                node.add(f"[dim]“{escape(item.text)}” — {escape(item.title or item.document)}[/]")
    out.print(tree)


@app.command()
def disputes(
    actor: Annotated[str | None, typer.Argument(help="Only disputes about this actor.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Claims that cannot all be true, side by side, with who said each and where.

    Example: factions disputes "Usman Ghazi"
    """
    result = _ask(db, lambda c: list_disputes(c, actor))
    if as_json:
        return _print_json(result)
    if not result.disputes:
        out.print("no disputes")
    for dispute in result.disputes:
        out.print(_claims_table(f"{dispute.subject_name}: {dispute.reason}", dispute.claims))


def _claims_table(title: str, claims: list[ClaimDetail]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=True)
    for column in ("claim", "certainty", "said by", "source", "sentence"):
        table.add_column(column)
    for claim in claims:
        other = claim.object_name or claim.value or ""
        negated = "NOT " if not claim.polarity else ""
        source = f"{claim.outlet or claim.title or claim.document}, {claim.published or '?'}"
        table.add_row(
            f"{claim.subject_name} {negated}{predicate_label(claim.predicate)} {other}",
            claim.certainty,
            claim.speaker or "(the outlet)",
            source,
            " ".join(e.text for e in claim.evidence),
        )
    return table


@app.command()
def claims(
    ids: Annotated[list[str], typer.Argument(help="Claim ids, as a network edge lists them.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Claims by id, each with who said it, where, and the sentences behind it.

    Example: factions claims c-0f3a9d2e41b7c6a8 c-5b1e07d9a3c2f4e6  (ids from `network --json`)
    """
    found = _ask(db, lambda c: claims_by_id(c, ids))
    result = [found[i] for i in dict.fromkeys(ids) if i in found]
    if as_json:
        return _print_json(result)
    missing = [i for i in dict.fromkeys(ids) if i not in found]
    if result:
        out.print(_claims_table(f"{len(result)} claims", result))
    if missing:
        _error(f"no claim has id {', '.join(missing)}")
        raise typer.Exit(1)


@app.command(name="search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words to find; names may be misspelt.")],
    limit: LimitOption = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the evidence sentences, and names with typo tolerance.

    Example: factions search Yuldashov
    """
    result = _ask(db, lambda c: search(c, query, limit=limit))
    if as_json:
        return _print_json(result)
    if result.entities:
        table = Table(title="Names", title_justify="left")
        for column in ("name", "type", "matched", "score", "id"):
            table.add_column(column)
        for hit in result.entities:
            table.add_row(hit.name, hit.type or "", hit.matched, f"{hit.score:.0f}", hit.id)
        out.print(table)
    tree = Tree(f"[bold]Sentences[/] ({len(result.evidence)})")
    for hit in result.evidence:
        node = tree.add(
            f"{escape(hit.summary)} [dim]({hit.kind}, matched {escape(hit.matched)})[/]"
        )
        node.add(f"[dim]“{escape(hit.text)}” — {escape(hit.title or hit.document)}[/]")
    out.print(tree)


@app.command()
def sources(db: DbOption = None, as_json: JsonOption = False) -> None:
    """How many claims each speaker and each outlet is behind, by certainty grade.

    Example: factions sources --json
    """
    result = _ask(db, source_breakdown)
    if as_json:
        return _print_json(result)
    for title, rows in (("Speakers", result.speakers), ("Outlets", result.outlets)):
        table = Table(title=title, title_justify="left")
        for column in ("name", "claims", "documents", "by certainty"):
            table.add_column(
                column, justify="right" if column in {"claims", "documents"} else "left"
            )
        for row in rows:
            grades = ", ".join(f"{g} {n}" for g, n in row.by_certainty.items())
            table.add_row(row.name, str(row.claims), str(row.documents), grades)
        out.print(table)
    out.print(f"{result.unattributed} claims are stated by the outlet itself (no speaker)")


# The names under which `factions serve` hands its settings to the app it starts by name
# (factions.web.api reads them); the command line does not import the web package.
_TOKEN_ENV = "FACTIONS_TOKEN"
_BIND_HOST_ENV = "FACTIONS_BIND_HOST"
_ALLOW_HOSTS_ENV = "FACTIONS_ALLOW_HOSTS"
_WRITE_ENV = "FACTIONS_WRITE"


def _is_loopback(host: str) -> bool:
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (local only by default).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.", min=0, max=65535)] = 8000,
    db: DbOption = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="Allow a --host other machines can reach; every request then needs the "
            "access token.",
        ),
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            envvar=_TOKEN_ENV,
            help="Access token to require (Authorization: Bearer, or visit a page with "
            "?token=). With --public and no token, one is made up and printed.",
            show_envvar=True,
        ),
    ] = None,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-host",
            help="Another Host header to answer (a name the server is reached by); '*' "
            "answers any. The bind address, localhost and 127.0.0.1 always are.",
        ),
    ] = None,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Open the knowledge base writable so an analyst can record judgements from "
            "the pages (merge, reject, correct, close a dispute, undo). A new write token is "
            "printed once (only its hash is kept); log in with it at /login.",
        ),
    ] = False,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="With --write: the analyst the token belongs to, the author of every "
            "judgement made with it (default: $FACTIONS_USER, else the OS user).",
        ),
    ] = None,
) -> None:
    """Serve the web UI and the HTTP API (OpenAPI schema at /openapi.json, docs at /docs).
    The knowledge base is opened read-only unless --write is given; it is served on this
    machine only unless --public is given, and then only to requests carrying the access
    token.

    Example: factions serve --port 8000   then open http://127.0.0.1:8000/
    Example: factions serve --write --as "A. Analyst"   then log in at /login with the token
    """
    import uvicorn

    local = _is_loopback(host)
    if not local and not public:
        _error(
            f"--host {host} serves the knowledge base beyond this machine: add --public "
            "(every request will then need an access token)"
        )
        raise typer.Exit(2)
    if not local and not token:
        token = secrets.token_urlsafe(24)
    if as_ is not None and not write:
        _error("--as names who writes: it goes with --write")
        raise typer.Exit(2)
    path = db or default_db_path()
    write_token = None
    try:
        if write:
            engine = open_database(path, create=False)
            owner = (as_ or current_user()).strip()
            if not owner:
                _error("--as needs a name")
                raise typer.Exit(2)
            with writing(engine) as conn:
                write_token = issue_write_token(conn, owner, now())
            engine.dispose()
        else:
            open_database(path, read_only=True).dispose()
    except (FileNotFoundError, StoreError) as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc
    # The web app is started by name, as uvicorn does for any app: the web package stays a
    # sibling of the command line, not below it. Its settings go through the environment.
    os.environ["FACTIONS_DB"] = path
    os.environ[_BIND_HOST_ENV] = host
    os.environ[_ALLOW_HOSTS_ENV] = ",".join(allow_host or [])
    if token:
        os.environ[_TOKEN_ENV] = token
    else:
        os.environ.pop(_TOKEN_ENV, None)
    # Only that the server writes goes this way: the app checks tokens against the stored hash.
    os.environ[_WRITE_ENV] = "1" if write else "0"
    shown = f"[{host}]" if ":" in host else host
    # Addresses and the token on one line each (never wrapped), so they can be copied.
    mode = "writable" if write else "read-only"
    out.print(
        f"factions on http://{shown}:{port}/ ({mode} {escape(path)}; API docs at /docs)",
        soft_wrap=True,
        highlight=False,
    )
    if not local:
        _warning(
            f"serving beyond this machine on {host}:{port}: every request needs the access "
            "token; clients must reach it under this machine's name or address, or a name "
            "given with --allow-host"
        )
    if token:
        out.print(
            f"access token: {token}  (open http://{shown}:{port}/?token={token} once)",
            soft_wrap=True,
            highlight=False,
        )
    if write_token:
        out.print(
            f"write token for {escape(owner)}: {write_token}  (shown once; log in at "
            f"http://{shown}:{port}/login, or send 'Authorization: Bearer TOKEN')",
            soft_wrap=True,
            highlight=False,
        )
    uvicorn.run(
        "factions.web.api:app_from_environment",
        factory=True,
        host=host,
        port=port,
        log_level="info",
    )
