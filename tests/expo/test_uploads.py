"""expo/uploads.py with real files made here: what passes is cleaned, what does not is refused by
its content with a stable code, whatever its name says."""

import io
import random
import struct
import zlib
from typing import Any

import pypdfium2
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen import canvas

from expo.errors import DomainError, InvalidInput, TooLarge
from expo.uploads import IMAGES, IMAGES_AND_PDF, MAX_IMAGE_PIXELS, Kind, check_upload, check_upload_in_thread

MB = 1024 * 1024
LIMIT = 5 * MB
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _photo(fmt: str = "JPEG", size: tuple[int, int] = (64, 32), *, orientation: int | None = None) -> bytes:
    """A photo with the metadata a phone writes: camera, GPS position, comment, orientation."""
    image = Image.new("RGB", size, (250, 10, 10))
    image.paste((10, 10, 250), (0, 0, size[0] // 2, size[1]))  # left half blue, to see the rotation
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (6.0, 12.0, 30.0), 3: "E", 4: (106.0, 49.0, 12.0)})
    out = io.BytesIO()
    extra: dict[str, Any] = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        extra["comment"] = b"secret comment"
    image.save(out, format=fmt, **extra)
    return out.getvalue()


def _pdf(text: str = "Bukti transfer Rp 1.500.000") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return out.getvalue()


def _refused(data: bytes, code: str, allowed: frozenset[Kind] = IMAGES_AND_PDF, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_upload(data, allowed=allowed, max_bytes=kwargs.pop("max_bytes", LIMIT), **kwargs)
    assert caught.value.code == code, caught.value
    assert caught.value.fields
    assert caught.value.fields[0].field == "file"
    return caught.value


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_photo_keeps_its_pixels_and_loses_exif_and_gps(fmt: str) -> None:
    raw = _photo(fmt)
    before = Image.open(io.BytesIO(raw))
    assert before.getexif().get_ifd(GPS_IFD), "the test photo must carry a GPS position"
    checked = check_upload(raw, allowed=IMAGES, max_bytes=LIMIT)
    assert checked.kind.value == fmt.lower()
    assert (checked.width, checked.height) == (64, 32)
    after = Image.open(io.BytesIO(checked.data))
    assert after.format == fmt
    assert not after.getexif()
    assert "exif" not in after.info
    assert "icc_profile" not in after.info
    assert "comment" not in after.info
    assert b"PhoneMaker" not in checked.data
    assert b"Exif" not in checked.data
    red = after.convert("RGB").getpixel((60, 16))
    assert isinstance(red, tuple)
    assert red[0] > 200
    assert red[2] < 60


def test_orientation_is_applied_before_the_exif_goes() -> None:
    # Orientation 6: the camera was turned; the picture is shown rotated 90 degrees clockwise.
    checked = check_upload(_photo(orientation=6), allowed=IMAGES, max_bytes=LIMIT)
    assert (checked.width, checked.height) == (32, 64)
    upright = Image.open(io.BytesIO(checked.data)).convert("RGB")
    top = upright.getpixel((16, 2))  # the blue left half is now at the top
    assert isinstance(top, tuple)
    assert top[2] > 200


def test_a_big_photo_is_scaled_to_the_longest_edge() -> None:
    checked = check_upload(_photo("JPEG", (3000, 1000)), allowed=IMAGES, max_bytes=LIMIT, max_edge=1500)
    assert (checked.width, checked.height) == (1500, 500)
    small = check_upload(_photo("JPEG", (300, 100)), allowed=IMAGES, max_bytes=LIMIT, max_edge=1500)
    assert (small.width, small.height) == (300, 100)


def test_transparent_png_keeps_its_alpha() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    out = io.BytesIO()
    image.save(out, format="PNG")
    checked = check_upload(out.getvalue(), allowed=IMAGES, max_bytes=LIMIT)
    assert Image.open(io.BytesIO(checked.data)).mode == "RGBA"


def _bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header of huge dimensions and a tiny body (the pixels are never there)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = _bomb_png(100_000, 100_000)
    assert len(bomb) < 2000
    error = _refused(bomb, "upload_too_many_pixels")
    assert error.params == {"max": MAX_IMAGE_PIXELS // 1_000_000}
    # Just over our limit but under Pillow's own: still refused by ours.
    _refused(_bomb_png(8000, 5001), "upload_too_many_pixels")


def test_a_truncated_photo_is_broken() -> None:
    raw = _photo("JPEG", (400, 300))
    _refused(raw[: len(raw) // 2], "upload_broken")
    _refused(b"\xff\xd8\xff\xe0" + b"\0" * 100, "upload_broken")
    png = _photo("PNG", (200, 100))
    _refused(png[:60], "upload_broken")


def test_a_real_pdf_passes_unchanged() -> None:
    raw = _pdf()
    checked = check_upload(raw, allowed=IMAGES_AND_PDF, max_bytes=LIMIT)
    assert checked.kind is Kind.PDF
    assert checked.pages == 1
    assert checked.data == raw
    assert checked.content_type == "application/pdf"
    assert checked.extension == "pdf"


def test_a_pdf_is_refused_where_only_images_are_allowed() -> None:
    error = _refused(_pdf(), "upload_wrong_type", allowed=IMAGES)
    assert error.params == {"kinds": "JPEG, PNG, WebP"}


def _encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_encrypted_pdf_is_refused_with_or_without_a_password() -> None:
    _refused(_encrypted("letmein"), "upload_pdf_locked")
    # An empty user password opens in every viewer, but the file is still encrypted: refused too.
    assert len(pypdfium2.PdfDocument(_encrypted(""))) == 1
    _refused(_encrypted(""), "upload_pdf_locked")


def test_a_pdf_with_document_javascript_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf())))
    action = writer._add_object(
        DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
    )
    scripts = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hello"), action])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): scripts})
    out = io.BytesIO()
    writer.write(out)
    _refused(out.getvalue(), "upload_pdf_active")


def test_a_pdf_with_an_open_action_script_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf())))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    _refused(out.getvalue(), "upload_pdf_active")


