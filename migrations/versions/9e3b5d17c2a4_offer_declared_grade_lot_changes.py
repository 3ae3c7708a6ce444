"""offers: declared grade, quality-updated date, lots' material figures and their changes

Revision ID: 9e3b5d17c2a4
Revises: c4e1a7d2b9f0
Create Date: 2026-12-03 18:10:00.000000

The grade an offer was published with used to be derived from the analyses recorded by
publication; it is now what the cooperative declares (`declared_grade`). Offers published
before keep NULL (nothing is flagged for them) until they are published again. Each offer
line remembers its lot's material figures; a lot edit that changes them writes one
`offer_lot_change` row per figure for the cooperative to review.
"""
from alembic import op
import sqlalchemy as sa

import matchmaker.models.base


revision = '9e3b5d17c2a4'
down_revision = 'c4e1a7d2b9f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consolidated_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_grade', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('quality_updated_at', matchmaker.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_consolidated_offer_declared_grade'),
            "declared_grade IS NULL OR declared_grade IN ('I', 'II', 'SS')")
    with op.batch_alter_table('offer_lot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('figures', sa.Text(), nullable=False, server_default=''))
    op.create_table('offer_lot_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=60), nullable=False),
    sa.Column('old_value', sa.String(length=255), nullable=False),
    sa.Column('new_value', sa.String(length=255), nullable=False),
    sa.Column('changed_at', matchmaker.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', matchmaker.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['line_id'], ['offer_lot.id'], name=op.f('fk_offer_lot_change_line_id_offer_lot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offer_lot_change'))
    )
    with op.batch_alter_table('offer_lot_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_lot_change_line_id'), ['line_id'], unique=False)


def downgrade():
    with op.batch_alter_table('offer_lot_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_lot_change_line_id'))
    op.drop_table('offer_lot_change')
    with op.batch_alter_table('offer_lot', schema=None) as batch_op:
        batch_op.drop_column('figures')
    with op.batch_alter_table('consolidated_offer', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_consolidated_offer_declared_grade'), type_='check')
        batch_op.drop_column('quality_updated_at')
        batch_op.drop_column('declared_grade')
