"""The exhibitor's profile page: it writes its story, order number, shop links and opening promotion
(links only http(s), markup kept as text), uploads, replaces and removes its logo (the old picture's
files deleted once the new one is saved), and never reaches another exhibitor's profile."""

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue.models import ExhibitorProfile
from expo.settings import Settings
from expo.storage import storage_from_settings
from tests.support.catalogue_editing import SVG, phone_photo, post_multipart, variants_present
from tests.support.factories import bearer, make_venue, signup_exhibitor
from tests.support.pages import shown as t
from tests.support.passes import log_in_as, post_form

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]

GOOD = {
    "story": "Kami santri yang membuat keripik tempe sejak 2015.\nResep dari dapur pondok.",
    "order_whatsapp": "0812-3456-7890",
    "shopee_url": "https://shopee.co.id/keripik.ayu",
    "tokopedia_url": "tokopedia.com/keripikayu",
    "tiktok_url": "",
    "instagram_url": "http://instagram.com/keripik_ayu",
    "website_url": "",
    "promotion": "Diskon 10% untuk 50 pembeli pertama",
}


async def _profile(session: AsyncSession, exhibitor_id: int) -> ExhibitorProfile | None:
    stmt = sa.select(ExhibitorProfile).where(col(ExhibitorProfile.exhibitor_id) == exhibitor_id)
    return await session.scalar(stmt.execution_options(populate_existing=True))


async def test_an_exhibitor_writes_its_profile(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id, name="Keripik Ayu")
    log_in_as(client, token)
    opened = await client.get("/my-profile")
    assert opened.status_code == 200
    assert t("My profile") in opened.text
    assert "Keripik Ayu" in opened.text  # its registration's name, shown, not edited here

    saved = await post_form(client, "/my-profile", GOOD, from_page="/my-profile")
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/my-profile?msg=saved"
    stored = await _profile(session, ayu["id"])
    assert stored is not None
    assert stored.expo_id == venue.expo_id
    assert stored.story == GOOD["story"]
    assert stored.order_whatsapp == "6281234567890"  # as wa.me wants it
    assert stored.shopee_url == "https://shopee.co.id/keripik.ayu"
    assert stored.tokopedia_url == "https://tokopedia.com/keripikayu"  # typed without its scheme
    assert stored.tiktok_url is None
    assert stored.website_url is None
    assert stored.promotion == "Diskon 10% untuk 50 pembeli pertama"

    again = await client.get(saved.headers["location"])
    assert t("Your profile is saved.") in again.text
    assert 'value="+6281234567890"' in again.text
    assert "Resep dari dapur pondok." in again.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("shopee_url", "javascript:alert(document.cookie)", "Give a web address starting with http:// or https://."),
        ("instagram_url", "data:text/html,<script>alert(1)</script>", "Give a web address starting with http:// or https://."),
        ("tokopedia_url", "ftp://tokopedia.com/x", "Give a web address starting with http:// or https://."),
        ("website_url", "https://user:pw@contoh.id/", "Give a web address starting with http:// or https://."),
        ("website_url", "https://localhost/", "Give a web address starting with http:// or https://."),
        ("tiktok_url", "https://tiktok.com/@toko ayu", "Give a web address starting with http:// or https://."),
        ("order_whatsapp", "021-555-1234", None),
        ("story", "x" * 2001, None),
        ("promotion", "a\x00b", "This text contains a character that is not allowed."),
    ],
)  # fmt: skip
async def test_bad_links_and_texts_are_refused_at_their_field(
    client: Client, session: AsyncSession, field: str, value: str, message: str | None
) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    refused = await client.post("/my-profile", data=GOOD | {field: value}, headers=bearer(token))
    assert refused.status_code == 422, refused.text
    assert f'id="e-{field}"' in refused.text  # the message sits at the field
    if message:
        assert t(message) in refused.text
    assert await _profile(session, ayu["id"]) is None  # nothing saved


