"""reps may show their contact details to buyers who share theirs

Revision ID: 31fb2f93ffed
Revises: 5be3d0c7a2f1
Create Date: 2026-12-03 18:40:00.000000

A rep's agreement (profile page): buyers who share their e-mail and phone with the rep's
organisation then see the rep's e-mail, phone and WhatsApp link. Off until the rep says so.
"""
from alembic import op
import sqlalchemy as sa


revision = '31fb2f93ffed'
down_revision = "5be3d0c7a2f1"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares_contact_with_buyers', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('shares_contact_with_buyers')
