"""How money and time look to people: rupiah as ``Rp1.500.000``, times in the expo's zone (WIB)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime

from expo.i18n import current_locale

WIB = ZoneInfo("Asia/Jakarta")
_ZONE_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def utcnow() -> datetime:
    """Now, timezone-aware in UTC. Every stored time is UTC."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Make a datetime read back from SQLite (naive, stored as UTC) aware again."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def format_rupiah(amount: int) -> str:
    """``1500000`` -> ``Rp1.500.000`` (Indonesian spelling: dots for thousands, no space)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def format_datetime(value: datetime, tz: str = "Asia/Jakarta", locale: str | None = None) -> str:
    """A UTC datetime shown in the expo's zone, e.g. ``20 Okt 2026 09.00 WIB``."""
    zone = ZoneInfo(tz)
    local = as_utc(value).astimezone(zone)
    text = babel_format_datetime(local, "d MMM y HH.mm", tzinfo=zone, locale=locale or current_locale.get())
    return f"{text} {_ZONE_ABBREVIATIONS.get(tz, local.strftime('%Z'))}"


def format_date(value: date, locale: str | None = None, fmt: str = "d MMMM y") -> str:
    return babel_format_date(value, fmt, locale=locale or current_locale.get())


def format_date_range(start: date, end: date, locale: str | None = None) -> str:
    """``20–25 Oktober 2026``; falls back to two full dates across months."""
    loc = locale or current_locale.get()
    if start == end:
        return format_date(start, loc)
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, loc)}"
    return f"{format_date(start, loc)} – {format_date(end, loc)}"
