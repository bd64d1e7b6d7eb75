"""API for booth applications, allocation runs (dry run, commit), waiting-list offers and shared stands."""

from typing import Annotated

from litestar import Controller, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.allocation import inputs as allocation_inputs
from booths.allocation import service as allocation_runs
from booths.allocation.models import RunStatus
from booths.allocation.views import explanation_of, explanation_read, run_read, run_summary
from booths.applications import service as applications
from booths.applications import shared_stands, waitlist
from booths.applications.models import ApplicationStatus, OfferStatus
from booths.applications.schemas import (
    AllocationSettingsIn,
    AllocationSettingsRead,
    ApplicationCreate,
    ApplicationIn,
    ApplicationRead,
    BoothAllocationIn,
    CoExhibitorIn,
    CommitRead,
    DecisionIn,
    DryRunIn,
    ExplanationRead,
    OfferRead,
    RunRead,
    RunSummary,
    SharedStandRead,
)
from booths.bookings import service as bookings
from booths.bookings.schemas import BookingRead
from booths.exhibitors.service import exhibitor_of_user
from booths.fields import ShortCode
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor_or_organiser
from expo.errors import NotFound
from expo.permissions import Area

ShortText = Annotated[str | None, Parameter(max_length=100)]


class ApplicationController(Controller):
    tags = ["applications"]  # noqa: RUF012

    @get("/api/expos/{expo_id:int}/allocation/settings", summary="The application window and allocation rules (public)")
    async def get_settings(
        self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> AllocationSettingsRead:
        await venue.get_expo(db_session, expo_id)
        return applications.settings_read(await applications.get_settings(db_session, expo_id))

    @put("/api/expos/{expo_id:int}/allocation/settings", guards=[requires(Area.SETUP)])
    async def put_settings(
        self, expo_id: FromPath[int], data: JSONBody[AllocationSettingsIn], db_session: NamedDependency[AsyncSession]
    ) -> AllocationSettingsRead:
        setting = await applications.update_settings(db_session, expo_id, data)
        await db_session.commit()
        return applications.settings_read(setting)

    @put(
        "/api/booths/{booth_id:int}/allocation",
        guards=[requires(Area.EXHIBITORS)],
        summary="Override a booth's position score, access, room",
    )
    async def put_booth_allocation(
        self, booth_id: FromPath[int], data: JSONBody[BoothAllocationIn], db_session: NamedDependency[AsyncSession]
    ) -> BoothAllocationIn:
        row = await applications.set_booth_allocation(db_session, booth_id, data)
        await db_session.commit()
        return BoothAllocationIn(position_score=row.position_score, accessible=row.accessible, capacity=row.capacity)

    @post(
        "/api/expos/{expo_id:int}/applications",
        guards=[requires_exhibitor_or_organiser],
        status_code=201,
        summary="Apply for a booth (exhibitors during the window; organisers for an exhibitor, any time)",
    )
    async def apply(
        self,
        expo_id: FromPath[int],
        data: JSONBody[ApplicationCreate],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.submit_application(db_session, expo_id, data, user)
        await db_session.commit()
        return await applications.read_application(db_session, application)

    @get(
        "/api/expos/{expo_id:int}/applications",
        guards=[requires_exhibitor_or_organiser],
        summary="Applications (organisers: all, filterable; exhibitors: their own)",
    )
    async def list_applications(
        self,
        expo_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        status: FromQuery[ApplicationStatus | None] = None,
        cluster: FromQuery[ShortCode | None] = None,
        exhibitor_class: FromQuery[Annotated[str | None, Parameter(max_length=16)]] = None,
        q: FromQuery[ShortText] = None,
    ) -> list[ApplicationRead]:
        exhibitor_id = None
        if not user.may(expo_id, Area.EXHIBITORS):
            exhibitor = await exhibitor_of_user(db_session, user.id, expo_id)
            if exhibitor is None:
                return []
            exhibitor_id = exhibitor.id
        return await applications.list_applications(
            db_session,
            expo_id,
            status=status,
            cluster=cluster,
            exhibitor_class=exhibitor_class,
            q=q,
            exhibitor_id=exhibitor_id,
        )

    @get("/api/applications/{application_id:int}", guards=[requires_exhibitor_or_organiser])
    async def get_application(
        self,
        application_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.get_application(db_session, application_id, user)
        return await applications.read_application(db_session, application)

    @put("/api/applications/{application_id:int}", guards=[requires_exhibitor_or_organiser])
    async def update_application(
        self,
        application_id: FromPath[int],
        data: JSONBody[ApplicationIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.update_application(db_session, application_id, data, user)
        await db_session.commit()
        return await applications.read_application(db_session, application)

    @post("/api/applications/{application_id:int}/withdraw", guards=[requires_exhibitor_or_organiser], status_code=200)
    async def withdraw(
        self,
        application_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.withdraw_application(db_session, application_id, user)
        await db_session.commit()
        return await applications.read_application(db_session, application)

    @post("/api/applications/{application_id:int}/accept", guards=[requires(Area.EXHIBITORS)], status_code=200)
    async def accept(
        self,
        application_id: FromPath[int],
        data: JSONBody[DecisionIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.decide_application(db_session, application_id, True, user, data.note)
        await db_session.commit()
        return await applications.read_application(db_session, application)

    @post("/api/applications/{application_id:int}/decline", guards=[requires(Area.EXHIBITORS)], status_code=200)
    async def decline(
        self,
        application_id: FromPath[int],
        data: JSONBody[DecisionIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ApplicationRead:
        application = await applications.decide_application(db_session, application_id, False, user, data.note)
        await db_session.commit()
        return await applications.read_application(db_session, application)

    @get(
        "/api/applications/{application_id:int}/explanation",
        guards=[requires_exhibitor_or_organiser],
        summary="Why it got its booth or none (organisers: the latest run; exhibitors: the committed one)",
    )
    async def explanation(
        self,
        application_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> ExplanationRead:
        application = await applications.get_application(db_session, application_id, user)
        status = None if user.may(application.expo_id, Area.SETUP) else RunStatus.COMMITTED
        run = await allocation_runs.latest_run(db_session, application.expo_id, status)
        found = explanation_of(run, application_id) if run else None
        if run is None or found is None:
            raise NotFound("No allocation has placed this application yet.", code="explanation_not_found")
        return explanation_read(found, await allocation_inputs.exhibitor_names(db_session, application.expo_id))


class AllocationController(Controller):
    tags = ["allocation"]  # noqa: RUF012
    guards = [requires(Area.EXHIBITORS)]  # noqa: RUF012

    @post(
        "/api/expos/{expo_id:int}/allocation/runs",
        status_code=201,
        summary="Dry-run the allocator on the accepted applications (changes no booking)",
    )
    async def dry_run(
        self,
        expo_id: FromPath[int],
        data: JSONBody[DryRunIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> RunRead:
        run = await allocation_runs.dry_run(db_session, expo_id, data, user)
        await db_session.commit()
        return await run_read(db_session, run)

    @get("/api/expos/{expo_id:int}/allocation/runs", summary="Allocation runs, newest first")
    async def list_runs(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> list[RunSummary]:
        return [run_summary(r) for r in await allocation_runs.list_runs(db_session, expo_id)]

    @get("/api/allocation/runs/{run_id:int}", summary="One run: stands, explanations, fairness, priority")
    async def get_run(self, run_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> RunRead:
        return await run_read(db_session, await allocation_runs.get_run(db_session, run_id))

    @post(
        "/api/allocation/runs/{run_id:int}/commit",
        status_code=200,
        summary="Turn a dry run into bookings, all or nothing (409 with what changed when it is out of date)",
    )
    async def commit(
        self, run_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> CommitRead:
        try:
            result = await allocation_runs.commit_run(db_session, run_id, user)
        except Exception:
            await db_session.rollback()
            raise
        await db_session.commit()
        return result


class OfferController(Controller):
    tags = ["applications"]  # noqa: RUF012
    guards = [requires_exhibitor_or_organiser]  # noqa: RUF012

    @get("/api/expos/{expo_id:int}/offers", summary="Waiting-list offers (organisers: all; exhibitors: their own)")
    async def list_offers(
        self,
        expo_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        status: FromQuery[OfferStatus | None] = None,
    ) -> list[OfferRead]:
        await venue.get_expo(db_session, expo_id)
        await waitlist.refresh(db_session, expo_id)
        await db_session.commit()
        exhibitor_id = None
        if not user.may(expo_id, Area.EXHIBITORS):
            exhibitor = await exhibitor_of_user(db_session, user.id, expo_id)
            if exhibitor is None:
                return []
            exhibitor_id = exhibitor.id
        return await waitlist.list_offers(db_session, expo_id, exhibitor_id=exhibitor_id, status=status)

    @post("/api/offers/{offer_id:int}/accept", status_code=200, summary="Take the offered booth")
    async def accept(
        self, offer_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> BookingRead:
        booking = await waitlist.accept_offer(db_session, offer_id, user)
        await db_session.commit()
        assert booking.id is not None
        return await bookings.get_booking(db_session, booking.id, user)

    @post(
        "/api/offers/{offer_id:int}/decline",
        status_code=200,
        summary="Let the offered booth pass to the next applicant",
    )
    async def decline(
        self, offer_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> OfferRead:
        offer = await waitlist.decline_offer(db_session, offer_id, user)
        await waitlist.refresh(db_session, offer.expo_id)
        await db_session.commit()
        found = [o for o in await waitlist.list_offers(db_session, offer.expo_id) if o.id == offer_id]
        return found[0]


class SharedStandController(Controller):
    tags = ["bookings"]  # noqa: RUF012

    @get("/api/bookings/{booking_id:int}/stand", guards=[requires_exhibitor_or_organiser])
    async def get_stand(
        self, booking_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> SharedStandRead:
        await bookings.get_booking(db_session, booking_id, user)  # the owner or an organiser
        return await shared_stands.shared_stand(db_session, booking_id)

    @post(
        "/api/bookings/{booking_id:int}/co-exhibitors",
        guards=[requires(Area.EXHIBITORS)],
        status_code=200,
        summary="Add a co-exhibitor to a stand, with a share of its staff passes",
    )
    async def add(
        self,
        booking_id: FromPath[int],
        data: JSONBody[CoExhibitorIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> SharedStandRead:
        await shared_stands.add_co_exhibitor(db_session, booking_id, data, user)
        await db_session.commit()
        return await shared_stands.shared_stand(db_session, booking_id)

    @delete(
        "/api/bookings/{booking_id:int}/co-exhibitors/{exhibitor_id:int}",
        guards=[requires(Area.EXHIBITORS)],
        status_code=200,
    )
    async def remove(
        self,
        booking_id: FromPath[int],
        exhibitor_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> SharedStandRead:
        await shared_stands.remove_co_exhibitor(db_session, booking_id, exhibitor_id, user)
        await db_session.commit()
        return await shared_stands.shared_stand(db_session, booking_id)


CONTROLLERS = [ApplicationController, AllocationController, OfferController, SharedStandController]
