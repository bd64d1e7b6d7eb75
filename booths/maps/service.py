"""Booth maps from the database: the data a map is drawn from, the layout check, publishing and printing.

The drawing itself is ``booths.maps.draw.document`` (pure); the rules of the check are ``booths.maps.layout_check``
(pure). Rendering runs in a worker thread so that printing an A0 map never stalls a gate scan.
"""

from collections import Counter
from functools import partial

import anyio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.stands import stand_members
from booths.bookings.models import Booking
from booths.exhibitors.models import Exhibitor
from booths.maps import layout_check
from booths.maps.draw import document as mapdraw
from booths.maps.features import KIND_NAMES, list_features, map_settings, rules_read
from booths.maps.models import FeatureKind
from booths.maps.schemas import (
    FeatureRead,
    FindingRead,
    LayoutCheckRead,
    MapStatusRead,
    PublicBooth,
    PublicCluster,
    PublicExhibitor,
    PublicFeature,
    PublicHall,
    PublicMap,
)
from booths.venue import service as venue
from booths.venue.geometry import Rect
from booths.venue.models import Expo, Hall, HallKind
from booths.venue.schemas import BoothRead
from expo.errors import Conflict, FieldProblem, Forbidden, NotFound, Unauthenticated
from expo.formatting import format_date_range, format_datetime, utcnow
from expo.i18n import N_, current_locale, gettext, translate
from expo.models import Role

_EXHIBITOR_ROLES = (Role.EXHIBITOR, Role.ORGANISER)


def live_map_url(base_url: str, slug: str, hall: str | None = None) -> str:
    """Where the QR code on a printed map leads: the public interactive map (of one hall)."""
    url = f"{base_url.rstrip('/')}/e/{slug}/map"
    return f"{url}?hall={hall.upper()}" if hall else url


def _feature_name(feature: FeatureRead, locale: str | None = None) -> str:
    return feature.label or translate(KIND_NAMES[feature.kind], None, locale)


async def _exhibitors_by_booking(session: AsyncSession, booking_ids: list[int]) -> dict[int, Exhibitor]:
    if not booking_ids:
        return {}
    rows = await session.execute(
        sa.select(col(Booking.id), Exhibitor)
        .join(Exhibitor, col(Exhibitor.id) == col(Booking.exhibitor_id))
        .where(col(Booking.id).in_(booking_ids))
    )
    found: dict[int, Exhibitor] = {}
    for booking_id, exhibitor in rows.all():
        if booking_id is not None:
            found[booking_id] = exhibitor
    return found


async def _co_exhibitors_by_booking(session: AsyncSession, booking_ids: list[int]) -> dict[int, list[Exhibitor]]:
    """The co-exhibitors of shared stands (``booths.applications.stands``), as whole exhibitor rows: the
    public map shows their class, products and contact like the main exhibitor's."""
    members = await stand_members(session, booking_ids)
    ids = [m.exhibitor_id for ms in members.values() for m in ms if not m.main]
    if not ids:
        return {}
    rows = {e.id: e for e in await session.scalars(sa.select(Exhibitor).where(col(Exhibitor.id).in_(ids)))}
    return {
        booking_id: [rows[m.exhibitor_id] for m in ms if not m.main and m.exhibitor_id in rows]
        for booking_id, ms in members.items()
        if len(ms) > 1
    }


class _Venue:
    """Everything one expo's maps need, read in a few queries."""

    def __init__(
        self,
        expo: Expo,
        halls: list[Hall],
        booths: list[BoothRead],
        features: list[FeatureRead],
        exhibitors: dict[int, Exhibitor],
        co_exhibitors: dict[int, list[Exhibitor]] | None = None,
    ) -> None:
        self.expo, self.halls, self.booths, self.features, self.exhibitors = expo, halls, booths, features, exhibitors
        self.co_exhibitors = co_exhibitors or {}

    def exhibitor(self, booth: BoothRead) -> Exhibitor | None:
        return self.exhibitors.get(booth.booking_id) if booth.booking_id is not None else None

    def co_exhibitors_of(self, booth: BoothRead) -> list[Exhibitor]:
        """The other businesses of a shared stand (none for a stand of one)."""
        return self.co_exhibitors.get(booth.booking_id, []) if booth.booking_id is not None else []


async def _load(session: AsyncSession, expo: Expo) -> _Venue:
    assert expo.id is not None
    booths = await venue.list_booths(session, expo.id, organiser=True)
    booking_ids = [b.booking_id for b in booths if b.booking_id is not None]
    return _Venue(
        expo,
        await venue.list_halls(session, expo.id),
        booths,
        await list_features(session, expo.id),
        await _exhibitors_by_booking(session, booking_ids),
        await _co_exhibitors_by_booking(session, booking_ids),
    )


