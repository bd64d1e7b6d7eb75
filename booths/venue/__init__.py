"""Venue."""
