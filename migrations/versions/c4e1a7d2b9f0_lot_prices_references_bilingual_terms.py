"""lot prices: fixed or differential with premium; event market references; bilingual terms

Revision ID: c4e1a7d2b9f0
Revises: c7d2e9a41b10
Create Date: 2026-12-01 22:00:00.000000

A differential used to live in `price_usd_per_mt` under basis "differential_ice_ny", where
every reader took it for an absolute price. It moves to `price_differential_usd_mt` against
market "ice_ny"; `price_usd_per_mt` keeps fixed prices only. Payment terms and shipping
window become per-language fields; what was typed so far was Spanish (the demo and the
reps write Spanish), so it becomes the `_es` value.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e1a7d2b9f0'
down_revision = 'c7d2e9a41b10'
branch_labels = None
depends_on = None

LOT_CHECKS = {
    'price_basis_known': "price_basis IN ('fixed', 'differential')",
    'fixed_has_no_differential': "price_basis = 'differential' OR price_differential_usd_mt IS NULL",
    'differential_has_no_fixed_price': "price_basis = 'fixed' OR price_usd_per_mt IS NULL",
    'premium_non_negative': "price_premium_usd_mt IS NULL OR price_premium_usd_mt >= 0",
}
EVENT_CHECKS = {
    'ice_ny_dated': "(ice_ny_usd_mt IS NULL) = (ice_ny_on IS NULL)",
    'ice_london_dated': "(ice_london_usd_mt IS NULL) = (ice_london_on IS NULL)",
    'pen_rate_dated': "(pen_per_usd IS NULL) = (pen_per_usd_on IS NULL)",
    'ice_ny_positive': "ice_ny_usd_mt IS NULL OR ice_ny_usd_mt > 0",
    'ice_london_positive': "ice_london_usd_mt IS NULL OR ice_london_usd_mt > 0",
    'pen_rate_positive': "pen_per_usd IS NULL OR pen_per_usd > 0",
}


def upgrade():
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_differential_usd_mt', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('price_market', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('price_market_other', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('price_premium_usd_mt', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('price_premium_kind', sa.String(length=20), nullable=False, server_default=''))
        batch_op.alter_column('payment_terms', new_column_name='payment_terms_es',
                              existing_type=sa.String(length=255), existing_nullable=False)
        batch_op.alter_column('ship_window', new_column_name='ship_window_es',
                              existing_type=sa.String(length=120), existing_nullable=False)
        batch_op.add_column(sa.Column('payment_terms_en', sa.String(length=255), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('ship_window_en', sa.String(length=120), nullable=False, server_default=''))

    lot = sa.table('lot', sa.column('price_basis', sa.String), sa.column('price_usd_per_mt', sa.Numeric),
                   sa.column('price_differential_usd_mt', sa.Numeric), sa.column('price_market', sa.String))
    op.execute(lot.update().where(lot.c.price_basis == 'differential_ice_ny').values(
        price_basis='differential', price_market='ice_ny',
        price_differential_usd_mt=lot.c.price_usd_per_mt, price_usd_per_mt=None))
    op.execute(lot.update().where(lot.c.price_basis.not_in(('fixed', 'differential'))).values(
        price_basis='fixed'))

    with op.batch_alter_table('lot', schema=None) as batch_op:
        for name in ('price_market', 'price_market_other', 'price_premium_kind', 'payment_terms_en',
                     'ship_window_en'):
            batch_op.alter_column(name, server_default=None)
        for name, condition in LOT_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_lot_{name}'), condition)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ice_ny_usd_mt', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('ice_ny_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ice_london_usd_mt', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('ice_london_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('pen_per_usd', sa.Numeric(precision=8, scale=4), nullable=True))
        batch_op.add_column(sa.Column('pen_per_usd_on', sa.Date(), nullable=True))
        for name, condition in EVENT_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_event_{name}'), condition)

    with op.batch_alter_table('production_plot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('declared_area_ha', sa.Numeric(precision=10, scale=4), nullable=True))


def downgrade():
    with op.batch_alter_table('production_plot', schema=None) as batch_op:
        batch_op.drop_column('declared_area_ha')

    with op.batch_alter_table('event', schema=None) as batch_op:
        for name in EVENT_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_event_{name}'), type_='check')
        for name in ('pen_per_usd_on', 'pen_per_usd', 'ice_london_on', 'ice_london_usd_mt',
                     'ice_ny_on', 'ice_ny_usd_mt'):
            batch_op.drop_column(name)

    with op.batch_alter_table('lot', schema=None) as batch_op:
        for name in LOT_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_lot_{name}'), type_='check')

    lot = sa.table('lot', sa.column('price_basis', sa.String), sa.column('price_usd_per_mt', sa.Numeric),
                   sa.column('price_differential_usd_mt', sa.Numeric), sa.column('price_market', sa.String))
    op.execute(lot.update().where(lot.c.price_basis == 'differential').values(
        price_basis='differential_ice_ny', price_usd_per_mt=lot.c.price_differential_usd_mt))

    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.drop_column('ship_window_en')
        batch_op.drop_column('payment_terms_en')
        batch_op.alter_column('ship_window_es', new_column_name='ship_window',
                              existing_type=sa.String(length=120), existing_nullable=False)
        batch_op.alter_column('payment_terms_es', new_column_name='payment_terms',
                              existing_type=sa.String(length=255), existing_nullable=False)
        batch_op.drop_column('price_premium_kind')
        batch_op.drop_column('price_premium_usd_mt')
        batch_op.drop_column('price_market_other')
        batch_op.drop_column('price_market')
        batch_op.drop_column('price_differential_usd_mt')
