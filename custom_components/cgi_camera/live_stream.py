"""One upstream MJPEG connection per video source, shared by every viewer.

Home Assistant's own MJPEG camera opens one device connection per viewer;
these devices allow only a few (``Image.MaxViewers``).  Here every video
source (``1``..``4`` or ``"quad"``) has one :class:`SourceStream`:

* the first viewer opens ``mjpg/video.cgi`` in a background task of the
  config entry; every later viewer joins it;
* the connection stays open :data:`LINGER_SECONDS` after the last viewer left
  (a dashboard that reloads reuses it), then closes;
* the stream holds only the newest frame.  Each viewer waits for a frame
  newer than the one it sent last and then takes the newest one, so a slow
  viewer skips frames; nobody waits for it and nothing queues up;
* the frame-rate option is applied here by skipping frames (``video.cgi``
  takes only camera and resolution), and is read for every frame; a changed
  resolution option reconnects the upstream without dropping the viewers;
* an error, a closed stream (device restart) or the unload of the entry ends
  the run: its viewers' responses end, and the next viewer opens a new one;
* a source with a lookback option has one more viewer that never leaves: it
  keeps the connection open and the last seconds of frames in a
  :class:`~.lookback.FrameRing` (clips that start in the past), and reopens
  the connection :data:`LOOKBACK_RETRY_SECONDS` after it ended;
* a recording (:mod:`.recorder`) is one more viewer too.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Coroutine, Mapping
from contextlib import asynccontextmanager
from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later

from .api import CameraBusyError, CameraClient, CameraError, transport_details
from .const import (
    CONF_FRAME_RATE,
    CONF_LOOKBACK_PREFIX,
    CONF_STREAM_RESOLUTION,
    DEFAULT_FRAME_RATE,
    DEFAULT_LOOKBACK_SECONDS,
    DOMAIN,
    RESOLUTION_DEVICE_DEFAULT,
)
from .lookback import FrameRing

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

# How long the device connection outlives its last viewer.
LINGER_SECONDS = 5.0
# How long a lookback waits before it reopens a connection that ended.
LOOKBACK_RETRY_SECONDS = 10.0

type Source = int | str
"""A video source: 1..4, or "quad"."""


class FramePacer:
    """Let through at most ``fps`` frames per second, without drift.

    A frame is due when it arrives no earlier than a quarter interval before
    its slot, so a device that sends exactly the wanted rate with jitter is
    not halved; a device slower than the wanted rate loses nothing.
    """

    def __init__(self) -> None:
        """Start with the first frame due at once."""
        self._next_due: float | None = None

    def due(self, now: float, fps: float) -> bool:
        """Return whether a frame arriving at ``now`` should be sent."""
        interval = 1.0 / fps
        slack = interval / 4
        if self._next_due is not None and now < self._next_due - slack:
            return False
        if self._next_due is None or now - self._next_due > interval:
            # First frame, or after a gap: restart the schedule from now.
            self._next_due = now + interval
        else:
            self._next_due += interval
        return True


class _Run:
    """One upstream connection's life: its newest frames and its end."""

    def __init__(self) -> None:
        self.frame: bytes | None = None  # newest frame sent to viewers
        self.frame_arrived = 0.0  # its arrival (loop time)
        self.latest: bytes | None = None  # newest frame received (snapshots)
        self.seq = 0
        self.done = False
        self.error: CameraError | None = None
        self.task: asyncio.Task[None] | None = None
        self._event = asyncio.Event()

    def publish(self, frame: bytes, arrived: float) -> None:
        """Make ``frame`` (arrived at loop time ``arrived``) newest; wake viewers."""
        self.frame = frame
        self.frame_arrived = arrived
        self.seq += 1
        event, self._event = self._event, asyncio.Event()
        event.set()

    def finish(self, error: CameraError | None) -> None:
        """End the run: drop the frames and the task, and wake every viewer.

        The ended task's frames hold the run: keeping the task here would tie
        them in a reference cycle that keeps the run's readers and buffers
        until Python's next full collection.
        """
        self.done = True
        self.error = error
        self.task = None
        self.frame = self.latest = None
        self._event.set()

    async def wait_newer(self, seq: int) -> tuple[bytes, int] | None:
        """Return the newest frame once it is newer than ``seq``; None at the end."""
        while not self.done:
            if self.seq > seq and self.frame is not None:
                return self.frame, self.seq
            await self._event.wait()
        return None


