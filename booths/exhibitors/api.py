"""API for exhibitors: self sign-up (public, rate limited), own record, organiser management."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import approval
from booths.exhibitors import service as exhibitors
from booths.exhibitors.models import ExhibitorClass
from booths.exhibitors.schemas import (
    ApprovalIn,
    ExhibitorCreate,
    ExhibitorRead,
    ExhibitorSignup,
    ExhibitorUpdate,
    SignupResult,
)
from booths.fields import CLUSTER_QUERY, NO_NUL
from expo.account_links import LinkSettings
from expo.accounts import CurrentUser, start_session
from expo.auth import requires, requires_exhibitor, requires_exhibitor_or_organiser
from expo.auth_api import session_cookie
from expo.errors import NotFound
from expo.i18n import current_locale
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.security import Passwords
from expo.settings import Settings


class ExhibitorController(Controller):
    tags = ["exhibitors"]  # noqa: RUF012

    @post("/api/expos/{expo_id:int}/exhibitors/signup", opt={"rate_limit": "signup"}, summary="Exhibitor self sign-up")
    async def sign_up(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        data: JSONBody[ExhibitorSignup],
        db_session: NamedDependency[AsyncSession],
        passwords: NamedDependency[Passwords],
        settings: NamedDependency[Settings],
    ) -> Response[SignupResult]:
        links = LinkSettings.of(settings, public_base_url(request))
        exhibitor, user = await exhibitors.sign_up(
            db_session, passwords, expo_id, data, links, language=current_locale.get()
        )
        token = await start_session(db_session, user, settings.session_days)
        await db_session.commit()
        body = SignupResult(exhibitor=exhibitors.exhibitor_read(exhibitor), token=token)
        return Response(body, status_code=201, cookies=[session_cookie(token, settings)])

    @get("/api/expos/{expo_id:int}/exhibitors", guards=[requires(Area.EXHIBITORS)])
    async def list_exhibitors(
        self,
        *,
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        q: FromQuery[Annotated[str | None, Parameter(max_length=100, pattern=NO_NUL)]] = None,
        exhibitor_class: FromQuery[ExhibitorClass | None] = None,
        cluster: FromQuery[Annotated[str | None, Parameter(max_length=32, pattern=CLUSTER_QUERY)]] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=1000)]] = 500,
        offset: FromQuery[Annotated[int, Parameter(ge=0)]] = 0,
    ) -> list[ExhibitorRead]:
        rows = await exhibitors.list_exhibitors(
            db_session, expo_id, q=q, exhibitor_class=exhibitor_class, cluster=cluster, limit=limit, offset=offset
        )
        return await exhibitors.exhibitor_reads(db_session, rows)

    @post("/api/expos/{expo_id:int}/exhibitors", guards=[requires(Area.EXHIBITORS)])
    async def create_exhibitor(
        self, expo_id: FromPath[int], data: JSONBody[ExhibitorCreate], db_session: NamedDependency[AsyncSession]
    ) -> ExhibitorRead:
        exhibitor = await exhibitors.create_exhibitor(db_session, expo_id, data)
        await db_session.commit()
        return await exhibitors.read_exhibitor(db_session, exhibitor)

    @get("/api/exhibitors/me", guards=[requires_exhibitor], summary="The logged-in exhibitor's own record")
    async def me(self, user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]) -> ExhibitorRead:
        exhibitor = await exhibitors.exhibitor_of_user(db_session, user.id)
        if exhibitor is None:
            raise NotFound("No exhibitor record for this account.", code="exhibitor_not_found")
        return await exhibitors.read_exhibitor(db_session, exhibitor)

    @get("/api/exhibitors/{exhibitor_id:int}", guards=[requires_exhibitor_or_organiser])
    async def get_exhibitor(
        self, exhibitor_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> ExhibitorRead:
        return await exhibitors.read_exhibitor(
            db_session, await exhibitors.get_exhibitor(db_session, exhibitor_id, user)
        )

    @patch("/api/exhibitors/{exhibitor_id:int}", guards=[requires_exhibitor_or_organiser])
    async def update_exhibitor(
        self,
        exhibitor_id: FromPath[int],
        data: JSONBody[ExhibitorUpdate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ExhibitorRead:
        exhibitor = await exhibitors.update_exhibitor(db_session, exhibitor_id, data, user)
        await db_session.commit()
        return await exhibitors.read_exhibitor(db_session, exhibitor)

    @post(
        "/api/exhibitors/{exhibitor_id:int}/approval",
        guards=[requires(Area.EXHIBITORS)],
        status_code=200,
        summary="Approve or reject the exhibitor's class (which makes a stand free or cheaper)",
    )
    async def decide_approval(
        self,
        exhibitor_id: FromPath[int],
        data: JSONBody[ApprovalIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ExhibitorRead:
        exhibitor = await approval.decide(db_session, exhibitor_id, approval.Decision(data.decision), user, data.note)
        await db_session.commit()
        return await exhibitors.read_exhibitor(db_session, exhibitor)

    @get(
        "/api/expos/{expo_id:int}/exhibitors/awaiting-approval",
        guards=[requires(Area.EXHIBITORS)],
        summary="Exhibitors whose class would get a cheaper stand, waiting for the organiser's approval",
    )
    async def awaiting_approval(
        self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> list[ExhibitorRead]:
        return await exhibitors.exhibitor_reads(db_session, await approval.awaiting_approval(db_session, expo_id))
