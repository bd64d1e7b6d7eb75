"""A small keep-alive HTTP/1.1 client for load generators on the same cores as the server.

httpx spends about a millisecond of CPU per request; on a 2-core machine that is CPU taken from
the server under test. This client writes one request and reads one ``Content-Length`` response per
call on one connection (reconnecting after an error), and nothing else: enough for a JSON API.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The load generator's own garbage collector kept out of the timings. Its full collections walk
    every object the seeding left (the app's modules, SQLAlchemy's) and paused the whole client for
    up to 300 ms, during which no answer was read: that was counted as the server's latency. The
    seeding's objects are frozen and collection is off for the (bounded) timed part."""
    gc.collect()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.unfreeze()


class LeanHTTPError(Exception):
    """The connection failed, timed out or sent something this client does not read."""


class LeanClient:
    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None, timeout: float = 10.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self._headers = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def _connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self._reader is None or self._writer is None:
            self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
        return self._reader, self._writer

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        """One request; the status and the body. Raises :class:`LeanHTTPError` (and drops the
        connection) on a network error, a timeout or a response without ``Content-Length``."""
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n{self._headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            async with asyncio.timeout(self.timeout):
                reader, writer = await self._connect()
                writer.write(head.encode() + body)
                status_line, *header_lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
                length = None
                for line in header_lines:
                    name, _, value = line.partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length is None:
                    raise LeanHTTPError(f"no Content-Length in the answer to {method} {path}")
                return int(status_line.split(" ", 2)[1]), await reader.readexactly(length)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            await self.aclose()
            raise LeanHTTPError(f"{method} {path}: {exc!r}") from exc
        except LeanHTTPError:
            await self.aclose()
            raise

    async def post_json(self, path: str, payload: Any) -> tuple[int, Any]:
        status, body = await self.request("POST", path, json.dumps(payload).encode())
        return status, json.loads(body) if body else None

    async def aclose(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
