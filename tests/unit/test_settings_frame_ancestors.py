"""WEB_FRAME_ANCESTORS: the sites that may show the web chat in a frame (default: none but itself)."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_by_default_no_other_site_may_frame_the_chat() -> None:
    assert load_settings({}, dotenv=None).web_frame_ancestors == ()


def test_sites_are_read_from_a_comma_or_space_separated_list() -> None:
    raw = "https://phuong-haichau.danang.gov.vn/, https://*.danang.gov.vn  http://localhost:8000"
    settings = load_settings({"WEB_FRAME_ANCESTORS": raw}, dotenv=None)
    assert settings.web_frame_ancestors == (
        "https://phuong-haichau.danang.gov.vn",
        "https://*.danang.gov.vn",
        "http://localhost:8000",
    )


@pytest.mark.parametrize(
    "value",
    [
        "*",
        "phuong-haichau.danang.gov.vn",
        "https://phuong-haichau.danang.gov.vn/tin-tuc",
        "https://a.vn;script-src *",
        "'unsafe-inline'",
        "javascript:alert(1)",
    ],
)
def test_anything_but_a_site_is_refused_naming_the_variable(value: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings({"WEB_FRAME_ANCESTORS": value}, dotenv=None)
    assert refused.value.variable == "WEB_FRAME_ANCESTORS"
