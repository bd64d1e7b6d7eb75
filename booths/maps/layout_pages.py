"""The organisers' layout editor (``/admin/e/<slug>/layout``): halls, generated blocks of booths, one
booth, venue features, the layout check. Every form works without script; ``layout.js`` adds dragging
(through the JSON API), tapping to edit and placing features and block starts on the plan."""

from collections.abc import Awaitable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.labels import status_label
from booths.maps import features
from booths.maps import service as maps
from booths.maps.models import FeatureKind
from booths.maps.pages import SYMBOLS, kind_label
from booths.maps.schemas import FeatureCreate, FeatureRead, FeatureUpdate
from booths.venue import booth_csv
from booths.venue import service as venue
from booths.venue.models import Booth, Expo, Hall, HallKind
from booths.venue.schemas import BlockBooth, BlockRequest, BoothRead, BoothUpdate, HallCreate, HallUpdate
from expo.accounts import CurrentUser
from expo.auth import requires
from expo.errors import NotFound
from expo.forms import FormBody, FormErrors, Rerender, submit
from expo.i18n import N_, gettext
from expo.permissions import Area
from expo.request_limits import UPLOAD_BODY_LIMIT
from expo.settings import Settings
from expo.web import page, read_upload

Code = Annotated[str, Parameter(max_length=8)]
# A feature placed by a tap gets this size (metres) unless the form says otherwise.
DEFAULT_FEATURE_SIZE = {
    FeatureKind.ENTRANCE: (3.0, 0.5),
    FeatureKind.EXIT: (2.0, 0.5),
    FeatureKind.STAGE: (8.0, 4.0),
    FeatureKind.MUSHOLLA: (4.0, 4.0),
    FeatureKind.TOILET: (4.0, 3.0),
    FeatureKind.FOOD_COURT: (8.0, 6.0),
    FeatureKind.COLUMN: (0.5, 0.5),
    FeatureKind.WALL: (4.0, 0.3),
    FeatureKind.AISLE: (3.0, 10.0),
}

_NOTICES = {
    "hall_added": N_("The hall is added."),
    "hall_saved": N_("The hall is saved."),
    "hall_deleted": N_("The hall is deleted."),
    "block_added": N_("The booths are added."),
    "booth_saved": N_("The booth is saved."),
    "booth_deleted": N_("The booth is deleted."),
    "feature_added": N_("The feature is added."),
    "feature_saved": N_("The feature is saved."),
    "feature_deleted": N_("The feature is deleted."),
    "imported": N_("The booths are imported."),
}


class HallForm(BaseModel):
    code: str = ""
    name: str = ""
    kind: str = "hall"
    width_m: str = ""
    depth_m: str = ""


class HallEditForm(BaseModel):
    name: str = ""
    width_m: str = ""
    depth_m: str = ""


class BlockForm(BaseModel):
    package_id: str = ""
    origin_x_m: str = "2"
    origin_y_m: str = "2"
    rows: str = "2"
    columns: str = "5"
    booth_width_m: str = "3"
    booth_depth_m: str = "3"
    aisle_m: str = "3"
    prefix: str = "A"
    start_number: str = "1"
    number_width: str = "2"
    back_to_back: str = ""
    cluster: str = ""
    action: str = "preview"


class BoothForm(BaseModel):
    code: str = ""
    x_m: str = ""
    y_m: str = ""
    width_m: str = ""
    depth_m: str = ""
    package_id: str = ""
    cluster: str = ""
    blocked: str = ""
    blocked_reason: str = ""


class FeatureForm(BaseModel):
    kind: str = ""
    label: str = ""
    x_m: str = ""
    y_m: str = ""
    width_m: str = ""
    depth_m: str = ""


def _blank(value: str) -> str | None:
    return value.strip() or None


def _path(slug: str, **query: Any) -> str:
    pairs = {k: v for k, v in query.items() if v not in (None, "")}
    return f"/admin/e/{slug}/layout" + (f"?{urlencode(pairs)}" if pairs else "")


def _booth_values(booth: BoothRead) -> dict[str, str]:
    return {
        "code": booth.code,
        "x_m": f"{booth.x_m:g}",
        "y_m": f"{booth.y_m:g}",
        "width_m": f"{booth.width_m:g}",
        "depth_m": f"{booth.depth_m:g}",
        "package_id": str(booth.package_id),
        "cluster": booth.cluster or "",
        "blocked": "on" if booth.status == "blocked" or booth.blocked_reason else "",
        "blocked_reason": booth.blocked_reason or "",
    }


def _feature_values(feature: FeatureRead) -> dict[str, str]:
    return {
        "kind": feature.kind.value,
        "label": feature.label,
        "x_m": f"{feature.x_m:g}",
        "y_m": f"{feature.y_m:g}",
        "width_m": f"{feature.width_m:g}",
        "depth_m": f"{feature.depth_m:g}",
    }


