"""Downloading invoices and receipts (the exhibitor its own, the treasurer any of the expo's), and the
batch print of every receipt of an expo."""

from typing import Annotated, Any

import anyio.to_thread
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import File
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import documents, receipt_batch
from booths.billing.documents import Signing
from booths.billing.draw import check_size, render_invoice, render_receipt
from booths.billing.images import image_loader
from booths.billing.models import Bill, Payment
from booths.billing.verification import derive_key
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor
from expo.i18n import current_locale
from expo.jobs import Job
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.settings import Settings
from expo.storage import storage_from_settings

Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
Paper = FromQuery[Annotated[str, Parameter(max_length=8, description="A4 or A5")]]


def signing(request: Request[Any, Any, Any], settings: Settings) -> Signing:
    return Signing(key=derive_key(settings.resolved_secret_key()), base_url=public_base_url(request))


def pdf_download(data: bytes, number: str) -> Response[bytes]:
    filename = number.replace("/", "-") + ".pdf"
    return Response(
        content=data,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


class BatchIn(BaseModel):
    size: str = Field(default="A5", max_length=8, description="A4 or A5")


class BatchRead(BaseModel):
    id: int
    status: str
    receipts: int | None = None
    error: str | None = None
    download_url: str | None = None


def batch_read(job: Job) -> BatchRead:
    assert job.id is not None
    result = job.result or {}
    done = str(job.status) == "done"
    url = f"/api/expos/{job.expo_id}/receipts/batches/{job.id}/download" if done else None
    return BatchRead(
        id=job.id,
        status=str(job.status),
        receipts=result.get("receipts"),
        error=job.last_error if str(job.status) == "failed" else None,
        download_url=url,
    )


async def _invoice_pdf(
    request: Request[Any, Any, Any], session: AsyncSession, settings: Settings, bill: Bill, size: str
) -> Response[bytes]:
    paper = check_size(size)
    doc = await documents.invoice_document(
        session, bill, signing(request, settings), current_locale.get(), image_loader(storage_from_settings(settings))
    )
    return pdf_download(await anyio.to_thread.run_sync(render_invoice, doc, paper), doc.number)


async def _receipt_pdf(
    request: Request[Any, Any, Any], session: AsyncSession, settings: Settings, found: tuple[Payment, Bill], size: str
) -> Response[bytes]:
    paper = check_size(size)
    payment, bill = found
    doc = await documents.receipt_document(
        session,
        payment,
        bill,
        signing(request, settings),
        current_locale.get(),
        image_loader(storage_from_settings(settings)),
    )
    return pdf_download(await anyio.to_thread.run_sync(render_receipt, doc, paper), doc.number)


class MyDocumentController(Controller):
    """The exhibitor's own invoices and receipts (another's are not found)."""

    tags = ["billing"]  # noqa: RUF012
    guards = [requires_exhibitor]  # noqa: RUF012

    @get("/api/my/bills/{bill_id:int}/invoice.pdf", summary="My invoice as a PDF (A4 or A5)")
    async def my_invoice(
        self,
        request: Request[Any, Any, Any],
        bill_id: FromPath[Id],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        size: Paper = "A4",
    ) -> Response[bytes]:
        bill = await documents.readable_bill(db_session, bill_id, user, own_only=True)
        return await _invoice_pdf(request, db_session, settings, bill, size)

    @get("/api/my/payments/{payment_id:int}/receipt.pdf", summary="My receipt of one payment as a PDF")
    async def my_receipt(
        self,
        request: Request[Any, Any, Any],
        payment_id: FromPath[Id],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        size: Paper = "A5",
    ) -> Response[bytes]:
        found = await documents.readable_payment(db_session, payment_id, user, own_only=True)
        return await _receipt_pdf(request, db_session, settings, found, size)


class ExpoDocumentController(Controller):
    """Any invoice or receipt of the expo, for the roles that handle payments; every receipt at once."""

    path = "/api/expos/{expo_id:int}"
    tags = ["billing"]  # noqa: RUF012
    guards = [requires(Area.PAYMENTS)]  # noqa: RUF012

    @get("/bills/{bill_id:int}/invoice.pdf", summary="An invoice of the expo as a PDF (A4 or A5)")
    async def invoice(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        bill_id: FromPath[Id],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        size: Paper = "A4",
    ) -> Response[bytes]:
        bill = await documents.readable_bill(db_session, bill_id, user, expo_id=expo_id)
        return await _invoice_pdf(request, db_session, settings, bill, size)

    @get("/payments/{payment_id:int}/receipt.pdf", summary="A receipt of the expo as a PDF (A4 or A5)")
    async def receipt(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        payment_id: FromPath[Id],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        size: Paper = "A5",
    ) -> Response[bytes]:
        found = await documents.readable_payment(db_session, payment_id, user, expo_id=expo_id)
        return await _receipt_pdf(request, db_session, settings, found, size)

    @post("/receipts/batches", status_code=202, summary="Print every receipt of the expo (a background job)")
    async def start_batch(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        data: JSONBody[BatchIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[BatchRead]:
        job_id = await receipt_batch.start(
            db_session, expo_id, user, size=data.size, locale=current_locale.get(), base_url=public_base_url(request)
        )
        await db_session.commit()
        job = await receipt_batch.get_batch(db_session, expo_id, job_id)
        location = f"/api/expos/{expo_id}/receipts/batches/{job_id}"
        return Response(batch_read(job), status_code=202, headers={"Location": location})

    @get("/receipts/batches/{batch_id:int}", summary="Where a receipt batch stands")
    async def batch_status(
        self, expo_id: FromPath[int], batch_id: FromPath[Id], db_session: NamedDependency[AsyncSession]
    ) -> BatchRead:
        return batch_read(await receipt_batch.get_batch(db_session, expo_id, batch_id))

    @get("/receipts/batches/{batch_id:int}/download", summary="A finished receipt batch, one PDF")
    async def batch_download(
        self,
        expo_id: FromPath[int],
        batch_id: FromPath[Id],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> File:
        job = await receipt_batch.get_batch(db_session, expo_id, batch_id)
        path = receipt_batch.batch_file(job, settings)
        return File(path=path, filename=f"receipts-{batch_id}.pdf", media_type="application/pdf")
