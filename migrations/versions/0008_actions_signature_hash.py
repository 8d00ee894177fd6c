"""closing signatures hold the SHA-256 of what was signed and are superseded on reopening

Revision ID: 0008_actions_signature_hash
Revises: 0007_fmea_standalone
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_actions_signature_hash'
down_revision = '0007_fmea_standalone'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('sign_offs', schema=None) as batch_op:
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('content_hash')
