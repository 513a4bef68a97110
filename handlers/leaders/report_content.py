"""What the monthly report says, in order: the one source of the DOCX report and its XLSX appendix.

The content follows a *báo cáo* of Nghị định 30/2020/NĐ-CP: issuing body and number at top left,
Quốc hiệu and Tiêu ngữ at top right, place and date, title and summary line, sections I-IV,
Nơi nhận and the signer. Every person-typed value (team, ward, area and leader names, notes) is
cleaned with domain.documents.doc_text here; the XLSX writer also passes it through cell_text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.i18n import Catalog
from domain.documents import dated_parts, doc_text, in_sentence, numbered, place_name
from domain.services import default_catalogue
from handlers.common import decimal
from storage.month_report import MonthReport, UnitLine
from storage.report_notes import Notes
from storage.targets import TargetProgress

DEFAULT_PREFIX = {"team": "TCNSCĐ", "ward": "UBND", "city": "SKHCN"}
TOP_REASONS = 5
"""Failure reasons named in the document (the appendix lists them all)."""
TO_COMPLETE = "…" * 30
"""The dotted line a leader completes by hand when the bot knows nothing for a section."""


@dataclass(frozen=True)
class Issue:
    """How this copy of the report is issued: its number, prefix, date and the leader's words."""

    number: int
    issued: date
    prefix: str = ""
    notes: Notes = field(default_factory=Notes)
    team_notes: tuple[tuple[str, Notes], ...] = ()
    """(team name, notes) of the ward's teams, for a ward report."""
    province: str = ""
    """The province's name ('thành phố Đà Nẵng'), for the city report's header."""


@dataclass(frozen=True)
class Table:
    """A table: column titles, rows, and per column the kind of value (for number formats)."""

    header: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    kinds: tuple[str, ...]
    """Per column: 'no' (row number), 'text', 'int', 'hours' (one decimal), 'ratio' or
    'fraction' (text such as '3/4')."""
    total: bool = False
    """Whether the last row is a total (bold)."""


@dataclass(frozen=True)
class Sub:
    """A numbered sub-heading inside a section ('1. Hỗ trợ người dân')."""

    text: str


@dataclass(frozen=True)
class Remark:
    """A side remark in italics ('Số liệu chi tiết tại Phụ lục kèm theo.')."""

    text: str


Block = str | Sub | Remark | Table
"""A paragraph of text, a sub-heading, a remark or a table."""


@dataclass(frozen=True)
class Section:
    """A numbered section: its heading and its blocks."""

    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Content:
    """Everything the report shows, in document order."""

    authority: str
    issuer: str
    issuer_is_authority: bool
    number: str
    motto: tuple[str, str]
    dated: str
    title: str
    summary: str
    period: str
    intro: str
    sections: tuple[Section, ...]
    recipients_title: str
    recipients: tuple[str, ...]
    signer: tuple[str, ...]
    signer_name: str
    appendix_title: str
    appendix_ref: str
    appendix_tables: tuple[tuple[str, str, Table], ...]
    """(title, short name for the sheet, table) of each appendix table."""


