"""Booth-map pages: the public interactive map (``/e/<slug>/map``, offline-capable) and the organisers'
map page (features, layout check, one-click printing, publishing)."""

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, Parameter
from litestar.response import Redirect, Template
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from booths.maps import features
from booths.maps import service as maps
from booths.maps.api import base_url
from booths.maps.draw.document import ORIENTATIONS, PAPERS_MM, SCALES, VIEWS, PrintOptions
from booths.maps.models import FeatureKind
from booths.maps.schemas import FeatureCreate, MapRulesUpdate, PublicMap
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.auth import current_user, requires_organiser
from expo.errors import DomainError, NotFound
from expo.i18n import N_, current_locale, gettext, translate
from expo.models import Role
from expo.problems import field_message
from expo.public_url import is_loopback
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.templating import STATIC_DIR
from expo.web import page, read_upload

FormBody = Body(media_type=RequestEncodingType.URL_ENCODED)
Short = Annotated[str, Parameter(max_length=12)]
SERVICE_WORKER = STATIC_DIR / "map-sw.js"
SYMBOLS = {
    "entrance": "",
    "exit": "",
    "stage": "♪",
    "musholla": "☪",
    "toilet": "WC",
    "info": "i",
    "first_aid": "✚",
    "registration": "✎",
    "food_court": "☕",
}
# One-click prints: (label, paper, view)
QUICK_PRINTS = (
    (N_("Public map, A3"), "a3", "public"),
    (N_("Entrance board, A1"), "a1", "public"),
    (N_("Organiser map, A4"), "a4", "organiser"),
    (N_("Exhibitor handbook, A4"), "a4", "handbook"),
)


def kind_label(kind: str) -> str:
    return translate(features.KIND_NAMES.get(FeatureKind(kind), kind)) if kind in set(FeatureKind) else kind


@dataclass(frozen=True)
class DoorMark:
    """Where the live map draws a door: a bar on the wall, and its label inside the hall (metres).
    Labels of doors in side walls run along the wall, reading upwards, with their arrows turned too."""

    x: float
    y: float
    w: float
    d: float
    arrow: str
    label_x: float
    label_y: float
    rotate: bool = False


def door_mark(x: float, y: float, w: float, d: float, hall_w: float, hall_d: float, entrance: bool) -> DoorMark:
    bar, snap, cx, cy = 0.4, 0.5, x + w / 2, y + d / 2
    if y <= snap:
        return DoorMark(x, -bar / 2, w, bar, "↓" if entrance else "↑", cx, 1.1)
    if y + d >= hall_d - snap:
        return DoorMark(x, hall_d - bar / 2, w, bar, "↑" if entrance else "↓", cx, hall_d - 0.5)
    if x <= snap:
        return DoorMark(-bar / 2, y, bar, d, "↓" if entrance else "↑", 1.0, cy, rotate=True)
    if x + w >= hall_w - snap:
        return DoorMark(hall_w - bar / 2, y, bar, d, "↑" if entrance else "↓", hall_w - 0.4, cy, rotate=True)
    return DoorMark(x, y, w, d, "", cx, cy + 0.3)


def _svg_context(data: PublicMap) -> dict[str, Any]:
    colours = {c.code: c.color for c in data.clusters}
    halls = []
    for hall in data.halls:
        doors = [
            (f, door_mark(f.x, f.y, f.w, f.d, hall.width, hall.depth, f.kind is FeatureKind.ENTRANCE))
            for f in hall.features
            if f.kind in (FeatureKind.ENTRANCE, FeatureKind.EXIT)
        ]
        halls.append({"hall": hall, "doors": doors, "font": 0.75})
    return {"svg_halls": halls, "colours": colours, "symbols": SYMBOLS}


# --- the public interactive map ----------------------------------------------------------------
@get("/e/{slug:str}/map", include_in_schema=False)
async def public_map_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    user = current_user(request)
    published = await maps.is_published(db_session, expo.id)
    if not published and not (user and user.role is Role.ORGANISER):
        return page(request, "map/unpublished.html", expo=expo)
    data = await maps.public_map(db_session, expo, base_url(request))
    codes = [h.code for h in data.halls]
    active = hall.upper() if hall.upper() in codes else (codes[0] if codes else "")
    kinds = sorted({f.kind.value for h in data.halls for f in h.features if f.kind not in _NOT_FACILITIES})
    return page(
        request,
        "map/public.html",
        expo=expo,
        data=data,
        active_hall=active,
        published=published,
        facilities=[(k, kind_label(k)) for k in kinds],
        kind_label=kind_label,
        **_svg_context(data),
    )


