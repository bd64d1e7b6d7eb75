"""Passes, QR tokens and check-ins (built on booths)."""

from tickets.access import register as _register_expo_lookups
from tickets.passes.booking_hooks import register as _register_booking_hooks
from tickets.passes.copy_hooks import register as _register_copy_hooks
from tickets.passes.exhibitor_passes import register as _register_exhibitor_passes

# Whoever uses passes imports this package, so its listeners are in place before any booking ends.
_register_booking_hooks()
_register_copy_hooks()
_register_expo_lookups()
_register_exhibitor_passes()
