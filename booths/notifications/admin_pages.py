"""The organisers' message settings of an expo: which kinds of message it sends, and its contact line."""

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.notifications.service import MAX_CONTACT, message_settings, update_message_settings
from booths.venue import service as venue
from expo.auth import requires_organiser
from expo.forms import FormErrors, submit
from expo.i18n import N_, gettext
from expo.message_kinds import EXPO_KINDS, MessageKind
from expo.web import page

KIND_LABELS = {
    MessageKind.HOLD_PLACED: N_("A booth is held (with how to pay)"),
    MessageKind.HOLD_LAPSING: N_(
        "Before a hold runs out (10 minutes before; a day before when the hold lasts two days or more)"
    ),
    MessageKind.BOOKING_CONFIRMED: N_("Booking confirmed"),
    MessageKind.BOOKING_MOVED: N_("Booking moved to another booth"),
    MessageKind.BOOKING_CANCELLED: N_("Booking cancelled"),
    MessageKind.WAITLIST_OFFER: N_("A booth offered from the waiting list, with its deadline"),
    MessageKind.ALLOCATION_RESULT: N_("Result of the booth allocation"),
    MessageKind.PASSES_READY: N_("Staff passes ready"),
    MessageKind.EXPO_TOMORROW: N_("The day before the expo: hours, gate, map"),
    MessageKind.COMMITTEE_INVITATION: N_("Invitation to the committee"),
    MessageKind.HOLD_LAPSED: N_("The payment deadline passed and the booth is free again"),
    MessageKind.PAYMENT_RECEIVED: N_("Payment received, with the receipt"),
    MessageKind.PROOF_REJECTED: N_("A proof of transfer was refused or a new one is needed"),
    MessageKind.SALES_REMINDER: N_("The evening of each expo day: a reminder to enter the day's sales"),
    MessageKind.DOCUMENT_RETURNED: N_("A document was rejected by the desk or is needed again"),
}


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    enabled: set[str],
    contact: str,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    kinds = [{"value": k.value, "label": gettext(KIND_LABELS[k]), "on": k.value in enabled} for k in EXPO_KINDS]
    return page(
        request,
        "admin/message_settings.html",
        status_code=status_code,
        expo=expo,
        section="message_settings",
        kinds=kinds,
        contact=contact,
        max_contact=MAX_CONTACT,
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/messages/settings", include_in_schema=False, guards=[requires_organiser])
async def message_settings_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[str] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    setting = await message_settings(db_session, expo.id)
    enabled = {k.value for k in EXPO_KINDS if k.value not in setting.disabled}
    notice = gettext("The message settings are saved.") if msg == "saved" else None
    return await _render(request, db_session, slug, enabled=enabled, contact=setting.contact, notice=notice)


@post("/admin/e/{slug:str}/messages/settings", include_in_schema=False, guards=[requires_organiser])
async def message_settings_submit(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id
    form = await request.form()
    enabled = {str(v)[:64] for v in form.getall("enabled")} if "enabled" in form else set()
    contact = str(form.get("contact", ""))[:1000]

    async def save() -> None:
        await update_message_settings(db_session, expo_id, enabled=enabled, contact=contact)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(
            request, db_session, slug, enabled=enabled, contact=contact, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        save,
        rerender=again,
        done=f"/admin/e/{slug}/messages/settings?msg=saved",
        fields={"contact", "enabled"},
    )


PAGE_HANDLERS = [message_settings_page, message_settings_submit]
