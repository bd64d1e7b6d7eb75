"""From passes in the database to :class:`tickets.printing.pdf.PassCard`: what gets printed, formatted for people."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.bookings.models import Booking
from booths.venue.models import Booth, Expo, ExpoDay, Hall
from booths.venue.service import expo_days, get_expo
from expo.formatting import format_date, format_date_range
from expo.i18n import N_, translate
from tickets.passes.kinds import ensure_kinds
from tickets.passes.models import ExpoPass, PassKind
from tickets.passes.service import format_code, token_for
from tickets.passes.validity import valid_pass_clause
from tickets.printing.pdf import DayChip, HallPlan, Labels, PassCard
from tickets.signing.keys import KeyRing

ZONES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
MAX_CHIPS = 10
VISITOR_CATEGORY_LABELS = {
    "umum": N_("General public"),
    "santri": N_("Santri"),
    "pelajar": N_("School student"),
    "mahasiswa": N_("University student"),
}


@dataclass
class CardContext:
    """What every card of one expo shares, loaded once per document."""

    expo: Expo
    days: list[ExpoDay]
    kinds: dict[int, PassKind]
    halls: dict[int, HallPlan]
    keys: KeyRing
    locale: str
    labels: Labels
    expo_line: str


async def _hall_plans(session: AsyncSession, expo_id: int) -> dict[int, HallPlan]:
    halls = (await session.scalars(sa.select(Hall).where(col(Hall.expo_id) == expo_id))).all()
    booths = (
        await session.execute(
            sa.select(col(Booth.hall_id), col(Booth.x_m), col(Booth.y_m), col(Booth.width_m), col(Booth.depth_m))
            .where(col(Booth.expo_id) == expo_id)
            .order_by(col(Booth.id))
        )
    ).all()
    rects: dict[int, list[tuple[float, float, float, float]]] = {}
    for hall_id, x, y, w, d in booths:
        rects.setdefault(hall_id, []).append((x, y, w, d))
    return {
        h.id: HallPlan(
            key=str(h.id), name=h.name, width_m=h.width_m, depth_m=h.depth_m, booths=tuple(rects.get(h.id, ()))
        )
        for h in halls
        if h.id is not None
    }


async def card_context(session: AsyncSession, expo_id: int, keys: KeyRing, locale: str = "id") -> CardContext:
    expo = await get_expo(session, expo_id)
    kinds = {k.id: k for k in await ensure_kinds(session, expo_id) if k.id is not None}
    labels = Labels(
        booth=translate(N_("BOOTH"), locale=locale),
        valid=translate(N_("VALID ON"), locale=locale),
        footer=translate(N_("Show this QR code at the gate. Not transferable."), locale=locale),
    )
    return CardContext(
        expo=expo,
        days=await expo_days(session, expo_id),
        kinds=kinds,
        halls=await _hall_plans(session, expo_id),
        keys=keys,
        locale=locale,
        labels=labels,
        expo_line=f"{format_date_range(expo.starts_on, expo.ends_on, locale)} · {expo.venue}",
    )


def _clock(value: time, locale: str) -> str:
    return value.strftime("%H.%M" if locale == "id" else "%H:%M")


def hours_text(kind: PassKind, days: list[ExpoDay], timezone: str, locale: str) -> str:
    """The kind's own hours, else the expo's (earliest opening to latest closing)."""
    opens, closes = kind.opens_at, kind.closes_at
    if opens is None or closes is None:
        if not days:
            return ""
        opens, closes = min(d.opens_at for d in days), max(d.closes_at for d in days)
    return f"{_clock(opens, locale)}–{_clock(closes, locale)} {ZONES.get(timezone, timezone)}"


def _hours_days(ctx: CardContext, valid: set[date]) -> list[ExpoDay]:
    """The days whose hours the pass prints: its days within the expo's run (a rehearsal day before
    the run, open all day for the gate, would otherwise print as 00.00–23.59), else all its days."""
    mine = [d for d in ctx.days if d.day in valid] or ctx.days
    return [d for d in mine if ctx.expo.starts_on <= d.day <= ctx.expo.ends_on] or mine


def day_chips(all_days: Sequence[date], valid: set[date], locale: str) -> tuple[DayChip, ...]:
    shown = list(all_days) if len(all_days) <= MAX_CHIPS else sorted(valid)[:MAX_CHIPS]
    return tuple(
        DayChip(top=format_date(d, locale, fmt="EEE").rstrip("."), bottom=str(d.day), valid=d in valid) for d in shown
    )


def subtitle(pass_: ExpoPass, locale: str) -> str | None:
    """The line under the name: the organisation, or a visitor's category and home town."""
    if pass_.organisation:
        return pass_.organisation
    parts = []
    if pass_.visitor_category:
        label = VISITOR_CATEGORY_LABELS.get(pass_.visitor_category)
        parts.append(translate(label, locale=locale) if label else pass_.visitor_category)
    if pass_.regency:
        parts.append(pass_.regency)
    return " · ".join(parts) or None


def card_for(ctx: CardContext, pass_: ExpoPass, booth: Booth | None) -> PassCard:
    kind = ctx.kinds[pass_.kind_id]
    valid = {date.fromisoformat(d) for d in pass_.days}
    hall = ctx.halls.get(booth.hall_id) if booth is not None else None
    return PassCard(
        token=token_for(pass_, kind, ctx.keys),
        code=format_code(pass_.code),
        holder_name=pass_.holder_name,
        kind_key=str(kind.id),
        band_label=kind.band_label,
        color=kind.color,
        expo_name=ctx.expo.name,
        expo_line=ctx.expo_line,
        days=day_chips([d.day for d in ctx.days], valid, ctx.locale),
        hours=hours_text(kind, _hours_days(ctx, valid), ctx.expo.timezone, ctx.locale),
        organisation=subtitle(pass_, ctx.locale),
        booth_code=booth.code if booth is not None else None,
        hall=hall,
        booth_rect=(booth.x_m, booth.y_m, booth.width_m, booth.depth_m) if booth is not None else None,
        labels=ctx.labels,
    )


async def cards_for(session: AsyncSession, ctx: CardContext, pass_ids: Sequence[int]) -> list[PassCard]:
    """Cards of these passes, in the order given. Ids of another expo are skipped, and so are passes
    that are not valid (``tickets.passes.validity``): a batch queued before a booking ended prints none of
    its staff."""
    if not pass_ids:
        return []
    rows = (
        await session.execute(
            sa.select(ExpoPass, Booth)
            .outerjoin(Booking, col(Booking.id) == col(ExpoPass.booking_id))
            .outerjoin(Booth, col(Booth.id) == col(Booking.booth_id))
            .where(col(ExpoPass.id).in_(list(pass_ids)), col(ExpoPass.expo_id) == ctx.expo.id, valid_pass_clause())
        )
    ).all()
    by_id = {row[0].id: (row[0], row[1]) for row in rows}
    return [card_for(ctx, *by_id[i]) for i in pass_ids if i in by_id]
