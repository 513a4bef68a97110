"""A temporary PostgreSQL cluster with production durability (fsync and synchronous commit on)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from tests.support.postgres import find_bindir


class DurablePostgres:
    """initdb + pg_ctl in a temporary folder, default durability; as root it runs as 'postgres'."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise SystemExit("No PostgreSQL here: install it or pass --postgres-url")
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="tcns-load-pg-"))
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        data = str(self.folder / "data")
        self._run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "--encoding=UTF8")
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
        options += "-c max_connections=200 -c shared_buffers=128MB"
        self._run(
            "pg_ctl", "-D", data, "-w", "-l", str(self.folder / "log"), "-o", options, "start"
        )

    @property
    def url(self) -> str:
        """Return the superuser URL of the 'postgres' database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def stop(self) -> None:
        """Stop the cluster and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
