"""Load test in webhook mode: thousands of volunteers logging at once, on several worker setups.

For each setup (SQLite with one worker, PostgreSQL with 1, 2 and 4 workers) it seeds a fresh
database with the volunteers (twenty to a team), starts the load process (the fake Bot API
and the volunteers, benchmarks/load/generator.py) and N worker processes
(`python -m bot run --webhook`, WEB_PORT=0, TELEGRAM_API_BASE_URL at the fake), lets every
volunteer post a one-line log and tap Confirm several times, and prints throughput,
latency from webhook POST to the reply reaching the fake, errors, peak RSS and CPU.

PostgreSQL is a temporary cluster with the default durable settings (fsync and
synchronous_commit on, unlike the test suite's), so commits cost what they cost in
production; or pass --postgres-url.

Usage::

    python -m benchmarks.load_webhook             # 2,500 volunteers x 1 log x 2 updates = 5,000
                                                  # updates per setup, 20,000 in all (~12 min)
    python -m benchmarks.load_webhook --quick     # 200 volunteers x 1 log: 400 updates per setup
    python -m benchmarks.load_webhook --users 2000 --logs 5 --setups postgres:4  # 20,000 on one
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.load.generator import SECRET, TOKEN
from benchmarks.load.postgres import DurablePostgres
from benchmarks.load.seed import seed
from handlers.registry import build_router

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"Web chat: (http://\S+)/web/")
TICK = os.sysconf("SC_CLK_TCK")
DEFAULT_SETUPS = "sqlite:1,postgres:1,postgres:2,postgres:4"
LOG_PROBLEMS = {
    "errors": re.compile(r" ERROR "),
    "telegram_retries": re.compile(r"Telegram (429|network error)"),
    "state_conflicts": re.compile(r"State conflict"),
    "db_waits": re.compile(r"Database unavailable"),
}


@dataclass
class Outcome:
    """The figures of one setup."""

    backend: str
    workers: int
    load: dict[str, Any] = field(default_factory=dict)
    peak_rss_mb: list[float] = field(default_factory=list)
    worker_cpu_s: float = 0.0
    postgres_cpu_s: float = 0.0
    load_cpu_s: float = 0.0
    db_growth_bytes: int = 0
    load_average: float = 0.0
    problems: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        """Return the updates per second from first POST to last reply."""
        seconds = float(self.load.get("seconds") or 0.0)
        return float(self.load.get("replies", 0)) / seconds if seconds else 0.0


def cpu_seconds(pid: int) -> float:
    """Return the user+system CPU seconds a process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_mb(pid: int) -> float:
    """Return the peak resident set size (VmHWM) of a process in MiB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def postgres_pids() -> list[int]:
    """Return the processes of every PostgreSQL server on this machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if command.startswith((b"postgres", b"/usr/lib/postgresql")):
                found.append(int(entry.name))
    return found


def postgres_cpu() -> float:
    """Return the CPU seconds used so far by all PostgreSQL processes."""
    return sum(cpu_seconds(pid) for pid in postgres_pids())


def database_bytes(url: str) -> int:
    """Return the size of the database on disk (SQLite file and WAL, or pg_database_size)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in (path, Path(f"{path}-wal")) if p.exists())
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    finally:
        engine.dispose()
    return int(size)


def read_until(stream: IO[str], pattern: re.Pattern[str], what: str) -> re.Match[str]:
    """Read lines from a child's stdout until one matches."""
    for line in stream:
        if match := pattern.search(line):
            return match
    raise RuntimeError(f"{what} exited before it was ready")


class Postgres:
    """The PostgreSQL server of the run: a temporary durable cluster, or a given URL."""

    def __init__(self, url: str | None) -> None:
        self.cluster: DurablePostgres | None = None
        if url is None:
            self.cluster = DurablePostgres()
            url = self.cluster.url
        self.url = url

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        name = f"tcns_load_{uuid.uuid4().hex[:8]}"
        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        """Stop the temporary cluster, if this run started one."""
        if self.cluster is not None:
            self.cluster.stop()


