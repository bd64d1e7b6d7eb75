"""expo/storage.py on every backend (the local folder, and obstore's memory and local stores, which
run the same code as an S3 bucket), keys that try to leave the folder, and serving a file."""

import io
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, Request, get, post
from litestar.params import FromPath
from litestar.response import Stream
from litestar.testing import AsyncTestClient
from obstore.store import LocalStore, MemoryStore, S3Store
from PIL import Image

from expo.problems import EXCEPTION_HANDLERS
from expo.request_limits import UPLOAD_BODY_LIMIT, ExpoRequest
from expo.storage import (
    FileMissing,
    LocalStorage,
    ObjectStorage,
    Storage,
    StorageKeyError,
    check_key,
    content_disposition,
    file_response,
    new_key,
    storage_from_settings,
)
from expo.uploads import IMAGES_AND_PDF, check_upload_in_thread, form_with_file
from expo.web import LocaleMiddleware
from tests.support.database import make_settings

pytestmark = pytest.mark.anyio
MB = 1024 * 1024


@pytest.fixture(params=["folder", "obstore-memory", "obstore-local"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "folder":
        return LocalStorage(tmp_path / "files")
    if request.param == "obstore-memory":
        return ObjectStorage(MemoryStore())
    (tmp_path / "bucket").mkdir()
    return ObjectStorage(LocalStore(tmp_path / "bucket"), send_content_type=False)


async def test_put_get_stat_stream_delete(storage: Storage) -> None:
    key = new_key("proofs/7", "image/jpeg")
    data = os.urandom(200_000)
    stored = await storage.put(key, data, "image/jpeg")
    assert (stored.size, stored.content_type) == (200_000, "image/jpeg")
    assert await storage.get(key) == data
    assert await storage.exists(key)
    assert (await storage.stat(key)).size == 200_000
    assert b"".join([chunk async for chunk in storage.stream(key)]) == data
    replaced = b"new" * 10
    await storage.put(key, replaced, "image/jpeg")
    assert await storage.get(key) == replaced
    await storage.delete(key)
    await storage.delete(key)  # deleting twice is fine
    assert not await storage.exists(key)
    with pytest.raises(FileMissing):
        await storage.get(key)
    with pytest.raises(FileMissing):
        await storage.stat(key)
    with pytest.raises(FileMissing):
        [chunk async for chunk in storage.stream(key)]


def test_keys_are_fresh_and_say_their_type() -> None:
    when = datetime(2026, 12, 4, tzinfo=UTC)
    first, second = new_key("proofs/3", "application/pdf", now=when), new_key("proofs/3", "application/pdf", now=when)
    assert first != second
    assert first.startswith("proofs/3/2026/12/")
    assert first.endswith(".pdf")
    assert check_key(first) == "application/pdf"
    with pytest.raises(StorageKeyError):
        new_key("../etc", "image/png")
    with pytest.raises(StorageKeyError):
        new_key("proofs", "image/svg+xml")


BAD_KEYS = [
    "../../etc/passwd",
    "proofs/../../../etc/passwd.png",
    "/etc/passwd.png",
    "proofs/2026/12/..%2f..%2fsecret.png",
    "proofs\\..\\secret0123456789abcdef.png",
    "proofs/2026/12/../0123456789abcdef.png",
    "proofs/2026/12/0123456789abcdef.html",
    "proofs/2026/12/0123456789abcdef.svg",
    "proofs/2026/12/short.png",
    "Proofs/2026/12/0123456789abcdef.png",
    "proofs//0123456789abcdef.png",
    "proofs/2026/12/0123456789abcdef.png\x00.txt",
    "proofs/2026/12/0123456789abcdef.png/",
    "",
]


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_a_key_the_app_did_not_make_never_reaches_a_backend(storage: Storage, key: str) -> None:
    with pytest.raises(StorageKeyError):
        await storage.put(key, b"x", "image/png")
    with pytest.raises(StorageKeyError):
        await storage.get(key)
    with pytest.raises(StorageKeyError):
        await storage.exists(key)
    with pytest.raises(StorageKeyError):
        await storage.delete(key)


async def test_the_type_must_match_the_key(storage: Storage) -> None:
    with pytest.raises(StorageKeyError):
        await storage.put(new_key("proofs", "image/png"), b"x", "text/html")


async def test_the_folder_is_not_left_through_a_symlink(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "0123456789abcdef0123.png").write_bytes(b"secret")
    storage = LocalStorage(tmp_path / "files")
    (tmp_path / "files" / "proofs").mkdir(parents=True)
    (tmp_path / "files" / "proofs" / "evil").symlink_to(outside)
    with pytest.raises(StorageKeyError):
        await storage.get("proofs/evil/0123456789abcdef0123.png")


async def test_local_files_are_written_whole_and_private(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "files")
    key = new_key("proofs/1", "image/png")
    await storage.put(key, b"data", "image/png")
    path = tmp_path / "files" / key
    assert path.read_bytes() == b"data"
    assert path.stat().st_mode & 0o007 == 0  # not readable by other users of the machine
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".part-")]


