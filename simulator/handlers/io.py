"""io/input.cgi, io/output.cgi and io/port.cgi."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Literal

from aiohttp import web

from ..faults import GARBAGE
from ..iobus import IoEvent, PortKind, Subscription, parse_action, parse_ports
from ..respond import arguments, failed, ok, sim_of, text

if TYPE_CHECKING:
    from ..server import Simulator

type Scope = Literal["input", "output", "port"]
BOUNDARY = b"--ioboundary\r\n"
PART_HEAD = b"Content-Type: text/plain\r\n\r\n"
CONTENT_TYPE = "multipart/x-mixed-replace; boundary=ioboundary"


def _resolve(sim: Simulator, scope: Scope, number: int) -> tuple[PortKind, int]:
    """Map a request's port number to (kind, 1-based port)."""
    inputs = sim.config.inputs
    outputs = sim.config.outputs
    if scope == "input" and 1 <= number <= inputs:
        return "input", number
    if scope == "output" and 1 <= number <= outputs:
        return "output", number
    if scope == "port" and 1 <= number <= inputs + outputs:
        if number <= inputs:
            return "input", number
        return "output", number - inputs
    raise ValueError(f"no such {scope} {number}")


def _number(sim: Simulator, scope: Scope, kind: PortKind, port: int) -> int:
    """Inverse of :func:`_resolve`."""
    if scope == "port" and kind == "output":
        return sim.config.inputs + port
    return port


def _shown(sim: Simulator, number: int, *, monitor: bool) -> int:
    """The number a port is reported as (``config.numbering``).

    ``io0_quirk`` reports port 1 as 0 in monitor parts only.
    """
    numbering = sim.config.numbering
    if monitor and numbering == "one" and sim.config.io0_quirk:
        numbering = "io0"
    if numbering == "zero" or (numbering == "io0" and number == 1):
        return number - 1
    return number


def _level(sim: Simulator, kind: PortKind, port: int) -> bool:
    """Electrical level (1/0) of a port given its Trig/Active setting."""
    active = sim.state.io.get(kind, port)
    key = f"Input.I{port - 1}.Trig" if kind == "input" else f"Output.O{port - 1}.Active"
    return active if sim.state.setting(key, "closed") == "closed" else not active


def _has_monitor(sim: Simulator, scope: Scope) -> bool:
    """Whether ``io/<scope>.cgi`` streams ``monitor=`` (config flags)."""
    if scope == "output":
        return sim.config.output_monitor
    return scope == "input" or sim.config.port_monitor


async def io_cgi(  # noqa: PLR0911 - one answer per spec case
    request: web.Request, scope: Scope
) -> web.StreamResponse:
    """Dispatch one I/O request."""
    sim = sim_of(request)
    args = await arguments(request)
    for name in ("check", "checkactive", "checkdirection", "monitor"):
        if name in args:
            if name == "checkdirection" and scope != "port":
                return failed("checkdirection is only valid on port.cgi")
            try:
                ports = [_resolve(sim, scope, n) for n in parse_ports(args[name])]
            except ValueError as err:
                return failed(str(err))
            if name == "monitor":
                if not _has_monitor(sim, scope):
                    return failed(f"monitor is not supported by io/{scope}.cgi")
                if scope == "port" and not sim.config.port_monitor_relays:
                    ports = [(kind, port) for kind, port in ports if kind == "input"]
                return await _monitor(request, sim, scope, ports)
            return text(_check(sim, scope, name, ports))
    actions = args.getall("action", [])
    if actions:
        if scope == "input":
            return failed("inputs cannot be set")
        if len(actions) > 1:
            return failed("only one output relay can be set per request")
        return _action(sim, scope, actions[0])
    return failed("no valid parameter")


def _check(
    sim: Simulator, scope: Scope, name: str, ports: list[tuple[PortKind, int]]
) -> str:
    lines = []
    for kind, port in ports:
        label = f"{scope}{_shown(sim, _number(sim, scope, kind, port), monitor=False)}"
        if name == "check":
            value = "1" if _level(sim, kind, port) else "0"
        elif name == "checkactive":
            value = "active" if sim.state.io.get(kind, port) else "inactive"
        else:
            value = kind
        lines.append(f"{label}={value}\r\n")
    return "".join(lines)


