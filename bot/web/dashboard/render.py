"""HTML of the dashboard: Jinja2 templates (autoescaped), one stylesheet allowed by its hash.

Nothing is loaded from elsewhere and nothing runs in the page: the Content-Security-Policy
allows no script at all, the one inline stylesheet by its SHA-256, images and forms only
from this server, and no framing. Numbers and dates follow the page's language.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.core.dashboard import DASHBOARD_PATH
from bot.core.i18n import Catalog
from domain.services import default_catalogue
from handlers.common import decimal
from handlers.leaders.digest_view import metric_label

HERE = Path(__file__).resolve().parent
STYLESHEET = (HERE / "dashboard.css").read_text(encoding="utf-8")
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLESHEET.encode("utf-8")).digest()).decode()
POLICY = (
    "default-src 'none'; "
    f"style-src 'sha256-{STYLE_HASH}'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "private, no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def whole(value: int | float, lang: str) -> str:
    """Return a whole number with the language's thousands separator (1.234 / 1,234)."""
    text = f"{round(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def day_text(value: date | None, lang: str, never: str) -> str:
    """Return a day as dd/mm/yyyy (the same in both languages), or `never`."""
    return value.strftime("%d/%m/%Y") if value is not None else never


@dataclass
class Page:
    """What every page's frame needs besides its own data."""

    catalog: Catalog
    title: str
    path: str
    signed_in: Any = None
    nav: str = ""

    @property
    def lang(self) -> str:
        """Return the page's language."""
        return self.catalog.lang


def switch_address(page: Page) -> str:
    """Return the address that switches the page to the other language and back to it."""
    other = "en" if page.lang == "vi" else "vi"
    return f"{DASHBOARD_PATH}/lang/{other}?next={quote(page.path, safe='')}"


def build_environment() -> Environment:
    """Return the template environment (autoescape on, undefined names are errors)."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["stylesheet"] = Markup(STYLESHEET)  # our own file, allowed by its hash
    return env


class Renderer:
    """Renders a named template for a page in its language."""

    def __init__(self) -> None:
        self.env = build_environment()
        self.services = default_catalogue()

    def render(self, template: str, page: Page, **data: Any) -> str:
        """Return a whole HTML document."""
        lang, catalog = page.lang, page.catalog
        never = catalog.text("dash.never")
        helpers = {
            "t": catalog.text,
            "num": lambda v: whole(v or 0, lang),
            "hours": lambda minutes: decimal((minutes or 0) / 60, lang),
            "day": lambda d: day_text(d, lang, never),
            "service": lambda key: self.services.label(key, lang),
            "reason": lambda s, r: self.services.reason_label(s, r, lang),
            "metric": lambda m: metric_label(m, lang, catalog),
            "switch_language": lambda: switch_address(page),
        }
        return self.env.get_template(template).render(page=page, lang=lang, **helpers, **data)
