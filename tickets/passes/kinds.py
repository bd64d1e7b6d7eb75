"""Pass kinds: the six every expo starts with, and the organiser's changes to them."""

from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.venue.models import ExpoDay
from booths.venue.service import expo_days, get_expo
from expo.errors import Conflict, FieldProblem, InvalidInput
from expo.i18n import N_
from tickets.passes.models import PassCounter, PassKind
from tickets.passes.schemas import PassKindCreate, PassKindRead, PassKindUpdate

DAY_PAST = N_("%(days)s is already over; choose today or a later day.")
DAYS_OVER = N_("Every day this pass could be valid on is over.")


@dataclass(frozen=True)
class _Default:
    code: str
    number: int
    name: str
    band_label: str
    color: str
    staff: bool = False
    self_register: bool = False
    opens_at: time | None = None
    closes_at: time | None = None


# Names and band words are data in the expo's language (Bahasa Indonesia), printed as they are.
DEFAULT_KINDS = (
    _Default(
        "exhibitor",
        1,
        "Peserta Pameran",
        "PESERTA PAMERAN",
        "#1565c0",
        staff=True,
        opens_at=time(7),
        closes_at=time(22),
    ),
    _Default("visitor", 2, "Pengunjung", "PENGUNJUNG", "#2e7d32", self_register=True),
    _Default("committee", 3, "Panitia", "PANITIA", "#c62828", opens_at=time(6), closes_at=time(23)),
    _Default("volunteer", 4, "Relawan", "RELAWAN", "#ef6c00", opens_at=time(6, 30), closes_at=time(22, 30)),
    _Default("press", 5, "Media / Pers", "MEDIA", "#6a1b9a"),
    _Default("vip", 6, "Tamu VIP", "TAMU VIP", "#f9a825"),
)


def kind_read(kind: PassKind) -> PassKindRead:
    assert kind.id is not None
    return PassKindRead(
        id=kind.id,
        code=kind.code,
        number=kind.number,
        name=kind.name,
        band_label=kind.band_label,
        color=kind.color,
        staff=kind.staff,
        self_register=kind.self_register,
        days=[date.fromisoformat(d) for d in kind.days],
        opens_at=kind.opens_at,
        closes_at=kind.closes_at,
    )


async def _load(session: AsyncSession, expo_id: int) -> list[PassKind]:
    stmt = (
        sa.select(PassKind).where(col(PassKind.expo_id) == expo_id).order_by(col(PassKind.sort_order), col(PassKind.id))
    )
    return list((await session.scalars(stmt)).all())


async def ensure_kinds(session: AsyncSession, expo_id: int) -> list[PassKind]:
    """The expo's kinds, creating the defaults (and the revocation counter) the first time.

    Flushed in a savepoint: when another request creates them at the same moment, its rows win.
    """
    kinds = await _load(session, expo_id)
    if kinds:
        return kinds
    await get_expo(session, expo_id)
    try:
        async with session.begin_nested():
            for order, d in enumerate(DEFAULT_KINDS):
                session.add(
                    PassKind(
                        expo_id=expo_id,
                        code=d.code,
                        number=d.number,
                        name=d.name,
                        band_label=d.band_label,
                        color=d.color,
                        staff=d.staff,
                        self_register=d.self_register,
                        opens_at=d.opens_at,
                        closes_at=d.closes_at,
                        sort_order=order,
                    )
                )
            if await session.get(PassCounter, expo_id) is None:
                session.add(PassCounter(expo_id=expo_id))
    except IntegrityError:
        pass
    return await _load(session, expo_id)


async def kind_by_code(session: AsyncSession, expo_id: int, code: str, field: str = "kind") -> PassKind:
    for kind in await ensure_kinds(session, expo_id):
        if kind.code == code:
            return kind
    raise InvalidInput(
        "Unknown pass kind %(code)s.",
        code="unknown_kind",
        params={"code": code},
        fields=[FieldProblem(field, "Unknown pass kind %(code)s.", {"code": code})],
    )


