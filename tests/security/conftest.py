"""The security tests reuse the QR/leads fair: an event, an exhibiting organisation with a
published lot, its rep, a buyer and an organiser."""

from tests.qr_leads.conftest import fair  # noqa: F401 (a fixture)
