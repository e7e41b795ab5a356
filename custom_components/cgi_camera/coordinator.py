"""One coordinator per device: polling, the input monitor stream, availability."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Coroutine
import contextlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
import logging
import random
from typing import TYPE_CHECKING, Any, Final, Literal

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from .api import (
    CameraAuthenticationError,
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraNotFoundError,
    DeviceInfo,
    IoEvent,
    IpFilter,
    PtzPosition,
    StorageDisk,
    UserGroups,
)
from .const import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_MAX_SECONDS,
    DOMAIN,
    SCAN_INTERVAL_SECONDS,
    SD_DISK_ID,
    STORAGE_POLL_EVERY,
)

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

# A monitor stream that stayed up this long counts as healthy: the next
# reconnect starts again at the first backoff step.
HEALTHY_STREAM_SECONDS = 60.0

# An optional part of the poll: the video signal of every source (VIDEO, video
# servers), the IP filter's settings (IP_FILTER), the accounts per group
# (USERS) or the position of one PTZ source (its number). A part is polled
# only while an enabled entity shows it (CgiCameraCoordinator.async_want).
VIDEO: Final = "video"
IP_FILTER: Final = "ip_filter"
USERS: Final = "users"
type Part = Literal["video", "ip_filter", "users"] | int
_PART_NAMES = {IP_FILTER: "IP filter settings", USERS: "user accounts"}

# Reads of a part between polls (after a PTZ command) are at most this often,
# as Home Assistant's own refresh requests.
PART_REFRESH_COOLDOWN = 10.0
# A PTZ head's move is over by then: the position is read once more.
PART_SETTLE_SECONDS = 5.0


def _name(part: Part) -> str:
    """Name a part in log messages."""
    if isinstance(part, int):
        return f"PTZ position of source {part}"
    return _PART_NAMES.get(part, "video status")


def default_backoff(attempt: int) -> float:
    """Return the delay before reconnect attempt ``attempt`` (0-based).

    The first attempt after a healthy stream is immediate; later ones back off
    exponentially with full jitter in the upper half, capped at 60 s.
    """
    if attempt <= 0:
        return 0.0
    ceiling = min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** min(attempt, 16))
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311


@dataclass(slots=True)
class StorageState:
    """The SD card as last polled."""

    disk: StorageDisk | None
    recordings: int | None = None

    @property
    def status(self) -> str:
        """Return the normalised status: ok, full, readonly, unmounted, absent...

        The spec's disk (5.9.3) has a ``status`` word next to ``readonly``,
        ``locked`` and ``full`` yes/no attributes (``status="OK"
        full="yes"``).  Precedence: a status word other than OK (unmounted,
        error, full...) wins, as it says the most; then ``readonly`` (nothing
        can be written), ``locked``, ``full``; then ``ok``.  An empty status
        word with no attribute set is ``unknown``.
        """
        disk = self.disk
        if disk is None:
            return "absent"
        word = disk.status.strip().lower()
        if word not in ("", "ok"):
            return word
        for flag, on in (
            ("readonly", disk.readonly),
            ("locked", disk.locked),
            ("full", disk.full),
        ):
            if on:
                return flag
        return word or "unknown"

    @property
    def usable(self) -> bool:
        """Return whether the card is mounted, so its sizes mean something.

        A full, read-only or locked card is mounted: its sizes are shown.
        """
        return self.disk is not None and self.status not in (
            "absent",
            "unmounted",
            "unknown",
            "error",
        )


@dataclass(slots=True)
class CgiCameraData:
    """What the coordinator polls.

    ``video`` and ``ptz_positions`` hold the wanted parts only; a part whose
    request failed is left out, so only its own entities are unavailable.
    """

    outputs: dict[int, bool] = field(default_factory=dict)
    storage: StorageState | None = None
    # Video servers: whether each source has a video signal.
    video: dict[int, bool] = field(default_factory=dict)
    # PTZ source -> its position.
    ptz_positions: dict[int, PtzPosition] = field(default_factory=dict)
    # The IP filter's settings (ipfilter.cgi?action=list).
    ip_filter: IpFilter | None = None
    # The device's accounts per group (pwdgrp.cgi?action=get).
    users: UserGroups | None = None


def copy_part(source: CgiCameraData, target: CgiCameraData, part: Part) -> None:
    """Put ``source``'s value of ``part`` into ``target`` (or its absence)."""
    if part == IP_FILTER:
        target.ip_filter = source.ip_filter
    elif part == USERS:
        target.users = source.users
    elif not isinstance(part, int):
        target.video = source.video
    elif (position := source.ptz_positions.get(part)) is None:
        target.ptz_positions.pop(part, None)
    else:
        target.ptz_positions[part] = position


