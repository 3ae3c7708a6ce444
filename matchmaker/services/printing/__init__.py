"""Printed documents built from the services' view-models (PDF), in the reader's language."""
