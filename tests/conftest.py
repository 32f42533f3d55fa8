"""Session-wide test plumbing: print the figures that tests write to var/reports/.

Quality tests (held-out NLU macro-F1, safety recall and false-positive rate) write their
figures to var/reports/*.txt; this prints those written during the run at the end of the
pytest output, so `make test` shows them whether the floors pass or not.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "var" / "reports"
_STARTED = time.time()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print every report file written since this session started."""
    fresh = sorted(p for p in REPORTS.glob("*.txt") if p.stat().st_mtime >= _STARTED)
    for report in fresh:
        terminalreporter.write_sep("-", f"figures: {report.relative_to(REPORTS.parents[1])}")
        terminalreporter.write(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml as Rasa sends it to the action server (and web renders the disclaimer from)."""
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server on loopback for the whole session (scripts/postgres.py): its URL."""
    from scripts.postgres import local_postgres

    with local_postgres() as url:
        yield url


_databases = itertools.count()


def fresh_postgres_database(server_url: str) -> str:
    """A new, empty database on the session's server: its URL."""
    from sqlalchemy import create_engine, text

    name = f"test_{os.getpid()}_{next(_databases)}"
    engine = create_engine(
        server_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """Each test that asks for it runs twice: on an SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'transcripts.sqlite3'}"
    return fresh_postgres_database(request.getfixturevalue("postgres_server"))