_NOT_FACILITIES = {FeatureKind.COLUMN, FeatureKind.WALL, FeatureKind.AISLE}


@cache
def _service_worker() -> bytes:
    return SERVICE_WORKER.read_bytes()  # read once per process, not on the event loop per request


@get("/e/{slug:str}/map/sw.js", include_in_schema=False)
async def map_service_worker(slug: FromPath[str]) -> Response[bytes]:
    """The map's service worker, served under the map's path so that it may control the map page."""
    return Response(
        _service_worker(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": f"/e/{slug}/", "Cache-Control": "no-cache"},
    )


# --- the organisers' map page ------------------------------------------------------------------
async def _render_admin(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    expo: Expo,
    *,
    error: str | None = None,
    errors: list[str] | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    assert expo.id is not None
    status = await maps.map_status(db_session, expo.id, base_url(request))
    data = await maps.public_map(db_session, expo, base_url(request))
    halls = await venue.list_halls(db_session, expo.id)
    qr_url = maps.live_map_url(base_url(request), expo.slug)
    return page(
        request,
        "map/admin.html",
        status_code=status_code,
        expo=expo,
        status=status,
        data=data,
        halls=halls,
        feature_rows=await features.list_features(db_session, expo.id),
        kinds=[(k.value, kind_label(k.value)) for k in FeatureKind],
        kind_label=kind_label,
        papers=list(PAPERS_MM),
        scales=list(SCALES),
        orientations=ORIENTATIONS,
        views=VIEWS,
        quick_prints=[(gettext(label), paper, view) for label, paper, view in QUICK_PRINTS],
        error=error,
        errors=errors or [],
        notice=notice,
        qr_url=qr_url,
        qr_local=is_loopback(qr_url),
        **_svg_context(data),
    )


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    return await venue.get_expo_by_slug(db_session, slug)


def _problem_lines(exc: DomainError) -> list[str]:
    return [translate(f.message, f.params) for f in exc.fields]


def _back(slug: str, msg: str) -> Redirect:
    return Redirect(path=f"/admin/e/{slug}/map?msg={msg}", status_code=303)


_NOTICES = {
    "published": N_("The map is published."),
    "unpublished": N_("The map is no longer public."),
    "feature_added": N_("The feature is added."),
    "feature_deleted": N_("The feature is deleted."),
    "imported": N_("The features are imported."),
    "rules": N_("The rules are saved."),
}


@get("/admin/e/{slug:str}/map", include_in_schema=False, guards=[requires_organiser])
async def admin_map(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Short] = "",
) -> Template:
    notice = gettext(_NOTICES[msg]) if msg in _NOTICES else None
    return await _render_admin(request, db_session, await _expo(db_session, slug), notice=notice)


@get("/admin/e/{slug:str}/map/print", include_in_schema=False, guards=[requires_organiser])
async def admin_print(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    paper: FromQuery[Short] = "a4",
    orientation: FromQuery[Short] = "auto",
    scale: FromQuery[Short] = "fit",
    view: FromQuery[Short] = "public",
) -> Response[bytes] | Template:
    """One click to a PDF; refusals come back as the map page with the reasons listed."""
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    options = PrintOptions(paper=paper, orientation=orientation, scale=scale, view=view, locale=current_locale.get())
    try:
        pdf = await maps.print_map(
            db_session, expo.id, options, hall=hall or None, base_url=base_url(request), role=Role.ORGANISER
        )
    except DomainError as exc:
        return await _render_admin(
            request,
            db_session,
            expo,
            error=translate(exc.message, exc.params),
            errors=_problem_lines(exc),
            status_code=exc.status,
        )
    name = f"denah-{expo.slug}-{(hall or 'semua').lower()}-{paper.lower()}-{view.lower()}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
    )


