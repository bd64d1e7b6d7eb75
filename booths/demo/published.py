"""What the demo publishes: its address (slug), its log-ins (listed in the README; a test logs
in with each) and its dates, which follow the day it is seeded (in the expo's time zone): the expo opens
four weeks later for six days, and the seeding day itself is a gate rehearsal day (*gladi resik*),
open all day, so passes scan at the gate on the day of ``make run``."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from expo.models import Role

DEMO_SLUG = "opop-hari-santri-2026"
ORGANISER_EMAIL = "panitia@expo.test"
ORGANISER_PASSWORD = "panitia-demo-2026"  # noqa: S105  (a published demo log-in)
GATE_EMAIL = "gerbang@expo.test"
GATE_PASSWORD = "gerbang-demo-2026"  # noqa: S105
EXHIBITOR_EMAIL = "pameran@expo.test"
EXHIBITOR_PASSWORD = "pameran-demo-2026"  # noqa: S105
TREASURER_EMAIL = "bendahara@expo.test"  # the committee's treasurer (an organiser account, treasurer of the demo)
TREASURER_PASSWORD = "bendahara-demo-2026"  # noqa: S105
DEMO_LOGINS: tuple[tuple[Role, str, str], ...] = (
    (Role.ORGANISER, ORGANISER_EMAIL, ORGANISER_PASSWORD),
    (Role.GATE, GATE_EMAIL, GATE_PASSWORD),
    (Role.EXHIBITOR, EXHIBITOR_EMAIL, EXHIBITOR_PASSWORD),
    (Role.ORGANISER, TREASURER_EMAIL, TREASURER_PASSWORD),
)
DEMO_TIMEZONE = "Asia/Jakarta"
OPENS_IN_DAYS = 28  # the expo opens four weeks after the demo is seeded
EXPO_DAYS = 6
# The rehearsal day's hours: all day, so a scan at any time of the seeding day passes the hours check.
REHEARSAL_OPENS, REHEARSAL_CLOSES = time(0, 0), time(23, 59, 59)


def demo_today(now: datetime | None = None) -> date:
    """The date in the expo's time zone: the demo's rehearsal day, from which its dates follow."""
    return (now or datetime.now(ZoneInfo(DEMO_TIMEZONE))).astimezone(ZoneInfo(DEMO_TIMEZONE)).date()


def demo_dates(today: date) -> tuple[date, date]:
    """The first and last day of the demo expo when seeded on ``today``."""
    starts = today + timedelta(days=OPENS_IN_DAYS)
    return starts, starts + timedelta(days=EXPO_DAYS - 1)
