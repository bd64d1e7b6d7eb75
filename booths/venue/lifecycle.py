"""An expo's own "today" and whether it is over: dates are the expo's, in its time zone (a phone in
Jombang at 00:30 is already on the next day while UTC is not)."""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from booths.venue.models import Expo
from expo.errors import Conflict
from expo.formatting import utcnow
from expo.i18n import N_

EXPO_OVER = N_("This expo is over: its last day was %(day)s.")


def expo_today(expo: Expo, now: datetime | None = None) -> date:
    """Today's date where the expo takes place."""
    return (now or utcnow()).astimezone(ZoneInfo(expo.timezone)).date()


def is_over(expo: Expo, now: datetime | None = None) -> bool:
    return expo_today(expo, now) > expo.ends_on


def check_not_over(expo: Expo) -> None:
    """Refuse (409 ``expo_over``) what only makes sense before the expo's last day has passed."""
    if is_over(expo):
        raise Conflict(EXPO_OVER, code="expo_over", params={"day": expo.ends_on.isoformat()})


class ExpoState(StrEnum):
    """What the public pages show of an expo. Draft and open/closed for booking are the committee's
    choice (``Expo.published``, ``Expo.booking_open``); running and over follow from the dates."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    RUNNING = "running"
    OVER = "over"


def expo_state(expo: Expo, now: datetime | None = None) -> ExpoState:
    if not expo.published:
        return ExpoState.DRAFT
    today = expo_today(expo, now)
    if today > expo.ends_on:
        return ExpoState.OVER
    if today >= expo.starts_on:
        return ExpoState.RUNNING
    return ExpoState.OPEN if expo.booking_open else ExpoState.CLOSED


BOOKING_CLOSED = N_("Booking is closed for this expo.")


def check_booking_open(expo: Expo) -> None:
    """Refuse (409 ``booking_closed``) an exhibitor's own booking while the committee keeps booking
    closed or the expo is still a draft; an expo that is over says so (``expo_over``)."""
    check_not_over(expo)
    if not (expo.published and expo.booking_open):
        raise Conflict(BOOKING_CLOSED, code="booking_closed")
