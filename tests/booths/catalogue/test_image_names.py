"""The catalogue's picture variants are named from the key a row keeps."""

import pytest

from booths.catalogue.images import image_url, variant_key
from expo.storage import check_key

KEY = "catalogue/3/2026/12/AbCdEfGhIjKlMnOpQrStUvWx-1024.jpg"


def test_every_variant_is_a_key_storage_accepts() -> None:
    assert variant_key(KEY, 160, "webp") == "catalogue/3/2026/12/AbCdEfGhIjKlMnOpQrStUvWx-160.webp"
    assert variant_key(variant_key(KEY, 480, "webp"), 1024) == KEY
    for size in (160, 480, 1024):
        for fmt in ("webp", "jpg"):
            check_key(variant_key(KEY, size, fmt))


def test_no_picture_no_address_and_no_unknown_variant() -> None:
    assert image_url(None, 160) is None
    assert image_url(KEY, 480, "webp") == "/catalogue/images/catalogue/3/2026/12/AbCdEfGhIjKlMnOpQrStUvWx-480.webp"
    with pytest.raises(ValueError, match="no catalogue picture variant"):
        variant_key(KEY, 300)
