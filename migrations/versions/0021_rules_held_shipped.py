"""classification_rules.held and .shipped_as: a shipped phrase a person changed or switched off stays as they left it

Picking the industries again (or bringing the shipped phrases up to date after an upgrade) used to
switch an edited shipped phrase off, add the original back, and switch on again what a person had
switched off. ``shipped_as`` keeps the phrase as it was shipped (so an edited row is still known as
that shipped phrase) and ``held`` marks a row a person changed: both are left alone from then on.

Revision ID: 0021_rules_held_shipped
Revises: 0020_hamza_text_norm
Create Date: 2026-12-03 14:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0021_rules_held_shipped'
down_revision = '0020_hamza_text_norm'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('classification_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('shipped_as', sa.String(length=200), nullable=True))
    # What a shipped row holds now is what was shipped (earlier edits cannot be told apart any more).
    op.execute("UPDATE classification_rules SET shipped_as = phrase WHERE industry IS NOT NULL")


def downgrade():
    with op.batch_alter_table('classification_rules', schema=None) as batch_op:
        batch_op.drop_column('shipped_as')
        batch_op.drop_column('held')
