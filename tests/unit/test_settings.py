"""Settings from the environment: defaults, parsing, and one clear line for bad values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import DEFAULT_DATABASE_URL, SettingsError, load_settings


def test_defaults_need_no_configuration() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone.key == "Asia/Ho_Chi_Minh"
    assert settings.default_locale == "vi"
    assert settings.channel("telegram").api_base_url == "https://api.telegram.org/bot"
    assert settings.channel("telegram").token == ""


def test_values_are_parsed() -> None:
    settings = load_settings(
        {
            "BOT_ADMINS": "telegram:123456789, zalo:abc123",
            "TELEGRAM_BOT_TOKEN": "123:ABC",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "BOT_DEFAULT_LOCALE": "en",
            "DATABASE_URL": "postgresql://u@localhost/db",
        },
        dotenv=None,
    )
    assert settings.admins == {("telegram", "123456789"), ("zalo", "abc123")}
    assert settings.is_admin("zalo", "abc123") and not settings.is_admin("telegram", "abc123")
    assert settings.channel("telegram").api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.default_locale == "en"


def test_dotenv_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("BOT_DEFAULT_LOCALE=en\nTELEGRAM_BOT_TOKEN='1:x'\n# comment\n")
    settings = load_settings({"BOT_DEFAULT_LOCALE": "vi"}, dotenv=env_file)
    assert settings.default_locale == "vi"
    assert settings.channel("telegram").token == "1:x"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("BOT_DEFAULT_LOCALE", "fr"),
        ("BOT_ADMINS", "telegram123"),
        ("BOT_ADMINS", "icq:42"),
        ("DATABASE_URL", "mysql://x"),
        ("TELEGRAM_API_BASE_URL", "ftp://x"),
        ("TELEGRAM_BOT_TOKEN", "no-colon"),
        ("BOT_INVITE_TTL_DAYS", "-3"),
    ],
)
def test_bad_value_names_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value}, dotenv=None)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)


def test_cli_stops_with_exit_code_2_and_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "db", "current"],
        env={"BOT_TIMEZONE": "Nowhere/City", "PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TIMEZONE" in lines[0]


def test_cli_help_lists_subcommands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for name in ("run", "chat", "db", "team", "invite"):
        assert name in result.stdout
