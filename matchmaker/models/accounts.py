"""Accounts: users with a role, buyer profiles, producer organisations and invitations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy import false as sql_false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from matchmaker.models.base import Base, UTCDateTime, utcnow


class Role(enum.StrEnum):
    """What a user does at the fair."""

    ORGANISER = "organiser"
    REP = "rep"
    BUYER = "buyer"


class OrganisationKind(enum.StrEnum):
    """Legal form of a producer organisation."""

    ASSOCIATION = "association"
    COOPERATIVE = "cooperative"


class Organisation(Base):
    """A producer association or cooperative that exhibits and sells lots."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint("kind IN ('association', 'cooperative')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default=OrganisationKind.ASSOCIATION)
    ruc: Mapped[str | None] = mapped_column(String(11), unique=True)
    region: Mapped[str] = mapped_column(String(80), default="")
    province: Mapped[str] = mapped_column(String(80), default="")
    community: Mapped[str] = mapped_column(String(120), default="")
    description_es: Mapped[str] = mapped_column(Text, default="")
    description_en: Mapped[str] = mapped_column(Text, default="")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    # A cooperative that exports on behalf of this association (e.g. Agrobosque).
    cooperative_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")
    cooperative: Mapped[Organisation | None] = relationship(remote_side=[id])

    def description(self, locale: str) -> str:
        """The description in the visitor's language, falling back to the other one."""
        preferred = self.description_en if locale == "en" else self.description_es
        return preferred or self.description_es or self.description_en

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class User(UserMixin, Base):
    """Anyone who logs in: organiser, association rep or buyer."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint("role IN ('organiser', 'rep', 'buyer')", name="role"),
        CheckConstraint("role <> 'rep' OR organisation_id IS NOT NULL", name="rep_has_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    locale: Mapped[str] = mapped_column(String(5), default="es")
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    is_approved: Mapped[bool] = mapped_column(Boolean, default=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of the id stored in session and remember cookies: raising it (log-out, password
    # change or reset, suspension, "log out everywhere") makes every issued cookie worthless.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A rep's agreement to show their e-mail, phone and WhatsApp link to the buyers who share
    # theirs with the rep's organisation (contact goes both ways only when both agreed).
    shares_contact_with_buyers: Mapped[bool] = mapped_column(Boolean, default=False,
                                                             server_default=sql_false())

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    buyer_profile: Mapped[BuyerProfile | None] = relationship(
        back_populates="user", cascade="all, delete-orphan", uselist=False
    )

    def get_id(self) -> str:
        """Flask-Login's id for the cookies: the account and its current session version."""
        return f"{self.id}:{self.session_version or 0}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember cookie issued for this account so far."""
        # Two concurrent calls may write the same new version: both still void the old one.
        self.session_version = (self.session_version or 0) + 1

    def set_password(self, password: str) -> None:
        from flask import current_app

        # Tests lower the cost through config; production keeps werkzeug's default (scrypt).
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt") if current_app else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_organiser(self) -> bool:
        return self.role == Role.ORGANISER

    @property
    def is_rep(self) -> bool:
        return self.role == Role.REP

    @property
    def is_buyer(self) -> bool:
        return self.role == Role.BUYER

    @property
    def is_approved_rep(self) -> bool:
        """A rep an organiser has approved, with an organisation to act for."""
        return self.is_rep and self.is_approved and self.organisation_id is not None

    def represents(self, organisation: Organisation | int | None) -> bool:
        """Whether this user is an approved rep of `organisation` (the object or its id).

        The one rule for "acts for this organisation"; organisers act for every organisation,
        and callers that allow that say so (`user.is_organiser or user.represents(org)`).
        """
        org_id = organisation.id if isinstance(organisation, Organisation) else organisation
        return self.is_approved_rep and org_id is not None and self.organisation_id == org_id

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


def _codes(text: str) -> list[str]:
    return [c for c in text.split(",") if c]


class Anonymous(AnonymousUserMixin):
    """A visitor who has not logged in: no role, acts for no organisation."""

    role = None
    organisation_id = None
    is_organiser = is_rep = is_buyer = is_approved_rep = False

    def represents(self, organisation) -> bool:
        return False


class BuyerProfile(Base):
    """What a buyer's company is and looks for (its demand feeds `matchmaker.matching`)."""

    __tablename__ = "buyer_profile"
    __table_args__ = (
        CheckConstraint("min_iso_grade IS NULL OR min_iso_grade IN ('I', 'II')",
                        name="min_iso_grade"),
        CheckConstraint("min_fermented_pct IS NULL OR (min_fermented_pct >= 0"
                        " AND min_fermented_pct <= 100)", name="min_fermented_range"),
        CheckConstraint("max_moisture_pct IS NULL OR (max_moisture_pct > 0"
                        " AND max_moisture_pct <= 100)", name="max_moisture_range"),
        CheckConstraint("shipment_min_mt IS NULL OR shipment_min_mt > 0",
                        name="shipment_positive"),
        CheckConstraint("price_ceiling_usd_per_mt IS NULL OR price_ceiling_usd_per_mt > 0",
                        name="price_ceiling_positive"),
        CheckConstraint("delivery_to IS NULL OR delivery_from IS NULL"
                        " OR delivery_to >= delivery_from", name="delivery_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    company: Mapped[str] = mapped_column(String(160))
    country: Mapped[str] = mapped_column(String(2))
    buyer_type: Mapped[str] = mapped_column(String(30))
    volume_min_mt: Mapped[float | None] = mapped_column(Numeric(10, 2))
    volume_max_mt: Mapped[float | None] = mapped_column(Numeric(10, 2))
    certifications_needed: Mapped[str] = mapped_column(String(255), default="")
    languages: Mapped[str] = mapped_column(String(60), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    # Default for sharing e-mail and phone with organisations the buyer interacts with.
    share_contact_default: Mapped[bool] = mapped_column(Boolean, default=True)
    # Demand, as cacao buyers state it (codes comma-separated, like certifications_needed).
    product_forms: Mapped[str] = mapped_column(String(120), default="")
    shipment_min_mt: Mapped[float | None] = mapped_column(Numeric(10, 2))
    min_iso_grade: Mapped[str | None] = mapped_column(String(2))
    min_fermented_pct: Mapped[float | None] = mapped_column(Numeric(5, 2))
    max_moisture_pct: Mapped[float | None] = mapped_column(Numeric(5, 2))
    flavour_interests: Mapped[str] = mapped_column(String(400), default="")
    genetics_interests: Mapped[str] = mapped_column(String(255), default="")
    incoterms: Mapped[str] = mapped_column(String(60), default="")
    price_ceiling_usd_per_mt: Mapped[float | None] = mapped_column(Numeric(12, 2))
    delivery_from: Mapped[date | None] = mapped_column(Date)
    delivery_to: Mapped[date | None] = mapped_column(Date)
    eudr_required: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship(back_populates="buyer_profile")

    @property
    def certification_codes(self) -> list[str]:
        return _codes(self.certifications_needed)

    @property
    def language_codes(self) -> list[str]:
        return _codes(self.languages)

    @property
    def product_form_codes(self) -> list[str]:
        return _codes(self.product_forms)

    @property
    def flavour_codes(self) -> list[str]:
        return _codes(self.flavour_interests)

    @property
    def genetics_codes(self) -> list[str]:
        return _codes(self.genetics_interests)

    @property
    def incoterm_codes(self) -> list[str]:
        return _codes(self.incoterms)


class Invitation(Base):
    """A rep's invitation for a colleague to join their organisation."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User | None] = relationship()
