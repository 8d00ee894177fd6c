"""live-update revisions per project when there is no Redis

Revision ID: 0013_core_live_revisions
Revises: 0012_fmea_import_presets
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_core_live_revisions'
down_revision = '0012_fmea_import_presets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'live_revisions',
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('scope', name=op.f('pk_live_revisions')),
    )


def downgrade():
    op.drop_table('live_revisions')
