"""Pure helpers that turn plain values into files: QR codes, CSV/XLSX exports, calendars, PDFs."""
