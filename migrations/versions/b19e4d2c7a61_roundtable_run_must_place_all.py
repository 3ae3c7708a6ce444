"""a scheduler run may require every wished meeting to be placed

Revision ID: b19e4d2c7a61
Revises: 31fb2f93ffed
Create Date: 2026-12-04 19:30:00.000000

The organiser's "every wish must get a meeting" choice on the run: the scheduler then either
places all of them (fewest waits, proven where it can) or proves they cannot all fit.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b19e4d2c7a61'
down_revision = '31fb2f93ffed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roundtable_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_place_all', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('roundtable_run', schema=None) as batch_op:
        batch_op.drop_column('must_place_all')
