"""An expo's own "today" and whether it is over: dates are the expo's, in its time zone (a phone in
Jombang at 00:30 is already on the next day while UTC is not)."""

from datetime import date, datetime
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
