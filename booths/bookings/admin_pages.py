"""Organiser pages: overview of expos, booths (block/unblock) and bookings (confirm, cancel, move, assign)."""

import re
from collections import Counter
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.bookings.pages import FormBody, FormErrors, ShortText, domain_errors, notice_text, validation_errors, view
from booths.bookings.schemas import PaymentIn
from booths.exhibitors import approval
from booths.exhibitors import service as exhibitors
from booths.exhibitors.validation import normalise_booth_code
from booths.venue import service as venue
from booths.venue.schemas import BoothStatus
from expo.accounts import CurrentUser
from expo.auth import requires_organiser
from expo.errors import DomainError, FieldProblem, InvalidInput, NotFound
from expo.text import Line, MultiLineText

BOOTH_STATUSES: tuple[BoothStatus, ...] = ("available", "held", "confirmed", "blocked")
BOOKING_STATUSES = tuple(s.value for s in BookingStatus)
PAYMENT_METHODS = ("transfer", "cash", "qris", "waived", "other")
_BOOTH_FILTERS = ("hall", "status", "cluster")
_BOOKING_FILTERS = ("status", "q")
_MONEY_RE = re.compile(r"^\s*(rp\.?)?\s*[\d.,\s]+$", re.IGNORECASE)


def _back_query(back: str, allowed: tuple[str, ...]) -> dict[str, str]:
    """The list's filters to return to after an action (only known keys, never a URL)."""
    return {k: v[:100] for k, v in parse_qsl(back[:500]) if k in allowed and v}


def _back(path: str, back: str, allowed: tuple[str, ...], msg: str) -> Redirect:
    query = _back_query(back, allowed) | {"msg": msg}
    return Redirect(path=f"{path}?{urlencode(query)}", status_code=303)


def _query_string(filters: dict[str, str]) -> str:
    return urlencode({k: v for k, v in filters.items() if v})


def _money(text: str) -> str:
    """People type ``1.500.000`` or ``Rp 1.500.000``; keep the digits of such input."""
    return re.sub(r"\D", "", text) if _MONEY_RE.match(text) else text.strip()


# --- overview ------------------------------------------------------------------------------------
@get("/admin", include_in_schema=False, guards=[requires_organiser])
async def admin_home(request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]) -> Template:
    rows = []
    for expo in await venue.list_expos(db_session):
        booths = await venue.list_booths(db_session, expo.id, organiser=True)
        counts = Counter(b.status for b in booths)
        registered = await exhibitors.list_exhibitors(db_session, expo.id, limit=100_000)
        rows.append({"expo": expo, "counts": counts, "total": len(booths), "exhibitors": len(registered)})
    return view(request, "admin/index.html", rows=rows, statuses=BOOTH_STATUSES)


# --- booths --------------------------------------------------------------------------------------
class BlockForm(BaseModel):
    reason: Line = ""
    back: str = ""


async def _render_booths(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    halls = await venue.list_halls(db_session, expo.id)
    clusters = await venue.list_clusters(db_session, expo.id)
    hall_id = next((h.id for h in halls if h.code == filters.get("hall")), None)
    status = next((s for s in BOOTH_STATUSES if s == filters.get("status")), None)
    cluster = next((c.code for c in clusters if c.code == filters.get("cluster")), None)
    booths = await venue.list_booths(
        db_session, expo.id, hall_id=hall_id, status=status, cluster=cluster, organiser=True
    )
    packages = {p.id: p for p in await venue.list_packages(db_session, expo.id)}
    return view(
        request,
        "admin/booths.html",
        status_code=status_code,
        expo=expo,
        halls=halls,
        clusters={c.code: c for c in clusters},
        packages=packages,
        booths=booths,
        statuses=BOOTH_STATUSES,
        filters={"hall": filters.get("hall", ""), "status": status or "", "cluster": cluster or ""},
        back=_query_string({"hall": filters.get("hall", ""), "status": status or "", "cluster": cluster or ""}),
        notice=notice,
        error=error,
    )


@get("/admin/e/{slug:str}/booths", include_in_schema=False, guards=[requires_organiser])
async def admin_booths(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    cluster: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"hall": hall, "status": status, "cluster": cluster}
    return await _render_booths(request, db_session, slug, filters, notice=notice_text(msg))


async def _set_blocked(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    *,
    slug: str,
    booth_id: int,
    form: BlockForm,
    blocked: bool,
) -> Template | Redirect:
    try:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await venue.get_booth(db_session, booth_id, expo.id)
        await venue.set_blocked(db_session, booth_id, blocked, form.reason.strip()[:200])
    except DomainError as exc:
        await db_session.rollback()
        filters = _back_query(form.back, _BOOTH_FILTERS)
        message = " ".join(domain_errors(exc, set()).general)
        return await _render_booths(request, db_session, slug, filters, error=message, status_code=exc.status)
    await db_session.commit()
    return _back(f"/admin/e/{slug}/booths", form.back, _BOOTH_FILTERS, "blocked" if blocked else "unblocked")


@post("/admin/e/{slug:str}/booths/{booth_id:int}/block", include_in_schema=False, guards=[requires_organiser])
async def admin_block_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=True)


