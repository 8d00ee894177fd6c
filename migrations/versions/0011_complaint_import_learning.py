"""retraining runs: background training, preview of what would move, apply or discard; models stored as plain arrays

Revision ID: 0011_complaint_import_learning
Revises: 0010_auth_sign_in_throttle
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_complaint_import_learning'
down_revision = '0010_auth_sign_in_throttle'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('classifier_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('phase', sa.String(length=20), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_classifier_runs_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classifier_runs')),
    sqlite_autoincrement=True
    )
    # Models written before this revision were pickled: they are not loaded any more, so they go.
    op.execute("DELETE FROM classifier_models")
    with op.batch_alter_table('classifier_models', schema=None) as batch_op:
        batch_op.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_classifier_models_run_id_classifier_runs'), 'classifier_runs', ['run_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('classifier_models', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_classifier_models_run_id_classifier_runs'), type_='foreignkey')
        batch_op.drop_column('run_id')
    op.drop_table('classifier_runs')
