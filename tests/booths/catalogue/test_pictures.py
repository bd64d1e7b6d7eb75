"""Catalogue pictures: a checked upload becomes every size and format (never enlarged, upright by its
EXIF orientation, no EXIF or GPS left, transparency laid on white in JPEG), stored through the
storage interface and deleted variant by variant; the public route serves only catalogue variants,
with long-lived caching, and answers 404 for anything else."""

import io

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from obstore.store import MemoryStore
from PIL import Image

from booths.catalogue.images import FORMATS, SIZES, image_url, variant_key
from booths.catalogue.pictures import check_picture, discard, is_catalogue_key, render_variants, store_picture
from expo.errors import DomainError
from expo.settings import Settings
from expo.storage import ObjectStorage, new_key, storage_from_settings
from tests.support.catalogue_editing import SVG, phone_photo, transparent_logo, variants_present

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


async def test_every_variant_is_upright_resized_and_without_metadata() -> None:
    # Orientation 6: the camera held sideways; the picture is shown turned 90 degrees clockwise.
    checked = await check_picture(phone_photo(1600, 1200, orientation=6), max_bytes=10_000_000)
    variants = render_variants(checked.data)
    assert set(variants) == {(size, fmt) for size in SIZES for fmt in FORMATS}
    for (size, fmt), data in variants.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == ("WEBP" if fmt == "webp" else "JPEG")
            assert max(image.size) == size
            assert image.height > image.width  # upright: portrait now
            assert not image.getexif()
            assert "exif" not in image.info
            assert "icc_profile" not in image.info
            # the blue mark of the top-left corner is now top-right
            rgb = image.convert("RGB")
            assert rgb.getpixel((rgb.width - 3, 3))[2] > 150
            assert rgb.getpixel((3, 3))[2] < 100


async def test_a_small_picture_is_never_enlarged_and_transparency_is_kept_or_laid_on_white() -> None:
    checked = await check_picture(transparent_logo(), max_bytes=10_000_000)
    variants = render_variants(checked.data)
    for (size, fmt), data in variants.items():
        with Image.open(io.BytesIO(data)) as image:
            assert max(image.size) == min(size, 300)
            if fmt == "jpg":
                assert image.mode == "RGB"
                assert image.getpixel((2, 2)) == pytest.approx((255, 255, 255), abs=3)  # white, not black
            else:
                assert image.mode == "RGBA"
                assert image.getpixel((2, 2))[3] == 0


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (SVG, "upload_wrong_type"),
        (b"<html><body>hi</body></html>", "upload_wrong_type"),
        (b"%PDF-1.4\n", "upload_wrong_type"),
        (b"\xff\xd8\xff\xe0broken", "upload_broken"),
        (b"", "upload_empty"),
        (b"\xff\xd8\xff" + b"\0" * 2000, "upload_too_big"),
    ],
)
async def test_what_is_not_a_picture_is_refused(data: bytes, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        await check_picture(data, max_bytes=1000 if code == "upload_too_big" else 10_000_000)
    assert refused.value.code == code


async def test_a_picture_of_too_many_pixels_is_refused_before_decoding() -> None:
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, format="PNG")  # 50 MP, a few kilobytes
    with pytest.raises(DomainError) as refused:
        await check_picture(out.getvalue(), max_bytes=10_000_000)
    assert refused.value.code == "upload_too_many_pixels"


@pytest.mark.parametrize("backend", ["local", "object"])
async def test_variants_are_stored_and_deleted_together(settings: Settings, backend: str) -> None:
    # The same on the local folder and on an object store (obstore's memory store, as S3 would be).
    storage = storage_from_settings(settings) if backend == "local" else ObjectStorage(MemoryStore())
    checked = await check_picture(phone_photo(), max_bytes=10_000_000)
    key = await store_picture(storage, 7, checked)
    assert key.startswith("catalogue/7/")
    assert key.endswith("-1024.jpg")
    assert await variants_present(storage, key) == [True] * 6
    assert all(is_catalogue_key(variant_key(key, s, f)) for s in SIZES for f in FORMATS)
    await discard(storage, key)
    assert await variants_present(storage, key) == [False] * 6
    await discard(storage, key)  # twice is no error
    await discard(storage, None)


async def test_the_public_route_serves_variants_with_long_caching(client: Client, settings: Settings) -> None:
    storage = storage_from_settings(settings)
    checked = await check_picture(phone_photo(), max_bytes=10_000_000)
    key = await store_picture(storage, 3, checked)
    for size in SIZES:
        for fmt in FORMATS:
            url = image_url(key, size, fmt)
            assert url is not None
            served = await client.get(url)  # nobody logged in: the catalogue is public
            assert served.status_code == 200, url
            assert served.headers["content-type"] == ("image/webp" if fmt == "webp" else "image/jpeg")
            assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
            assert served.headers["x-content-type-options"] == "nosniff"
            assert served.content == await storage.get(variant_key(key, size, fmt))
    await discard(storage, key)
    assert (await client.get(image_url(key, 160, "webp") or "")).status_code == 404


async def test_the_public_route_serves_nothing_but_catalogue_variants(client: Client, settings: Settings) -> None:
    storage = storage_from_settings(settings)
    # A proof of transfer: stored, but never public.
    proof = new_key("proofs", "image/jpeg")
    await storage.put(proof, phone_photo(), "image/jpeg")
    # A catalogue-looking key without a size, and one with a size that is not a variant.
    plain = new_key("catalogue/1", "image/jpeg")
    await storage.put(plain, phone_photo(), "image/jpeg")
    odd = plain.replace(".jpg", "-999.jpg")
    await storage.put(odd, phone_photo(), "image/jpeg")
    for path in (
        f"/catalogue/images/{proof}",
        f"/catalogue/images/{plain}",
        f"/catalogue/images/{odd}",
        "/catalogue/images/catalogue/1/../../proofs/x-160.jpg",
        "/catalogue/images/catalogue/1/2026/01/%2e%2e-160.jpg",
        "/catalogue/images/catalogue/1/2026/01/nothing-here-at-all-160.webp",
        "/catalogue/images/",
        "/catalogue/images/catalogue/1/2026/01/AAAAAAAAAAAAAAAAAAAA-160.svg",
    ):
        response = await client.get(path)
        assert response.status_code == 404, path