def test_a_pdf_with_an_attachment_is_refused() -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf())))
    writer.add_attachment("run.exe", b"MZ\x90\x00")
    out = io.BytesIO()
    writer.write(out)
    _refused(out.getvalue(), "upload_pdf_active")


def test_a_broken_pdf_is_refused() -> None:
    _refused(b"%PDF-1.7\n" + b"garbage " * 100, "upload_broken")
    raw = _pdf()
    _refused(raw[: len(raw) // 3], "upload_broken")


def _zip() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("photo.jpg", _photo())
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("svg with script", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("svg with xml prolog", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("html", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("windows executable named .jpg", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 200),
        ("linux executable named .jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 200),
        ("zip", _zip()),
        ("text", b"hello"),
        ("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
        ("a png with junk before it", b" " + _photo("PNG")),
    ],
)
def test_other_files_are_refused_by_content(name: str, data: bytes) -> None:
    error = _refused(data, "upload_wrong_type")
    assert isinstance(error, InvalidInput)
    assert error.status == 422


def test_the_name_does_not_matter_only_the_content() -> None:
    # A JPEG "renamed .pdf": check_upload never sees a name, so it is a JPEG, and refused where a
    # PDF is required.
    _refused(_photo(), "upload_wrong_type", allowed=frozenset({Kind.PDF}))
    assert check_upload(_photo(), allowed=IMAGES_AND_PDF, max_bytes=LIMIT).kind is Kind.JPEG


def test_empty_and_too_big() -> None:
    _refused(b"", "upload_empty")
    # 5 MB + 1 byte: refused by size before anything is decoded (even a valid start).
    over = _photo() + b"\0" * (LIMIT + 1 - len(_photo()))
    assert len(over) == LIMIT + 1
    error = _refused(over, "upload_too_big")
    assert isinstance(error, TooLarge)
    assert error.status == 413
    assert error.params == {"max": "5"}


def test_a_photo_of_almost_five_megabytes_passes_and_one_at_the_limit_too() -> None:
    # Noise does not compress: a 1290 x 1290 RGB PNG is just under 5 MB, like a big phone screenshot.
    side = 1290
    noise = Image.frombytes("RGB", (side, side), random.Random(15).randbytes(side * side * 3))
    out = io.BytesIO()
    noise.save(out, format="PNG", compress_level=0)
    raw = out.getvalue()
    assert 4.7 * MB < len(raw) <= LIMIT
    assert check_upload(raw, allowed=IMAGES, max_bytes=LIMIT).kind is Kind.PNG
    assert check_upload(raw, allowed=IMAGES, max_bytes=len(raw)).kind is Kind.PNG
    _refused(raw, "upload_too_big", max_bytes=len(raw) - 1)


@pytest.mark.anyio
async def test_the_thread_variant_gives_the_same_answer() -> None:
    checked = await check_upload_in_thread(_photo(), allowed=IMAGES, max_bytes=LIMIT)
    assert checked.kind is Kind.JPEG
    with pytest.raises(InvalidInput):
        await check_upload_in_thread(b"MZ" + b"\0" * 10, allowed=IMAGES, max_bytes=LIMIT)
