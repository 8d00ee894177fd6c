"""closing signatures hold the SHA-256 of what was signed and are superseded on reopening

Revision ID: 0009_actions_signature_hash
Revises: 0008_complaint_import_matrix
Create Date: 2026-12-02 07:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_actions_signature_hash'
down_revision = '0008_complaint_import_matrix'
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
