"""The `factions` command: thin wrappers over the library; no logic lives here."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from factions.export.jsonl import write_jsonl
from factions.ingest.metadata import MetadataError
from factions.ingest.run import IngestReport, ingest_paths
from factions.query.profile import ClaimLine, NoSuchEntity, actor_profile
from factions.query.summary import Summary, knowledge_base_summary
from factions.store import default_db_path, open_database

app = typer.Typer(
    help="Build an evidence-backed, time-aware knowledge base of armed actors from news reports.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Knowledge base file (default: $FACTIONS_DB or ./factions.db)."),
]


def _error(message: str) -> None:
    """One line on standard error, never wrapped, so scripts can grep it."""
    err.print(f"[red]error[/] {escape(message)}", highlight=False, soft_wrap=True)


def sample_corpus_path() -> Path:
    """The built-in sample corpus shipped inside the package."""
    return Path(str(resources.files("factions").joinpath("data", "sample", "corpus")))


def _run_ingest(paths: list[Path], db: str, metadata: Path | None) -> IngestReport:
    engine = open_database(db)
    if sys.stderr.isatty():
        with Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task("", total=None)
            return ingest_paths(
                paths,
                engine,
                metadata_file=metadata,
                on_start=lambda total: progress.update(task, total=total),
                on_progress=lambda name, n: progress.update(
                    task, advance=n, description=Path(name).name
                ),
            )
    return ingest_paths(paths, engine, metadata_file=metadata)


def _print_report(report: IngestReport, seconds: float) -> None:
    out.print(
        f"[bold]{len(report.new)}[/] new, [bold]{len(report.unchanged)}[/] unchanged, "
        f"[bold]{len(report.near_duplicates)}[/] near-duplicate, "
        f"[bold {'red' if report.failed else 'default'}]{len(report.failed)}[/] failed "
        f"({report.files} files, {seconds:.1f}s)"
    )
    for failure in report.failed:
        _error(str(failure))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories of articles.")],
    db: DbOption = None,
    metadata: Annotated[
        Path | None,
        typer.Option(
            help="JSON Lines of document metadata, matched to files by their `file` name."
        ),
    ] = None,
) -> None:
    """Ingest plain text, HTML, JSON Lines or CSV articles (directories recursively).

    Example: factions ingest ../shared/corpus/seeds --metadata ../shared/corpus/seeds/metadata.jsonl
    """
    started = time.perf_counter()
    try:
        report = _run_ingest(paths, db or default_db_path(), metadata)
    except MetadataError as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc
    _print_report(report, time.perf_counter() - started)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help="Export format: jsonl.")] = "jsonl",
    db: DbOption = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Export the knowledge base (JSON Lines: documents, entities, events, claims, disputes).

    Example: factions export --format jsonl --out kb.jsonl
    """
    if format != "jsonl":
        _error(f"unknown export format '{format}' (available: jsonl)")
        raise typer.Exit(2)
    engine = _open_existing(db)
    with engine.connect() as conn:
        if out_file:
            with out_file.open("w", encoding="utf-8") as handle:
                count = write_jsonl(conn, handle)
            err.print(f"wrote {count} rows to {out_file}")
        else:
            write_jsonl(conn, sys.stdout)


def _print_summary(summary: Summary) -> None:
    table = Table(title="Knowledge base", show_header=False, title_justify="left")
    for label, value in (
        ("documents", summary.documents),
        ("actors", summary.actors),
        ("places", summary.places),
        ("events", summary.events),
        ("relations", summary.relations),
        ("claims (all)", summary.claims),
        ("disputes", summary.disputes),
    ):
        table.add_row(label, str(value))
    out.print(table)
    if summary.top_actors:
        actors = Table(title="Most mentioned actors", title_justify="left")
        actors.add_column("actor")
        actors.add_column("type")
        actors.add_column("mentions", justify="right")
        for _id, name, type_, count in summary.top_actors:
            actors.add_row(name, type_, str(count))
        out.print(actors)
    for subject, reason in summary.disputes_list:
        out.print(f"[yellow]dispute[/] {subject}: {reason}", highlight=False)


