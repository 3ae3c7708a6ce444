"""Business rules, one module per use case; they flush but never commit."""
