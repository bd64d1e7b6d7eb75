"""The public interactive booth map (``/e/<slug>/map``, offline-capable) and the drawing helpers the
organisers' map page (``admin_pages.py``) shares."""

from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.maps import features
from booths.maps import service as maps
from booths.maps.api import base_url
from booths.maps.models import FeatureKind
from booths.maps.schemas import PublicMap
from booths.venue import service as venue
from expo.auth import current_user
from expo.formatting import utcnow
from expo.i18n import translate
from expo.templating import STATIC_DIR
from expo.web import page

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


def svg_context(data: PublicMap) -> dict[str, Any]:
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
    booth: FromQuery[Annotated[str, Parameter(max_length=16)]] = "",
) -> Template:
    expo = await venue.visible_expo(db_session, slug, current_user(request))
    assert expo.id is not None
    user = current_user(request)
    published = await maps.is_published(db_session, expo.id)
    if not published and not (user and user.serves(expo.id)):
        return page(request, "map/unpublished.html", expo=expo)
    data = await maps.public_map(db_session, expo, base_url(request))
    codes = [h.code for h in data.halls]
    active = hall.upper() if hall.upper() in codes else (codes[0] if codes else "")
    # ?booth=<code> (the catalogue's "see on the map"): open that booth's hall (map.js highlights it).
    focus = next((b.code for h in data.halls for b in h.booths if b.code.upper() == booth.strip().upper()), "")
    if focus:
        active = next(h.code for h in data.halls if any(b.code == focus for b in h.booths))
    kinds = sorted({f.kind.value for h in data.halls for f in h.features if f.kind not in _NOT_FACILITIES})
    return page(
        request,
        "map/public.html",
        expo=expo,
        data=data,
        active_hall=active,
        published=published,
        as_of=utcnow(),  # a phone may show this page from its cache later: say when it was read
        facilities=[(k, kind_label(k)) for k in kinds],
        kind_label=kind_label,
        **svg_context(data),
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


PAGE_HANDLERS = [public_map_page, map_service_worker]