# --- the layout check --------------------------------------------------------------------------
def _plans(place: _Venue, locale: str | None = None) -> list[layout_check.HallPlan]:
    plans = []
    for hall in place.halls:
        booths = [(b.code, Rect(b.x_m, b.y_m, b.width_m, b.depth_m)) for b in place.booths if b.hall_id == hall.id]
        features = [
            layout_check.FloorFeature(f.kind, _feature_name(f, locale), Rect(f.x_m, f.y_m, f.width_m, f.depth_m))
            for f in place.features
            if f.hall_id == hall.id
        ]
        plans.append(
            layout_check.HallPlan(
                hall.code, hall.width_m, hall.depth_m, booths, features, outdoor=hall.kind == HallKind.OUTDOOR
            )
        )
    return plans


async def _rules(session: AsyncSession, expo_id: int) -> layout_check.Rules:
    settings = await map_settings(session, expo_id)
    return layout_check.Rules(settings.min_aisle_m, settings.exit_clearance_m, settings.min_access_m)


async def check_layout(session: AsyncSession, expo_id: int) -> layout_check.Report:
    expo = await venue.get_expo(session, expo_id)
    return layout_check.check_venue(_plans(await _load(session, expo)), await _rules(session, expo_id))


def check_read(report: layout_check.Report) -> LayoutCheckRead:
    return LayoutCheckRead(
        ok=report.ok,
        errors=len(report.errors),
        warnings=len(report.warnings),
        findings=[
            FindingRead(
                code=f.code,
                severity=f.severity,
                hall=f.hall,
                items=list(f.items),
                message=translate(f.message, f.params),
                x_m=f.area.x,
                y_m=f.area.y,
                width_m=f.area.w,
                depth_m=f.area.d,
            )
            for f in report.findings
        ],
    )


def refuse_on_errors(report: layout_check.Report, action: str) -> None:
    """Conflict (409) listing every hard failure, so organisers know what to fix."""
    if report.ok:
        return
    raise Conflict(
        N_("The layout has %(count)s errors; fix them before you %(action)s."),
        code="layout_has_errors",
        params={"count": len(report.errors), "action": gettext(action)},
        fields=[FieldProblem(f"{f.hall}.{f.code}", f.message, f.params) for f in report.errors[:100]],
    )


# --- publishing --------------------------------------------------------------------------------
async def publish(session: AsyncSession, expo_id: int) -> None:
    refuse_on_errors(await check_layout(session, expo_id), N_("publish the map"))
    settings = await map_settings(session, expo_id, for_update=True)
    settings.published_at = settings.published_at or utcnow()
    settings.updated_at = utcnow()
    await session.flush()


async def unpublish(session: AsyncSession, expo_id: int) -> None:
    await venue.get_expo(session, expo_id)
    settings = await map_settings(session, expo_id, for_update=True)
    settings.published_at = None
    settings.updated_at = utcnow()
    await session.flush()


async def is_published(session: AsyncSession, expo_id: int) -> bool:
    return (await map_settings(session, expo_id)).published_at is not None


async def map_status(session: AsyncSession, expo_id: int, base_url: str = "") -> MapStatusRead:
    expo = await venue.get_expo(session, expo_id)
    place = await _load(session, expo)
    settings = await map_settings(session, expo_id)
    report = layout_check.check_venue(_plans(place), await _rules(session, expo_id))
    data = await _map_data(session, place, base_url=base_url, hall=None, locale=current_locale.get())
    return MapStatusRead(
        published=settings.published_at is not None,
        published_at=settings.published_at,
        version=mapdraw.map_version(data, "public"),
        rules=rules_read(settings),
        check=check_read(report),
    )


# --- printing ----------------------------------------------------------------------------------
async def _map_data(
    session: AsyncSession, place: _Venue, *, base_url: str, hall: str | None, locale: str
) -> mapdraw.MapData:
    expo = place.expo
    assert expo.id is not None
    clusters = await venue.list_clusters(session, expo.id)
    packages = {p.id: p for p in await venue.list_packages(session, expo.id)}
    halls = []
    for h in place.halls:
        booths = []
        for b in (b for b in place.booths if b.hall_id == h.id):
            exhibitor = place.exhibitor(b)
            booths.append(
                mapdraw.MapBooth(
                    code=b.code,
                    x=b.x_m,
                    y=b.y_m,
                    w=b.width_m,
                    d=b.depth_m,
                    status=b.status,
                    cluster=b.cluster,
                    exhibitor=exhibitor.name if exhibitor and b.status in {"held", "confirmed"} else None,
                    pesantren=exhibitor.pesantren_name if exhibitor else None,
                    price=b.price,
                    co_exhibitors=tuple(co.name for co in place.co_exhibitors_of(b))
                    if exhibitor and b.status in {"held", "confirmed"}
                    else (),
                    package=b.package_code,
                )
            )
        features = [
            mapdraw.MapFeature(f.kind.value, f.label, f.x_m, f.y_m, f.width_m, f.depth_m)
            for f in place.features
            if f.hall_id == h.id
        ]
        halls.append(
            mapdraw.MapHall(h.code, h.name, h.width_m, h.depth_m, booths, features, h.kind == HallKind.OUTDOOR)
        )
    return mapdraw.MapData(
        expo_name=expo.name,
        dates=format_date_range(expo.starts_on, expo.ends_on, locale),
        venue=expo.venue,
        city=expo.city,
        live_url=live_map_url(base_url, expo.slug, hall),
        version="",
        printed_at=format_datetime(utcnow(), expo.timezone, locale),
        halls=halls,
        clusters=[mapdraw.MapCluster(c.code, c.name, c.color) for c in clusters],
        packages=[
            mapdraw.MapPackage(
                code=p.code,
                name=p.name,
                description=p.description,
                shell=p.shell,
                tables=p.tables,
                chairs=p.chairs,
                power_amps=p.power_amps,
                staff_quota=p.staff_quota,
            )
            for p in packages.values()
        ],
    )


