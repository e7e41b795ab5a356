"""One coordinator per device: polling, the pushed I/O states, availability."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import partial
import logging
import random
from typing import TYPE_CHECKING, Any, Final, Literal

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.debounce import Debouncer
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

from .api import (
    CameraAuthenticationError,
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    DeviceInfo,
    EventRule,
    IoEvent,
    IoMonitor,
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
from .push import MonitorChannel, OpenStream, PushState

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

# An optional part of the poll: the video signal of every source (VIDEO, video
# servers), the IP filter's settings (IP_FILTER), the accounts per group
# (USERS), the event rules (EVENT_RULES) or the position of one PTZ source
# (its number). A part is polled only while an enabled entity shows it
# (CgiCameraCoordinator.async_want).
# The "port" of input listeners that hear only of the streams' availability
# (ports are numbered from 1).
AVAILABILITY: Final = 0

VIDEO: Final = "video"
IP_FILTER: Final = "ip_filter"
USERS: Final = "users"
EVENT_RULES: Final = "event_rules"
type Part = Literal["video", "ip_filter", "users", "event_rules"] | int
_PART_NAMES = {
    IP_FILTER: "IP filter settings",
    USERS: "user accounts",
    EVENT_RULES: "event rules",
}

# Reads of a part between polls (after a PTZ command) are at most this often,
# as Home Assistant's own refresh requests.
PART_REFRESH_COOLDOWN = 10.0
# A PTZ head's move is over by then: the position is read once more.
PART_SETTLE_SECONDS = 5.0
# A part refused from the first (no Event group) is asked again after this
# many polls (an hour at the default interval): a firmware upgrade may add it.
REFUSED_PART_RETRY_POLLS = 60


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
    # The event rules (param.cgi?action=list&group=Event).
    event_rules: tuple[EventRule, ...] | None = None


def copy_part(source: CgiCameraData, target: CgiCameraData, part: Part) -> None:
    """Put ``source``'s value of ``part`` into ``target`` (or its absence)."""
    if part == IP_FILTER:
        target.ip_filter = source.ip_filter
    elif part == USERS:
        target.users = source.users
    elif part == EVENT_RULES:
        target.event_rules = source.event_rules
    elif not isinstance(part, int):
        target.video = source.video
    elif (position := source.ptz_positions.get(part)) is None:
        target.ptz_positions.pop(part, None)
    else:
        target.ptz_positions[part] = position


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
        # Listeners of one input (its number), of every input (None), and of
        # the streams' availability only (AVAILABILITY): a change of one
        # input writes only its own binary sensor.
        self._input_listeners: dict[int | None, list[CALLBACK_TYPE]] = {}
        self._input_event_listeners: dict[int, list[Callable[[bool], None]]] = {}
        # The monitor streams (one, or one for inputs and one for relays).
        self.channels = self._channels(caps.io_monitor)
        # The state of the stream that carries the inputs (entities show it).
        self.push = next(
            (c.state for c in self.channels if c.carries_inputs), PushState()
        )
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
        # Parts the device refused from the first (no Event group) -> polls
        # to skip before asking again; and the parts read at least once.
        self._refused_parts: dict[Part, int] = {}
        self._parts_read: set[Part] = set()
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
            for state in self._push_states():
                state.auth_failed = True
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
        for channel in self.channels:
            channel.async_poll_succeeded()
        return data

    async def _async_poll(self) -> CgiCameraData:
        """Poll relays unless pushed, the SD card when due, wanted parts.

        A poll that would send nothing sends one cheap request instead, so a
        device that stops answering goes unavailable whatever it has.
        """
        data = CgiCameraData()
        sent = False
        read_relays = bool(self.output_ports) and not self.relays_pushed
        versions = self._relay_versions()
        if read_relays:
            data.outputs = await self.client.io.output_states(self.output_ports)
            sent = True
        if self.device.capabilities.sd_card:
            data.storage, read = await self._async_storage_for_poll()
            sent = sent or read
        parts = [part for part in self._wanted if self._part_due(part)]
        for part in parts:
            await self._async_poll_part(data, part, first=not sent)
            sent = True
        if not sent:
            await self.client.system.ping()
        if self.data is not None:
            # Pushed relays as they are now; a relay pushed while this poll
            # read the relays is newer than what it read.
            newer = (
                [p for p, n in self._relay_versions().items() if n != versions[p]]
                if read_relays
                else list(self.data.outputs)
            )
            for port in newer:
                if port in self.data.outputs:
                    data.outputs[port] = self.data.outputs[port]
        for part in self._wanted.keys() - parts:
            copy_part(self.data, data, part)  # wanted meanwhile, read already
        return data

    def _part_due(self, part: Part) -> bool:
        """Return whether this poll reads ``part`` (a refused one now and then)."""
        skip = self._refused_parts.pop(part, 0)
        if skip > 1:
            self._refused_parts[part] = skip - 1
            return False
        return True

    def _relay_versions(self) -> dict[int, int]:
        """How many changes of each relay the streams have pushed."""
        return {
            port: channel.versions.get((True, port), 0)
            for channel in self.channels
            if channel.carries_outputs
            for port in self.output_ports
        }

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
        except (CameraNotFoundError, CameraRequestRefusedError) as err:
            self._part_failed(part, err)
            if part == EVENT_RULES and part not in self._parts_read:
                # Refused from the first: a device without the Event group,
                # not asked every poll again.
                self._refused_parts[part] = REFUSED_PART_RETRY_POLLS
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
        if part == EVENT_RULES:
            data.event_rules = await self.client.events.event_rules()
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
        self._parts_read.add(part)
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
        if part == EVENT_RULES:
            return self.data.event_rules is not None
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
        for channel in self.channels:
            channel.async_poll_failed()

    @callback
    def async_set_outputs(self, outputs: dict[int, bool]) -> None:
        """Store relay states confirmed by the device and notify entities."""
        merged = {**self.data.outputs, **outputs}
        self.async_set_updated_data(replace(self.data, outputs=merged))

    # --------------------------------------------------------------- push side

    def _channels(self, monitor: IoMonitor) -> list[MonitorChannel]:
        """The monitor connections this device needs (see ``IoMonitor``)."""
        io = self.client.io
        inputs, outputs = self.input_ports, self.output_ports
        # (name, how to open it, carries inputs, carries relays)
        specs: list[tuple[str, OpenStream, bool, bool]] = []
        if monitor.port_layout is not None and inputs and outputs:
            specs.append(
                (
                    "I/O monitor",
                    partial(io.monitor_ports, monitor.port_layout),
                    True,
                    True,
                )
            )
        else:
            if inputs:
                specs.append(
                    ("input monitor", partial(io.monitor_inputs, inputs), True, False)
                )
            if outputs and monitor.outputs_pushed:
                specs.append(
                    ("relay monitor", partial(io.monitor_outputs, outputs), False, True)
                )
        return [
            MonitorChannel(self, name, opener, inputs=carries_inputs, outputs=relays)
            for name, opener, carries_inputs, relays in specs
        ]

    @property
    def relays_pushed(self) -> bool:
        """Return whether a live, resynced stream carries the relays.

        Then the poll does not read them; while it is down it does.
        """
        return any(
            channel.carries_outputs and channel.state.connected
            for channel in self.channels
        )

    @callback
    def async_add_input_listener(
        self, update: CALLBACK_TYPE, port: int | None = None
    ) -> CALLBACK_TYPE:
        """Listen for changes of input ``port`` (default: any) and availability.

        Availability is whether the streams are connected and resynced; a
        resync may change any input, so it notifies every listener.
        """
        listeners = self._input_listeners.setdefault(port, [])
        listeners.append(update)

        @callback
        def remove() -> None:
            listeners.remove(update)

        return remove

    @callback
    def async_add_availability_listener(self, update: CALLBACK_TYPE) -> CALLBACK_TYPE:
        """Listen only for the streams connecting, resyncing or being lost."""
        return self.async_add_input_listener(update, AVAILABILITY)

    @callback
    def async_add_input_event_listener(
        self, port: int, handle: Callable[[bool], None]
    ) -> CALLBACK_TYPE:
        """Hear of every change of input ``port`` the stream saw happen.

        Only changes pushed while the stream is resynced: not the states a
        resync or a stream's first report correct (they were not seen).
        """
        listeners = self._input_event_listeners.setdefault(port, [])
        listeners.append(handle)

        @callback
        def remove() -> None:
            listeners.remove(handle)

        return remove

    @callback
    def _async_notify_inputs(self, port: int | None = None) -> None:
        """Notify the listeners of ``port`` and of any input; all without one."""
        if port is None:
            keys: list[int | None] = list(self._input_listeners)
        else:
            keys = [port, None]
        for key in keys:
            for update in list(self._input_listeners.get(key, ())):
                update()

    @property
    def inputs_available(self) -> bool:
        """Return whether input states are live (stream open and resynced)."""
        return self.push.connected

    @callback
    def async_start_push(self) -> None:
        """Start the monitor tasks; they belong to the entry."""
        for channel in self.channels:
            channel.async_start()

    @callback
    def async_pushed(self, event: IoEvent, *, seen: bool) -> None:
        """Take a state a monitor stream reported.

        ``seen``: the stream is resynced, so a change from the known state
        happened while it watched (an input's event entity fires).
        """
        if event.output:
            self._async_pushed_output(event)
            return
        if event.port not in self.input_ports or self.inputs.get(event.port) is (
            event.active
        ):
            return
        self.inputs[event.port] = event.active
        if not seen:
            return
        self._async_notify_inputs(event.port)
        for handle in list(self._input_event_listeners.get(event.port, ())):
            handle(event.active)

    @callback
    def _async_pushed_output(self, event: IoEvent) -> None:
        """A relay switched (by a rule on the device, another client or us)."""
        data = self.data
        if event.port not in self.output_ports or data.outputs.get(event.port) is (
            event.active
        ):
            return
        self._async_show_outputs({event.port: event.active})

    @callback
    def async_resynced(self, inputs: dict[int, bool], outputs: dict[int, bool]) -> None:
        """States read after a (re)connect: correct them, fire no events."""
        self.inputs.update(inputs)
        if outputs:
            self._async_show_outputs(outputs)
        self._async_notify_inputs()
        if not self.last_update_success:
            # The device is back: refresh polled entities now, not at the next poll.
            self.async_request_refresh_soon()

    @callback
    def _async_show_outputs(self, outputs: dict[int, bool]) -> None:
        """Show relay states without moving the next poll (it is not a poll)."""
        self.data = replace(self.data, outputs={**self.data.outputs, **outputs})
        self.async_update_listeners()

    @callback
    def async_channel_changed(self) -> None:
        """A stream connected or was lost: input entities show it."""
        self._async_notify_inputs()

    @callback
    def async_auth_failed(self) -> None:
        """Stop talking to the device and ask the user for new credentials."""
        if self.push.auth_failed:
            return
        for state in self._push_states():
            state.auth_failed = True
        _LOGGER.debug("Device %s answered 401: starting reauth", self.identity)
        self.config_entry.async_start_reauth(self.hass)

    def _push_states(self) -> list[PushState]:
        states = [channel.state for channel in self.channels]
        return states if self.push in states else [self.push, *states]

    @callback
    def async_request_refresh_soon(self) -> None:
        """Ask for a (debounced) poll in a task of the entry."""
        self.config_entry.async_create_task(
            self.hass, self.async_request_refresh(), f"{DOMAIN} {self.identity} refresh"
        )

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
            "io_monitor": self.device.capabilities.io_monitor.description,
            "relays_pushed": self.relays_pushed,
            "push": self.push.diagnostics(),
            "monitors": [channel.diagnostics() for channel in self.channels],
        }