@app.command()
def stats(db: DbOption = None) -> None:
    """Counts of documents, actors, events, relations and disputes."""
    engine = _open_existing(db)
    with engine.connect() as conn:
        _print_summary(knowledge_base_summary(conn))


@app.command()
def demo(
    db: Annotated[
        str, typer.Option("--db", help="Where to build the demo knowledge base.")
    ] = "factions-demo.db",
) -> None:
    """Ingest the built-in sample corpus and show what factions found in it."""
    corpus = sample_corpus_path()
    out.print(f"Ingesting the sample corpus ({corpus}) into {db} ...")
    started = time.perf_counter()
    report = _run_ingest([corpus], db, None)
    _print_report(report, time.perf_counter() - started)
    with open_database(db).connect() as conn:
        _print_summary(knowledge_base_summary(conn))
    out.print(
        "\n[bold]Try next[/]\n"
        f"  factions export --db {db} --format jsonl --out kb.jsonl\n"
        f"  factions stats --db {db}\n"
        f"  factions ingest --db {db} ../shared/corpus/seeds "
        "--metadata ../shared/corpus/seeds/metadata.jsonl",
        highlight=False,
    )
    if not report.ok:
        raise typer.Exit(1)


def _open_existing(db: str | None):  # type: ignore[no-untyped-def]
    try:
        return open_database(db, create=False)
    except FileNotFoundError as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc


def _claim_line(claim: ClaimLine) -> str:
    other = claim.other_name or claim.value or "?"
    arrow = (
        f"{claim.predicate} → {other}"
        if claim.direction == "out"
        else f"{other} {claim.predicate} →"
    )
    when = ""
    if claim.valid_from or claim.valid_to:
        when = f" [{claim.valid_from or '…'} – {claim.valid_to or '…'}]"
    negated = " [red]NOT[/]" if not claim.polarity else ""
    speaker = f", says {escape(claim.speaker)}" if claim.speaker else ""
    return f"{negated} {escape(arrow)}{when} [dim]({claim.certainty}{speaker})[/]"


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A name, alias or entity id.")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """An entity's profile: aliases, roles, relations, events and the sentences behind them.

    Example: factions show IMU
    """
    engine = _open_existing(db)
    with engine.connect() as conn:
        try:
            profile = actor_profile(conn, name)
        except NoSuchEntity as exc:
            _error(str(exc))
            raise typer.Exit(1) from exc
    if as_json:
        out.print_json(json.dumps(asdict(profile), ensure_ascii=False))
        return
    tree = Tree(f"[bold]{escape(profile.name)}[/] [dim]{profile.type} · {profile.id}[/]")
    if profile.aliases:
        tree.add("also: " + escape(", ".join(profile.aliases)))
    tree.add(
        f"{profile.mentions} mentions in {profile.documents} documents, "
        f"seen {profile.first_seen or '?'} – {profile.last_seen or '?'}"
    )
    if profile.claims:
        branch = tree.add("[bold]claims[/]")
        for claim in profile.claims:
            node = branch.add(_claim_line(claim, profile.name))
            for evidence in claim.evidence:
                source = escape(evidence.title or evidence.document)
                node.add(f"[dim]“{escape(evidence.text)}” — {source}[/]")
    if profile.events:
        branch = tree.add("[bold]events[/]")
        for event in profile.events:
            node = branch.add(
                f"{event.date or 'undated'} {escape(event.sub_event_type)} in "
                f"{escape(event.place or 'an unknown place')} as {event.role} "
                f"[dim]({event.certainty})[/]"
            )
            for evidence in event.evidence:
                node.add(f"[dim]“{escape(evidence.text)}”[/]")
    out.print(tree)


def main() -> None:
    app()
