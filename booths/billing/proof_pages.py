"""Proof-of-transfer pages: the exhibitor's upload (a form on "My booking"), the file itself (for its
exhibitor and the expo's treasurer or organiser only), and the treasurer's queue of proofs to review."""

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Stream, Template
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import proofs
from booths.billing.models import Bill, PaymentMethod, PaymentProof
from booths.billing.states import bill_state, outstanding
from booths.fields import Rupiah, Strict, typed_rupiah
from booths.venue.models import Expo
from booths.venue.service import get_expo_by_slug
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor, requires_login
from expo.errors import FieldProblem, InvalidInput
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import N_, gettext
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.storage import Storage, file_response
from expo.uploads import IMAGES_AND_PDF, check_upload_in_thread, form_with_file
from expo.web import page

# Pictures are kept at most this large: a phone photo of a receipt stays readable, and 12 MP becomes ~1 MB.
PROOF_MAX_EDGE = 2400
PROOF_FIELDS = {"file", "amount", "paid_on", "sender_bank", "sender_name"}
REVIEW_FIELDS = {"amount", "paid_on", "method", "reason"}


def proof_notice(code: str) -> str | None:
    return {
        "proof_sent": gettext(
            "Your proof of transfer is sent. The treasurer checks it; your booth stays held meanwhile."
        ),
        "proof_accepted": gettext("The proof is accepted and the payment recorded."),
        "proof_rejected": gettext("The proof is rejected; the exhibitor is told why."),
        "proof_resubmit": gettext("The exhibitor is asked for a new proof."),
    }.get(code)


# --- the exhibitor's side -------------------------------------------------------------------------
class ProofIn(Strict):
    amount: Rupiah
    paid_on: date
    sender_bank: Annotated[str, Field(min_length=1, max_length=60)]
    sender_name: Annotated[str, Field(max_length=120)] = ""


@dataclass(frozen=True)
class BillPanel:
    """What "My booking" shows of a booking's bill: the sums, the proofs sent, and whether to offer the form."""

    bill: Bill
    state: str
    outstanding: int
    proofs: list[PaymentProof]
    can_send: bool


async def bill_panels(session: AsyncSession, booking_ids: list[int]) -> dict[int, BillPanel]:
    """Each booking's live bill with its proofs, by booking id (bookings without a bill are left out)."""
    from booths.billing.bills import bill_of_booking

    panels: dict[int, BillPanel] = {}
    for booking_id in booking_ids:
        bill = await bill_of_booking(session, booking_id)
        if bill is None or bill.id is None:
            continue
        owed = outstanding(bill)
        panels[booking_id] = BillPanel(
            bill=bill,
            state=bill_state(bill).value,
            outstanding=owed,
            proofs=await proofs.proofs_of_bill(session, bill.id),
            can_send=owed > 0 and bill.status in ("unpaid", "partly_paid"),
        )
    return panels


@dataclass(frozen=True)
class ProofForm:
    """The proof form shown again after a refusal: for which bill, what was typed, and why."""

    bill_id: int
    values: dict[str, str]
    errors: FormErrors