class LiveViewer:
    """One viewer of a source: iterates the frames it has time for."""

    def __init__(self, run: _Run) -> None:
        """Follow ``run`` from its current frame on."""
        self._run = run
        self._seq = 0
        self.arrived = 0.0

    @property
    def seq(self) -> int:
        """Return the number of the last frame handed out (0: none yet)."""
        return self._seq

    @property
    def error(self) -> CameraError | None:
        """Return the error that ended the stream, if one did."""
        return self._run.error

    async def next_frame(self) -> bytes | None:
        """Return the next frame to send, ``None`` when the stream ended.

        Raises the run's :class:`CameraError` if it failed before this viewer
        got any frame (the caller can still answer with an error status).
        """
        got = await self._run.wait_newer(self._seq)
        if got is None:
            if self._seq == 0 and self._run.error is not None:
                raise self._run.error
            return None
        frame, self._seq = got
        self.arrived = self._run.frame_arrived
        return frame


class SourceStream:
    """The shared live stream of one video source."""

    def __init__(self, hub: LiveStreamHub, source: Source) -> None:
        """Initialise an idle stream."""
        self._hub = hub
        self.source = source
        self.viewers = 0
        self.run: _Run | None = None
        self._cancel_linger: CALLBACK_TYPE | None = None
        self._listeners: list[CALLBACK_TYPE] = []
        # The last seconds of frames, while a lookback option keeps them.
        self.lookback: FrameRing | None = None
        self._cancel_keeper_retry: CALLBACK_TYPE | None = None

    @property
    def is_open(self) -> bool:
        """Return whether an upstream connection runs (or is being opened)."""
        return self.run is not None and not self.run.done

    def latest_frame(self) -> bytes | None:
        """Return the newest frame of the open connection, if any."""
        return self.run.latest if self.run is not None else None

    @callback
    def async_add_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Call ``update`` when the connection opens or closes, or viewers change."""
        self._listeners.append(update)

        @callback
        def remove() -> None:
            self._listeners.remove(update)

        return remove

    @callback
    def _async_notify(self) -> None:
        for update in list(self._listeners):
            update()

    @callback
    def async_attach(self) -> LiveViewer:
        """Add a viewer; open the upstream connection if none runs."""
        self._async_cancel_linger()
        if self.run is None or self.run.done:
            self._hub.async_check_capacity()
            run = self.run = _Run()
            # Eager start: the task may finish before it is stored.
            task = self._hub.async_create_task(
                self._async_run(run), f"{DOMAIN} live stream {self.source}"
            )
            if not run.done:
                run.task = task
        self.viewers += 1
        self._async_notify()
        return LiveViewer(self.run)

    @callback
    def async_detach(self) -> None:
        """Remove a viewer; the last one starts the linger timer."""
        self.viewers -= 1
        if self.viewers == 0 and self.is_open:
            self._cancel_linger = async_call_later(
                self._hub.hass, LINGER_SECONDS, self._async_linger_expired
            )
        self._async_notify()

    @callback
    def _async_linger_expired(self, _now: datetime) -> None:
        self._cancel_linger = None
        if self.viewers == 0:
            _LOGGER.debug("Closing the idle live stream of source %s", self.source)
            self.async_stop()

    @callback
    def _async_cancel_linger(self) -> None:
        if self._cancel_linger is not None:
            self._cancel_linger()
            self._cancel_linger = None

    @callback
    def async_keep_lookback(self, seconds: float) -> None:
        """Keep the connection open and its last ``seconds`` of frames."""
        self.lookback = FrameRing(seconds)
        self._async_start_keeper()

    @callback
    def _async_start_keeper(self, _now: datetime | None = None) -> None:
        self._cancel_keeper_retry = None
        if not self._hub.shut_down:
            self._hub.async_create_task(
                self._async_keep(), f"{DOMAIN} lookback {self.source}"
            )

    async def _async_keep(self) -> None:
        """Be the viewer that fills the lookback; retry once the stream ended."""
        ring = self.lookback
        assert ring is not None
        try:
            async with self._hub.async_view(self.source) as viewer:
                while (frame := await viewer.next_frame()) is not None:
                    ring.push(viewer.arrived, frame)
        except CameraError as err:
            _LOGGER.debug("Lookback of source %s unavailable: %s", self.source, err)
        # A clip must not bridge the outage with the frames from before it.
        ring.clear()
        if not self._hub.shut_down:
            self._cancel_keeper_retry = async_call_later(
                self._hub.hass, LOOKBACK_RETRY_SECONDS, self._async_start_keeper
            )

    @callback
    def async_stop(self, error: CameraError | None = None) -> None:
        """End the current run (its viewers' responses end) and close it."""
        self._async_cancel_linger()
        if self._hub.shut_down and self._cancel_keeper_retry is not None:
            self._cancel_keeper_retry()
            self._cancel_keeper_retry = None
        run = self.run
        if run is None or run.done:
            return
        task = run.task
        run.finish(error)
        if task is not None:
            task.cancel()
        self._async_notify()

    async def _async_run(self, run: _Run) -> None:
        """Read the device stream and hand its frames to the viewers."""
        hub = self._hub
        loop = asyncio.get_running_loop()
        pacer = FramePacer()
        error: CameraError | None = None
        try:
            while True:
                resolution = hub.stream_resolution
                _LOGGER.debug(
                    "Opening the live stream of source %s (%s)",
                    self.source,
                    resolution or "device default",
                )
                frames = hub.client.video.mjpeg_frames(
                    hub.api_camera(self.source), resolution
                )
                try:
                    async for frame in frames:
                        run.latest = frame
                        if pacer.due(now := loop.time(), hub.frame_rate):
                            run.publish(frame, now)
                        if hub.stream_resolution != resolution:
                            break  # the option changed: reconnect, keep viewers
                    else:
                        _LOGGER.debug("Live stream of %s ended", self.source)
                        return
                finally:
                    await frames.aclose()
        except CameraError as err:
            _LOGGER.debug(
                "Live stream of source %s failed: %s%s",
                self.source,
                err,
                transport_details(err),
            )
            error = err
        except Exception:
            # A bug: its traceback, and the viewers' responses end.
            _LOGGER.exception("Unexpected error in the live stream of %s", self.source)
        finally:
            if not run.done:
                run.finish(error)
                self._async_cancel_linger()
                self._async_notify()


class LiveStreamHub:
    """The live streams of one device, owned by its config entry."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CgiCameraConfigEntry,
        client: CameraClient,
        *,
        sources: int,
        max_viewers: int | None,
    ) -> None:
        """Initialise; nothing connects before a viewer asks."""
        self.hass = hass
        self.entry = entry
        self.client = client
        self.sources = sources
        self.max_viewers = max_viewers
        self.streams: dict[Source, SourceStream] = {}
        self.shut_down = False
        # Clip recordings under way (recorder.py); the unload waits for them.
        self.recordings: set[asyncio.Future[None]] = set()

    @property
    def options(self) -> Mapping[str, Any]:
        """Return the entry's current options (read live)."""
        return self.entry.options

    @property
    def stream_resolution(self) -> str | None:
        """Return the live-stream resolution option; None: device default."""
        value = self.options.get(CONF_STREAM_RESOLUTION, RESOLUTION_DEVICE_DEFAULT)
        return None if value == RESOLUTION_DEVICE_DEFAULT else str(value)

    @property
    def frame_rate(self) -> float:
        """Return the frame rate sent to viewers."""
        return max(1.0, float(self.options.get(CONF_FRAME_RATE, DEFAULT_FRAME_RATE)))

    def lookback_seconds(self, source: Source) -> int:
        """Return the lookback option of ``source`` (0: off)."""
        key = f"{CONF_LOOKBACK_PREFIX}{source}"
        return int(self.options.get(key, DEFAULT_LOOKBACK_SECONDS))

    @callback
    def async_start_lookback(self) -> None:
        """Start keeping the last seconds of every source that has the option."""
        for source in range(1, self.sources + 1):
            if seconds := self.lookback_seconds(source):
                self.stream(source).async_keep_lookback(seconds)

    def api_camera(self, source: Source) -> Source | None:
        """Return the ``camera`` argument: none on a single-source camera."""
        return None if self.sources == 1 and source == 1 else source

    def stream(self, source: Source) -> SourceStream:
        """Return the stream of ``source``, created on first use."""
        if (stream := self.streams.get(source)) is None:
            stream = self.streams[source] = SourceStream(self, source)
        return stream

    def latest_frame(self, source: Source) -> bytes | None:
        """Return the newest frame of an open live connection of ``source``."""
        stream = self.streams.get(source)
        return stream.latest_frame() if stream is not None else None

    @property
    def open_connections(self) -> int:
        """Return how many device connections are open."""
        return sum(stream.is_open for stream in self.streams.values())

    @callback
    def async_check_capacity(self) -> None:
        """Refuse to open more device connections than MaxViewers allows."""
        if self.shut_down:
            raise CameraError("the config entry is unloading")
        if self.max_viewers and self.open_connections >= self.max_viewers:
            raise CameraBusyError(
                f"the device allows {self.max_viewers} viewers and they are in use"
            )

    def async_create_task(
        self, target: Coroutine[Any, Any, None], name: str
    ) -> asyncio.Task[None]:
        """Start a task that belongs to the config entry."""
        return self.entry.async_create_background_task(self.hass, target, name)

    @asynccontextmanager
    async def async_view(self, source: Source) -> AsyncGenerator[LiveViewer]:
        """Watch ``source`` for the duration of the ``async with`` block."""
        stream = self.stream(source)
        viewer = stream.async_attach()
        try:
            yield viewer
        finally:
            stream.async_detach()

    def diagnostics(self) -> dict[str, Any]:
        """Return the state of every live stream (for the diagnostics)."""
        return {
            "max_viewers": self.max_viewers,
            "stream_resolution": self.stream_resolution,
            "frame_rate": self.frame_rate,
            "recordings": len(self.recordings),
            "streams": {
                str(source): {
                    "open": stream.is_open,
                    "viewers": stream.viewers,
                    "frames_sent": stream.run.seq if stream.run else 0,
                    "lookback": stream.lookback.diagnostics()
                    if stream.lookback
                    else None,
                }
                for source, stream in self.streams.items()
            },
        }

    @callback
    def async_shutdown(self) -> None:
        """Close every stream now (unload); viewers' responses end."""
        self.shut_down = True
        for stream in self.streams.values():
            stream.async_stop()

    async def async_wait_recordings(self) -> None:
        """Wait until every recording has finished its file (unload)."""
        if self.recordings:
            await asyncio.wait(self.recordings)


def async_get_hub(hass: HomeAssistant, entry: CgiCameraConfigEntry) -> LiveStreamHub:
    """Return the entry's hub, creating it (closed on unload) on first use."""
    data = entry.runtime_data
    if (hub := data.live_streams) is None:
        hub = data.live_streams = LiveStreamHub(
            hass,
            entry,
            data.client,
            sources=data.device.capabilities.sources,
            max_viewers=data.device.max_viewers,
        )
        # Unload callbacks run last-in first-out: the streams close first,
        # which ends the recordings, then the unload waits for their files.
        entry.async_on_unload(hub.async_wait_recordings)
        entry.async_on_unload(hub.async_shutdown)
    return hub
