"""API for managing passes: kinds, issuing, staff passes, rename/revoke/reissue, PDFs and batch printing."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.response import File
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.service import exhibitor_of_user, get_exhibitor
from booths.venue.service import get_expo
from expo.accounts import CurrentUser
from expo.auth import requires_exhibitor_or_organiser, requires_organiser
from expo.i18n import current_locale
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import read_upload
from tickets.passes import issuing, jobs, kinds, rendering
from tickets.passes import service as passes
from tickets.passes.models import ExpoPass, PassStatus
from tickets.passes.pass_csv import import_passes
from tickets.passes.schemas import (
    BatchRequest,
    ImportResult,
    JobRead,
    PassCreate,
    PassEventRead,
    PassKindCreate,
    PassKindRead,
    PassKindUpdate,
    PassRead,
    PassUpdate,
    PassWithToken,
    QuotaIn,
    RevokeIn,
    StaffPassCreate,
    StaffQuotaRead,
)
from tickets.signing.keys import load_keys

Id = Annotated[int, Parameter(ge=1, le=2**31 - 1)]
ShortText = Annotated[str, Parameter(max_length=100)]


def download(data: bytes, media_type: str, filename: str, inline: bool = False) -> Response[bytes]:
    disposition = "inline" if inline else "attachment"
    return Response(
        content=data,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"', "Cache-Control": "no-store"},
    )


async def with_token(session: AsyncSession, pass_id: int, settings: Settings) -> PassWithToken:
    return await passes.read_pass(session, pass_id, load_keys(settings.signing_key_file))


def file_stem(pass_: ExpoPass) -> str:
    return f"pass-{pass_.code}"


class PassController(Controller):
    tags = ["passes"]  # noqa: RUF012

    @get("/api/expos/{expo_id:int}/pass-kinds", summary="Pass kinds with their colours, days and hours")
    async def list_kinds(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> list[PassKindRead]:
        await get_expo(db_session, expo_id)
        rows = await kinds.ensure_kinds(db_session, expo_id)
        await db_session.commit()
        return [kinds.kind_read(k) for k in rows]

    # --- organiser: kinds, passes, import, quotas --------------------------------------------------
    @post("/api/expos/{expo_id:int}/pass-kinds", guards=[requires_organiser], status_code=201)
    async def create_kind(
        self, expo_id: FromPath[int], data: JSONBody[PassKindCreate], db_session: NamedDependency[AsyncSession]
    ) -> PassKindRead:
        kind = await kinds.create_kind(db_session, expo_id, data)
        await db_session.commit()
        return kinds.kind_read(kind)

    @patch("/api/expos/{expo_id:int}/pass-kinds/{code:str}", guards=[requires_organiser])
    async def update_kind(
        self,
        expo_id: FromPath[int],
        code: FromPath[str],
        data: JSONBody[PassKindUpdate],
        db_session: NamedDependency[AsyncSession],
    ) -> PassKindRead:
        kind = await kinds.update_kind(db_session, expo_id, code[:24], data)
        await db_session.commit()
        return kinds.kind_read(kind)

    @post(
        "/api/expos/{expo_id:int}/passes",
        guards=[requires_organiser],
        status_code=201,
        summary="Issue one pass (staff passes name the exhibitor and count against its quota)",
    )
    async def create_pass(
        self,
        expo_id: FromPath[int],
        data: JSONBody[PassCreate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        pass_ = await issuing.create_pass(db_session, expo_id, data, user)
        await db_session.commit()
        assert pass_.id is not None
        return await with_token(db_session, pass_.id, settings)

    @post(
        "/api/expos/{expo_id:int}/passes/import",
        guards=[requires_organiser],
        status_code=201,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        summary="Issue passes of one kind from a CSV of names (all rows or none)",
    )
    async def import_csv(
        self,
        expo_id: FromPath[int],
        request: Request[Any, Any, Any],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        kind: FromQuery[Annotated[str, Parameter(max_length=24)]] = "committee",
    ) -> ImportResult:
        raw = await read_upload(request, settings.max_csv_bytes)
        result = await import_passes(db_session, expo_id, kind, raw, user)
        await db_session.commit()
        return result

    @put(
        "/api/bookings/{booking_id:int}/staff-quota",
        guards=[requires_organiser],
        summary="Set how many staff passes a booking gets (instead of its package's number)",
    )
    async def set_quota(
        self,
        booking_id: FromPath[int],
        data: JSONBody[QuotaIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> StaffQuotaRead:
        result = await issuing.set_staff_quota(db_session, booking_id, data.quota, user)
        await db_session.commit()
        return result

    # --- passes: organisers all, exhibitors their staff's ------------------------------------------
    @get(
        "/api/expos/{expo_id:int}/passes",
        guards=[requires_exhibitor_or_organiser],
        summary="Passes (organisers: all, searchable; exhibitors: their staff's)",
    )
    async def list_passes(
        self,
        expo_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        kind: FromQuery[Annotated[str | None, Parameter(max_length=24)]] = None,
        status: FromQuery[PassStatus | None] = None,
        q: FromQuery[Annotated[str | None, Parameter(max_length=100, pattern=r"^[^\x00-\x1f\x7f]*$")]] = None,
        exhibitor_id: FromQuery[Id | None] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=1000)]] = 500,
        offset: FromQuery[Annotated[int, Parameter(ge=0, le=10_000_000)]] = 0,
    ) -> list[PassRead]:
        await get_expo(db_session, expo_id)
        if not user.is_organiser:
            own = await exhibitor_of_user(db_session, user.id, expo_id)
            if own is None:
                return []
            exhibitor_id = own.id
        return await passes.list_passes(
            db_session, expo_id, kind=kind, status=status, q=q, exhibitor_id=exhibitor_id, limit=limit, offset=offset
        )

    @get("/api/exhibitors/{exhibitor_id:int}/staff-quotas", guards=[requires_exhibitor_or_organiser])
    async def staff_quotas(
        self, exhibitor_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> list[StaffQuotaRead]:
        await get_exhibitor(db_session, exhibitor_id, user)
        return await issuing.staff_quotas(db_session, exhibitor_id)

    @post(
        "/api/exhibitors/{exhibitor_id:int}/staff-passes",
        guards=[requires_exhibitor_or_organiser],
        status_code=201,
        summary="Name a staff member: a pass for a confirmed booking, within its quota",
    )
    async def create_staff_pass(
        self,
        exhibitor_id: FromPath[int],
        data: JSONBody[StaffPassCreate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        await get_exhibitor(db_session, exhibitor_id, user)
        pass_ = await issuing.create_staff_pass(db_session, exhibitor_id, data, user)
        await db_session.commit()
        assert pass_.id is not None
        return await with_token(db_session, pass_.id, settings)

    @get("/api/passes/{pass_id:int}", guards=[requires_exhibitor_or_organiser])
    async def get_pass(
        self,
        pass_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        await passes.get_pass(db_session, pass_id, user)
        return await with_token(db_session, pass_id, settings)

    @patch("/api/passes/{pass_id:int}", guards=[requires_exhibitor_or_organiser], summary="Rename a pass")
    async def update_pass(
        self,
        pass_id: FromPath[int],
        data: JSONBody[PassUpdate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        await passes.update_pass(db_session, pass_id, data, user)
        await db_session.commit()
        return await with_token(db_session, pass_id, settings)

    @post("/api/passes/{pass_id:int}/revoke", guards=[requires_exhibitor_or_organiser], status_code=200)
    async def revoke(
        self,
        pass_id: FromPath[int],
        data: JSONBody[RevokeIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        await passes.revoke_pass(db_session, pass_id, user, data.reason)
        await db_session.commit()
        return await with_token(db_session, pass_id, settings)

    @post(
        "/api/passes/{pass_id:int}/reissue",
        guards=[requires_exhibitor_or_organiser],
        status_code=200,
        summary="New token and code for a lost pass; the old token is revoked",
    )
    async def reissue(
        self,
        pass_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> PassWithToken:
        await passes.reissue_pass(db_session, pass_id, user)
        await db_session.commit()
        return await with_token(db_session, pass_id, settings)

    @get("/api/passes/{pass_id:int}/history", guards=[requires_exhibitor_or_organiser])
    async def history(
        self, pass_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> list[PassEventRead]:
        return await passes.pass_history(db_session, pass_id, user)

    @get("/api/passes/{pass_id:int}/pass.pdf", guards=[requires_exhibitor_or_organiser], summary="One pass, A6 PDF")
    async def pass_pdf(
        self,
        pass_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        pass_ = await passes.get_pass(db_session, pass_id, user)
        data = await rendering.pass_pdf(db_session, pass_, load_keys(settings.signing_key_file), current_locale.get())
        return download(data, "application/pdf", f"{file_stem(pass_)}.pdf")

    @get("/api/passes/{pass_id:int}/pass.png", guards=[requires_exhibitor_or_organiser], summary="One pass, PNG")
    async def pass_png(
        self,
        pass_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Response[bytes]:
        pass_ = await passes.get_pass(db_session, pass_id, user)
        data = await rendering.pass_png(db_session, pass_, load_keys(settings.signing_key_file), current_locale.get())
        return download(data, "image/png", f"{file_stem(pass_)}.png")

    # --- batches -------------------------------------------------------------------------------
    @post(
        "/api/expos/{expo_id:int}/pass-batches",
        guards=[requires_exhibitor_or_organiser],
        status_code=200,
        summary="Print passes four to a sheet: a PDF at once when small, else a background job (202)",
    )
    async def create_batch(
        self,
        expo_id: FromPath[int],
        data: JSONBody[BatchRequest],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> Response[Any]:
        await get_expo(db_session, expo_id)
        ids = await jobs.select_pass_ids(db_session, expo_id, data, user)
        if len(ids) <= settings.pass_batch_sync_limit and not data.background:
            pdf_bytes = await jobs.render_now(db_session, settings, expo_id, ids, data.paper, current_locale.get())
            return download(pdf_bytes, "application/pdf", f"passes-{data.paper}.pdf")
        job = await jobs.create_job(db_session, expo_id, ids, data.paper, user, current_locale.get())
        await db_session.commit()
        assert job.id is not None
        return Response(jobs.job_read(job), status_code=202, headers={"Location": f"/api/pass-batches/{job.id}"})

    @get("/api/expos/{expo_id:int}/pass-batches", guards=[requires_exhibitor_or_organiser])
    async def list_batches(
        self, expo_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> list[JobRead]:
        await get_expo(db_session, expo_id)
        return [jobs.job_read(j) for j in await jobs.list_jobs(db_session, expo_id, user)]

    @get("/api/pass-batches/{job_id:int}", guards=[requires_exhibitor_or_organiser], summary="A print job's status")
    async def get_batch(
        self, job_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> JobRead:
        return jobs.job_read(await jobs.get_job(db_session, job_id, user))

    @get("/api/pass-batches/{job_id:int}/download", guards=[requires_exhibitor_or_organiser])
    async def download_batch(
        self,
        job_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
    ) -> File:
        job = await jobs.get_job(db_session, job_id, user)
        return File(path=jobs.job_file(job, settings), filename=f"passes-{job_id}.pdf", media_type="application/pdf")