async def _render(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    hall_code: str = "",
    booth_id: int | None = None,
    feature_id: int | None = None,
    notice: str | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    preview: list[Booth] | None = None,
    status_code: int = 200,
) -> Template:
    """The editor for one hall (the named one, else the first); ``form`` names the form that failed or
    is being previewed, shown again with its ``values`` and ``errors``."""
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    halls = await venue.list_halls(db_session, expo.id)
    hall = next((h for h in halls if h.code == hall_code.upper()), halls[0] if halls else None)
    booths: list[BoothRead] = []
    hall_features: list[FeatureRead] = []
    if hall is not None and hall.id is not None:
        booths = await venue.list_booths(db_session, expo.id, hall_id=hall.id, organiser=True)
        hall_features = await features.list_features(db_session, expo.id, hall.id)
    packages = await venue.list_packages(db_session, expo.id)
    clusters = await venue.list_clusters(db_session, expo.id)
    check = maps.check_read(await maps.check_layout(db_session, expo.id))
    selected = next((b for b in booths if b.id == booth_id), None)
    selected_feature = next((f for f in hall_features if f.id == feature_id), None)
    values = values or {}
    forms = {
        "hall": values if form == "hall" else HallForm().model_dump(),
        "hall_edit": values
        if form == "hall_edit"
        else ({"name": hall.name, "width_m": f"{hall.width_m:g}", "depth_m": f"{hall.depth_m:g}"} if hall else {}),
        "block": values
        if form == "block"
        else BlockForm(package_id=str(packages[0].id) if packages else "").model_dump(),
        "booth": values if form == "booth" else (_booth_values(selected) if selected else BoothForm().model_dump()),
        "feature": values
        if form == "feature"
        else (_feature_values(selected_feature) if selected_feature else FeatureForm(kind="musholla").model_dump()),
    }
    if form == "block" and not forms["block"].get("package_id") and packages:
        forms["block"]["package_id"] = str(packages[0].id)
    data = {
        "expo_id": expo.id,
        "slug": expo.slug,
        "hall": {"id": hall.id, "code": hall.code, "w": hall.width_m, "d": hall.depth_m} if hall else None,
        "booths": {
            b.id: {**_booth_values(b), "id": b.id, "status": b.status, "status_label": status_label(b.status)}
            for b in booths
        },
        "features": {f.id: _feature_values(f) | {"id": f.id} for f in hall_features},
        "sizes": {k.value: v for k, v in DEFAULT_FEATURE_SIZE.items()},
        "texts": {
            "saving": gettext("Saving…"),
            "saved": gettext("Saved."),
            "moved": gettext("%(code)s moved."),
            "failed": gettext("Not saved: %(reason)s"),
            "offline": gettext("No connection; nothing was saved."),
            "place": gettext("Tap the plan where the feature goes, or drag to draw its size."),
            "origin": gettext("Tap the plan where the block's first booth goes."),
        },
    }
    return page(
        request,
        "admin/layout.html",
        status_code=status_code,
        expo=expo,
        halls=halls,
        hall=hall,
        booths=booths,
        features=hall_features,
        packages=packages,
        clusters=clusters,
        check=check,
        selected=selected,
        selected_feature=selected_feature,
        forms=forms,
        form=form,
        errors=errors or FormErrors(),
        no_errors=FormErrors(),
        preview=preview or [],
        notice=notice,
        kinds=[(k.value, kind_label(k.value)) for k in FeatureKind],
        hall_kinds=[(k.value, gettext(_HALL_KINDS[k])) for k in HallKind],
        kind_label=kind_label,
        symbols=SYMBOLS,
        data=data,
    )


_HALL_KINDS = {HallKind.HALL: N_("Indoor hall"), HallKind.OUTDOOR: N_("Outdoor area")}


def _again(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    form: str,
    values: dict[str, str],
    *,
    hall_code: str = "",
    booth_id: int | None = None,
    feature_id: int | None = None,
) -> Rerender:
    async def again(errors: FormErrors, status: int) -> Template:
        return await _render(
            request,
            db_session,
            slug,
            hall_code=hall_code,
            booth_id=booth_id,
            feature_id=feature_id,
            form=form,
            values=values,
            errors=errors,
            status_code=status,
        )

    return again


async def _expo_hall(db_session: AsyncSession, slug: str, hall_id: int) -> tuple[Expo, Hall]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    return expo, await venue.get_hall(db_session, hall_id, expo.id)


