"""Shared fixtures: paths to ../shared, knowledge bases built once per test session, and the
back ends a knowledge base can live in.

The storage, query, API and end-to-end tests run on SQLite and on PostgreSQL: each test of the
modules in `BOTH_BACKENDS` that asks for `backend` (directly, or through `kb_db`, `new_kb_db`
or `sample_kb`) runs once per back end, unless marked `sqlite_only` (it reads SQLite's own
files or pragmas). PostgreSQL is the server at $FACTIONS_TEST_POSTGRES (a URL such as
postgresql://postgres@/postgres?host=/tmp/sock; `bash scripts/postgres` starts one and sets
it); each test and each session-wide knowledge base gets a database of its own, created and
dropped here. Without that variable the PostgreSQL runs skip with the reason; with
$FACTIONS_REQUIRE_POSTGRES=1 (CI) a server that is not there or not reachable fails them.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from factions.packaged import data_path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "corpus" / "seeds"


def require_shared(path: Path = SHARED) -> Path:
    """The path under ../shared, or a clean skip saying why it is missing."""
    if not path.exists():
        pytest.skip(f"../shared absent: {path} not found (third-party data lives there)")
    return path


def sample_corpus() -> Path:
    return data_path("sample", "corpus")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


POSTGRES_ENV = "FACTIONS_TEST_POSTGRES"
REQUIRE_POSTGRES_ENV = "FACTIONS_REQUIRE_POSTGRES"
BACKENDS = ("sqlite", "postgresql")
# The test modules whose knowledge bases are made on both back ends.
BOTH_BACKENDS = {
    "test_api",
    "test_concurrency",
    "test_curation",
    "test_derived",
    "test_exports",
    "test_linker",
    "test_pipeline",
    "test_query_events",
    "test_query_network",
    "test_relation_index",
    "test_store",
    "test_web_curation",
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: reads SQLite's own files or pragmas; never run on PostgreSQL"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rsplit(".", 1)[-1]
    if (
        "backend" in metafunc.fixturenames
        and module in BOTH_BACKENDS
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("backend", BACKENDS, indirect=True, scope="session")


class PostgresServer:
    """The PostgreSQL server tests may use: makes and drops databases of their own on it."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import make_url

        self.url = make_url(url)
        self._created: list[str] = []
        # Frozen copies of knowledge bases that tests keep connections to (the sample), which
        # PostgreSQL cannot copy while in use: copies are made from these, which nobody opens.
        self._frozen: dict[str, str] = {}

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(
            self.url.set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        )

    def check(self) -> str:
        """The server's version; raises when it cannot be reached."""
        with self._admin() as conn:
            return str(conn.execute("SHOW server_version").fetchone()[0])

    def create(self, copy_of: str | None = None) -> str:
        """A new database's URL (postgresql://...), empty or a copy of another one's (which
        nobody may be connected to), to be dropped by `drop`."""
        from sqlalchemy import make_url

        name = f"factions_test_{uuid.uuid4().hex[:12]}"
        source = make_url(copy_of).database if copy_of else None
        source = self._frozen.get(source, source)  # type: ignore[arg-type]
        template = f' TEMPLATE "{source}"' if source else ""
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}"{template}')
        self._created.append(name)
        return self.url.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )

    def freeze(self, url: str) -> None:
        """Keep a copy of the database at `url` as it is now (nobody may be connected to it),
        from which `create(copy_of=url)` copies from then on."""
        from sqlalchemy import make_url

        name = make_url(url).database
        frozen = make_url(self.create(copy_of=url)).database
        self._frozen[name] = frozen  # type: ignore[index]

    def drop_all(self) -> None:
        for name in list(self._created):
            self.drop(self.url.set(database=name).render_as_string(hide_password=False))

    def drop(self, url: str) -> None:
        from sqlalchemy import make_url

        name = make_url(url).database
        for each in (name, self._frozen.pop(name, None)):  # type: ignore[arg-type]
            if each is None:
                continue
            with self._admin() as conn:
                # FORCE: engines a test left open must not keep the database alive.
                conn.execute(f'DROP DATABASE IF EXISTS "{each}" WITH (FORCE)')
            if each in self._created:
                self._created.remove(each)


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_POSTGRES_ENV) == "1":
        pytest.fail(f"PostgreSQL required (${REQUIRE_POSTGRES_ENV}=1) but {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """The server at $FACTIONS_TEST_POSTGRES; skips (fails in CI) when there is none. Every
    database made on it is dropped by the end of the session."""
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        _unavailable(f"${POSTGRES_ENV} is not set (bash scripts/postgres pytest ... sets it)")
    server = PostgresServer(url)  # type: ignore[arg-type]
    try:
        server.check()
    except Exception as exc:
        _unavailable(f"the server at ${POSTGRES_ENV} cannot be reached: {exc}".splitlines()[0])
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    """Where this test's knowledge bases live: "sqlite" (a file) or "postgresql"."""
    name = getattr(request, "param", "sqlite")
    if name == "postgresql":
        request.getfixturevalue("postgres_server")
    return name


@pytest.fixture
def new_kb_db(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Callable[[str], str]]:
    """Makes fresh knowledge base locations on the test's back end, each what `--db` takes: an
    SQLite file under tmp_path (named as asked) or a new PostgreSQL database, dropped after;
    empty, or a copy of the knowledge base at `copy_of` (dispose of its engines first)."""
    made: list[str] = []
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None

    def make(name: str = "kb.db", copy_of: str | Path | None = None) -> str:
        if server is None:
            path = tmp_path / name
            if copy_of is not None:
                _copy_sqlite(Path(copy_of), path)
            return str(path)
        made.append(server.create(str(copy_of) if copy_of else None))
        return made[-1]

    yield make
    for url in made:
        server.drop(url)  # type: ignore[union-attr]


def _copy_sqlite(db: Path, copy: Path) -> None:
    """A consistent copy of a live WAL database (a file copy would miss the log)."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)


@pytest.fixture
def kb_db(new_kb_db: Callable[[str], str]) -> str:
    """A fresh knowledge base location on the test's back end (see new_kb_db)."""
    return new_kb_db("kb.db")


# Built once per back end however many times pytest sets the fixture up.
_SAMPLE_KBS: dict[str, tuple] = {}


@pytest.fixture(scope="session")
def sample_kb(backend: str, tmp_path_factory: pytest.TempPathFactory, request):  # type: ignore[no-untyped-def]
    """The sample corpus ingested once per back end: (engine, report, db) where db is what
    `--db` takes: a Path to the SQLite file, or the PostgreSQL URL."""
    return sample_kb_on(backend, tmp_path_factory, request)


def sample_kb_on(backend: str, tmp_path_factory: pytest.TempPathFactory, request):  # type: ignore[no-untyped-def]
    """The sample knowledge base on a back end, built the first time it is asked for; a
    PostgreSQL one is dropped when `request`'s fixture or test ends."""
    if backend not in _SAMPLE_KBS:
        from factions.ingest.run import ingest_paths
        from factions.store import open_database

        if backend == "postgresql":
            server: PostgresServer = request.getfixturevalue("postgres_server")
            db = server.create()
            request.addfinalizer(lambda: _drop_sample_kb(server, db))
        else:
            db = tmp_path_factory.mktemp("sample") / "sample.db"
        engine = open_database(str(db))
        report = ingest_paths([sample_corpus()], engine)
        if backend == "postgresql":
            engine.dispose()
            server.freeze(db)
        _SAMPLE_KBS[backend] = (engine, report, db)
    return _SAMPLE_KBS[backend]


def _drop_sample_kb(server: PostgresServer, db: str) -> None:
    engine = _SAMPLE_KBS.pop("postgresql")[0]
    engine.dispose()
    server.drop(db)


@pytest.fixture(scope="session")
def seeds_kb(tmp_path_factory: pytest.TempPathFactory):
    """The two seed articles ingested once with their metadata: (engine, report, db path)."""
    require_shared(SEEDS)
    from factions.ingest.run import ingest_paths
    from factions.store import open_database

    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    engine = open_database(str(db))
    report = ingest_paths([SEEDS], engine, metadata_file=SEEDS / "metadata.jsonl")
    return engine, report, db
