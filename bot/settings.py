"""Configuration from environment variables (and an optional .env file), in one object."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.channels.registry import channel_names, channel_spec, platform_channels
from bot.core.channel import ChannelConfig, ChannelSpec

SUPPORTED_LOCALES = ("vi", "en")
DEFAULT_DATABASE_URL = "sqlite:///./data/bot.db"
DEFAULT_PROVINCE = "da_nang"
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
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
    channels: Mapping[str, ChannelConfig] = field(default_factory=dict)
    admins: frozenset[tuple[str, str]] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Ho_Chi_Minh"))
    default_locale: str = "vi"
    invite_ttl_days: int = 7
    log_max_days_back: int = 60
    conversation_ttl_hours: int = 24
    question_retention_days: int = 90
    webhook_base_url: str = ""
    public_base_url: str = ""
    """PUBLIC_BASE_URL: the address people and platforms reach the bot's web server at."""
    file_link_days: int = 7
    """How long a link to a generated file (report, chart) keeps working."""
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    report_cutoff_day: int = 1
    web_frame_ancestors: tuple[str, ...] = ()
    province: str = DEFAULT_PROVINCE
    """The FAQ province pack (locales/faq/provinces/<name>.yaml), or "none" for national topics."""
    faq_max_age_days: int = 180
    """FAQ topics checked longer ago than this are listed by `python -m bot faq audit`."""
    web_trusted_proxies: tuple[IPNetwork, ...] = ()
    """WEB_TRUSTED_PROXIES: reverse proxies whose X-Forwarded-For names the web chat's client."""
    web_messages_per_address: int = 60
    """WEB_MESSAGES_PER_ADDRESS: web chat messages per client address and minute."""
    web_new_chats_per_address: int = 10
    """WEB_NEW_CHATS_PER_ADDRESS: new web chat visitors (browser ids) per address and hour."""
    web_new_chats_per_minute: int = 30
    """WEB_NEW_CHATS_PER_MINUTE: new web chat visitors per minute, all addresses together."""
    handoffs_per_team_hour: int = 10
    """BOT_HANDOFFS_PER_TEAM_HOUR: requests sent to one team's volunteers per hour; the rest wait."""
    db_outage_seconds: float = 60.0
    """BOT_DB_OUTAGE_SECONDS: how long an update waits out a locked or unreachable database."""
    sqlite_busy_ms: int = 200
    """BOT_SQLITE_BUSY_MS: how long one SQLite write waits for another process's lock, on the
    event loop, before the update is retried later (the loop is never held longer)."""
    ward_list: str = ""
    """BOT_WARD_LIST: a CSV/YAML file of the official 2025 ward and commune names (team import)."""

    def is_admin(self, channel: str, user_id: str) -> bool:
        """Tell whether this channel identity is named in BOT_ADMINS."""
        return (channel, user_id) in self.admins

    def channel(self, name: str) -> ChannelConfig:
        """Return a platform channel's settings (empty when not configured)."""
        found = self.channels.get(name)
        if found is not None:
            return found
        spec = channel_spec(name)
        return ChannelConfig(api_base_url=spec.default_api_base_url if spec else "")

    def configured_channels(self) -> list[str]:
        """Return the platform channels that have a token, in registry order."""
        return [spec.name for spec in platform_channels() if self.channel(spec.name).token]

    @property
    def public_url(self) -> str:
        """Return the bot's public address: PUBLIC_BASE_URL, else WEBHOOK_BASE_URL, else ''."""
        return self.public_base_url or self.webhook_base_url

    def with_channel(self, name: str, **changes: str) -> Settings:
        """Return a copy with some of one channel's settings changed (tests, the CLI)."""
        channels = dict(self.channels)
        channels[name] = replace(self.channel(name), **changes)
        return replace(self, channels=channels)


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
        if not sep or channel not in channel_names() or not user_id.strip():
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


def _parse_channel(env: Mapping[str, str], spec: ChannelSpec) -> ChannelConfig:
    """Read one platform channel's settings (named after its spec's prefix)."""
    token_name = spec.setting("BOT_TOKEN")
    token = env.get(token_name, "").strip()
    if token and (":" not in token or any(ch.isspace() for ch in token)):
        raise SettingsError(token_name, "does not look like <bot id>:<secret>")
    return ChannelConfig(
        token=token,
        api_base_url=_parse_http_url(env, spec.setting("API_BASE_URL"), spec.default_api_base_url),
        webhook_secret=_parse_secret(env, spec.setting("WEBHOOK_SECRET"), spec.secret_min_length),
        username=env.get(spec.setting("BOT_USERNAME"), "").strip().lstrip("@"),
    )