def _action(sim: Simulator, scope: Scope, value: str) -> web.Response:
    sim.output_actions.append(value)
    try:
        number, steps = parse_action(value)
        if number is None:
            kind, port = _resolve(sim, "output", 1)
        else:
            kind, port = _resolve(sim, scope, number)
    except ValueError as err:
        return failed(str(err))
    if kind != "output":
        return failed(f"port {number} is not an output")
    sim.run_output_sequence(port, steps)
    sim.state.add_log(f"Output {port} action {value}")
    return ok()


def _label(sim: Simulator, scope: Scope, kind: PortKind, port: int) -> int:
    return _shown(sim, _number(sim, scope, kind, port), monitor=True)


def _part(label: int, char: str, *, extra: bool = False) -> bytes:
    body = f"IO{label}:{char}\n".encode() + b"\r\n"
    if extra:
        body += b"\r\n"
    return PART_HEAD + body + BOUNDARY


KEEPALIVE_PART = PART_HEAD + b"\r\n\r\n\r\n" + BOUNDARY


def _corrupt(mode: str, part: bytes) -> bytes:
    if mode == "truncate":
        return PART_HEAD + b"IO" + b"\r\n" + BOUNDARY
    if mode == "boundary":
        return part.replace(BOUNDARY, b"--wrongboundary\r\n")
    return GARBAGE + BOUNDARY


async def _next_parts(
    sim: Simulator, scope: Scope, sub: Subscription, keepalive: float | None
) -> list[bytes]:
    """The parts of the next write: every queued event, or a keep-alive part."""
    events: list[IoEvent | None] = []
    try:
        events.append(await asyncio.wait_for(sub.queue.get(), keepalive))
    except TimeoutError:
        events.append(None)
    with contextlib.suppress(asyncio.QueueEmpty):
        while True:
            events.append(sub.queue.get_nowait())
    return [
        _part(_label(sim, scope, e.kind, e.port), "/" if e.active else "\\")
        for e in events
        if e is not None
    ] or [KEEPALIVE_PART]


async def _monitor(
    request: web.Request,
    sim: Simulator,
    scope: Scope,
    ports: list[tuple[PortKind, int]],
) -> web.StreamResponse:
    sub = sim.state.io.subscribe(frozenset(ports))
    try:
        async with sim.streams.open("io") as stream:
            stream.wake = lambda: sub.queue.put_nowait(None)
            response = web.StreamResponse(
                headers={"Content-Type": CONTENT_TYPE, "Cache-Control": "no-cache"}
            )
            await response.prepare(request)
            initial = b"".join(
                _part(
                    _label(sim, scope, kind, port),
                    "H" if sim.state.io.get(kind, port) else "L",
                    extra=True,
                )
                for kind, port in ports
            )
            await response.write(b"\r\n\r\n\r\n" + BOUNDARY + initial)
            keepalive = sim.config.monitor_keepalive or None
            # A client that leaves mid-write ends the stream, as on a device.
            with contextlib.suppress(ConnectionResetError):
                while True:
                    chunks = await _next_parts(sim, scope, sub, keepalive)
                    if stream.silent:
                        await asyncio.Event().wait()  # until cut, stopped or rebooted
                    if (fault := stream.take_fault()) is not None:
                        chunks[0] = _corrupt(fault, chunks[0])
                    await response.write(b"".join(chunks))
                    sim.counters.frames_sent["io"] += len(chunks)
            return response
    finally:
        sim.state.io.unsubscribe(sub)


async def input_cgi(request: web.Request) -> web.StreamResponse:
    """io/input.cgi."""
    return await io_cgi(request, "input")


async def output_cgi(request: web.Request) -> web.StreamResponse:
    """io/output.cgi."""
    return await io_cgi(request, "output")


async def port_cgi(request: web.Request) -> web.StreamResponse:
    """io/port.cgi (ports 1..inputs are inputs, then the outputs)."""
    return await io_cgi(request, "port")