def _may_print(view: str, role: Role | None) -> None:
    if view == "organiser" and role is not Role.ORGANISER:
        if role is None:
            raise Unauthenticated()
        raise Forbidden(N_("Only organisers may print the organiser map."), code="organiser_only")
    if view == "handbook" and role not in _EXHIBITOR_ROLES:
        if role is None:
            raise Unauthenticated()
        raise Forbidden(N_("Only exhibitors and organisers may print the handbook map."), code="exhibitors_only")


async def print_map(
    session: AsyncSession,
    expo_id: int,
    options: mapdraw.PrintOptions,
    *,
    hall: str | None,
    base_url: str,
    role: Role | None,
) -> bytes:
    """The PDF map. Public and handbook maps are refused while the layout has errors; anyone but an
    organiser sees the public map only once it is published."""
    options = mapdraw.check_options(options)
    _may_print(options.view, role)
    expo = await venue.get_expo(session, expo_id)
    if options.view == "public" and role is not Role.ORGANISER and not await is_published(session, expo_id):
        raise NotFound(N_("The booth map is not published yet."), code="map_not_published")
    place = await _load(session, expo)
    if options.view != "organiser":
        report = layout_check.check_venue(_plans(place), await _rules(session, expo_id))
        refuse_on_errors(report, N_("print the map"))
    data = await _map_data(session, place, base_url=base_url, hall=hall, locale=options.locale)
    data = mapdraw.MapData(**(data.__dict__ | {"version": mapdraw.map_version(data, "public")}))
    return await anyio.to_thread.run_sync(partial(mapdraw.render_map, data, options, hall))


# --- the public interactive map ----------------------------------------------------------------
def _public_exhibitor(exhibitor: Exhibitor) -> PublicExhibitor:
    return PublicExhibitor(
        name=exhibitor.name,
        pesantren=exhibitor.pesantren_name,
        exhibitor_class=str(exhibitor.exhibitor_class),
        products=exhibitor.description,
        whatsapp=exhibitor.whatsapp,
        regency=exhibitor.regency,
    )


async def public_map(session: AsyncSession, expo: Expo, base_url: str = "") -> PublicMap:
    """Geometry, facilities and confirmed exhibitors (never holds, blocks or prices)."""
    place = await _load(session, expo)
    assert expo.id is not None
    clusters = await venue.list_clusters(session, expo.id)
    counts = Counter(b.cluster for b in place.booths if b.cluster)
    halls = []
    for h in place.halls:
        booths = []
        for b in (b for b in place.booths if b.hall_id == h.id):
            exhibitor = place.exhibitor(b) if b.status == "confirmed" else None
            co = place.co_exhibitors_of(b) if exhibitor else []
            booths.append(
                PublicBooth(
                    code=b.code,
                    x=b.x_m,
                    y=b.y_m,
                    w=b.width_m,
                    d=b.depth_m,
                    cluster=b.cluster,
                    exhibitor=_public_exhibitor(exhibitor) if exhibitor else None,
                    co_exhibitors=[_public_exhibitor(e) for e in co],
                )
            )
        features = [
            PublicFeature(kind=FeatureKind(f.kind), label=_feature_name(f), x=f.x_m, y=f.y_m, w=f.width_m, d=f.depth_m)
            for f in place.features
            if f.hall_id == h.id
        ]
        halls.append(
            PublicHall(
                code=h.code,
                name=h.name,
                width=h.width_m,
                depth=h.depth_m,
                outdoor=h.kind == HallKind.OUTDOOR,
                booths=booths,
                features=features,
            )
        )
    data = await _map_data(session, place, base_url=base_url, hall=None, locale=current_locale.get())
    return PublicMap(
        expo=expo.name,
        slug=expo.slug,
        version=mapdraw.map_version(data, "public"),
        halls=halls,
        clusters=[
            PublicCluster(code=c.code, name=c.name, color=c.color, count=counts.get(c.code, 0)) for c in clusters
        ],
    )


async def require_public_map(session: AsyncSession, expo_id: int, role: Role | None) -> None:
    if role is not Role.ORGANISER and not await is_published(session, expo_id):
        raise NotFound(N_("The booth map is not published yet."), code="map_not_published")


async def load_map_data(session: AsyncSession, expo: Expo, *, base_url: str, locale: str) -> mapdraw.MapData:
    """The data of every hall as ``mapdraw`` draws it, with its public version (benchmarks, tools)."""
    data = await _map_data(session, await _load(session, expo), base_url=base_url, hall=None, locale=locale)
    return mapdraw.MapData(**(data.__dict__ | {"version": mapdraw.map_version(data, "public")}))
