"""Console: moderators, server-side sessions, reviews, annotations, audit log; the entities
and safety result of each patient message, for the review queue.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.add_column(sa.Column("entities", sa.JSON))
        messages.add_column(sa.Column("safety_level", sa.String(16)))
        messages.add_column(sa.Column("safety_near", sa.Boolean))
    op.create_table(
        "moderators",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("email", sa.String(254), nullable=False, unique=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "console_sessions",
        sa.Column("key_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("reviewed_by", sa.Integer, sa.ForeignKey("moderators.id", ondelete="SET NULL")),
        sa.Column("tags", sa.JSON),
        sa.Column("note", sa.Text),
    )
    op.create_table(
        "annotations",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=False),
        sa.Column(
            "conversation_id",
            sa.String(32),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(32)),
        sa.Column("expected_intent", sa.String(64)),
        sa.Column("expected_answer", sa.Text),
        sa.Column("note", sa.Text),
        sa.Column("moderator_id", sa.Integer, sa.ForeignKey("moderators.id", ondelete="SET NULL")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("annotations_by_message", "annotations", ["message_id", "id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("moderator_id", sa.Integer, sa.ForeignKey("moderators.id", ondelete="SET NULL")),
        sa.Column("moderator_email", sa.String(254)),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("target", sa.String(200)),
        sa.Column("detail", sa.JSON),
    )


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_index("annotations_by_message", table_name="annotations")
    op.drop_table("annotations")
    op.drop_table("reviews")
    op.drop_table("console_sessions")
    op.drop_table("moderators")
    with op.batch_alter_table("messages") as messages:
        messages.drop_column("safety_near")
        messages.drop_column("safety_level")
        messages.drop_column("entities")
