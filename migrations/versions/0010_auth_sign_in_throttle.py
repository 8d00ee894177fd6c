"""failed sign-ins counted in the database, shared by every server process

Revision ID: 0010_auth_sign_in_throttle
Revises: 0009_actions_signature_hash
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_auth_sign_in_throttle'
down_revision = '0009_actions_signature_hash'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'sign_in_throttle',
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('allowed', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.Float(), nullable=True),
        sa.Column('last_at', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle')),
    )


def downgrade():
    op.drop_table('sign_in_throttle')
