"""Exhibitor booking pages: the booth picker (hold a booth) and my booking (see, cancel)."""

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.applications.stands import stand_of_exhibitor
from booths.billing.gateway.service import offers_for_bookings
from booths.billing.views import live_bills_of_bookings
from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.bookings.schemas import BookingRead
from booths.exhibitors import service as exhibitors
from booths.exhibitors.approval import priced_class
from booths.labels import booth_type_label, notice_text, number, status_label
from booths.maps import features as venue_features
from booths.maps.pages import SYMBOLS, kind_label
from booths.venue import service as venue
from booths.venue.lifecycle import booking_window_refusal
from booths.venue.models import BoothPackage, Expo
from booths.venue.schemas import BoothRead, ClusterRead
from expo.accounts import CurrentUser
from expo.auth import current_user, requires_exhibitor
from expo.deps import SETTINGS_STATE_KEY
from expo.formatting import as_utc, format_rupiah, utcnow
from expo.forms import FormErrors, submit
from expo.i18n import gettext, translate
from expo.models import Role
from expo.web import page


# --- booth picker --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BoothShape:
    """One booth as the SVG draws it (metres)."""

    id: int
    code: str
    status: str
    x: float
    y: float
    w: float
    d: float
    stripe: float
    font: float
    colour: str | None
    title: str
    mine: bool

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def text_y(self) -> float:
        return self.y + self.stripe + (self.d - self.stripe) / 2


def _shape(booth: BoothRead, cluster: ClusterRead | None, mine: bool) -> BoothShape:
    stripe = min(0.6, booth.depth_m * 0.2) if cluster else 0.0
    font = min(0.9, booth.width_m * 0.85 / (max(len(booth.code), 3) * 0.62), (booth.depth_m - stripe) * 0.42)
    title = " · ".join(
        part for part in (booth.code, status_label(booth.status), cluster.name if cluster else "") if part
    )
    return BoothShape(
        id=booth.id,
        code=booth.code,
        status=booth.status,
        x=booth.x_m,
        y=booth.y_m,
        w=booth.width_m,
        d=booth.depth_m,
        stripe=stripe,
        font=round(font, 2),
        colour=cluster.color if cluster else None,
        title=title,
        mine=mine,
    )


def _details(
    booth: BoothRead,
    *,
    hall_name: str,
    package: BoothPackage | None,
    cluster: ClusterRead | None,
    slug: str,
    mine: bool,
) -> dict[str, Any]:
    """What the details panel shows for one booth, formatted for the reader's language."""
    yes, no = gettext("Yes"), gettext("No")
    return {
        "id": booth.id,
        "code": booth.code,
        "status": booth.status,
        "status_label": status_label(booth.status),
        "hall": hall_name,
        "type": booth_type_label(booth.booth_type),
        "size": f"{number(booth.width_m)} × {number(booth.depth_m)} m",
        "cluster": cluster.name if cluster else "–",
        "package": package.name if package else booth.package_code,
        "description": package.description if package else "",
        "shell": (yes if package.shell else no) if package else "",
        "tables": str(package.tables) if package else "",
        "chairs": str(package.chairs) if package else "",
        "power": f"{package.power_watts} W" if package else "",
        "fascia": (yes if package.fascia else no) if package else "",
        "staff": str(package.staff_quota) if package else "",
        "price": format_rupiah(booth.price) if booth.price else gettext("Free"),
        "hold_url": f"/e/{slug}/booths/{booth.id}/hold",
        "mine": mine,
    }


async def _render_picker(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    hall_code: str = "",
    selected_id: int | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.visible_expo(db_session, slug, current_user(request))
    assert expo.id is not None
    user = current_user(request)
    exhibitor = None
    if user is not None and user.role is Role.EXHIBITOR:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id, expo.id)
    booths = await venue.list_booths(db_session, expo.id, exhibitor_class=priced_class(exhibitor))
    halls = await venue.list_halls(db_session, expo.id)
    packages = {p.id: p for p in await venue.list_packages(db_session, expo.id)}
    clusters = {c.code: c for c in await venue.list_clusters(db_session, expo.id)}
    hall_features: dict[int, list[Any]] = {}
    for feature in await venue_features.list_features(db_session, expo.id):
        hall_features.setdefault(feature.hall_id, []).append(feature)
    mine: set[int] = set()
    if exhibitor is not None and exhibitor.id is not None:
        own = await bookings.list_bookings(db_session, expo.id, exhibitor_id=exhibitor.id)
        mine = {b.booth_id for b in own if b.status in (BookingStatus.HELD, BookingStatus.CONFIRMED)}

    hall_names = {h.id: h.name for h in halls}
    details: dict[int, dict[str, Any]] = {}
    shapes: dict[int, list[BoothShape]] = {h.id or 0: [] for h in halls}
    for booth in booths:
        cluster = clusters.get(booth.cluster or "")
        shapes.setdefault(booth.hall_id, []).append(_shape(booth, cluster, booth.id in mine))
        details[booth.id] = _details(
            booth,
            hall_name=hall_names.get(booth.hall_id, booth.hall_code),
            package=packages.get(booth.package_id),
            cluster=cluster,
            slug=slug,
            mine=booth.id in mine,
        )
    selected = details.get(selected_id) if selected_id is not None else None
    codes = [h.code for h in halls]
    if selected is not None:
        hall_code = next(b.hall_code for b in booths if b.id == selected["id"])
    if hall_code.upper() not in codes:
        hall_code = codes[0] if codes else ""
    used_clusters = sorted({b.cluster for b in booths if b.cluster in clusters}, key=lambda c: clusters[c].name)
    counts = {s: sum(1 for b in booths if b.status == s) for s in ("available", "held", "confirmed", "blocked")}
    closed = booking_window_refusal(expo)
    return page(
        request,
        "booths/picker.html",
        status_code=status_code,
        expo=expo,
        halls=[
            {"hall": h, "booths": shapes.get(h.id or 0, []), "features": hall_features.get(h.id or 0, [])}
            for h in halls
        ],
        feature_kinds=sorted({f.kind.value for fs in hall_features.values() for f in fs} - {"aisle", "column", "wall"}),
        symbols=SYMBOLS,
        kind_label=kind_label,
        active_hall=hall_code.upper(),
        details=details,
        selected=selected,
        clusters=[clusters[c] for c in used_clusters],
        counts=counts,
        exhibitor=exhibitor,
        can_hold=exhibitor is not None and closed is None,
        window_note=translate(closed.message, closed.params) if closed else None,
        has_mine=bool(mine),
        error=error,
    )


