"""Exports read back with the libraries their users would use."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
from typer.testing import CliRunner

from factions.cli import app
from factions.export.csv_acled import full_date

runner = CliRunner()


def _export(db: Path, fmt: str, out: Path, *extra: str) -> None:
    result = runner.invoke(
        app, ["export", "--format", fmt, "--db", str(db), "--out", str(out), *extra]
    )
    assert result.exit_code == 0, result.output


def test_full_dates_for_acled() -> None:
    assert full_date("2015-11") == "2015-11-01"
    assert full_date("2009") == "2009-01-01"
    assert full_date("199") == "1990-01-01"
    assert full_date("2017-W04") == "2017-01-23"
    assert full_date(None) == ""


def test_acled_csv_has_the_khost_bombing(sample_kb, tmp_path: Path) -> None:
    _, _, db = sample_kb
    out = tmp_path / "events.csv"
    _export(db, "acled-csv", out)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"event_id_cnty", "event_date", "time_precision", "actor1", "fatalities"} <= set(rows[0])
    khost = [r for r in rows if r["location"] == "Khōst" and r["sub_event_type"] == "Suicide bomb"]
    assert khost, "the 2009 Khost suicide bombing is in the sample corpus"
    row = khost[0]
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2009-12-30", "2009", "1")
    assert row["fatalities"] == "7" and row["country"] == "Afghanistan" and row["iso"] == "4"
    assert row["notes"] and row["source"]
    early = tmp_path / "early.csv"
    _export(db, "acled-csv", early, "--as-of", "2010")
    early_rows = list(csv.DictReader(early.open(encoding="utf-8")))
    assert 0 < len(early_rows) < len(rows)
    assert all(r["year"] <= "2010" for r in early_rows if r["year"])


def test_graphml_and_gexf_hold_the_2011_alliance(sample_kb, tmp_path: Path) -> None:
    _, _, db = sample_kb
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"network.{fmt}"
        _export(db, fmt, out, "--as-of", "2011")
        graph = read(out)
        labels = {node: data.get("label") for node, data in graph.nodes(data=True)}
        alliance = [
            data
            for u, v, data in graph.edges(data=True)
            if labels[u] == "Islamic Movement of Uzbekistan"
            and labels[v] == "Taliban"
            and data.get("predicate") == "ally_of"
        ]
        assert alliance, fmt
        assert float(alliance[0]["weight"]) >= 1
        assert alliance[0]["certainty"] == "asserted"
        types = {data.get("type") for _, data in graph.nodes(data=True)}
        assert "armed_group" in types
        assert not any(
            d.get("predicate") == "fights" and labels[v] == "Mansoor Dadullah"
            for u, v, d in graph.edges(data=True)
        ), "2015 fighting is not in 2011"


def test_geojson_features_have_points_and_kinds(sample_kb, tmp_path: Path) -> None:
    _, _, db = sample_kb
    out = tmp_path / "map.geojson"
    _export(db, "geojson", out)
    collection = json.loads(out.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in collection["features"]}
    assert kinds == {"event", "place"}
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    taloqan = [
        f
        for f in collection["features"]
        if f["properties"]["kind"] == "event" and f["properties"]["location"] == "Taloqan"
    ]
    assert taloqan and taloqan[0]["properties"]["date"] == "2011-05-28"
    lon, lat = taloqan[0]["geometry"]["coordinates"]
    assert 69 < lon < 70 and 36 < lat < 37


def test_parquet_tables_match_the_jsonl_export(sample_kb, tmp_path: Path) -> None:
    _, _, db = sample_kb
    directory = tmp_path / "kb"
    _export(db, "parquet", directory)
    jsonl = tmp_path / "kb.jsonl"
    _export(db, "jsonl", jsonl)
    rows = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    events = pq.read_table(directory / "events.parquet").to_pylist()
    claims = pq.read_table(directory / "claims.parquet")
    evidence = pq.read_table(directory / "evidence.parquet")
    assert len(events) == sum(1 for r in rows if r["kind"] == "event")
    assert claims.num_rows == sum(1 for r in rows if r["kind"] == "claim")
    assert evidence.num_rows == sum(len(r.get("evidence", [])) for r in rows)
    bombing = [e for e in events if e["date"] == "2009-12-30" and e["fatalities_best"] == 7]
    assert bombing and bombing[0]["sub_event_type"] == "Suicide bomb"
    assert {"owner_kind", "owner_id", "document", "text", "start", "end"} <= set(
        evidence.column_names
    )


def test_as_of_is_refused_where_it_means_nothing(sample_kb, tmp_path: Path) -> None:
    _, _, db = sample_kb
    result = runner.invoke(app, ["export", "--format", "jsonl", "--as-of", "2011", "--db", str(db)])
    assert result.exit_code == 2 and "--as-of does not apply to jsonl" in result.output
