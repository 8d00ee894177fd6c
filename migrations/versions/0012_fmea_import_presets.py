"""FMEA import: saved column mappings (presets)

Revision ID: 0012_fmea_import_presets
Revises: 0011_complaint_import_learning
Create Date: 2026-12-02 10:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_fmea_import_presets'
down_revision = '0011_complaint_import_learning'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'fmea_import_presets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('mapping', sa.JSON(), nullable=False),
        sa.Column('scales', sa.JSON(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fmea_import_presets_created_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fmea_import_presets')),
        sa.UniqueConstraint('name', name=op.f('uq_fmea_import_presets_name')),
    )


def downgrade():
    op.drop_table('fmea_import_presets')
