"""Booths."""