def allowed_days(kind: PassKind, days: list[ExpoDay]) -> list[date]:
    """The days a pass of ``kind`` may be valid: the kind's own days, else every day of the expo."""
    expo = [d.day for d in days]
    if not kind.days:
        return expo
    chosen = {date.fromisoformat(d) for d in kind.days}
    return [d for d in expo if d in chosen]


def check_days(requested: list[date] | None, allowed: list[date], today: date, field: str = "days") -> list[date]:
    """The requested days (every allowed day from ``today`` on when none are named). A day outside
    ``allowed`` is refused, and so is a day before ``today`` (the expo's date): a pass is never issued
    for a day that is over."""
    if requested is None:
        if not allowed:
            raise InvalidInput(fields=[FieldProblem(field, "This pass kind is valid on no day of the expo.")])
        remaining = [d for d in allowed if d >= today]
        if not remaining:
            raise Conflict(DAYS_OVER, code="days_over", fields=[FieldProblem(field, DAYS_OVER)])
        return remaining
    if not requested:
        raise InvalidInput(fields=[FieldProblem(field, "Choose at least one day.")])
    outside = sorted({d for d in requested if d not in allowed})
    if outside:
        raise InvalidInput(
            "%(days)s is not a day this pass can be valid on.",
            code="day_outside_expo",
            params={"days": ", ".join(d.isoformat() for d in outside)},
            fields=[
                FieldProblem(
                    field,
                    "%(days)s is not a day this pass can be valid on.",
                    {"days": ", ".join(d.isoformat() for d in outside)},
                )
            ],
        )
    past = sorted({d for d in requested if d < today})
    if past:
        params: dict[str, object] = {"days": ", ".join(d.isoformat() for d in past)}
        raise InvalidInput(DAY_PAST, code="day_past", params=params, fields=[FieldProblem(field, DAY_PAST, params)])
    return sorted(set(requested))


async def _check_kind_days(session: AsyncSession, expo_id: int, days: list[date]) -> list[str]:
    expo = {d.day for d in await expo_days(session, expo_id)}
    outside = sorted({d for d in days if d not in expo})
    if outside:
        raise InvalidInput(
            fields=[
                FieldProblem(
                    "days", "%(days)s is not a day of the expo.", {"days": ", ".join(d.isoformat() for d in outside)}
                )
            ]
        )
    return [d.isoformat() for d in sorted(set(days))]


async def create_kind(session: AsyncSession, expo_id: int, data: PassKindCreate) -> PassKind:
    kinds = await ensure_kinds(session, expo_id)
    if any(k.code == data.code for k in kinds):
        message = "A pass kind with this code exists."
        raise Conflict(message, code="kind_code_taken", fields=[FieldProblem("code", message)])
    used = {k.number for k in kinds}
    number = next((n for n in range(1, 256) if n not in used), None)
    if number is None:
        raise Conflict("An expo has at most 255 pass kinds.", code="too_many_kinds")
    kind = PassKind(
        expo_id=expo_id,
        code=data.code,
        number=number,
        name=data.name,
        band_label=data.band_label,
        color=data.color.lower(),
        self_register=data.self_register,
        days=await _check_kind_days(session, expo_id, data.days),
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        sort_order=len(kinds),
    )
    session.add(kind)
    await session.flush()
    return kind


async def update_kind(session: AsyncSession, expo_id: int, code: str, data: PassKindUpdate) -> PassKind:
    """Change a kind. New days apply to passes issued from now on; printed passes keep theirs."""
    kind = await kind_by_code(session, expo_id, code)
    changes = data.model_dump(exclude_unset=True)
    if "days" in changes:
        changes["days"] = await _check_kind_days(session, expo_id, data.days or [])
    if changes.get("color"):
        changes["color"] = changes["color"].lower()
    opens = changes.get("opens_at", kind.opens_at)
    closes = changes.get("closes_at", kind.closes_at)
    if (opens is None) != (closes is None) or (opens and closes and closes <= opens):
        raise InvalidInput(fields=[FieldProblem("closes_at", "Closing time must be after opening time.")])
    for key, value in changes.items():
        if value is not None or key in {"opens_at", "closes_at"}:
            setattr(kind, key, value)
    await session.flush()
    return kind
