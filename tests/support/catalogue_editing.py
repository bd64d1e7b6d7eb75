"""What the catalogue tests share: photos as phones make them, and an exhibitor's catalogue forms
sent as a browser sends them."""

import io
from typing import Any

import httpx
from litestar import Litestar
from litestar.testing import AsyncTestClient
from PIL import Image

from booths.catalogue.images import FORMATS, SIZES, variant_key
from expo.storage import Storage
from tests.support.factories import bearer

Client = AsyncTestClient[Litestar]
GPS_IFD = 0x8825


def phone_photo(width: int = 1600, height: int = 1200, *, colour: tuple[int, int, int] = (200, 120, 40),
                orientation: int | None = None, fmt: str = "JPEG") -> bytes:  # fmt: skip
    """A photo with the camera's make and a GPS position in its EXIF (and an orientation if given)."""
    image = Image.new("RGB", (width, height), colour)
    image.paste((20, 20, 200), (0, 0, width // 4, height // 4))  # a mark in the top-left corner
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (7.0, 33.0, 0.0), 3: "E", 4: (112.0, 14.0, 0.0)})
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif.tobytes())
    return out.getvalue()


def transparent_logo() -> bytes:
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    image.paste((10, 150, 60, 255), (50, 50, 250, 250))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'


async def variants_present(storage: Storage, key: str) -> list[bool]:
    return [await storage.exists(variant_key(key, size, fmt)) for size in SIZES for fmt in FORMATS]


async def post_multipart(
    client: Client, token: str, path: str, fields: dict[str, str], photo: bytes | None = None
) -> httpx.Response:
    files: Any = {"file": ("IMG_0001.jpg", photo, "image/jpeg")} if photo is not None else {"file": ("", b"", "")}
    return await client.post(path, data=fields, files=files, headers=bearer(token), follow_redirects=False)