def test_settings_choose_the_backend(tmp_path: Path) -> None:
    local = storage_from_settings(make_settings("sqlite+aiosqlite://", storage_dir=tmp_path / "f"))
    assert isinstance(local, LocalStorage)
    assert local.root == (tmp_path / "f").resolve()
    bucket = storage_from_settings(
        make_settings(
            "sqlite+aiosqlite://",
            storage_url="s3://expo-files/uploads",
            storage_endpoint="http://127.0.0.1:9000",
            storage_region="us-east-1",
            storage_access_key_id="minio",
            storage_secret_access_key="minio-secret",
            storage_path_style=True,
        )
    )
    assert isinstance(bucket, ObjectStorage)
    assert isinstance(bucket.store, S3Store)
    assert bucket.store.prefix == "uploads"
    assert bucket.store.config["bucket"] == "expo-files"
    assert bucket.store.config["endpoint"] == "http://127.0.0.1:9000"
    with pytest.raises(ValueError, match="s3://"):
        storage_from_settings(make_settings("sqlite+aiosqlite://", storage_url="ftp://files"))


def test_content_disposition_is_safe_for_any_name() -> None:
    header = content_disposition('bukti "transfer"\r\nX-Evil: 1 Ñ.pdf')
    assert "\r" not in header
    assert "\n" not in header
    assert header.startswith('inline; filename="bukti_transfer_X-Evil_1_N.pdf"')
    assert "filename*=UTF-8''bukti%20%22transfer%22%20%20X-Evil%3A%201%20%C3%91.pdf" in header
    assert content_disposition("a.pdf", inline=False).startswith("attachment;")


# A small app of the real parts (request class, body limits, problem handlers): the route a billing
# page will have, upload -> check -> store -> serve.
def _app(storage: Storage, max_upload: int = 5 * MB) -> Litestar:
    @post("/api/upload", request_max_body_size=UPLOAD_BODY_LIMIT, status_code=200)
    async def upload(request: Request[Any, Any, Any]) -> dict[str, Any]:
        fields, data = await form_with_file(request, max_upload)
        if data is None:
            return {"file": None, "fields": fields}
        checked = await check_upload_in_thread(data, allowed=IMAGES_AND_PDF, max_bytes=max_upload)
        key = new_key("proofs/1", checked.content_type)
        await storage.put(key, checked.data, checked.content_type)
        return {"file": key, "fields": fields, "size": len(checked.data)}

    @get("/api/files/{key:path}")
    async def serve(key: FromPath[str]) -> Stream:
        return await file_response(storage, key.lstrip("/"), filename="bukti transfer")

    return Litestar(
        [upload, serve],
        request_class=ExpoRequest,
        middleware=[LocaleMiddleware],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=1_000_000,
    )


