"""Count the taps of the guided /log paths (issue 13 item 4) and print them with their limits.

Each path runs through the real dispatcher and handlers on a fresh SQLite database (migrated),
from the main menu's "Ghi nhận" button to the confirming tap; typed messages are counted apart.
The paths are those of tests/handlers/log_tap_paths.py, which the tests assert on.

Usage: python -m benchmarks.log_taps
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bot.app import build_app
from bot.core.clock import FixedClock
from bot.settings import Settings
from tests.factories import Harness
from tests.handlers.log_tap_paths import PATHS

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # a Wednesday, 09:00 in Vietnam


async def run_path(name: str, folder: Path) -> tuple[int, int, int]:
    """Play one path on its own database; return (taps, typed, most taps allowed)."""
    player, most = PATHS[name]
    url = f"sqlite:///{folder / (str(abs(hash(name))) + '.db')}"
    settings = Settings(database_url=url).with_channel("test")
    app = build_app(settings, clock=FixedClock(NOW), migrate=True)
    try:
        count = await player(Harness(app), app)
    finally:
        app.close()
    return count.taps, count.typed, most


async def main() -> int:
    """Print one line per path; exit 1 if a path takes more taps than allowed."""
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'path':45} {'taps':>4} {'typed':>5} {'limit':>5}")
        for name in PATHS:
            taps, typed, most = await run_path(name, Path(folder))
            failed |= taps > most
            print(f"{name:45} {taps:>4} {typed:>5} {'≤' + str(most):>5}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
