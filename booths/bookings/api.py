"""API for bookings: exhibitors hold and cancel their own; organisers confirm, assign, move, cancel."""

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.bookings import service as bookings
from booths.bookings.models import BookingStatus
from booths.bookings.schemas import AssignIn, BookingEventRead, BookingRead, CancelIn, MoveIn, PaymentIn
from booths.exhibitors.service import exhibitor_of_user
from booths.fields import NO_NUL
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import requires, requires_exhibitor, requires_exhibitor_or_organiser
from expo.permissions import Area


class BookingController(Controller):
    tags = ["bookings"]  # noqa: RUF012

    @post(
        "/api/booths/{booth_id:int}/hold",
        guards=[requires_exhibitor],
        status_code=201,
        summary="Hold a booth for the logged-in exhibitor",
    )
    async def hold(
        self, booth_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> BookingRead:
        held = await bookings.hold_for_user(db_session, user, booth_id)
        answer = held.read()  # built before the commit, from what the hold wrote and read
        await db_session.commit()
        return answer

    @get(
        "/api/expos/{expo_id:int}/bookings",
        guards=[requires_exhibitor_or_organiser],
        summary="Bookings (organisers: all, filterable; exhibitors: their own)",
    )
    async def list_bookings(
        self,
        expo_id: FromPath[int],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
        status: FromQuery[BookingStatus | None] = None,
        q: FromQuery[Annotated[str | None, Parameter(max_length=100, pattern=NO_NUL)]] = None,
        hall_id: FromQuery[int | None] = None,
        limit: FromQuery[Annotated[int, Parameter(ge=1, le=1000)]] = 500,
        offset: FromQuery[Annotated[int, Parameter(ge=0)]] = 0,
    ) -> list[BookingRead]:
        await venue.get_expo(db_session, expo_id)
        exhibitor_id = None
        if not user.may(expo_id, Area.BOOKINGS):
            exhibitor = await exhibitor_of_user(db_session, user.id, expo_id)
            if exhibitor is None:
                return []
            exhibitor_id = exhibitor.id
        return await bookings.list_bookings(
            db_session,
            expo_id,
            exhibitor_id=exhibitor_id,
            status=status,
            q=q,
            hall_id=hall_id,
            limit=limit,
            offset=offset,
        )

    @post(
        "/api/expos/{expo_id:int}/bookings",
        guards=[requires(Area.BOOKINGS)],
        status_code=201,
        summary="Assign a booth to an exhibitor directly",
    )
    async def assign(
        self,
        expo_id: FromPath[int],
        data: JSONBody[AssignIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> BookingRead:
        booking = await bookings.assign_booth(
            db_session,
            expo_id,
            data.booth_id,
            data.exhibitor_id,
            user,
            confirm=data.confirm,
            payment=data.payment,
            note=data.note,
        )
        await db_session.commit()
        assert booking.id is not None
        return await bookings.get_booking(db_session, booking.id, user)

    @get("/api/bookings/{booking_id:int}", guards=[requires_exhibitor_or_organiser])
    async def get_booking(
        self, booking_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> BookingRead:
        return await bookings.get_booking(db_session, booking_id, user)

    @get("/api/bookings/{booking_id:int}/history", guards=[requires_exhibitor_or_organiser])
    async def history(
        self, booking_id: FromPath[int], user: NamedDependency[CurrentUser], db_session: NamedDependency[AsyncSession]
    ) -> list[BookingEventRead]:
        return await bookings.booking_history(db_session, booking_id, user)

    @post(
        "/api/bookings/{booking_id:int}/confirm",
        guards=[requires(Area.BOOKINGS)],
        status_code=200,
        summary="Record the payment and confirm",
    )
    async def confirm(
        self,
        booking_id: FromPath[int],
        data: JSONBody[PaymentIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> BookingRead:
        await bookings.confirm_booking(db_session, booking_id, data, user)
        await db_session.commit()
        return await bookings.get_booking(db_session, booking_id, user)

    @post("/api/bookings/{booking_id:int}/cancel", guards=[requires_exhibitor_or_organiser], status_code=200)
    async def cancel(
        self,
        booking_id: FromPath[int],
        data: JSONBody[CancelIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> BookingRead:
        await bookings.cancel_booking(db_session, booking_id, user, data.reason)
        await db_session.commit()
        return await bookings.get_booking(db_session, booking_id, user)

    @post(
        "/api/bookings/{booking_id:int}/move",
        guards=[requires(Area.BOOKINGS)],
        status_code=200,
        summary="Move a booking to another booth, keeping its history and price",
    )
    async def move(
        self,
        booking_id: FromPath[int],
        data: JSONBody[MoveIn],
        user: NamedDependency[CurrentUser],
        db_session: NamedDependency[AsyncSession],
    ) -> BookingRead:
        await bookings.move_booking(db_session, booking_id, data.booth_id, user, data.note)
        await db_session.commit()
        return await bookings.get_booking(db_session, booking_id, user)
