"""The directory's rules: who is listed (confirmed bookings and co-exhibitors on a shared stand, never
a hold, a cancelled booking or another expo's), search over names, pesantren, categories and products
(every word must match; a typed % is no wildcard), the filters (a verified, unexpired halal badge only),
paging, and one profile with its stand partners."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from booths.catalogue import directory
from booths.catalogue.directory import DirectoryQuery
from booths.documents.models import Badge
from expo.errors import NotFound
from tests.booths.catalogue.scene import Scene, make_scene
from tests.support.catalogue import add_exhibitor, book, share
from tests.support.factories import make_venue

pytestmark = pytest.mark.anyio


@pytest.fixture
async def scene(session: AsyncSession) -> Scene:
    return await make_scene(session)


async def names(session: AsyncSession, scene: Scene, **query: object) -> list[str]:
    result = await directory.search(session, scene.venue.expo, DirectoryQuery(**query))  # type: ignore[arg-type]
    return [item.name for item in result.items]


async def test_listed_are_confirmed_exhibitors_and_their_stand_partners(session: AsyncSession, scene: Scene) -> None:
    assert await names(session, scene) == [
        "Batik Sarung Barokah",
        "Kopi Tebuireng",
        "Toko Pustaka Santri",
        "Warung Kopi Lama",
    ]
    result = await directory.search(session, scene.venue.expo, DirectoryQuery())
    by_name = {item.name: item for item in result.items}
    batik, kitab = by_name["Batik Sarung Barokah"], by_name["Toko Pustaka Santri"]
    # the co-exhibitor is shown at the stand it shares
    assert [s.booth_code for s in kitab.stands] == [s.booth_code for s in batik.stands]
    assert kitab.stands[0].shared
    assert not batik.stands[0].shared
    assert sorted(s.booth_code for s in by_name["Warung Kopi Lama"].stands)[-1] == "B-07"
    facets = await directory.facets(session, scene.venue.expo_id)
    assert facets.listed == 4
    assert [(code, n) for code, _name, n in facets.categories] == [("fashion", 2), ("kuliner", 2)]
    assert facets.regencies == ["Jombang", "Kediri", "Mojokerto"]


async def test_search_looks_at_names_products_pesantren_and_categories(session: AsyncSession, scene: Scene) -> None:
    # names first, then the rest by name; "Teh Wangi Kopi" (cancelled) and "Kopi Seberang" (another expo) never
    assert await names(session, scene, q="kopi") == ["Kopi Tebuireng", "Warung Kopi Lama"]
    assert await names(session, scene, q="ROBUSTA") == ["Kopi Tebuireng"]  # a product's name, any case
    assert await names(session, scene, q="250 gram") == ["Kopi Tebuireng"]  # a product's description
    assert await names(session, scene, q="kitab") == ["Toko Pustaka Santri"]  # the exhibitor's own description
    assert await names(session, scene, q="darul ulum") == ["Toko Pustaka Santri"]  # its pesantren
    assert await names(session, scene, q="busana") == ["Batik Sarung Barokah", "Toko Pustaka Santri"]  # category
    assert await names(session, scene, q="kopi  gula") == ["Kopi Tebuireng"]  # every word must match
    assert await names(session, scene, q="sarung") == ["Batik Sarung Barokah"]
    assert await names(session, scene, q="%") == []  # no wildcard
    assert await names(session, scene, q="_") == []
    assert await names(session, scene, q="keripik") == []  # only a hold


async def test_search_shows_the_matching_products_first(session: AsyncSession, scene: Scene) -> None:
    result = await directory.search(session, scene.venue.expo, DirectoryQuery(q="gula"))
    assert result.items[0].products == ["Gula aren cair", "Kopi robusta bubuk"]
    result = await directory.search(session, scene.venue.expo, DirectoryQuery())
    kopi = next(i for i in result.items if i.name == "Kopi Tebuireng")
    assert kopi.products == ["Kopi robusta bubuk", "Gula aren cair"]
    assert kopi.logo_key == "catalogue/1/2026/12/abc-1024.jpg"


async def test_filters_category_regency_and_verified_halal(session: AsyncSession, scene: Scene) -> None:
    assert await names(session, scene, category="kuliner") == ["Kopi Tebuireng", "Warung Kopi Lama"]
    assert await names(session, scene, regency="Jombang") == ["Kopi Tebuireng", "Toko Pustaka Santri"]
    assert await names(session, scene, category="fashion", regency="Kediri") == ["Batik Sarung Barokah"]
    # Warung's halal certificate expired and its product only has a typed number: no badge
    assert await names(session, scene, halal=True) == ["Kopi Tebuireng"]
    assert await names(session, scene, q="batik", halal=True) == []
    assert await names(session, scene, category="nothing") == []
    result = await directory.search(session, scene.venue.expo, DirectoryQuery(q="kopi"))
    assert {i.name: i.badges for i in result.items} == {"Kopi Tebuireng": [Badge.HALAL], "Warung Kopi Lama": []}


async def test_pages_of_twenty(session: AsyncSession) -> None:
    venue = await make_venue(session, booths=1)
    host = await add_exhibitor(session, venue.expo_id, "Usaha 00")
    assert host.id is not None
    stand = await book(session, venue.expo_id, venue.booth_ids[0], host.id)
    assert stand.id is not None
    for n in range(1, 45):  # one big shared stand: every partner is listed
        partner = await add_exhibitor(session, venue.expo_id, f"Usaha {n:02d}")
        assert partner.id is not None
        await share(session, stand.id, partner.id)
    await session.commit()
    first = await directory.search(session, venue.expo, DirectoryQuery())
    assert (first.total, first.pages, first.page, len(first.items)) == (45, 3, 1, 20)
    assert first.items[0].name == "Usaha 00"
    last = await directory.search(session, venue.expo, DirectoryQuery(page=3))
    assert [i.name for i in last.items] == ["Usaha 40", "Usaha 41", "Usaha 42", "Usaha 43", "Usaha 44"]
    beyond = await directory.search(session, venue.expo, DirectoryQuery(page=99))
    assert beyond.page == 3  # a page past the end shows the last one


async def test_a_profile_with_its_stand_partners(session: AsyncSession, scene: Scene) -> None:
    assert scene.batik.id
    assert scene.kitab.id
    assert scene.kopi.id
    batik = await directory.public_profile(session, scene.venue.expo, scene.batik.id)
    assert [p.name for p in batik.partners] == ["Toko Pustaka Santri"]
    assert batik.badges == [Badge.NIB_VERIFIED]
    kitab = await directory.public_profile(session, scene.venue.expo, scene.kitab.id)
    assert [p.name for p in kitab.partners] == ["Batik Sarung Barokah"]
    assert kitab.category == "Busana"
    kopi = await directory.public_profile(session, scene.venue.expo, scene.kopi.id)
    assert kopi.partners == []
    assert [p.name for p in kopi.products] == ["Kopi robusta bubuk", "Gula aren cair"]
    assert kopi.links == {"shopee_url": "https://shopee.co.id/kopitebuireng"}  # never a javascript: link


@pytest.mark.parametrize("who", ["held", "cancelled", "stranger"])
async def test_no_profile_of_whom_the_directory_does_not_list(session: AsyncSession, scene: Scene, who: str) -> None:
    exhibitor = getattr(scene, who)
    with pytest.raises(NotFound):
        await directory.public_profile(session, scene.venue.expo, exhibitor.id)


def test_bots_and_link_previews_are_not_visitors() -> None:
    for agent in [
        "WhatsApp/2.23.20.0 A",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "TelegramBot (like TwitterBot)",
        "curl/8.5.0",
        "",
        None,
    ]:
        assert directory.is_bot(agent), agent
    phone = (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    )
    assert not directory.is_bot(phone)


def test_only_web_links_are_shown() -> None:
    assert directory.safe_link(" https://tokopedia.com/x ") == "https://tokopedia.com/x"
    assert directory.safe_link("http://example.id") == "http://example.id"
    for bad in ["javascript:alert(1)", "data:text/html,x", "//evil.example", "shopee.co.id/x", "", None]:
        assert directory.safe_link(bad) is None
