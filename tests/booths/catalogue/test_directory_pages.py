"""The catalogue's public pages as a visitor meets them: the directory's search form works without a
script, results link to the profile and to the booth on the map, a profile shows its products, badges,
stand partners, WhatsApp order links and Open Graph tags with absolute addresses, its views (and booth
sign scans) are counted for people only, and whatever is typed into the address gives a page, never a
server error; an exhibitor not listed (a hold only, another expo's) has no public profile."""

import html
import re

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import ExhibitorStat, StatKind
from booths.venue.models import Expo
from tests.booths.catalogue.scene import Scene, booth_code, make_scene
from tests.support.factories import make_venue
from tests.support.pages import shown as t

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
PHONE = {"User-Agent": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"}


@pytest.fixture
async def scene(session: AsyncSession) -> Scene:
    return await make_scene(session)


def meta(text: str, prop: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', text)
    return html.unescape(found.group(1)) if found else None


async def counts(session: AsyncSession, exhibitor_id: int) -> dict[str, int]:
    rows = (
        await session.execute(
            sa.select(col(ExhibitorStat.kind), sa.func.sum(col(ExhibitorStat.count)))
            .where(col(ExhibitorStat.exhibitor_id) == exhibitor_id)
            .group_by(col(ExhibitorStat.kind))
        )
    ).all()
    return {str(kind): int(n) for kind, n in rows}


async def test_search_without_a_script_and_links_to_profile_and_map(
    client: Client, session: AsyncSession, scene: Scene
) -> None:
    assert scene.kopi.id
    assert scene.warung.id
    home = await client.get(f"/e/{scene.slug}")
    assert f'href="/e/{scene.slug}/catalogue"' in home.text

    everyone = await client.get(f"/e/{scene.slug}/catalogue")
    assert everyone.status_code == 200
    assert 'method="get"' in everyone.text
    for name in ["Kopi Tebuireng", "Batik Sarung Barokah", "Toko Pustaka Santri", "Warung Kopi Lama"]:
        assert name in everyone.text
    for hidden in ["Keripik Ayu", "Teh Wangi Kopi", "Kopi Seberang"]:
        assert hidden not in everyone.text

    found = await client.get(f"/e/{scene.slug}/catalogue", params={"q": "kopi"})
    assert found.status_code == 200
    assert "Kopi Tebuireng" in found.text
    assert "Batik" not in found.text
    assert 'value="kopi"' in found.text  # the form keeps what was typed
    kopi_booth = await booth_code(session, scene.venue.booth_ids[0])
    assert f'href="/e/{scene.slug}/catalogue/{scene.kopi.id}"' in found.text
    assert f'href="/e/{scene.slug}/map?booth={kopi_booth}"' in found.text
    assert t("See on the map") in found.text
    # a small lazy logo, WebP first with a JPEG for old phones
    assert 'type="image/webp"' in found.text
    assert "/catalogue/images/catalogue/1/2026/12/abc-160.jpg" in found.text

    halal = await client.get(f"/e/{scene.slug}/catalogue", params={"q": "kopi", "halal": "1"})
    assert "Kopi Tebuireng" in halal.text
    assert "Warung Kopi Lama" not in halal.text
    assert "verified-badge verified-halal" in halal.text

    regency = await client.get(f"/e/{scene.slug}/catalogue", params={"regency": "Kediri", "category": "fashion"})
    assert "Batik Sarung Barokah" in regency.text
    assert "Toko Pustaka Santri" not in regency.text

    nothing = await client.get(f"/e/{scene.slug}/catalogue", params={"q": "sepatu roda"})
    assert t("No exhibitor matches. Try another word or fewer filters.") in nothing.text


async def test_a_profile_page(client: Client, session: AsyncSession, scene: Scene) -> None:
    assert scene.kopi.id
    assert scene.batik.id
    assert scene.kitab.id
    page = await client.get(f"/e/{scene.slug}/catalogue/{scene.kopi.id}", headers=PHONE)
    assert page.status_code == 200
    text = page.text
    assert "<h1>Kopi Tebuireng</h1>" in text
    assert "Kopi robusta dari lereng Wonosalam.\nDisangrai sendiri." in text  # as plain text
    assert "Diskon 10% selama pameran" in text
    assert "Rp35.000 / bungkus" in text
    assert "Rp20.000 – Rp30.000 / botol" in text
    assert "ID35110000099999" in text
    assert "2063517010123-28" in text
    assert "Stok terbatas" in text
    assert "verified-badge verified-halal" in text
    assert 'href="https://shopee.co.id/kopitebuireng" rel="noopener nofollow"' in text
    assert "javascript:" not in text
    order = re.search(r'href="(https://wa\.me/6285700000001\?text=[^"]+)"', text)
    assert order is not None
    assert "Kopi%20Tebuireng" in order.group(1)
    kopi_booth = await booth_code(session, scene.venue.booth_ids[0])
    assert f'href="/e/{scene.slug}/map?booth={kopi_booth}"' in text
    # link previews: absolute addresses, the logo and the name
    assert meta(text, "og:title") == "Kopi Tebuireng"
    assert meta(text, "og:url") == f"http://testserver.local/e/{scene.slug}/catalogue/{scene.kopi.id}"
    assert meta(text, "og:image") == "http://testserver.local/catalogue/images/catalogue/1/2026/12/abc-480.jpg"
    assert meta(text, "twitter:card") == "summary"
    assert (meta(text, "og:description") or "").startswith("Kopi robusta dari lereng Wonosalam.")

    shared = await client.get(f"/e/{scene.slug}/catalogue/{scene.kitab.id}", headers=PHONE)
    assert shared.status_code == 200
    assert t("Shared stand with:") in shared.text
    assert f'href="/e/{scene.slug}/catalogue/{scene.batik.id}">Batik Sarung Barokah</a>' in shared.text
    assert "Pondok Pesantren Darul Ulum" in shared.text
    assert meta(shared.text, "og:image") is None  # no logo: no picture promised
    assert t("No products listed yet: visit the booth to see them.") in shared.text


async def test_a_story_is_text_never_markup(client: Client, session: AsyncSession, scene: Scene) -> None:
    from booths.catalogue.models import ExhibitorProfile

    row = await session.get(ExhibitorProfile, scene.kopi.id)
    assert row is not None
    row.story = '<script>alert("x")</script><b>tebal</b>'
    await session.commit()
    page = await client.get(f"/e/{scene.slug}/catalogue/{scene.kopi.id}", headers=PHONE)
    assert "<script>alert" not in page.text
    assert "&lt;b&gt;tebal&lt;/b&gt;" in page.text


async def test_views_and_sign_scans_are_counted_for_people_only(
    client: Client, session: AsyncSession, scene: Scene
) -> None:
    assert scene.kopi.id
    url = f"/e/{scene.slug}/catalogue/{scene.kopi.id}"
    assert (await client.get(url, headers=PHONE)).status_code == 200
    assert (await client.get(url, params={"via": "sign"}, headers=PHONE)).status_code == 200
    preview = {"User-Agent": "WhatsApp/2.23.20.0 A"}
    assert (await client.get(url, headers=preview)).status_code == 200  # the preview is shown, not counted
    assert (await client.get(url, headers=PHONE | {"Sec-Purpose": "prefetch"})).status_code == 200
    assert (await client.get(url, headers={"User-Agent": "Googlebot/2.1"})).status_code == 200
    assert await counts(session, scene.kopi.id) == {StatKind.PROFILE_VIEW.value: 2, StatKind.SIGN_SCAN.value: 1}
    assert await counts(session, scene.batik.id or 0) == {}


@pytest.mark.parametrize("who", ["held", "cancelled", "stranger"])
async def test_no_public_profile_of_an_unlisted_exhibitor(client: Client, scene: Scene, who: str) -> None:
    exhibitor = getattr(scene, who)
    page = await client.get(f"/e/{scene.slug}/catalogue/{exhibitor.id}", headers=PHONE)
    assert page.status_code == 404
    assert t("This exhibitor is not in the catalogue of this expo.") in page.text


@pytest.mark.parametrize(
    "path",
    [
        "/catalogue?page=0",
        "/catalogue?page=abc",
        "/catalogue?page=%C2%B2",
        "/catalogue?q=kopi%00",
        "/catalogue?page=99999999999999999999",
        "/catalogue?q=" + "x" * 101,
        "/catalogue?category=" + "y" * 40,
        "/catalogue?q=%25%25%25&regency=%00",
        "/catalogue?halal=yes-please",
        "/catalogue/abc",
        "/catalogue/99999999",
        "/catalogue/-1",
        "/catalogue/1?via=" + "s" * 40,
    ],
)
async def test_any_address_gives_a_page_not_a_server_error(client: Client, scene: Scene, path: str) -> None:
    answer = await client.get(f"/e/{scene.slug}{path}", headers=PHONE)
    assert answer.status_code in (200, 404), answer.text
    assert "<html" in answer.text


async def test_a_draft_expo_has_no_public_catalogue(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    expo = await session.get(Expo, venue.expo_id)
    assert expo is not None
    expo.published = False
    await session.commit()
    assert (await client.get(f"/e/{venue.expo.slug}/catalogue")).status_code == 404
    empty = await client.get("/e/no-such-expo/catalogue")
    assert empty.status_code == 404


async def test_the_map_opens_the_booth_asked_for(client: Client, session: AsyncSession, scene: Scene) -> None:
    from booths.maps import features
    from expo.formatting import utcnow

    # published as is (the layout check of publish() is not what this test is about)
    (await features.map_settings(session, scene.venue.expo_id, for_update=True)).published_at = utcnow()
    await session.commit()
    page = await client.get(f"/e/{scene.slug}/map", params={"booth": scene.hall_b_booth.lower()})
    assert page.status_code == 200
    assert re.search(r'<section class="m-hall" data-hall="B">', page.text)  # hall B shown, not the first hall
    assert re.search(r'<section class="m-hall" data-hall="A" hidden>', page.text)
    unknown = await client.get(f"/e/{scene.slug}/map", params={"booth": "ZZ-99"})
    assert re.search(r'<section class="m-hall" data-hall="A">', unknown.text)


async def test_the_service_worker_may_control_the_catalogue(client: Client, scene: Scene) -> None:
    worker = await client.get(f"/e/{scene.slug}/catalogue/sw.js")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == f"/e/{scene.slug}/catalogue"
    page = await client.get(f"/e/{scene.slug}/catalogue")
    assert f'data-sw="/e/{scene.slug}/catalogue/sw.js"' in page.text
