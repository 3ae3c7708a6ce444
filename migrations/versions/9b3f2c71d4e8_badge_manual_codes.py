"""badge manual codes: a short code printed under every badge QR, typed when the QR won't scan

Revision ID: 9b3f2c71d4e8
Revises: 5e0b3a91d7c2
Create Date: 2026-12-03 18:10:00.000000

Existing badge tokens (active or revoked) get a random code here, so the check that every
badge has one holds from the start.
"""
import secrets

from alembic import op
import sqlalchemy as sa


revision = '9b3f2c71d4e8'
down_revision = "5e0b3a91d7c2"
branch_labels = None
depends_on = None

# The alphabet of matchmaker.printing.qr at the time of writing (no 0/O, 1/I/L, U/V).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"


def upgrade():
    with op.batch_alter_table('qr_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manual_code', sa.String(length=8), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_qr_token_manual_code'), ['manual_code'])

    qr_token = sa.table('qr_token', sa.column('id', sa.Integer), sa.column('kind', sa.String),
                        sa.column('manual_code', sa.String))
    connection = op.get_bind()
    badge_ids = connection.execute(
        sa.select(qr_token.c.id).where(qr_token.c.kind == 'badge')).scalars().all()
    used: set[str] = set()
    for badge_id in badge_ids:
        code = ''.join(secrets.choice(ALPHABET) for _ in range(8))
        while code in used:
            code = ''.join(secrets.choice(ALPHABET) for _ in range(8))
        used.add(code)
        connection.execute(qr_token.update().where(qr_token.c.id == badge_id)
                           .values(manual_code=code))

    with op.batch_alter_table('qr_token', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_qr_token_badge_has_manual_code'), "(kind = 'badge') = (manual_code IS NOT NULL)")


def downgrade():
    with op.batch_alter_table('qr_token', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_qr_token_badge_has_manual_code'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_qr_token_manual_code'), type_='unique')
        batch_op.drop_column('manual_code')
