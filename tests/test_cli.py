"""The command line: help everywhere, exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from factions.cli import app

runner = CliRunner()


def test_every_command_has_help() -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
        assert (command.callback.__doc__ or "").strip(), f"{name} has no help text"


def test_ingest_reports_failures_with_exit_status_1(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    result = runner.invoke(app, ["ingest", str(tmp_path / "nope"), "--db", str(db)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope'}: no such file or directory" in result.output
    assert "0 new" in result.output


def test_an_error_names_the_file_as_it_is_spelt(tmp_path: Path) -> None:
    # A name holding ":x:" was printed with an emoji in its place.
    missing = tmp_path / "report:x:2015.txt"
    result = runner.invoke(app, ["ingest", str(missing), "--db", str(tmp_path / "kb.db")])
    assert result.exit_code == 1
    assert f"error {missing}: no such file or directory" in result.output


def test_export_without_a_database_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no knowledge base here" in result.output


def test_export_unknown_format(tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "--format", "xml", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "unknown export format 'xml'" in result.output


def test_ingest_then_export_to_file(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Fighters of the Islamic Movement of Uzbekistan (IMU) clashed with the Taliban in "
        "Zabul Province on 3 November 2015, officials said.\n",
        encoding="utf-8",
    )
    db, out = tmp_path / "kb.db", tmp_path / "kb.jsonl"
    assert runner.invoke(app, ["ingest", str(article), "--db", str(db)]).exit_code == 0
    assert runner.invoke(app, ["export", "--db", str(db), "--out", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    names = {r["name"] for r in rows if r["kind"] == "entity"}
    assert {"Islamic Movement of Uzbekistan", "Taliban"} <= names
    assert any(r["kind"] == "claim" and r["predicate"] == "fights" for r in rows)


def test_show_prints_claims_both_ways_with_their_sentences(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Usman Ghazi, the leader of the Islamic Movement of Uzbekistan (IMU), spoke in a video "
        "released on 3 August 2015, officials said.\n",
        encoding="utf-8",
    )
    db = tmp_path / "kb.db"
    assert runner.invoke(app, ["ingest", str(article), "--db", str(db)]).exit_code == 0
    wide = {"COLUMNS": "160"}
    person = runner.invoke(app, ["show", "Usman Ghazi", "--evidence", "--db", str(db)], env=wide)
    assert person.exit_code == 0, person.output
    assert "leader of Islamic Movement of Uzbekistan" in person.output
    assert "spoke in a video" in person.output
    group = runner.invoke(app, ["show", "IMU", "--db", str(db)], env=wide)
    assert group.exit_code == 0, group.output
    assert "Usman Ghazi leader" in group.output and "leader_of" not in group.output
    # Without --evidence the profile is its lines; the sentences are asked for.
    assert "spoke in a video" not in group.output and "--evidence" in group.output


def test_decades_read_as_decades_in_the_terminal(sample_kb) -> None:
    # The sample corpus has the IMU founded "in the late 1990s", stored as the decade '199'.
    _, _, db = sample_kb
    wide = {"COLUMNS": "200"}
    network = runner.invoke(
        app, ["network", "--predicate", "founder_of", "--db", str(db)], env=wide
    )
    assert network.exit_code == 0, network.output
    assert "1990s – …" in network.output
    assert "199 –" not in network.output
    profile = runner.invoke(app, ["show", "IMU", "--db", str(db)], env=wide)
    assert profile.exit_code == 0, profile.output
    assert "1990s – " in profile.output and "199 –" not in profile.output
    timeline = runner.invoke(app, ["timeline", "IMU", "--db", str(db)], env=wide)
    assert timeline.exit_code == 0, timeline.output
    assert "│ 1990s " in timeline.output and "│ 199 " not in timeline.output


def test_a_profile_in_a_narrow_console_keeps_each_line_whole(sample_kb) -> None:
    # Before: at 80 columns (what a pipe or a file gets) the fixed columns took the width and
    # the relation and counterpart column was dropped: "ally of Taliban" was not printed.
    _, _, db = sample_kb
    profile = runner.invoke(app, ["show", "IMU", "--db", str(db)], env={"COLUMNS": "80"})
    assert profile.exit_code == 0, profile.output
    assert "ally of Taliban" in profile.output
    lines = profile.output.splitlines()
    counterpart = next(i for i, line in enumerate(lines) if "ally of Taliban" in line)
    assert "sentence" in lines[counterpart + 1] and "asserted" in lines[counterpart + 1]
    assert max(len(line.rstrip()) for line in lines) <= 80


def test_errors_opening_a_knowledge_base_are_one_line(tmp_path: Path) -> None:
    from factions.store.db import SCHEMA_VERSION

    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("shopping list\n", encoding="utf-8")
    newer = tmp_path / "newer.db"
    with sqlite3.connect(newer) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION + 1),))
    folder = tmp_path / "in"
    folder.mkdir()
    cases = [
        (["stats", "--db", str(not_a_db)], "not a factions knowledge base"),
        (["ingest", str(folder), "--db", str(not_a_db)], "not a factions knowledge base"),
        (["ingest", str(folder), "--db", str(tmp_path)], "cannot open it"),
        (["stats", "--db", str(newer)], "is newer than this factions"),
        (["serve", "--db", str(newer)], "is newer than this factions"),
        (["export", "--db", str(newer), "--out", str(tmp_path / "x")], "is newer"),
        (["demo", "--db", str(not_a_db)], "not a factions knowledge base"),
    ]
    for args, says in cases:
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), args
        lines = [line for line in result.output.splitlines() if line.startswith("error ")]
        assert len(lines) == 1 and says in lines[0], (args, result.output)
