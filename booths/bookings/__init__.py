"""Bookings."""
