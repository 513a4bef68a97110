"""Channels are plugins: settings, names, webhooks and notifications come from the registry."""

from __future__ import annotations

from bot.channels.registry import CHANNELS, notify_channels, platform_channels
from bot.core.i18n import LOCALES_DIR, read_catalog
from bot.settings import load_settings


def test_every_platform_channel_is_configured_from_its_own_variables() -> None:
    env: dict[str, str] = {}
    for spec in platform_channels():
        env[spec.setting("BOT_TOKEN")] = f"1:{spec.name}"
        env[spec.setting("API_BASE_URL")] = f"http://127.0.0.1:9/{spec.name}"
        env[spec.setting("WEBHOOK_SECRET")] = f"secret-{spec.name}-0123"
    settings = load_settings(env, dotenv=None)
    assert settings.configured_channels() == [spec.name for spec in platform_channels()]
    for spec in platform_channels():
        config = settings.channel(spec.name)
        assert config.token == f"1:{spec.name}"
        assert config.api_base_url.endswith(spec.name)
        assert config.webhook_secret == f"secret-{spec.name}-0123"


def test_without_variables_each_channel_has_its_default_address() -> None:
    settings = load_settings({}, dotenv=None)
    assert settings.configured_channels() == []
    for spec in platform_channels():
        assert settings.channel(spec.name).api_base_url == spec.default_api_base_url


def test_names_are_unique_and_shown_in_both_languages() -> None:
    names = [spec.name for spec in CHANNELS]
    assert len(names) == len(set(names))
    paths = [spec.webhook_path for spec in platform_channels()]
    assert len(paths) == len(set(paths)) and all(p.startswith("/webhook/") for p in paths)
    for lang in ("vi", "en"):
        catalog = read_catalog(LOCALES_DIR / lang / "LC_MESSAGES")
        assert all(spec.display_key in catalog for spec in CHANNELS)


def test_only_platforms_with_a_factory_carry_notifications() -> None:
    assert set(notify_channels()) <= {spec.name for spec in platform_channels()}
    for spec in platform_channels():
        module, _, function = spec.factory.partition(":")
        assert module.startswith("bot.channels.") and function
