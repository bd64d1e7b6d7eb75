"""The treasurer's pages for printing every receipt of an expo at once: start the batch (from the
payments list), then its page, which reloads itself until the PDF is ready to download."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.billing import receipt_batch
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import current_locale
from expo.jobs import Job
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.web import page


class PrintForm(BaseModel):
    size: str = "A5"


def _page(
    request: Request[Any, Any, Any], expo: Expo, job: Job | None, errors: FormErrors, status_code: int = 200
) -> Template:
    return page(request, "billing/receipt_print.html", status_code=status_code, expo=expo, job=job, errors=errors)


@post("/admin/e/{slug:str}/payments/receipts/print", include_in_schema=False, guards=[requires(Area.PAYMENTS)])
async def start_print(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[PrintForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def start() -> int:
        return await receipt_batch.start(
            db_session, expo_id, user, size=data.size, locale=current_locale.get(), base_url=public_base_url(request)
        )

    async def refused(errors: FormErrors, status: int) -> Template:
        # the rollback expired what was loaded: read the expo again for the page
        return _page(request, await venue.get_expo_by_slug(db_session, slug), None, errors, status)

    return await submit(
        db_session, start, rerender=refused, done=lambda job_id: f"/admin/e/{slug}/payments/receipts/print/{job_id}"
    )


@get(
    "/admin/e/{slug:str}/payments/receipts/print/{batch_id:int}",
    include_in_schema=False,
    guards=[requires(Area.PAYMENTS)],
)
async def print_status(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    batch_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    job = await receipt_batch.get_batch(db_session, expo.id, batch_id)
    return _page(request, expo, job, FormErrors())


PAGE_HANDLERS = [start_print, print_status]
