"""The committee's exhibitor records: the list (search, filters, sort, pages), its XLSX and CSV exports,
and one exhibitor's page with its history and the registration desk's edit form."""

from typing import Annotated, Any
from urllib.parse import urlencode

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.documents.service import summary as document_summary
from booths.exhibitors import records
from booths.exhibitors.export import (
    approval_label,
    audit_action_label,
    booking_action_label,
    booking_state_label,
    field_label,
    payment_state_label,
    records_csv,
    records_xlsx,
    whatsapp_link,
)
from booths.exhibitors.models import Approval, ExhibitorClass
from booths.exhibitors.schemas import ExhibitorUpdate
from booths.labels import notice_text
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.csv_export import csv_response
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import gettext
from expo.permissions import Area
from expo.web import page as render_page

Query = Annotated[str, Parameter(max_length=100)]
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECORD_LABELS = {
    "booking": booking_state_label,
    "payment": payment_state_label,
    "approval": approval_label,
    "whatsapp_link": whatsapp_link,
    "booking_action": booking_action_label,
    "audit_action": audit_action_label,
    "field": field_label,
}


def _query(
    q: str, booking: str, approval: str, exhibitor_class: str, regency: str, sort: str, dir: str
) -> records.RecordQuery:
    return records.RecordQuery.of(
        q=q, booking=booking, approval=approval, exhibitor_class=exhibitor_class, regency=regency, sort=sort, dir=dir
    )


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < len(text) < 7 else 1


