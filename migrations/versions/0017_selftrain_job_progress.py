"""job_progress: background jobs' progress (theme builds, ...) where every app process sees it

Revision ID: 0017_selftrain_job_progress
Revises: 0016_fmea_rating_scale
Create Date: 2026-12-02 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_selftrain_job_progress'
down_revision = '0016_fmea_rating_scale'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'job_progress',
        sa.Column('job', sa.String(length=64), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('job', name=op.f('pk_job_progress')),
    )


def downgrade():
    op.drop_table('job_progress')
