"""Analysts' commands: merge, split, accept, reject, correct, close a dispute, undo, list,
share judgements, review a queue and see what changed. Thin wrappers over factions.curate."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.prompt import Prompt
from rich.table import Table

from factions.cli.app import DbOption, _error, _open_existing, app, out
from factions.curate.judge import (
    JudgementError,
    current_user,
    import_judgements,
    judge,
    judgement_lines,
    write_judgements,
)
from factions.curate.review import ReviewItem, changes_since, review_queue
from factions.query.common import BadQuery, check_date
from factions.store import writing
from factions.store.judgements import overlay

WhyOption = Annotated[str, typer.Option("--why", help="Why (required): kept with the decision.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who decides (default: $FACTIONS_USER, else the OS user)."),
]

judgements_app = typer.Typer(
    help="The analysts' judgements: list them, export them to share, import another's.",
    invoke_without_command=True,
)
app.add_typer(judgements_app, name="judgements")


def _judge(db: str | None, kind: str, target: str, **kwargs: Any) -> None:
    engine = _open_existing(db)
    try:
        with writing(engine) as conn:
            made = judge(conn, kind, target, **kwargs)
    except JudgementError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    out.print(f"{made.uid} {made.kind} {made.target_id} by {made.author}", highlight=False)


@app.command()
def merge(a: str, b: str, why: WhyOption, by: ByOption = None, db: DbOption = None) -> None:
    """Two entities are one: A joins B (names or ids).

    Example: factions merge "Military Forces" "Armed Forces of Tajikistan" --why "same army"
    """
    _judge(db, "merge", a, other=b, why=why, by=by)


@app.command("never-merge")
def never_merge(a: str, b: str, why: WhyOption, by: ByOption = None, db: DbOption = None) -> None:
    """Two entities are never one, whatever the resolver finds."""
    _judge(db, "never-merge", a, other=b, why=why, by=by)


@app.command()
def split(
    entity: str,
    documents: Annotated[list[str], typer.Argument(help="The documents whose mentions leave.")],
    why: WhyOption,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """The entity's mentions in these documents are someone else.

    Example: factions split "Rustam Nazarov" d-4f94... --why "a shopkeeper, not the commander"
    """
    _judge(db, "split", entity, value={"documents": documents}, why=why, by=by)


@app.command()
def accept(record: str, why: WhyOption, by: ByOption = None, db: DbOption = None) -> None:
    """A claim or event is right."""
    _judge(db, "accept", record, why=why, by=by)


@app.command()
def reject(record: str, why: WhyOption, by: ByOption = None, db: DbOption = None) -> None:
    """A claim or event is wrong: it leaves the network, profiles and exports."""
    _judge(db, "reject", record, why=why, by=by)


@app.command()
def correct(
    record: str,
    assignment: Annotated[str, typer.Argument(help="field=value, e.g. date=2016-03-03")],
    why: WhyOption,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Correct one field of a claim or event; the original is kept beside it."""
    name, sep, value = assignment.partition("=")
    if not sep:
        _error(f"give the correction as field=value, not '{assignment}'")
        raise typer.Exit(2)
    _judge(db, "correct", record, value={"field": name.strip(), "value": value}, why=why, by=by)


@app.command()
def rename(
    entity: str, name: str, why: WhyOption, by: ByOption = None, db: DbOption = None
) -> None:
    """Give an entity the name it should go by."""
    _judge(db, "rename", entity, value={"name": name}, why=why, by=by)


