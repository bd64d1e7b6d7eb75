"""The organisers' map page: venue features, layout check, one-click printing, publishing."""

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.maps import features
from booths.maps import service as maps
from booths.maps.api import base_url
from booths.maps.draw.document import ORIENTATIONS, PAPERS_MM, SCALES, VIEWS, PrintOptions
from booths.maps.models import FeatureKind
from booths.maps.pages import kind_label, svg_context
from booths.maps.schemas import FeatureCreate, MapRulesUpdate
from booths.venue import service as venue
from booths.venue.models import Expo
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, Rerender, submit
from expo.i18n import N_, current_locale, gettext, translate
from expo.models import Role
from expo.permissions import Area
from expo.public_url import is_loopback
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import page, read_upload

Short = Annotated[str, Parameter(max_length=12)]
# One-click prints: (label, paper, view)
QUICK_PRINTS = (
    (N_("Public map, A3"), "a3", "public"),
    (N_("Entrance board, A1"), "a1", "public"),
    (N_("Organiser map, A4"), "a4", "organiser"),
    (N_("Exhibitor handbook, A4"), "a4", "handbook"),
)


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
        **svg_context(data),
    )


async def _expo(db_session: AsyncSession, slug: str) -> Expo:
    return await venue.get_expo_by_slug(db_session, slug)


# The map page's form fields as its labels name them (message ids of the template).
_FIELD_LABELS = {
    "hall_id": N_("Hall"),
    "kind": N_("Kind"),
    "label": N_("Label"),
    "x_m": "x",
    "y_m": "y",
    "width_m": N_("Width"),
    "depth_m": N_("Depth"),
    "min_aisle_m": N_("Minimum aisle (m)"),
    "exit_clearance_m": N_("Clear in front of exits (m)"),
    "min_access_m": N_("Open booth front (m)"),
}


def _admin_again(request: Request[Any, Any, Any], db_session: AsyncSession, slug: str) -> Rerender:
    """Shows the map page again: the refusal as a headline, and below it each reason."""

    async def again(errors: FormErrors, status: int) -> Template:
        lines = [m for m in errors.general if m != errors.message]
        lines += [f"{translate(_FIELD_LABELS[name])}: {text}" for name, text in errors.fields.items()]
        expo = await _expo(db_session, slug)  # read afresh: the rollback expired the request's rows
        return await _render_admin(request, db_session, expo, error=errors.message, errors=lines, status_code=status)

    return again


def _back(slug: str, msg: str) -> str:
    return f"/admin/e/{slug}/map?msg={msg}"


_NOTICES = {
    "published": N_("The map is published."),
    "unpublished": N_("The map is no longer public."),
    "feature_added": N_("The feature is added."),
    "feature_deleted": N_("The feature is deleted."),
    "imported": N_("The features are imported."),
    "rules": N_("The rules are saved."),
}


@get("/admin/e/{slug:str}/map", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_map(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Short] = "",
) -> Template:
    notice = gettext(_NOTICES[msg]) if msg in _NOTICES else None
    return await _render_admin(request, db_session, await _expo(db_session, slug), notice=notice)


@get("/admin/e/{slug:str}/map/print", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_print(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    paper: FromQuery[Short] = "a4",
    orientation: FromQuery[Short] = "auto",
    scale: FromQuery[Short] = "fit",
    view: FromQuery[Short] = "public",
) -> Response[Any]:
    """One click to a PDF; refusals come back as the map page with the reasons listed."""
    expo = await _expo(db_session, slug)
    assert expo.id is not None
    options = PrintOptions(paper=paper, orientation=orientation, scale=scale, view=view, locale=current_locale.get())
    expo_id = expo.id

    async def draw() -> bytes:
        return await maps.print_map(
            db_session, expo_id, options, hall=hall or None, base_url=base_url(request), role=Role.ORGANISER
        )

    def pdf_response(pdf: bytes) -> Response[bytes]:
        name = f"denah-{slug}-{(hall or 'semua').lower()}-{paper.lower()}-{view.lower()}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"},
        )

    return await submit(db_session, draw, rerender=_admin_again(request, db_session, slug), done=pdf_response)


@post("/admin/e/{slug:str}/map/publish", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_publish(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    async def publish() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await maps.publish(db_session, expo.id)

    return await submit(
        db_session, publish, rerender=_admin_again(request, db_session, slug), done=_back(slug, "published")
    )


@post("/admin/e/{slug:str}/map/unpublish", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_unpublish(
    request: Request[Any, Any, Any], slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Response[Any]:
    async def unpublish() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await maps.unpublish(db_session, expo.id)

    return await submit(
        db_session, unpublish, rerender=_admin_again(request, db_session, slug), done=_back(slug, "unpublished")
    )


class FeatureForm(BaseModel):
    hall_id: str = ""
    kind: str = ""
    label: str = ""
    x_m: str = ""
    y_m: str = ""
    width_m: str = ""
    depth_m: str = ""


@post("/admin/e/{slug:str}/map/features", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_add_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[FeatureForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def add() -> None:
        create = FeatureCreate.model_validate(data.model_dump())
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await features.create_feature(db_session, expo.id, create, by=user)

    return await submit(
        db_session,
        add,
        rerender=_admin_again(request, db_session, slug),
        done=_back(slug, "feature_added"),
        fields=FeatureForm.model_fields,
    )


@post(
    "/admin/e/{slug:str}/map/features/{feature_id:int}/delete",
    include_in_schema=False,
    guards=[requires(Area.SETUP)],
)
async def admin_delete_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    feature_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def delete() -> None:
        expo = await _expo(db_session, slug)
        feature = await features.get_feature(db_session, feature_id)
        if feature.expo_id != expo.id:
            raise NotFound(N_("No such venue feature."), code="feature_not_found")
        await features.delete_feature(db_session, feature_id, by=user)

    return await submit(
        db_session, delete, rerender=_admin_again(request, db_session, slug), done=_back(slug, "feature_deleted")
    )


@post(
    "/admin/e/{slug:str}/map/features/import",
    include_in_schema=False,
    guards=[requires(Area.SETUP)],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def admin_import_features(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def import_csv() -> None:
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        raw = await read_upload(request, settings.max_csv_bytes)
        await features.import_features(db_session, expo.id, raw, by=user)

    return await submit(
        db_session, import_csv, rerender=_admin_again(request, db_session, slug), done=_back(slug, "imported")
    )


class RulesForm(BaseModel):
    min_aisle_m: str = ""
    exit_clearance_m: str = ""
    min_access_m: str = ""


@post("/admin/e/{slug:str}/map/rules", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_rules(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[RulesForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    async def save() -> None:
        rules = MapRulesUpdate.model_validate({k: v for k, v in data.model_dump().items() if v.strip()})
        expo = await _expo(db_session, slug)
        assert expo.id is not None
        await features.update_rules(db_session, expo.id, rules)

    return await submit(
        db_session,
        save,
        rerender=_admin_again(request, db_session, slug),
        done=_back(slug, "rules"),
        fields=RulesForm.model_fields,
    )


PAGE_HANDLERS = [
    admin_map,
    admin_print,
    admin_publish,
    admin_unpublish,
    admin_add_feature,
    admin_delete_feature,
    admin_import_features,
    admin_rules,
]
