"""A throw-away PostgreSQL server on loopback, for the tests that run against PostgreSQL.

Uses Debian's PostgreSQL binaries (/usr/lib/postgresql/<version>/bin); `make test`
installs the package when it is missing. The server runs as the `postgres` user when the
tests run as root (initdb refuses root), with trust authentication on 127.0.0.1 only, and
is stopped and deleted afterwards.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from scripts.stack import free_port

# A cluster starts in about a second; a loaded CI machine gets more.
START_TIMEOUT_SECONDS = 60


def binaries() -> Path | None:
    """The folder of the newest installed PostgreSQL's server binaries, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def local_postgres() -> Iterator[str]:
    """Start a server, create database `vascern`, yield its URL; stop and delete it after."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed (Debian package `postgresql`)")
    work = Path(tempfile.mkdtemp(prefix="vascern-pg-"))
    data, port = work / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(work, "postgres")
    try:
        subprocess.run(
            _as_owner(
                [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(work / "log"),
                    "-w",
                    "-t",
                    str(START_TIMEOUT_SECONDS),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "vascern"],
            check=True,
            capture_output=True,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/vascern"
    finally:
        subprocess.run(
            _as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        time.sleep(0.2)
        shutil.rmtree(work, ignore_errors=True)