@get("/admin/e/{slug:str}/exhibitors", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_exhibitors(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    q: FromQuery[Query] = "",
    booking: FromQuery[Query] = "",
    approval: FromQuery[Query] = "",
    exhibitor_class: FromQuery[Query] = "",
    regency: FromQuery[Query] = "",
    sort: FromQuery[Query] = "",
    dir: FromQuery[Query] = "",
    page: FromQuery[Annotated[str, Parameter(max_length=10)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    query = _query(q, booking, approval, exhibitor_class, regency, sort, dir)
    found = await records.list_records(db_session, expo.id, query, _page_number(page))

    def link(**override: Any) -> str:
        return "?" + urlencode(query.params(**override))

    def sort_link(column: str) -> str:
        descending = query.sort == column and not query.descending
        return link(sort=column, dir="desc" if descending else "", page="")

    return render_page(
        request,
        "admin/exhibitors.html",
        expo=expo,
        found=found,
        query=query,
        filtered=bool(query.params(sort="", dir="")),
        export_query=urlencode(query.params()),
        link=link,
        sort_link=sort_link,
        classes=[c.value for c in ExhibitorClass],
        regencies=await records.regencies(db_session, expo.id),
        booking_states=[s.value for s in records.BookingState],
        approval_states=[s.value for s in records.ApprovalFilter],
        record_label=RECORD_LABELS,
        sort_titles=_sort_titles(),
    )


def _sort_titles() -> dict[str, str]:
    return {
        "action": gettext("Needs action first"),
        "name": gettext("Business"),
        "owner": gettext("Owner"),
        "nib": gettext("NIB"),
        "class": gettext("Class"),
        "regency": gettext("Regency / city"),
        "pesantren": gettext("Pesantren"),
        "whatsapp": gettext("WhatsApp"),
        "email": gettext("E-mail"),
        "booth": gettext("Booths"),
        "booking": gettext("Booking"),
        "payment": gettext("Payment"),
        "passes": gettext("Staff passes"),
        "approval": gettext("Approval"),
        "created": gettext("Signed up"),
    }


async def _export_rows(
    db_session: AsyncSession, slug: str, query: records.RecordQuery
) -> tuple[list[records.RecordRow], str]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    return await records.export_records(db_session, expo.id, query), expo.timezone


@get("/admin/e/{slug:str}/exhibitors.xlsx", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_exhibitors_xlsx(
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    q: FromQuery[Query] = "",
    booking: FromQuery[Query] = "",
    approval: FromQuery[Query] = "",
    exhibitor_class: FromQuery[Query] = "",
    regency: FromQuery[Query] = "",
    sort: FromQuery[Query] = "",
    dir: FromQuery[Query] = "",
) -> Response[bytes]:
    query = _query(q, booking, approval, exhibitor_class, regency, sort, dir)
    rows, timezone = await _export_rows(db_session, slug, query)
    # Building the workbook is CPU work (thousands of rows): off the event loop (the locale goes along).
    body = await anyio.to_thread.run_sync(records_xlsx, rows, timezone, gettext("Exhibitors"))
    disposition = f'attachment; filename="exhibitors-{slug}.xlsx"'
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": disposition})


@get("/admin/e/{slug:str}/exhibitors.csv", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_exhibitors_csv(
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    q: FromQuery[Query] = "",
    booking: FromQuery[Query] = "",
    approval: FromQuery[Query] = "",
    exhibitor_class: FromQuery[Query] = "",
    regency: FromQuery[Query] = "",
    sort: FromQuery[Query] = "",
    dir: FromQuery[Query] = "",
) -> Response[str]:
    query = _query(q, booking, approval, exhibitor_class, regency, sort, dir)
    rows, timezone = await _export_rows(db_session, slug, query)
    return csv_response(records_csv(rows, timezone), f"exhibitors-{slug}.csv")


# --- one exhibitor -------------------------------------------------------------------------------
class EditForm(BaseModel):
    name: str = ""
    exhibitor_class: str = ""
    nib: str = ""
    pesantren_name: str = ""
    regency: str = ""
    contact_name: str = ""
    whatsapp: str = ""
    email: str = ""
    cluster: str = ""
    description: str = ""
    accept_unusual_nib: str = ""


EDIT_FIELDS = set(EditForm.model_fields)


async def _render_record(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    exhibitor_id: int,
    *,
    form: EditForm | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    found = await records.exhibitor_record(db_session, expo.id, exhibitor_id)
    current = {name: getattr(found.exhibitor, name) or "" for name in records.EDITABLE}
    documents = await document_summary(db_session, found.exhibitor)
    values = form.model_dump() if form is not None else current
    return render_page(
        request,
        "admin/exhibitor.html",
        status_code=status_code,
        expo=expo,
        record=found,
        e=found.exhibitor,
        form=values,
        errors=errors or FormErrors(),
        notice=notice,
        classes=[c.value for c in ExhibitorClass],
        clusters=await venue.list_clusters(db_session, expo.id),
        pending=Approval.PENDING.value,
        record_label=RECORD_LABELS,
        documents=documents,
    )


@get("/admin/e/{slug:str}/exhibitors/{exhibitor_id:int}", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_exhibitor(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    notice = gettext("The record is saved.") if msg == "saved" else notice_text(msg)
    return await _render_record(request, db_session, slug, exhibitor_id, notice=notice)


@post("/admin/e/{slug:str}/exhibitors/{exhibitor_id:int}", include_in_schema=False, guards=[requires(Area.EXHIBITORS)])
async def admin_edit_exhibitor(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    data: Annotated[EditForm, FormBody],
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def edit() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        values: dict[str, Any] = data.model_dump(exclude={"accept_unusual_nib"})
        for optional in ("pesantren_name", "cluster"):
            values[optional] = values[optional].strip() or None
        values["accept_unusual_nib"] = bool(data.accept_unusual_nib)
        await records.edit_record(db_session, expo.id, exhibitor_id, ExhibitorUpdate.model_validate(values), user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_record(
            request, db_session, slug, exhibitor_id, form=data, errors=errors, status_code=status
        )

    return await submit(
        db_session,
        edit,
        rerender=again,
        done=f"/admin/e/{slug}/exhibitors/{exhibitor_id}?msg=saved",
        fields=EDIT_FIELDS,
        choices={"exhibitor_class", "cluster"},
    )


PAGE_HANDLERS = [admin_exhibitors, admin_exhibitors_xlsx, admin_exhibitors_csv, admin_exhibitor, admin_edit_exhibitor]
