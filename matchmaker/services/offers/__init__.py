"""Consolidated offers: composing, availability, blended quality, coverage, EUDR, suggestions."""
