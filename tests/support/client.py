"""The test client: Litestar's ``AsyncTestClient``, but running the app on the test's own event loop.

Litestar's client runs the app (its lifespan and every request) in a thread with an event loop of its
own. An asyncpg connection belongs to the loop that opened it, so the app could not then share the
connection that holds a PostgreSQL test's rolled-back transaction. Here the lifespan and the
requests run on the loop of the test, as under a real server; the rest (cookies, base URL, the ASGI
scope Litestar's client builds, ``raise_server_exceptions``) is Litestar's."""

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from io import BytesIO
from types import TracebackType
from typing import Any

import anyio
from httpx import ByteStream, Request, Response
from litestar import Litestar
from litestar.testing import AsyncTestClient
from litestar.testing.transport import SendReceiveContext, TestClientTransport


class _SameLoopTransport(TestClientTransport[Any]):
    async def handle_async_request(self, request: Request) -> Response:
        scope = self.parse_request(request=request)
        scope.update(method=request.method, http_version="1.1", extensions={"http.response.template": {}})
        raw_kwargs: dict[str, Any] = {"stream": BytesIO()}
        context: SendReceiveContext = {
            "response_complete": anyio.Event(),
            "request_complete": False,
            "raw_kwargs": raw_kwargs,
            "response_started": False,
            "template": None,
            "context": None,
        }
        await self.client.app(scope, self.create_receive(request, context), self.create_send(request, context))
        assert context["response_started"], "the app sent no response"
        body = raw_kwargs.pop("stream").read()
        response = Response(**raw_kwargs, stream=ByteStream(body), request=request)
        response.template = context["template"]  # type: ignore[attr-defined]
        response.context = context["context"]  # type: ignore[attr-defined]
        return response


class SameLoopTestClient(AsyncTestClient[Litestar]):
    """``async with SameLoopTestClient(app) as client``: the app started, on this loop, until the end."""

    def __init__(self, app: Litestar, base_url: str = "http://testserver.local") -> None:
        super().__init__(app=app, base_url=base_url)
        self._transport = _SameLoopTransport(client=self)  # type: ignore[assignment]
        self._running = app.lifespan()

    async def __aenter__(self) -> "SameLoopTestClient":
        await self._running.__aenter__()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
    ) -> None:
        await self._running.__aexit__(exc_type, exc_value, traceback)


# The ``client_with`` fixture: ``client_with(base_url=..., **setting_overrides)``.
ClientWith = Callable[..., AbstractAsyncContextManager[SameLoopTestClient]]
