"""PUBLIC_BASE_URL and BOT_FILE_LINK_DAYS: where file links point, how long they work."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_public_address_and_link_days_are_read() -> None:
    settings = load_settings(
        {"PUBLIC_BASE_URL": "https://bot.phuong.example.org/", "BOT_FILE_LINK_DAYS": "3"},
        dotenv=None,
    )
    assert settings.public_url == "https://bot.phuong.example.org"
    assert settings.file_link_days == 3
    defaults = load_settings({}, dotenv=None)
    assert (defaults.public_url, defaults.file_link_days) == ("", 7)


def test_the_webhook_address_serves_files_when_no_public_address_is_set() -> None:
    hook = load_settings({"WEBHOOK_BASE_URL": "https://hook.example.org"}, dotenv=None)
    assert hook.public_url == "https://hook.example.org"
    both = load_settings(
        {
            "WEBHOOK_BASE_URL": "https://hook.example.org",
            "PUBLIC_BASE_URL": "https://files.example.org",
        },
        dotenv=None,
    )
    assert both.public_url == "https://files.example.org"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("PUBLIC_BASE_URL", "bot.example.org"),
        ("BOT_FILE_LINK_DAYS", "0"),
        ("BOT_FILE_LINK_DAYS", "7d"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({variable: value}, dotenv=None)
    assert raised.value.variable == variable
