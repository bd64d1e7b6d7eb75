"""Organiser pages of the venue: the overview of expos, the booths list (block and unblock), and the
expo itself: a new expo, its settings (facts, dates, hours per day, contact), its state, and a copy
into next year's edition."""

import re
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from booths.labels import expo_notice, notice_text
from booths.venue import service as venue
from booths.venue.copying import copy_expo
from booths.venue.lifecycle import expo_state
from booths.venue.schemas import BoothRead, BoothStatus, ExpoCopy, ExpoCreate, ExpoSettings, StateSwitch
from expo.accounts import CurrentUser
from expo.auth import requires, requires_expo_creator
from expo.formatting import format_date
from expo.forms import FormBody, FormErrors, back_filters, back_to, submit
from expo.paging import LIST_KEYS, PageQuery, SortQuery, natural, paginate
from expo.permissions import Area
from expo.text import Line
from expo.web import page

BOOTH_STATUSES: tuple[BoothStatus, ...] = ("available", "held", "confirmed", "blocked")
_BOOTH_FILTERS = ("hall", "status", "cluster", *LIST_KEYS)
BOOTH_ORDERS: dict[str, Callable[[BoothRead], Any]] = {
    "booth": lambda b: (natural(b.hall_code), natural(b.code)),
    "type": lambda b: (b.booth_type, b.width_m * b.depth_m),
    "cluster": lambda b: b.cluster,
    "package": lambda b: b.package_code,
    "price": lambda b: b.price,
    "status": lambda b: b.status,
    "exhibitor": lambda b: b.exhibitor_name.casefold() if b.exhibitor_name else None,
}


# --- overview ------------------------------------------------------------------------------------
@get("/admin", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_home(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], user: NamedDependency[CurrentUser]
) -> Template:
    """The expos the asker serves (each committee sees only its own)."""
    rows = []
    for expo in await venue.list_expos(db_session):
        if not user.serves(expo.id):
            continue
        booths = await venue.list_booths(db_session, expo.id, organiser=True)
        counts = Counter(b.status for b in booths)
        registered = await exhibitors.count_exhibitors(db_session, expo.id)
        rows.append({"expo": expo, "counts": counts, "total": len(booths), "exhibitors": registered})
    return page(request, "admin/index.html", rows=rows, statuses=BOOTH_STATUSES)


# --- booths --------------------------------------------------------------------------------------
class BlockForm(BaseModel):
    reason: Line = ""
    back: str = ""


