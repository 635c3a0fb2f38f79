"""Shared test paths and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
REAL_HTML = SHARED / "real-html"
PUBLIC_DATA = SHARED / "public-data"


def shared_file(relative: str) -> Path:
    """A file from ../shared/; fails (not skips) with a clear message when it is missing."""
    path = SHARED / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: these tests read ../shared/ beside the project checkout")
    return path


# --- store databases (issue 4): the same store tests run on SQLite and on PostgreSQL ---


def _pg_binary(name: str) -> str:
    import glob as _glob
    import shutil

    found = shutil.which(name) or next(iter(sorted(_glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                                                   reverse=True)), None)
    if found is None:
        pytest.fail(f"PostgreSQL server binary {name!r} not found: apt-get install -y postgresql")
    return found


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL server for the session; yields its base URL (no database).

    Runs initdb/pg_ctl directly (as the ``postgres`` user when the suite runs as root,
    since PostgreSQL refuses to run as root), trust auth on 127.0.0.1, fsync off.
    """
    import os
    import shutil
    import socket
    import subprocess
    import tempfile

    user: str | None = None
    if os.geteuid() == 0:
        import pwd

        user = "postgres" if any(p.pw_name == "postgres" for p in pwd.getpwall()) else "nobody"
    base = Path(tempfile.mkdtemp(prefix="ingest-pg-"))
    if user is not None:
        shutil.chown(base, user)
    data = base / "data"
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    def run(*args: str) -> None:
        subprocess.run(args, user=user, check=True, capture_output=True, cwd=base)

    run(_pg_binary("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
        "--no-sync")
    options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100")
    run(_pg_binary("pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"),
        "-w", "-t", "60", "start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run([_pg_binary("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       user=user, capture_output=True, check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a new database on the session server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    import uuid

    import psycopg

    base = request.getfixturevalue("postgres_server")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
