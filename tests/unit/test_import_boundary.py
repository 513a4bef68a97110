"""The core never imports a platform SDK: only bot/channels may import telegram or aiohttp."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE_PACKAGES = ("handlers", "storage", "scheduler", "domain", "bot/core")
FORBIDDEN = {"telegram", "aiohttp"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_sources_do_not_import_platform_sdks() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}: {sorted(_imported_modules(path) & FORBIDDEN)}"
        for package in CORE_PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if _imported_modules(path) & FORBIDDEN
    ]
    assert offenders == []


def test_importing_the_core_loads_no_platform_sdk() -> None:
    modules = [
        str(p.relative_to(ROOT).with_suffix("")).replace("/", ".")
        for package in CORE_PACKAGES
        for p in (ROOT / package).rglob("*.py")
        if "migrations" not in p.parts
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name.removesuffix('.__init__'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'aiohttp')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "[]"
