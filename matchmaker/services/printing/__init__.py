"""Printable documents built from the services' view-models: one module per document."""
