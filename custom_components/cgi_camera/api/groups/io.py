"""``io/input.cgi``, ``io/output.cgi`` and ``io/port.cgi``: inputs and relays."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable, Sequence
import logging

import aiohttp

from ..errors import CameraNotFoundError, CameraRequestRefusedError, CameraResponseError
from ..io import (
    PortMapper,
    PortNumbering,
    PulseSequence,
    check_port,
    check_ports,
    monitor_events,
    parse_active,
    parse_check,
    parse_monitor_part,
)
from ..keepalive import KeepAliveWatch
from ..models import IoEvent, PortLayout
from ..multipart import MONITOR_BODY_LINE
from ..transport import Transport
from .base import ApiGroup

_LOGGER = logging.getLogger(__name__)

MAX_MONITOR_PART_BYTES = 64 * 1024
# How long a monitor probe waits for the stream's first report of every port
# (a device reports its states as soon as the stream opens; one that does
# not is not waited on for long at setup).
FIRST_REPORT_SECONDS = 2.0


class IoApi(ApiGroup):
    """Inputs and relays (``client.io``), and how this device reports them."""

    def __init__(self, transport: Transport, stall_timeout: float | None) -> None:
        """Send over ``transport``; the device's port habits start unknown."""
        super().__init__(transport, stall_timeout)
        # Each source of port numbers learns its own numbering: a device may
        # answer checks as requested and number its monitor parts as the
        # spec's example does (port 1 as IO0).  An undecided monitor path
        # leans on what the check answers decided.
        self.numbering = PortNumbering()
        self._monitor_numbering: dict[str, PortNumbering] = {}
        self.keepalive = KeepAliveWatch()
        # How each path reports "active": checkactive until the device
        # refuses it, then check (the level), inverted on ports whose
        # Trig/Active setting says "open".
        self._active_query: dict[str, str] = {}
        self.inverted_ports: dict[str, frozenset[int]] = {}

    @property
    def report(self) -> dict[str, object]:
        """How the device's I/O answers are read (for diagnostics)."""
        return {
            "numbering": self.numbering.description,
            "monitor_numbering": {
                path: numbering.description
                for path, numbering in self._monitor_numbering.items()
            },
            "active_state_query": dict(self._active_query),
            "monitor_keepalive_seconds": self.keepalive.interval,
        }

    def monitor_numbering(self, path: str) -> PortNumbering:
        """The numbering of ``path``'s monitor parts (its own, kept)."""
        numbering = self._monitor_numbering.get(path)
        if numbering is None:
            numbering = self._monitor_numbering[path] = PortNumbering(self.numbering)
        return numbering

    async def _check(
        self, path: str, action: str, ports: Sequence[int]
    ) -> dict[int, str]:
        checked = check_ports(ports)
        text = await self._text(path, [(action, checked)])
        mapper = PortMapper(checked, self.numbering)
        return parse_check(text, checked, mapper)

    async def check_inputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/input.cgi?check=1,2`` (one request for all ports)."""
        states = await self._check("/io/input.cgi", "check", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_outputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/output.cgi?check=1,2`` (one request for all ports)."""
        states = await self._check("/io/output.cgi", "check", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_active_inputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/input.cgi?checkactive=1,2``."""
        states = await self._check("/io/input.cgi", "checkactive", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_active_outputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/output.cgi?checkactive=1,2``."""
        states = await self._check("/io/output.cgi", "checkactive", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def input_states(self, ports: Sequence[int]) -> dict[int, bool]:
        """Whether each input is *active*, as the monitor stream means it.

        See :meth:`active_states`.
        """
        return await self.active_states("/io/input.cgi", ports)

    async def output_states(self, ports: Sequence[int]) -> dict[int, bool]:
        """Whether each relay is *active* (``/`` switches it on).

        See :meth:`active_states`.
        """
        return await self.active_states("/io/output.cgi", ports)

    async def active_states(self, path: str, ports: Sequence[int]) -> dict[int, bool]:
        r"""``checkactive``, or ``check`` on devices that refuse ``checkactive``.

        ``check`` answers the electrical level (1/0), which is the inverse of
        "active" on ports set to ``open`` (``inverted_ports``, from
        discovery); the monitor stream, ``/`` and ``\`` always mean active.
        The first answer decides which one, for good: a later refusal is an
        error, not a reason to switch.
        """
        query = self._active_query.get(path)
        try:
            states = await self._check(path, query or "checkactive", ports)
        except (CameraRequestRefusedError, CameraNotFoundError) as err:
            if query is not None:
                raise
            _LOGGER.debug("%s refuses checkactive (%s): trying check", path, err)
            states = await self._check(path, "check", ports)
            query = "check"
        query = self._active_query[path] = query or "checkactive"
        inverted = self.inverted_ports.get(path, frozenset())
        if query != "check":
            inverted = frozenset()
        return {
            port: parse_active(word) != (port in inverted)
            for port, word in states.items()
        }

    async def check_directions(self, ports: Sequence[int]) -> dict[int, str]:
        """``io/port.cgi?checkdirection=1,2``: ``"input"`` or ``"output"``."""
        states = await self._check("/io/port.cgi", "checkdirection", ports)
        result: dict[int, str] = {}
        for port, word in states.items():
            if word.lower() not in ("input", "output"):
                raise CameraResponseError(f"unknown direction {word[:20]!r}")
            result[port] = word.lower()
        return result

    async def port_layout(self, inputs: int, outputs: int) -> PortLayout | None:
        """``io/port.cgi?checkdirection=1..n`` for ``inputs + outputs`` ports.

        ``None`` when the directions do not add up to that many inputs and
        relays (then ``io/port.cgi``'s numbers cannot be trusted).
        """
        directions = await self.check_directions(range(1, inputs + outputs + 1))
        layout = PortLayout(
            inputs=tuple(p for p, d in sorted(directions.items()) if d == "input"),
            outputs=tuple(p for p, d in sorted(directions.items()) if d == "output"),
        )
        if (len(layout.inputs), len(layout.outputs)) != (inputs, outputs):
            _LOGGER.debug("io/port.cgi directions %s do not match", directions)
            return None
        return layout

    async def probe_monitor(
        self, path: str, ports: Sequence[int], *, reports_all: bool = False
    ) -> None:
        """Open ``<path>?monitor=...`` and close it once it is a multipart stream.

        With ``reports_all``, also wait (at most :data:`FIRST_REPORT_SECONDS`)
        until its first parts have reported every port: ``io/port.cgi``'s monitor
        is meant for relays only where it shows them.  Raises like any
        request, and :class:`CameraResponseError` when the answer is not a
        multipart stream or leaves a port out.
        """
        checked = check_ports(ports)
        response = await self._stream_response(
            path, [("monitor", checked)], self._stall_timeout
        )
        try:
            if not response.content_type.startswith("multipart/"):
                raise CameraResponseError(f"GET {path}: no multipart monitor stream")
            if reports_all:
                await self._await_every_port(response, path, checked)
        finally:
            response.close()

    async def _await_every_port(
        self, response: aiohttp.ClientResponse, path: str, ports: tuple[int, ...]
    ) -> None:
        """Read monitor parts until each of ``ports`` was reported."""
        parts = self._parts(
            response,
            f"GET {path}",
            MAX_MONITOR_PART_BYTES,
            end_is_cut=False,
            body_line=MONITOR_BODY_LINE,
        )
        mapper = PortMapper(ports, self.monitor_numbering(path))
        missing = set(ports)
        try:
            async with asyncio.timeout(
                min(FIRST_REPORT_SECONDS, self._transport.timeout)
            ):
                async for body in parts:
                    reports = parse_monitor_part(body)
                    mapper.learn(number for number, _ in reports)
                    missing -= {mapper.port(number) for number, _ in reports}
                    if not missing:
                        return
        except TimeoutError:
            pass
        finally:
            await parts.aclose()
        raise CameraResponseError(
            f"GET {path}: the monitor did not report port(s) {sorted(missing)}"
        )

    async def set_output(self, port: int, active: bool) -> None:
        """``io/output.cgi?action=<port>:/`` (or a backslash for inactive)."""
        check_port("port", port)
        await self._command(
            "/io/output.cgi", [("action", f"{port}:{'/' if active else chr(92)}")]
        )

    async def pulse_output(self, port: int, sequence: PulseSequence) -> None:
        """``io/output.cgi?action=<port>:<sequence>`` (one relay per request)."""
        await self._command("/io/output.cgi", [("action", sequence.for_port(port))])

    def monitor_inputs(
        self,
        ports: Sequence[int],
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
        stall_timeout: float | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Events of ``io/input.cgi?monitor=...`` (see :meth:`monitor_outputs`)."""
        return self._monitor(
            "/io/input.cgi",
            check_ports(ports),
            on_connect,
            on_unreadable,
            stall_timeout,
        )

    async def monitor_outputs(
        self,
        ports: Sequence[int],
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
        stall_timeout: float | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Events of ``io/output.cgi?monitor=...``.

        Yields the first reported state of each port, then every change
        (repeats are dropped).  ``on_connect`` is called once the device has
        answered 200; ``on_unreadable`` for a part that said something but no
        port state could be read from it (a garbled part: its change is lost,
        so the caller re-reads the ports).  The iteration ends when the
        device closes the stream; a cut part raises
        :class:`CameraConnectionError`.  A stream silent past the device's
        keep-alive raises :class:`CameraTimeoutError` (see :mod:`.keepalive`);
        ``stall_timeout`` is a fixed limit on top.
        """
        events = self._monitor(
            "/io/output.cgi",
            check_ports(ports),
            on_connect,
            on_unreadable,
            stall_timeout,
        )
        try:
            async for event in events:
                yield event._replace(output=True)
        finally:
            await events.aclose()

    async def monitor_ports(
        self,
        layout: PortLayout,
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
        stall_timeout: float | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Inputs and relays on one ``io/port.cgi?monitor=...`` connection.

        Events name the input or relay (``IoEvent.output``), not
        ``io/port.cgi``'s own port numbers; otherwise as
        :meth:`monitor_outputs`.
        """
        events = self._monitor(
            "/io/port.cgi", layout.ports, on_connect, on_unreadable, stall_timeout
        )
        try:
            async for event in events:
                if (mapped := layout.event(event.port, event.active)) is not None:
                    yield mapped
        finally:
            await events.aclose()

    async def _monitor(
        self,
        path: str,
        ports: tuple[int, ...],
        on_connect: Callable[[], None] | None,
        on_unreadable: Callable[[], None] | None,
        stall_timeout: float | None,
    ) -> AsyncGenerator[IoEvent]:
        response = await self._stream_response(
            path, [("monitor", ports)], stall_timeout
        )
        parts = self._parts(
            response,
            f"GET {path}",
            MAX_MONITOR_PART_BYTES,
            end_is_cut=False,
            body_line=MONITOR_BODY_LINE,
        )
        watched = self.keepalive.watch(parts, f"GET {path}")
        events = monitor_events(
            watched, PortMapper(ports, self.monitor_numbering(path)), on_unreadable
        )
        try:
            if on_connect is not None:
                on_connect()
            async for event in events:
                yield event
        finally:
            await events.aclose()
            await watched.aclose()
            await parts.aclose()