@app.command()
def retype(
    entity: str,
    type_: Annotated[str, typer.Argument(metavar="TYPE")],
    why: WhyOption,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Give an entity its right type."""
    _judge(db, "retype", entity, value={"type": type_}, why=why, by=by)


@app.command()
def alias(
    entity: str,
    name: str,
    why: WhyOption,
    remove: Annotated[bool, typer.Option("--remove", help="A name it does not go by.")] = False,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Add (or with --remove take away) an alias of an entity."""
    kind = "remove-alias" if remove else "add-alias"
    _judge(db, kind, entity, value={"alias": name}, why=why, by=by)


@app.command("close-dispute")
def close_dispute(
    dispute: str,
    reading: Annotated[str, typer.Option("--reading", help="The claim id read as right.")],
    why: WhyOption,
    note: Annotated[str, typer.Option("--note", help="A note for readers.")] = "",
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """Close a dispute with a chosen reading; the rival claims stay visible."""
    _judge(db, "close-dispute", dispute, value={"reading": reading, "note": note}, why=why, by=by)


@app.command()
def undo(judgement: str, why: WhyOption, by: ByOption = None, db: DbOption = None) -> None:
    """Undo a judgement (itself a judgement: undoing it again restores the first)."""
    _judge(db, "undo", judgement, why=why, by=by)


# --- listing and sharing ---------------------------------------------------------------------


@judgements_app.callback()
def judgements(
    ctx: typer.Context,
    by: Annotated[str | None, typer.Option("--by", help="Only this analyst's.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only made since (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    db: DbOption = None,
) -> None:
    """List the judgements, oldest first, with the orphaned and the conflicting."""
    if ctx.invoked_subcommand:
        return
    since = _checked(since, "since date")
    engine = _open_existing(db)
    with engine.connect() as conn:
        rows = judgement_lines(conn, by=by, since=since)
        state = overlay(conn)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return
    table = Table("id", "when", "by", "judgement", "target", "why", "state")
    for row in rows:
        state_text = "undone" if row["undone"] else "orphaned" if row["orphaned"] else "applies"
        table.add_row(
            row["id"],
            row["at"][:19],
            row["by"],
            row["judgement"],
            str(row["applies_to"] or row["target"]),
            row["why"],
            state_text,
        )
    out.print(table)
    for j, reason in state.orphans:
        out.print(f"orphaned {j.uid} ({j.kind} {j.target_id}): {escape(reason)}", highlight=False)
    for conflict in state.conflicts:
        out.print(
            f"conflict on {escape(conflict.about)}: {conflict.earlier.author} "
            f"({conflict.earlier.uid}) then {conflict.later.author} ({conflict.later.uid}); "
            "the later applies",
            highlight=False,
        )


def _checked(value: str | None, label: str) -> str | None:
    try:
        return check_date(value, label)
    except BadQuery as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc


@judgements_app.command("export")
def judgements_export(file: Path, db: DbOption = None) -> None:
    """Write every judgement to FILE.jsonl, to share with another analyst."""
    engine = _open_existing(db)
    with engine.connect() as conn, file.open("w", encoding="utf-8") as handle:
        count = write_judgements(conn, handle)
    out.print(f"wrote {count} judgements to {file}")


@judgements_app.command("import")
def judgements_import(file: Path, db: DbOption = None) -> None:
    """Add the judgements of FILE.jsonl that are not here yet (another analyst's)."""
    engine = _open_existing(db)
    try:
        with writing(engine) as conn, file.open(encoding="utf-8") as handle:
            added = import_judgements(conn, handle)
    except JudgementError as exc:
        _error(f"{file}: {exc}")
        raise typer.Exit(2) from exc
    with engine.connect() as conn:
        state = overlay(conn)
    out.print(
        f"imported {added} judgements; {len(state.orphans)} orphaned, "
        f"{len(state.conflicts)} in conflict (see `factions judgements`)"
    )


# --- review and diff -------------------------------------------------------------------------


def _item_lines(number: int, item: ReviewItem) -> list[str]:
    lines = [f"{number}. [{item.kind}] {item.title}  ({' '.join(item.ids)})"]
    lines += [f"     “{s}”" for s in item.sentences]
    return lines


# One key per decision in the interactive review.
_KEYS = {"m": "merge", "n": "never-merge", "a": "accept", "r": "reject", "c": "close-dispute"}


@app.command()
def review(
    list_only: Annotated[
        bool, typer.Option("--list", help="Print the queue; decide nothing.")
    ] = False,
    limit: Annotated[int, typer.Option("--limit", help="At most this many items.")] = 20,
    by: ByOption = None,
    db: DbOption = None,
) -> None:
    """The review queue, most useful first: likely duplicates, open disputes, names typed
    differently, events without participants or place. Without --list, one key per decision."""
    engine = _open_existing(db)
    with engine.connect() as conn:
        items = review_queue(conn, limit)
    if not items:
        out.print("nothing to review")
        return
    for number, item in enumerate(items, 1):
        for line in _item_lines(number, item):
            out.print(escape(line), highlight=False, soft_wrap=True)
        if list_only:
            continue
        _decide(db, item, by)


def _decide(db: str | None, item: ReviewItem, by: str | None) -> None:
    offered = {k: v for k, v in _KEYS.items() if v in item.decisions}
    choices = [*offered, "s", "q"]
    keys = " ".join(f"{k}={v}" for k, v in offered.items())
    key = Prompt.ask(f"   {keys} s=skip q=quit", choices=choices, default="s")
    if key == "q":
        raise typer.Exit(0)
    if key == "s":
        return
    why = Prompt.ask("   why")
    kind = offered[key]
    decide: dict[str, Callable[[], None]] = {
        "merge": lambda: _judge(db, kind, item.ids[0], other=item.ids[1], why=why, by=by),
        "never-merge": lambda: _judge(db, kind, item.ids[0], other=item.ids[1], why=why, by=by),
        "accept": lambda: _judge(db, kind, item.ids[0], why=why, by=by),
        "reject": lambda: _judge(db, kind, item.ids[0], why=why, by=by),
        "close-dispute": lambda: _judge(
            db,
            kind,
            item.ids[0],
            value={
                "reading": Prompt.ask("   reading (claim id)", choices=list(item.ids[1:])),
                "note": "",
            },
            why=why,
            by=by,
        ),
    }
    decide[kind]()


@app.command()
def diff(
    since: Annotated[str, typer.Option("--since", help="A date (YYYY-MM-DD) or ISO time.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    db: DbOption = None,
) -> None:
    """What changed since a date: new documents, entities, claims, disputes and judgements."""
    engine = _open_existing(db)
    with engine.connect() as conn:
        changes = changes_since(conn, since)
    if as_json:
        print(json.dumps(changes, ensure_ascii=False, indent=1))
        return
    for section, rows in changes.items():
        out.print(f"[bold]{section}[/]: {len(rows)} new")
        for row in rows[:20]:
            label = (
                row.get("name")
                or row.get("title")
                or row.get("predicate")
                or row.get("judgement")
                or ""
            )
            out.print(f"  {row['id']} {escape(str(label))}", highlight=False)


__all__ = ["current_user"]
