"""What a device is and has, found with the spec's own requests.

The spec defines requests, not a parameter tree: of the names read here it
prints only ``Image.MaxViewers``, ``Image.I<n>.Resolution`` and
``Audiod.HttpMessageType``.  Every other name (``Brand.*``, ``Properties.*``,
``ImageSource.NbrOfSources``, ``Input.*``, ``Output.*``,
``PTZ.ImageSource.I<n>.PTZEnabled``, the MAC and serial number) is a *hint*:
when present it saves requests, when missing the capability is found with a
request the spec defines, and the result says which way was taken
(:attr:`DeviceInfo.discovery`).

* video sources: ``ImageSource.NbrOfSources``, else ``imagesize.cgi?camera=N``
  for N = 2..4 until refused; the quad view: ``imagesize.cgi?camera=quad``;
* PTZ per source: ``Properties.PTZ.PTZ`` and ``PTZ.ImageSource.I<n>.PTZEnabled``,
  else ``com/ptz.cgi?info=1&camera=N`` (a list of commands means PTZ);
* inputs and relays: ``Input.NbrOfInputs`` / ``Output.NbrOfOutputs`` or the
  ``Input.I<n>.*`` names, else ``checkactive=1``, ``=1,2``, ... until refused;
* SD card: ``Properties.LocalStorage.SDCard``, else ``list.cgi?diskid=all``;
* audio: ``Properties.Audio.Audio`` or the spec's ``Audiod.HttpMessageType``,
  else ``audio/receive.cgi`` (closed once answered);
* speaker (devices with audio): ``audio/transmit.cgi`` with an empty body of
  each spec 5.8.1 type, best first, until one is taken (the spec names no
  parameter for it; zero bytes play no sound);
* identity: ``Network.eth0.MACAddress``, else the serial number, else the MAC
  in ``backup.cgi``'s file name (``backup_<MAC>.tar``, headers only).

``videostatus.cgi`` cannot count sources: it answers any number from 1 to 41.
A device that answers none of the identity requests is identified by a hash
of its address, which changes with the address.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
import hashlib
import logging
import re
from typing import TYPE_CHECKING

from .audio import TRANSMIT_FORMATS
from .errors import (
    CameraBusyError,
    CameraConnectionError,
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraTimeoutError,
)
from .models import Capabilities, DeviceInfo, IoMonitor
from .params import normalise_mac

if TYPE_CHECKING:
    from .client import CameraClient

_LOGGER = logging.getLogger(__name__)

HINT_GROUPS: tuple[str, ...] = (
    "Brand",
    "Properties",
    "Network",
    "ImageSource",
    "Image",
    "Input",
    "Output",
    "PTZ.ImageSource",
    "Audiod",
)
"""The groups one ``param.cgi?action=list`` request reads for hints."""

MAX_SOURCES = 4
"""The spec's cameras are ``1, 2, 3, 4 or quad``."""

MAX_PORTS = 16
"""Probing for I/O ports stops here."""

ABSENT = (
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraForbiddenError,
)
"""Answers that mean "not this feature" when probing (not "device away")."""

_PORT_NAME_RE = re.compile(r"^(Input|Output)\.[IO](\d+)\.(\w+)$")
_PTZ_ENABLED_RE = re.compile(r"^PTZ\.ImageSource\.I(\d+)\.PTZEnabled$")
_BACKUP_NAME_RE = re.compile(r"^backup_([0-9A-Fa-f:.-]{12,17})\.tar$")


def _yes(value: str | None) -> bool:
    return (value or "").strip().lower() in ("yes", "true", "1", "on")


def _count(params: Mapping[str, str], name: str) -> int | None:
    value = params.get(name, "").strip()
    return int(value) if value.isdecimal() else None


async def _answers(
    request: Awaitable[object], absent: tuple[type[Exception], ...] = ABSENT
) -> bool:
    """Whether the device answers a probe; other errors (away, 401) raise."""
    try:
        await request
    except absent as err:
        _LOGGER.debug("Probe refused: %s", err)
        return False
    return True


# A probe for something optional that gets no answer in time (a monitor the
# device keeps waiting on) finds it absent: the device answers everything
# else, and setup must not fail for an extra.  (An empty transmit the device
# keeps open is a speaker waiting for sound: see Discovery._speaker.)
OPTIONAL_ABSENT = (*ABSENT, CameraTimeoutError)


