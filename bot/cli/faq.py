"""`python -m bot faq ask "<question>" [--json]`: try the FAQ matcher from the files, no database needed.

`python -m bot faq audit [--days N] [--json]`: list topics checked too long ago or citing no source.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from bot.cli.base import Subcommand, print_json
from bot.settings import Settings
from domain.faq import match_as_json
from domain.faq.audit import audit
from domain.redact import redact
from handlers.faq.service import FaqService
from storage.db import make_engine

logger = logging.getLogger(__name__)


def load_stored_phrasings(service: FaqService, database_url: str) -> int:
    """Add the phrasings leaders stored, when the database exists; return how many."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or not Path(database).is_file():
            return 0
    try:
        engine = make_engine(database_url)
        try:
            if not inspect(engine).has_table("faq_phrasing"):
                return 0
            with Session(engine) as session:
                return service.sync(session, force=True)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        logger.warning("Stored FAQ phrasings not loaded: %s", exc.__class__.__name__)
        return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Describe the arguments."""
    actions = parser.add_subparsers(dest="faq_action", required=True)
    ask = actions.add_parser("ask", help="match one question to a topic")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--no-db", action="store_true", help="ignore phrasings stored in the DB")
    audit = actions.add_parser("audit", help="list topics checked too long ago or citing no source")
    audit.add_argument("--days", type=int, default=0, help="maximum age (BOT_FAQ_MAX_AGE_DAYS)")
    audit.add_argument("--json", action="store_true")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Match one question and print the topic key, score and suggestions (or run the audit)."""
    if getattr(args, "faq_action", "ask") == "audit":
        return faq_audit(args, settings)
    service = FaqService(province=settings.province)
    if not args.no_db:
        load_stored_phrasings(service, settings.database_url)
    result = match_as_json(service.matcher, redact(args.question).text)
    if args.json:
        print_json(result)
        return 0
    key = result["key"]
    entry = service.entry(str(key), settings.default_locale) if key else None
    if entry is not None:
        sys.stdout.write(f"{key} ({result['score']}): {entry.title}\n")
    else:
        suggestions = result["suggestions"]
        assert isinstance(suggestions, list)
        listed = ", ".join(str(s) for s in suggestions) or "-"
        sys.stdout.write(f"no confident answer ({result['score']}); suggestions: {listed}\n")
    return 0


def faq_audit(args: argparse.Namespace, settings: Settings) -> int:
    """Print the topics whose `checked` date is too old and those citing no source; exit 0."""
    max_age = args.days or settings.faq_max_age_days
    today = dt.datetime.now(settings.timezone).date()
    service = FaqService(province=settings.province)
    findings = audit(service.knowledge, today=today, max_age_days=max_age)
    if args.json:
        print_json(
            {
                "province": settings.province,
                "today": today.isoformat(),
                "max_age_days": max_age,
                "findings": [finding.as_json() for finding in findings],
            }
        )
        return 0
    if not findings:
        sys.stdout.write(f"all topics checked within {max_age} days and citing a source\n")
        return 0
    for finding in findings:
        what = (
            f"checked {finding.checked.isoformat()} ({finding.age_days} days ago)"
            if finding.problem == "stale"
            else "source cites no web page or legal document"
        )
        sys.stdout.write(f"{finding.problem:<9} {finding.key} [{finding.language}] {what}\n")
    return 0


COMMAND = Subcommand(
    "faq", "try the residents' FAQ matcher, or audit its sources", add_arguments, run
)
