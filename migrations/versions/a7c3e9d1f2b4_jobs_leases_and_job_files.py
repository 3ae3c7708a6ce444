"""jobs: worker leases on print jobs and roundtable runs; print job files leave the database;
the post-fair report is a print job too

Revision ID: a7c3e9d1f2b4
Revises: 2206a44a7296
Create Date: 2026-12-01 22:00:00

Print jobs made before this revision kept their file in the row; those rows are removed
(an organiser makes the file again in a few seconds) rather than written out, since the
file store's folder is an application setting the migration does not know.
"""
from alembic import op
import sqlalchemy as sa

import matchmaker.models.base


revision = 'a7c3e9d1f2b4'
down_revision = '2206a44a7296'
branch_labels = None
depends_on = None

DONE_HAS_FILE = "status <> 'done' OR file_path <> ''"
KIND_OLD = "kind IN ('posters', 'badges', 'leads_xlsx')"
KIND_NEW = "kind IN ('posters', 'badges', 'leads_xlsx', 'report_pdf', 'report_xlsx')"


def _lease_columns(batch_op):
    batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    batch_op.add_column(sa.Column('heartbeat_at', matchmaker.models.base.UTCDateTime(timezone=True),
                                  nullable=True))
    batch_op.add_column(sa.Column('worker', sa.String(length=120), server_default='',
                                  nullable=False))


def upgrade():
    op.execute("DELETE FROM print_job")
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        _lease_columns(batch_op)
        batch_op.add_column(sa.Column('file_path', sa.String(length=255), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('file_size', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.drop_column('content')
        batch_op.create_check_constraint(op.f('ck_print_job_done_has_file'), DONE_HAS_FILE)
        batch_op.drop_constraint(op.f('ck_print_job_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=10),
                              type_=sa.String(length=20), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_print_job_kind'), KIND_NEW)
    with op.batch_alter_table('roundtable_run', schema=None) as batch_op:
        _lease_columns(batch_op)


def downgrade():
    with op.batch_alter_table('roundtable_run', schema=None) as batch_op:
        batch_op.drop_column('worker')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('attempts')
    op.execute("DELETE FROM print_job")
    with op.batch_alter_table('print_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_print_job_done_has_file'), type_='check')
        batch_op.drop_constraint(op.f('ck_print_job_kind'), type_='check')
        batch_op.alter_column('kind', existing_type=sa.String(length=20),
                              type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_print_job_kind'), KIND_OLD)
        batch_op.add_column(sa.Column('content', sa.LargeBinary(), nullable=True))
        batch_op.drop_column('file_size')
        batch_op.drop_column('file_sha256')
        batch_op.drop_column('file_path')
        batch_op.drop_column('worker')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('attempts')
