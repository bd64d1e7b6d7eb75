"""The treasurer's pages: the bills of an expo, one bill with its ledger (record a payment at the desk,
reverse one), and the payment set-up (bank accounts, cash desk, down payment, unique code, letterhead)."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter, QueryParameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import ledger, setup, views
from booths.billing.bills import payment_setup
from booths.billing.gateway.service import flagged_settlements
from booths.billing.models import DownPayment, PaymentMethod, PaymentSetup
from booths.billing.notices import bank_accounts
from booths.billing.schemas import AccountIn, DeskPaymentIn, ReverseIn, SetupIn
from booths.billing.states import BillState
from booths.fields import typed_rupiah
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.formatting import utcnow
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.paging import PageQuery, window
from expo.permissions import Area
from expo.web import page

DESK_METHODS = (PaymentMethod.TRANSFER, PaymentMethod.QRIS, PaymentMethod.CASH, PaymentMethod.WAIVED)


async def _expo(db_session: AsyncSession, slug: str) -> tuple[Expo, int]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return expo, expo.id


def _notice(msg: str) -> str | None:
    return {
        "setup_saved": gettext("The payment set-up is saved."),
        "account_added": gettext("The bank account is added."),
        "account_removed": gettext("The bank account is no longer shown to exhibitors."),
        "image_saved": gettext("The picture is saved."),
        "recorded": gettext("The payment is recorded and the receipt is ready."),
        "reversed": gettext("The payment is reversed."),
    }.get(msg)


# --- the bills ----------------------------------------------------------------------------------
@get("/admin/e/{slug:str}/payments", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def bills_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    shown: Annotated[str, QueryParameter(name="state", max_length=16)] = "",
    q: FromQuery[Annotated[str, Parameter(max_length=80)]] = "",
    page_no: PageQuery = "",
) -> Template:
    expo, expo_id = await _expo(db_session, slug)
    chosen_state = BillState(shown) if shown in {s.value for s in BillState} else None
    total = await views.count_bills(db_session, expo_id, state=chosen_state, q=q)
    chosen = window(total=total, page=page_no, orders=("number",), default="-number")
    rows = await views.list_bills(db_session, expo_id, state=chosen_state, q=q, offset=chosen.offset, limit=chosen.size)
    filters = {k: v for k, v in {"state": chosen_state.value if chosen_state else "", "q": q}.items() if v}
    return page(
        request,
        "billing/bills.html",
        expo=expo,
        listing=chosen.listing(rows, total, filters),
        counts=await views.state_counts(db_session, expo_id),
        flagged=await flagged_settlements(db_session, expo_id),
        states=tuple(BillState),
        state=chosen_state.value if chosen_state else "",
        q=q,
    )


async def _render_bill(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    bill_id: int,
    user: CurrentUser,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    expo, expo_id = await _expo(db_session, slug)
    detail = await views.bill_for_committee(db_session, expo_id, bill_id, user)
    return page(
        request,
        "billing/bill_admin.html",
        status_code=status_code,
        expo=expo,
        d=detail,
        flagged=await flagged_settlements(db_session, expo_id, bill_id),
        methods=DESK_METHODS,
        form={"paid_on": utcnow().date().isoformat(), "amount": str(detail.outstanding), "method": "cash"}
        | (form or {}),
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/payments/bills/{bill_id:int}", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def bill_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    bill_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_bill(request, db_session, slug, bill_id, user, notice=_notice(msg))


class DeskForm(BaseModel):
    amount: str = ""
    method: str = ""
    paid_on: str = ""
    reference: str = ""
    note: str = ""


@post(
    "/admin/e/{slug:str}/payments/bills/{bill_id:int}/record", include_in_schema=False, guards=[requires(Area.PAYMENTS)]
)
async def record_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    bill_id: FromPath[int],
    data: Annotated[DeskForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def record() -> None:
        _, expo_id = await _expo(db_session, slug)
        await views.bill_for_committee(db_session, expo_id, bill_id, user)  # of this expo
        values = data.model_dump() | {"amount": typed_rupiah(data.amount) or "0", "paid_on": data.paid_on or None}
        payment = DeskPaymentIn.model_validate(values)
        await ledger.record_payment(
            db_session,
            bill_id,
            amount=payment.amount,
            method=payment.method,
            paid_on=payment.paid_on,
            reference=payment.reference,
            note=payment.note,
            actor=user,
            source="desk",
        )

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_bill(
            request, db_session, slug, bill_id, user, errors=errors, form=data.model_dump(), status_code=status
        )

    return await submit(
        db_session,
        record,
        rerender=again,
        done=f"/admin/e/{slug}/payments/bills/{bill_id}?msg=recorded",
        fields={"amount", "method", "paid_on", "reference", "note"},
        choices={"method"},
    )


class ReverseForm(BaseModel):
    reason: str = ""


@post(
    "/admin/e/{slug:str}/payments/bills/{bill_id:int}/payments/{payment_id:int}/reverse",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def reverse_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    bill_id: FromPath[int],
    payment_id: FromPath[int],
    data: Annotated[ReverseForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def reverse() -> None:
        _, expo_id = await _expo(db_session, slug)
        detail = await views.bill_for_committee(db_session, expo_id, bill_id, user)
        if payment_id not in {p.id for p in detail.payments}:
            raise NotFound("No such payment.", code="payment_not_found")
        reason = ReverseIn.model_validate(data.model_dump()).reason
        await ledger.reverse_payment(db_session, payment_id, reason=reason, actor=user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_bill(request, db_session, slug, bill_id, user, errors=errors, status_code=status)

    return await submit(
        db_session, reverse, rerender=again, done=f"/admin/e/{slug}/payments/bills/{bill_id}?msg=reversed"
    )


# --- the payment set-up -------------------------------------------------------------------------
def _setup_form(found: PaymentSetup) -> dict[str, str]:
    return {
        "cash_enabled": "on" if found.cash_enabled else "",
        "cash_place": found.cash_place,
        "cash_hours": found.cash_hours,
        "down_payment": str(found.down_payment),
        "down_payment_value": str(found.down_payment_value or ""),
        "rest_due_on": found.rest_due_on.isoformat() if found.rest_due_on else "",
        "unique_code": "on" if found.unique_code else "",
        "invoice_prefix": found.invoice_prefix,
        "issuer_name": found.issuer_name,
        "issuer_address": found.issuer_address,
        "treasurer_name": found.treasurer_name,
        "online_enabled": "on" if found.online_enabled else "",
    }


async def render_setup(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    form: dict[str, str] | None = None,
    account_form: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    expo, expo_id = await _expo(db_session, slug)
    found = await payment_setup(db_session, expo_id)
    return page(
        request,
        "billing/setup.html",
        status_code=status_code,
        expo=expo,
        form=form or _setup_form(found),
        account_form=account_form or {},
        accounts=await bank_accounts(db_session, expo_id),
        qris=found.qris_image_key is not None,
        signature=found.signature_image_key is not None,
        down_payments=tuple(DownPayment),
        deadline_hours=round(expo.hold_minutes / 60, 1),
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/payments/setup", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def setup_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await render_setup(request, db_session, slug, notice=_notice(msg))


class SetupForm(BaseModel):
    cash_enabled: str = ""
    cash_place: str = ""
    cash_hours: str = ""
    down_payment: str = "none"
    down_payment_value: str = ""
    rest_due_on: str = ""
    unique_code: str = ""
    invoice_prefix: str = ""
    issuer_name: str = ""
    issuer_address: str = ""
    treasurer_name: str = ""
    online_enabled: str = ""


@post("/admin/e/{slug:str}/payments/setup", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def setup_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[SetupForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def save() -> None:
        _, expo_id = await _expo(db_session, slug)
        values: dict[str, Any] = data.model_dump() | {
            "cash_enabled": bool(data.cash_enabled),
            "unique_code": bool(data.unique_code),
            "online_enabled": bool(data.online_enabled),
            "down_payment_value": typed_rupiah(data.down_payment_value) or "0",
            "rest_due_on": data.rest_due_on or None,
        }
        await setup.save_setup(db_session, expo_id, SetupIn.model_validate(values), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await render_setup(request, db_session, slug, errors=errors, form=data.model_dump(), status_code=status)

    return await submit(
        db_session,
        save,
        rerender=again,
        done=f"/admin/e/{slug}/payments/setup?msg=setup_saved",
        fields=set(SetupForm.model_fields),
        choices={"down_payment"},
    )


class AccountForm(BaseModel):
    bank: str = ""
    number: str = ""
    holder: str = ""


@post("/admin/e/{slug:str}/payments/accounts", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def account_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[AccountForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def add() -> None:
        _, expo_id = await _expo(db_session, slug)
        await setup.add_account(db_session, expo_id, AccountIn.model_validate(data.model_dump()), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await render_setup(
            request, db_session, slug, errors=errors, account_form=data.model_dump(), status_code=status
        )

    return await submit(
        db_session,
        add,
        rerender=again,
        done=f"/admin/e/{slug}/payments/setup?msg=account_added#accounts",
        fields={"bank", "number", "holder"},
    )


@post(
    "/admin/e/{slug:str}/payments/accounts/{account_id:int}/remove",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def account_remove(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    account_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def remove() -> None:
        _, expo_id = await _expo(db_session, slug)
        await setup.remove_account(db_session, expo_id, account_id, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await render_setup(request, db_session, slug, errors=errors, status_code=status)

    return await submit(
        db_session, remove, rerender=again, done=f"/admin/e/{slug}/payments/setup?msg=account_removed#accounts"
    )


PAGE_HANDLERS = [
    bills_page,
    bill_page,
    record_submit,
    reverse_submit,
    setup_page,
    setup_submit,
    account_submit,
    account_remove,
]
