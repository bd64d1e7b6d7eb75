"""API for organisers laying out the venue: expos, halls, clusters, packages and booths."""

from datetime import date
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors.approval import priced_class
from booths.exhibitors.service import exhibitor_of_user
from booths.fields import CLUSTER_QUERY
from booths.pricing import service as pricing
from booths.venue import booth_csv
from booths.venue import service as venue
from booths.venue.schemas import (
    BlockBooth,
    BlockRequest,
    BoothCreate,
    BoothRead,
    BoothStatus,
    BoothUpdate,
    ClusterCreate,
    ClusterRead,
    CsvImportResult,
    ExpoCreate,
    ExpoDayRead,
    ExpoDayUpdate,
    ExpoRead,
    ExpoUpdate,
    HallCreate,
    HallRead,
    HallUpdate,
    PackageCreate,
    PackageRead,
    PackageUpdate,
)
from expo.accounts import CurrentUser
from expo.auth import current_user, requires, requires_expo_creator
from expo.csv_export import CSV_MEDIA_TYPE, csv_response
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import read_upload


class ExpoController(Controller):
    path = "/api/expos"
    tags = ["venue"]  # noqa: RUF012

    @get("/", summary="List expos (public)")
    async def list_expos(self, db_session: NamedDependency[AsyncSession]) -> list[ExpoRead]:
        return await venue.list_expos(db_session, public=True)

    @post("/", guards=[requires_expo_creator])
    async def create_expo(
        self, data: JSONBody[ExpoCreate], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
    ) -> ExpoRead:
        expo = await venue.create_expo(db_session, data, created_by=user)
        await db_session.commit()
        return await venue.expo_read(db_session, expo)

    @get("/{expo_id:int}", summary="One expo (public)")
    async def get_expo(
        self,
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        maybe_user: NamedDependency[CurrentUser | None],
    ) -> ExpoRead:
        expo = await venue.get_expo(db_session, expo_id)
        return await venue.expo_read(db_session, await venue.visible_expo(db_session, expo.slug, maybe_user))

    @patch("/{expo_id:int}", guards=[requires(Area.SETUP)])
    async def update_expo(
        self,
        expo_id: FromPath[int],
        data: JSONBody[ExpoUpdate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> ExpoRead:
        expo = await venue.update_expo(db_session, expo_id, data, by=user)
        await db_session.commit()
        return await venue.expo_read(db_session, expo)

    @patch("/{expo_id:int}/days/{day:date}", guards=[requires(Area.SETUP)], summary="Opening hours of one day")
    async def update_day(
        self,
        expo_id: FromPath[int],
        day: FromPath[date],
        data: JSONBody[ExpoDayUpdate],
        db_session: NamedDependency[AsyncSession],
    ) -> ExpoDayRead:
        row = await venue.update_expo_day(db_session, expo_id, day, data)
        await db_session.commit()
        return ExpoDayRead(day=row.day, opens_at=row.opens_at, closes_at=row.closes_at)

    @get("/{expo_id:int}/halls", summary="Halls and outdoor areas (public)")
    async def list_halls(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> list[HallRead]:
        await venue.get_expo(db_session, expo_id)
        return [venue.hall_read(h) for h in await venue.list_halls(db_session, expo_id)]

    @post("/{expo_id:int}/halls", guards=[requires(Area.SETUP)])
    async def create_hall(
        self,
        expo_id: FromPath[int],
        data: JSONBody[HallCreate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> HallRead:
        hall = await venue.create_hall(db_session, expo_id, data, by=user)
        await db_session.commit()
        return venue.hall_read(hall)

    @get("/{expo_id:int}/clusters", summary="Product clusters (public)")
    async def list_clusters(
        self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> list[ClusterRead]:
        await venue.get_expo(db_session, expo_id)
        return await venue.list_clusters(db_session, expo_id)

    @post("/{expo_id:int}/clusters", guards=[requires(Area.SETUP)])
    async def create_cluster(
        self, expo_id: FromPath[int], data: JSONBody[ClusterCreate], db_session: NamedDependency[AsyncSession]
    ) -> ClusterRead:
        cluster = await venue.create_cluster(db_session, expo_id, data)
        await db_session.commit()
        return ClusterRead(code=cluster.code, name=cluster.name, color=cluster.color)

    @get("/{expo_id:int}/packages", summary="Booth packages (public)")
    async def list_packages(
        self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> list[PackageRead]:
        await venue.get_expo(db_session, expo_id)
        return [venue.package_read(p) for p in await venue.list_packages(db_session, expo_id)]

    @post("/{expo_id:int}/packages", guards=[requires(Area.SETUP)])
    async def create_package(
        self,
        expo_id: FromPath[int],
        data: JSONBody[PackageCreate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> PackageRead:
        package = await pricing.add_package(db_session, expo_id, data, user)
        await db_session.commit()
        return venue.package_read(package)

    @get("/{expo_id:int}/booths", summary="Booths with their status now (public; organisers see more)")
    async def list_booths(
        self,
        *,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        hall_id: FromQuery[int | None] = None,
        status: FromQuery[BoothStatus | None] = None,
        cluster: FromQuery[Annotated[str | None, Parameter(max_length=32, pattern=CLUSTER_QUERY)]] = None,
    ) -> list[BoothRead]:
        await venue.get_expo(db_session, expo_id)
        user = current_user(request)
        exhibitor_class = await _exhibitor_class(db_session, user, expo_id)
        return await venue.list_booths(
            db_session,
            expo_id,
            hall_id=hall_id,
            status=status,
            cluster=cluster,
            exhibitor_class=exhibitor_class,
            organiser=bool(user and user.serves(expo_id)),
        )

    @post("/{expo_id:int}/booths", guards=[requires(Area.SETUP)])
    async def create_booth(
        self,
        expo_id: FromPath[int],
        data: JSONBody[BoothCreate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> BoothRead:
        booth = await venue.create_booth(db_session, expo_id, data, by=user)
        await db_session.commit()
        return await _booth_read(db_session, booth.expo_id, booth.id)

    @get(
        "/{expo_id:int}/booths.csv",
        guards=[requires(Area.SETUP)],
        media_type=CSV_MEDIA_TYPE,
        summary="Export booths as CSV",
    )
    async def export_csv(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> Response[str]:
        expo = await venue.get_expo(db_session, expo_id)
        text = await booth_csv.export_booths(db_session, expo_id)
        return csv_response(text, f"booths-{expo.slug}.csv")

    @post(
        "/{expo_id:int}/booths/import",
        guards=[requires(Area.SETUP)],
        status_code=200,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        summary="Import booths from CSV (all rows or none); same columns as the export",
    )
    async def import_csv(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        user: NamedDependency[CurrentUser],
    ) -> CsvImportResult:
        raw = await read_upload(request, settings.max_csv_bytes)
        result = await booth_csv.import_booths(db_session, expo_id, raw, by=user)
        await db_session.commit()
        return result


async def _exhibitor_class(session: AsyncSession, user: CurrentUser | None, expo_id: int) -> str | None:
    """An exhibitor sees the prices of its own class; everyone else the package price."""
    if user is None or user.serves(expo_id):
        return None
    return priced_class(await exhibitor_of_user(session, user.id, expo_id))


async def _booth_read(session: AsyncSession, expo_id: int, booth_id: int | None) -> BoothRead:
    rows = [b for b in await venue.list_booths(session, expo_id, organiser=True) if b.id == booth_id]
    return rows[0]


class HallController(Controller):
    path = "/api/halls"
    tags = ["venue"]  # noqa: RUF012
    guards = [requires(Area.SETUP)]  # noqa: RUF012

    @patch("/{hall_id:int}")
    async def update_hall(
        self,
        hall_id: FromPath[int],
        data: JSONBody[HallUpdate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> HallRead:
        hall = await venue.update_hall(db_session, hall_id, data, by=user)
        await db_session.commit()
        return venue.hall_read(hall)

    @delete("/{hall_id:int}")
    async def delete_hall(
        self, hall_id: FromPath[int], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
    ) -> None:
        await venue.delete_hall(db_session, hall_id, by=user)
        await db_session.commit()

    @post("/{hall_id:int}/booths/generate", summary="Generate a block of booths (rows x columns)")
    async def generate(
        self,
        hall_id: FromPath[int],
        data: JSONBody[BlockRequest],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> list[BoothRead]:
        booths = await venue.generate_block(db_session, hall_id, data, by=user)
        await db_session.commit()
        ids = {b.id for b in booths}
        expo_id = booths[0].expo_id
        return [b for b in await venue.list_booths(db_session, expo_id, hall_id=hall_id, organiser=True) if b.id in ids]


class PackageController(Controller):
    path = "/api/packages"
    tags = ["venue"]  # noqa: RUF012
    guards = [requires(Area.SETUP)]  # noqa: RUF012

    @patch("/{package_id:int}")
    async def update_package(
        self,
        package_id: FromPath[int],
        data: JSONBody[PackageUpdate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> PackageRead:
        found = await venue.get_package(db_session, package_id)
        package = await pricing.edit_package(db_session, found.expo_id, package_id, data, user)
        await db_session.commit()
        return venue.package_read(package)


class BoothController(Controller):
    path = "/api/booths"
    tags = ["venue"]  # noqa: RUF012

    @get("/{booth_id:int}", summary="One booth with its status (public)")
    async def get_booth(
        self, request: Request[Any, Any, Any], booth_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> BoothRead:
        booth = await venue.get_booth(db_session, booth_id)
        user: CurrentUser | None = current_user(request)
        rows = await venue.list_booths(
            db_session,
            booth.expo_id,
            hall_id=booth.hall_id,
            exhibitor_class=await _exhibitor_class(db_session, user, booth.expo_id),
            organiser=bool(user and user.serves(booth.expo_id)),
        )
        return next(b for b in rows if b.id == booth_id)

    @patch("/{booth_id:int}", guards=[requires(Area.SETUP)])
    async def update_booth(
        self,
        booth_id: FromPath[int],
        data: JSONBody[BoothUpdate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> BoothRead:
        booth = await venue.update_booth(db_session, booth_id, data, by=user)
        await db_session.commit()
        return await _booth_read(db_session, booth.expo_id, booth.id)

    @delete("/{booth_id:int}", guards=[requires(Area.SETUP)])
    async def delete_booth(
        self, booth_id: FromPath[int], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
    ) -> None:
        await venue.delete_booth(db_session, booth_id, by=user)
        await db_session.commit()

    @post("/{booth_id:int}/block", guards=[requires(Area.SETUP)], status_code=200)
    async def block(
        self,
        booth_id: FromPath[int],
        data: JSONBody[BlockBooth],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> BoothRead:
        booth = await venue.set_blocked(db_session, booth_id, True, data.reason, by=user)
        await db_session.commit()
        return await _booth_read(db_session, booth.expo_id, booth.id)

    @post("/{booth_id:int}/unblock", guards=[requires(Area.SETUP)], status_code=200)
    async def unblock(
        self, booth_id: FromPath[int], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
    ) -> BoothRead:
        booth = await venue.set_blocked(db_session, booth_id, False, by=user)
        await db_session.commit()
        return await _booth_read(db_session, booth.expo_id, booth.id)
