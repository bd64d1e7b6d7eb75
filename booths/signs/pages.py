"""The exhibitor's own booth sign: one page per confirmed booth, on the paper it picks."""

import re
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from booths.signs.draw import render_signs
from booths.signs.service import check_paper, exhibitor_signs, sign_texts
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor
from expo.errors import NotFound
from expo.i18n import current_locale, translate
from expo.public_url import public_base_url
from expo.storage import Storage

Query = FromQuery[Annotated[str, Parameter(max_length=20)]]


def file_part(text: str) -> str:
    """A piece of a download's file name: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", text).strip("-") or "x"


def pdf_response(pdf: bytes, filename: str) -> Response[bytes]:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"},
    )


@get("/my-booking/sign.pdf", include_in_schema=False, guards=[requires_exhibitor])
async def my_sign(
    request: Request[Any, Any, Any],
    *,
    user: NamedDependency[CurrentUser],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
    size: Query = "a4",
    orientation: Query = "portrait",
) -> Response[bytes]:
    paper = check_paper(size, orientation)
    exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
    if exhibitor is None or exhibitor.id is None:
        raise NotFound("There is no exhibitor registration for this account.", code="exhibitor_not_found")
    rows = await exhibitor_signs(db_session, exhibitor)
    locale = current_locale.get()
    texts = await sign_texts(db_session, storage, exhibitor.expo_id, rows, public_base_url(request), locale)
    title = translate("Booth signs", locale=locale)
    pdf = await anyio.to_thread.run_sync(lambda: render_signs(texts, paper.size, paper.orientation, title=title))
    codes = "-".join(file_part(row.booth_code) for row in rows)
    return pdf_response(pdf, f"papan-{codes}-{paper.size}-{paper.orientation}.pdf")


PAGE_HANDLERS = [my_sign]
