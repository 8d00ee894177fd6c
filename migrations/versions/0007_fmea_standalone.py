"""standalone FMEA per process owner

Revision ID: 0007_fmea_standalone
Revises: 0006_links
Create Date: 2026-11-25 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_fmea_standalone'
down_revision = '0006_links'
branch_labels = None
depends_on = None


def upgrade():
    # An FMEA belongs to a project or, standalone, to a process owner: exactly one of the two.
    with op.batch_alter_table('fmea_documents', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('process_owner_id', sa.Integer(), nullable=True))
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_fmea_documents_process_owner_id'), ['process_owner_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_fmea_documents_process_owner_id_process_owners'), 'process_owners', ['process_owner_id'], ['id'], ondelete='RESTRICT'
        )
        batch_op.create_check_constraint(
            op.f('ck_fmea_documents_one_owner'),
            '(project_id IS NULL) <> (process_owner_id IS NULL)',
        )


def downgrade():
    op.execute('DELETE FROM fmea_documents WHERE project_id IS NULL')
    with op.batch_alter_table('fmea_documents', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(op.f('ck_fmea_documents_one_owner'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_fmea_documents_process_owner_id_process_owners'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_fmea_documents_process_owner_id'))
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('process_owner_id')
