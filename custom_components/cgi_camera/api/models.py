"""Frozen dataclasses the client returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


class IoEvent(NamedTuple):
    """A state of an I/O port, as the monitor stream reports it (1-based).

    ``port`` is the input's number, or the relay's when ``output`` is set:
    ``io/port.cgi``'s own numbers are translated (see :class:`PortLayout`).
    """

    port: int
    active: bool
    output: bool = False


@dataclass(frozen=True)
class PortLayout:
    """Which ``io/port.cgi`` ports are the inputs and which the relays.

    ``io/port.cgi?checkdirection`` tells each port's direction; the spec does
    not say how those numbers relate to ``io/input.cgi``'s and
    ``io/output.cgi``'s, so the n-th port said to be an input is taken as
    input n, and the n-th output as relay n.
    """

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]

    @property
    def ports(self) -> tuple[int, ...]:
        """Every port, in ``io/port.cgi``'s numbers."""
        return tuple(sorted(self.inputs + self.outputs))

    def event(self, number: int, active: bool) -> IoEvent | None:
        """The input or relay event that port ``number`` reports."""
        if number in self.inputs:
            return IoEvent(self.inputs.index(number) + 1, active)
        if number in self.outputs:
            return IoEvent(self.outputs.index(number) + 1, active, output=True)
        return None


@dataclass(frozen=True)
class IoMonitor:
    """How the device pushes its I/O states, as discovery found.

    * ``port_layout`` set: one ``io/port.cgi?monitor=`` connection carries
      the inputs and the relays;
    * else ``outputs_pushed``: ``io/input.cgi`` and ``io/output.cgi``
      monitors, one connection each;
    * else the inputs are monitored and the relays polled.
    """

    port_layout: PortLayout | None = None
    outputs_pushed: bool = False

    @property
    def description(self) -> str:
        """The choice in words (diagnostics)."""
        if self.port_layout is not None:
            return "io/port.cgi monitor (inputs and relays, one connection)"
        if self.outputs_pushed:
            return "io/input.cgi and io/output.cgi monitors"
        return "io/input.cgi monitor; relays polled"


@dataclass(frozen=True)
class Capabilities:
    """What the device has, learnt from its parameters."""

    sources: int
    has_quad: bool
    inputs: int
    outputs: int
    ptz_sources: frozenset[int]
    sd_card: bool
    audio: bool
    #: The MIME type ``audio/transmit.cgi`` takes (spec 5.8.1; the first of
    #: ``audio/basic``, ``audio/32KADPCM``, ``audio/G723`` the device takes),
    #: ``None`` without a speaker.
    speaker: str | None = None
    io_monitor: IoMonitor = field(default_factory=IoMonitor)


@dataclass(frozen=True)
class DeviceInfo:
    """Identity and capabilities, found by :mod:`.discovery`.

    Only what the spec defines is required of a device; the other values are
    ``None`` when the device does not report them.
    """

    unique_id: str  # the MAC ("00:40:8c:12:34:56"), else "serial-<n>", else "addr-<h>"
    brand: str | None
    model: str | None
    name: str | None
    firmware: str | None
    serial: str | None
    mac: str | None  # lower-case colon form, "00:40:8c:12:34:56"
    capabilities: Capabilities
    input_names: Mapping[int, str] = field(default_factory=dict)  # 1-based
    output_names: Mapping[int, str] = field(default_factory=dict)  # 1-based
    max_viewers: int | None = None
    default_resolution: str | None = None
    # How each value was found: "parameter <name>", "probe <request>", ...
    discovery: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """A name for the device: its host name, model or brand."""
        return self.name or self.model or self.brand or "CGI camera"


@dataclass(frozen=True)
class ImageSize:
    """Answer of ``imagesize.cgi``."""

    width: int
    height: int


@dataclass(frozen=True)
class PtzPosition:
    """Answer of ``com/ptz.cgi?query=position``; absent values are ``None``."""

    pan: float | None = None
    tilt: float | None = None
    zoom: float | None = None
    focus: float | None = None
    iris: float | None = None
    autofocus: bool | None = None
    autoiris: bool | None = None


@dataclass(frozen=True)
class PtzPreset:
    """A server preset position."""

    number: int
    name: str


@dataclass(frozen=True)
class PtzInfo:
    """Answer of ``com/ptz.cgi?info=1``: the commands the source supports."""

    commands: frozenset[str]
    raw: str

    def supports(self, command: str) -> bool:
        """Whether the source lists ``command``."""
        return command in self.commands


@dataclass(frozen=True)
class StorageDisk:
    """One ``<disk>`` of ``list.cgi?diskid=...``."""

    disk_id: str
    total_kib: int
    free_kib: int
    cleanup_level: int | None
    cleanup_max_age: int | None
    cleanup_policy: str | None
    locked: bool
    full: bool
    readonly: bool
    status: str


@dataclass(frozen=True)
class Recording:
    """One ``<recording>`` of ``list.cgi?recordingid=...``."""

    recording_id: str
    disk_id: str
    start_time: datetime | None
    stop_time: datetime | None
    recording_type: str
    event_id: str
    status: str
    locked: bool


@dataclass(frozen=True)
class IpFilter:
    """Answer of ``ipfilter.cgi?action=list``."""

    addresses: tuple[str, ...]
    enabled: bool
    policy: str | None = None  # "allow" (Accept addresses), "deny" (Deny addresses)
    verified: bool | None = None
    """``verify=yes``: whether the client's address is accepted (else ``None``)."""
    rejected_address: str | None = None
    """The address a failed verification names (``Verification failed: ...``)."""


@dataclass(frozen=True)
class UserGroups:
    """Answer of ``pwdgrp.cgi?action=get``: users per group."""

    groups: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class EventRule:
    """One event rule, a dynamic group ``Event.E<n>`` (spec 5.1.1.4)."""

    group: str  # "E0"
    name: str  # Event.E<n>.Name ("" when the device has none)
    enabled: bool | None  # Event.E<n>.Enabled; None: neither yes nor no


@dataclass(frozen=True)
class MotionWindow:
    """One motion detection window, a dynamic group ``Motion.M<n>`` (spec 5.4).

    Coordinates are 0..9999 (top < bottom, left < right, as in the spec's
    examples); one the device does not give as a whole number is ``None``.
    """

    group: str  # "M0"
    name: str
    top: int | None
    bottom: int | None
    left: int | None
    right: int | None
    # The window's other parameters as the device lists them (the spec
    # names none: they differ between devices).
    other: Mapping[str, str] = field(default_factory=dict)


RESOLUTIONS: tuple[str, ...] = (
    "1280x1024",
    "1024x768",
    "4CIF",
    "D1",
    "VGA",
    "640x480",
    "QVGA",
    "CIF",
    "320x240",
    "QQVGA",
    "QCIF",
    "160x120",
)
"""The resolutions the spec lists for image.cgi and mjpg/video.cgi."""

RESOLUTION_SIZES: dict[str, tuple[int, int]] = {
    "1280x1024": (1280, 1024),
    "1024x768": (1024, 768),
    "4CIF": (704, 576),
    "D1": (720, 576),
    "VGA": (640, 480),
    "640x480": (640, 480),
    "QVGA": (320, 240),
    "CIF": (352, 288),
    "320x240": (320, 240),
    "QQVGA": (160, 120),
    "QCIF": (160, 120),  # the spec's imagesize.cgi example answers 160x120
    "160x120": (160, 120),
}
"""Nominal pixel sizes of :data:`RESOLUTIONS` (PAL sizes for CIF and 4CIF)."""
