"""The exhibitor's products page: add a product with its photo (prices as typed on a phone, a range or
one price), edit it and replace the photo (the old files deleted), move it up and down, delete it
(its photo's files too); bad prices are refused at their field, at most MAX_PRODUCTS are kept, markup
is shown as text, and one exhibitor can neither see nor touch another's products."""

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from booths.catalogue import products
from booths.catalogue.models import Product
from booths.catalogue.schemas import BAD_NUMBER, ProductIn
from booths.exhibitors.models import Exhibitor
from expo.settings import Settings
from expo.storage import storage_from_settings
from tests.support.catalogue_editing import SVG, phone_photo, post_multipart, variants_present
from tests.support.factories import bearer, make_venue, signup_exhibitor
from tests.support.pages import shown as t

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]

KOPI = {
    "name": "Kopi Robusta Wonosalam",
    "description": "Biji kopi sangrai medium, digiling saat dipesan.",
    "price_min": "Rp 35.000",
    "price_max": "60.000",
    "unit": "bungkus 250 g",
    "halal_number": "ID35110000123450822",
    "pirt_number": "P-IRT 2063517010123-27",
    "stock_note": "Siap di stan",
}


async def _products(session: AsyncSession, exhibitor_id: int) -> list[Product]:
    stmt = (
        sa.select(Product)
        .where(col(Product.exhibitor_id) == exhibitor_id)
        .order_by(col(Product.position), col(Product.id))
        .execution_options(populate_existing=True)
    )
    return list((await session.scalars(stmt)).all())


async def test_an_exhibitor_adds_edits_moves_and_deletes_products(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    storage = storage_from_settings(settings)
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id, name="Kopi Ayu")
    empty = await client.get("/my-products", headers=bearer(token))
    assert empty.status_code == 200
    assert t("No products yet. Add the products you bring to the expo, with a photo and a price.") in empty.text

    added = await post_multipart(client, token, "/my-products/new", KOPI, phone_photo(orientation=6))
    assert added.status_code == 303, added.text
    [kopi] = await _products(session, ayu["id"])
    assert added.headers["location"] == f"/my-products?msg=added#product-{kopi.id}"
    assert (kopi.name, kopi.price_min, kopi.price_max, kopi.unit) == (
        "Kopi Robusta Wonosalam",
        35_000,
        60_000,
        "bungkus 250 g",
    )
    assert kopi.expo_id == venue.expo_id
    assert kopi.halal_number == "ID35110000123450822"
    assert kopi.photo_key
    first_photo = kopi.photo_key
    assert await variants_present(storage, first_photo) == [True] * 6

    batik = await post_multipart(client, token, "/my-products/new", {"name": "Batik Tulis", "price_min": "250000"})
    assert batik.status_code == 303
    kitab = await post_multipart(client, token, "/my-products/new", {"name": "Kitab Safinah"})
    assert kitab.status_code == 303
    kopi_id, batik_id, kitab_id = (p.id for p in await _products(session, ayu["id"]))
    listed = await client.get("/my-products", headers=bearer(token))
    assert listed.text.index("Kopi Robusta") < listed.text.index("Batik Tulis") < listed.text.index("Kitab Safinah")
    assert "Rp35.000 – Rp60.000 / bungkus 250 g" in listed.text
    assert t("Price at the booth") in listed.text  # the kitab has no price

    # Move the kitab up twice: it is first; up again changes nothing.
    for _ in range(3):
        moved = await client.post(
            f"/my-products/{kitab_id}/move", data={"direction": "up"}, headers=bearer(token), follow_redirects=False
        )
        assert moved.status_code == 303
    assert [p.id for p in await _products(session, ayu["id"])] == [kitab_id, kopi_id, batik_id]
    moved = await client.post(
        f"/my-products/{kitab_id}/move", data={"direction": "down"}, headers=bearer(token), follow_redirects=False
    )
    assert [p.id for p in await _products(session, ayu["id"])] == [kopi_id, kitab_id, batik_id]
    sideways = await client.post(
        f"/my-products/{kitab_id}/move", data={"direction": "left"}, headers=bearer(token), follow_redirects=False
    )
    assert sideways.status_code == 422

    # Edit: one price typed twice is one price; a new photo replaces the old one's files.
    form = await client.get(f"/my-products/{kopi_id}", headers=bearer(token))
    assert 'value="Kopi Robusta Wonosalam"' in form.text
    edited = await post_multipart(
        client, token, f"/my-products/{kopi_id}", KOPI | {"price_max": "35.000"}, phone_photo(colour=(10, 10, 10))
    )
    assert edited.status_code == 303, edited.text
    kopi = next(p for p in await _products(session, ayu["id"]) if p.id == kopi_id)
    assert (kopi.price_min, kopi.price_max) == (35_000, None)
    assert kopi.photo_key
    assert kopi.photo_key != first_photo
    assert await variants_present(storage, first_photo) == [False] * 6
    second_photo = kopi.photo_key
    # Saving without a photo keeps it; ticking "remove" removes it.
    kept = await post_multipart(client, token, f"/my-products/{kopi_id}", KOPI)
    assert kept.status_code == 303
    assert next(p for p in await _products(session, ayu["id"]) if p.id == kopi_id).photo_key == second_photo
    removed = await post_multipart(client, token, f"/my-products/{kopi_id}", KOPI | {"remove_photo": "1"})
    assert removed.status_code == 303
    assert next(p for p in await _products(session, ayu["id"]) if p.id == kopi_id).photo_key is None
    assert await variants_present(storage, second_photo) == [False] * 6

    # Delete the batik with a photo: its files go too.
    photo = await post_multipart(client, token, f"/my-products/{batik_id}", {"name": "Batik Tulis"}, phone_photo())
    assert photo.status_code == 303
    batik_photo = next(p for p in await _products(session, ayu["id"]) if p.id == batik_id).photo_key
    assert batik_photo
    deleted = await client.post(f"/my-products/{batik_id}/delete", headers=bearer(token), follow_redirects=False)
    assert deleted.status_code == 303
    assert [p.id for p in await _products(session, ayu["id"])] == [kopi_id, kitab_id]
    assert await variants_present(storage, batik_photo) == [False] * 6
    shown = await client.get(deleted.headers["location"], headers=bearer(token))
    assert t("The product is deleted.") in shown.text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"price_min": "-5000"}, "price_min", "A price cannot be below zero."),
        ({"price_min": "50.000", "price_max": "40.000"}, "price_max", "The highest price cannot be below the lowest."),
        ({"price_min": "", "price_max": "40.000"}, "price_max", "Give the lowest price first."),
        ({"price_min": "murah"}, "price_min", None),
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", None),
        ({"halal_number": "<b>1</b>"}, "halal_number", BAD_NUMBER),
        ({"description": "a\x1bb"}, "description", "This text contains a character that is not allowed."),
    ],
)  # fmt: skip
async def test_bad_fields_are_refused_at_their_field(
    client: Client, session: AsyncSession, fields: dict[str, str], field: str, message: str | None
) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    refused = await post_multipart(client, token, "/my-products/new", KOPI | fields)
    assert refused.status_code == 422, refused.text
    assert f'id="e-{field}"' in refused.text
    if message:
        assert t(message) in refused.text
    assert 'value="bungkus 250 g"' in refused.text  # what was typed is kept
    assert await _products(session, ayu["id"]) == []


