"""What other parts of the project hear of an expo's set-up: that it was copied into a new edition.

Booths knows nothing of pass kinds and gates (imports go tickets -> booths), yet a copy must bring
them along in the same transaction as the halls and booths. So the copy calls these hooks, and the
tickets side registers its listener when it is imported (``tickets/__init__``).
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class ExpoCopied:
    """A copy in progress: the source and the new expo, the new hall of each old hall, the new booth
    of each old booth, and how far the dates moved."""

    source_id: int
    target_id: int
    halls: Mapping[int, int]
    booths: Mapping[int, int]
    shift: timedelta


Listener = Callable[[AsyncSession, ExpoCopied], Awaitable[None]]

_copied: list[Listener] = []


def on_expo_copied(listener: Listener) -> Listener:
    """Run ``listener`` inside every expo copy (registering twice: once)."""
    if listener not in _copied:
        _copied.append(listener)
    return listener


async def expo_copied(session: AsyncSession, event: ExpoCopied) -> None:
    for listener in _copied:
        await listener(session, event)
