"""Where uploaded files live: a local folder (the default) or an S3-compatible bucket.

Files are stored under keys the app makes (:func:`new_key`), never under a name someone sent: a key
is ``<area>/<yyyy>/<mm>/<random>.<ext>``, and the extension is one of the few types uploads may have
(:data:`CONTENT_TYPES`), so the key alone says how to serve the file and both backends behave the
same. A key that does not have this shape is refused before any backend sees it (no ``..``, no
absolute path, no backslash), and the local backend checks once more that the path it resolves stays
inside its folder.

Files are private: nothing serves the folder or the bucket. A handler first decides whether the
asker may see the file (its service knows who may) and then answers with :func:`file_response`.
"""

import asyncio
import contextlib
import os
import re
import secrets
import tempfile
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from litestar.response import Stream

from expo.errors import NotFound
from expo.i18n import N_

if TYPE_CHECKING:
    from obstore.store import ClientConfig

    from expo.settings import Settings

# The only types stored: what expo/uploads.py lets through. The key's extension names the type.
CONTENT_TYPES: dict[str, str] = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "pdf": "application/pdf",
}
EXTENSIONS: dict[str, str] = {content_type: ext for ext, content_type in CONTENT_TYPES.items()}

_AREA = re.compile(r"^[a-z0-9][a-z0-9_-]{0,40}(/[a-z0-9][a-z0-9_-]{0,40}){0,3}$")
_SEGMENT = r"[a-z0-9][a-z0-9_-]{0,40}"
_KEY = re.compile(rf"^{_SEGMENT}(/{_SEGMENT}){{0,6}}/[A-Za-z0-9_-]{{16,64}}\.({'|'.join(CONTENT_TYPES)})$")
CHUNK = 64 * 1024


class StorageKeyError(ValueError):
    """A key the app did not make (a bug or tampering): refused before it reaches a backend."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str


def new_key(area: str, content_type: str, *, now: datetime | None = None) -> str:
    """A fresh, unguessable key for a file of ``content_type`` under ``area`` (e.g. ``proofs/12``)."""
    if not _AREA.match(area):
        raise StorageKeyError(f"bad storage area {area!r}")
    ext = EXTENSIONS.get(content_type)
    if ext is None:
        raise StorageKeyError(f"content type {content_type!r} is not stored")
    when = now or datetime.now(UTC)
    return f"{area}/{when:%Y}/{when:%m}/{secrets.token_urlsafe(24)}.{ext}"


def check_key(key: str) -> str:
    """The key's content type, or :class:`StorageKeyError` if the app cannot have made this key."""
    if not isinstance(key, str) or not _KEY.match(key):
        raise StorageKeyError(f"bad storage key {key!r}")
    return CONTENT_TYPES[key.rsplit(".", 1)[1]]


class FileMissing(NotFound):
    """The row names a file the storage no longer has (deleted, or another storage configured)."""

    default_code = "file_missing"
    default_message = N_("This file is no longer available.")


class Storage(ABC):
    """The one interface services use. Every method checks the key first."""

    async def put(self, key: str, data: bytes, content_type: str) -> StoredFile:
        expected = check_key(key)
        if content_type != expected:
            # The extension decides how the file is served; a mismatch would serve it as something else.
            raise StorageKeyError(f"key {key!r} is for {expected}, not {content_type}")
        await self._put(key, data, content_type)
        return StoredFile(key, len(data), content_type)

    async def get(self, key: str) -> bytes:
        check_key(key)
        return await self._get(key)

    async def stat(self, key: str) -> StoredFile:
        """Size and type; :class:`FileMissing` if there is no such file."""
        content_type = check_key(key)
        return StoredFile(key, await self._size(key), content_type)

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except FileMissing:
            return False
        return True

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """The file in chunks, for serving without holding it whole in memory."""
        check_key(key)
        return self._stream(key)

    async def delete(self, key: str) -> None:
        """Remove the file; a file already gone is not an error (deleting twice is safe)."""
        check_key(key)
        await self._delete(key)

    @abstractmethod
    async def _put(self, key: str, data: bytes, content_type: str) -> None: ...

    @abstractmethod
    async def _get(self, key: str) -> bytes: ...

    @abstractmethod
    async def _size(self, key: str) -> int: ...

    @abstractmethod
    def _stream(self, key: str) -> AsyncIterator[bytes]: ...

    @abstractmethod
    async def _delete(self, key: str) -> None: ...


