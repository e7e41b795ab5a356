"""Stall detection for monitor streams, learnt from the device's keep-alives.

A monitor stream is silent while no port changes, so silence alone says
nothing.  Many devices send empty parts at a fixed interval while nothing
happens (the spec's monitor example shows such parts); once a device has been
seen doing that, a stream that stays silent for :data:`STALL_FACTOR` of those
intervals is dead and is ended with :class:`CameraTimeoutError`, so the
caller reconnects.  A device that never sends keep-alives is never timed out
here: the caller's poll finds out whether it still answers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator

from .errors import CameraTimeoutError
from .io import is_unreadable

STALL_FACTOR = 2.5
"""How many keep-alive intervals of silence end a stream."""

MIN_STALL_SECONDS = 1.0
"""Never time out faster than this, whatever the device's interval."""

MIN_KEEPALIVE_GAP_SECONDS = 1.0
"""Shorter gaps between empty parts teach nothing: parts sent together are no
timer (the spec's monitor example ends with two empty parts in a row)."""


def is_keepalive(body: bytes) -> bool:
    """Whether a monitor part is empty: blank lines and headers, no port."""
    return b"IO" not in body and not is_unreadable(body)


class KeepAliveWatch:
    """The keep-alive interval of one device, over all its monitor streams."""

    def __init__(self) -> None:
        """Start knowing nothing about the device's keep-alives."""
        self.interval: float | None = None

    @property
    def stall_seconds(self) -> float | None:
        """Silence that ends a stream (``None``: no keep-alive seen yet)."""
        if self.interval is None:
            return None
        return max(MIN_STALL_SECONDS, STALL_FACTOR * self.interval)

    def _saw_keepalive(self, gap: float) -> None:
        # Only gaps between two keep-alives count: after a port change the
        # next keep-alive can come sooner (a timer that is not reset).  The
        # longest such gap is the interval.
        if gap < MIN_KEEPALIVE_GAP_SECONDS:
            return
        self.interval = gap if self.interval is None else max(self.interval, gap)

    async def watch(
        self, parts: AsyncIterator[bytes], what: str
    ) -> AsyncGenerator[bytes]:
        """Pass ``parts`` on, learning the interval and timing out a stall."""
        loop = asyncio.get_running_loop()
        last_keepalive: float | None = None
        while True:
            try:
                async with asyncio.timeout(self.stall_seconds):
                    body = await anext(parts)
            except StopAsyncIteration:
                return
            except TimeoutError:
                stalled = self.stall_seconds
                # Learn again on the next stream: had the device changed its
                # interval, a stream killed early would never show the longer one.
                self.interval = None
                raise CameraTimeoutError(
                    f"{what}: no keep-alive for {stalled:.0f} s"
                ) from None
            now = loop.time()
            if not is_keepalive(body):
                last_keepalive = None
            else:
                if last_keepalive is not None:
                    self._saw_keepalive(now - last_keepalive)
                last_keepalive = now
            yield body
