"""The `factions` command: thin wrappers over the library; no logic lives here."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from factions.evaluation.run import default_shared_dir
from factions.evaluation.suites import SuiteOptions, SuiteReport, registered_suites
from factions.export.formats import registered_formats, write_export
from factions.ingest.metadata import MetadataError
from factions.ingest.run import IngestReport, ingest_paths
from factions.packaged import data_path
from factions.partial_date import label as partial_date
from factions.query.profile import ClaimLine, NoSuchEntity, actor_profile
from factions.query.summary import Summary, knowledge_base_summary
from factions.store import StoreError, default_db_path, open_database
from factions.store.db import SCHEMA_VERSION

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
    return data_path("sample", "corpus")


def _run_ingest(
    paths: list[Path], db: str, metadata: Path | None, processes: int = 1
) -> IngestReport:
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
                processes=processes,
                on_start=lambda total: progress.update(task, total=total),
                on_progress=lambda name, n: progress.update(
                    task, advance=n, description=Path(name).name
                ),
            )
    return ingest_paths(paths, engine, metadata_file=metadata, processes=processes)


def _warning(message: str) -> None:
    """One line on standard error, like an error, for what was stored with a change."""
    err.print(f"[yellow]warning[/] {escape(message)}", highlight=False, soft_wrap=True)


def _print_report(report: IngestReport, seconds: float) -> None:
    count = len(report.warnings)
    warned = f", [bold yellow]{count}[/] warning{'' if count == 1 else 's'}" if count else ""
    out.print(
        f"[bold]{len(report.new)}[/] new, [bold]{len(report.unchanged)}[/] unchanged, "
        f"[bold]{len(report.near_duplicates)}[/] near-duplicate, "
        f"[bold {'red' if report.failed else 'default'}]{len(report.failed)}[/] failed"
        f"{warned} ({report.files} files, {seconds:.1f}s)"
    )
    for warning in report.warnings:
        _warning(str(warning))
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
    processes: Annotated[
        int, typer.Option(min=1, help="Worker processes for extraction (each loads the model).")
    ] = 1,
) -> None:
    """Ingest plain text, HTML, JSON Lines or CSV articles (directories recursively).

    Example: factions ingest ../shared/corpus/seeds --metadata ../shared/corpus/seeds/metadata.jsonl
    """
    started = time.perf_counter()
    try:
        report = _run_ingest(paths, db or default_db_path(), metadata, processes)
    except (MetadataError, StoreError) as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc
    _print_report(report, time.perf_counter() - started)
    if not report.ok:
        raise typer.Exit(1)


def _format_help() -> str:
    return "Export format: " + ", ".join(registered_formats()) + "."


@app.command()
def export(
    format: Annotated[str, typer.Option("--format", help=_format_help())] = "jsonl",
    db: DbOption = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", help="Write here (a directory for parquet) instead of stdout."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="graphml/gexf: the network valid at this date; acled-csv/geojson: events "
            "up to it.",
        ),
    ] = None,
) -> None:
    """Export the knowledge base: JSON Lines (the contract), ACLED-style CSV of events,
    GraphML/GEXF of the actor network, GeoJSON of events and places, Parquet tables.

    Example: factions export --format graphml --as-of 2015-11 --out network.graphml
    """
    from factions.query.common import BadQuery, check_date

    formats = registered_formats()
    chosen = formats.get(format)
    if chosen is None:
        _error(f"unknown export format '{format}' (available: {', '.join(formats)})")
        raise typer.Exit(2)
    if as_of and not chosen.dated:
        _error(f"--as-of does not apply to {format}: it exports the whole knowledge base")
        raise typer.Exit(2)
    try:
        as_of = check_date(as_of, "as-of date")
    except BadQuery as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    if chosen.target != "stream" and not out_file:
        _error(
            f"{format} needs --out ({'a directory' if chosen.target == 'directory' else 'a file'})"
        )
        raise typer.Exit(2)
    engine = _open_existing(db)
    with engine.connect() as conn:
        count = write_export(conn, chosen, out_file or sys.stdout, as_of)
    if out_file:
        err.print(f"wrote {count} {chosen.unit} to {out_file}")


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
    try:
        report = _run_ingest([corpus], db, None)
    except StoreError as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc
    _print_report(report, time.perf_counter() - started)
    with _open_existing(db).connect() as conn:
        _print_summary(knowledge_base_summary(conn))
    out.print(
        "\n[bold]Try next[/]\n"
        f"  factions show IMU --db {db}\n"
        f"  factions network --as-of 2015-11 --db {db}\n"
        f"  factions disputes --db {db}\n"
        f"  factions serve --db {db}     (web UI on http://127.0.0.1:8000)\n"
        f"  factions export --db {db} --format jsonl --out kb.jsonl\n"
        f"  factions ingest --db {db} ../shared/corpus/seeds "
        "--metadata ../shared/corpus/seeds/metadata.jsonl",
        highlight=False,
    )
    if not report.ok:
        raise typer.Exit(1)


def _open_existing(db: str | None):  # type: ignore[no-untyped-def]
    try:
        return open_database(db, create=False)
    except (FileNotFoundError, StoreError) as exc:
        _error(str(exc))
        raise typer.Exit(1) from exc


@app.command()
def migrate(db: DbOption = None) -> None:
    """Bring a knowledge base made by an earlier factions up to date (ingest does it too; the
    read-only server does not).

    Example: factions migrate --db old.db
    """
    _open_existing(db).dispose()
    out.print(f"{db or default_db_path()}: schema version {SCHEMA_VERSION}, up to date")


def _claim_line(claim: ClaimLine, name: str) -> str:
    other = claim.other_name or claim.value or "?"
    arrow = (
        f"{claim.predicate} {other}"
        if claim.direction == "out"
        else f"{other} {claim.predicate} {name}"
    )
    when = ""
    if claim.valid_from or claim.valid_to:
        start, end = partial_date(claim.valid_from), partial_date(claim.valid_to)
        when = f" [{start or '…'} – {end or '…'}]"
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


def _suite_help() -> str:
    names = ", ".join(registered_suites())
    return f"What to score: {names}, or all (default: sample)."


@app.command(name="eval")
def evaluate(
    suites: Annotated[list[str] | None, typer.Argument(help=_suite_help())] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Score this knowledge base of the sample corpus instead of building one."
        ),
    ] = None,
    shared: Annotated[
        Path | None, typer.Option(help="The shared data directory (default: ../shared).")
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Score this file (same format as the suite's gold)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Score only the first N documents of external gold.")
    ] = None,
    processes: Annotated[
        int, typer.Option(help="Worker processes for suites that ingest gold (default 1).")
    ] = 1,
    misses: Annotated[bool, typer.Option("--misses", help="List what went wrong.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Figures as JSON.")] = False,
) -> None:
    """Score factions against gold: its own sample gold and the external sets in ../shared/eval.

    Example: factions eval sample timex --misses
    """
    available = registered_suites()
    if suites in (["all"],):
        wanted = [name for name, s in available.items() if s.in_all]
    else:
        wanted = suites or ["sample"]
    unknown = [s for s in wanted if s not in available]
    if unknown:
        _error(f"unknown evaluation '{unknown[0]}' (available: {', '.join(available)}, all)")
        raise typer.Exit(2)
    if data is not None and len(wanted) != 1:
        _error("--data scores one suite at a time: name exactly one")
        raise typer.Exit(2)
    if data is not None and not data.exists():
        _error(f"{data}: not found")
        raise typer.Exit(2)
    options = SuiteOptions(
        shared=shared or default_shared_dir(),
        data=data,
        limit=limit,
        db=db,
        processes=max(1, processes),
    )
    reports: list[SuiteReport] = []
    for name in wanted:
        chosen = available[name]
        if chosen.external and data is None and not options.eval_dir.exists():
            _error(f"{options.eval_dir}: not found; skipping {name} (pass --shared DIR)")
            continue
        report = chosen.run(options)
        reports.append(report)
        if as_json:
            continue
        out.print(report.text, highlight=False, soft_wrap=True)
        if misses:
            for line in report.misses:
                out.print(f"  [dim]miss[/] {escape(line)}", highlight=False, soft_wrap=True)
    if as_json:
        payload = {
            r.name: {"figures": r.figures} | ({"misses": r.misses} if misses else {})
            for r in reports
        }
        print(json.dumps(payload, indent=2, sort_keys=True))


def main() -> None:
    """The `factions` command. An error the user can cause (a locked or foreign database, a
    file that cannot be read or written, Ctrl-C) is one line on standard error, never a
    traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    except (StoreError, OSError) as exc:
        _error(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        sys.exit(1)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        _error(f"database error: {str(orig).splitlines()[0]}")
        sys.exit(1)
