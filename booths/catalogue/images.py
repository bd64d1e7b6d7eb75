"""Where the catalogue's pictures are and how they are named.

A logo or product photo is stored once per size and format, all under one storage token:
``catalogue/<expo id>/<yyyy>/<mm>/<token>-<size>.<fmt>`` with sizes ``SIZES`` (the longest edge, in
pixels) and formats ``FORMATS``. A row keeps the key of the largest JPEG; every other variant's key
is read from it. Pages ask for a size that fits (``srcset``), WebP first with JPEG for old phones.
"""

SIZES: tuple[int, ...] = (160, 480, 1024)
FORMATS: tuple[str, ...] = ("webp", "jpg")
URL_PREFIX = "/catalogue/images/"


def variant_key(key: str, size: int, fmt: str = "jpg") -> str:
    """The key of one variant, from the key a row keeps (any variant's key gives the same answer)."""
    if size not in SIZES or fmt not in FORMATS:
        raise ValueError(f"no catalogue picture variant {size} {fmt}")
    stem = key.rsplit(".", 1)[0].rsplit("-", 1)[0]
    return f"{stem}-{size}.{fmt}"


def image_url(key: str | None, size: int, fmt: str = "jpg") -> str | None:
    """The public address of a picture's variant, or None when there is no picture."""
    return f"{URL_PREFIX}{variant_key(key, size, fmt)}" if key else None
