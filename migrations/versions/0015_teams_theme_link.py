"""one theme-project link: projects.theme_id and the project_complaints set (teams);
themes drop project_id, complaints drop project_id, project_charters drop theme_id

Revision ID: 0015_teams_theme_link
Revises: 0014_complaint_import_suggest
Create Date: 2026-12-02 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_teams_theme_link'
down_revision = '0014_complaint_import_suggest'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('projects', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_projects_theme_id'), ['theme_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_projects_theme_id_themes'), 'themes', ['theme_id'], ['id'], ondelete='SET NULL')

    op.create_table('project_complaints',
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=True),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_project_complaints_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_complaints_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['themes.id'], name=op.f('fk_project_complaints_theme_id_themes'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('project_id', 'complaint_id', name=op.f('pk_project_complaints'))
    )
    with op.batch_alter_table('project_complaints', schema=None) as batch_op:
        batch_op.create_index('ix_project_complaints_complaint', ['complaint_id'], unique=False)

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('mix', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('example_ids', sa.JSON(), nullable=True))

    # Move the data: the project's theme (the charter's link first, else the theme's own), and
    # the complaints each project answered for (the copy on each complaint).
    op.execute(
        "UPDATE projects SET theme_id = (SELECT c.theme_id FROM project_charters c "
        "WHERE c.project_id = projects.id AND c.theme_id IS NOT NULL)"
    )
    op.execute(
        "UPDATE projects SET theme_id = (SELECT MIN(t.id) FROM themes t WHERE t.project_id = projects.id) "
        "WHERE theme_id IS NULL"
    )
    op.execute(
        "INSERT INTO project_complaints (project_id, complaint_id, theme_id, linked_at) "
        "SELECT c.project_id, c.id, CASE WHEN p.theme_id = c.theme_id THEN c.theme_id END, CURRENT_TIMESTAMP "
        "FROM complaints c JOIN projects p ON p.id = c.project_id"
    )

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_complaints_project')
        batch_op.drop_constraint('fk_complaints_project_id_projects', type_='foreignkey')
        batch_op.drop_column('project_id')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_constraint('fk_themes_project_id_projects', type_='foreignkey')
        batch_op.drop_column('project_id')
    with op.batch_alter_table('project_charters', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint('fk_project_charters_theme_id_themes', type_='foreignkey')
        batch_op.drop_column('theme_id')


def downgrade():
    with op.batch_alter_table('project_charters', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_project_charters_theme_id_themes', 'themes', ['theme_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_themes_project_id_projects', 'projects', ['project_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_complaints_project_id_projects', 'projects', ['project_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_complaints_project', ['project_id'], unique=False)

    op.execute(
        "UPDATE project_charters SET theme_id = (SELECT p.theme_id FROM projects p WHERE p.id = project_charters.project_id)"
    )
    op.execute("UPDATE themes SET project_id = (SELECT MIN(p.id) FROM projects p WHERE p.theme_id = themes.id)")
    op.execute(
        "UPDATE complaints SET project_id = (SELECT MIN(l.project_id) FROM project_complaints l WHERE l.complaint_id = complaints.id)"
    )

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('example_ids')
        batch_op.drop_column('mix')
        batch_op.drop_column('active')
    with op.batch_alter_table('project_complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_project_complaints_complaint')
    op.drop_table('project_complaints')
    with op.batch_alter_table('projects', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_theme_id_themes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_projects_theme_id'))
        batch_op.drop_column('theme_id')
