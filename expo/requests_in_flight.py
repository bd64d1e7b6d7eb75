"""How many requests this server process is working on now, so that its embedded job worker can give
way to them (``expo.jobs.worker``, ``job_give_way_*`` settings).

When booking opens, two hundred exhibitors press "book" within a second; each winner's hold leaves
jobs behind (its message, its deliveries), and the embedded worker ran them at once, on the same
cores and, on SQLite, for the same write lock as the holds still waiting. A request counts from its
arrival until its answer starts: a live stream (the dashboard's) counts only until it opens.
"""

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

_working = [0]  # one per process, whatever the number of apps in it


def in_flight() -> int:
    """Requests of this process received and not yet answered."""
    return _working[0]


class RequestsInFlightMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        _working[0] += 1
        counted = True

        async def sending(message: Message) -> None:
            nonlocal counted
            if counted and message["type"] == "http.response.start":
                counted = False
                _working[0] -= 1
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if counted:
                _working[0] -= 1
