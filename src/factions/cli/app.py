"""The `factions` command: thin wrappers over the library; no logic lives here."""

from __future__ import annotations

import datetime as dt
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

from factions.evaluation.run import default_shared_dir
from factions.evaluation.suites import SuiteOptions, SuiteReport, registered_suites
from factions.export.formats import registered_formats, write_export
from factions.ingest.distributed import DaskError, dask_target
from factions.ingest.metadata import MetadataError
from factions.ingest.run import BATCH_SIZE, IngestReport, ingest_paths
from factions.packaged import data_path
from factions.partial_date import label as partial_date
from factions.query.profile import NoSuchEntity, RelationLine, actor_profile
from factions.query.summary import Summary, knowledge_base_summary
from factions.store import StoreError, default_db_path, open_database
from factions.store.db import SCHEMA_VERSION
from factions.vocabulary import vocabulary

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
    err.print(f"[red]error[/] {escape(message)}", highlight=False, soft_wrap=True, emoji=False)


def sample_corpus_path() -> Path:
    """The built-in sample corpus shipped inside the package."""
    return data_path("sample", "corpus")


def _run_ingest(
    paths: list[Path],
    db: str,
    metadata: Path | None,
    processes: int = 1,
    batch_size: int = BATCH_SIZE,
    dask: str | None = None,
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
                batch_size=batch_size,
                dask=dask,
                on_start=lambda total: progress.update(task, total=total),
                on_progress=lambda name, n: progress.update(
                    task, advance=n, description=Path(name).name
                ),
            )
    return ingest_paths(
        paths,
        engine,
        metadata_file=metadata,
        processes=processes,
        batch_size=batch_size,
        dask=dask,
    )


def _warning(message: str) -> None:
    """One line on standard error, like an error, for what was stored with a change."""
    err.print(f"[yellow]warning[/] {escape(message)}", highlight=False, soft_wrap=True, emoji=False)


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


def _check_dask(dask: str, processes: int) -> None:
    """Exit with a one-line error for a malformed --dask, before anything is read or opened."""
    try:
        dask_target(dask)
    except DaskError as exc:
        _error(str(exc))
        raise typer.Exit(2) from exc
    if processes > 1:
        _error("--processes and --dask both say where extraction runs: give one of them")
        raise typer.Exit(2)


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
    batch_size: Annotated[
        int,
        typer.Option(min=1, help="Documents stored (with their derived data) per transaction."),
    ] = BATCH_SIZE,
    dask: Annotated[
        str | None,
        typer.Option(
            help="Extract on a Dask cluster: a scheduler's address (tcp://HOST:8786), or "
            "local:N for N worker processes here; storing stays in this process."
        ),
    ] = None,
) -> None:
    """Ingest plain text, HTML, JSON Lines or CSV articles (directories recursively).

    Example: factions ingest ../shared/corpus/seeds --metadata ../shared/corpus/seeds/metadata.jsonl
    """
    started = time.perf_counter()
    if dask is not None:
        _check_dask(dask, processes)
    try:
        report = _run_ingest(paths, db or default_db_path(), metadata, processes, batch_size, dask)
    except (MetadataError, StoreError, DaskError) as exc:
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
    include_rejected: Annotated[
        bool,
        typer.Option(
            "--include-rejected",
            help="jsonl: keep the claims and events analysts rejected (marked as rejected).",
        ),
    ] = False,
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
    options = {"include_rejected": True} if include_rejected else {}
    if set(options) - set(chosen.options):
        _error(f"--include-rejected does not apply to {format}")
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
        count = write_export(conn, chosen, out_file or sys.stdout, as_of, **options)
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


# The profile's time bars: this many characters wide.
BAR_WIDTH = 14


def _bar(line: RelationLine, axis: tuple[dt.date, dt.date], colour: str) -> str:
    """A line's span of dates as a bar of BAR_WIDTH characters on the profile's axis."""
    if not line.first_day or not line.last_day:
        return " " * BAR_WIDTH
    first, last = axis
    span = max((last - first).days, 1)
    start = (dt.date.fromisoformat(line.first_day) - first).days / span * BAR_WIDTH
    end = (dt.date.fromisoformat(line.last_day) - first).days / span * BAR_WIDTH
    lo = min(int(start), BAR_WIDTH - 1)
    hi = max(lo + 1, min(round(end + 0.5), BAR_WIDTH))
    return f"[dim]{'─' * lo}[/][{colour}]{'━' * (hi - lo)}[/][dim]{'─' * (BAR_WIDTH - hi)}[/]"


def _axis(lines: list[RelationLine]) -> tuple[dt.date, dt.date]:
    days = [
        dt.date.fromisoformat(d) for line in lines for d in (line.first_day, line.last_day) if d
    ]
    if not days:
        return dt.date(2000, 1, 1), dt.date(2001, 1, 1)
    return dt.date(min(days).year, 1, 1), dt.date(max(days).year + 1, 1, 1)


def _what(line: RelationLine, role: bool) -> str:
    """The line's relation and counterpart, as a reader says them."""
    negated = "[red]not[/] " if not line.polarity else ""
    other = escape(line.other_name or "?")
    if role and line.direction == "in":
        return f"[bold]{other}[/] {escape(line.label)}"
    if line.other_kind == "value":
        return f"{negated}{escape(line.label)}: [italic]{other}[/]"
    if line.other_kind == "event":
        return f"{negated}{escape(line.label)} [italic]{other}[/]"
    return f"{negated}{escape(line.label)} [bold]{other}[/]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# The columns of a profile line side by side need this many characters; a narrower console
# (a pipe or a file reads as 80) gets each line on two rows rather than losing the counterpart.
WIDE_PROFILE = 1 + 28 + BAR_WIDTH + 20 + 33 + 11 + 2 * 5


