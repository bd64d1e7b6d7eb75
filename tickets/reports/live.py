"""The organisers' dashboard pushed live: one event stream per open dashboard that says "changed"
when a check-in, a daily sale or a payment of its expo committed, on any worker.

It listens on two channels of the platform's channels plugin: the gate's check-in channel
(``tickets.gate.live``, published by the gate API) and the expo's figure channel (``expo.live``,
published after a sale or payment commits; booths services cannot import tickets). The event carries
no figures: the page then fetches its board again, so the numbers always come from the database and
several workers cannot make them wrong. What a stream cannot hear (another SQLite worker's change, a
dropped notice, a dropped stream) the page's periodic re-read catches.
"""

import asyncio
import time
from collections.abc import AsyncIterator

import anyio
from litestar.channels import ChannelsPlugin
from litestar.response import ServerSentEventMessage

from expo import live as figures
from expo.stopping import stopping, woken_on_stop
from tickets.gate import live as checkins

STREAM_SECONDS = 300.0  # an EventSource reconnects by itself; no connection lives forever
KEEPALIVE_SECONDS = 20.0  # a comment this often keeps proxies from closing a quiet stream
GAP_SECONDS = 1.0  # at most one "changed" a second: each makes the page fetch its board


def channel_names(expo_id: int) -> list[str]:
    return [checkins.channel_name(expo_id), figures.channel_name(expo_id)]


async def dashboard_events(
    channels: ChannelsPlugin,
    expo_id: int,
    *,
    stream_seconds: float = STREAM_SECONDS,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
    gap_seconds: float = GAP_SECONDS,
) -> AsyncIterator[ServerSentEventMessage]:
    """``changed`` whenever a notice of the expo arrives (a burst is one event), a comment while quiet."""
    notice = asyncio.Event()

    async def heard(_message: bytes) -> None:
        notice.set()

    deadline = time.monotonic() + stream_seconds
    async with (
        channels.start_subscription(channel_names(expo_id)) as subscriber,
        subscriber.run_in_background(heard),
    ):
        # First a comment: the response starts at once, so the page knows it is listening.
        yield ServerSentEventMessage(comment="listening")
        # Until the deadline, or until the server is told to stop (``expo.stopping``): the page then
        # reconnects, to a worker that serves.
        with woken_on_stop(notice.set):
            while (left := deadline - time.monotonic()) > 0 and not stopping():
                with anyio.move_on_after(min(keepalive_seconds, left)):
                    await notice.wait()
                if stopping():
                    return
                if not notice.is_set():
                    if deadline - time.monotonic() > 0:
                        yield ServerSentEventMessage(comment="quiet")
                    continue
                notice.clear()
                yield ServerSentEventMessage(event="changed", data=str(expo_id))
                await asyncio.sleep(min(gap_seconds, max(0.0, deadline - time.monotonic())))