@post(
    "/my-bills/{bill_id:int}/proofs",
    include_in_schema=False,
    guards=[requires_exhibitor],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def send_proof(
    request: Request[Any, Any, Any],
    *,
    bill_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    storage: NamedDependency[Storage],
) -> Response[Any]:
    values: dict[str, str] = {}

    async def send() -> None:
        fields, data = await form_with_file(request, settings.max_upload_bytes)
        values.update({k: v for k, v in fields.items() if k in PROOF_FIELDS})
        form = ProofIn.model_validate(
            {
                "amount": typed_rupiah(fields.get("amount", "")),
                "paid_on": fields.get("paid_on", ""),
                "sender_bank": fields.get("sender_bank", ""),
                "sender_name": fields.get("sender_name", ""),
            }
        )
        if data is None:
            message = N_("Choose the photo or PDF of the transfer.")
            raise InvalidInput(message, code="upload_missing", fields=[FieldProblem("file", message)])
        await proofs.bill_for_exhibitor(db_session, bill_id, user)  # not someone else's: before any decoding
        checked = await check_upload_in_thread(
            data, allowed=IMAGES_AND_PDF, max_bytes=settings.max_upload_bytes, max_edge=PROOF_MAX_EDGE
        )
        await proofs.submit_proof(
            db_session,
            storage,
            bill_id,
            user=user,
            file=checked,
            amount=form.amount,
            paid_on=form.paid_on,
            sender_bank=form.sender_bank,
            sender_name=form.sender_name,
        )

    async def again(errors: FormErrors, status: int) -> Template:
        from booths.bookings.pages import render_my_booking

        form = ProofForm(bill_id=bill_id, values=values, errors=errors)
        return await render_my_booking(request, db_session, user, status_code=status, proof_form=form)

    return await submit(db_session, send, rerender=again, done="/my-booking?msg=proof_sent", fields=PROOF_FIELDS)


@get("/proofs/{proof_id:int}/file", include_in_schema=False, guards=[requires_login])
async def proof_file(
    *,
    proof_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
) -> Stream:
    """The file of a proof, for its exhibitor and the expo's treasurer or organiser (else 404)."""
    proof = await proofs.proof_for_viewer(db_session, proof_id, user)
    bill = await db_session.get(Bill, proof.bill_id)
    name = f"{gettext('proof')}-{bill.number if bill else proof.id}-{proof.id}".replace("/", "-")
    return await file_response(storage, proof.file_key, filename=name)


# --- the treasurer's queue ------------------------------------------------------------------------
class AcceptForm(BaseModel):
    amount: str = ""
    paid_on: str = ""
    method: str = "transfer"


class AcceptIn(Strict):
    amount: Rupiah
    paid_on: date
    method: PaymentMethod


class RefuseForm(BaseModel):
    reason: str = ""
    resubmit: str = ""


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    return await get_expo_by_slug(db_session, slug)


async def _render_queue(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    expo: Expo,
    *,
    notice: str | None = None,
    failed: int | None = None,
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    assert expo.id is not None
    items = await proofs.review_queue(db_session, expo.id, user)
    return page(
        request,
        "billing/proof_queue.html",
        status_code=status_code,
        expo=expo,
        items=items,
        notice=notice,
        failed=failed,
        values=values or {},
        errors=errors or FormErrors(),
        methods=[(m.value, label) for m, label in _method_labels()],
        today=(await proofs.expo_today(db_session, expo.id)).isoformat(),
    )


def _method_labels() -> list[tuple[PaymentMethod, str]]:
    return [(PaymentMethod.TRANSFER, gettext("Bank transfer")), (PaymentMethod.QRIS, gettext("QRIS"))]


@get("/admin/e/{slug:str}/payments/proofs", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def proof_queue(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    expo = await _expo(db_session, slug)
    return await _render_queue(request, db_session, user, expo, notice=proof_notice(msg))


@post(
    "/admin/e/{slug:str}/payments/proofs/{proof_id:int}/accept",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def accept(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    proof_id: FromPath[int],
    data: Annotated[AcceptForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def record() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        form = AcceptIn.model_validate(
            {"amount": typed_rupiah(data.amount), "paid_on": data.paid_on, "method": data.method}
        )
        await proofs.accept_proof(
            db_session, proof_id, expo.id, actor=user, amount=form.amount, paid_on=form.paid_on, method=form.method
        )

    async def again(errors: FormErrors, status: int) -> Template:
        expo = await _expo(db_session, slug)
        values = data.model_dump()
        return await _render_queue(
            request, db_session, user, expo, failed=proof_id, values=values, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        record,
        rerender=again,
        done=f"/admin/e/{slug}/payments/proofs?msg=proof_accepted",
        fields=REVIEW_FIELDS,
        choices={"method"},
    )


@post(
    "/admin/e/{slug:str}/payments/proofs/{proof_id:int}/refuse",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def refuse(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    proof_id: FromPath[int],
    data: Annotated[RefuseForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    resubmit = data.resubmit == "yes"

    async def record() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await proofs.refuse_proof(
            db_session, proof_id, expo.id, actor=user, reason=data.reason[:300], resubmit=resubmit
        )

    async def again(errors: FormErrors, status: int) -> Template:
        expo = await _expo(db_session, slug)
        return await _render_queue(
            request,
            db_session,
            user,
            expo,
            failed=proof_id,
            values=data.model_dump(),
            errors=errors,
            status_code=status,
        )

    code = "proof_resubmit" if resubmit else "proof_rejected"
    return await submit(
        db_session, record, rerender=again, done=f"/admin/e/{slug}/payments/proofs?msg={code}", fields=REVIEW_FIELDS
    )


PAGE_HANDLERS = [send_proof, proof_file, proof_queue, accept, refuse]