async def _render_booths(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    filters: dict[str, str],
    *,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    halls = await venue.list_halls(db_session, expo.id)
    clusters = await venue.list_clusters(db_session, expo.id)
    hall_id = next((h.id for h in halls if h.code == filters.get("hall")), None)
    status = next((s for s in BOOTH_STATUSES if s == filters.get("status")), None)
    cluster = next((c.code for c in clusters if c.code == filters.get("cluster")), None)
    booths = await venue.list_booths(
        db_session, expo.id, hall_id=hall_id, status=status, cluster=cluster, organiser=True
    )
    packages = {p.id: p for p in await venue.list_packages(db_session, expo.id)}
    current = {"hall": filters.get("hall", ""), "status": status or "", "cluster": cluster or ""}
    listing = paginate(
        booths,
        page=filters.get("page", ""),
        sort=filters.get("sort", ""),
        orders=BOOTH_ORDERS,
        default="booth",
        filters=current,
    )
    return page(
        request,
        "admin/booths.html",
        status_code=status_code,
        expo=expo,
        halls=halls,
        clusters={c.code: c for c in clusters},
        packages=packages,
        booths=listing.items,
        listing=listing,
        statuses=BOOTH_STATUSES,
        filters=current,
        back=listing.back,
        notice=notice,
        error=error,
    )


@get("/admin/e/{slug:str}/booths", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_booths(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    hall: FromQuery[Annotated[str, Parameter(max_length=8)]] = "",
    status: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
    cluster: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
    page_number: PageQuery = "",
    sort: SortQuery = "",
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    filters = {"hall": hall, "status": status, "cluster": cluster, "page": page_number, "sort": sort}
    return await _render_booths(request, db_session, slug, filters, notice=notice_text(msg))


async def _set_blocked(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    *,
    slug: str,
    booth_id: int,
    form: BlockForm,
    blocked: bool,
    user: CurrentUser,
) -> Response[Any]:
    async def act() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await venue.get_booth(db_session, booth_id, expo.id)
        await venue.set_blocked(db_session, booth_id, blocked, form.reason.strip()[:200], by=user)

    async def again(errors: FormErrors, status: int) -> Template:
        filters = back_filters(form.back, _BOOTH_FILTERS)
        return await _render_booths(request, db_session, slug, filters, error=errors.text(), status_code=status)

    done = back_to(f"/admin/e/{slug}/booths", form.back, _BOOTH_FILTERS, "blocked" if blocked else "unblocked")
    return await submit(db_session, act, rerender=again, done=done)


@post("/admin/e/{slug:str}/booths/{booth_id:int}/block", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_block_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=True, user=user)


@post("/admin/e/{slug:str}/booths/{booth_id:int}/unblock", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_unblock_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=False, user=user)


# --- the expo: new, settings, state, copy --------------------------------------------------------
TIME_ZONES = (("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"))
LANGUAGES = (("id", "Bahasa Indonesia"), ("en", "English"))
_EXPO_FIELDS = (
    "name",
    "slug",
    "city",
    "venue",
    "starts_on",
    "ends_on",
    "opens_at",
    "closes_at",
    "timezone",
    "languages",
    "contact_whatsapp",
    "contact_email",
)


class ExpoForm(BaseModel):
    """The new-expo and settings forms (the settings form sends the hours of each day instead of one
    pair for every day)."""

    name: Line = ""
    slug: Line = ""
    city: Line = ""
    venue: Line = ""
    starts_on: Line = ""
    ends_on: Line = ""
    opens_at: Line = "09:00"
    closes_at: Line = "21:00"
    timezone: Line = "Asia/Jakarta"
    languages: list[Line] = []
    contact_whatsapp: Line = ""
    contact_email: Line = ""
    day: list[Line] = []
    opens: list[Line] = []
    closes: list[Line] = []

    @field_validator("languages", "day", "opens", "closes", mode="before")
    @classmethod
    def _many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


def _expo_values(form: ExpoForm) -> dict[str, Any]:
    values: dict[str, Any] = form.model_dump(exclude={"day", "opens", "closes"})
    values["slug"] = form.slug.strip().lower()
    for optional in ("contact_whatsapp", "contact_email"):
        values[optional] = values[optional].strip() or None
    return values


def _day_label(day: str) -> str:
    try:
        return format_date(date.fromisoformat(day), fmt="EEEE, d MMMM y")
    except ValueError:
        return day


def _day_rows(form: ExpoForm) -> list[dict[str, str]]:
    return [
        {"day": day, "label": _day_label(day), "opens": opens, "closes": closes}
        for day, opens, closes in zip(form.day, form.opens, form.closes, strict=False)
    ]


def _render_expo_form(
    request: Request[Any, Any, Any],
    template: str,
    *,
    form: dict[str, Any],
    errors: FormErrors | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    return page(
        request,
        template,
        status_code=status_code,
        form=form,
        errors=errors or FormErrors(),
        time_zones=TIME_ZONES,
        languages=LANGUAGES,
        **context,
    )


@get("/admin/expos/new", include_in_schema=False, guards=[requires_expo_creator])
async def new_expo_page(request: Request[Any, Any, Any]) -> Template:
    form = ExpoForm(languages=["id", "en"]).model_dump()
    return _render_expo_form(request, "admin/expo_new.html", form=form)


@post("/admin/expos/new", include_in_schema=False, guards=[requires_expo_creator])
async def new_expo_submit(
    request: Request[Any, Any, Any],
    *,
    data: Annotated[ExpoForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    async def act() -> str:
        values = _expo_values(data) | {"published": False, "booking_open": False}  # a draft to set up first
        expo = await venue.create_expo(db_session, ExpoCreate.model_validate(values), created_by=user)
        return expo.slug

    async def again(errors: FormErrors, status: int) -> Template:
        form = data.model_dump()
        return _render_expo_form(request, "admin/expo_new.html", form=form, errors=errors, status_code=status)

    return await submit(
        db_session,
        act,
        rerender=again,
        done=lambda slug: f"/admin/e/{slug}/settings?msg=expo_created",
        fields=_EXPO_FIELDS,
        choices={"timezone", "languages"},
    )


async def _render_settings(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: ExpoForm | None = None,
    errors: FormErrors | None = None,
    notice: str | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    days = await venue.expo_days(db_session, expo.id)
    if form is None:
        form = ExpoForm(
            **{k: str(getattr(expo, k) or "") for k in ("name", "slug", "city", "venue", "timezone")},
            starts_on=expo.starts_on.isoformat(),
            ends_on=expo.ends_on.isoformat(),
            languages=list(expo.languages),
            contact_whatsapp=expo.contact_whatsapp or "",
            contact_email=expo.contact_email or "",
            day=[d.day.isoformat() for d in days],
            opens=[f"{d.opens_at:%H:%M}" for d in days],
            closes=[f"{d.closes_at:%H:%M}" for d in days],
        )
    return _render_expo_form(
        request,
        "admin/expo_settings.html",
        form=form.model_dump(),
        rows=_day_rows(form),
        errors=errors,
        status_code=status_code,
        expo=expo,
        state=expo_state(expo),
        section="settings",
        notice=notice,
    )


@get("/admin/e/{slug:str}/settings", include_in_schema=False, guards=[requires(Area.SETUP)])
async def expo_settings_page(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    msg: FromQuery[Annotated[str, Parameter(max_length=32)]] = "",
) -> Template:
    return await _render_settings(request, db_session, slug, notice=expo_notice(msg))


@post("/admin/e/{slug:str}/settings", include_in_schema=False, guards=[requires(Area.SETUP)])
async def expo_settings_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[ExpoForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def act() -> str:
        values = _expo_values(data)
        values.pop("opens_at")
        values.pop("closes_at")
        values["hours"] = [
            {"day": row["day"], "opens_at": row["opens"], "closes_at": row["closes"]} for row in _day_rows(data)
        ]
        saved = await venue.update_settings(db_session, expo_id, ExpoSettings.model_validate(values), user)
        return saved.slug

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_settings(request, db_session, slug, form=data, errors=errors, status_code=status)

    rows = range(len(data.day))
    fields = (*_EXPO_FIELDS, *(f"hours.{i}.{part}" for i in rows for part in ("day", "opens_at", "closes_at")))
    return await submit(
        db_session,
        act,
        rerender=again,
        done=lambda new_slug: f"/admin/e/{new_slug}/settings?msg=expo_saved",
        fields=fields,
        choices={"timezone", "languages"},
    )


class SwitchForm(BaseModel):
    switch: Line = ""


@post("/admin/e/{slug:str}/state", include_in_schema=False, guards=[requires(Area.SETUP)])
async def expo_state_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[SwitchForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    expo = await venue.get_expo_by_slug(db_session, slug)
    assert expo.id is not None
    expo_id = expo.id

    async def act() -> None:
        switch = StateSwitch.model_validate({"switch": data.switch}).switch
        await venue.switch_state(db_session, expo_id, switch, user)

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_settings(request, db_session, slug, errors=errors, status_code=status)

    return await submit(db_session, act, rerender=again, done=f"/admin/e/{slug}/settings?msg={data.switch[:20]}")


class CopyForm(BaseModel):
    name: Line = ""
    slug: Line = ""
    starts_on: Line = ""


def _next_year(text: str) -> str:
    """``Expo 2026`` -> ``Expo 2027``: every year in a name or short address moves on by one."""
    return re.sub(r"(?<!\d)(20\d\d)(?!\d)", lambda m: str(int(m.group(1)) + 1), text)


async def _render_copy(
    request: Request[Any, Any, Any],
    db_session: AsyncSession,
    slug: str,
    *,
    form: CopyForm | None = None,
    errors: FormErrors | None = None,
    status_code: int = 200,
) -> Template:
    expo = await venue.get_expo_by_slug(db_session, slug)
    if form is None:
        next_year = expo.starts_on.year + 1
        try:
            suggestion = expo.starts_on.replace(year=next_year)
        except ValueError:  # 29 February
            suggestion = expo.starts_on + timedelta(days=365)
        slug = _next_year(expo.slug)
        form = CopyForm(
            name=_next_year(expo.name),
            slug=slug if slug != expo.slug else f"{expo.slug[:55]}-{next_year}",
            starts_on=suggestion.isoformat(),
        )
    return _render_expo_form(
        request,
        "admin/expo_copy.html",
        form=form.model_dump(),
        errors=errors,
        status_code=status_code,
        expo=expo,
        days=(expo.ends_on - expo.starts_on).days + 1,
        section="settings",
    )


@get("/admin/e/{slug:str}/copy", include_in_schema=False, guards=[requires(Area.SETUP), requires_expo_creator])
async def expo_copy_page(
    request: Request[Any, Any, Any], *, slug: FromPath[str], db_session: NamedDependency[AsyncSession]
) -> Template:
    return await _render_copy(request, db_session, slug)


@post("/admin/e/{slug:str}/copy", include_in_schema=False, guards=[requires(Area.SETUP), requires_expo_creator])
async def expo_copy_submit(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    data: Annotated[CopyForm, FormBody],
    db_session: NamedDependency[AsyncSession],
    user: NamedDependency[CurrentUser],
) -> Response[Any]:
    source = await venue.get_expo_by_slug(db_session, slug)
    assert source.id is not None
    source_id = source.id

    async def act() -> str:
        values = data.model_dump() | {"slug": data.slug.strip().lower()}
        expo = await copy_expo(db_session, source_id, ExpoCopy.model_validate(values), user)
        return expo.slug

    async def again(errors: FormErrors, status: int) -> Template:
        return await _render_copy(request, db_session, slug, form=data, errors=errors, status_code=status)

    return await submit(
        db_session,
        act,
        rerender=again,
        done=lambda new_slug: f"/admin/e/{new_slug}/settings?msg=expo_copied",
        fields=("name", "slug", "starts_on"),
    )


PAGE_HANDLERS = [
    admin_home,
    admin_booths,
    admin_block_booth,
    admin_unblock_booth,
    new_expo_page,
    new_expo_submit,
    expo_settings_page,
    expo_settings_submit,
    expo_state_submit,
    expo_copy_page,
    expo_copy_submit,
]
