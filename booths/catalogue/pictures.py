"""A catalogue picture (a logo, a product photo) stored as every variant ``images.py`` names.

The upload is first proven and cleaned by ``expo.uploads`` (decoded by content, EXIF orientation
applied, pixels copied into a fresh image so no EXIF, GPS, ICC profile or comment survives, scaled
to the largest size). Here it is decoded once more and written at each of ``SIZES`` in each of
``FORMATS`` through ``expo.storage``: small WebP for phones that read it, JPEG for those that do not.
The encoding is CPU work and runs in a worker thread.

A row keeps one key (the largest JPEG); the other variants are found from it. A replaced picture's
variants are deleted by the caller after the commit that stops pointing at them, so a refused change
never leaves a row without its picture; a change that is refused after the new variants were written
deletes those instead (``discard``).
"""

import io
from dataclasses import dataclass, field
from typing import Any

import anyio.to_thread
from PIL import Image

from booths.catalogue.images import FORMATS, SIZES, variant_key
from expo.storage import Storage, StorageKeyError, new_key
from expo.uploads import IMAGES, CheckedFile, check_upload_in_thread

MAX_EDGE = max(SIZES)
JPEG_QUALITY = 82
WEBP_QUALITY = 80
CONTENT_TYPES = {"jpg": "image/jpeg", "webp": "image/webp"}
# JPEG has no transparency: a logo drawn on a transparent background is laid on white.
BACKGROUND = (255, 255, 255)


async def check_picture(data: bytes, *, max_bytes: int, field: str = "file") -> CheckedFile:
    """The uploaded bytes proven to be a JPEG, PNG or WebP picture (SVG, PDF and the rest refused),
    cleaned and at most ``MAX_EDGE`` pixels on its longest edge; else a domain error at ``field``."""
    return await check_upload_in_thread(data, allowed=IMAGES, max_bytes=max_bytes, max_edge=MAX_EDGE, field=field)


def render_variants(clean: bytes) -> dict[tuple[int, str], bytes]:
    """Every (size, format) variant of a picture ``expo.uploads`` already cleaned (pure, CPU-bound).

    A picture smaller than a size is not enlarged: that variant is the picture at its own size."""
    with Image.open(io.BytesIO(clean)) as opened:
        opened.load()
        source: Any = opened.copy()
    has_alpha = source.mode in {"RGBA", "LA", "PA"} or "transparency" in source.info
    source = source.convert("RGBA" if has_alpha else "RGB")
    out: dict[tuple[int, str], bytes] = {}
    encoded: dict[str, bytes] = {}  # of the current size: a size the picture is below gets the same bytes
    for size in sorted(SIZES, reverse=True):
        if max(source.size) > size:
            source = source.copy()
            source.thumbnail((size, size), Image.Resampling.LANCZOS)  # from the previous, larger step
            encoded = {}
        if not encoded:
            encoded = _encode(source, has_alpha)
        for fmt in FORMATS:
            out[(size, fmt)] = encoded[fmt]
    return out


def _encode(source: Any, has_alpha: bool) -> dict[str, bytes]:
    flat = source
    if has_alpha:
        flat = Image.new("RGB", source.size, BACKGROUND)
        flat.paste(source, mask=source.getchannel("A"))
    encoded: dict[str, bytes] = {}
    for fmt in FORMATS:
        buffer = io.BytesIO()
        if fmt == "webp":
            # WebP keeps the transparency; JPEG has none.
            (source if has_alpha else flat).save(buffer, format="WEBP", quality=WEBP_QUALITY, method=4)
        else:
            flat.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        encoded[fmt] = buffer.getvalue()
    return encoded


async def store_picture(storage: Storage, expo_id: int, picture: CheckedFile) -> str:
    """Write every variant of a checked picture under ``catalogue/<expo id>/``; returns the key a row
    keeps (the largest JPEG). Partly written variants are removed if a write fails."""
    variants = await anyio.to_thread.run_sync(render_variants, picture.data)
    base = new_key(f"catalogue/{expo_id}", "image/jpeg")
    stem = base.rsplit(".", 1)[0]
    key = f"{stem}-{MAX_EDGE}.jpg"
    written: list[str] = []
    try:
        for (size, fmt), data in variants.items():
            variant = variant_key(key, size, fmt)
            await storage.put(variant, data, CONTENT_TYPES[fmt])
            written.append(variant)
    except BaseException:
        for variant in written:
            await storage.delete(variant)
        raise
    return key


async def discard(storage: Storage, key: str | None) -> None:
    """Delete every variant of a picture (after the commit that no longer points at it). A variant
    already gone, or a key the app could not have made, is no error: there is nothing to delete."""
    if not key:
        return
    for size in SIZES:
        for fmt in FORMATS:
            try:
                await storage.delete(variant_key(key, size, fmt))
            except (StorageKeyError, ValueError):
                return


def is_catalogue_key(key: str) -> bool:
    """Is this the key of a catalogue picture's variant (what the public picture route may serve)?"""
    if not key.startswith("catalogue/") or "." not in key:
        return False
    stem, fmt = key.rsplit(".", 1)
    size = stem.rsplit("-", 1)[-1]
    return fmt in FORMATS and size.isdigit() and int(size) in SIZES


@dataclass
class PictureSwap:
    """The pictures a request wrote and the ones its change replaced: once the transaction is over,
    the replaced ones go if it committed, the written ones if it did not (nothing is left behind
    that no row points at, and no row points at a deleted file)."""

    written: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    async def settle(self, storage: Storage, *, committed: bool) -> None:
        for key in self.replaced if committed else self.written:
            await discard(storage, key)
