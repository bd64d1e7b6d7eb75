"""The public directory of an expo's exhibitors: who is listed, search and filters, one public profile,
and counting its views.

Listed are the exhibitors whose booking is confirmed (the booth map shows the same ones: a hold that
may still lapse is not public) and every co-exhibitor on such a shared stand, each with its booth.
Search looks at the exhibitor's name, pesantren and own description, its category (the product
cluster's name) and its products' names and descriptions; every word typed must match somewhere.
"Halal" means a verified halal badge (``booths.documents.badges``), never a number only typed in.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.applications.models import BookingCoExhibitor
from booths.applications.stands import stand_members
from booths.bookings.models import Booking, BookingStatus
from booths.catalogue import stats
from booths.catalogue.models import ExhibitorProfile, Product, StatKind
from booths.documents.badges import verified_badges
from booths.documents.models import Badge
from booths.exhibitors.models import Exhibitor
from booths.venue.lifecycle import expo_today
from booths.venue.models import Booth, Expo, Hall, ProductCluster
from expo.database import contains_pattern
from expo.errors import NotFound
from expo.i18n import N_

PAGE_SIZE = 20
MAX_QUERY = 100  # characters of a search
MAX_TERMS = 6  # words of a search; more add nothing but work
SNIPPET_PRODUCTS = 3  # product names shown under a result


@dataclass(frozen=True)
class Stand:
    """A booth an exhibitor is found at (its own, or the shared stand it is a partner on)."""

    booth_code: str
    hall_code: str
    hall_name: str
    booking_id: int
    shared: bool  # the exhibitor is a co-exhibitor on another's booking


@dataclass(frozen=True)
class Listing:
    """One result of the directory."""

    exhibitor_id: int
    name: str
    pesantren: str | None
    regency: str
    exhibitor_class: str
    category: str | None  # the product cluster's name
    logo_key: str | None
    stands: list[Stand]
    badges: list[Badge]
    products: list[str]  # a few product names: those matching the search first


@dataclass(frozen=True)
class DirectoryQuery:
    q: str = ""
    category: str = ""
    regency: str = ""
    halal: bool = False
    page: int = 1

    @property
    def terms(self) -> list[str]:
        return [t for t in re.split(r"\s+", self.q.strip().lower()) if t][:MAX_TERMS]

    @property
    def filtered(self) -> bool:
        return bool(self.terms or self.category or self.regency or self.halal)


@dataclass(frozen=True)
class DirectoryPage:
    query: DirectoryQuery
    items: list[Listing]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class Facets:
    """What the directory's filters offer: categories (code, name, how many listed) and regencies."""

    categories: list[tuple[str, str, int]]
    regencies: list[str]
    listed: int


@dataclass(frozen=True)
class Partner:
    exhibitor_id: int
    name: str


@dataclass(frozen=True)
class PublicProfile:
    exhibitor: Exhibitor
    profile: ExhibitorProfile | None
    products: list[Product]
    stands: list[Stand]
    partners: list[Partner]  # the other businesses on its shared stand(s)
    badges: list[Badge]
    category: str | None
    links: dict[str, str] = field(default_factory=dict)  # marketplace and social links, http(s) only


NOT_LISTED = N_("This exhibitor is not in the catalogue of this expo.")


# --- who is listed ---------------------------------------------------------------------------------
def _listed(expo_id: int) -> sa.Subquery:
    """(exhibitor_id, booking_id, booth_id, shared) of every listed exhibitor and stand."""
    confirmed = sa.and_(col(Booking.expo_id) == expo_id, col(Booking.status) == BookingStatus.CONFIRMED)
    own: Any = sa.select(
        col(Booking.exhibitor_id).label("exhibitor_id"),
        col(Booking.id).label("booking_id"),
        col(Booking.booth_id).label("booth_id"),
        sa.literal(False).label("shared"),
    ).where(confirmed)
    partners: Any = (
        sa.select(
            col(BookingCoExhibitor.exhibitor_id).label("exhibitor_id"),
            col(Booking.id).label("booking_id"),
            col(Booking.booth_id).label("booth_id"),
            sa.literal(True).label("shared"),
        )
        .join(Booking, col(Booking.id) == col(BookingCoExhibitor.booking_id))
        .where(confirmed)
    )
    return sa.union_all(own, partners).subquery("listed")


async def _stands(session: AsyncSession, expo_id: int, exhibitor_ids: list[int]) -> dict[int, list[Stand]]:
    listed = _listed(expo_id)
    rows = (
        await session.execute(
            sa.select(listed.c.exhibitor_id, col(Booth.code), col(Hall.code), col(Hall.name), listed.c.booking_id)
            .add_columns(listed.c.shared)
            .join(Booth, col(Booth.id) == listed.c.booth_id)
            .join(Hall, col(Hall.id) == col(Booth.hall_id))
            .where(listed.c.exhibitor_id.in_(exhibitor_ids))
            .order_by(col(Booth.code))
        )
    ).all()
    found: dict[int, list[Stand]] = {}
    for exhibitor_id, booth, hall, hall_name, booking_id, shared in rows:
        found.setdefault(exhibitor_id, []).append(Stand(booth, hall, hall_name, booking_id, bool(shared)))
    return found


