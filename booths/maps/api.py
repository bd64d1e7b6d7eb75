"""API for booth maps: venue features (one by one and as CSV), layout rules and check, publishing,
the public map data and the PDF map."""

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from booths.maps import features
from booths.maps import service as maps
from booths.maps.draw.document import PrintOptions
from booths.maps.schemas import (
    FeatureCreate,
    FeatureImportResult,
    FeatureRead,
    FeatureUpdate,
    LayoutCheckRead,
    MapRules,
    MapRulesUpdate,
    MapStatusRead,
    PublicMap,
)
from booths.venue import service as venue
from expo.accounts import CurrentUser
from expo.auth import current_user, requires
from expo.csv_export import CSV_MEDIA_TYPE, csv_response
from expo.i18n import current_locale
from expo.models import Role
from expo.permissions import Area
from expo.public_url import public_base_url
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import read_upload

Short = Annotated[str, Parameter(max_length=12)]


def _role(request: Request[Any, Any, Any], expo_id: int) -> Role | None:
    """Who asks for a map, as the map rules know them: the expo's committee sees what organisers see."""
    user = current_user(request)
    if user is None:
        return None
    if user.serves(expo_id):
        return Role.ORGANISER
    return Role.EXHIBITOR if user.role is Role.EXHIBITOR else None


def base_url(request: Request[Any, Any, Any]) -> str:
    """Where printed QR codes lead: ``EXPO_PUBLIC_URL``, else the address this request came to."""
    return public_base_url(request)