async def test_markup_in_the_story_is_shown_as_text(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _ayu, token = await signup_exhibitor(client, venue.expo_id)
    story = '<script>alert("x")</script><b>Terbaik</b>'
    saved = await client.post(
        "/my-profile", data=GOOD | {"story": story}, headers=bearer(token), follow_redirects=False
    )
    assert saved.status_code == 303
    page = await client.get("/my-profile", headers=bearer(token))
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;Terbaik&lt;/b&gt;" in page.text


async def test_a_logo_is_stored_in_every_size_and_replaced(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    storage = storage_from_settings(settings)
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    sent = await post_multipart(client, token, "/my-profile/logo", {}, phone_photo())
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/my-profile?msg=logo_saved#logo"
    stored = await _profile(session, ayu["id"])
    assert stored is not None
    assert stored.logo_key
    first = stored.logo_key
    assert first.startswith(f"catalogue/{venue.expo_id}/")
    assert first.endswith("-1024.jpg")
    assert await variants_present(storage, first) == [True] * 6
    page = await client.get("/my-profile", headers=bearer(token))
    assert f"/catalogue/images/{first.removesuffix('-1024.jpg')}-160.webp" in page.text

    replaced = await post_multipart(client, token, "/my-profile/logo", {}, phone_photo(colour=(0, 90, 0)))
    assert replaced.status_code == 303
    stored = await _profile(session, ayu["id"])
    assert stored is not None
    assert stored.logo_key
    assert stored.logo_key != first
    assert await variants_present(storage, stored.logo_key) == [True] * 6
    assert await variants_present(storage, first) == [False] * 6  # the old files are gone

    second = stored.logo_key
    removed = await post_multipart(client, token, "/my-profile/logo", {"remove": "1"})
    assert removed.status_code == 303
    assert removed.headers["location"] == "/my-profile?msg=logo_removed#logo"
    stored = await _profile(session, ayu["id"])
    assert stored is not None
    assert stored.logo_key is None
    assert await variants_present(storage, second) == [False] * 6


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (SVG, 422, "This type of file is not accepted. Send one of: %(kinds)s."),
        (b"\xff\xd8\xff\xe0not a jpeg", 422, "The picture cannot be read; it may be damaged. Please send it again."),
        (b"%PDF-1.4 hello", 422, "This type of file is not accepted. Send one of: %(kinds)s."),
        (None, 422, "Choose a picture (JPEG, PNG or WebP)."),
    ],
)  # fmt: skip
async def test_bad_logos_are_refused_and_nothing_is_kept(
    client: Client, session: AsyncSession, settings: Settings, data: bytes | None, status: int, message: str
) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    refused = await post_multipart(client, token, "/my-profile/logo", {}, data)
    assert refused.status_code == status, refused.text
    assert t(message, kinds="JPEG, PNG, WebP") in refused.text
    assert await _profile(session, ayu["id"]) is None
    assert (
        not list((settings.storage_dir / "catalogue").rglob("*.*"))
        if (settings.storage_dir / "catalogue").exists()
        else True
    )


async def test_a_huge_logo_is_refused(client: Client, session: AsyncSession, settings: Settings) -> None:
    venue = await make_venue(session)
    _ayu, token = await signup_exhibitor(client, venue.expo_id)
    big = await post_multipart(
        client, token, "/my-profile/logo", {}, b"\xff\xd8\xff" + b"\0" * (settings.max_upload_bytes + 1)
    )
    assert big.status_code == 413


async def test_exhibitors_only_ever_reach_their_own_profile(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    ayu, ayu_token = await signup_exhibitor(client, venue.expo_id, name="Keripik Ayu")
    bintang, bintang_token = await signup_exhibitor(client, venue.expo_id, name="Batik Bintang")
    assert (
        await client.post("/my-profile", data=GOOD, headers=bearer(ayu_token), follow_redirects=False)
    ).status_code == 303
    theirs = await client.get("/my-profile", headers=bearer(bintang_token))
    assert "Keripik Ayu" not in theirs.text
    assert "keripik.ayu" not in theirs.text
    # Bintang's save writes Bintang's row, never Ayu's.
    assert (
        await client.post(
            "/my-profile", data=GOOD | {"story": "Batik"}, headers=bearer(bintang_token), follow_redirects=False
        )
    ).status_code == 303
    ayu_profile = await _profile(session, ayu["id"])
    assert ayu_profile is not None
    assert ayu_profile.story == GOOD["story"]
    bintang_profile = await _profile(session, bintang["id"])
    assert bintang_profile is not None
    assert bintang_profile.story == "Batik"
    # Not logged in: no page; a committee account without an exhibitor has none either.
    client.cookies.clear()
    assert (await client.get("/my-profile", follow_redirects=False)).status_code in {302, 303, 401}
