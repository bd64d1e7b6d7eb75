"""The public digital catalogue of an expo (built for a cheap phone on 3G): the directory with search
and filters at ``/e/<slug>/catalogue``, one exhibitor's profile at ``/e/<slug>/catalogue/<id>`` (with
Open Graph tags for link previews), and the service worker that keeps both for reading offline."""

import re
from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue import directory
from booths.catalogue.images import image_url
from booths.catalogue.models import Product
from booths.venue import service as venue
from expo.auth import current_user
from expo.formatting import format_rupiah
from expo.i18n import N_, translate
from expo.phones import wa_me_link
from expo.public_url import public_base_url
from expo.templating import STATIC_DIR
from expo.web import page

SERVICE_WORKER = STATIC_DIR / "catalogue-sw.js"
OG_DESCRIPTION_CHARS = 180


def price_text(product: Product) -> str:
    """``Rp 25.000 / botol`` or ``Rp 25.000 – Rp 40.000 / kg``; empty without a price."""
    if product.price_min is None:
        return ""
    text = format_rupiah(product.price_min)
    if product.price_max is not None and product.price_max > product.price_min:
        text += " – " + format_rupiah(product.price_max)
    return f"{text} / {product.unit}" if product.unit else text


def _clean(text: str, limit: int) -> str:
    """Typed text as the database may compare it: no control characters (PostgreSQL refuses NUL), clipped."""
    return "".join(c for c in text if c.isprintable())[:limit]


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


@get("/e/{slug:str}/catalogue", include_in_schema=False)
async def directory_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    db_session: NamedDependency[AsyncSession],
    # Plain strings, clipped and read leniently: a visitor who edits the address gets a page, not a
    # form error naming a parameter.
    q: FromQuery[str] = "",
    category: FromQuery[str] = "",
    regency: FromQuery[str] = "",
    halal: FromQuery[str] = "",
    page_number: Annotated[str, QueryParameter(name="page")] = "1",
) -> Template:
    expo = await venue.visible_expo(db_session, slug, current_user(request))
    assert expo.id is not None
    query = directory.DirectoryQuery(
        q=_clean(q, directory.MAX_QUERY),
        category=_clean(category, 32),
        regency=_clean(regency, 80),
        halal=bool(halal),
        page=int(page_number) if re.fullmatch(r"[0-9]{1,5}", page_number) else 1,
    )
    result = await directory.search(db_session, expo, query)
    base = public_base_url(request)
    return page(
        request,
        "catalogue/directory.html",
        expo=expo,
        result=result,
        facets=await directory.facets(db_session, expo.id),
        image_url=image_url,
        page_query=lambda number: urlencode(
            [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(number))]
        ),
        og={
            "title": translate(N_("Exhibitors of %(expo)s"), {"expo": expo.name}),
            "description": translate(
                N_("Find the businesses, products and booths of %(expo)s, %(venue)s, %(city)s."),
                {"expo": expo.name, "venue": expo.venue, "city": expo.city},
            ),
            "url": f"{base}/e/{expo.slug}/catalogue",
            "image": None,
        },
    )


@get("/e/{slug:str}/catalogue/{exhibitor_id:int}", include_in_schema=False)
async def profile_page(
    request: Request[Any, Any, Any],
    slug: FromPath[str],
    exhibitor_id: FromPath[int],
    db_session: NamedDependency[AsyncSession],
    via: FromQuery[str] = "",
) -> Template:
    expo = await venue.visible_expo(db_session, slug, current_user(request))
    found = await directory.public_profile(db_session, expo, exhibitor_id)
    prefetch = "prefetch" in (request.headers.get("sec-purpose", "") + request.headers.get("purpose", "")).lower()
    if not prefetch and not directory.is_bot(request.headers.get("user-agent")):
        await directory.count_view(db_session, expo, exhibitor_id, via_sign=via == "sign")
        await db_session.commit()
    exhibitor, profile = found.exhibitor, found.profile
    base = public_base_url(request)
    phone = (profile.order_whatsapp if profile and profile.order_whatsapp else None) or exhibitor.whatsapp
    greeting = translate(
        N_("Hello %(name)s, I found you in the catalogue of %(expo)s."), {"name": exhibitor.name, "expo": expo.name}
    )
    logo = image_url(profile.logo_key, 480) if profile else None
    story = profile.story if profile else ""
    return page(
        request,
        "catalogue/profile.html",
        expo=expo,
        found=found,
        exhibitor=exhibitor,
        profile=profile,
        image_url=image_url,
        price_text=price_text,
        order_link=wa_me_link(phone, greeting) if phone else None,
        product_order_link=lambda product: (
            wa_me_link(
                phone, greeting + " " + translate(N_("I would like to order %(product)s."), {"product": product.name})
            )
            if phone
            else None
        ),
        og={
            "title": exhibitor.name,
            "description": _shorten(
                story
                or ", ".join(p.name for p in found.products[:6])
                or translate(N_("Exhibitor at %(expo)s"), {"expo": expo.name}),
                OG_DESCRIPTION_CHARS,
            ),
            "url": f"{base}/e/{expo.slug}/catalogue/{exhibitor_id}",
            "image": f"{base}{logo}" if logo else None,
        },
    )


@cache
def _service_worker() -> bytes:
    return SERVICE_WORKER.read_bytes()  # read once per process, not on the event loop per request


@get("/e/{slug:str}/catalogue/sw.js", include_in_schema=False)
async def catalogue_service_worker(slug: FromPath[str]) -> Response[bytes]:
    """The catalogue's service worker, served under the catalogue's path so that it may control it."""
    return Response(
        _service_worker(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": f"/e/{slug}/catalogue", "Cache-Control": "no-cache"},
    )


PAGE_HANDLERS = [directory_page, profile_page, catalogue_service_worker]
