"""The exhibitor's leads (built for a phone): the list with notes and exports, the scanner page, and
the small JSON endpoint the scanner posts each code to. Every route acts for the exhibitor of the
logged-in account only; a lead id of another exhibitor answers "not found"."""

from typing import Annotated, Any

import anyio
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import Template
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.models import Exhibitor
from booths.exhibitors.service import exhibitor_of_user
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.csv_export import csv_response
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.settings import Settings
from expo.web import page
from tickets.leads import service as leads
from tickets.leads.export import XLSX_MEDIA_TYPE, leads_csv, leads_xlsx
from tickets.leads.schemas import ScanIn, ScanOut
from tickets.signing.keys import load_keys

Msg = Annotated[str, Parameter(max_length=16)]


class NoteForm(BaseModel):
    note: str = Field(default="", max_length=4000)


def _notice(code: str) -> str | None:
    return {
        "note": gettext("The note is saved."),
        "deleted": gettext("The lead is deleted."),
    }.get(code)


async def _exhibitor(db_session: AsyncSession, user: CurrentUser) -> Exhibitor:
    exhibitor = await exhibitor_of_user(db_session, user.id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
    return exhibitor


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    user: CurrentUser,
    *,
    notice: str | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    # Read here, not passed in: after a refused form the session was rolled back and earlier objects expired.
    exhibitor = await exhibitor_of_user(db_session, user.id)
    context: dict[str, Any] = {"exhibitor": exhibitor, "expo": None, "leads": [], "can_scan": False}
    if exhibitor is not None and exhibitor.id is not None:
        rows = await leads.lead_rows(db_session, exhibitor.id)
        context |= {
            "expo": await get_expo(db_session, exhibitor.expo_id),
            "leads": rows,
            "with_contact": sum(1 for r in rows if r.shares_contact),
            "can_scan": await leads.has_stand(db_session, exhibitor.id),
        }
    return page(
        request,
        "leads/my_leads.html",
        status_code=status_code,
        notice=notice,
        errors=errors or FormErrors(),
        note_max=leads.NOTE_MAX,
        **context,
    )


@get("/my-leads", include_in_schema=False, guards=[requires_exhibitor])
async def my_leads(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Msg] = "",
) -> Template:
    return await _render(request, db_session, user, notice=_notice(msg))


def scan_texts() -> dict[str, str]:
    """The scanner page's words, translated here and handed to its script as data."""
    return {
        "saved": gettext("Lead saved"),
        "again": gettext("Already saved"),
        "refused": gettext("Not saved"),
        "with_contact": gettext("With the contact the visitor agreed to share."),
        "without_contact": gettext("Saved without contact: this visitor did not agree to share it."),
        "offline": gettext("No connection. Try again when the phone is online."),
        "camera_failed": gettext("The camera could not be opened; type the code printed under the QR code."),
        "unknown": gettext("Something went wrong; try again."),
    }


@get("/my-leads/scan", include_in_schema=False, guards=[requires_exhibitor])
async def my_leads_scan(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    exhibitor = await exhibitor_of_user(db_session, user.id)
    can_scan = exhibitor is not None and exhibitor.id is not None and await leads.has_stand(db_session, exhibitor.id)
    expo = await get_expo(db_session, exhibitor.expo_id) if exhibitor is not None else None
    return page(request, "leads/scan.html", exhibitor=exhibitor, expo=expo, can_scan=can_scan, texts=scan_texts())


@post("/api/my/leads", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_leads_save(
    *,
    data: JSONBody[ScanIn],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> ScanOut:
    """Save the pass the text names as a lead; a refusal is a problem answer with its code and message."""
    exhibitor = await _exhibitor(db_session, user)
    assert exhibitor.id is not None
    saved = await leads.save_lead(db_session, exhibitor.id, data.text, load_keys(settings.signing_key_file), user)
    await db_session.commit()
    return ScanOut(
        lead_id=saved.lead.id,
        new=saved.new,
        name=saved.lead.name,
        organisation=saved.lead.organisation,
        with_contact=saved.lead.shares_contact,
    )


@post("/my-leads/{lead_id:int}/note", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_leads_note(
    request: Request[Any, Any, Any],
    *,
    lead_id: FromPath[int],
    data: Annotated[NoteForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    exhibitor = await _exhibitor(db_session, user)
    assert exhibitor.id is not None
    exhibitor_id = exhibitor.id

    async def save() -> None:
        await leads.set_note(db_session, exhibitor_id, lead_id, data.note)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, user, errors=errors, status_code=status)

    return await submit(db_session, save, rerender=again, done=f"/my-leads?msg=note#lead-{lead_id}")


@post("/my-leads/{lead_id:int}/delete", include_in_schema=False, status_code=200, guards=[requires_exhibitor])
async def my_leads_delete(
    request: Request[Any, Any, Any],
    *,
    lead_id: FromPath[int],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    exhibitor = await _exhibitor(db_session, user)
    assert exhibitor.id is not None
    exhibitor_id = exhibitor.id

    async def delete() -> None:
        await leads.delete_lead(db_session, exhibitor_id, lead_id)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(request, db_session, user, errors=errors, status_code=status)

    return await submit(db_session, delete, rerender=again, done="/my-leads?msg=deleted")


async def _export(db_session: AsyncSession, user: CurrentUser) -> tuple[list[leads.LeadRow], str]:
    exhibitor = await _exhibitor(db_session, user)
    assert exhibitor.id is not None
    expo = await get_expo(db_session, exhibitor.expo_id)
    return await leads.lead_rows(db_session, exhibitor.id), expo.timezone


# The exports are the exhibitor's own leads and nothing else: no id in the path, no filter to abuse.
@get("/my-leads.csv", include_in_schema=False, guards=[requires_exhibitor])
async def my_leads_csv(
    *, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
) -> Response[str]:
    rows, timezone = await _export(db_session, user)
    response = csv_response(leads_csv(rows, timezone), "leads.csv")
    response.headers["Cache-Control"] = "no-store"  # contacts of people: not kept by any cache
    return response


@get("/my-leads.xlsx", include_in_schema=False, guards=[requires_exhibitor])
async def my_leads_xlsx(
    *, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
) -> Response[bytes]:
    rows, timezone = await _export(db_session, user)
    body = await anyio.to_thread.run_sync(leads_xlsx, rows, timezone)
    headers = {"Content-Disposition": 'attachment; filename="leads.xlsx"', "Cache-Control": "no-store"}
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers=headers)


PAGE_HANDLERS = [
    my_leads,
    my_leads_scan,
    my_leads_save,
    my_leads_note,
    my_leads_delete,
    my_leads_csv,
    my_leads_xlsx,
]
