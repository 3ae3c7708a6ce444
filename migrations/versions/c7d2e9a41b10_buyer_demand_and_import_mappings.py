"""buyer demand and import mappings

Revision ID: c7d2e9a41b10
Revises: a7c3e9d1f2b4
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import matchmaker.models.base


# revision identifiers, used by Alembic.
revision = 'c7d2e9a41b10'
down_revision = 'a7c3e9d1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('buyer_profile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_forms', sa.String(length=120), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('shipment_min_mt', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('min_iso_grade', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('min_fermented_pct', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('max_moisture_pct', sa.Numeric(precision=5, scale=2), nullable=True))
        batch_op.add_column(sa.Column('flavour_interests', sa.String(length=400), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('genetics_interests', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('incoterms', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('price_ceiling_usd_per_mt', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('delivery_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('delivery_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('eudr_required', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint('min_iso_grade', "min_iso_grade IS NULL OR min_iso_grade IN ('I', 'II')")
        batch_op.create_check_constraint('min_fermented_range', 'min_fermented_pct IS NULL OR (min_fermented_pct >= 0 AND min_fermented_pct <= 100)')
        batch_op.create_check_constraint('max_moisture_range', 'max_moisture_pct IS NULL OR (max_moisture_pct > 0 AND max_moisture_pct <= 100)')
        batch_op.create_check_constraint('shipment_positive', 'shipment_min_mt IS NULL OR shipment_min_mt > 0')
        batch_op.create_check_constraint('price_ceiling_positive', 'price_ceiling_usd_per_mt IS NULL OR price_ceiling_usd_per_mt > 0')
        batch_op.create_check_constraint('delivery_in_order', 'delivery_to IS NULL OR delivery_from IS NULL OR delivery_to >= delivery_from')

    op.create_table('import_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('columns_json', sa.Text(), nullable=False),
    sa.Column('updated_at', matchmaker.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('exhibitors', 'buyers')", name=op.f('ck_import_mapping_kind')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_import_mapping_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_mapping')),
    sa.UniqueConstraint('event_id', 'kind', name=op.f('uq_import_mapping_event_id_kind'))
    )


def downgrade():
    op.drop_table('import_mapping')
    with op.batch_alter_table('buyer_profile', schema=None) as batch_op:
        for name in ('delivery_in_order', 'price_ceiling_positive', 'shipment_positive',
                     'max_moisture_range', 'min_fermented_range', 'min_iso_grade'):
            batch_op.drop_constraint(name, type_='check')
        for column in ('eudr_required', 'delivery_to', 'delivery_from', 'price_ceiling_usd_per_mt',
                       'incoterms', 'genetics_interests', 'flavour_interests', 'max_moisture_pct',
                       'min_fermented_pct', 'min_iso_grade', 'shipment_min_mt', 'product_forms'):
            batch_op.drop_column(column)
