"""Leads: recording contacts from every source, consent, annotation, listing and export."""

from matchmaker.services.leads.recording import lead_from_interest, lead_from_meeting, record_lead

__all__ = ["lead_from_interest", "lead_from_meeting", "record_lead"]
