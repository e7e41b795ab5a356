"""Simulator configuration."""

from __future__ import annotations

from dataclasses import dataclass
import ssl
from typing import Literal

type AuthScheme = Literal["basic", "digest", "both"]
#: How answers go out: aiohttp's HTTP/1.1 framing, or the spec's own bytes.
type Wire = Literal["aiohttp", "spec-literal"]
#: Which parameters param.cgi shows: the full tree, or only names the spec prints.
type ParamTreeKind = Literal["full", "minimal"]
#: How ports are reported: as requested (1-based), 0-based, or only port 1 as 0.
type Numbering = Literal["one", "zero", "io0"]
#: ``Input.I<n>.Trig`` / ``Output.O<n>.Active``: which circuit state is active.
type Polarity = Literal["closed", "open"]
#: The audio MIME types of spec 5.8.1.
SPEAKER_TYPES = ("audio/basic", "audio/32KADPCM", "audio/G723")
WIRES: tuple[Wire, ...] = ("aiohttp", "spec-literal")
PARAM_TREES: tuple[ParamTreeKind, ...] = ("full", "minimal")
NUMBERINGS: tuple[Numbering, ...] = ("one", "zero", "io0")
POLARITIES: tuple[Polarity, ...] = ("closed", "open")

#: Resolution names the spec lists for image.cgi / video.cgi and their sizes.
#: QCIF is 160x120 because the spec's own imagesize.cgi example says so.
RESOLUTIONS: dict[str, tuple[int, int]] = {
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
    "QCIF": (160, 120),
    "160x120": (160, 120),
}

#: Extra values Image.I<n>.Resolution accepts (the spec's default example is 176x144).
EXTRA_RESOLUTIONS: dict[str, tuple[int, int]] = {"176x144": (176, 144)}


@dataclass(frozen=True, slots=True)
class SimulatorConfig:
    """Everything that shapes one simulated device."""

    sources: int = 1
    inputs: int = 2
    outputs: int = 2
    ptz: bool = True
    sd_card: bool = True
    audio: bool = True
    username: str = "root"
    password: str = "pass"  # noqa: S105 - the documented default of the fake device
    auth: AuthScheme = "both"
    fps: float = 10.0
    mac: str = "00:40:8C:12:34:56"
    brand: str = "CGI"
    model: str = "CGI-211"
    hostname: str = "cgi-camera"
    firmware: str = "4.40"
    serial: str = "00408C123456"
    max_viewers: int = 10
    reboot_seconds: float = 2.0
    io0_quirk: bool = False
    host: str = "127.0.0.1"
    port: int = 0
    nonce_lifetime: float = 300.0
    monitor_keepalive: float = 10.0
    audio_block_interval: float = 0.03
    #: MIME types audio/transmit.cgi takes (spec 5.8.1); another is answered
    #: 400, and with none the device has no speaker (transmit.cgi is 404).
    speaker_types: tuple[str, ...] = ("audio/basic", "audio/32KADPCM", "audio/G723")
    #: Whether audio/transmit.cgi answers (204) once the declared body has
    #: arrived.  False: it reads until the client closes the connection and
    #: never answers (spec 5.8.5 prints no answer; refusals still answer).
    transmit_answer: bool = True
    default_resolution: str = "640x480"
    #: Serve HTTPS with this context (tests: a self-signed certificate).
    ssl: ssl.SSLContext | None = None
    #: File name backup.cgi suggests in Content-Disposition (None: backup_<MAC>.tar).
    backup_filename: str | None = None
    #: ``spec-literal``: HTTP/1.0 status line, header lines ending in a bare LF,
    #: no Content-Length on text, every answer closes its connection, MJPEG and
    #: multipart audio with ``boundary=--myboundary`` (see wire.py).
    wire: Wire = "aiohttp"
    #: ``minimal``: param.cgi holds only the names the spec prints.
    param_tree: ParamTreeKind = "full"
    #: Port numbers in check answers and monitor parts (requests are 1-based).
    numbering: Numbering = "one"
    #: Factory ``Input.I<n>.Trig`` of every input.
    input_trig: Polarity = "closed"
    #: Factory ``Output.O<n>.Active`` of every output.
    output_active: Polarity = "closed"
    #: Sources with a PTZ head (None: every source, when ``ptz``).
    ptz_sources: tuple[int, ...] | None = None
    #: MJPEG frames carry a JPEG comment ``frame=<n>``, n = the event loop's
    #: time x fps when it was sent, so tests can tell when a frame of a clip
    #: was taken.
    frame_counter: bool = False
    #: ``io/output.cgi?monitor=`` streams (False: ``Request failed``, a
    #: device without an output monitor).
    output_monitor: bool = True
    #: ``io/port.cgi?monitor=`` streams (False: ``Request failed``).
    port_monitor: bool = True
    #: Whether ``io/port.cgi?monitor=`` reports relays too (False: inputs
    #: only, as the spec's words "a multipart stream of check inputs" allow).
    port_monitor_relays: bool = True
    #: Parent groups param.cgi adds dynamic groups to (spec 5.1.1.4, 5.4):
    #: ``Event`` (event rules), ``Motion`` (motion windows). A device without
    #: one lists it as an unknown group and refuses to add to it.
    dynamic_groups: tuple[str, ...] = ("Event", "Motion")

    def __post_init__(self) -> None:
        """Reject configurations no device could have."""
        if self.sources not in (1, 4):
            raise ValueError("sources must be 1 or 4")
        if not 0 <= self.inputs <= 16 or not 0 <= self.outputs <= 16:
            raise ValueError("inputs and outputs must be between 0 and 16")
        if self.auth not in ("basic", "digest", "both"):
            raise ValueError("auth must be basic, digest or both")
        if self.fps <= 0:
            raise ValueError("fps must be positive")
        if self.reboot_seconds < 0:
            raise ValueError("reboot_seconds must not be negative")
        choices: tuple[tuple[str, object, tuple[str, ...]], ...] = (
            ("wire", self.wire, WIRES),
            ("param_tree", self.param_tree, PARAM_TREES),
            ("numbering", self.numbering, NUMBERINGS),
            ("input_trig", self.input_trig, POLARITIES),
            ("output_active", self.output_active, POLARITIES),
        )
        for name, value, allowed in choices:
            if value not in allowed:
                raise ValueError(f"{name} must be one of {', '.join(allowed)}")
        if not set(self.dynamic_groups) <= {"Event", "Motion"}:
            raise ValueError("dynamic_groups may name Event and Motion only")
        if not set(self.speaker_types) <= set(SPEAKER_TYPES):
            raise ValueError(f"speaker_types may name {', '.join(SPEAKER_TYPES)}")
        if self.ptz_sources is not None and not all(
            1 <= n <= self.sources for n in self.ptz_sources
        ):
            raise ValueError("ptz_sources must name sources 1..sources")

    @property
    def ptz_cameras(self) -> frozenset[int]:
        """Sources whose PTZ head works."""
        if not self.ptz:
            return frozenset()
        if self.ptz_sources is None:
            return frozenset(range(1, self.sources + 1))
        return frozenset(self.ptz_sources)

    @property
    def mac_plain(self) -> str:
        """MAC address without colons, upper case (backup file name)."""
        return self.mac.replace(":", "").upper()
