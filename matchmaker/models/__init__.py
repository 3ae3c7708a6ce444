"""Every model, imported here so that Alembic and create_all see the whole schema."""

from matchmaker.models.accounts import BuyerProfile, Invitation, Organisation, Role, User
from matchmaker.models.base import Base
from matchmaker.models.events import Event, Exhibitor
from matchmaker.models.imports import ImportMapping
from matchmaker.models.interest import InterestKind, LotInterest
from matchmaker.models.leads import ContactConsent, Lead, LeadLot, LeadSource
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
from matchmaker.models.meetings import (
    CalendarFeed,
    Meeting,
    MeetingEvent,
    MeetingTable,
    RepAttendance,
    RoundtableSession,
    SessionBreak,
    Slot,
    Unavailability,
)
from matchmaker.models.notifications import Notice, NotificationPreference
from matchmaker.models.offers import ConsolidatedOffer, OfferLot, OfferLotChange, OfferRequest
from matchmaker.models.outcomes import CheckIn, MeetingOutcome
from matchmaker.models.qr import PrintJob, QrToken, Scan
from matchmaker.models.roundtable import DraftMeeting, ScheduleRun, Wish

__all__ = [
    "Base",
    "BuyerProfile",
    "CalendarFeed",
    "CheckIn",
    "Certificate",
    "ContactConsent",
    "DraftMeeting",
    "Event",
    "Exhibitor",
    "ImportMapping",
    "InterestKind",
    "Invitation",
    "Lead",
    "LeadLot",
    "LeadSource",
    "Lot",
    "LotGenetics",
    "LotInterest",
    "LotPhoto",
    "Meeting",
    "MeetingEvent",
    "MeetingOutcome",
    "MeetingTable",
    "Notice",
    "NotificationPreference",
    "Organisation",
    "ConsolidatedOffer",
    "OfferLot",
    "OfferLotChange",
    "OfferRequest",
    "OutboxMessage",
    "PrintJob",
    "ProductionPlot",
    "QrToken",
    "QualityAnalysis",
    "RepAttendance",
    "Role",
    "RoundtableSession",
    "Scan",
    "ScheduleRun",
    "SensoryEvaluation",
    "SensoryScore",
    "SessionBreak",
    "Slot",
    "Unavailability",
    "User",
    "Wish",
]
