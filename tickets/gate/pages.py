"""The scanner page for gate staff (pairs the phone, then scans online or, offline, decides alone), the
gate staff's own page (their gate's counts, pairing and unpairing their phones), and the organisers'
live gate dashboard."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.venue.service import get_expo, get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import requires, requires_gate_staff
from expo.errors import Forbidden
from expo.formatting import utcnow
from expo.forms import FormErrors, Rerender, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page
from tickets.gate import staff as gate_staff
from tickets.gate import supervision as checkin_ops
from tickets.gate.admin_pages import LABELS, form_text, pairing_card
from tickets.gate.devices import device_status
from tickets.gate.texts import dashboard_texts, scanner_texts

Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
STAFF_PAGE = "/gate/staff"


@get("/gate", include_in_schema=False)
async def scanner_page(request: Request[Any, Any, Any]) -> Template:
    return page(request, "gate/scanner.html", texts=scanner_texts())


@get("/admin/e/{slug:str}/gates", include_in_schema=False, guards=[requires(Area.GATES)])
async def gate_dashboard(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    expo = await get_expo_by_slug(db_session, slug)
    return page(request, "gate/dashboard.html", expo=expo, texts=dashboard_texts())


def _user(request: Request[Any, Any, Any]) -> CurrentUser:
    user = request.scope.get("user")
    assert isinstance(user, CurrentUser)  # the guard let only a logged-in gate-staff account in
    return user


async def _staff_page(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    *,
    notice: str | None = None,
    pairing: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    user = _user(request)
    try:
        gate = await gate_staff.own_gate(db_session, user)
    except Forbidden:  # not on a gate yet: say so and whom to ask, no error page
        return page(
            request, "gate/staff.html", status_code=status_code, gate=None, error=error, texts=dashboard_texts()
        )
    assert gate.id is not None
    expo = await get_expo(db_session, gate.expo_id)
    stats = await checkin_ops.stats(db_session, gate.expo_id, gate_id=gate.id)
    now = utcnow()
    phones = [
        {"device": d, "status": status}
        for d in await gate_staff.own_devices(db_session, user)
        if (status := device_status(d, now)) in {"paired", "waiting"}
    ]
    return page(
        request,
        "gate/staff.html",
        status_code=status_code,
        gate=gate,
        expo=expo,
        stats=stats,
        phones=phones,
        labels=LABELS,
        notice=notice,
        pairing=pairing,
        error=error,
        texts=dashboard_texts(),
    )


@get(STAFF_PAGE, include_in_schema=False, guards=[requires_gate_staff])
async def staff_page(
    request: Request[Any, Any, Any],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    notice = gettext("The phone is unpaired.") if msg == "unpaired" else None
    return await _staff_page(request, db_session, notice=notice)


@post(f"{STAFF_PAGE}/pair", include_in_schema=False, status_code=200, guards=[requires_gate_staff])
async def staff_pair(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Response[Any]:
    user = _user(request)
    raw = await request.form()
    name = form_text(raw, "name", 60)

    async def pair() -> dict[str, Any]:
        gate, device, code = await gate_staff.pair_own_phone(db_session, user, name or f"HP {user.name}"[:60])
        expo = await get_expo(db_session, gate.expo_id)
        return pairing_card(request, gate, device, code, expo.timezone)

    async def paired(pairing: dict[str, Any]) -> Template:
        return await _staff_page(request, db_session, pairing=pairing)

    return await submit(db_session, pair, rerender=_staff_again(request, db_session), done=paired)


def _staff_again(request: Request[Any, Any, Any], db_session: AsyncSession) -> Rerender:
    """Shows the staff page again with why a button was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        return await _staff_page(request, db_session, error=errors.text(), status_code=status)

    return again


@post(f"{STAFF_PAGE}/devices/{{device_id:int}}/unpair", include_in_schema=False, guards=[requires_gate_staff])
async def staff_unpair(
    request: Request[Any, Any, Any], device_id: FromPath[Id], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    async def unpair() -> None:
        await gate_staff.unpair_own_phone(db_session, _user(request), device_id)

    return await submit(
        db_session, unpair, rerender=_staff_again(request, db_session), done=f"{STAFF_PAGE}?msg=unpaired"
    )


PAGE_HANDLERS = [scanner_page, gate_dashboard, staff_page, staff_pair, staff_unpair]
