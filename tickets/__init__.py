"""Passes, QR tokens and check-ins (built on booths)."""
