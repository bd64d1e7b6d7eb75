"""Hints that an expo's figures changed, for the pages that show them live (the organisers' dashboard).

A service that changes what such a page counts (a daily sale entered, a payment recorded or reversed)
calls :func:`changed` inside its transaction; once that transaction commits, every listener of this
process hears the expo's id, and nobody does on a rollback. It lives in ``expo`` because ``booths``
services report changes that ``tickets`` pages show, and ``booths`` never imports ``tickets``.

The app's listener, :class:`FigureNotices`, publishes the hint on the expo's channel
(:func:`channel_name`) through the platform's channels plugin (``expo.channels``: Redis pub/sub,
PostgreSQL ``LISTEN/NOTIFY``, or in memory on SQLite), coalescing a burst into one message. A hint
carries no figures: whoever hears it re-reads them from the database, so several workers can never
make a page's numbers wrong, and a lost hint costs only the lag of the page's periodic re-read.
"""

import asyncio
import logging
from collections.abc import Callable

from litestar.channels import ChannelsPlugin
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger("expo.live")
NOTICE_SECONDS = 0.5  # at most one hint per expo and worker this often: a busy sales desk is one message
_PENDING = "live_expos"  # Session.info: the expos changed in the open transaction
_HOOKED = "live_hooked"

# The listeners of this process (the app's FigureNotices); called after a commit with the expo's id.
_listeners: list[Callable[[int], None]] = []


def channel_name(expo_id: int) -> str:
    """The channel of an expo's figure hints: a plain identifier, as PostgreSQL ``LISTEN`` needs."""
    return f"expo_figures_{expo_id}"


def add_listener(listener: Callable[[int], None]) -> None:
    _listeners.append(listener)


def remove_listener(listener: Callable[[int], None]) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def changed(session: AsyncSession, expo_id: int) -> None:
    """Tell the listeners, once this session's transaction commits, that ``expo_id``'s figures changed
    (once per expo and transaction, however often it is called); never on a rollback."""
    sync: Session = session.sync_session
    if not sync.in_transaction():  # begun here (no database work yet) so that a rollback clears the hint
        sync.begin()
    sync.info.setdefault(_PENDING, set()).add(expo_id)
    if not sync.info.get(_HOOKED):  # one pair of hooks per session, for all its transactions
        sync.info[_HOOKED] = True
        event.listen(sync, "after_commit", _committed)
        event.listen(sync, "after_soft_rollback", _rolled_back)


def _committed(session: Session) -> None:
    # A savepoint released fires this too, before anything is committed: a page re-reading then
    # would see the old figures and hear nothing more. Only the outermost commit counts.
    if session.in_nested_transaction():
        return
    for expo_id in sorted(session.info.pop(_PENDING, set())):
        for listener in list(_listeners):
            try:
                listener(expo_id)
            except Exception:  # a hint must never fail a committed change
                log.exception("live hint for expo %s failed", expo_id)


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    # Every rollback, even of a transaction that never reached the database (``after_rollback``
    # would miss those); a savepoint rolled back leaves the rest of the transaction to go on.
    if not previous.nested:
        session.info.pop(_PENDING, None)


class FigureNotices:
    """Publishes an expo's hint on its channel, at most once per ``interval`` per expo: the app's
    listener, added at its startup (:meth:`start`) and removed at shutdown (:meth:`stop`).

    A commit may happen on another event loop than the app's (a script or a test serving the app in
    a thread); the hint then crosses over to the app's loop, where the channels plugin runs."""

    def __init__(self, channels: ChannelsPlugin, interval: float = NOTICE_SECONDS) -> None:
        self._channels = channels
        self._interval = interval
        self._pending: set[int] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        add_listener(self)

    def stop(self) -> None:
        remove_listener(self)
        self._loop = None

    def __call__(self, expo_id: int) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            self._schedule(expo_id)
        else:
            loop.call_soon_threadsafe(self._schedule, expo_id)

    def _schedule(self, expo_id: int) -> None:
        if expo_id in self._pending or self._loop is None:
            return
        self._pending.add(expo_id)
        self._loop.call_later(self._interval, self._publish, expo_id)

    def _publish(self, expo_id: int) -> None:
        self._pending.discard(expo_id)
        try:
            self._channels.publish({"expo_id": expo_id}, channel_name(expo_id))
        except RuntimeError:  # the worker is shutting down and the plugin has stopped: nobody listens
            log.info("figure hint for expo %s dropped: channels already stopped", expo_id)