@post("/admin/e/{slug:str}/booths/{booth_id:int}/unblock", include_in_schema=False, guards=[requires_organiser])
async def admin_unblock_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=False)


# --- bookings ------------------------------------------------------------------------------------
class ConfirmForm(BaseModel):
    amount: str = ""
    method: str = "transfer"
    reference: str = ""
    back: str = ""


class CancelForm(BaseModel):
    reason: MultiLineText = ""
    back: str = ""


class MoveForm(BaseModel):
    booth_code: str = ""
    note: MultiLineText = ""
    back: str = ""


class AssignForm(BaseModel):
    exhibitor_id: str = ""
    booth_code: str = ""
    confirm: str = ""
    amount: str = ""
    method: str = "transfer"
    reference: str = ""
    note: MultiLineText = ""
    back: str = ""


ASSIGN_FIELDS = {"exhibitor_id", "booth_code", "amount", "method", "reference", "note"}


async def _render_bookings(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    notice: str | None = None,
    error: str | None = None,
    failed: int | None = None,
    assign: AssignForm | None = None,
    assign_errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    status = next((BookingStatus(s) for s in BOOKING_STATUSES if s == filters.get("status")), None)
    q = filters.get("q", "").strip()[:100]
    rows = await bookings.list_bookings(db_session, expo.id, status=status, q=q or None)
    free = await venue.list_booths(db_session, expo.id, status="available")
    people = await exhibitors.list_exhibitors(db_session, expo.id, limit=5000)
    awaiting = await approval.awaiting_approval(db_session, expo.id)
    current = {"status": status.value if status else "", "q": q}
    return view(
        request,
        "admin/bookings.html",
        status_code=status_code,
        expo=expo,
        rows=rows,
        free_booths=free,
        exhibitors=people,
        awaiting=awaiting,
        statuses=BOOKING_STATUSES,
        methods=PAYMENT_METHODS,
        filters=current,
        back=_query_string(current),
        notice=notice,
        error=error,
        failed=failed,
        assign=(assign or AssignForm(confirm="1")).model_dump(),
        assign_errors=assign_errors or FormErrors(),
    )


@get("/admin/e/{slug:str}/bookings", include_in_schema=False, guards=[requires_organiser])
async def admin_bookings(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    q: FromQuery[ShortText] = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_bookings(request, db_session, slug, {"status": status, "q": q}, notice=notice_text(msg))


def _payment(amount: str, method: str, reference: str) -> PaymentIn | None:
    """The payment typed into a form; none when no amount is given (unless the fee is waived)."""
    digits = _money(amount)
    if not digits and method != "waived":
        return None
    return PaymentIn.model_validate({"amount": digits or "0", "method": method, "reference": reference.strip()})


async def _booth_id_by_code(db_session: AsyncSession, expo_id: int, code: str) -> int:
    try:
        wanted = normalise_booth_code(code)
    except ValueError:
        wanted = code.strip().upper()
    match = next((b for b in await venue.list_booths(db_session, expo_id) if b.code == wanted), None)
    if match is None:
        raise InvalidInput(
            "No booth with code %(code)s.",
            code="booth_not_found",
            params={"code": code.strip()[:16]},
            fields=[FieldProblem("booth_code", "No booth with code %(code)s.", {"code": code.strip()[:16]})],
        )
    return match.id


async def _booking_of_expo(db_session: AsyncSession, slug: str, booking_id: int, user: CurrentUser) -> int:
    expo = await venue.get_expo_by_slug(db_session, slug)
    booking = await bookings.get_booking(db_session, booking_id, user)
    if booking.expo_id != expo.id:
        raise NotFound("No such booking.", code="booking_not_found")
    return booking.expo_id


async def _booking_action_failed(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    *,
    slug: str,
    back: str,
    booking_id: int,
    errors: FormErrors,
    status_code: int,
) -> Template:
    await db_session.rollback()
    message = " ".join([*errors.general, *errors.fields.values()])
    filters = _back_query(back, _BOOKING_FILTERS)
    return await _render_bookings(
        request, db_session, slug, filters, error=message, failed=booking_id, status_code=status_code
    )


@post("/admin/e/{slug:str}/bookings/{booking_id:int}/confirm", include_in_schema=False, guards=[requires_organiser])
async def admin_confirm_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[ConfirmForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        await _booking_of_expo(db_session, slug, booking_id, user)
        payment = _payment(data.amount, data.method, data.reference)
        await bookings.confirm_booking(db_session, booking_id, payment, user)
    except ValidationError as exc:
        errors = validation_errors(exc, set(), frozenset({"method"}))
        return await _booking_action_failed(
            request, db_session, slug=slug, back=data.back, booking_id=booking_id, errors=errors, status_code=422
        )
    except DomainError as exc:
        errors = domain_errors(exc, set())
        return await _booking_action_failed(
            request, db_session, slug=slug, back=data.back, booking_id=booking_id, errors=errors, status_code=exc.status
        )
    await db_session.commit()
    return _back(f"/admin/e/{slug}/bookings", data.back, _BOOKING_FILTERS, "confirmed")


@post("/admin/e/{slug:str}/bookings/{booking_id:int}/cancel", include_in_schema=False, guards=[requires_organiser])
async def admin_cancel_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[CancelForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        await _booking_of_expo(db_session, slug, booking_id, user)
        await bookings.cancel_booking(db_session, booking_id, user, data.reason.strip()[:300])
    except DomainError as exc:
        errors = domain_errors(exc, set())
        return await _booking_action_failed(
            request, db_session, slug=slug, back=data.back, booking_id=booking_id, errors=errors, status_code=exc.status
        )
    await db_session.commit()
    return _back(f"/admin/e/{slug}/bookings", data.back, _BOOKING_FILTERS, "cancelled")


@post("/admin/e/{slug:str}/bookings/{booking_id:int}/move", include_in_schema=False, guards=[requires_organiser])
async def admin_move_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[MoveForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        expo_id = await _booking_of_expo(db_session, slug, booking_id, user)
        target = await _booth_id_by_code(db_session, expo_id, data.booth_code)
        await bookings.move_booking(db_session, booking_id, target, user, data.note.strip()[:300])
    except DomainError as exc:
        errors = domain_errors(exc, set())
        return await _booking_action_failed(
            request, db_session, slug=slug, back=data.back, booking_id=booking_id, errors=errors, status_code=exc.status
        )
    await db_session.commit()
    return _back(f"/admin/e/{slug}/bookings", data.back, _BOOKING_FILTERS, "moved")


@post("/admin/e/{slug:str}/bookings/assign", include_in_schema=False, guards=[requires_organiser])
async def admin_assign_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[AssignForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    errors: FormErrors
    try:
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        if not data.exhibitor_id.strip().isdigit():
            raise InvalidInput(fields=[FieldProblem("exhibitor_id", "Choose one of the options.")])
        booth_id = await _booth_id_by_code(db_session, expo.id, data.booth_code)
        confirm = bool(data.confirm)
        payment = _payment(data.amount, data.method, data.reference) if confirm else None
        await bookings.assign_booth(
            db_session,
            expo.id,
            booth_id,
            int(data.exhibitor_id),
            user,
            confirm=confirm,
            payment=payment,
            note=data.note.strip()[:300],
        )
    except ValidationError as exc:
        errors, status_code = validation_errors(exc, ASSIGN_FIELDS, frozenset({"method"})), 422
    except DomainError as exc:
        errors, status_code = domain_errors(exc, ASSIGN_FIELDS), exc.status
        if "payment" in {f.field for f in exc.fields}:
            errors.fields.setdefault("amount", errors.general.pop(0) if errors.general else "")
    else:
        await db_session.commit()
        return _back(f"/admin/e/{slug}/bookings", data.back, _BOOKING_FILTERS, "assigned")
    await db_session.rollback()
    filters = _back_query(data.back, _BOOKING_FILTERS)
    return await _render_bookings(
        request, db_session, slug, filters, assign=data, assign_errors=errors, status_code=status_code
    )


class ApprovalForm(BaseModel):
    decision: str = ""
    note: str = ""
    back: str = ""


@post(
    "/admin/e/{slug:str}/exhibitors/{exhibitor_id:int}/approval", include_in_schema=False, guards=[requires_organiser]
)
async def admin_decide_approval(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    data: Annotated[ApprovalForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    try:
        expo = await venue.get_expo_by_slug(db_session, slug)
        exhibitor = await exhibitors.get_exhibitor(db_session, exhibitor_id, user)
        if exhibitor.expo_id != expo.id:
            raise NotFound("No such exhibitor.", code="exhibitor_not_found")
        if data.decision not in {d.value for d in approval.Decision}:
            raise InvalidInput(fields=[FieldProblem("decision", "Choose one of the options.")])
        await approval.decide(db_session, exhibitor_id, approval.Decision(data.decision), user, data.note)
    except DomainError as exc:
        await db_session.rollback()
        message = " ".join([*domain_errors(exc, set()).general, *domain_errors(exc, set()).fields.values()])
        filters = _back_query(data.back, _BOOKING_FILTERS)
        return await _render_bookings(request, db_session, slug, filters, error=message, status_code=exc.status)
    await db_session.commit()
    return _back(f"/admin/e/{slug}/bookings", data.back, _BOOKING_FILTERS, data.decision)


PAGE_HANDLERS = [
    admin_home,
    admin_booths,
    admin_block_booth,
    admin_unblock_booth,
    admin_bookings,
    admin_confirm_booking,
    admin_cancel_booking,
    admin_move_booking,
    admin_assign_booth,
    admin_decide_approval,
]