@get("/e/{slug:str}/booths", include_in_schema=False)
async def booth_picker(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    booth: FromQuery[int | None] = None,
) -> Template:
    return await _render_picker(request, db_session, slug, hall_code=hall, selected_id=booth)


@post("/e/{slug:str}/booths/{booth_id:int}/hold", include_in_schema=False, guards=[requires_exhibitor])
async def hold_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def hold() -> str:
        held = await bookings.hold_for_user(db_session, user, booth_id, expo_id)
        return "/my-booking?msg=" + held.outcome

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_picker(
            request, db_session, slug, selected_id=booth_id, error=errors.text(), status_code=status
        )

    return await submit(db_session, hold, rerender=again, done=lambda target: target)


# --- my booking ----------------------------------------------------------------------------------
def countdown(booking: BookingRead) -> dict[str, Any] | None:
    """The live countdown of a held booking: ISO expiry for the script, remaining time for no-script."""
    if booking.status != BookingStatus.HELD or booking.hold_expires_at is None:
        return None
    expires = as_utc(booking.hold_expires_at)
    left = max(0, int((expires - utcnow()).total_seconds()))
    hours, rest = divmod(left, 3600)
    text = f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"
    return {"expires_iso": expires.isoformat(), "text": text, "seconds": left, "expires_at": expires}


async def render_my_booking(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
    proof_form: Any = None,
) -> Template:
    """My booking, with each booking's bill and proofs of transfer (``proof_form``: the proof form
    shown again with why it was refused)."""
    from booths.billing.proof_pages import bill_panels

    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    expo: Expo | None = None
    active: list[dict[str, Any]] = []
    past: list[BookingRead] = []
    if exhibitor is not None and exhibitor.id is not None:
        expo = await venue.get_expo(db_session, exhibitor.expo_id)
        for booking in await bookings.list_bookings(db_session, exhibitor.expo_id, exhibitor_id=exhibitor.id):
            if booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED):
                active.append({"booking": booking, "countdown": countdown(booking)})
            else:
                past.append(booking)
        bills = await live_bills_of_bookings(db_session, [item["booking"].id for item in active])
        # The bill's "pay online" button, where the gateway is set up and the expo turned it on.
        online = await offers_for_bookings(
            db_session, request.app.state[SETTINGS_STATE_KEY], [item["booking"].id for item in active]
        )
        for item in active:
            item["bill"] = bills.get(item["booking"].id)
            item["online"] = online.get(item["booking"].id)
    panels = await bill_panels(db_session, [item["booking"].id for item in active])
    # A shared stand: who else is on it (and, for a co-exhibitor, the stand it is on at all).
    stand = await stand_of_exhibitor(db_session, exhibitor.id) if exhibitor is not None and exhibitor.id else None
    return page(
        request,
        "booths/my_booking.html",
        stand=stand,
        status_code=status_code,
        exhibitor=exhibitor,
        expo=expo,
        active=active,
        past=past,
        notice=notice,
        error=error,
        panels=panels,
        proof_form=proof_form,
        today=await _expo_today(db_session, expo),
    )


async def _expo_today(db_session: AsyncSession, expo: Expo | None) -> str:
    from booths.billing.proofs import expo_today

    return (await expo_today(db_session, expo.id)).isoformat() if expo is not None and expo.id else ""


@get("/my-booking", include_in_schema=False, guards=[requires_exhibitor])
async def my_booking(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    from booths.billing.proof_pages import proof_notice

    return await render_my_booking(request, db_session, user, notice=notice_text(msg) or proof_notice(msg))


@post("/my-booking/{booking_id:int}/cancel", include_in_schema=False, guards=[requires_exhibitor])
async def my_booking_cancel(
    request: Request[Any, Any, Any],
    *,
    booking_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def cancel() -> None:
        await bookings.cancel_booking(db_session, booking_id, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await render_my_booking(request, db_session, user, error=errors.text(), status_code=status)

    return await submit(db_session, cancel, rerender=again, done="/my-booking?msg=cancelled")


PAGE_HANDLERS = [
    booth_picker,
    hold_submit,
    my_booking,
    my_booking_cancel,
]
