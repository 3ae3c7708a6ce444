"""Every model, imported here so that Alembic and create_all see the whole schema."""

from matchmaker.models.accounts import BuyerProfile, Invitation, Organisation, Role, User
from matchmaker.models.base import Base
from matchmaker.models.events import Event, Exhibitor
from matchmaker.models.lots import (
    Certificate,
    Lot,
    LotGenetics,
    LotPhoto,
    ProductionPlot,
    QualityAnalysis,
    SensoryEvaluation,
    SensoryScore,
)
from matchmaker.models.mail import OutboxMessage

__all__ = [
    "Base",
    "BuyerProfile",
    "Certificate",
    "Event",
    "Exhibitor",
    "Invitation",
    "Lot",
    "LotGenetics",
    "LotPhoto",
    "Organisation",
    "OutboxMessage",
    "ProductionPlot",
    "QualityAnalysis",
    "Role",
    "SensoryEvaluation",
    "SensoryScore",
    "User",
]