# --- search ----------------------------------------------------------------------------------------
def _like(column: Any, term: str) -> sa.ColumnElement[bool]:
    return sa.func.lower(sa.func.coalesce(column, "")).like(contains_pattern(term), escape="\\")


def _term_matches(term: str) -> sa.ColumnElement[bool]:
    """One search word, anywhere in what the directory searches."""
    product = (
        sa.select(sa.literal(1))
        .select_from(Product)
        .where(
            col(Product.exhibitor_id) == col(Exhibitor.id),
            sa.or_(_like(col(Product.name), term), _like(col(Product.description), term)),
        )
        .correlate(Exhibitor)
        .exists()
    )
    return sa.or_(
        _like(col(Exhibitor.name), term),
        _like(col(Exhibitor.pesantren_name), term),
        _like(col(Exhibitor.description), term),
        _like(col(ProductCluster.name), term),
        product,
    )


async def search(session: AsyncSession, expo: Expo, query: DirectoryQuery) -> DirectoryPage:
    """A page of listed exhibitors matching the query: those whose name matches first, then by name."""
    assert expo.id is not None
    listed = _listed(expo.id)
    terms = query.terms
    name_first = (
        sa.case((sa.and_(*[_like(col(Exhibitor.name), t) for t in terms]), 0), else_=1) if terms else sa.literal(0)
    )
    stmt = (
        sa.select(col(Exhibitor.id))
        .outerjoin(
            ProductCluster,
            sa.and_(
                col(ProductCluster.expo_id) == col(Exhibitor.expo_id),
                col(ProductCluster.code) == col(Exhibitor.cluster),
            ),
        )
        .where(col(Exhibitor.expo_id) == expo.id, col(Exhibitor.id).in_(sa.select(listed.c.exhibitor_id)))
        .order_by(name_first, sa.func.lower(col(Exhibitor.name)), col(Exhibitor.id))
    )
    for term in terms:
        stmt = stmt.where(_term_matches(term))
    if query.category:
        stmt = stmt.where(col(Exhibitor.cluster) == query.category)
    if query.regency:
        stmt = stmt.where(col(Exhibitor.regency) == query.regency)
    ids = [int(i) for i in (await session.scalars(stmt)).all() if i is not None]
    today = expo_today(expo)
    if query.halal:
        # The badge rule lives in one place (badges.py); the listed exhibitors of an expo are few
        # hundred at most, so asking it for every match is one indexed query.
        halal = await verified_badges(session, ids, today)
        ids = [i for i in ids if Badge.HALAL in halal.get(i, [])]
    pages = max(1, -(-len(ids) // PAGE_SIZE))
    page = min(max(query.page, 1), pages)
    chosen = ids[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return DirectoryPage(query, await _listings(session, expo, chosen, terms, today), len(ids), page, pages)


async def _listings(session: AsyncSession, expo: Expo, ids: list[int], terms: list[str], today: date) -> list[Listing]:
    if not ids:
        return []
    assert expo.id is not None
    rows = (
        await session.execute(
            sa.select(Exhibitor, col(ProductCluster.name), col(ExhibitorProfile.logo_key))
            .outerjoin(
                ProductCluster,
                sa.and_(col(ProductCluster.expo_id) == expo.id, col(ProductCluster.code) == col(Exhibitor.cluster)),
            )
            .outerjoin(ExhibitorProfile, col(ExhibitorProfile.exhibitor_id) == col(Exhibitor.id))
            .where(col(Exhibitor.id).in_(ids))
        )
    ).all()
    by_id = {row[0].id: row for row in rows}
    stands = await _stands(session, expo.id, ids)
    badges = await verified_badges(session, ids, today)
    products = await _product_names(session, ids, terms)
    out = []
    for exhibitor_id in ids:
        exhibitor, category, logo_key = by_id[exhibitor_id]
        out.append(
            Listing(
                exhibitor_id=exhibitor_id,
                name=exhibitor.name,
                pesantren=exhibitor.pesantren_name,
                regency=exhibitor.regency,
                exhibitor_class=str(exhibitor.exhibitor_class),
                category=category,
                logo_key=logo_key,
                stands=stands.get(exhibitor_id, []),
                badges=badges.get(exhibitor_id, []),
                products=products.get(exhibitor_id, []),
            )
        )
    return out


async def _product_names(session: AsyncSession, ids: list[int], terms: list[str]) -> dict[int, list[str]]:
    """A few product names per exhibitor: those matching a search word first, then the exhibitor's order."""
    matching = sa.or_(*[_like(col(Product.name), t) for t in terms]) if terms else sa.false()
    ranked = (
        sa.select(
            col(Product.exhibitor_id),
            col(Product.name),
            sa.func.row_number()
            .over(
                partition_by=col(Product.exhibitor_id),
                order_by=[sa.case((matching, 0), else_=1), col(Product.position), col(Product.id)],
            )
            .label("rank"),
        )
        .where(col(Product.exhibitor_id).in_(ids))
        .subquery()
    )
    rows = (
        await session.execute(
            sa.select(ranked.c.exhibitor_id, ranked.c.name)
            .where(ranked.c.rank <= SNIPPET_PRODUCTS)
            .order_by(ranked.c.exhibitor_id, ranked.c.rank)
        )
    ).all()
    found: dict[int, list[str]] = {}
    for exhibitor_id, name in rows:
        found.setdefault(exhibitor_id, []).append(name)
    return found


async def facets(session: AsyncSession, expo_id: int) -> Facets:
    """The categories and regencies of the listed exhibitors (what is worth filtering by)."""
    listed = _listed(expo_id)
    rows = (
        await session.execute(
            sa.select(col(Exhibitor.cluster), col(Exhibitor.regency)).where(
                col(Exhibitor.expo_id) == expo_id, col(Exhibitor.id).in_(sa.select(listed.c.exhibitor_id))
            )
        )
    ).all()
    counts: dict[str, int] = {}
    for cluster, _regency in rows:
        if cluster:
            counts[cluster] = counts.get(cluster, 0) + 1
    clusters = (
        await session.scalars(
            sa.select(ProductCluster).where(col(ProductCluster.expo_id) == expo_id).order_by(col(ProductCluster.name))
        )
    ).all()
    return Facets(
        categories=[(c.code, c.name, counts[c.code]) for c in clusters if counts.get(c.code)],
        regencies=sorted({regency for _cluster, regency in rows if regency}, key=str.lower),
        listed=len(rows),
    )


# --- one profile -----------------------------------------------------------------------------------
LINK_FIELDS = ("shopee_url", "tokopedia_url", "tiktok_url", "instagram_url", "website_url")


def safe_link(url: str | None) -> str | None:
    """A link the page may show: http(s) only (never ``javascript:`` or another scheme)."""
    if not url:
        return None
    url = url.strip()
    return url if re.match(r"^https?://[^\s/]+", url, re.IGNORECASE) else None


async def public_profile(session: AsyncSession, expo: Expo, exhibitor_id: int) -> PublicProfile:
    """One listed exhibitor's public profile; NotFound for anyone not listed in this expo."""
    assert expo.id is not None
    exhibitor = await session.get(Exhibitor, exhibitor_id)
    stands = (await _stands(session, expo.id, [exhibitor_id])).get(exhibitor_id, [])
    if exhibitor is None or exhibitor.expo_id != expo.id or not stands:
        raise NotFound(NOT_LISTED, code="exhibitor_not_listed")
    profile = await session.get(ExhibitorProfile, exhibitor_id)
    products = list(
        (
            await session.scalars(
                sa.select(Product)
                .where(col(Product.exhibitor_id) == exhibitor_id)
                .order_by(col(Product.position), col(Product.id))
            )
        ).all()
    )
    category = (
        await session.scalar(
            sa.select(col(ProductCluster.name)).where(
                col(ProductCluster.expo_id) == expo.id, col(ProductCluster.code) == exhibitor.cluster
            )
        )
        if exhibitor.cluster
        else None
    )
    return PublicProfile(
        exhibitor=exhibitor,
        profile=profile,
        products=products,
        stands=stands,
        partners=await _partners(session, exhibitor_id, [s.booking_id for s in stands]),
        badges=(await verified_badges(session, [exhibitor_id], expo_today(expo))).get(exhibitor_id, []),
        category=category,
        links={
            name: link
            for name in LINK_FIELDS
            if profile is not None and (link := safe_link(getattr(profile, name))) is not None
        },
    )


async def _partners(session: AsyncSession, exhibitor_id: int, booking_ids: list[int]) -> list[Partner]:
    """The other businesses on the (confirmed) stands ``booking_ids``, by name."""
    stands = await stand_members(session, booking_ids)
    others = {m.exhibitor_id: m.name for members in stands.values() for m in members if m.exhibitor_id != exhibitor_id}
    return [Partner(i, name) for i, name in sorted(others.items(), key=lambda item: (item[1].lower(), item[0]))]


# --- counting views --------------------------------------------------------------------------------
# Link previews (WhatsApp, Facebook, Telegram...), crawlers and scripts: their fetches are no visit.
_BOT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|whatsapp|telegram|skype|discord|"
    r"curl|wget|python|httpx|go-http|java/|okhttp|headless|lighthouse|pingdom|monitor",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """Whether a request is plainly not a person (a missing user agent is not a browser either)."""
    return not user_agent or _BOT.search(user_agent) is not None


async def count_view(session: AsyncSession, expo: Expo, exhibitor_id: int, *, via_sign: bool) -> None:
    """A profile view on the expo's day, and a booth-sign scan when the visitor came through the sign's QR."""
    assert expo.id is not None
    day = expo_today(expo)
    await stats.count(session, expo.id, exhibitor_id, StatKind.PROFILE_VIEW, day)
    if via_sign:
        await stats.count(session, expo.id, exhibitor_id, StatKind.SIGN_SCAN, day)
