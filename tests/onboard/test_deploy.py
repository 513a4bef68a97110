"""deploy/: the systemd unit passes `systemd-analyze verify`; .env.example lists every setting."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.channels.registry import platform_channels
from bot.settings import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT = DEPLOY / "tcns-bot.service"
EXAMPLE = DEPLOY / ".env.example"
SETTINGS_SOURCE = Path(__file__).resolve().parents[2] / "bot" / "settings.py"

CHANNEL_SUFFIXES = ("BOT_TOKEN", "API_BASE_URL", "WEBHOOK_SECRET", "BOT_USERNAME")
FIELD_ENV: dict[str, tuple[str, ...]] = {
    "database_url": ("DATABASE_URL",),
    "channels": tuple(s.setting(x) for s in platform_channels() for x in CHANNEL_SUFFIXES),
    "admins": ("BOT_ADMINS",),
    "timezone": ("BOT_TIMEZONE",),
    "default_locale": ("BOT_DEFAULT_LOCALE",),
    "invite_ttl_days": ("BOT_INVITE_TTL_DAYS",),
    "log_max_days_back": ("BOT_LOG_MAX_DAYS_BACK",),
    "conversation_ttl_hours": ("BOT_CONVERSATION_TTL_HOURS",),
    "question_retention_days": ("BOT_QUESTION_RETENTION_DAYS",),
    "webhook_base_url": ("WEBHOOK_BASE_URL",),
    "public_base_url": ("PUBLIC_BASE_URL",),
    "file_link_days": ("BOT_FILE_LINK_DAYS",),
    "web_host": ("WEB_HOST",),
    "web_port": ("WEB_PORT",),
    "report_cutoff_day": ("BOT_REPORT_CUTOFF_DAY",),
    "web_frame_ancestors": ("WEB_FRAME_ANCESTORS",),
    "province": ("BOT_PROVINCE",),
    "faq_max_age_days": ("BOT_FAQ_MAX_AGE_DAYS",),
    "ward_list": ("BOT_WARD_LIST",),
    "web_trusted_proxies": ("WEB_TRUSTED_PROXIES",),
    "web_messages_per_address": ("WEB_MESSAGES_PER_ADDRESS",),
    "web_new_chats_per_address": ("WEB_NEW_CHATS_PER_ADDRESS",),
    "web_new_chats_per_minute": ("WEB_NEW_CHATS_PER_MINUTE",),
    "handoffs_per_team_hour": ("BOT_HANDOFFS_PER_TEAM_HOUR",),
    "db_outage_seconds": ("BOT_DB_OUTAGE_SECONDS",),
    "sqlite_busy_ms": ("BOT_SQLITE_BUSY_MS",),
}


def example_variables() -> dict[str, str]:
    """Return each variable of .env.example with the comment line right above it."""
    found: dict[str, str] = {}
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if line and not line.startswith("#"):
            name = line.split("=", 1)[0]
            above = lines[number - 1] if number else ""
            found[name] = above.removeprefix("#").strip() if above.startswith("#") else ""
    return found


def test_every_setting_is_in_env_example_with_a_one_line_comment() -> None:
    fields = {f.name for f in dataclasses.fields(Settings)}
    assert fields == set(FIELD_ENV), (
        "a Settings field was added or removed: list its variable in deploy/.env.example "
        f"(with a comment line) and in FIELD_ENV here: {sorted(fields ^ set(FIELD_ENV))}"
    )
    listed = example_variables()
    read = set(re.findall(r'"((?:BOT|WEB|WEBHOOK|PUBLIC|DATABASE)_[A-Z0-9_]+)"',
                          SETTINGS_SOURCE.read_text()))  # fmt: skip
    suffixes = set(CHANNEL_SUFFIXES)  # spec.setting("BOT_TOKEN"): one per platform, above
    wanted = {name for names in FIELD_ENV.values() for name in names} | (read - suffixes)
    missing = sorted(wanted - set(listed))
    assert not missing, f"deploy/.env.example lacks {missing}"
    assert all(listed[name] for name in wanted), [n for n in wanted if not listed[n]]


def test_env_example_loads_as_settings(tmp_path: Path) -> None:
    copy = tmp_path / ".env"
    copy.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings({}, dotenv=copy)
    assert settings.database_url == "sqlite:///./data/bot.db"
    assert settings.timezone.key == "Asia/Ho_Chi_Minh" and settings.invite_ttl_days == 7


def test_systemd_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed (.ci/run installs the systemd package)")
    # The unit runs /opt/tcns-bot/.venv/bin/python; verify it with this interpreter in its place.
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/tcns-bot/.venv/bin/python", sys.executable))
    done = subprocess.run([tool, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # unknown keys are only warnings: none allowed
    text = UNIT.read_text()
    assert "EnvironmentFile=/etc/tcns-bot/env" in text and "python -m bot run" in text
