"""phrases suggested from the organisation's own complaints, accepted or dismissed by a quality manager

Revision ID: 0014_complaint_import_suggest
Revises: 0013_core_live_revisions
Create Date: 2026-12-02 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_complaint_import_suggest'
down_revision = '0013_core_live_revisions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rule_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=True),
    sa.Column('phrase', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('coverage', sa.Integer(), nullable=False),
    sa.Column('labelled', sa.Integer(), nullable=False),
    sa.Column('precision', sa.Double(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_suggestions')),
    sqlite_autoincrement=True
    )


def downgrade():
    op.drop_table('rule_suggestions')
