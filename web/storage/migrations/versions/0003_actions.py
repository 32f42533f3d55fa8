"""The actions the dialogue took for each patient message (shown in the console).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.add_column(sa.Column("actions", sa.JSON))


def downgrade() -> None:
    with op.batch_alter_table("messages") as messages:
        messages.drop_column("actions")
