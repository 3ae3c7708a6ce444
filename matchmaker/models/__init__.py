"""Every model, imported here so that Alembic and create_all see the whole schema."""

from matchmaker.models.accounts import BuyerProfile, Invitation, Organisation, Role, User
from matchmaker.models.base import Base
from matchmaker.models.events import Event, Exhibitor
from matchmaker.models.mail import OutboxMessage

__all__ = [
    "Base",
    "BuyerProfile",
    "Event",
    "Exhibitor",
    "Invitation",
    "Organisation",
    "OutboxMessage",
    "Role",
    "User",
]
