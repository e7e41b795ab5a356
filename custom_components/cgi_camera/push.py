"""I/O monitor connections held open: reconnect with backoff, resync on connect.

A device pushes its inputs, and where it can its relays, on ``monitor``
streams (spec 5.5.1). Each :class:`MonitorChannel` holds one such connection
for the coordinator: one ``io/port.cgi`` stream for both, or one
``io/input.cgi`` and one ``io/output.cgi`` stream (``IoMonitor``, from
discovery). After every (re)connect the channel reads the states it carries
with one request per kind, because a change while it was away was not
pushed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
import contextlib
from dataclasses import dataclass
from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any, Protocol

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .api import CameraAuthenticationError, CameraError, IoEvent
from .const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import CgiCameraCoordinator

_LOGGER = logging.getLogger(__name__)

# A monitor stream that stayed up this long counts as healthy: the next
# reconnect starts again at the first backoff step.
HEALTHY_STREAM_SECONDS = 60.0


class OpenStream(Protocol):
    """Open the monitor: ``open(on_connect=..., on_unreadable=...)``."""

    def __call__(
        self,
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Return the stream's events (see ``IoApi.monitor_outputs``)."""


@dataclass(slots=True)
class PushState:
    """State of one monitor stream, for entities and diagnostics."""

    connected: bool = False
    connected_since: datetime | None = None
    reconnect_count: int = 0
    attempt: int = 0
    last_error: str | None = None
    last_event: datetime | None = None
    events: int = 0
    auth_failed: bool = False

    def diagnostics(self) -> dict[str, Any]:
        """The state as plain values."""
        return {
            "connected": self.connected,
            "connected_since": self.connected_since.isoformat()
            if self.connected_since
            else None,
            "reconnect_count": self.reconnect_count,
            "attempt": self.attempt,
            "last_error": self.last_error,
            "events": self.events,
            "auth_failed": self.auth_failed,
        }


