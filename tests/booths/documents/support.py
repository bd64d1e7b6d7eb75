"""What the documents' tests share: real files (a PDF made with reportlab, a phone photo) and the
exhibitor's upload as a browser sends it."""

import io
from datetime import date

import httpx
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image
from reportlab.pdfgen import canvas
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.documents.models import ExhibitorDocument
from tests.support.factories import bearer

Client = AsyncTestClient[Litestar]


def pdf(text: str = "Nomor Induk Berusaha") -> bytes:
    out = io.BytesIO()
    sheet = canvas.Canvas(out, invariant=True)  # the same bytes every time: tests compare them
    sheet.drawString(72, 720, text)
    sheet.showPage()
    sheet.save()
    return out.getvalue()


def photo(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 150)).save(out, format="JPEG")
    return out.getvalue()


async def send(
    client: Client,
    token: str,
    *,
    kind: str = "nib",
    number: str = "",
    issued_on: date | None = None,
    expires_on: date | None = None,
    file: bytes | None = None,
    name: str = "nib.pdf",
    content_type: str = "application/pdf",
) -> httpx.Response:
    data = {
        "kind": kind,
        "number": number,
        "issued_on": issued_on.isoformat() if issued_on else "",
        "expires_on": expires_on.isoformat() if expires_on else "",
    }
    files = {"file": (name, pdf() if file is None else file, content_type)}
    return await client.post("/my-documents", data=data, files=files, headers=bearer(token), follow_redirects=False)


async def documents_of(session: AsyncSession, exhibitor_id: int) -> list[ExhibitorDocument]:
    stmt = (
        sa.select(ExhibitorDocument)
        .where(col(ExhibitorDocument.exhibitor_id) == exhibitor_id)
        .order_by(col(ExhibitorDocument.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())
