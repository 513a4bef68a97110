"""FAQ settings: the province pack (BOT_PROVINCE) and the audit's maximum age."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_faq_defaults() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.province == "da_nang"
    assert settings.faq_max_age_days == 180


def test_faq_values_are_parsed() -> None:
    settings = load_settings({"BOT_PROVINCE": " NONE ", "BOT_FAQ_MAX_AGE_DAYS": "90"}, dotenv=None)
    assert settings.province == "none"
    assert settings.faq_max_age_days == 90


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BOT_PROVINCE", "hue"), ("BOT_PROVINCE", "../da_nang"), ("BOT_FAQ_MAX_AGE_DAYS", "0")],
)
def test_bad_faq_values_name_the_variable(variable: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value}, dotenv=None)
    assert caught.value.variable == variable
    if variable == "BOT_PROVINCE":
        assert "none, da_nang" in str(caught.value)
