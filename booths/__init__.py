"""Halls, booths, exhibitors and bookings."""

from booths.access import register as _register_expo_lookups

# The role guards find the expo of a booking, booth, exhibitor... named in a path through these.
_register_expo_lookups()