def _big_png(size: int) -> bytes:
    """A real PNG of about ``size`` bytes (noise does not compress)."""
    side = int((size / 3) ** 0.5)
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=0)
    return out.getvalue()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(_app(LocalStorage(tmp_path / "files"))) as client:
        yield client


async def test_a_five_megabyte_photo_is_taken_stored_and_served(served: AsyncTestClient[Litestar]) -> None:
    png = _big_png(5 * MB - 20_000)
    assert 4.9 * MB < len(png) <= 5 * MB
    answer = await served.post(
        "/api/upload", files={"file": ("IMG_1234.heic", png, "application/octet-stream")}, data={"amount": "1500000"}
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["fields"] == {"amount": "1500000"}
    assert body["file"].endswith(".png")  # its content decided, not the name or the declared type
    shown = await served.get(f"/api/files/{body['file']}")
    assert shown.status_code == 200
    assert shown.headers["content-type"] == "image/png"
    assert shown.headers["x-content-type-options"] == "nosniff"
    assert shown.headers["cache-control"] == "private, no-store"
    assert shown.headers["content-disposition"].startswith('inline; filename="bukti_transfer.png"')
    assert int(shown.headers["content-length"]) == body["size"] == len(shown.content)
    assert Image.open(io.BytesIO(shown.content)).size == Image.open(io.BytesIO(png)).size


async def test_one_byte_over_five_megabytes_is_a_413_problem(served: AsyncTestClient[Litestar]) -> None:
    data = b"\xff\xd8\xff" + b"\0" * (5 * MB - 2)
    assert len(data) == 5 * MB + 1
    answer = await served.post("/api/upload?lang=en", files={"file": ("a.jpg", data, "image/jpeg")})
    assert answer.status_code == 413, answer.text
    problem = answer.json()
    assert problem["code"] == "upload_too_big"
    assert problem["detail"] == "The file is too large: at most 5 MB."
    assert problem["errors"] == [{"field": "file", "message": "The file is too large: at most 5 MB."}]


async def test_a_declared_huge_body_is_refused_before_it_is_read(served: AsyncTestClient[Litestar]) -> None:
    data = b"\0" * (6 * MB)
    answer = await served.post("/api/upload", files={"file": ("a.jpg", data, "image/jpeg")})
    assert answer.status_code == 413
    assert answer.json()["code"] == "upload_too_big"
    # Past the wire limit (32 MB) Litestar itself stops reading: still a 413 problem, not a 500.
    huge = await served.post("/api/upload", files={"file": ("a.jpg", b"\0" * (UPLOAD_BODY_LIMIT + 1), "image/jpeg")})
    assert huge.status_code == 413
    assert huge.json()["code"] in {"too_large", "upload_too_big"}


async def test_a_refused_upload_is_a_problem_in_indonesian(served: AsyncTestClient[Litestar]) -> None:
    answer = await served.post("/api/upload", files={"file": ("photo.jpg", b"<svg onload=alert(1)>", "image/jpeg")})
    assert answer.status_code == 422
    problem = answer.json()
    assert problem["code"] == "upload_wrong_type"
    assert "JPEG, PNG, WebP, PDF" in problem["detail"]
    assert problem["detail"].startswith("Jenis berkas")


async def test_no_file_chosen(served: AsyncTestClient[Litestar]) -> None:
    answer = await served.post("/api/upload", files={"file": ("", b"", "application/octet-stream")}, data={"a": "1"})
    assert answer.status_code == 200
    assert answer.json() == {"file": None, "fields": {"a": "1"}}


async def test_serving_a_missing_or_forged_key(served: AsyncTestClient[Litestar]) -> None:
    missing = await served.get(f"/api/files/{new_key('proofs/1', 'image/png')}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "file_missing"
    forged = await served.get("/api/files/proofs/..%2F..%2Fetc%2Fpasswd")
    assert forged.status_code in {400, 404}
