"""Same output: a speed change must leave what factions extracts and stores unchanged.

Three corpora are ingested, each into a fresh knowledge base, and exported as JSON Lines: the
built-in sample corpus, `--generated` documents made from it (bench/common.py) and the first
`--gtd` summaries of the GTD dev set in ../shared/eval (left out, with the reason, when it is
absent). The extraction records of the sample and generated documents are written too (their
repr, field for field, so that a change the export would hide still shows). `--save DIR`
writes them as the reference; `--check DIR` makes them again and compares byte for byte,
printing the first line that differs in each file. Run from the repository root before a
change, then after it:
    PYTHONPATH=src .venv/bin/python bench/same_output.py --save /tmp/reference
    PYTHONPATH=src .venv/bin/python bench/same_output.py --check /tmp/reference
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from common import sample_texts, varied_corpus
from scale import write_corpus

from factions.evaluation.gtd import read_gtd
from factions.export.jsonl import write_jsonl
from factions.extract import Extractor
from factions.ingest.documents import make_document
from factions.ingest.run import ingest_paths
from factions.packaged import data_path
from factions.store import open_database

GTD_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "events-gtd"
GTD_FILE = "gtd-2021h1-dev.csv"
# The corpora are written under one fixed folder so that the documents' sources, which the
# export carries, are the same path in every run.
CORPUS_ROOT = Path(tempfile.gettempdir()) / "factions-same-output"
# Stamped at ingest time, so never the same twice.
VOLATILE = ("ingested_at",)


def gtd_corpus(limit: int) -> Path | None:
    """The first `limit` GTD dev summaries as one JSON Lines corpus, or None without the set."""
    source = GTD_DEV / GTD_FILE
    if not source.is_file():
        print(f"GTD dev set left out: {source} is absent")
        return None
    path = CORPUS_ROOT / "gtd.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in read_gtd(source, limit):
            record = {"text": row.summary, "title": row.key}
            if row.published:
                record["published"] = row.published
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def corpora(generated: int, gtd: int) -> dict[str, Path]:
    """The corpora by name, written afresh under CORPUS_ROOT."""
    if CORPUS_ROOT.exists():
        for path in sorted(CORPUS_ROOT.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
    CORPUS_ROOT.mkdir(parents=True, exist_ok=True)
    named = {
        "sample": data_path("sample", "corpus"),
        "generated": write_corpus(CORPUS_ROOT, varied_corpus(generated), 0, generated),
    }
    gtd_path = gtd_corpus(gtd) if gtd else None
    if gtd_path is not None:
        named["gtd"] = gtd_path
    return named


def stable(line: str) -> str:
    """An export line with its ingest-time stamps blanked."""
    row = json.loads(line)
    for key in VOLATILE:
        if key in row:
            row[key] = None
    return json.dumps(row, ensure_ascii=False)


def exported(path: Path, extractor: Extractor) -> str:
    """The JSON Lines export of a fresh knowledge base holding the corpus at `path`."""
    with tempfile.TemporaryDirectory(prefix="factions-same-") as tmp:
        engine = open_database(str(Path(tmp) / "kb.db"))
        try:
            report = ingest_paths([path], engine, extractor=extractor)
            out = io.StringIO()
            with engine.connect() as conn:
                write_jsonl(conn, out)
        finally:
            engine.dispose()
    failures = "".join(f"failed: {f.source}: {f.reason}\n" for f in report.failed)
    return failures + "".join(stable(line) + "\n" for line in out.getvalue().splitlines())


def records(extractor: Extractor, generated: int) -> Iterator[str]:
    """Each extraction of the sample and generated documents, field for field."""
    texts = sample_texts() + varied_corpus(generated)
    documents = [make_document(t, m, source=f"same#{i}") for i, (t, m) in enumerate(texts)]
    for extraction in extractor.extract_many(documents):
        yield repr(extraction) + "\n"


def outputs(generated: int, gtd: int) -> Iterator[tuple[str, str]]:
    """(file name, text) of every output, made afresh."""
    extractor = Extractor()
    for name, path in corpora(generated, gtd).items():
        started = time.perf_counter()
        text = exported(path, extractor)
        print(f"{name}: {text.count(chr(10))} export lines, {time.perf_counter() - started:.1f}s")
        yield f"{name}.jsonl", text
    yield "records.txt", "".join(records(extractor, generated))


def first_difference(old: str, new: str) -> str:
    """Where two texts first differ, as a short line."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), 1):
        if a != b:
            return f"line {number}:\n  reference: {a[:400]}\n  now:       {b[:400]}"
    return f"{len(old_lines)} lines in the reference, {len(new_lines)} now"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--save", type=Path, help="write the reference here")
    mode.add_argument("--check", type=Path, help="compare with the reference here")
    parser.add_argument("--generated", type=int, default=300)
    parser.add_argument("--gtd", type=int, default=300)
    args = parser.parse_args()
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
        for name, text in outputs(args.generated, args.gtd):
            (args.save / name).write_text(text, encoding="utf-8")
        print(f"reference written to {args.save}")
        return
    if not args.check.is_dir():
        raise SystemExit(f"{args.check}: no reference there (make one with --save)")
    differ = 0
    for name, text in outputs(args.generated, args.gtd):
        reference = args.check / name
        if not reference.is_file():
            raise SystemExit(f"{reference}: missing from the reference")
        old = reference.read_text(encoding="utf-8")
        if old == text:
            print(f"{name}: identical ({len(text):,} characters)")
        else:
            differ += 1
            print(f"{name}: DIFFERS, {first_difference(old, text)}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
