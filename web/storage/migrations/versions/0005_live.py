"""Live takeover: the moderator holding a conversation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as conversations:
        conversations.add_column(
            sa.Column(
                "held_by",
                sa.Integer,
                sa.ForeignKey("moderators.id", name="held_by_moderator", ondelete="SET NULL"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as conversations:
        conversations.drop_column("held_by")