FRAME_SOURCE = re.compile(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?")


def _parse_frame_ancestors(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Read the sites that may embed the web chat: origins separated by commas or spaces."""
    sites: list[str] = []
    for item in env.get(name, "").replace(",", " ").split():
        site = item.rstrip("/")
        if FRAME_SOURCE.fullmatch(site) is None:
            raise SettingsError(
                name, f"'{item}' is not a site like https://phuong-haichau.danang.gov.vn"
            )
        if site not in sites:
            sites.append(site)
    return tuple(sites)


def _parse_province(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip().lower() or DEFAULT_PROVINCE
    known = sorted(path.stem for path in PROVINCE_PACKS.glob("*.yaml"))
    if raw != "none" and raw not in known:
        raise SettingsError(name, f"'{raw}' is not one of: none, {', '.join(known)}")
    return raw


def _parse_proxies(env: Mapping[str, str], name: str) -> tuple[IPNetwork, ...]:
    """Read trusted proxy addresses or networks, separated by commas or spaces."""
    found: list[IPNetwork] = []
    for item in env.get(name, "").replace(",", " ").split():
        try:
            found.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingsError(name, f"'{item}' is not an IP address or network") from None
    return tuple(found)


def _parse_file(env: Mapping[str, str], name: str) -> str:
    raw = env.get(name, "").strip()
    if raw and not Path(raw).is_file():
        raise SettingsError(name, f"'{raw}' is not a file")
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
    return Settings(
        database_url=_parse_database_url(env.get("DATABASE_URL", "")),
        channels={spec.name: _parse_channel(env, spec) for spec in platform_channels()},
        admins=_parse_admins(env.get("BOT_ADMINS", "")),
        timezone=timezone,
        default_locale=locale,
        invite_ttl_days=_parse_positive_int(env, "BOT_INVITE_TTL_DAYS", 7),
        log_max_days_back=_parse_positive_int(env, "BOT_LOG_MAX_DAYS_BACK", 60),
        conversation_ttl_hours=_parse_positive_int(env, "BOT_CONVERSATION_TTL_HOURS", 24),
        question_retention_days=_parse_positive_int(env, "BOT_QUESTION_RETENTION_DAYS", 90),
        webhook_base_url=_parse_http_url(env, "WEBHOOK_BASE_URL", ""),
        public_base_url=_parse_http_url(env, "PUBLIC_BASE_URL", ""),
        file_link_days=_parse_positive_int(env, "BOT_FILE_LINK_DAYS", 7),
        web_host=env.get("WEB_HOST", "").strip() or "127.0.0.1",
        web_port=_parse_port(env, "WEB_PORT", 8080),
        report_cutoff_day=_parse_cutoff_day(env, "BOT_REPORT_CUTOFF_DAY"),
        web_frame_ancestors=_parse_frame_ancestors(env, "WEB_FRAME_ANCESTORS"),
        province=_parse_province(env, "BOT_PROVINCE"),
        faq_max_age_days=_parse_positive_int(env, "BOT_FAQ_MAX_AGE_DAYS", 180),
        web_trusted_proxies=_parse_proxies(env, "WEB_TRUSTED_PROXIES"),
        web_messages_per_address=_parse_positive_int(env, "WEB_MESSAGES_PER_ADDRESS", 60),
        web_new_chats_per_address=_parse_positive_int(env, "WEB_NEW_CHATS_PER_ADDRESS", 10),
        web_new_chats_per_minute=_parse_positive_int(env, "WEB_NEW_CHATS_PER_MINUTE", 30),
        handoffs_per_team_hour=_parse_positive_int(env, "BOT_HANDOFFS_PER_TEAM_HOUR", 10),
        db_outage_seconds=float(_parse_positive_int(env, "BOT_DB_OUTAGE_SECONDS", 60)),
        sqlite_busy_ms=_parse_positive_int(env, "BOT_SQLITE_BUSY_MS", 200),
        ward_list=_parse_file(env, "BOT_WARD_LIST"),
    )