class MapController(Controller):
    path = "/api/expos/{expo_id:int}"
    tags = ["maps"]  # noqa: RUF012

    @get("/features", summary="Venue features: doors, stage, musholla, toilets, columns, aisles (public)")
    async def list_features(
        self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession], hall_id: FromQuery[int | None] = None
    ) -> list[FeatureRead]:
        await venue.get_expo(db_session, expo_id)
        return await features.list_features(db_session, expo_id, hall_id)

    @post("/features", guards=[requires(Area.SETUP)])
    async def create_feature(
        self,
        expo_id: FromPath[int],
        data: JSONBody[FeatureCreate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> FeatureRead:
        feature, hall = await features.create_feature(db_session, expo_id, data, by=user)
        await db_session.commit()
        return features.feature_read(feature, hall.code)

    @get(
        "/features.csv",
        guards=[requires(Area.SETUP)],
        media_type=CSV_MEDIA_TYPE,
        summary="Export venue features as CSV",
    )
    async def export_csv(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> Response[str]:
        expo = await venue.get_expo(db_session, expo_id)
        return csv_response(await features.export_features(db_session, expo_id), f"features-{expo.slug}.csv")

    @post(
        "/features/import",
        guards=[requires(Area.SETUP)],
        status_code=200,
        request_max_body_size=UPLOAD_BODY_LIMIT,
        summary="Replace every venue feature with the CSV's rows (all or none); same columns as the export",
    )
    async def import_csv(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        settings: NamedDependency[Settings],
        user: NamedDependency[CurrentUser],
    ) -> FeatureImportResult:
        raw = await read_upload(request, settings.max_csv_bytes)
        count = await features.import_features(db_session, expo_id, raw, by=user)
        await db_session.commit()
        return FeatureImportResult(features=count)

    @get("/map/rules", guards=[requires(Area.SETUP)], summary="Thresholds of the layout check")
    async def get_rules(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> MapRules:
        await venue.get_expo(db_session, expo_id)
        return features.rules_read(await features.map_settings(db_session, expo_id))

    @patch("/map/rules", guards=[requires(Area.SETUP)])
    async def update_rules(
        self, expo_id: FromPath[int], data: JSONBody[MapRulesUpdate], db_session: NamedDependency[AsyncSession]
    ) -> MapRules:
        settings = await features.update_rules(db_session, expo_id, data)
        await db_session.commit()
        return features.rules_read(settings)

    @get("/map/check", guards=[requires(Area.SETUP)], summary="Layout check: overlaps, walls, aisles, exits, access")
    async def check(self, expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]) -> LayoutCheckRead:
        return maps.check_read(await maps.check_layout(db_session, expo_id))

    @get("/map/status", guards=[requires(Area.SETUP)], summary="Published?, version, rules and the layout check")
    async def status(
        self, request: Request[Any, Any, Any], expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> MapStatusRead:
        return await maps.map_status(db_session, expo_id, base_url(request))

    @post("/map/publish", guards=[requires(Area.SETUP)], status_code=200, summary="Publish the public map")
    async def publish(
        self, request: Request[Any, Any, Any], expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> MapStatusRead:
        await maps.publish(db_session, expo_id)
        await db_session.commit()
        return await maps.map_status(db_session, expo_id, base_url(request))

    @post("/map/unpublish", guards=[requires(Area.SETUP)], status_code=200, summary="Take the public map down")
    async def unpublish(
        self, request: Request[Any, Any, Any], expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> MapStatusRead:
        await maps.unpublish(db_session, expo_id)
        await db_session.commit()
        return await maps.map_status(db_session, expo_id, base_url(request))

    @get("/map", summary="The public map: geometry, facilities, confirmed exhibitors (once published)")
    async def public_map(
        self, request: Request[Any, Any, Any], expo_id: FromPath[int], db_session: NamedDependency[AsyncSession]
    ) -> PublicMap:
        expo = await venue.get_expo(db_session, expo_id)
        await maps.require_public_map(db_session, expo_id, _role(request, expo_id))
        return await maps.public_map(db_session, expo, base_url(request))

    @get(
        "/map.pdf",
        summary="The booth map as PDF",
        description=(
            "paper a4|f4|a3|a2|a1|a0, orientation auto|portrait|landscape, scale fit|1:100|1:200|1:250, "
            "view public|organiser|handbook, hall: one hall's code (all halls when absent). The organiser "
            "view is for organisers; the handbook view for exhibitors and organisers. Public and handbook "
            "maps are refused (409 layout_has_errors) while the layout check finds errors."
        ),
        media_type="application/pdf",
    )
    async def pdf(
        self,
        request: Request[Any, Any, Any],
        expo_id: FromPath[int],
        db_session: NamedDependency[AsyncSession],
        hall: FromQuery[Annotated[str | None, Parameter(max_length=8)]] = None,
        paper: FromQuery[Short] = "a4",
        orientation: FromQuery[Short] = "auto",
        scale: FromQuery[Short] = "fit",
        view: FromQuery[Short] = "public",
    ) -> Response[bytes]:
        options = PrintOptions(
            paper=paper, orientation=orientation, scale=scale, view=view, locale=current_locale.get()
        )
        pdf = await maps.print_map(
            db_session, expo_id, options, hall=hall or None, base_url=base_url(request), role=_role(request, expo_id)
        )
        expo = await venue.get_expo(db_session, expo_id)
        name = f"denah-{expo.slug}-{(hall or 'semua').lower()}-{paper.lower()}-{view.lower()}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
        )


class FeatureController(Controller):
    path = "/api/features"
    tags = ["maps"]  # noqa: RUF012
    guards = [requires(Area.SETUP)]  # noqa: RUF012

    @patch("/{feature_id:int}")
    async def update_feature(
        self,
        feature_id: FromPath[int],
        data: JSONBody[FeatureUpdate],
        db_session: NamedDependency[AsyncSession],
        user: NamedDependency[CurrentUser],
    ) -> FeatureRead:
        feature, hall = await features.update_feature(db_session, feature_id, data, by=user)
        await db_session.commit()
        return features.feature_read(feature, hall.code)

    @delete("/{feature_id:int}")
    async def delete_feature(
        self, feature_id: FromPath[int], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
    ) -> None:
        await features.delete_feature(db_session, feature_id, by=user)
        await db_session.commit()