class Discovery:
    """One run of discovery against one device."""

    def __init__(self, client: CameraClient, params: Mapping[str, str]) -> None:
        """Discover with ``client``, given the hint parameters it listed."""
        self.client = client
        self.params = params
        self.notes: dict[str, str] = {}

    def _hint(self, what: str, name: str) -> str | None:
        value = self.params.get(name)
        if value is not None and value.strip():
            self.notes[what] = f"parameter {name}"
            return value.strip()
        return None

    async def device_info(self) -> DeviceInfo:
        """Everything, in as few requests as the device's hints allow."""
        sources = await self._sources()
        has_quad = sources > 1 and await self._quad()
        inputs = await self._ports("inputs", "Input", "/io/input.cgi")
        outputs = await self._ports("outputs", "Output", "/io/output.cgi")
        capabilities = Capabilities(
            sources=sources,
            has_quad=has_quad,
            inputs=inputs,
            outputs=outputs,
            ptz_sources=await self._ptz_sources(sources),
            sd_card=await self._sd_card(),
            audio=(audio := await self._audio()),
            speaker=await self._speaker() if audio else None,
            io_monitor=await self._io_monitor(inputs, outputs),
        )
        mac, serial, unique_id = await self._identity()
        params = self.params
        return DeviceInfo(
            unique_id=unique_id,
            brand=self._hint("brand", "Brand.Brand"),
            model=self._hint("model", "Brand.ProdNbr")
            or self._hint("model", "Brand.ProdShortName"),
            name=self._hint("name", "Network.HostName"),
            firmware=self._hint("firmware", "Properties.Firmware.Version"),
            serial=serial,
            mac=mac,
            capabilities=capabilities,
            input_names=self._port_names("Input", inputs),
            output_names=self._port_names("Output", outputs),
            max_viewers=_count(params, "Image.MaxViewers"),
            default_resolution=params.get("Image.I0.Resolution", "").strip() or None,
            discovery=dict(sorted(self.notes.items())),
        )

    async def _sources(self) -> int:
        if (count := _count(self.params, "ImageSource.NbrOfSources")) is not None:
            self.notes["sources"] = "parameter ImageSource.NbrOfSources"
            return max(1, min(count, MAX_SOURCES))
        self.notes["sources"] = "probe imagesize.cgi?camera=N"
        sources = 1
        for camera in range(2, MAX_SOURCES + 1):
            if not await _answers(self.client.video.image_size(camera)):
                break
            sources = camera
        return sources

    async def _quad(self) -> bool:
        self.notes["quad"] = "probe imagesize.cgi?camera=quad"
        return await _answers(self.client.video.image_size("quad"))

    async def _ports(self, what: str, group: str, path: str) -> int:
        count = _count(self.params, f"{group}.NbrOf{group}s")
        if count is not None:
            self.notes[what] = f"parameter {group}.NbrOf{group}s"
        else:
            numbers = [
                int(match.group(2))
                for name in self.params
                if (match := _PORT_NAME_RE.match(name)) and match.group(1) == group
            ]
            if numbers:
                self.notes[what] = f"parameters {group}.{group[0]}<n>.*"
                count = max(numbers) + 1
        if count is not None and count > 0:
            # A hint, not the spec: one request checks it (a group numbered
            # from 1, or a wrong count, would give a port that fails every poll).
            count = min(count, MAX_PORTS)
            if not await _answers(
                self.client.io.active_states(path, list(range(1, count + 1)))
            ):
                self.notes[what] += f", refused by {path}: probed"
                count = None
        if count is None:
            self.notes.setdefault(what, f"probe {path}?checkactive=1,2,...")
            count = await self._probe_ports(path)
        setting = "Trig" if group == "Input" else "Active"
        self.client.io.inverted_ports[path] = frozenset(
            port
            for port in range(1, count + 1)
            if self.params.get(f"{group}.{group[0]}{port - 1}.{setting}", "").strip()
            == "open"
        )
        return count

    async def _probe_ports(self, path: str) -> int:
        """Ask for ports 1..n, one more each time, until the device refuses.

        Each answer covers every port so far: that also shows the device's
        numbering (zero-based or not) before a single port is misread.
        """
        count = 0
        for port in range(1, MAX_PORTS + 1):
            ports = list(range(1, port + 1))
            if not await _answers(self.client.io.active_states(path, ports)):
                break
            count = port
        return count

    async def _io_monitor(self, inputs: int, outputs: int) -> IoMonitor:
        """As few monitor connections as the device allows for its I/O.

        One ``io/port.cgi`` monitor for inputs and relays where its
        ``checkdirection`` and ``monitor`` answer; else an
        ``io/output.cgi`` monitor beside the inputs' one; else the relays
        are polled.  Each monitor is opened once and closed at once.
        """
        if not outputs:
            return IoMonitor()
        io = self.client.io
        if inputs:
            self.notes["io_monitor"] = (
                "probe io/port.cgi?checkdirection=... and monitor=..."
            )
            try:
                layout = await io.port_layout(inputs, outputs)
            except OPTIONAL_ABSENT as err:
                _LOGGER.debug("No io/port.cgi directions: %s", err)
                layout = None
            if layout is not None and await _answers(
                io.probe_monitor("/io/port.cgi", layout.ports, reports_all=True),
                OPTIONAL_ABSENT,
            ):
                return IoMonitor(port_layout=layout, outputs_pushed=True)
        self.notes["io_monitor"] = "probe io/output.cgi?monitor=..."
        pushed = await _answers(
            io.probe_monitor("/io/output.cgi", range(1, outputs + 1)), OPTIONAL_ABSENT
        )
        return IoMonitor(outputs_pushed=pushed)

    def _port_names(self, group: str, count: int) -> dict[int, str]:
        names = dict.fromkeys(range(1, count + 1), "")
        for name, value in self.params.items():
            match = _PORT_NAME_RE.match(name)
            if match and match.group(1) == group and match.group(3) == "Name":
                port = int(match.group(2)) + 1
                if port in names:
                    names[port] = value.strip()
        return names

    async def _ptz_sources(self, sources: int) -> frozenset[int]:
        flag = self.params.get("Properties.PTZ.PTZ")
        if flag is not None and flag.strip() and not _yes(flag):
            self.notes["ptz"] = "parameter Properties.PTZ.PTZ"
            return frozenset()
        enabled = {
            int(match.group(1)) + 1: _yes(value)
            for name, value in self.params.items()
            if (match := _PTZ_ENABLED_RE.match(name))
        }
        if enabled:
            self.notes["ptz"] = "parameters PTZ.ImageSource.I<n>.PTZEnabled"
            return frozenset(s for s, on in enabled.items() if on and s <= sources)
        self.notes["ptz"] = "probe com/ptz.cgi?info=1&camera=N"
        found: set[int] = set()
        for source in range(1, sources + 1):
            camera = source if sources > 1 else None
            try:
                info = await self.client.ptz.info(camera=camera)
            except ABSENT as err:
                _LOGGER.debug("No PTZ on source %d: %s", source, err)
                continue
            if info.commands:
                found.add(source)
        return frozenset(found)

    async def _sd_card(self) -> bool:
        if (
            value := self._hint("sd_card", "Properties.LocalStorage.SDCard")
        ) is not None:
            return _yes(value)
        self.notes["sd_card"] = "probe list.cgi?diskid=all"
        return await _answers(self.client.storage.disks("all"))

    async def _audio(self) -> bool:
        if (value := self._hint("audio", "Properties.Audio.Audio")) is not None:
            return _yes(value)
        if self._hint("audio", "Audiod.HttpMessageType") is not None:
            return True
        self.notes["audio"] = "probe audio/receive.cgi"
        return await _answers(self.client.audio.probe())

    async def _speaker(self) -> str | None:
        """The first spec 5.8.1 type ``audio/transmit.cgi`` takes, if any.

        404 or 403 (no speaker, or not for this account) ends the search; a
        refusal (400) tries the next type; 503 means the speaker is there but
        busy (someone else talks), so the type counts as taken.  So does a
        request the device took and keeps open without an answer: it waits
        for sound (spec 5.8.5 prints no answer).  A connection refused, reset
        or never answered before the request was sent finds no speaker.
        """
        self.notes["speaker"] = "probe audio/transmit.cgi (empty body)"
        for audio_format in TRANSMIT_FORMATS:
            try:
                await self.client.audio.transmit_probe(audio_format.content_type)
            except CameraBusyError:
                return audio_format.content_type
            except (
                CameraNotFoundError,
                CameraForbiddenError,
                CameraConnectionError,
            ) as err:
                _LOGGER.debug("No speaker: %s", err)
                return None
            except ABSENT as err:
                _LOGGER.debug("Speaker refuses %s: %s", audio_format.content_type, err)
                continue
            return audio_format.content_type
        return None

    async def _identity(self) -> tuple[str | None, str | None, str]:
        """The MAC, the serial number and the unique id made of them."""
        mac = normalise_mac(self.params.get("Network.eth0.MACAddress", ""))
        serial = self.params.get("Properties.System.SerialNumber", "").strip() or None
        if mac is not None:
            self.notes["identity"] = "parameter Network.eth0.MACAddress"
        elif serial is not None and (mac := normalise_mac(serial)) is not None:
            self.notes["identity"] = "parameter Properties.System.SerialNumber (a MAC)"
        elif serial is not None:
            self.notes["identity"] = "parameter Properties.System.SerialNumber"
            return None, serial, f"serial-{serial}"
        elif (mac := await self._backup_mac()) is not None:
            self.notes["identity"] = "probe backup.cgi file name"
        else:
            self.notes["identity"] = "address (changes with the device's address)"
            digest = hashlib.sha256(self.client.base_url.encode()).hexdigest()
            return None, None, f"addr-{digest[:12]}"
        return mac, serial, mac

    async def _backup_mac(self) -> str | None:
        """The MAC in ``backup.cgi``'s file name, read from its headers only."""
        try:
            filename = await self.client.system.backup_filename()
        except ABSENT as err:
            _LOGGER.debug("No backup file name: %s", err)
            return None
        match = _BACKUP_NAME_RE.match(filename or "")
        return normalise_mac(match.group(1)) if match else None
