"""An expo's own "today" and whether it is over: dates are the expo's, in its time zone (a phone in
Jombang at 00:30 is already on the next day while UTC is not)."""

from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from booths.venue.models import Expo
from expo.errors import Conflict
from expo.formatting import as_utc, utcnow
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


BOOKING_NOT_OPEN = N_("Booking opens on %(at)s.")
BOOKING_CLOSED_AT = N_("Booking closed on %(at)s.")


def booking_window_refusal(expo: Expo, now: datetime | None = None) -> Conflict | None:
    """Why an exhibitor may not hold a booth now (before the expo's booking window opens or after it
    closes, named in the expo's time), or None inside the window."""
    now = now or utcnow()
    tz = ZoneInfo(expo.timezone)
    if expo.booking_opens_at is not None and now < as_utc(expo.booking_opens_at):
        at = as_utc(expo.booking_opens_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return Conflict(BOOKING_NOT_OPEN, code="booking_not_open", params={"at": at})
    if expo.booking_closes_at is not None and now >= as_utc(expo.booking_closes_at):
        at = as_utc(expo.booking_closes_at).astimezone(tz).strftime("%Y-%m-%d %H:%M")
        return Conflict(BOOKING_CLOSED_AT, code="booking_closed", params={"at": at})
    return None


def check_booking_window(expo: Expo, now: datetime | None = None) -> None:
    """Refuse (409) an exhibitor's hold outside the expo's booking window."""
    refusal = booking_window_refusal(expo, now)
    if refusal is not None:
        raise refusal
