"""Leads: an exhibitor's staff scan a visitor's pass to keep the visitor's contact, when the visitor
agreed to share it (off by default, withdrawable), with notes; exported for that exhibitor only."""
