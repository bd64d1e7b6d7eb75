"""Organiser pages of the venue: the overview of expos, and the booths list (block and unblock)."""

from collections import Counter
from collections.abc import Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from booths.exhibitors import service as exhibitors
from booths.labels import notice_text
from booths.venue import service as venue
from booths.venue.schemas import BoothRead, BoothStatus
from expo.accounts import CurrentUser
from expo.auth import requires
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
        registered = await exhibitors.list_exhibitors(db_session, expo.id, limit=100_000)
        rows.append({"expo": expo, "counts": counts, "total": len(booths), "exhibitors": len(registered)})
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
) -> Response[Any]:
    async def act() -> None:
        expo = await venue.get_expo_by_slug(db_session, slug)
        await venue.get_booth(db_session, booth_id, expo.id)
        await venue.set_blocked(db_session, booth_id, blocked, form.reason.strip()[:200])

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
) -> Response[Any]:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=True)


@post("/admin/e/{slug:str}/booths/{booth_id:int}/unblock", include_in_schema=False, guards=[requires(Area.SETUP)])
async def admin_unblock_booth(
    request: Request[Any, Any, Any],
    *,
    slug: FromPath[str],
    booth_id: FromPath[int],
    data: Annotated[BlockForm, FormBody],
    db_session: NamedDependency[AsyncSession],
) -> Response[Any]:
    return await _set_blocked(request, db_session, slug=slug, booth_id=booth_id, form=data, blocked=False)


PAGE_HANDLERS = [admin_home, admin_booths, admin_block_booth, admin_unblock_booth]
