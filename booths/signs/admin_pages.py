"""The organisers' booth-sign page (area ``setup``): pick the paper, download one booth's sign, print
every sign in one PDF through the job runner, watch the batches (the page reloads itself while one
runs) and download them."""

from collections.abc import Callable
from typing import Annotated, Any

import anyio.to_thread
from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.jobs.admin_pages import state_label
from booths.signs import jobs as sign_jobs
from booths.signs.draw import ORIENTATIONS, SIZES, render_signs
from booths.signs.pages import Query, file_part, pdf_response
from booths.signs.service import Paper, SignRow, booth_sign, check_paper, sign_rows, sign_texts
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import InvalidInput
from expo.forms import FormBody, FormErrors, submit
from expo.i18n import current_locale, gettext, translate
from expo.jobs import JobState
from expo.paging import PageQuery, SortQuery, natural, paginate
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.settings import Settings
from expo.storage import Storage
from expo.web import page

# The one-booth list's orders: by booth code as people read it (A-2 before A-10), or by exhibitor.
SIGN_ORDERS: dict[str, Callable[[SignRow], Any]] = {
    "booth": lambda row: natural(row.booth_code),
    "exhibitor": lambda row: row.name.casefold(),
}


class BatchForm(BaseModel):
    size: str = "a4"
    orientation: str = "portrait"


def _paper_or_default(size: str, orientation: str) -> Paper:
    """The page's paper choice: a value not offered falls back to A4 portrait (a link, not a form)."""
    try:
        return check_paper(size, orientation)
    except InvalidInput:
        return Paper("a4", "portrait")


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    paper: Paper,
    *,
    list_page: str = "",
    sort: str = "",
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    signs = await sign_rows(db_session, expo.id)
    batches = [
        {
            "id": job.id,
            "status": job.status,
            "status_label": state_label(job.status),
            "size": str(job.payload.get("size", "")).upper(),
            "orientation": str(job.payload.get("orientation", "")),
            "created_at": job.created_at,
            "signs": (job.result or {}).get("signs", 0),
            "ready": job.status == JobState.DONE and bool((job.result or {}).get("file")),
            "failed": job.status in (JobState.FAILED, JobState.CANCELLED),
        }
        for job in await sign_jobs.batches(db_session, expo.id)
    ]
    return page(
        request,
        "admin/signs.html",
        status_code=status_code,
        expo=expo,
        section="signs",
        paper=paper,
        sizes=list(SIZES),
        orientations=ORIENTATIONS,
        listing=paginate(
            signs,
            page=list_page,
            sort=sort,
            orders=SIGN_ORDERS,
            default="booth",
            filters={"size": paper.size, "orientation": paper.orientation},
        ),
        total=len(signs),
        batches=batches,
        pending=any(b["status"] in (JobState.QUEUED, JobState.RUNNING) for b in batches),
        errors=errors or FormErrors(),
        notice=notice,
    )


@get("/admin/e/{slug:str}/signs", include_in_schema=False, guards=[requires(Area.SETUP)])
async def signs_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    size: Query = "a4",
    orientation: Query = "portrait",
    msg: Query = "",
    list_page: PageQuery = "",
    sort: SortQuery = "",
) -> Template:
    notice = gettext("The signs are being printed; this page shows when the PDF is ready.") if msg == "queued" else None
    paper = _paper_or_default(size, orientation)
    return await _render(request, db_session, slug, paper, list_page=list_page, sort=sort, notice=notice)


@post("/admin/e/{slug:str}/signs/batch", include_in_schema=False, guards=[requires(Area.SETUP)])
async def start_batch(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[BatchForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def start() -> Paper:
        paper = check_paper(data.size, data.orientation)
        base = public_base_url(request)
        await sign_jobs.start(db_session, expo_id, user, paper, locale=current_locale.get(), base_url=base)
        return paper

    async def refused(errors: FormErrors, status: int) -> Template:
        paper = _paper_or_default(data.size, data.orientation)
        return await _render(request, db_session, slug, paper, errors=errors, status_code=status)

    return await submit(
        db_session,
        start,
        rerender=refused,
        done=lambda paper: f"/admin/e/{slug}/signs?msg=queued&size={paper.size}&orientation={paper.orientation}",
    )


@get("/admin/e/{slug:str}/signs/booths/{booth_id:int}/sign.pdf", include_in_schema=False, guards=[requires(Area.SETUP)])
async def booth_sign_pdf(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    storage: NamedDependency[Storage],
    size: Query = "a4",
    orientation: Query = "portrait",
) -> Response[bytes]:
    paper = check_paper(size, orientation)
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    row = await booth_sign(db_session, expo.id, booth_id)
    locale = current_locale.get()
    texts = await sign_texts(db_session, storage, expo.id, [row], public_base_url(request), locale)
    title = translate("Booth signs", locale=locale)
    pdf = await anyio.to_thread.run_sync(lambda: render_signs(texts, paper.size, paper.orientation, title=title))
    return pdf_response(pdf, f"papan-{expo.slug}-{file_part(row.booth_code)}-{paper.size}-{paper.orientation}.pdf")


@get("/admin/e/{slug:str}/signs/batch/{job_id:int}/download", include_in_schema=False, guards=[requires(Area.SETUP)])
async def batch_download(
    *,
    slug: FromPath[str],
    job_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> File:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    path = await sign_jobs.batch_file(db_session, settings, expo.id, job_id)
    return File(
        path=path,
        filename=f"papan-{expo.slug}.pdf",
        media_type="application/pdf",
        content_disposition_type="attachment",
    )


PAGE_HANDLERS = [signs_page, start_batch, booth_sign_pdf, batch_download]