def worker_env(database_url: str, fake_url: str) -> dict[str, str]:
    """Return the environment of one `python -m bot run --webhook` worker."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        WEB_HOST="127.0.0.1",
        WEB_PORT="0",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    return env


def run_setup(
    backend: str, workers: int, args: argparse.Namespace, postgres: Postgres | None, folder: Path
) -> Outcome:
    """Seed, start the load process and the workers, run the load and collect the figures."""
    outcome = Outcome(backend, workers)
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'load.db'}"
    else:
        assert postgres is not None
        url = postgres.new_database()
    seed(url, args.users)
    seeded = database_bytes(url)
    mode = "log" if "log" in build_router().commands else "help"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    load = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.load.generator", "--users", str(args.users),
         "--logs", str(args.logs), "--mode", mode],
        cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    procs: list[subprocess.Popen[str]] = []
    logs: list[Path] = []
    try:
        assert load.stdout is not None and load.stdin is not None
        fake_url = read_until(load.stdout, re.compile(r"^FAKE (\S+)"), "the load process").group(1)
        for n in range(workers):
            logs.append(folder / f"{backend}-{workers}-worker{n}.log")
            command = [sys.executable, "-m", "bot", "run", "--webhook"]
            with logs[-1].open("w") as log:
                worker = subprocess.Popen(
                    command, cwd=folder, env=worker_env(url, fake_url),
                    stdout=subprocess.PIPE, stderr=log, text=True,
                )  # fmt: skip
            procs.append(worker)
        urls = []
        for proc in procs:
            assert proc.stdout is not None
            urls.append(read_until(proc.stdout, READY, "a worker").group(1) + "/webhook/telegram")
        cpu_before = sum(cpu_seconds(p.pid) for p in procs)
        pg_before = postgres_cpu() if postgres else 0.0
        load_before = cpu_seconds(load.pid)
        load.stdin.write(" ".join(urls) + "\n")
        load.stdin.flush()
        result = read_until(load.stdout, re.compile(r"^RESULT (.+)"), "the load process")
        outcome.load = json.loads(result.group(1))
        outcome.worker_cpu_s = sum(cpu_seconds(p.pid) for p in procs) - cpu_before
        outcome.postgres_cpu_s = (postgres_cpu() - pg_before) if postgres else 0.0
        outcome.load_cpu_s = cpu_seconds(load.pid) - load_before
        outcome.peak_rss_mb = [peak_rss_mb(p.pid) for p in procs]
        outcome.load_average = os.getloadavg()[1]
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(60)
        load.terminate()
        load.wait(60)
    outcome.db_growth_bytes = database_bytes(url) - seeded
    text_of_logs = "".join(path.read_text(errors="replace") for path in logs)
    outcome.problems = {
        name: len(pattern.findall(text_of_logs)) for name, pattern in LOG_PROBLEMS.items()
    }
    if args.keep_logs:
        for path in logs:
            shutil.copy(path, Path(args.keep_logs) / path.name)
    return outcome


def table(outcomes: list[Outcome]) -> str:
    """Return the figures as a Markdown table."""
    head = (
        "| setup | updates | s | updates/s | p50 ms | p99 ms | lost+bad | log errors "
        "| peak RSS/worker MiB | worker CPU ms/update | PostgreSQL CPU ms/update "
        "| DB bytes/update | load avg (5 min) |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    rows = []
    for o in outcomes:
        load = o.load
        done = max(1, int(load.get("replies", 0)))
        pg_cpu = f"{1000 * o.postgres_cpu_s / done:.2f}" if o.backend == "postgres" else "–"
        bad = (
            int(load.get("lost", 0))
            + int(load.get("unexpected", 0))
            + int(load.get("post_errors", 0))
        )
        rows.append(
            f"| {o.backend} x{o.workers} | {load.get('sent', 0):,} | {load.get('seconds', 0):.1f} "
            f"| {o.rate:.0f} | {load.get('p50_ms', 0):.0f} | {load.get('p99_ms', 0):.0f} | {bad} "
            f"| {o.problems.get('errors', 0)} | {max(o.peak_rss_mb or [0]):.0f} "
            f"| {1000 * o.worker_cpu_s / done:.2f} "
            f"| {pg_cpu} | {o.db_growth_bytes / done:.0f} | {o.load_average:.1f} |"
        )
    return head + "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Run every setup and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--users", type=int, default=2500, help="volunteers logging at once")
    parser.add_argument("--logs", type=int, default=1, help="logs per volunteer (2 updates each)")
    parser.add_argument("--setups", default=DEFAULT_SETUPS, help="backend:workers, comma-separated")
    parser.add_argument("--quick", action="store_true", help="200 volunteers x 2 logs")
    parser.add_argument("--postgres-url", default=None, help="use this server, not a temporary one")
    parser.add_argument("--keep-logs", default="", help="copy the worker logs to this folder")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.logs = 200, 1
    setups = [(b, int(n)) for b, n in (s.split(":") for s in args.setups.split(","))]
    postgres = Postgres(args.postgres_url) if any(b == "postgres" for b, _ in setups) else None
    outcomes: list[Outcome] = []
    try:
        for backend, workers in setups:
            with tempfile.TemporaryDirectory(prefix="tcns-load-") as folder:
                started = time.monotonic()
                outcome = run_setup(backend, workers, args, postgres, Path(folder))
                outcomes.append(outcome)
                print(
                    f"{backend} x{workers}: {outcome.rate:.0f} updates/s, "
                    f"{outcome.load}, problems {outcome.problems} "
                    f"({time.monotonic() - started:.0f} s with set-up)",
                    flush=True,
                )
    finally:
        if postgres is not None:
            postgres.stop()
    print(f"\n{args.users:,} volunteers x {args.logs} logs x 2 updates, {os.cpu_count()} CPUs\n")
    print(table(outcomes))
    if args.json:
        Path(args.json).write_text(json.dumps([o.__dict__ for o in outcomes], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
