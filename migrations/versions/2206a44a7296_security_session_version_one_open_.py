"""security: session version, one open meeting per buyer and organisation

Revision ID: 2206a44a7296
Revises: 84d186ff1c53
Create Date: 2026-12-01 21:44:10.923762

Hand-reviewed:
- `user_account.session_version` (0 for everyone) is part of the id in session and remember
  cookies; cookies issued before this release carried the bare id and are no longer
  accepted, so everybody logs in once more.
- Before the partial unique index on open meetings can exist, duplicates that the old race
  let in are cancelled: per (event, buyer, organisation) the accepted meeting is kept, else
  the oldest; the others become 'cancelled'. The rule only looks at the kept row, so the
  result does not depend on the order in which the database updates rows.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2206a44a7296'
down_revision = '84d186ff1c53'
branch_labels = None
depends_on = None

OPEN = "('requested', 'proposed', 'accepted')"

# Per (event, buyer, organisation), every open meeting but the keeper (the accepted one, else
# the oldest) is cancelled. Only the keeper decides, so row order does not matter.
CANCEL_DUPLICATE_OPEN_MEETINGS = f"""
    UPDATE meeting SET status = 'cancelled'
    WHERE status IN {OPEN} AND EXISTS (
        SELECT 1 FROM meeting AS keeper
        WHERE keeper.event_id = meeting.event_id
          AND keeper.buyer_id = meeting.buyer_id
          AND keeper.organisation_id = meeting.organisation_id
          AND keeper.status IN {OPEN}
          AND keeper.id <> meeting.id
          AND ((keeper.status = 'accepted' AND meeting.status <> 'accepted')
               OR ((keeper.status = 'accepted') = (meeting.status = 'accepted')
                   AND keeper.id < meeting.id))
    )
"""


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='0', nullable=False))

    op.execute(sa.text(CANCEL_DUPLICATE_OPEN_MEETINGS))
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index('uq_meeting_open_buyer_org', ['event_id', 'buyer_id', 'organisation_id'], unique=True, sqlite_where=sa.text(f"status IN {OPEN}"), postgresql_where=sa.text(f"status IN {OPEN}"))


def downgrade():
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index('uq_meeting_open_buyer_org', sqlite_where=sa.text(f"status IN {OPEN}"), postgresql_where=sa.text(f"status IN {OPEN}"))

    # Not in batch mode: on SQLite that copies and drops user_account, and with foreign
    # keys on, dropping it cascades to every meeting, lead and check-in of its users.
    # SQLite (3.35+) drops a plain column in place.
    op.drop_column('user_account', 'session_version')
