"""meetings: the rep who covers each meeting (reps with two seats split them)

Revision ID: 5be3d0c7a2f1
Revises: 9b3f2c71d4e8
Create Date: 2026-12-03 18:20:00.000000

`meeting.rep_id` names the organisation's rep who sits at the meeting when the reps chose;
a partial unique index over the active statuses keeps a rep in one meeting per slot.
"""
from alembic import op
import sqlalchemy as sa


revision = '5be3d0c7a2f1'
down_revision = "9b3f2c71d4e8"
branch_labels = None
depends_on = None

ACTIVE = "rep_id IS NOT NULL AND status IN ('requested', 'proposed', 'accepted', 'held', 'no_show')"


def upgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rep_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_meeting_rep_id_user_account'), 'user_account',
                                    ['rep_id'], ['id'], ondelete='SET NULL')
    op.create_index('uq_meeting_active_slot_rep', 'meeting', ['slot_id', 'rep_id'], unique=True,
                    sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))


def downgrade():
    op.drop_index('uq_meeting_active_slot_rep', table_name='meeting',
                  sqlite_where=sa.text(ACTIVE), postgresql_where=sa.text(ACTIVE))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_rep_id_user_account'), type_='foreignkey')
        batch_op.drop_column('rep_id')