@dataclass(slots=True)
class PushState:
    """State of the input monitor stream, for entities and diagnostics."""

    connected: bool = False
    connected_since: datetime | None = None
    reconnect_count: int = 0
    attempt: int = 0
    last_error: str | None = None
    last_event: datetime | None = None
    events: int = 0
    auth_failed: bool = False


class CgiCameraCoordinator(DataUpdateCoordinator[CgiCameraData]):
    """Own every request to one device.

    * polls what the device does not push: relays every minute, the SD card
      every fifth poll, and in the same poll the parts enabled entities want
      (the video signal of a video server, PTZ positions);
    * holds ``io/input.cgi?monitor=...`` open in a background task of the
      config entry and reconnects it with backoff;
    * re-reads the inputs with ``check`` after every (re)connect.
    """

    config_entry: CgiCameraConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CgiCameraConfigEntry,
        client: CameraClient,
        device: DeviceInfo,
        *,
        backoff: Callable[[int], float] | None = None,
    ) -> None:
        """Initialise the coordinator."""
        super().__init__(
            hass,
            _LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} {device.title}",
            update_interval=timedelta(seconds=SCAN_INTERVAL_SECONDS),
            always_update=False,
        )
        self.client = client
        self.device = device
        self.backoff = backoff or default_backoff
        caps = device.capabilities
        self.input_ports: tuple[int, ...] = tuple(range(1, caps.inputs + 1))
        self.output_ports: tuple[int, ...] = tuple(range(1, caps.outputs + 1))
        # Inputs come only from the push stream and its resyncs.
        self.inputs: dict[int, bool] = {}
        self.push = PushState()
        self._input_listeners: list[CALLBACK_TYPE] = []
        # Per-port counter of pushed events: a resync answer never overwrites
        # an event that arrived while the check request was in flight.
        self._input_versions: dict[int, int] = dict.fromkeys(self.input_ports, 0)
        self._events_since_poll = 0
        self._stream_timeout: asyncio.Timeout | None = None
        self._stream_generation = 0
        # The stream whose inputs are being re-read, and whether to again.
        self._resyncing: int | None = None
        self._resync_again = False
        self._kill_reason: str | None = None
        self._stream_open = 0
        self._wake = asyncio.Event()
        # Recording counts cost an extra request: only while an entity wants it.
        self.recordings_wanted = 0
        # Polls left before the SD card is read again (0: at the next poll).
        self._polls_until_storage = 0
        # Video servers (several sources) tell which sources have video.
        self.video_sources: tuple[int, ...] = (
            tuple(range(1, caps.sources + 1)) if caps.sources > 1 else ()
        )
        # Part -> how many enabled entities show it (async_want).
        self._wanted: Counter[Part] = Counter()
        # Parts whose last read failed (logged once, and once when back).
        self._failed_parts: set[Part] = set()
        self._first_read_lock = asyncio.Lock()
        # Parts to re-read before the next poll (after a PTZ command).
        self._due: set[Part] = set()
        # Parts to read once more when the last command has settled.
        self._settling: set[Part] = set()
        self._cancel_settle: CALLBACK_TYPE | None = None
        self._part_refresh: Debouncer[Coroutine[Any, Any, None]] = Debouncer(
            hass,
            _LOGGER,
            cooldown=PART_REFRESH_COOLDOWN,
            immediate=True,
            function=self._async_read_due_parts,
        )

    @property
    def identity(self) -> str:
        """Return the device's unique id (its MAC when it has one)."""
        return self.device.unique_id

    # ------------------------------------------------------------------ polling

    async def _async_update_data(self) -> CgiCameraData:
        """Poll what is due; a 401 starts reauth, other errors fail the poll."""
        try:
            data = await self._async_poll()
        except CameraAuthenticationError as err:
            self.push.auth_failed = True
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_auth"
            ) from err
        except CameraError as err:
            self._async_poll_failed()
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="update_failed",
                translation_placeholders={"error": str(err)},
            ) from err
        self._events_since_poll = 0
        if not self.push.connected and not self.push.auth_failed:
            # The device answers again: skip the rest of the stream's backoff.
            self._wake.set()
        return data

    async def _async_poll(self) -> CgiCameraData:
        """Poll relays (one check request), the SD card when due, wanted parts.

        A poll that would send nothing sends one cheap request instead, so a
        device that stops answering goes unavailable whatever it has.
        """
        data = CgiCameraData()
        sent = False
        if self.output_ports:
            data.outputs = await self.client.io.output_states(self.output_ports)
            sent = True
        if self.device.capabilities.sd_card:
            data.storage, read = await self._async_storage_for_poll()
            sent = sent or read
        parts = list(self._wanted)
        for part in parts:
            await self._async_poll_part(data, part, first=not sent)
            sent = True
        if not sent:
            await self.client.system.ping()
        for part in self._wanted.keys() - parts:
            copy_part(self.data, data, part)  # wanted meanwhile, read already
        return data

    async def _async_poll_part(
        self, data: CgiCameraData, part: Part, *, first: bool
    ) -> None:
        """Read ``part`` into ``data``; when it fails, only its entities do.

        A 401 fails the poll (reauth), and so does a transport error on the
        poll's ``first`` request: then the device is away.
        """
        try:
            await self._async_read_part(data, part)
        except CameraAuthenticationError:
            raise
        except CameraConnectionError as err:
            if first:
                raise
            self._part_failed(part, err)
        except CameraError as err:
            self._part_failed(part, err)
        else:
            self._part_read(part)

    async def _async_read_part(self, data: CgiCameraData, part: Part) -> None:
        """Read ``part`` into ``data`` with one request."""
        if part == IP_FILTER:
            data.ip_filter = await self.client.ip_filter.list()
            return
        if part == USERS:
            data.users = await self.client.users.get()
            return
        if not isinstance(part, int):
            data.video = await self.client.video.status(self.video_sources)
            return
        # camera= only on devices with several sources (as ptz.camera_arg).
        camera = part if self.video_sources else None
        data.ptz_positions[part] = await self.client.ptz.position(camera=camera)

    def _part_failed(self, part: Part, err: CameraError) -> None:
        if part not in self._failed_parts:
            self._failed_parts.add(part)
            _LOGGER.info(
                "Cannot read the %s of %s: %s", _name(part), self.identity, err
            )

    def _part_read(self, part: Part) -> None:
        if part in self._failed_parts:
            self._failed_parts.discard(part)
            _LOGGER.info("The %s of %s can be read again", _name(part), self.identity)

    # ------------------------------------------------------ parts entities want

    @callback
    def async_want(self, part: Part) -> CALLBACK_TYPE:
        """Poll ``part`` until the returned callback is called.

        Entities that show a part call this when added to Home Assistant: a
        part no enabled entity shows costs no request.
        """
        self._wanted[part] += 1

        @callback
        def release() -> None:
            self._wanted[part] -= 1
            if not self._wanted[part]:
                del self._wanted[part]

        return release

    def wants(self, part: Part) -> bool:
        """Return whether an enabled entity shows ``part``."""
        return part in self._wanted

    @callback
    def async_read_part_soon(self, part: Part) -> None:
        """Read a newly wanted part in a task of the entry.

        An entity being added must not wait for a device request.
        """
        self.config_entry.async_create_task(
            self.hass, self.async_read_part_once(part), f"{DOMAIN} read {part}"
        )

    async def async_read_part_once(self, part: Part) -> None:
        """Read a newly wanted part now, unless it was read already.

        Its entities need not wait for the next poll; the other entities
        showing the same part find it read.
        """
        async with self._first_read_lock:
            if self._has_part(part) or part in self._failed_parts:
                return
            await self._async_read_and_show(part)

    def _has_part(self, part: Part) -> bool:
        if isinstance(part, int):
            return part in self.data.ptz_positions
        if part == IP_FILTER:
            return self.data.ip_filter is not None
        if part == USERS:
            return self.data.users is not None
        return bool(self.data.video)

    @callback
    def async_refresh_part_soon(self, part: Part) -> None:
        """Re-read ``part`` soon (debounced), e.g. after a PTZ command.

        Once at once, and once more :data:`PART_SETTLE_SECONDS` after the
        last call: a real head is still moving when the first read comes.
        """
        self._async_queue_part_read(part)
        self._settling.add(part)
        if self._cancel_settle is not None:
            self._cancel_settle()
        self._cancel_settle = async_call_later(
            self.hass, PART_SETTLE_SECONDS, self._async_settled
        )

    @callback
    def _async_settled(self, _now: datetime) -> None:
        """The last command is long enough ago: read its parts once more."""
        self._cancel_settle = None
        parts, self._settling = self._settling, set()
        # Not through the debouncer: this timer already spaces these reads.
        self.config_entry.async_create_task(
            self.hass, self._async_read_parts(parts), f"{DOMAIN} settled parts"
        )

    async def _async_read_parts(self, parts: set[Part]) -> None:
        """Read the ``parts`` that are still wanted, one at a time."""
        for part in parts:
            if self.wants(part):
                await self._async_read_and_show(part)

    @callback
    def _async_queue_part_read(self, part: Part) -> None:
        """Have the debounced part reader read ``part``."""
        self._due.add(part)
        self.config_entry.async_create_task(
            self.hass, self._part_refresh.async_call(), f"{DOMAIN} {_name(part)}"
        )

    async def _async_read_due_parts(self) -> None:
        """Re-read the due parts that are still wanted, one at a time."""
        parts, self._due = self._due, set()
        await self._async_read_parts(parts)

    async def async_read_part_now(self, part: Part) -> None:
        """Read ``part`` now and show it (after a change the integration made)."""
        await self._async_read_and_show(part)

    async def _async_read_and_show(self, part: Part) -> None:
        """Read one part between polls and show it; the rest stays as polled.

        Any error, a 401 too, only makes the part's entities unavailable:
        the next poll tells what the device as a whole does.
        """
        read = CgiCameraData()
        try:
            await self._async_read_part(read, part)
        except CameraError as err:
            self._part_failed(part, err)
        else:
            self._part_read(part)
        data = self.data
        shown = replace(data, ptz_positions=dict(data.ptz_positions))
        copy_part(read, shown, part)
        self.data = shown
        self.async_update_listeners()

    async def async_shutdown(self) -> None:
        """Stop polling and cancel pending part reads."""
        await super().async_shutdown()
        self._part_refresh.async_shutdown()
        if self._cancel_settle is not None:
            self._cancel_settle()
            self._cancel_settle = None

    async def async_refresh_storage(self) -> None:
        """Read the SD card now, e.g. after mounting or formatting it."""
        self._polls_until_storage = 0
        await self.async_refresh()

    async def async_request_storage_refresh(self) -> None:
        """Read the SD card at the next (debounced) refresh."""
        self._polls_until_storage = 0
        await self.async_request_refresh()

    async def _async_storage_for_poll(self) -> tuple[StorageState | None, bool]:
        """Read the SD card every STORAGE_POLL_EVERY polls; else keep the last.

        Also returns whether a request was sent.
        """
        if self._polls_until_storage > 0 and self.data is not None:
            self._polls_until_storage -= 1
            return self.data.storage, False
        storage = await self._async_poll_storage()
        self._polls_until_storage = STORAGE_POLL_EVERY - 1
        return storage, True

    async def _async_poll_storage(self) -> StorageState:
        try:
            disks = await self.client.storage.disks(SD_DISK_ID)
        except CameraNotFoundError:
            return StorageState(disk=None)
        disk = next((d for d in disks if d.disk_id == SD_DISK_ID), None)
        if disk is None and disks:
            disk = disks[0]
        state = StorageState(disk=disk)
        if self.recordings_wanted and state.usable:
            try:
                state.recordings = len(await self.client.storage.recordings())
            except CameraNotFoundError:
                state.recordings = None
        return state

    @callback
    def _async_poll_failed(self) -> None:
        """A poll failed: a stream without data since the last poll is dead."""
        if self.push.connected and self._events_since_poll == 0:
            self.async_kill_stream("no data and the device did not answer")
        self._events_since_poll = 0

    @callback
    def async_set_outputs(self, outputs: dict[int, bool]) -> None:
        """Store relay states confirmed by the device and notify entities."""
        merged = {**self.data.outputs, **outputs}
        self.async_set_updated_data(replace(self.data, outputs=merged))

    # --------------------------------------------------------------- push side

    @callback
    def async_add_input_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Listen for input changes and stream availability."""
        self._input_listeners.append(update)

        @callback
        def remove() -> None:
            self._input_listeners.remove(update)

        return remove

    @callback
    def _async_notify_inputs(self) -> None:
        for update in list(self._input_listeners):
            update()

    @property
    def inputs_available(self) -> bool:
        """Return whether input states are live (stream open and resynced)."""
        return self.push.connected

    @callback
    def async_start_push(self) -> None:
        """Start the input monitor task; it belongs to the entry."""
        if not self.input_ports:
            return
        self.config_entry.async_create_background_task(
            self.hass,
            self._async_push_loop(),
            f"{DOMAIN} {self.identity} input monitor",
        )

    @callback
    def async_kill_stream(self, reason: str) -> None:
        """End the current monitor stream; the push loop reconnects."""
        if self._stream_timeout is not None:
            self._kill_reason = reason
            self._stream_timeout.reschedule(asyncio.get_running_loop().time())

    async def _async_push_loop(self) -> None:
        """Hold the monitor stream open; reconnect with backoff."""
        while not self._push_stopped():
            delay = self.backoff(self.push.attempt)
            if delay > 0:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                if self._push_stopped():
                    return  # A poll got a 401 meanwhile: wait for reauth.
            self.push.attempt += 1
            try:
                await self._async_run_stream()
            except CameraAuthenticationError:
                self._async_auth_failed()
                self._async_stream_lost("authentication failed")
            except TimeoutError:
                self._async_stream_lost(self._kill_reason or "timeout")
            except CameraError as err:
                self._async_stream_lost(str(err) or type(err).__name__)
            except Exception as err:
                _LOGGER.exception("Unexpected error in the input monitor")
                self._async_stream_lost(repr(err))
            else:
                self._async_stream_lost("stream ended")

    def _push_stopped(self) -> bool:
        """Return whether the push task must stop (401: waiting for reauth)."""
        return self.push.auth_failed

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
            self._stream_open = generation
            self._async_start_resync(generation)

        @callback
        def on_unreadable() -> None:
            # A garbled part may have carried a change: read the inputs again.
            self._async_start_resync(generation)

        stream = self.client.io.monitor_inputs(
            self.input_ports, on_connect=on_connect, on_unreadable=on_unreadable
        )
        try:
            async with asyncio.timeout(None) as self._stream_timeout:
                async for event in stream:
                    self._async_handle_event(event)
        finally:
            self._stream_timeout = None
            self._stream_open = 0
            await stream.aclose()
            if opened_at is not None and (
                loop.time() - opened_at >= HEALTHY_STREAM_SECONDS
            ):
                # A healthy stream: the first reconnect is immediate.
                self.push.attempt = 0

    @callback
    def _async_start_resync(self, generation: int) -> None:
        """Re-read the inputs; one request at a time per stream.

        A resync asked for while one runs (garbled parts in a row) is done
        once more after it, not in parallel.
        """
        if self._resyncing == generation:
            self._resync_again = True
            return
        self._resyncing = generation
        # Eager task: it snapshots the event counters before any await.
        self.config_entry.async_create_background_task(
            self.hass,
            self._async_resync(generation),
            f"{DOMAIN} {self.identity} input resync",
        )

    async def _async_resync(self, generation: int) -> None:
        """Re-read every input with one request after a (re)connect.

        Also after a garbled part, whose change would otherwise be lost.
        """
        try:
            while await self._async_resync_once(generation) and self._resync_again:
                self._resync_again = False
        finally:
            self._resyncing = None
            self._resync_again = False

    async def _async_resync_once(self, generation: int) -> bool:
        """One resync; whether the stream it was for is still the one open."""
        versions = dict(self._input_versions)
        try:
            states = await self.client.io.input_states(self.input_ports)
        except CameraAuthenticationError:
            self._async_auth_failed()
            self._async_kill_stream_of(generation, "authentication failed")
            return False
        except CameraError as err:
            _LOGGER.debug("Input resync of %s failed: %s", self.identity, err)
            self._async_kill_stream_of(generation, f"input resync failed: {err}")
            return False
        if self._stream_open != generation:
            return False  # That stream is gone already; the next one resyncs.
        for port, active in states.items():
            if self._input_versions.get(port) == versions.get(port):
                self.inputs[port] = active
        if not self.push.connected:
            self.push.connected = True
            self.push.connected_since = dt_util.utcnow()
            _LOGGER.debug("Input monitor of %s connected and resynced", self.identity)
        self._async_notify_inputs()
        if not self.last_update_success:
            # The device is back: refresh polled entities now, not at the next poll.
            self._async_request_refresh()
        return True

    @callback
    def _async_kill_stream_of(self, generation: int, reason: str) -> None:
        """End the stream ``generation``, not a newer one that replaced it."""
        if self._stream_open == generation:
            self.async_kill_stream(reason)

    @callback
    def _async_auth_failed(self) -> None:
        """Stop talking to the device and ask the user for new credentials."""
        if not self.push.auth_failed:
            self.push.auth_failed = True
            _LOGGER.debug("Device %s answered 401: starting reauth", self.identity)
            self.config_entry.async_start_reauth(self.hass)

    @callback
    def _async_request_refresh(self) -> None:
        self.config_entry.async_create_task(
            self.hass, self.async_request_refresh(), f"{DOMAIN} {self.identity} refresh"
        )

    @callback
    def _async_handle_event(self, event: IoEvent) -> None:
        self.push.events += 1
        self._events_since_poll += 1
        self.push.last_event = dt_util.utcnow()
        if event.port not in self._input_versions:
            return
        self._input_versions[event.port] += 1
        if self.inputs.get(event.port) is event.active:
            return
        self.inputs[event.port] = event.active
        if self.push.connected:
            self._async_notify_inputs()

    @callback
    def _async_stream_lost(self, reason: str) -> None:
        self.push.last_error = reason
        if not self.push.connected:
            _LOGGER.debug(
                "Input monitor of %s not connected: %s", self.identity, reason
            )
            self._async_notify_inputs()
            return
        _LOGGER.debug("Input monitor of %s lost: %s", self.identity, reason)
        self.push.connected = False
        self.push.connected_since = None
        self.push.reconnect_count += 1
        self._async_notify_inputs()
        if not self.push.auth_failed:
            # One poll tells whether the whole device is away (entities go
            # unavailable and the coordinator logs it once) or only the stream.
            self._async_request_refresh()

    def diagnostics(self) -> dict[str, Any]:
        """Return the coordinator's and the push task's state."""
        return {
            "last_update_success": self.last_update_success,
            "last_exception": repr(self.last_exception)
            if self.last_exception
            else None,
            "update_interval_seconds": self.update_interval.total_seconds()
            if self.update_interval
            else None,
            "inputs": dict(self.inputs),
            "io": self.client.io.report,
            "push": {
                "connected": self.push.connected,
                "connected_since": self.push.connected_since.isoformat()
                if self.push.connected_since
                else None,
                "reconnect_count": self.push.reconnect_count,
                "attempt": self.push.attempt,
                "last_error": self.push.last_error,
                "events": self.push.events,
                "auth_failed": self.push.auth_failed,
            },
        }
