"""QR tokens printed on lots, consolidated offers, booths and buyer badges, and their scans."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.models.accounts import User
from matchmaker.models.base import Base, UTCDateTime, utcnow
from matchmaker.models.events import Event, Exhibitor
from matchmaker.models.jobs import LeasedJob
from matchmaker.models.lots import Lot
from matchmaker.models.offers import ConsolidatedOffer


class QrKind(enum.StrEnum):
    """What a printed code points at."""

    LOT = "lot"
    OFFER = "offer"
    BOOTH = "booth"
    BADGE = "badge"


_ACTIVE = text("is_active")


class QrToken(Base):
    """An opaque random token behind a short /q/<token> URL; revoked tokens stay for a 410 page.

    Exactly one target column set is filled, according to kind; at most one ACTIVE token per
    target (partial unique indexes), so re-issuing revokes the old token first.
    """

    __tablename__ = "qr_token"
    __table_args__ = (
        CheckConstraint("kind IN ('lot', 'offer', 'booth', 'badge')", name="kind"),
        CheckConstraint(
            "(kind = 'lot' AND lot_id IS NOT NULL AND exhibitor_id IS NULL AND buyer_id IS NULL"
            " AND offer_id IS NULL)"
            " OR (kind = 'offer' AND offer_id IS NOT NULL AND lot_id IS NULL"
            " AND exhibitor_id IS NULL AND buyer_id IS NULL)"
            " OR (kind = 'booth' AND exhibitor_id IS NOT NULL AND lot_id IS NULL"
            " AND buyer_id IS NULL AND offer_id IS NULL)"
            " OR (kind = 'badge' AND buyer_id IS NOT NULL AND event_id IS NOT NULL"
            " AND lot_id IS NULL AND exhibitor_id IS NULL AND offer_id IS NULL)",
            name="one_target",
        ),
        CheckConstraint("is_active OR revoked_at IS NOT NULL", name="revoked_has_time"),
        CheckConstraint("(kind = 'badge') = (manual_code IS NOT NULL)", name="badge_has_manual_code"),
        Index("uq_qr_token_active_lot", "lot_id", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("uq_qr_token_active_offer", "offer_id", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("uq_qr_token_active_booth", "exhibitor_id", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
        Index("uq_qr_token_active_badge", "event_id", "buyer_id", unique=True,
              sqlite_where=_ACTIVE, postgresql_where=_ACTIVE),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    # What a person types when the QR will not scan: 8 random characters of an alphabet
    # without look-alikes, printed as "K7MQ-2XRD" under the badge QR (badges only).
    manual_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id", ondelete="CASCADE"), index=True)
    # Nullable so existing rows need no backfill; filled for kind 'offer' only.
    offer_id: Mapped[int | None] = mapped_column(
        ForeignKey("consolidated_offer.id", ondelete="CASCADE"), index=True
    )
    exhibitor_id: Mapped[int | None] = mapped_column(
        ForeignKey("exhibitor.id", ondelete="CASCADE"), index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lot: Mapped[Lot | None] = relationship()
    offer: Mapped[ConsolidatedOffer | None] = relationship()
    exhibitor: Mapped[Exhibitor | None] = relationship()
    event: Mapped[Event | None] = relationship()
    buyer: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<QrToken {self.kind} {self.token}{'' if self.is_active else ' revoked'}>"


class Scan(Base):
    """One opening of a lot, offer or booth code: when, which token, which event, which browser.

    No IP address is stored; the visitor is an anonymous random cookie value.
    """

    __tablename__ = "qr_scan"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("qr_token.id", ondelete="CASCADE"), index=True)
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    visitor_id: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    token: Mapped[QrToken] = relationship()


class PrintJob(LeasedJob, Base):
    """A file too slow to build inside a request: all booth posters or all badges of an event
    (PDF), a large lead export (XLSX) or the post-fair report (PDF or XLSX), rendered by a
    worker.

    A worker renders it (matchmaker/jobs/); the page polls done/total for a progress bar. The
    finished file lives in the job file store (JOB_FILES_FOLDER), named by file_path relative
    to it, with its SHA-256 and size; old jobs and their files are removed after
    JOB_FILE_RETENTION_DAYS. A lead export keeps its filters in params (JSON) and is visible to
    its requester only.
    """

    __tablename__ = "print_job"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('posters', 'badges', 'leads_xlsx', 'report_pdf', 'report_xlsx')",
            name="kind"),
        CheckConstraint("kind = 'leads_xlsx' OR event_id IS NOT NULL", name="event_for_printables"),
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("done >= 0 AND done <= total", name="progress_in_range"),
        CheckConstraint("status <> 'done' OR file_path <> ''", name="done_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    locale: Mapped[str] = mapped_column(String(5), default="es")
    status: Mapped[str] = mapped_column(String(10), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[str] = mapped_column(Text, default="")
    file_path: Mapped[str] = mapped_column(String(255), default="", server_default="")
    file_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    file_size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship()

    @property
    def percent(self) -> int:
        return 100 if self.status == "done" else (100 * self.done // self.total if self.total else 0)
