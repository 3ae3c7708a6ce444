"""lot sheet: every seller-typed text per language; ICE London in GBP with a GBP→USD rate

Revision ID: 5e0b3a91d7c2
Revises: 9e3b5d17c2a4
Create Date: 2026-12-03 18:20:00.000000

Warehouse, box wood, the other market's name, the futures contract month, the roast profile
and the awards were single-language. They become `_es`/`_en` pairs like the payment terms;
what was typed so far becomes the `_es` value (the reps and the demo write Spanish).

ICE London quotes cacao in GBP per tonne. The event's London reference was typed already
converted to USD, with no rate or date for the conversion; it becomes a GBP figure plus a
dated GBP→USD rate. A figure in USD cannot be turned back into pounds honestly, so an
existing London reference is dropped (the organiser re-enters it in GBP); downgrading
converts GBP back to USD when both the price and the rate are there.
"""
from alembic import op
import sqlalchemy as sa


revision = '5e0b3a91d7c2'
down_revision = "9e3b5d17c2a4"
branch_labels = None
depends_on = None

# (table, column, type): renamed to <column>_es, with a new <column>_en beside it.
BILINGUAL = (
    ('lot', 'warehouse', sa.String(length=160)),
    ('lot', 'wood_species', sa.String(length=120)),
    ('lot', 'price_market_other', sa.String(length=80)),
    ('lot', 'ice_contract_month', sa.String(length=20)),
    ('sensory_evaluation', 'roast_profile', sa.String(length=160)),
    ('sensory_evaluation', 'awards', sa.Text()),
)
OLD_LONDON_CHECKS = {
    'ice_london_dated': "(ice_london_usd_mt IS NULL) = (ice_london_on IS NULL)",
    'ice_london_positive': "ice_london_usd_mt IS NULL OR ice_london_usd_mt > 0",
}
NEW_LONDON_CHECKS = {
    'ice_london_dated': "(ice_london_gbp_t IS NULL) = (ice_london_on IS NULL)",
    'ice_london_positive': "ice_london_gbp_t IS NULL OR ice_london_gbp_t > 0",
    'gbp_rate_dated': "(usd_per_gbp IS NULL) = (usd_per_gbp_on IS NULL)",
    'gbp_rate_positive': "usd_per_gbp IS NULL OR usd_per_gbp > 0",
}


def _tables():
    return sorted({table for table, _column, _type in BILINGUAL})


def upgrade():
    for table in _tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _table, column, column_type in (b for b in BILINGUAL if b[0] == table):
                batch_op.alter_column(column, new_column_name=f'{column}_es',
                                      existing_type=column_type, existing_nullable=False)
                batch_op.add_column(sa.Column(f'{column}_en', column_type, nullable=False,
                                              server_default=''))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _table, column, _type in (b for b in BILINGUAL if b[0] == table):
                batch_op.alter_column(f'{column}_en', server_default=None)

    event = sa.table('event', sa.column('ice_london_usd_mt', sa.Numeric),
                     sa.column('ice_london_on', sa.Date))
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name in OLD_LONDON_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_event_{name}'), type_='check')
    op.execute(event.update().values(ice_london_on=None))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('ice_london_usd_mt')
        batch_op.add_column(sa.Column('ice_london_gbp_t', sa.Numeric(precision=10, scale=2), nullable=True))
        batch_op.add_column(sa.Column('usd_per_gbp', sa.Numeric(precision=8, scale=4), nullable=True))
        batch_op.add_column(sa.Column('usd_per_gbp_on', sa.Date(), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name, condition in NEW_LONDON_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_event_{name}'), condition)


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name in NEW_LONDON_CHECKS:
            batch_op.drop_constraint(op.f(f'ck_event_{name}'), type_='check')
        batch_op.add_column(sa.Column('ice_london_usd_mt', sa.Numeric(precision=10, scale=2), nullable=True))
    event = sa.table('event', sa.column('ice_london_usd_mt', sa.Numeric),
                     sa.column('ice_london_gbp_t', sa.Numeric), sa.column('usd_per_gbp', sa.Numeric),
                     sa.column('ice_london_on', sa.Date))
    op.execute(event.update().where(event.c.ice_london_gbp_t.is_not(None),
                                    event.c.usd_per_gbp.is_not(None))
               .values(ice_london_usd_mt=event.c.ice_london_gbp_t * event.c.usd_per_gbp))
    op.execute(event.update().where(event.c.ice_london_usd_mt.is_(None)).values(ice_london_on=None))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('usd_per_gbp_on')
        batch_op.drop_column('usd_per_gbp')
        batch_op.drop_column('ice_london_gbp_t')
    with op.batch_alter_table('event', schema=None) as batch_op:
        for name, condition in OLD_LONDON_CHECKS.items():
            batch_op.create_check_constraint(op.f(f'ck_event_{name}'), condition)

    for table in _tables():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for _table, column, column_type in (b for b in BILINGUAL if b[0] == table):
                batch_op.drop_column(f'{column}_en')
                batch_op.alter_column(f'{column}_es', new_column_name=column,
                                      existing_type=column_type, existing_nullable=False)
