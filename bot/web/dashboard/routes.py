"""HTTP routes of the dashboard: sign-in by one-time link, four read-only pages, downloads.

Sign-in is two steps: GET /dashboard/login/{token} only shows a button (chat apps fetch links
for their previews, which must not spend the link); pressing it POSTs the token, which opens
an 8-hour session kept in an HttpOnly, SameSite=Strict cookie (Secure behind https). Every page
checks the session, then the scope again for any id in the address; unknown and forbidden ids
get the same page. Each page view is logged: person id, session id, page, ids, time (UTC).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from aiohttp import web
from sqlmodel import Session, col, select

from bot.app import App
from bot.core.dashboard import DASHBOARD_PATH, SESSION_TTL
from bot.core.files import content_type_for
from bot.core.i18n import Catalog
from bot.settings import SUPPORTED_LOCALES
from bot.web.dashboard.chart import trend_svg
from bot.web.dashboard.downloads import FORMATS, report_filename
from bot.web.dashboard.render import HEADERS, Page, Renderer, whole
from bot.web.dashboard.teams_table import TableQuery, apply
from bot.web.files import content_disposition
from domain.periods import Month, PeriodError, Week, month_containing, parse_month
from handlers.faq.service import FaqService
from handlers.leaders.report_issue import issue_report
from storage import dashboard_data as data
from storage.dashboard_access import (
    Scope,
    SignedIn,
    end_session,
    find_session,
    link_is_valid,
    redeem_link,
    scope_team_ids,
)
from storage.models import Team, Ward
from storage.month_report import ScopeKind

logger = logging.getLogger(__name__)
access_log = logging.getLogger("bot.web.dashboard.access")
COOKIE = "tcns_dash"
LANG_COOKIE = "tcns_dash_lang"
MONTHS_OFFERED = 12
MAX_TEAM_OPTIONS = 300


def see_other(location: str) -> web.Response:
    """Return a 303 redirect (a response that cookies can be set on)."""
    return web.Response(status=303, headers={"Location": location})


class Refusal(Exception):
    """Stop a page with a message page: HTTP status and the message keys to show."""

    def __init__(self, status: int, title: str, body: str) -> None:
        super().__init__(title)
        self.status, self.title, self.body = status, title, body


NOT_FOUND = (404, "dash.error.not_found.title", "dash.error.not_found.body")


@dataclass
class View:
    """One signed-in request: who, in which language, at what moment."""

    request: web.Request
    who: SignedIn
    catalog: Catalog
    now: datetime
    today: date


Build = Callable[[View], Awaitable[web.StreamResponse]]


class DashboardRoutes:
    """Serves /dashboard/… from the bot's database; reads only, except sessions."""

    def __init__(self, core: App) -> None:
        self.db = core.db
        self.clock = core.parts.clock
        self.settings = core.settings
        self.translations = core.parts.translations
        faq = core.parts.components.get(FaqService)
        self.faq = faq if isinstance(faq, FaqService) else None
        self.renderer = Renderer()

    # ------------------------------------------------------------------ wiring

    def add_routes(self, app: web.Application) -> None:
        """Register the dashboard's routes and its security headers on every response."""
        app.on_response_prepare.append(self._headers)
        add = app.router.add_get
        add(DASHBOARD_PATH, self.root)
        add(f"{DASHBOARD_PATH}/", self.page(self.overview, "overview"))
        add(f"{DASHBOARD_PATH}/teams", self.page(self.teams, "teams"))
        add(f"{DASHBOARD_PATH}/teams/{{team_id}}", self.page(self.team, "team"))
        add(f"{DASHBOARD_PATH}/downloads", self.page(self.downloads, "downloads"))
        add(f"{DASHBOARD_PATH}/download", self.page(self.download, "download"))
        add(f"{DASHBOARD_PATH}/login/{{token}}", self.login_page)
        app.router.add_post(f"{DASHBOARD_PATH}/login", self.login)
        app.router.add_post(f"{DASHBOARD_PATH}/logout", self.logout)
        add(f"{DASHBOARD_PATH}/lang/{{lang}}", self.language)
        app.router.add_route("*", f"{DASHBOARD_PATH}/{{tail:.*}}", self.unknown)

    @staticmethod
    async def _headers(request: web.Request, response: web.StreamResponse) -> None:
        if request.path == DASHBOARD_PATH or request.path.startswith(f"{DASHBOARD_PATH}/"):
            for name, value in HEADERS.items():
                response.headers[name] = value

    def secure(self, request: web.Request) -> bool:
        """Tell whether the dashboard is served over https (then cookies are Secure)."""
        return request.secure or self.settings.public_url.startswith("https://")

    # ------------------------------------------------------------------ language and pages

    def catalog(self, request: web.Request, preferred: str = "") -> Catalog:
        """Return the page language: the switch's cookie, else the person's, else the default."""
        chosen = request.cookies.get(LANG_COOKIE, "")
        for lang in (chosen, preferred, self.settings.default_locale):
            if lang in SUPPORTED_LOCALES:
                return self.translations.get(lang)
        return self.translations.get("vi")

    def html(self, template: str, page: Page, *, status: int = 200, **values: Any) -> web.Response:
        """Render a template into a response."""
        text = self.renderer.render(template, page, **values)
        return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")

    def message(
        self,
        request: web.Request,
        status: int,
        title: str,
        body: str,
        *,
        catalog: Catalog | None = None,
        who: SignedIn | None = None,
    ) -> web.Response:
        """A page with one message and no data (errors, sign-out)."""
        catalog = catalog or self.catalog(request)
        page = Page(catalog, catalog.text(title), request.path, who)
        return self.html("message.html", page, status=status, body=catalog.text(body))

    def page(
        self, build: Build, name: str
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap a page: check the session, log the access, turn refusals into message pages."""

        async def handle(request: web.Request) -> web.StreamResponse:
            now = self.clock.now()
            token = request.cookies.get(COOKIE, "")
            who = (
                await self.db.run(lambda s: find_session(s, token=token, now=now))
                if token
                else None
            )
            if who is None:
                return self.message(
                    request, 401, "dash.error.signed_out.title", "dash.error.signed_out.body"
                )
            catalog = self.catalog(request, who.locale)
            ids = ",".join(f"{k}={v}" for k, v in sorted(request.match_info.items()))
            access_log.info(
                "Dashboard %s viewed by person %d (session %d)%s at %s",
                name, who.person_id, who.session_id, f" [{ids}]" if ids else "",
                now.isoformat(timespec="seconds"),
            )  # fmt: skip
            today = now.astimezone(self.settings.timezone).date()
            try:
                return await build(View(request, who, catalog, now, today))
            except Refusal as refused:
                return self.message(
                    request, refused.status, refused.title, refused.body, catalog=catalog, who=who
                )
            except Exception:
                logger.exception("Dashboard %s failed", name)
                return self.message(
                    request, 500, "dash.error.failed.title", "dash.error.failed.body",
                    catalog=catalog, who=who,
                )  # fmt: skip

        return handle

    def frame(self, view: View, title: str, nav: str) -> Page:
        """Return the page frame of a signed-in view."""
        return Page(view.catalog, title, view.request.path_qs, view.who, nav)

    async def root(self, request: web.Request) -> web.StreamResponse:
        """/dashboard → /dashboard/."""
        raise web.HTTPFound(f"{DASHBOARD_PATH}/")

    async def unknown(self, request: web.Request) -> web.Response:
        """Any other address under /dashboard."""
        return self.message(request, 404, NOT_FOUND[1], NOT_FOUND[2])

    # ------------------------------------------------------------------ sign-in and out

    async def login_page(self, request: web.Request) -> web.Response:
        """Show the sign-in button of a usable link (a GET never spends the link)."""
        token, now = request.match_info.get("token", ""), self.clock.now()
        if not await self.db.run(lambda s: link_is_valid(s, token=token, now=now)):
            return self.message(request, 410, "dash.error.link.title", "dash.error.link.body")
        catalog = self.catalog(request)
        page = Page(catalog, catalog.text("dash.login.title"), request.path)
        return self.html("login.html", page, token=token)

    async def login(self, request: web.Request) -> web.Response:
        """Spend the link, open a session and go to the overview."""
        form = await request.post()
        token, now = str(form.get("token", "")), self.clock.now()
        opened = await self.db.run(lambda s: redeem_link(s, token=token, now=now, ttl=SESSION_TTL))
        if opened is None:
            return self.message(request, 410, "dash.error.link.title", "dash.error.link.body")
        secret, who = opened
        access_log.info(
            "Dashboard sign-in by person %d (session %d) at %s",
            who.person_id, who.session_id, now.isoformat(timespec="seconds"),
        )  # fmt: skip
        response = see_other(f"{DASHBOARD_PATH}/")
        response.set_cookie(
            COOKIE, secret, max_age=int(SESSION_TTL.total_seconds()), path=DASHBOARD_PATH,
            httponly=True, secure=self.secure(request), samesite="Strict",
        )  # fmt: skip
        return response

    async def logout(self, request: web.Request) -> web.Response:
        """End the session (in the database, not only in this browser)."""
        token, now = request.cookies.get(COOKIE, ""), self.clock.now()
        ended = False
        if token:
            ended = await self.db.run(lambda s: end_session(s, token=token, now=now))
        if ended:
            access_log.info("Dashboard sign-out at %s", now.isoformat(timespec="seconds"))
        response = self.message(request, 200, "dash.signed_out.title", "dash.signed_out.body")
        response.del_cookie(COOKIE, path=DASHBOARD_PATH)
        return response

    async def language(self, request: web.Request) -> web.StreamResponse:
        """Switch the page language (a cookie) and go back to the page it was asked from."""
        lang = request.match_info.get("lang", "")
        back = request.query.get("next", f"{DASHBOARD_PATH}/")
        if not back.startswith(f"{DASHBOARD_PATH}/") or "//" in back or "\\" in back:
            back = f"{DASHBOARD_PATH}/"
        response = see_other(back)
        if lang in SUPPORTED_LOCALES:
            response.set_cookie(
                LANG_COOKIE, lang, max_age=365 * 24 * 3600, path=DASHBOARD_PATH, httponly=True,
                secure=self.secure(request), samesite="Strict",
            )  # fmt: skip
        return response

    # ------------------------------------------------------------------ pages

    def topic(self, key: str | None, catalog: Catalog) -> str:
        """Return the title of an FAQ topic a question came closest to."""
        entry = self.faq.entry(key, catalog.lang) if key and self.faq is not None else None
        return entry.title if entry is not None else catalog.text("dash.topic.unknown")

    def topics(
        self, counted: list[tuple[str | None, int]], catalog: Catalog
    ) -> list[tuple[str, int]]:
        """Return question counts by topic title (unknown topics counted together), most first."""
        merged: dict[str, int] = {}
        for key, n in counted:
            title = self.topic(key, catalog)
            merged[title] = merged.get(title, 0) + n
        return sorted(merged.items(), key=lambda pair: (-pair[1], pair[0]))

    def chart(self, catalog: Catalog, trend: list[tuple[Week, int]], chart_id: str) -> Any:
        """Return the trend chart of a page."""
        lang = catalog.lang
        values = "; ".join(f"{w.start.strftime('%d/%m')}: {whole(n, lang)}" for w, n in trend)
        title = catalog.text("dash.trend.title", weeks=len(trend))
        return trend_svg(trend, title=title, describe=values, chart_id=chart_id)

    async def overview(self, view: View) -> web.Response:
        """The scope at a glance."""
        scope, cutoff = view.who.scope, self.settings.report_cutoff_day

        def work(s: Session) -> tuple[data.Overview, list[str]]:
            ids = scope_team_ids(s, scope)
            names = [] if scope.city else self.scope_names(s, scope)
            return data.overview(s, team_ids=ids, today=view.today, cutoff=cutoff), names

        found, names = await self.db.run(work)
        catalog = view.catalog
        page = self.frame(view, catalog.text("dash.overview.title"), "overview")
        return self.html(
            "overview.html", page, o=found, questions=self.topics(found.questions, catalog),
            chart=self.chart(catalog, found.trend, "trend"),
            scope=self.scope_words(catalog, scope, names),
        )  # fmt: skip

    @staticmethod
    def scope_names(s: Session, scope: Scope) -> list[str]:
        """Return the names of the wards and teams a (non-city) scope was given."""
        wards = s.exec(select(col(Ward.name)).where(col(Ward.id).in_(scope.wards))).all()
        teams = s.exec(select(col(Team.name)).where(col(Team.id).in_(scope.teams))).all()
        return sorted(wards) + sorted(teams)

    @staticmethod
    def scope_words(catalog: Catalog, scope: Scope, names: list[str]) -> str:
        """Return the signed-in scope in words: the city, or the first names and how many more."""
        if scope.city:
            return catalog.text("dash.scope.city")
        shown = ", ".join(names[:3])
        more = len(names) - 3
        return catalog.text("dash.scope.more", names=shown, more=more) if more > 0 else shown

    async def teams(self, view: View) -> web.Response:
        """The teams table, sorted and filtered by the query string."""
        scope, cutoff = view.who.scope, self.settings.report_cutoff_day
        query = TableQuery.parse(view.request.query)

        def work(s: Session) -> tuple[list[data.TeamRow], list[tuple[int, str]]]:
            ids = scope_team_ids(s, scope)
            rows = data.team_rows(s, team_ids=ids, today=view.today, cutoff=cutoff)
            return rows, self.wards_of(s, scope, rows)

        rows, wards = await self.db.run(work)
        table = apply(rows, query)
        page = self.frame(view, view.catalog.text("dash.teams.title"), "teams")
        return self.html("teams.html", page, table=table, query=query, wards=wards)

    @staticmethod
    def wards_of(s: Session, scope: Scope, rows: list[data.TeamRow]) -> list[tuple[int, str]]:
        """Return the wards a filter may pick: those of the scope's teams, by name."""
        if scope.city:
            found = s.exec(select(col(Ward.id), col(Ward.name)).order_by(col(Ward.name))).all()
            return [(i, n) for i, n in found if i is not None]
        return sorted({(r.ward_id, r.ward) for r in rows}, key=lambda w: w[1])

    async def team(self, view: View) -> web.Response:
        """One team's page (the same 'not found' for unknown teams and teams outside the scope)."""
        raw = view.request.match_info.get("team_id", "")
        if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
            raise Refusal(*NOT_FOUND)
        team_id, scope, cutoff = int(raw), view.who.scope, self.settings.report_cutoff_day

        def work(s: Session) -> data.TeamDetail | None:
            team = s.get(Team, team_id)
            if team is None or not scope.allows_team(team_id, team.ward_id):
                return None
            return data.team_detail(s, team_id=team_id, today=view.today, cutoff=cutoff)

        found = await self.db.run(work)
        if found is None:
            access_log.info("Dashboard team %s refused to person %d", raw, view.who.person_id)
            raise Refusal(*NOT_FOUND)
        catalog = view.catalog
        page = self.frame(view, found.name, "teams")
        return self.html(
            "team.html", page, team=found, questions=self.topics(found.questions, catalog),
            chart=self.chart(catalog, found.trend, "team-trend"), formats=list(FORMATS),
        )  # fmt: skip

    def months(self, today: date) -> list[Month]:
        """Return the report months offered for download, newest first."""
        current = month_containing(today, cutoff=self.settings.report_cutoff_day)
        return [current.shift(-i) for i in range(MONTHS_OFFERED)]

    async def downloads(self, view: View) -> web.Response:
        """The form that picks a report's month, scope and format."""
        scope, catalog = view.who.scope, view.catalog

        def work(s: Session) -> list[tuple[str, str]]:
            options: list[tuple[str, str]] = []
            if scope.city:
                options.append(("city", catalog.text("dash.scope.city")))
            wards = s.exec(select(Ward).order_by(col(Ward.name))).all()
            options += [(f"ward-{w.id}", w.name) for w in wards if scope.allows_ward(w.id or 0)]
            ids = scope_team_ids(s, scope)
            if ids is not None and len(ids) <= MAX_TEAM_OPTIONS:
                teams = s.exec(select(Team).where(col(Team.id).in_(ids)).order_by(col(Team.name)))
                options += [(f"team-{t.id}", t.name) for t in teams.all()]
            return options

        options = await self.db.run(work)
        page = self.frame(view, catalog.text("dash.downloads.title"), "downloads")
        return self.html(
            "downloads.html", page, options=options, months=self.months(view.today),
            formats=list(FORMATS), many_teams=scope.city or len(options) > MAX_TEAM_OPTIONS,
        )  # fmt: skip

    async def download(self, view: View) -> web.StreamResponse:
        """Send a report file: the same data and builders as /report."""
        query, scope = view.request.query, view.who.scope
        fmt = query.get("fmt", "xlsx")
        builder = FORMATS.get(fmt)
        if builder is None:
            raise Refusal(400, "dash.error.bad.title", "dash.error.bad.body")
        try:
            raw_month = query.get("month", "")
            cutoff = self.settings.report_cutoff_day
            month = (
                parse_month(raw_month, cutoff=cutoff) if raw_month else self.months(view.today)[0]
            )
        except PeriodError:
            raise Refusal(400, "dash.error.bad.title", "dash.error.bad.body") from None
        kind, _, number = query.get("scope", "").partition("-")
        unit = int(number) if number.isascii() and number.isdigit() and len(number) < 10 else None
        catalog, issued, now = view.catalog, view.today, view.now
        province = self.settings.province

        def work(s: Session) -> tuple[str, bytes] | None:
            allowed = self.allowed_report(s, scope, kind, unit)
            if allowed is None:
                return None
            report = issue_report(
                s, kind=allowed, scope_id=unit, month=month, issued=issued, now=now,
                catalog=catalog, lang=catalog.lang, province=province,
            )  # fmt: skip
            return report_filename(report, fmt), builder(report)

        made = await self.db.run(work)
        if made is None:
            raise Refusal(*NOT_FOUND)
        filename, content = made
        access_log.info(
            "Dashboard report %s %s %s sent to person %d", kind, unit or "", month.key,
            view.who.person_id,
        )  # fmt: skip
        headers = {
            "Content-Type": content_type_for(filename),
            "Content-Disposition": content_disposition(filename),
        }
        return web.Response(body=content, headers=headers)

    @staticmethod
    def allowed_report(s: Session, scope: Scope, kind: str, unit: int | None) -> ScopeKind | None:
        """Return the report kind when this scope may download it, else None."""
        if kind == "city" and unit is None:
            return "city" if scope.city else None
        if kind == "ward" and unit is not None:
            ward = s.get(Ward, unit)
            return "ward" if ward is not None and scope.allows_ward(unit) else None
        if kind == "team" and unit is not None:
            team = s.get(Team, unit)
            return "team" if team is not None and scope.allows_team(unit, team.ward_id) else None
        return None
