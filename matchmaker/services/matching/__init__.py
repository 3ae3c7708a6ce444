"""Matchmaking glue: demand from buyer profiles, supply from lots and offers, recommendations.

The scoring itself is the pure package `matchmaker.matching`; this package only reads the
database into its plain values and writes wishes.
"""
