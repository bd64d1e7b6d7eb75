"""Every kind of message the project sends, in one place (pages, settings and tests use these values).

Account messages (verification, password reset) always go; the others belong to an expo, and each
of them can be turned off per expo (``booths.notifications``)."""

from enum import StrEnum


class MessageKind(StrEnum):
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"  # noqa: S105  (a kind, not a password)
    HOLD_PLACED = "hold_placed"
    HOLD_LAPSING = "hold_lapsing"
    BOOKING_CONFIRMED = "booking_confirmed"
    BOOKING_MOVED = "booking_moved"
    BOOKING_CANCELLED = "booking_cancelled"
    WAITLIST_OFFER = "waitlist_offer"
    ALLOCATION_RESULT = "allocation_result"
    PASSES_READY = "passes_ready"
    EXPO_TOMORROW = "expo_tomorrow"
    COMMITTEE_INVITATION = "committee_invitation"
    HOLD_LAPSED = "hold_lapsed"  # the payment deadline passed: the booth is free again
    PAYMENT_RECEIVED = "payment_received"  # with the receipt's link
    PROOF_REJECTED = "proof_rejected"  # the treasurer refused a proof of transfer, or asks for a new one
    SALES_REMINDER = "sales_reminder"  # the evening of an expo day: enter the day's sales
    DOCUMENT_RETURNED = "document_returned"  # the desk rejected a document, or asks for it again


ACCOUNT_KINDS = frozenset({MessageKind.VERIFY_EMAIL, MessageKind.PASSWORD_RESET})
"""Kinds that no expo can turn off: without them nobody could get into their account."""

EXPO_KINDS = tuple(kind for kind in MessageKind if kind not in ACCOUNT_KINDS)
"""Kinds an organiser may turn off for their expo, in the order the settings page lists them."""
