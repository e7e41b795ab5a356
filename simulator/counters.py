"""Request and connection counters, with awaitable conditions."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

CONNECTION_KINDS = ("video", "io", "audio")


@dataclass
class _Waiter:
    predicate: Callable[[], bool]
    future: asyncio.Future[None]


@dataclass
class Counters:
    """What the device has served (the control API is never counted)."""

    _requests: Counter[str] = field(default_factory=Counter)
    _responses: Counter[int] = field(default_factory=Counter)
    _open: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(CONNECTION_KINDS, 0)
    )
    _total_connections: Counter[str] = field(default_factory=Counter)
    _waiters: list[_Waiter] = field(default_factory=list)
    auth_failures: int = 0
    audio_bytes_received: int = 0
    #: (path, query) of every counted request, oldest first.
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: Parts written to streams per kind (video frames, audio blocks, I/O parts).
    frames_sent: Counter[str] = field(default_factory=Counter)

    @property
    def requests(self) -> Mapping[str, int]:
        """Requests per path, e.g. ``/param.cgi``."""
        return dict(self._requests)

    @property
    def responses(self) -> Mapping[int, int]:
        """Responses per HTTP status."""
        return dict(self._responses)

    @property
    def total_requests(self) -> int:
        """All requests served."""
        return sum(self._requests.values())

    @property
    def open_connections(self) -> Mapping[str, int]:
        """Open streams per kind: video, io, audio."""
        return dict(self._open)

    @property
    def total_connections(self) -> Mapping[str, int]:
        """Streams ever opened per kind."""
        return dict(self._total_connections)

    def count_request(self, path: str, query: Mapping[str, str] | None = None) -> None:
        """Count one request (and log its query)."""
        self._requests[path] += 1
        self.log.append((path, dict(query or {})))
        del self.log[:-10000]
        self._notify()

    def count_response(self, status: int) -> None:
        """Count one answer."""
        self._responses[status] += 1

    def opened(self, kind: str) -> None:
        """A stream of ``kind`` opened."""
        self._open[kind] += 1
        self._total_connections[kind] += 1
        self._notify()

    def closed(self, kind: str) -> None:
        """A stream of ``kind`` closed."""
        self._open[kind] -= 1
        self._notify()

    def reset(self) -> None:
        """Forget the request counts (open streams stay)."""
        self._requests.clear()
        self._responses.clear()
        self.auth_failures = 0
        self.audio_bytes_received = 0
        self.log.clear()
        self.frames_sent.clear()
        self._notify()

    def snapshot(self) -> dict[str, object]:
        """JSON-friendly view."""
        return {
            "requests": self.requests,
            "responses": {str(k): v for k, v in self._responses.items()},
            "total_requests": self.total_requests,
            "open_connections": self.open_connections,
            "total_connections": self.total_connections,
            "auth_failures": self.auth_failures,
            "audio_bytes_received": self.audio_bytes_received,
            "frames_sent": dict(self.frames_sent),
        }

    async def wait_for(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds (checked on every change)."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        waiter = _Waiter(predicate, future)
        self._waiters.append(waiter)
        try:
            await future
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def wait_for_connections(self, kind: str, count: int) -> None:
        """Wait until exactly ``count`` streams of ``kind`` are open."""
        if kind not in self._open:
            raise ValueError(f"unknown connection kind {kind!r}")
        await self.wait_for(lambda: self._open[kind] == count)

    async def wait_for_requests(self, path: str, count: int) -> None:
        """Wait until ``path`` has been requested at least ``count`` times."""
        await self.wait_for(lambda: self._requests[path] >= count)

    def _notify(self) -> None:
        for waiter in list(self._waiters):
            if not waiter.future.done() and waiter.predicate():
                waiter.future.set_result(None)