@pytest.mark.parametrize("photo", [SVG, b"GIF89a\x01\x00\x01\x00", b"\x89PNG\r\n\x1a\nbroken"])
async def test_a_photo_that_is_not_a_picture_is_refused(
    client: Client, session: AsyncSession, settings: Settings, photo: bytes
) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    refused = await post_multipart(client, token, "/my-products/new", KOPI, photo)
    assert refused.status_code == 422
    assert 'id="e-file"' in refused.text
    assert await _products(session, ayu["id"]) == []
    folder = settings.storage_dir / "catalogue"
    assert not folder.exists() or not [p for p in folder.rglob("*") if p.is_file()]


async def test_markup_in_a_product_is_shown_as_text(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    _ayu, token = await signup_exhibitor(client, venue.expo_id)
    sent = await post_multipart(client, token, "/my-products/new", KOPI | {"name": "<img src=x onerror=alert(1)>"})
    assert sent.status_code == 303
    listed = await client.get("/my-products", headers=bearer(token))
    assert "<img src=x" not in listed.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in listed.text


async def test_at_most_max_products_are_kept(client: Client, session: AsyncSession) -> None:
    venue = await make_venue(session)
    ayu, token = await signup_exhibitor(client, venue.expo_id)
    exhibitor = await session.get(Exhibitor, ayu["id"])
    assert exhibitor is not None
    for n in range(products.MAX_PRODUCTS):
        await products.add_product(session, exhibitor, ProductIn(name=f"Kue {n}"))
    await session.commit()
    refused = await post_multipart(client, token, "/my-products/new", KOPI, phone_photo())
    assert refused.status_code == 409
    assert (
        t("You can show at most %(max)s products. Delete one to add another.", max=products.MAX_PRODUCTS)
        in refused.text
    )
    assert len(await _products(session, ayu["id"])) == products.MAX_PRODUCTS
    listed = await client.get("/my-products", headers=bearer(token))
    assert 'href="/my-products/new"' not in listed.text


async def test_one_exhibitor_never_sees_or_touches_anothers_products(
    client: Client, session: AsyncSession, settings: Settings
) -> None:
    storage = storage_from_settings(settings)
    venue = await make_venue(session)
    ayu, ayu_token = await signup_exhibitor(client, venue.expo_id, name="Kopi Ayu")
    _bintang, bintang_token = await signup_exhibitor(client, venue.expo_id, name="Batik Bintang")
    assert (await post_multipart(client, ayu_token, "/my-products/new", KOPI, phone_photo())).status_code == 303
    [kopi] = await _products(session, ayu["id"])
    assert kopi.photo_key

    theirs = await client.get("/my-products", headers=bearer(bintang_token))
    assert "Kopi Robusta" not in theirs.text
    assert (await client.get(f"/my-products/{kopi.id}", headers=bearer(bintang_token))).status_code == 404
    edit = await post_multipart(
        client, bintang_token, f"/my-products/{kopi.id}", KOPI | {"name": "Dibajak"}, phone_photo()
    )
    assert edit.status_code == 404
    remove = await post_multipart(client, bintang_token, f"/my-products/{kopi.id}", KOPI | {"remove_photo": "1"})
    assert remove.status_code == 404
    for action, data in (("delete", {}), ("move", {"direction": "down"})):
        response = await client.post(
            f"/my-products/{kopi.id}/{action}", data=data, headers=bearer(bintang_token), follow_redirects=False
        )
        assert response.status_code == 404
    [still] = await _products(session, ayu["id"])
    assert (still.name, still.photo_key) == ("Kopi Robusta Wonosalam", kopi.photo_key)
    assert await variants_present(storage, kopi.photo_key) == [True] * 6
    # No stray files from the refused upload: only Ayu's six variants are stored.
    assert len([p for p in (settings.storage_dir / "catalogue").rglob("*") if p.is_file()]) == 6
