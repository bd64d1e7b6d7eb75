"""Refund pages: the treasurer's list of refunds (to pay, paid; mark one paid), the expo's refund rule,
and the exhibitor's look at what comes back before cancelling a booking.

The committee's pages need the payments area: refunds are money out, the treasurer's work.
"""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import refunds
from booths.billing.addon_schemas import RefundPaidIn, RefundRuleIn
from booths.billing.bills import payment_setup
from booths.billing.words import WORDS
from booths.bookings.models import Booking, BookingStatus
from booths.exhibitors.models import Exhibitor
from booths.venue import service as venue
from booths.venue.lifecycle import expo_today
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page

RULE_ROWS = 5  # steps shown on the rule form (empty rows are left out)


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo


# --- the treasurer's list ------------------------------------------------------------------------
class PaidForm(BaseModel):
    paid_on: str = ""
    method: str = "transfer"
    reference: str = ""


async def _render_refunds(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    status: str,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: PaidForm | None = None,
    form_refund: int | None = None,
    status_code: int = 200,
) -> Template:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    status = status if status in refunds.STATUS_FILTERS else "to_pay"
    return page(
        request,
        "billing/refunds.html",
        status_code=status_code,
        expo=expo,
        rows=await refunds.list_refunds(db_session, expo.id, status),
        status=status,
        statuses=refunds.STATUS_FILTERS,
        today=expo_today(expo).isoformat(),
        notice=notice,
        errors=errors or FormErrors(),
        form=form,
        form_refund=form_refund,
        words=WORDS,
    )


@get("/admin/e/{slug:str}/payments/refunds", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_refunds(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "to_pay",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    notice = gettext("The refund is marked paid.") if msg == "paid" else None
    return await _render_refunds(request, db_session, slug, status, notice=notice)


@post(
    "/admin/e/{slug:str}/payments/refunds/{refund_id:int}/paid",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def admin_refund_paid(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    refund_id: FromPath[int],
    data: Annotated[PaidForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def mark() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        checked = RefundPaidIn.model_validate(
            {"paid_on": data.paid_on.strip() or None, "method": data.method.strip(), "reference": data.reference}
        )
        await refunds.mark_refund_paid(db_session, expo.id, refund_id, checked, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_refunds(
            request, db_session, slug, "to_pay", errors=errors, form=data, form_refund=refund_id, status_code=status
        )

    return await submit(
        db_session,
        mark,
        rerender=again,
        done=f"/admin/e/{slug}/payments/refunds?msg=paid",
        fields=PaidForm.model_fields,
        choices={"method"},
    )


# --- the refund rule -----------------------------------------------------------------------------
def _rule_form(rules: list[dict[str, Any]]) -> dict[str, str]:
    form: dict[str, str] = {}
    for i, (days, percent) in enumerate(refunds.rule_steps(rules)[:RULE_ROWS]):
        form[f"steps.{i}.days_before"] = str(days)
        form[f"steps.{i}.percent"] = str(percent)
    return form


async def _render_rule(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: dict[str, str] | None = None,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    setup = await payment_setup(db_session, expo.id)
    return page(
        request,
        "billing/refund_rule.html",
        status_code=status_code,
        expo=expo,
        rows=range(RULE_ROWS),
        steps=refunds.rule_steps(setup.refund_rules),
        form=form if form is not None else _rule_form(setup.refund_rules),
        notice=notice,
        errors=errors or FormErrors(),
    )


@get("/admin/e/{slug:str}/payments/refund-rule", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_refund_rule(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    notice = gettext("The refund rule is saved. It applies to cancellations from now on.") if msg == "saved" else None
    return await _render_rule(request, db_session, slug, notice=notice)


@post("/admin/e/{slug:str}/payments/refund-rule", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def admin_save_refund_rule(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    form = await request.form()
    posted = {k: str(v)[:20] for k, v in form.items() if k.startswith("steps.") and isinstance(v, str)}

    async def save() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        steps = []
        for i in range(RULE_ROWS):
            days = posted.get(f"steps.{i}.days_before", "").strip()
            percent = posted.get(f"steps.{i}.percent", "").strip().rstrip("%").strip()
            if days or percent:
                steps.append({"days_before": days or None, "percent": percent or None})
        await refunds.save_refund_rule(db_session, expo.id, RefundRuleIn.model_validate({"steps": steps}), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_rule(request, db_session, slug, form=posted, errors=errors, status_code=status)

    fields = {f"steps.{i}.{name}" for i in range(RULE_ROWS) for name in ("days_before", "percent")}
    return await submit(
        db_session, save, rerender=again, done=f"/admin/e/{slug}/payments/refund-rule?msg=saved", fields=fields
    )


# --- the exhibitor, before cancelling ------------------------------------------------------------
@get("/my-booking/{booking_id:int}/cancel", include_in_schema=False, guards=[requires_exhibitor])
async def my_booking_cancel_page(
    request: Request[Any, Any, Any],
    *,
    booking_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    """What cancelling would give back, and the button that cancels (the booking pages' form)."""
    booking = await db_session.get(Booking, booking_id)
    exhibitor = await db_session.get(Exhibitor, booking.exhibitor_id) if booking is not None else None
    if booking is None or exhibitor is None or exhibitor.user_id != user.id:
        raise NotFound("No such booking.", code="booking_not_found")
    expo = await venue.get_expo(db_session, booking.expo_id)
    return page(
        request,
        "billing/cancel_booking.html",
        expo=expo,
        booking=booking,
        live=booking.status in (BookingStatus.HELD, BookingStatus.CONFIRMED),
        booth_code=(await venue.get_booth(db_session, booking.booth_id)).code,
        preview=await refunds.refund_preview(db_session, booking),
    )


PAGE_HANDLERS = [
    admin_refunds,
    admin_refund_paid,
    admin_refund_rule,
    admin_save_refund_rule,
    my_booking_cancel_page,
]
