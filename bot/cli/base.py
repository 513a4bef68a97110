"""What every CLI subcommand is made of, and the few helpers they share."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass

from bot.settings import Settings

Run = Callable[[argparse.Namespace, Settings], int]


@dataclass(frozen=True)
class Subcommand:
    """One `python -m bot NAME`: its help line, its arguments and what it runs (exit code)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Run


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For subcommands that take no arguments."""


def say(line: str, *, error: bool = False) -> None:
    """Write one line for the person at the terminal (errors on stderr)."""
    (sys.stderr if error else sys.stdout).write(line + "\n")


def print_json(value: object) -> None:
    """Print one JSON document."""
    say(json.dumps(value, ensure_ascii=False))
