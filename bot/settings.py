"""Configuration from environment variables (and an optional .env file), in one object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SUPPORTED_LOCALES = ("vi", "en")
KNOWN_CHANNELS = ("telegram", "zalo", "console", "web")
DEFAULT_DATABASE_URL = "sqlite:///./data/bot.db"
DEFAULT_TELEGRAM_API = "https://api.telegram.org/bot"
DEFAULT_ZALO_API = "https://bot-api.zaloplatforms.com"
DEFAULT_PROVINCE = "da_nang"
PROVINCE_PACKS = Path(__file__).resolve().parents[1] / "locales" / "faq" / "provinces"


class SettingsError(ValueError):
    """A configuration value is missing or wrong; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class Settings:
    """Everything the bot reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    telegram_bot_token: str = ""
    telegram_api_base_url: str = DEFAULT_TELEGRAM_API
    telegram_bot_username: str = ""
    admins: frozenset[tuple[str, str]] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    default_locale: str = "vi"
    invite_ttl_days: int = 7
    log_max_days_back: int = 60
    conversation_ttl_hours: int = 24
    question_retention_days: int = 90
    zalo_bot_token: str = ""
    zalo_api_base_url: str = DEFAULT_ZALO_API
    webhook_base_url: str = ""
    telegram_webhook_secret: str = ""
    zalo_webhook_secret: str = ""
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    report_cutoff_day: int = 1
    province: str = DEFAULT_PROVINCE
    """The FAQ province pack (locales/faq/provinces/<name>.yaml), or "none" for national topics."""
    faq_max_age_days: int = 180
    """FAQ topics checked longer ago than this are listed by `python -m bot faq audit`."""

    def is_admin(self, channel: str, user_id: str) -> bool:
        """Tell whether this channel identity is named in BOT_ADMINS."""
        return (channel, user_id) in self.admins


def read_dotenv(path: Path) -> dict[str, str]:
    """Read KEY=VALUE lines from a .env file; missing file means no values."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        values[name.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def _parse_admins(raw: str) -> frozenset[tuple[str, str]]:
    admins: set[tuple[str, str]] = set()
    for item in filter(None, (part.strip() for part in raw.split(","))):
        channel, sep, user_id = item.partition(":")
        if not sep or channel not in KNOWN_CHANNELS or not user_id.strip():
            raise SettingsError(
                "BOT_ADMINS", f"'{item}' is not channel:user_id (e.g. telegram:123456789)"
            )
        admins.add((channel, user_id.strip()))
    return frozenset(admins)


def _parse_positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) <= 0:
        raise SettingsError(name, f"'{raw}' is not a positive whole number")
    return int(raw)


def _parse_database_url(raw: str) -> str:
    url = raw.strip() or DEFAULT_DATABASE_URL
    if not url.startswith(("sqlite", "postgresql", "postgres")):
        raise SettingsError("DATABASE_URL", f"'{url}' is neither sqlite:/// nor postgresql://")
    return url


def _parse_base_url(raw: str) -> str:
    url = raw.strip() or DEFAULT_TELEGRAM_API
    if not url.startswith(("http://", "https://")):
        raise SettingsError("TELEGRAM_API_BASE_URL", f"'{url}' is not an http(s) URL")
    return url


def _parse_http_url(env: Mapping[str, str], name: str, default: str) -> str:
    url = env.get(name, "").strip().rstrip("/") or default
    if url and not url.startswith(("http://", "https://")):
        raise SettingsError(name, f"'{url}' is not an http(s) URL")
    return url


def _parse_secret(env: Mapping[str, str], name: str, shortest: int) -> str:
    secret = env.get(name, "").strip()
    if secret and not (
        shortest <= len(secret) <= 256
        and all(ch.isascii() and (ch.isalnum() or ch in "_-") for ch in secret)
    ):
        raise SettingsError(
            name, f"must be {shortest}-256 characters of A-Z, a-z, 0-9, _ and - (value hidden)"
        )
    return secret


def _parse_port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 <= int(raw) <= 65535:
        raise SettingsError(name, f"'{raw}' is not a port number (0-65535)")
    return int(raw)


def _parse_cutoff_day(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 28:
        raise SettingsError(name, f"'{raw}' is not a day of the month from 1 to 28")
    return int(raw)


def _parse_province(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip().lower() or DEFAULT_PROVINCE
    known = sorted(path.stem for path in PROVINCE_PACKS.glob("*.yaml"))
    if raw != "none" and raw not in known:
        raise SettingsError(name, f"'{raw}' is not one of: none, {', '.join(known)}")
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env")
) -> Settings:
    """Build Settings from the environment, with .env values as defaults; raise SettingsError."""
    env: dict[str, str] = read_dotenv(dotenv) if dotenv is not None else {}
    env.update(os.environ if environ is None else environ)
    tz_name = env.get("BOT_TIMEZONE", "").strip() or "Asia/Ho_Chi_Minh"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError("BOT_TIMEZONE", f"'{tz_name}' is not a known time zone") from exc
    locale = env.get("BOT_DEFAULT_LOCALE", "").strip() or "vi"
    if locale not in SUPPORTED_LOCALES:
        raise SettingsError("BOT_DEFAULT_LOCALE", f"'{locale}' is not one of vi, en")
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
    if token and ":" not in token:
        raise SettingsError("TELEGRAM_BOT_TOKEN", "does not look like <bot id>:<secret>")
    zalo_token = env.get("ZALO_BOT_TOKEN", "").strip()
    if zalo_token and (":" not in zalo_token or any(ch.isspace() for ch in zalo_token)):
        raise SettingsError("ZALO_BOT_TOKEN", "does not look like <bot id>:<secret>")
    return Settings(
        database_url=_parse_database_url(env.get("DATABASE_URL", "")),
        telegram_bot_token=token,
        telegram_api_base_url=_parse_base_url(env.get("TELEGRAM_API_BASE_URL", "")),
        telegram_bot_username=env.get("TELEGRAM_BOT_USERNAME", "").strip().lstrip("@"),
        admins=_parse_admins(env.get("BOT_ADMINS", "")),
        timezone=timezone,
        default_locale=locale,
        invite_ttl_days=_parse_positive_int(env, "BOT_INVITE_TTL_DAYS", 7),
        log_max_days_back=_parse_positive_int(env, "BOT_LOG_MAX_DAYS_BACK", 60),
        conversation_ttl_hours=_parse_positive_int(env, "BOT_CONVERSATION_TTL_HOURS", 24),
        question_retention_days=_parse_positive_int(env, "BOT_QUESTION_RETENTION_DAYS", 90),
        zalo_bot_token=zalo_token,
        zalo_api_base_url=_parse_http_url(env, "ZALO_API_BASE_URL", DEFAULT_ZALO_API),
        webhook_base_url=_parse_http_url(env, "WEBHOOK_BASE_URL", ""),
        telegram_webhook_secret=_parse_secret(env, "TELEGRAM_WEBHOOK_SECRET", 1),
        zalo_webhook_secret=_parse_secret(env, "ZALO_WEBHOOK_SECRET", 8),
        web_host=env.get("WEB_HOST", "").strip() or "127.0.0.1",
        web_port=_parse_port(env, "WEB_PORT", 8080),
        report_cutoff_day=_parse_cutoff_day(env, "BOT_REPORT_CUTOFF_DAY"),
        province=_parse_province(env, "BOT_PROVINCE"),
        faq_max_age_days=_parse_positive_int(env, "BOT_FAQ_MAX_AGE_DAYS", 180),
    )
