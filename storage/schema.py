"""Imports every table module so SQLModel.metadata knows the whole schema."""

from sqlmodel import SQLModel

import storage.assist_models
import storage.dashboard_models
import storage.faq_phrasing
import storage.files
import storage.handoff
import storage.inbox
import storage.links
import storage.models
import storage.privacy
import storage.question_models
import storage.report_models
import storage.schedule_models
import storage.web_pending  # noqa: F401

metadata = SQLModel.metadata
