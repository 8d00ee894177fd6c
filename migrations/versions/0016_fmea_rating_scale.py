"""fmea_documents.rating_scale: the S/O/D criteria chosen per FMEA (manufacturing or service)

Revision ID: 0016_fmea_rating_scale
Revises: 0015_teams_theme_link
Create Date: 2026-12-02 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_fmea_rating_scale'
down_revision = '0015_teams_theme_link'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fmea_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rating_scale', sa.String(length=20), server_default='manufacturing', nullable=False))


def downgrade():
    with op.batch_alter_table('fmea_documents', schema=None) as batch_op:
        batch_op.drop_column('rating_scale')