class MonitorChannel:
    """One monitor connection of a device, held open by a task of the entry."""

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        name: str,
        open_stream: OpenStream,
        *,
        inputs: bool,
        outputs: bool,
    ) -> None:
        """Carry ``inputs`` and/or relays (``outputs``) on ``open_stream``."""
        self.coordinator = coordinator
        self.name = name
        self.open_stream = open_stream
        self.carries_inputs = inputs
        self.carries_outputs = outputs
        self.state = PushState()
        self.events_since_poll = 0
        # Per-port counters of the states this stream told, (output?, port)
        # -> count (events; relays also by a resync): a resync answer never
        # overwrites an event that arrived while its request was in flight,
        # nor a poll's answer a relay state told while it was.
        self.versions: dict[tuple[bool, int], int] = {}
        self.wake = asyncio.Event()
        self._stream_timeout: asyncio.Timeout | None = None
        self._stream_generation = 0
        self.stream_open = 0
        # The stream whose states are being re-read, and whether to again.
        self._resyncing: int | None = None
        self._resync_again = False
        self._kill_reason: str | None = None

    @property
    def what(self) -> str:
        """The channel in log messages ("input monitor of 00:40:8c:...")."""
        return f"{self.name} of {self.coordinator.identity}"

    @callback
    def async_start(self) -> None:
        """Start the task holding the stream open; it belongs to the entry."""
        coordinator = self.coordinator
        coordinator.config_entry.async_create_background_task(
            coordinator.hass,
            self._async_loop(),
            f"{DOMAIN} {coordinator.identity} {self.name}",
        )

    @callback
    def async_kill(self, reason: str) -> None:
        """End the current stream; the loop reconnects."""
        if self._stream_timeout is not None:
            self._kill_reason = reason
            self._stream_timeout.reschedule(asyncio.get_running_loop().time())

    @callback
    def async_poll_failed(self) -> None:
        """A poll failed: a stream without data since the last poll is dead."""
        if self.state.connected and self.events_since_poll == 0:
            self.async_kill("no data and the device did not answer")
        self.events_since_poll = 0

    @callback
    def async_poll_succeeded(self) -> None:
        """The device answers: skip the rest of a reconnect's backoff."""
        self.events_since_poll = 0
        if not self.state.connected and not self.state.auth_failed:
            self.wake.set()

    async def _async_loop(self) -> None:
        """Hold the monitor stream open; reconnect with backoff."""
        state = self.state
        while not self._stopped():
            delay = self.coordinator.backoff(state.attempt)
            if delay > 0:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self.wake.wait()
                if self._stopped():
                    return  # A poll got a 401 meanwhile: wait for reauth.
            state.attempt += 1
            try:
                await self._async_run_stream()
            except CameraAuthenticationError:
                self.coordinator.async_auth_failed()
                self._async_lost("authentication failed")
            except TimeoutError:
                self._async_lost(self._kill_reason or "timeout")
            except CameraError as err:
                self._async_lost(str(err) or type(err).__name__)
            except Exception as err:
                _LOGGER.exception("Unexpected error in the %s", self.what)
                self._async_lost(repr(err))
            else:
                self._async_lost("stream ended")

    def _stopped(self) -> bool:
        """Return whether the loop must stop (401: waiting for reauth)."""
        return self.state.auth_failed

    async def _async_run_stream(self) -> None:
        """Consume one monitor connection until it ends."""
        loop = asyncio.get_running_loop()
        self._stream_generation += 1
        self._kill_reason = None
        generation = self._stream_generation
        opened_at: float | None = None

        @callback
        def on_connect() -> None:
            nonlocal opened_at
            opened_at = loop.time()
            self.stream_open = generation
            self._async_start_resync(generation)

        @callback
        def on_unreadable() -> None:
            # A garbled part may have carried a change: read the states again.
            self._async_start_resync(generation)

        stream = self.open_stream(on_connect=on_connect, on_unreadable=on_unreadable)
        try:
            async with asyncio.timeout(None) as self._stream_timeout:
                async for event in stream:
                    self._async_handle_event(event)
        finally:
            self._stream_timeout = None
            self.stream_open = 0
            await stream.aclose()
            if opened_at is not None and (
                loop.time() - opened_at >= HEALTHY_STREAM_SECONDS
            ):
                # A healthy stream: the first reconnect is immediate.
                self.state.attempt = 0

    @callback
    def _async_handle_event(self, event: IoEvent) -> None:
        state = self.state
        state.events += 1
        self.events_since_poll += 1
        state.last_event = dt_util.utcnow()
        key = (event.output, event.port)
        self.versions[key] = self.versions.get(key, 0) + 1
        # Before the first resync the stream's first report is a state, not
        # a change seen happening.
        self.coordinator.async_pushed(event, seen=state.connected)

    @callback
    def _async_start_resync(self, generation: int) -> None:
        """Re-read the states; one request per kind at a time per stream.

        A resync asked for while one runs (garbled parts in a row) is done
        once more after it, not in parallel.
        """
        if self._resyncing == generation:
            self._resync_again = True
            return
        self._resyncing = generation
        # Eager task: it snapshots the event counters before any await.
        coordinator = self.coordinator
        coordinator.config_entry.async_create_background_task(
            coordinator.hass,
            self._async_resync(generation),
            f"{DOMAIN} {coordinator.identity} {self.name} resync",
        )

    async def _async_resync(self, generation: int) -> None:
        """Re-read every state the stream carries after a (re)connect.

        Also after a garbled part, whose change would otherwise be lost.
        """
        try:
            while await self._async_resync_once(generation) and self._resync_again:
                self._resync_again = False
        finally:
            # A newer stream may have started its own resync meanwhile: its
            # state is not this one's to clear.
            if self._resyncing == generation:
                self._resyncing = None
                self._resync_again = False

    async def _async_resync_once(self, generation: int) -> bool:
        """One resync; whether the stream it was for is still the one open."""
        coordinator = self.coordinator
        versions = dict(self.versions)
        io = coordinator.client.io
        try:
            inputs = (
                await io.input_states(coordinator.input_ports)
                if self.carries_inputs
                else {}
            )
            outputs = (
                await io.output_states(coordinator.output_ports)
                if self.carries_outputs
                else {}
            )
        except CameraAuthenticationError:
            coordinator.async_auth_failed()
            self._async_kill_stream_of(generation, "authentication failed")
            return False
        except CameraError as err:
            _LOGGER.debug("Resync of the %s failed: %s", self.what, err)
            self._async_kill_stream_of(generation, f"resync failed: {err}")
            return False
        if self.stream_open != generation:
            return False  # That stream is gone already; the next one resyncs.

        def unchanged(output: bool, port: int) -> bool:
            key = (output, port)
            return self.versions.get(key) == versions.get(key)

        inputs = {p: on for p, on in inputs.items() if unchanged(False, p)}
        outputs = {p: on for p, on in outputs.items() if unchanged(True, p)}
        for port in outputs:
            # Newer than what a poll that started before may read.
            self.versions[True, port] = self.versions.get((True, port), 0) + 1
        if not self.state.connected:
            self.state.connected = True
            self.state.connected_since = dt_util.utcnow()
            _LOGGER.debug("The %s is connected and resynced", self.what)
        coordinator.async_resynced(inputs, outputs)
        return True

    @callback
    def _async_kill_stream_of(self, generation: int, reason: str) -> None:
        """End the stream ``generation``, not a newer one that replaced it."""
        if self.stream_open == generation:
            self.async_kill(reason)

    @callback
    def _async_lost(self, reason: str) -> None:
        state = self.state
        state.last_error = reason
        if not state.connected:
            _LOGGER.debug("The %s is not connected: %s", self.what, reason)
            self.coordinator.async_channel_changed()
            return
        _LOGGER.debug("The %s is lost: %s", self.what, reason)
        state.connected = False
        state.connected_since = None
        state.reconnect_count += 1
        self.coordinator.async_channel_changed()
        if not state.auth_failed:
            # One poll tells whether the whole device is away (entities go
            # unavailable and the coordinator logs it once) or only the stream.
            self.coordinator.async_request_refresh_soon()

    def diagnostics(self) -> dict[str, Any]:
        """The channel's state as plain values."""
        return {"name": self.name, **self.state.diagnostics()}
