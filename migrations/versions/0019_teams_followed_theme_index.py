"""index project_complaints by the theme that brought each complaint in (teams)

A theme's card lists the projects that follow it (those a theme build let take in its complaints),
not only the one started from it; finding them per theme must not scan every linked complaint.

Revision ID: 0019_teams_followed_theme_index
Revises: 0018_search_text_index
Create Date: 2026-12-03 13:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_teams_followed_theme_index'
down_revision = '0018_search_text_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('project_complaints', schema=None) as batch_op:
        batch_op.create_index('ix_project_complaints_theme', ['theme_id', 'project_id'], unique=False)


def downgrade():
    with op.batch_alter_table('project_complaints', schema=None) as batch_op:
        batch_op.drop_index('ix_project_complaints_theme')
