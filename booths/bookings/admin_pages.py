"""Organiser booking pages: the bookings list (confirm, cancel, move, assign) and class approval."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.bookings.schemas import BookingRead, PaymentIn
from booths.documents.service import documents_complete
from booths.exhibitors import approval
from booths.exhibitors import service as exhibitors
from booths.exhibitors.validation import normalise_booth_code
from booths.fields import typed_rupiah
from booths.labels import notice_text
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import FieldProblem, InvalidInput, NotFound
from expo.forms import FormBody, FormErrors, Rerender, back_filters, back_to, submit
from expo.paging import LIST_KEYS, Listing, PageQuery, SortQuery, paginate
from expo.permissions import Area
from expo.text import MultiLineText
from expo.web import page, redirect

ShortText = Annotated[str, Parameter(max_length=100)]
BOOKING_STATUSES = tuple(s.value for s in BookingStatus)
PAYMENT_METHODS = ("transfer", "cash", "qris", "waived", "other")
_BOOKING_FILTERS = ("status", "q", *LIST_KEYS)


# --- bookings ------------------------------------------------------------------------------------
def _needs_action(b: BookingRead) -> tuple[int, float]:
    """Holds waiting for payment first, the soonest to run out first; then the newest bookings."""
    if b.status == BookingStatus.HELD:
        return (0, b.hold_expires_at.timestamp() if b.hold_expires_at else 0.0)
    return (1, -b.held_at.timestamp())


BOOKING_ORDERS = {
    "action": _needs_action,
    "booth": lambda b: (b.hall_code, b.booth_code),
    "exhibitor": lambda b: b.exhibitor_name.casefold(),
    "status": lambda b: b.status,
    "price": lambda b: b.price,
    "held": lambda b: b.held_at,
    "payment": lambda b: b.payment_amount,
}


def bookings_listing(rows: list[BookingRead], filters: dict[str, str]) -> Listing[BookingRead]:
    current = {k: v for k, v in filters.items() if k not in LIST_KEYS}
    return paginate(
        rows,
        page=filters.get("page", ""),
        sort=filters.get("sort", ""),
        orders=BOOKING_ORDERS,
        default="action",
        filters=current,
    )


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
    rows = await bookings.list_bookings(db_session, expo.id, status=status, q=q or None, limit=100_000)
    free = await venue.list_booths(db_session, expo.id, status="available")
    people = await exhibitors.list_exhibitors(db_session, expo.id, limit=5000)
    awaiting = await approval.awaiting_approval(db_session, expo.id)
    current = {"status": status.value if status else "", "q": q}
    listing = bookings_listing(rows, current | {k: filters.get(k, "") for k in LIST_KEYS})
    return page(
        request,
        "admin/bookings.html",
        status_code=status_code,
        expo=expo,
        rows=listing.items,
        listing=listing,
        free_booths=free,
        exhibitors=people,
        awaiting=awaiting,
        verified=await exhibitors.verified_user_ids(db_session, awaiting),
        documents_ok=await documents_complete(db_session, awaiting),
        statuses=BOOKING_STATUSES,
        methods=PAYMENT_METHODS,
        filters=current,
        back=listing.back,
        notice=notice,
        error=error,
        failed=failed,
        assign=(assign or AssignForm(confirm="1")).model_dump(),
        assign_errors=assign_errors or FormErrors(),
    )


@get("/admin/e/{slug:str}/bookings", include_in_schema=False, guards=[requires(Area.BOOKINGS)])
async def admin_bookings(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    q: FromQuery[ShortText] = "",
    page_number: PageQuery = "",
    sort: SortQuery = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"status": status, "q": q, "page": page_number, "sort": sort}
    return await _render_bookings(request, db_session, slug, filters, notice=notice_text(msg))


def _payment(amount: str, method: str, reference: str) -> PaymentIn | None:
    """The payment typed into a form; none when no amount is given (unless the fee is waived)."""
    digits = typed_rupiah(amount)
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


def _list_again(
    request: Request[Any, Any, Any], db_session: AsyncSession, slug: str, back: str, failed: int | None = None
) -> Rerender:
    """Shows the bookings list again with why an action on one row (``failed``) was refused."""

    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(back, _BOOKING_FILTERS)
        return await _render_bookings(
            request, db_session, slug, filters, error=errors.text(), failed=failed, status_code=status
        )

    return again


def _list(slug: str, back: str, msg: str) -> Response[Any]:
    return back_to(f"/admin/e/{slug}/bookings", back, _BOOKING_FILTERS, msg)


@post(
    "/admin/e/{slug:str}/bookings/{booking_id:int}/confirm",
    include_in_schema=False,
    guards=[requires(Area.BOOKINGS)],
)
async def admin_confirm_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[ConfirmForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def confirm() -> None:
        await _booking_of_expo(db_session, slug, booking_id, user)
        payment = _payment(data.amount, data.method, data.reference)
        await bookings.confirm_booking(db_session, booking_id, payment, user)

    again = _list_again(request, db_session, slug, data.back, booking_id)
    done = _list(slug, data.back, "confirmed")
    return await submit(db_session, confirm, rerender=again, done=done, choices={"method"})


@post("/admin/e/{slug:str}/bookings/{booking_id:int}/cancel", include_in_schema=False, guards=[requires(Area.BOOKINGS)])
async def admin_cancel_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[CancelForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def cancel() -> None:
        await _booking_of_expo(db_session, slug, booking_id, user)
        await bookings.cancel_booking(db_session, booking_id, user, data.reason.strip()[:300])

    again = _list_again(request, db_session, slug, data.back, booking_id)
    return await submit(db_session, cancel, rerender=again, done=_list(slug, data.back, "cancelled"))


@post("/admin/e/{slug:str}/bookings/{booking_id:int}/move", include_in_schema=False, guards=[requires(Area.BOOKINGS)])
async def admin_move_booking(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booking_id: FromPath[int],
    data: Annotated[MoveForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def move() -> None:
        expo_id = await _booking_of_expo(db_session, slug, booking_id, user)
        target = await _booth_id_by_code(db_session, expo_id, data.booth_code)
        await bookings.move_booking(db_session, booking_id, target, user, data.note.strip()[:300])

    again = _list_again(request, db_session, slug, data.back, booking_id)
    return await submit(db_session, move, rerender=again, done=_list(slug, data.back, "moved"))


@post("/admin/e/{slug:str}/bookings/assign", include_in_schema=False, guards=[requires(Area.BOOKINGS)])
async def admin_assign_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[AssignForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def assign() -> None:
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

    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(data.back, _BOOKING_FILTERS)
        return await _render_bookings(
            request, db_session, slug, filters, assign=data, assign_errors=errors, status_code=status
        )

    done = _list(slug, data.back, "assigned")
    return await submit(
        db_session,
        assign,
        rerender=again,
        done=done,
        fields=ASSIGN_FIELDS,
        choices={"method"},
        aliases={"payment": "amount"},  # a refused payment is shown at the amount typed
    )


class ApprovalForm(BaseModel):
    decision: str = ""
    note: str = ""
    back: str = ""
    to_record: str = ""  # sent from the exhibitor's record page: return there (not to the bookings list)


@post(
    "/admin/e/{slug:str}/exhibitors/{exhibitor_id:int}/approval",
    include_in_schema=False,
    guards=[requires(Area.EXHIBITORS)],
)
async def admin_decide_approval(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    data: Annotated[ApprovalForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def decide() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        exhibitor = await exhibitors.get_exhibitor(db_session, exhibitor_id, user)
        if exhibitor.expo_id != expo.id:
            raise NotFound("No such exhibitor.", code="exhibitor_not_found")
        if data.decision not in {d.value for d in approval.Decision}:
            raise InvalidInput(fields=[FieldProblem("decision", "Choose one of the options.")])
        await approval.decide(db_session, exhibitor_id, approval.Decision(data.decision), user, data.note)

    again = _list_again(request, db_session, slug, data.back)
    if data.to_record:
        done: Response[Any] = redirect(f"/admin/e/{slug}/exhibitors/{exhibitor_id}?msg={data.decision}")
    else:
        done = _list(slug, data.back, data.decision)
    return await submit(db_session, decide, rerender=again, done=done)


PAGE_HANDLERS = [
    admin_bookings,
    admin_confirm_booking,
    admin_cancel_booking,
    admin_move_booking,
    admin_assign_booth,
    admin_decide_approval,
]
