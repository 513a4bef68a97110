"""The CLI is a package: one module per subcommand, registered once, no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.cli import SUBCOMMANDS, build_parser

CLI = Path(__file__).resolve().parents[2] / "bot" / "cli"


def test_subcommand_modules_import_only_the_shared_base() -> None:
    for path in CLI.glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot.cli"):
                allowed = node.module in ("bot.cli.base", "bot.cli.chat")  # chat: demo names
                assert allowed, f"{path.name} imports {node.module}: a cycle waiting to happen"


def test_every_subcommand_is_registered_once_and_parses() -> None:
    names = [each.name for each in SUBCOMMANDS]
    assert len(names) == len(set(names))
    parser = build_parser()
    for name in names:
        assert name in parser.format_help()
    assert build_parser().parse_args(["invite", "--team", "1", "--role", "leader"]).team == 1