def whole(n: int, lang: str) -> str:
    """Return a whole number with thousands separators ('1.234' in Vietnamese)."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "vi" else text


def _share(part: int, whole_: int) -> float:
    return part / whole_ if whole_ else 0.0


def _percent(part: int, whole_: int, lang: str) -> str:
    return decimal(_share(part, whole_) * 100, lang)


class _Writer:
    """Builds the content of one report in one language."""

    def __init__(self, report: MonthReport, issue: Issue, catalog: Catalog, lang: str) -> None:
        self.r, self.issue, self.c, self.lang = report, issue, catalog, lang
        self.labels = default_catalogue()

    def t(self, key: str, /, **params: object) -> str:
        return self.c.text(key, **params)

    def n(self, value: int) -> str:
        return whole(value, self.lang)

    # -- header ---------------------------------------------------------------------------
    def ward(self) -> str:
        return doc_text(self.r.ward_name)

    def header(self) -> tuple[str, str, bool]:
        """Return the two issuer lines and whether the issuer is the authority itself."""
        r = self.r
        if r.scope == "team":
            team = doc_text(r.team_name)
            return (
                self.t("rep.authority", ward=self.ward()).upper(),
                self.t("rep.issuer.team", team=team).upper(),
                False,
            )
        if r.scope == "ward":
            return self.t("rep.ward_body").upper(), self.ward().upper(), True
        province = self.issue.province or self.t("rep.province")
        return (
            self.t("rep.authority", ward=province).upper(),
            self.t("rep.issuer.city").upper(),
            False,
        )

    def place(self) -> str:
        if self.r.scope == "city":
            return place_name(self.issue.province or self.t("rep.province"))
        return place_name(self.r.ward_name) or self.t("rep.province")

    def prefix(self) -> str:
        return self.issue.prefix or DEFAULT_PREFIX[self.r.scope]

    def number(self) -> str:
        return self.t("rep.number", number=numbered(self.issue.number), prefix=self.prefix())

    def dated(self) -> str:
        day, month, year = dated_parts(self.issue.issued)
        return self.t("rep.dated", place=self.place(), day=day, month=month, year=year)

    def month_words(self) -> str:
        m = self.r.month
        return self.t("rep.month_words", month=m.month, year=m.year)

    def summary(self) -> str:
        return self.t("rep.summary", month=self.month_words())

    def period(self) -> str:
        m = self.r.month
        return self.t(
            "rep.period", start=m.start.strftime("%d/%m/%Y"), end=m.last_day.strftime("%d/%m/%Y")
        )

    def intro(self) -> str:
        if self.r.scope == "team":
            who = self.t("rep.issuer.team", team=doc_text(self.r.team_name))
        elif self.r.scope == "ward":
            who = self.t("rep.ward_who", ward=in_sentence(self.ward()))
        else:
            who = self.t("rep.issuer.city")
        return self.t(f"rep.intro.{self.r.scope}", who=who, month=self.month_words())

    # -- section I ------------------------------------------------------------------------
    def results(self) -> Section:
        r, t = self.r, self.r.totals
        o = r.outreach
        lines: list[Block] = [Sub(self.t("rep.sub.assist"))]
        lines.append(self.t("rep.line.sessions", n=self.n(r.assist_sessions)))
        lines.append(self.t("rep.line.people", n=self.n(t.people)))
        lines.append(
            self.t(
                "rep.line.succeeded", n=self.n(t.succeeded),
                percent=_percent(t.succeeded, t.people, self.lang),
            )
        )  # fmt: skip
        if o.households is not None:
            lines.append(self.t("rep.line.households", n=self.n(o.households)))
        a = r.activity
        lines.append(self.t("rep.line.hours", hours=decimal(a.minutes / 60, self.lang)))
        if a.minutes:
            lines.append(
                self.t(
                    "rep.line.hours_detail",
                    percent=round(_share(a.out_of_hours_minutes, a.minutes) * 100),
                    weekend=decimal(a.weekend_minutes / 60, self.lang),
                    holiday=decimal(a.holiday_minutes / 60, self.lang),
                )
            )
        lines.append(self.t("rep.line.members", active=a.active_members, members=r.members))
        services = self.service_table(nonzero=True)
        if services.rows:
            lines.append(self.t("rep.services_intro"))
            lines.append(services)
        lines.append(Sub(self.t("rep.sub.outreach")))
        if o.awareness_sessions or o.class_sessions:
            lines.append(
                self.t(
                    "rep.line.awareness", n=self.n(o.awareness_sessions),
                    people=self.n(o.awareness_attendees),
                )
            )  # fmt: skip
            lines.append(
                self.t(
                    "rep.line.classes", n=self.n(o.class_sessions),
                    people=self.n(o.class_learners),
                )
            )  # fmt: skip
        else:
            lines.append(self.t("rep.line.no_outreach"))
        lines.append(Sub(self.t("rep.sub.targets")))
        targets = self.target_table()
        lines.append(targets if targets.rows else self.t("rep.line.no_targets"))
        if r.scope != "team":
            lines.append(Sub(self.t(f"rep.sub.units.{r.scope}")))
            lines.append(self.unit_table(full=False))
        lines.append(Remark(self.t("rep.see_appendix")))
        return Section(self.t("rep.section.1"), tuple(lines))

    def service_table(self, *, nonzero: bool) -> Table:
        keys = [s.key for s in self.labels.all()]
        keys += sorted(k for k in self.r.services if k not in keys)
        rows: list[tuple[object, ...]] = []
        for key in keys:
            c = self.r.services.get(key)
            if c is None and nonzero:
                continue
            sessions, people, ok, minutes = (
                (c.sessions, c.people, c.succeeded, c.minutes) if c else (0, 0, 0, 0)
            )
            label = self.labels.label(key, self.lang)
            rows.append(
                (len(rows) + 1, label, sessions, people, ok, _share(ok, people), minutes / 60)
            )
        t = self.r.totals
        if nonzero:
            body = tuple((n, label, people, ok) for n, label, _s, people, ok, _r, _h in rows)
            total = ("", self.t("rep.col.total"), t.people, t.succeeded)
            header = tuple(self.t(f"rep.col.{k}") for k in ("no", "service", "people", "ok"))
            kinds = ("no", "text", "int", "int")
            return Table(header, (*body, total) if body else (), kinds, total=True)
        rows.append(
            ("", self.t("rep.col.total"), t.sessions, t.people, t.succeeded,
             _share(t.succeeded, t.people), t.minutes / 60)
        )  # fmt: skip
        header = tuple(
            self.t(f"rep.col.{k}")
            for k in ("no", "service", "sessions_all", "people", "ok", "rate", "hours")
        )
        return Table(
            header, tuple(rows), ("no", "text", "int", "int", "int", "ratio", "hours"), True
        )

    def metric(self, metric: str) -> str:
        if metric in ("sessions", "people"):
            return self.t(f"rep.metric.{metric}")
        return self.t("rep.metric.service", service=self.labels.label(metric, self.lang))

    def target_table(self) -> Table:
        many = self.r.scope != "team"
        rows: list[tuple[object, ...]] = []
        for team, p in self.r.targets:
            area = doc_text(p.area_name) if p.area_name else self.t("rep.whole_team")
            row: tuple[object, ...] = (
                len(rows) + 1, self.metric(p.metric), area, p.target, p.done,
                _share(p.done, p.target),
            )  # fmt: skip
            rows.append((row[0], doc_text(team), *row[1:]) if many else row)
        keys = ["no", "metric", "area", "target", "done", "progress"]
        kinds = ["no", "text", "text", "int", "int", "ratio"]
        if many:
            keys.insert(1, "team")
            kinds.insert(1, "text")
        header = tuple(self.t(f"rep.col.{k}") for k in keys)
        return Table(header, tuple(rows), tuple(kinds))

    def unit_table(self, *, full: bool) -> Table:
        """Return one row per team (ward report) or ward (city report), then the total.

        The document shows the main columns; the appendix (full) every indicator.
        """
        kind = "team" if self.r.scope == "ward" else "ward"
        keys = ["no", kind, "sessions", "people", "ok", "rate", "hours", "awareness",
                "attendees", "classes", "learners", "households", "active"]  # fmt: skip
        kinds: tuple[str, ...] = ("no", "text", "int", "int", "int", "ratio", "hours", "int",
                                                   "int", "int", "int", "int", "fraction")  # fmt: skip
        units = enumerate(self.r.units, start=1)
        rows = tuple(self.unit_row(n, u, detail=full) for n, u in units)
        t, o = self.r.totals, self.r.outreach
        total = (
            "", self.t("rep.col.total"), self.r.assist_sessions, t.people, t.succeeded,
            _share(t.succeeded, t.people), t.minutes / 60, o.awareness_sessions,
            o.awareness_attendees, o.class_sessions, o.class_learners, o.households or 0,
            f"{self.r.activity.active_members}/{self.r.members}",
        )  # fmt: skip
        body = (*rows, total)
        if not full:
            keep = (0, 1, 2, 3, 4, 6, 12)
            keys = [keys[i] for i in keep]
            kinds = tuple(kinds[i] for i in keep)
            body = tuple(tuple(row[i] for i in keep) for row in body)
        header = tuple(self.t(f"rep.col.{k}") for k in keys)
        return Table(header, body, kinds, total=True)

    def unit_row(self, number: int, u: UnitLine, *, detail: bool) -> tuple[object, ...]:
        c, o = u.counts, u.outreach
        name = doc_text(u.name)
        if u.detail and detail:
            name = f"{name} ({doc_text(u.detail)})"
        sessions = c.sessions - o.awareness_sessions - o.class_sessions
        return (
            number, name, sessions, c.people, c.succeeded, _share(c.succeeded, c.people),
            c.minutes / 60, o.awareness_sessions, o.awareness_attendees, o.class_sessions,
            o.class_learners, o.households or 0, f"{u.activity.active_members}/{u.members}",
        )  # fmt: skip

    # -- sections II-IV -------------------------------------------------------------------
    def notes_lines(self, part: str) -> list[str]:
        """Return the leader's words for a part (a ward report: every team's, named)."""
        lines: list[str] = []
        own = getattr(self.issue.notes, part)
        if own:
            lines += [doc_text(p) for p in own.splitlines() if p.strip()]
        for team, notes in self.issue.team_notes:
            text = getattr(notes, part)
            if text:
                paragraphs = [doc_text(p) for p in text.splitlines() if p.strip()]
                lines.append(self.t("rep.team_said", team=doc_text(team), text=paragraphs[0]))
                lines += paragraphs[1:]
        return lines

    def difficulties(self) -> Section:
        lines: list[Block] = list(self.notes_lines("difficulties"))
        if not self.issue.notes.difficulties:
            if self.r.reasons:
                lines.append(self.t("rep.reasons_intro"))
                lines += [
                    self.t(
                        "rep.reason", reason=self.labels.reason_label(s, k, self.lang),
                        service=self.labels.label(s, self.lang), n=self.n(n),
                    )
                    for s, k, n in self.r.reasons[:TOP_REASONS]
                ]  # fmt: skip
            else:
                lines.append(self.t("rep.no_reasons"))
            lines.append(TO_COMPLETE)
        return Section(self.t("rep.section.2"), tuple(lines))

    def plan(self) -> Section:
        lines: list[Block] = list(self.notes_lines("plan"))
        if not self.issue.notes.plan:
            behind = [(team, p) for team, p in self.r.targets if p.done < p.target]
            if behind:
                lines.append(self.t("rep.behind_intro"))
                lines += [self.behind_line(team, p) for team, p in behind]
            lines.append(TO_COMPLETE)
        heading = self.t("rep.section.3", month=self.t_next_month().upper())
        return Section(heading, tuple(lines))

    def t_next_month(self) -> str:
        nxt = self.r.month.shift(1)
        return self.t("rep.month_words", month=nxt.month, year=nxt.year)

    def behind_line(self, team: str, p: TargetProgress) -> str:
        area = doc_text(p.area_name) if p.area_name else self.t("rep.whole_team")
        if self.r.scope != "team":
            area = f"{doc_text(team)}, {area}"
        return self.t(
            "rep.behind", metric=self.metric(p.metric), area=area, done=self.n(p.done),
            target=self.n(p.target),
        )  # fmt: skip

    def requests(self) -> Section:
        lines: list[Block] = list(self.notes_lines("requests"))
        if not self.issue.notes.requests:
            lines.append(TO_COMPLETE)
        return Section(self.t("rep.section.4"), tuple(lines))

    # -- closing --------------------------------------------------------------------------
    def recipients(self) -> tuple[str, ...]:
        scope = self.r.scope
        if scope == "team":
            return (
                self.t("rep.to.ward", ward=in_sentence(self.ward())),
                self.t("rep.to.keep_team"),
            )
        if scope == "ward":
            return (self.t("rep.to.dost"), self.t("rep.to.teams"), self.t("rep.to.keep"))
        return (self.t("rep.to.city"), self.t("rep.to.wards"), self.t("rep.to.keep"))

    def signer(self) -> tuple[tuple[str, ...], str]:
        scope = self.r.scope
        if scope == "team":
            name = doc_text(self.r.leaders[0]) if self.r.leaders else ""
            return (self.t("rep.sign.team"),), name
        if scope == "ward":
            return (self.t("rep.sign.ward_for"), self.t("rep.sign.ward")), ""
        return (self.t("rep.sign.city"),), ""

    def appendix(self) -> tuple[tuple[str, str, Table], ...]:
        tables: list[tuple[str, str, Table]] = [
            (
                self.t("rep.table.services"), self.t("rep.tab.services"),
                self.service_table(nonzero=False),
            )
        ]  # fmt: skip
        if self.r.scope != "team":
            scope = self.r.scope
            tables.append(
                (
                    self.t(f"rep.table.units.{scope}"), self.t(f"rep.tab.units.{scope}"),
                    self.unit_table(full=True),
                )
            )  # fmt: skip
        o = self.r.outreach
        outreach = Table(
            tuple(self.t(f"rep.col.{k}") for k in ("no", "activity", "sessions_all", "attendees")),
            (
                (1, self.t("rep.kind.awareness"), o.awareness_sessions, o.awareness_attendees),
                (2, self.t("rep.kind.class"), o.class_sessions, o.class_learners),
            ),
            ("no", "text", "int", "int"),
        )
        tables.append((self.t("rep.table.outreach"), self.t("rep.tab.outreach"), outreach))
        targets = self.target_table()
        tables.append((self.t("rep.table.targets"), self.t("rep.tab.targets"), targets))
        reasons = Table(
            tuple(self.t(f"rep.col.{k}") for k in ("no", "reason", "service", "times")),
            tuple(
                (n, self.labels.reason_label(s, k, self.lang), self.labels.label(s, self.lang), c)
                for n, (s, k, c) in enumerate(self.r.reasons, start=1)
            ),
            ("no", "text", "text", "int"),
        )
        tables.append((self.t("rep.table.reasons"), self.t("rep.tab.reasons"), reasons))
        return tuple(tables)

    def content(self) -> Content:
        authority, issuer, is_authority = self.header()
        signer, name = self.signer()
        dated = self.issue.issued.strftime("%d/%m/%Y")
        return Content(
            authority=authority,
            issuer=issuer,
            issuer_is_authority=is_authority,
            number=self.number(),
            motto=(self.t("rep.motto_1"), self.t("rep.motto_2")),
            dated=self.dated(),
            title=self.t("rep.title"),
            summary=self.summary(),
            period=self.period(),
            intro=self.intro(),
            sections=(self.results(), self.difficulties(), self.plan(), self.requests()),
            recipients_title=self.t("rep.to.title"),
            recipients=self.recipients(),
            signer=signer,
            signer_name=name,
            appendix_title=self.t("rep.appendix"),
            appendix_ref=self.t(
                "rep.appendix_ref",
                number=numbered(self.issue.number),
                prefix=self.prefix(),
                date=dated,
            ),
            appendix_tables=self.appendix(),
        )


def report_content(report: MonthReport, issue: Issue, catalog: Catalog, lang: str) -> Content:
    """Return what the report of a team, ward or the city says, in one language."""
    return _Writer(report, issue, catalog, lang).content()