# --- the page --------------------------------------------------------------------------------------
@get("/admin/e/{slug:str}/layout", include_in_schema=False, guards=[requires(Area.SETUP)])
async def layout_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Code] = "",
    booth: FromQuery[int | None] = None,
    feature: FromQuery[int | None] = None,
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    notice = gettext(_NOTICES[msg]) if msg in _NOTICES else None
    return await _render(request, db_session, slug, hall_code=hall, booth_id=booth, feature_id=feature, notice=notice)


# --- halls -----------------------------------------------------------------------------------------
@post("/admin/e/{slug:str}/layout/halls", include_in_schema=False, guards=[requires(Area.SETUP)])
async def add_hall(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    data: Annotated[HallForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def add() -> Hall:
        create = HallCreate.model_validate(data.model_dump())
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        return await venue.create_hall(db_session, expo.id, create, by=user)

    return await submit(
        db_session,
        add,
        rerender=_again(request, db_session, slug, "hall", data.model_dump()),
        done=lambda hall: _path(slug, hall=hall.code, msg="hall_added"),
        fields=HallForm.model_fields,
        choices=("kind",),
    )


@post("/admin/e/{slug:str}/layout/halls/{hall_id:int}", include_in_schema=False, guards=[requires(Area.SETUP)])
async def edit_hall(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    hall_id: FromPath[int],
    data: Annotated[HallEditForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    hall_code = (await _expo_hall(db_session, slug, hall_id))[1].code

    async def save() -> None:
        update = HallUpdate.model_validate(data.model_dump())
        await venue.update_hall(db_session, hall_id, update, by=user)

    return await submit(
        db_session,
        save,
        rerender=_again(request, db_session, slug, "hall_edit", data.model_dump(), hall_code=hall_code),
        done=_path(slug, hall=hall_code, msg="hall_saved"),
        fields=HallEditForm.model_fields,
    )


@post("/admin/e/{slug:str}/layout/halls/{hall_id:int}/delete", include_in_schema=False, guards=[requires(Area.SETUP)])
async def delete_hall(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    hall_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    hall_code = (await _expo_hall(db_session, slug, hall_id))[1].code

    async def delete() -> None:
        await venue.delete_hall(db_session, hall_id, by=user)

    return await submit(
        db_session,
        delete,
        rerender=_again(request, db_session, slug, "hall_edit", {}, hall_code=hall_code),
        done=_path(slug, msg="hall_deleted"),
    )


# --- a block of booths ------------------------------------------------------------------------------
@post("/admin/e/{slug:str}/layout/halls/{hall_id:int}/block", include_in_schema=False, guards=[requires(Area.SETUP)])
async def add_block(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    hall_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    """``action=preview`` checks the block and draws it dashed; ``action=save`` adds it (all or nothing)."""
    hall_code = (await _expo_hall(db_session, slug, hall_id))[1].code
    values = data.model_dump()
    saving = data.action == "save"

    async def plan() -> list[Booth]:
        fields = values | {"back_to_back": bool(data.back_to_back), "cluster": _blank(data.cluster)}
        block = BlockRequest.model_validate({k: v for k, v in fields.items() if k != "action"})
        if saving:
            return await venue.generate_block(db_session, hall_id, block, by=user)
        return await venue.plan_block(db_session, hall_id, block)

    def shown(booths: list[Booth]) -> str | Awaitable[Template]:
        if saving:
            return _path(slug, hall=hall_code, msg="block_added")
        return _render(request, db_session, slug, hall_code=hall_code, form="block", values=values, preview=booths)

    return await submit(
        db_session,
        plan,
        rerender=_again(request, db_session, slug, "block", values, hall_code=hall_code),
        done=shown,
        fields=BlockForm.model_fields,
        choices=("package_id", "cluster"),
    )


# --- one booth ----------------------------------------------------------------------------------------
@post("/admin/e/{slug:str}/layout/booths/{booth_id:int}", include_in_schema=False, guards=[requires(Area.SETUP)])
async def edit_booth(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BoothForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    booth = await venue.get_booth(db_session, booth_id, expo.id)
    hall = await venue.get_hall(db_session, booth.hall_id)
    hall_code = hall.code

    async def save() -> None:
        fields = data.model_dump(exclude={"blocked", "blocked_reason"})
        update = BoothUpdate.model_validate(fields | {"cluster": _blank(data.cluster)})
        await venue.update_booth(db_session, booth_id, update, by=user)
        reason = BlockBooth.model_validate({"reason": data.blocked_reason}).reason
        await venue.set_blocked(db_session, booth_id, bool(data.blocked), reason, by=user)

    return await submit(
        db_session,
        save,
        rerender=_again(request, db_session, slug, "booth", data.model_dump(), hall_code=hall_code, booth_id=booth_id),
        done=_path(slug, hall=hall_code, booth=booth_id, msg="booth_saved"),
        fields=BoothForm.model_fields,
        choices=("package_id", "cluster"),
    )


@post("/admin/e/{slug:str}/layout/booths/{booth_id:int}/delete", include_in_schema=False, guards=[requires(Area.SETUP)])
async def delete_booth(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    booth_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    booth = await venue.get_booth(db_session, booth_id, expo.id)
    hall_code = (await venue.get_hall(db_session, booth.hall_id)).code

    async def delete() -> None:
        await venue.delete_booth(db_session, booth_id, by=user)

    return await submit(
        db_session,
        delete,
        rerender=_again(request, db_session, slug, "booth", {}, hall_code=hall_code, booth_id=booth_id),
        done=_path(slug, hall=hall_code, msg="booth_deleted"),
    )


# --- venue features -----------------------------------------------------------------------------------
def _feature_fields(data: FeatureForm) -> dict[str, Any]:
    return {k: v for k, v in data.model_dump().items() if k == "label" or v.strip()}


@post(
    "/admin/e/{slug:str}/layout/halls/{hall_id:int}/features",
    include_in_schema=False,
    guards=[requires(Area.SETUP)],
)
async def add_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    hall_id: FromPath[int],
    data: Annotated[FeatureForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo, hall = await _expo_hall(db_session, slug, hall_id)
    assert expo.id is not None
    expo_id, hall_code = expo.id, hall.code

    async def add() -> None:
        create = FeatureCreate.model_validate(_feature_fields(data) | {"hall_id": hall_id})
        await features.create_feature(db_session, expo_id, create, by=user)

    return await submit(
        db_session,
        add,
        rerender=_again(request, db_session, slug, "feature", data.model_dump(), hall_code=hall_code),
        done=_path(slug, hall=hall_code, msg="feature_added"),
        fields=FeatureForm.model_fields,
        choices=("kind",),
    )


async def _own_feature(db_session: AsyncSession, slug: str, feature_id: int) -> tuple[int, str]:
    """The feature's id and its hall's code, if it belongs to the expo of ``slug``."""
    expo = await venue.get_expo_by_slug(db_session, slug)
    feature = await features.get_feature(db_session, feature_id)
    if feature.expo_id != expo.id:
        raise NotFound(N_("No such venue feature."), code="feature_not_found")
    return feature_id, (await venue.get_hall(db_session, feature.hall_id)).code


@post("/admin/e/{slug:str}/layout/features/{feature_id:int}", include_in_schema=False, guards=[requires(Area.SETUP)])
async def edit_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    feature_id: FromPath[int],
    data: Annotated[FeatureForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    _, hall_code = await _own_feature(db_session, slug, feature_id)

    async def save() -> None:
        update = FeatureUpdate.model_validate(_feature_fields(data))
        await features.update_feature(db_session, feature_id, update, by=user)

    return await submit(
        db_session,
        save,
        rerender=_again(
            request, db_session, slug, "feature", data.model_dump(), hall_code=hall_code, feature_id=feature_id
        ),
        done=_path(slug, hall=hall_code, feature=feature_id, msg="feature_saved"),
        fields=FeatureForm.model_fields,
        choices=("kind",),
    )


@post(
    "/admin/e/{slug:str}/layout/features/{feature_id:int}/delete",
    include_in_schema=False,
    guards=[requires(Area.SETUP)],
)
async def delete_feature(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    feature_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    _, hall_code = await _own_feature(db_session, slug, feature_id)

    async def delete() -> None:
        await features.delete_feature(db_session, feature_id, by=user)

    return await submit(
        db_session,
        delete,
        rerender=_again(request, db_session, slug, "feature", {}, hall_code=hall_code, feature_id=feature_id),
        done=_path(slug, hall=hall_code, msg="feature_deleted"),
    )


# --- CSV ------------------------------------------------------------------------------------------------
@post(
    "/admin/e/{slug:str}/layout/import",
    include_in_schema=False,
    guards=[requires(Area.SETUP)],
    request_max_body_size=UPLOAD_BODY_LIMIT,
)
async def import_booths(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    settings: NamedDependency[Settings],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def import_csv() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        assert expo.id is not None
        raw = await read_upload(request, settings.max_csv_bytes)
        await booth_csv.import_booths(db_session, expo.id, raw, by=user)

    return await submit(
        db_session,
        import_csv,
        rerender=_again(request, db_session, slug, "import", {}),
        done=_path(slug, msg="imported"),
    )


PAGE_HANDLERS = [
    layout_page,
    add_hall,
    edit_hall,
    delete_hall,
    add_block,
    edit_booth,
    delete_booth,
    add_feature,
    edit_feature,
    delete_feature,
    import_booths,
]