def _lines_table(numbers: dict[tuple[str, int, int], int] | None, narrow: bool = False) -> Table:
    """One table for every section of a profile, so that its columns line up."""
    table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 2, 0, 0), expand=True)
    table.add_column("mark", width=1, no_wrap=True)
    table.add_column("what", ratio=1, min_width=28, overflow="fold")
    if narrow:
        return table
    table.add_column("bar", width=BAR_WIDTH, no_wrap=True)
    table.add_column("when", width=20, no_wrap=True)
    table.add_column("how much", width=33 if numbers is None else 24, overflow="fold")
    table.add_column("grade", width=11, no_wrap=True)
    return table


def _scale_cell(scale: str) -> list[str]:
    """The time axis beside a section's heading: none in the narrow layout, which has no bars."""
    return [scale] if scale else []


def _add_lines(
    table: Table,
    lines: list[RelationLine],
    axis: tuple[dt.date, dt.date],
    colour: str,
    numbers: dict[tuple[str, int, int], int] | None,
    role: bool = False,
) -> None:
    narrow = len(table.columns) == 2
    for line in lines:
        when = partial_date(line.first) or ""
        if line.last and partial_date(line.last) != when:
            when += f" – {partial_date(line.last)}"
        counts = f"{_plural(line.sentences, 'sentence')}, {_plural(line.sources, 'source')}"
        if line.speakers:
            counts += f", {_plural(len(line.speakers), 'speaker')}"
        if numbers is not None:
            cited = sorted(numbers[(e.document, e.start, e.end)] for e in line.evidence)
            counts = "[" + ", ".join(str(n) for n in cited) + "]"
        what = _what(line, role)
        if line.ended is not None:
            # Inferred: later evidence ends it; the sentences of both are listed (--evidence).
            what += f" [yellow]· ended {partial_date(line.ended.ended_on) or ''} (inferred)[/]"
            if numbers is not None:
                enders = sorted(numbers[(e.document, e.start, e.end)] for e in line.ended.evidence)
                counts += " ended by [" + ", ".join(str(n) for n in enders) + "]"
        if narrow:
            details = " · ".join(part for part in (when, counts, line.certainty) if part)
            table.add_row("", f"{what}\n  [dim]{details}[/]")
        else:
            table.add_row("", what, _bar(line, axis, colour), when, counts, line.certainty)


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="A name, alias or entity id.")],
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="Number the sentences behind the lines and print each once."
        ),
    ] = False,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")] = False,
) -> None:
    """An entity's profile: one line per relation and counterpart (how many sentences, from how
    many sources and speakers, the strongest grade, the span of dates), then its events.

    Example: factions show IMU --evidence
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
    words = vocabulary()
    out.print(
        f"[bold]{escape(profile.name)}[/] [dim]{profile.type.replace('_', ' ')} · {profile.id}[/]",
        highlight=False,
    )
    if profile.aliases:
        out.print("also: " + escape(", ".join(profile.aliases)), highlight=False)
    out.print(
        f"{profile.mentions} mentions in {profile.documents} documents, "
        f"reported {profile.first_seen or '?'} – {profile.last_seen or '?'}",
        highlight=False,
    )
    lines = profile.roles + profile.relations
    axis = _axis(lines)
    numbers: dict[tuple[str, int, int], int] | None = None
    sentences = []
    if evidence:
        numbers = {}
        for line in lines:
            for item in line.evidence + (line.ended.evidence if line.ended else []):
                key = (item.document, item.start, item.end)
                if key not in numbers:
                    numbers[key] = len(numbers) + 1
                    sentences.append(item)
    narrow = out.width < WIDE_PROFILE
    table = _lines_table(numbers, narrow)
    scale = "" if narrow else f"[dim]{axis[0].year}{'─' * (BAR_WIDTH - 8)}{axis[1].year - 1}[/]"
    if profile.roles:
        table.add_row("[bold grey50]■[/]", "[bold]Roles and leaders[/]", *_scale_cell(scale))
        _add_lines(table, profile.roles, axis, "grey50", numbers, role=True)
    for family in words.families:
        family_lines = [li for li in profile.relations if li.family == family]
        if not family_lines:
            continue
        colour = words.families[family].colour
        label = escape(words.families[family].label.capitalize())
        table.add_row("", "")
        heading = "" if profile.roles else scale
        table.add_row(f"[bold {colour}]■[/]", f"[bold]{label}[/]", *_scale_cell(heading))
        scale = ""
        _add_lines(table, family_lines, axis, colour, numbers)
    if lines:
        out.print()
        out.print(table)
    if profile.events:
        out.print("\n[bold]Events[/]", highlight=False)
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1, 0, 2))
        table.add_column("when", width=12, no_wrap=True)
        table.add_column("what", ratio=1, overflow="fold")
        table.add_column("role", width=10, no_wrap=True)
        table.add_column("grade", width=11, no_wrap=True)
        for event in profile.events:
            where = f" in {escape(event.place)}" if event.place else ""
            table.add_row(
                partial_date(event.date) or "undated",
                f"{escape(event.sub_event_type)}{where}",
                f"as {event.role}",
                event.certainty,
            )
        out.print(table)
    if evidence:
        out.print("\n[bold]Sentences[/]", highlight=False)
        for number, item in enumerate(sentences, 1):
            source = ", ".join(
                escape(part) for part in (item.title, item.outlet, item.published) if part
            )
            out.print(f"[{number}] “{escape(item.text)}” [dim]— {source}[/]", highlight=False)
    elif lines:
        out.print(
            f"\n[dim]The sentences behind each line: factions show {escape(name)} --evidence[/]",
            highlight=False,
        )


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
