"""What a job kind runs: the handler registry, the context a handler gets, and its failure signal."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from expo.settings import Settings

Handler = Callable[["JobContext", dict[str, Any]], Awaitable[dict[str, Any] | None]]

_HANDLERS: dict[str, Handler] = {}
_LABELS: dict[str, str] = {}


class JobSetupError(ValueError):
    """A job kind, key or limit that the code (not a person) got wrong."""


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help (bad payload, unknown recipient): the job
    goes to the dead letter at once, with the message as its reason."""


def job_handler(kind: str, *, label: str | None = None) -> Callable[[Handler], Handler]:
    """Register ``async def handler(ctx, payload) -> dict | None`` for ``kind`` (its returned dict is
    stored as the job's result). Handlers must be idempotent: a job whose worker died runs again.
    ``label`` (English, marked with ``N_``) names the kind on the organisers' page."""
    if not kind or len(kind) > 64:
        raise JobSetupError("a job kind is 1 to 64 characters")
    if label:
        _LABELS[kind] = label

    def register(handler: Handler) -> Handler:
        existing = _HANDLERS.get(kind)
        if existing is not None and existing is not handler and _name(existing) != _name(handler):
            raise JobSetupError(f"job kind {kind!r} has a handler already ({_name(existing)})")
        _HANDLERS[kind] = handler
        return handler

    return register


def _name(handler: Handler) -> str:
    return f"{getattr(handler, '__module__', '?')}.{getattr(handler, '__qualname__', '?')}"


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)


def kind_label(kind: str) -> str | None:
    """The English name of a job kind (translate it for a page), if its handler gave one."""
    return _LABELS.get(kind)


@dataclass
class JobContext:
    """What a running handler may use: the settings, the worker's database engine and sessionmaker,
    which job and attempt this is, ``heartbeat()`` to keep a long job's lease, and ``add_output()``
    to name the files it makes (deleted when the job lapses or grows old)."""

    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    job_id: int
    attempt: int
    max_attempts: int
    expo_id: int | None
    _heartbeat: Callable[[int], Awaitable[bool]] = field(repr=False)
    _add_output: Callable[[int, str], Awaitable[None]] = field(repr=False)

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts

    async def heartbeat(self) -> bool:
        """Renew this job's lease now (the worker also renews it on its own every few seconds).
        False when the job is no longer this worker's (its lease ran out and another took it)."""
        return await self._heartbeat(self.job_id)

    async def add_output(self, path: Path | str) -> None:
        """Record a file this job writes, before writing it, so that a lapsed attempt's file is found."""
        if not Path(path).is_absolute():
            raise JobSetupError("an output is named by its absolute path")
        await self._add_output(self.job_id, str(path))
