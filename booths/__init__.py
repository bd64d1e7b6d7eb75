"""Halls, booths, exhibitors and bookings."""