class LocalStorage(Storage):
    """Files in a folder on this machine (one server, or a folder every server mounts)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        # The key pattern already forbids leaving the folder; a symlink planted inside it must not either.
        if not path.is_relative_to(self.root):
            raise StorageKeyError(f"key {key!r} leaves the storage folder")
        return path

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self._path(key), data)

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
        # Written beside, then renamed: a reader never sees half a file, a crash leaves no partial one.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o640)
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise

    async def _get(self, key: str) -> bytes:
        try:
            return await asyncio.to_thread(self._path(key).read_bytes)
        except (FileNotFoundError, IsADirectoryError):
            raise FileMissing() from None

    async def _size(self, key: str) -> int:
        path = self._path(key)
        try:
            stat = await asyncio.to_thread(path.stat)
        except FileNotFoundError:
            raise FileMissing() from None
        if not path.is_file():
            raise FileMissing()
        return stat.st_size

    async def _stream(self, key: str) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(self._path(key).open, "rb")
        except (FileNotFoundError, IsADirectoryError):
            raise FileMissing() from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()

    async def _delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self._path(key).unlink)


class ObjectStorage(Storage):
    """Any obstore store: S3-compatible buckets in production; its memory and local stores in tests,
    so that the tests run exactly this code."""

    def __init__(self, store: Any, *, send_content_type: bool = True) -> None:
        self.store = store
        # S3 keeps the type with the object (useful when someone browses the bucket); obstore's local
        # store cannot keep attributes, so it is told nothing.
        self.send_content_type = send_content_type

    async def _put(self, key: str, data: bytes, content_type: str) -> None:
        import obstore

        attributes = {"Content-Type": content_type} if self.send_content_type else None
        await obstore.put_async(self.store, key, data, attributes=attributes)

    async def _get(self, key: str) -> bytes:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            result = await obstore.get_async(self.store, key)
            return bytes(await result.bytes_async())
        except (NotFoundError, FileNotFoundError):
            raise FileMissing() from None

    async def _size(self, key: str) -> int:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            meta = await obstore.head_async(self.store, key)
        except (NotFoundError, FileNotFoundError):
            raise FileMissing() from None
        return int(meta["size"])

    async def _stream(self, key: str) -> AsyncIterator[bytes]:
        import obstore
        from obstore.exceptions import NotFoundError

        try:
            result = await obstore.get_async(self.store, key)
        except (NotFoundError, FileNotFoundError):
            raise FileMissing() from None
        async for chunk in result.stream(min_chunk_size=CHUNK):
            yield bytes(chunk)

    async def _delete(self, key: str) -> None:
        import obstore
        from obstore.exceptions import NotFoundError

        # S3 answers a delete of a missing object with success; the other stores are told to match.
        with contextlib.suppress(NotFoundError, FileNotFoundError):
            await obstore.delete_async(self.store, key)


def storage_from_settings(settings: "Settings") -> Storage:
    """``EXPO_STORAGE_URL`` empty: the folder ``EXPO_STORAGE_DIR``; ``s3://bucket/prefix``: that bucket."""
    url = settings.storage_url.strip()
    if not url:
        return LocalStorage(settings.storage_dir)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError("EXPO_STORAGE_URL must look like s3://bucket/prefix (or be empty for the local folder)")
    from obstore.store import S3Store

    options: dict[str, Any] = {}
    if settings.storage_endpoint:
        options["endpoint"] = settings.storage_endpoint
    if settings.storage_region:
        options["region"] = settings.storage_region
    if settings.storage_access_key_id:
        options["access_key_id"] = settings.storage_access_key_id
        options["secret_access_key"] = settings.storage_secret_access_key
    if settings.storage_path_style:
        options["virtual_hosted_style_request"] = False
    client_options: ClientConfig | None = (
        {"allow_http": True} if settings.storage_endpoint.startswith("http://") else None
    )
    store = S3Store(parts.netloc, prefix=parts.path.strip("/") or None, client_options=client_options, **options)
    return ObjectStorage(store)


def _ascii_name(filename: str) -> str:
    """The file name for old browsers: plain ASCII letters, digits, dot, dash and underscore."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]+", "_", plain).strip("._") or "file"
    return plain[:100]


def content_disposition(filename: str, *, inline: bool = True) -> str:
    """``inline``/``attachment`` with the name twice: ASCII for everyone, UTF-8 (RFC 6266) for the rest."""
    kind = "inline" if inline else "attachment"
    safe = filename.replace("\r", " ").replace("\n", " ")[:150]
    return f"{kind}; filename=\"{_ascii_name(safe)}\"; filename*=UTF-8''{quote(safe, safe='')}"


async def file_response(storage: Storage, key: str, *, filename: str, inline: bool = True) -> Stream:
    """Serve a stored file. The CALLER has checked that the asker may see it.

    The type comes from the key (the app made it from the checked content), ``nosniff`` stops a
    browser guessing another, and the answer is never cached by a proxy or kept by the browser.
    """
    try:
        stored = await storage.stat(key)  # FileMissing (404) before any byte is sent
    except StorageKeyError:
        raise FileMissing() from None  # a forged key is answered like a missing file, never a 500
    ext = key.rsplit(".", 1)[1]
    name = filename if filename.lower().endswith(f".{ext}") else f"{filename}.{ext}"
    return Stream(
        storage.stream(key),
        media_type=stored.content_type,
        headers={
            "Content-Length": str(stored.size),
            "Content-Disposition": content_disposition(name, inline=inline),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )
