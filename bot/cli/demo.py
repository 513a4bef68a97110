"""`python -m bot demo`: a demo ward with teams and three months of logged sessions."""

from __future__ import annotations

import argparse

from bot.app import build_app
from bot.cli.base import Subcommand, say
from bot.cli.chat import DEMO_TEAM, DEMO_WARD
from bot.settings import Settings
from storage.demo import create_demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--teams", type=int, default=3, help="how many demo teams")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Create the demo ward (its first team is the console leader's 'Tổ Demo')."""
    app = build_app(settings)
    try:
        now = app.parts.clock.now()
        summary = app.db.run_sync(
            lambda s: create_demo(
                s, now=now, tz=settings.timezone, ward_name=DEMO_WARD, team_name=DEMO_TEAM,
                seed=args.seed, extra_teams=max(0, args.teams - 1),
                cutoff=settings.report_cutoff_day,
            )
        )  # fmt: skip
        if not summary.created:
            say(f"The demo ward already has data (teams {list(summary.team_ids)}).")
        else:
            say(
                f"Created {summary.people} volunteers and {summary.sessions} sessions in "
                f"{len(summary.team_ids)} teams of {DEMO_WARD} (ward {summary.ward_id})."
            )
        say("Try: python -m bot chat --as leader, then /digest, /report and /hours")
        say(f"Or: python -m bot report --ward {summary.ward_id}")
        return 0
    finally:
        app.close()


COMMAND = Subcommand(
    "demo", "create a demo ward with teams and 3 months of sessions", add_arguments, run
)