@post("/admin/e/{slug:str}/map/publish", include_in_schema=False, guards=[requires_organiser])
async def admin_publish(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template | Redirect:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    try:
        await maps.publish(db_session, expo.id)
    except DomainError as exc:
        await db_session.rollback()
        return await _render_admin(
            request,
            db_session,
            expo,
            error=translate(exc.message, exc.params),
            errors=_problem_lines(exc),
            status_code=exc.status,
        )
    await db_session.commit()
    return _back(slug, "published")


@post("/admin/e/{slug:str}/map/unpublish", include_in_schema=False, guards=[requires_organiser])
async def admin_unpublish(slug: FromPath[str], db_session: NamedDependency[AsyncSession]) -> Redirect:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    await maps.unpublish(db_session, expo.id)
    await db_session.commit()
    return _back(slug, "unpublished")


class FeatureForm(BaseModel):
    hall_id: str = ""
    kind: str = ""
    label: str = ""
    x_m: str = ""
    y_m: str = ""
    width_m: str = ""
    depth_m: str = ""


@post("/admin/e/{slug:str}/map/features", include_in_schema=False, guards=[requires_organiser])
async def admin_add_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[FeatureForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    try:
        create = FeatureCreate.model_validate(data.model_dump())
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {translate(*field_message(e['msg']))}" for e in exc.errors()]
        return await _render_admin(
            request, db_session, expo, error=gettext("Some fields are not valid."), errors=lines, status_code=422
        )
    try:
        await features.create_feature(db_session, expo.id, create)
    except DomainError as exc:
        await db_session.rollback()
        return await _render_admin(
            request,
            db_session,
            expo,
            error=translate(exc.message, exc.params),
            errors=_problem_lines(exc),
            status_code=exc.status,
        )
    await db_session.commit()
    return _back(slug, "feature_added")


@post("/admin/e/{slug:str}/map/features/{feature_id:int}/delete", include_in_schema=False, guards=[requires_organiser])
async def admin_delete_feature(
    slug: FromPath[str], feature_id: FromPath[int], db_session: NamedDependency[AsyncSession]
) -> Redirect:
    expo = await _expo(db_session, slug)
    feature = await features.get_feature(db_session, feature_id)
    if feature.expo_id != expo.id:
        raise NotFound(N_("No such venue feature."), code="feature_not_found")
    await features.delete_feature(db_session, feature_id)
    await db_session.commit()
    return _back(slug, "feature_deleted")


@post(
    "/admin/e/{slug:str}/map/features/import",
    include_in_schema=False,
    guards=[requires_organiser],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def admin_import_features(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
) -> Template | Redirect:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    try:
        raw = await read_upload(request, settings.max_csv_bytes)
        await features.import_features(db_session, expo.id, raw)
    except DomainError as exc:
        await db_session.rollback()
        return await _render_admin(
            request,
            db_session,
            expo,
            error=translate(exc.message, exc.params),
            errors=_problem_lines(exc),
            status_code=exc.status,
        )
    await db_session.commit()
    return _back(slug, "imported")


class RulesForm(BaseModel):
    min_aisle_m: str = ""
    exit_clearance_m: str = ""
    min_access_m: str = ""


@post("/admin/e/{slug:str}/map/rules", include_in_schema=False, guards=[requires_organiser])
async def admin_rules(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[RulesForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Template | Redirect:
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    try:
        rules = MapRulesUpdate.model_validate({k: v for k, v in data.model_dump().items() if v.strip()})
    except ValidationError as exc:
        lines = [f"{'.'.join(str(p) for p in e['loc'])}: {translate(*field_message(e['msg']))}" for e in exc.errors()]
        return await _render_admin(
            request, db_session, expo, error=gettext("Some fields are not valid."), errors=lines, status_code=422
        )
    await features.update_rules(db_session, expo.id, rules)
    await db_session.commit()
    return _back(slug, "rules")


PAGE_HANDLERS = [
    public_map_page,
    map_service_worker,
    admin_map,
    admin_print,
    admin_publish,
    admin_unpublish,
    admin_add_feature,
    admin_delete_feature,
    admin_import_features,
    admin_rules,
]
