"""A throw-away PostgreSQL cluster for the test suite (initdb + pg_ctl on 127.0.0.1).

Used when TEST_POSTGRES_URL is not set and PostgreSQL binaries are installed; initdb refuses
to run as root, so as root the cluster runs as the 'postgres' user.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """Return the newest PostgreSQL bin folder on this machine, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class TempPostgres:
    """A running temporary cluster; `url` connects as the superuser."""

    bindir: Path
    datadir: Path
    port: int
    as_postgres_user: bool

    @property
    def url(self) -> str:
        """Return the SQLAlchemy URL of the 'postgres' database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_postgres_user:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    @classmethod
    def start(cls, bindir: Path) -> TempPostgres:
        """Create a cluster in a temporary folder and start it."""
        as_postgres = os.geteuid() == 0
        datadir = Path(tempfile.mkdtemp(prefix="tcns-pg-"))
        if as_postgres:
            shutil.chown(datadir, "postgres", "postgres")
        server = cls(bindir, datadir, _free_port(), as_postgres)
        server._run(
            str(bindir / "initdb"),
            "-D",
            str(datadir / "data"),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        server._run(
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir / "data"),
            "-w",
            "-l",
            str(datadir / "log"),
            "-o",
            f"-p {server.port} -c listen_addresses=127.0.0.1 -k {datadir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
            "start",
        )
        return server

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        try:
            self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.datadir / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            )
        finally:
            shutil.rmtree(self.datadir, ignore_errors=True)
