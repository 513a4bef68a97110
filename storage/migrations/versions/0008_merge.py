"""Join the branches that were developed in parallel into one head.

Revision ID: 0008_merge
Revises: 0002_links, 0005_schedule, 0007_handoff
Create Date: 2026-11-29
"""

revision = "0008_merge"
down_revision = ("0002_links", "0005_schedule", "0007_handoff")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
