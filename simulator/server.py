"""The Simulator: listener lifecycle, middleware, reboot and public controls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
import contextlib
import datetime
import logging
import socket
import struct
from typing import Any, Literal

from aiohttp import web

from .auth import Authenticator, required_level
from .config import SimulatorConfig
from .counters import Counters
from .faults import GARBAGE, Faults
from .frames import FrameCache
from .handlers import setup_routes
from .handlers.audio import AudioTransmit
from .respond import SIM_KEY, arguments, text
from .state import SD_STATUSES, DeviceState, SdStatus
from .streams import StreamRegistry
from .wire import SpecLiteralProtocol

_LOGGER = logging.getLogger(__name__)
CONTROL_PREFIX = "/_sim/"
type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _abort_with_reset(transport: asyncio.BaseTransport | None) -> None:
    """Close a connection with a TCP RST."""
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
    transport.abort()  # type: ignore[attr-defined]


class _Refuser(asyncio.Protocol):
    """Protocol that drops a connection the moment it is accepted."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        _abort_with_reset(transport)


async def _one_answer_per_connection(
    _: web.Request, response: web.StreamResponse
) -> None:
    """Spec-literal wire: every answer closes its connection."""
    response.force_close()


class Simulator:
    """A fake CGI camera / video server on aiohttp's web server."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        """Prepare (nothing listens until :meth:`start`)."""
        self.config = config or SimulatorConfig()
        self.state = DeviceState(self.config)
        self.counters = Counters()
        self.faults = Faults()
        self.streams = StreamRegistry(self.counters)
        self.frames = FrameCache()
        self.auth = Authenticator(
            self.config.auth,
            f"CGI_{self.config.mac_plain}",
            self.config.nonce_lifetime,
        )
        self.faults._on_refuse = self._close_idle_connections
        self.faults._on_stream_fault = self.streams.fault
        self.host = self.config.host
        self.port = self.config.port
        self._app = web.Application(middlewares=[self._middleware])
        self._app[SIM_KEY] = self
        setup_routes(self._app)
        if self.config.wire == "spec-literal":
            # aiohttp 3.11 types the signal for an older aiosignal.
            self._app.on_response_prepare.append(_one_answer_per_connection)  # type: ignore[arg-type]
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._inflight: dict[asyncio.Task[Any], object] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._output_tasks: dict[int, asyncio.Task[None]] = {}
        self._up = asyncio.Event()
        self._down = asyncio.Event()
        self._down.set()
        self._reboot_task: asyncio.Task[None] | None = None
        self.last_backup: bytes | None = None
        #: Bodies restore.cgi received, oldest first.
        self.restored: list[bytes] = []
        #: "soft" / "hard" for every factory default (including firmware ones).
        self.factory_defaults: list[str] = []
        #: Raw ``action=`` values io/output.cgi and io/port.cgi received.
        self.output_actions: list[str] = []
        self.format_count = 0
        #: The latest audio/transmit.cgi requests as received, oldest first.
        self.audio_transmits: list[AudioTransmit] = []

    # lifecycle ---------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://host:port`` of the device."""
        scheme = "https" if self.config.ssl is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def is_up(self) -> bool:
        """Whether the device is listening (not rebooting or stopped)."""
        return self._server is not None

    async def start(self) -> None:
        """Start listening (on a free port when the configured port is 0)."""
        self._runner = web.AppRunner(
            self._app,
            access_log=None,
            shutdown_timeout=0.1,
            handle_signals=False,
            handler_cancellation=True,
        )
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol,
            self.host,
            self.port,
            reuse_address=True,
            ssl=self.config.ssl,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._down.clear()
        self._up.set()

    def _protocol(self) -> asyncio.BaseProtocol:
        server = self._runner.server if self._runner is not None else None
        if server is None or self.faults.take("refuse"):
            return _Refuser()
        if self.config.wire == "spec-literal":
            return SpecLiteralProtocol(server())
        return server()

    async def stop(self) -> None:
        """Close every stream, timer, task and the listener."""
        tasks = list(self._tasks)
        if self._reboot_task is not None:
            tasks.append(self._reboot_task)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
        self._output_tasks.clear()
        await self._go_down()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _go_down(self) -> None:
        """Stop listening, cut every connection and in-flight request."""
        self._up.clear()
        self._down.set()
        server, self._server = self._server, None
        if server is not None:
            server.close()
        current = asyncio.current_task()
        victims = [t for t in self._inflight if t is not current]
        for task in victims:
            task.cancel()
        self._close_connections(idle_only=False)
        await asyncio.gather(*victims, return_exceptions=True)
        if server is not None:
            await server.wait_closed()

    def _close_connections(self, *, idle_only: bool) -> None:
        if self._runner is None or self._runner.server is None:
            return
        busy = set(self._inflight.values())
        for handler in self._runner.server.connections:
            if not (idle_only and handler in busy):
                handler.force_close()

    def _close_idle_connections(self) -> None:
        self._close_connections(idle_only=True)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run ``coro`` as a task the simulator owns (cancelled by stop)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    # reboot --------------------------------------------------------------
    async def reboot(self, seconds: float | None = None) -> None:
        """Go away for ``seconds`` (default config.reboot_seconds)."""
        if self._runner is None:
            raise RuntimeError("simulator not started")
        delay = self.config.reboot_seconds if seconds is None else seconds
        if self._reboot_task is not None:
            self._reboot_task.cancel()
        await self._go_down()
        for task in list(self._output_tasks.values()):
            task.cancel()
        self._output_tasks.clear()
        self._power_on_reset()
        self._reboot_task = asyncio.get_running_loop().create_task(
            self._come_back(delay)
        )

    def schedule_reboot(
        self, seconds: float | None = None, after: Callable[[], None] | None = None
    ) -> None:
        """Reboot from inside a request (after its answer went out)."""

        async def run() -> None:
            await asyncio.sleep(0)
            if after is not None:
                after()
            await self.reboot(seconds)

        self.spawn(run())

    async def _come_back(self, delay: float) -> None:
        await asyncio.sleep(delay)
        await self._listen()
        self.state.add_log("System started")
        self._reboot_task = None

    def _power_on_reset(self) -> None:
        self.state.osd_runtime.clear()
        for head in self.state.ptz.values():
            head.reset()
        self.state.io.outputs[:] = [False] * len(self.state.io.outputs)
        self.auth.forget_nonces()
        self.frames.clear()
        self.state.add_log("System restarting")

    async def wait_until_up(self) -> None:
        """Wait until the device listens again."""
        await self._up.wait()

    async def wait_until_down(self) -> None:
        """Wait until the device has gone away (restart.cgi answers first)."""
        await self._down.wait()

    # middleware ------------------------------------------------------------
    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        task = asyncio.current_task()
        assert task is not None
        self._inflight[task] = request.protocol
        try:
            if request.path.startswith(CONTROL_PREFIX):
                return await self._control(request, handler)
            response = await self._serve(request, handler)
        finally:
            self._inflight.pop(task, None)
        self.counters.count_response(response.status)
        return response

    async def _control(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        """The control API: loopback only, no auth, never kept alive."""
        if request.remote not in ("127.0.0.1", "::1"):
            return text("control API is loopback only\r\n", status=403)
        response = await handler(request)
        response.force_close()
        return response

    async def _serve(
        self, request: web.Request, handler: Handler
    ) -> web.StreamResponse:
        self.counters.count_request(request.path, request.query)
        injected = await self._injected(request)
        if injected is not None:
            return injected
        remote = request.remote or ""
        if not self.state.ipfilter.allows(remote):
            return text("403 Forbidden\r\n", status=403)
        result = self.auth.check(
            request.headers,
            request.method,
            (request.raw_path, request.path_qs),
            self.state.users,
        )
        if result.user is None:
            self.counters.auth_failures += 1
            response = text("401 Unauthorized\r\n", status=401)
            for value in self.auth.challenges(stale=result.stale):
                response.headers.add("WWW-Authenticate", value)
            return response
        args = await arguments(request)
        if result.user.level < required_level(request.path, args):
            return text("403 Forbidden\r\n", status=403)
        request["user"] = result.user
        return await handler(request)

    async def _injected(self, request: web.Request) -> web.StreamResponse | None:
        """Apply the pending request-level faults; an answer replaces the real one."""
        faults = self.faults
        if faults.take("reset"):
            _abort_with_reset(request.transport)
            raise asyncio.CancelledError
        if faults.take("hang"):
            await asyncio.get_running_loop().create_future()
        if faults.delay_seconds > 0:
            await asyncio.sleep(faults.delay_seconds)
        status = faults.take_status(request.path)
        if status is not None:
            return text(f"{status} Simulated error\r\n", status=status)
        redirect = faults.take_redirect()
        if redirect is not None:
            location, code = redirect
            moved = text(f"{code} Moved Temporarily\r\n", status=code)
            if location is not None:
                moved.headers["Location"] = location
            return moved
        if faults.take("garbage"):
            return web.Response(body=GARBAGE, headers={"Content-Type": "text/plain"})
        refusal = faults.take_error(request.path)
        if refusal is not None:
            return text(refusal if refusal.endswith("\n") else refusal + "\r\n")
        return None

    # public controls -------------------------------------------------------
    @property
    def params(self) -> dict[str, str]:
        """The parameter tree."""
        return self.state.params.values

    def set_input(self, port: int, active: bool) -> None:
        """Set input ``port`` (1-based); every monitor stream hears it."""
        self.state.io.set("input", port, active)

    def toggle_input(self, port: int) -> None:
        """Flip input ``port``."""
        self.set_input(port, not self.state.io.get("input", port))

    def input_state(self, port: int) -> bool:
        """Whether input ``port`` is active."""
        return self.state.io.get("input", port)

    def pulse_input(
        self, port: int, count: int, active_ms: float, inactive_ms: float
    ) -> asyncio.Task[None]:
        """Press input ``port`` ``count`` times: active, then inactive, on a clock.

        Each press is two changes every monitor stream sees, however short it
        is (a push button or a doorbell). Raises ValueError for no such input.
        """
        if not 1 <= port <= len(self.state.io.inputs):
            raise ValueError(f"no input {port}")
        return self.spawn(self._input_pulses(port, count, active_ms, inactive_ms))

    async def _input_pulses(
        self, port: int, count: int, active_ms: float, inactive_ms: float
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        for _ in range(count):
            for active, milliseconds in ((True, active_ms), (False, inactive_ms)):
                self.set_input(port, active)
                deadline += milliseconds / 1000.0
                await asyncio.sleep(max(0.0, deadline - loop.time()))

    def output_state(self, port: int) -> bool:
        """Whether output ``port`` is active."""
        return self.state.io.get("output", port)

    def set_output(self, port: int, active: bool) -> None:
        """Set output ``port`` directly (as if a relay was switched)."""
        self.state.io.set("output", port, active)

    def run_output_sequence(self, port: int, steps: list[int | bool]) -> None:
        """Run a pulse sequence on relay ``port``, replacing a running one."""
        previous = self._output_tasks.pop(port, None)
        if previous is not None:
            previous.cancel()
        first_wait = next(
            (i for i, s in enumerate(steps) if not isinstance(s, bool)), len(steps)
        )
        for step in steps[:first_wait]:
            self.set_output(port, bool(step))
        rest = steps[first_wait:]
        if rest:
            self._output_tasks[port] = self.spawn(self._sequence(port, rest))

    async def _sequence(self, port: int, steps: list[int | bool]) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time()
        try:
            for step in steps:
                if isinstance(step, bool):
                    self.set_output(port, step)
                else:
                    deadline += step / 1000.0
                    await asyncio.sleep(max(0.0, deadline - loop.time()))
        finally:
            if self._output_tasks.get(port) is asyncio.current_task():
                del self._output_tasks[port]

    async def wait_output_idle(self, port: int) -> None:
        """Wait until relay ``port`` runs no pulse sequence."""
        task = self._output_tasks.get(port)
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)

    def change_password(self, user: str, password: str) -> None:
        """Change (or create as viewer) an account's password."""
        account = self.state.users.accounts.get(user)
        if account is None:
            self.state.users.add(user, password, "axuser", ("axview",), "")
        else:
            account.password = password

    def set_sd(
        self,
        status: SdStatus,
        *,
        locked: bool = False,
        full: bool = False,
        readonly: bool = False,
    ) -> None:
        """Put the SD card in ``status``.

        ``locked``, ``full`` and ``readonly`` make list.cgi report that
        attribute as ``yes`` whatever the status (``status="OK"
        full="yes"`` is the spec's way); they only change that answer.
        """
        if status not in SD_STATUSES:
            raise ValueError(f"status must be one of {', '.join(SD_STATUSES)}")
        self.state.storage.status = status
        wanted = {"locked": locked, "full": full, "readonly": readonly}
        self.state.storage.flags = frozenset(name for name, on in wanted.items() if on)

    def set_clock_offset(self, seconds: float) -> None:
        """Offset the device clock from the host's."""
        self.state.clock_offset = seconds

    def set_video_signal(self, source: int, present: bool) -> None:
        """Simulate a lost (or regained) video signal on ``source``."""
        if source not in self.state.video_signal:
            raise ValueError(f"no video source {source}")
        self.state.video_signal[source] = present

    def ptz_position(self, camera: int = 1) -> dict[str, Any]:
        """Position and modes of the PTZ head of ``camera``."""
        head = self.state.ptz[camera]
        out: dict[str, Any] = dict(head.current())
        out.update(
            speed=head.speed,
            autofocus=head.autofocus,
            autoiris=head.autoiris,
            moving=head.moving,
            presets={p.number: p.name for p in head.presets.values()},
            home=head.home,
            auxiliary=list(head.auxiliary),
            last_auxiliary=head.auxiliary[-1] if head.auxiliary else None,
            continuous=head.continuous(),
            last_center=head.last_center,
            osd_menu=list(head.osd_menu),
        )
        return out

    def ptz_presets(self, camera: int = 1) -> dict[int, str]:
        """Server presets of ``camera``: number -> name (home: ptz_position)."""
        head = self.state.ptz[camera]
        return {n: head.presets[n].name for n in sorted(head.presets)}

    def ptz_set_commands(self, camera: int, commands: set[str] | None) -> None:
        """Restrict the commands ``camera`` supports (None = all).

        ``info=1`` lists only these; others are answered ``Error: unsupported
        command <name>``.
        """
        self.state.ptz[camera].commands = (
            None if commands is None else frozenset(commands)
        )

    def add_user(
        self,
        name: str,
        password: str,
        level: Literal["viewer", "operator", "admin"] = "viewer",
    ) -> None:
        """Create an account with ``level`` (as pwdgrp.cgi would)."""
        groups = {
            "viewer": ("axview",),
            "operator": ("axoper", "axview"),
            "admin": ("axadmin", "axoper", "axview"),
        }[level]
        problem = self.state.users.add(name, password, "axuser", groups, "")
        if problem:
            raise ValueError(problem)

    def backup_bytes(self) -> bytes:
        """The tar backup.cgi served last (or would serve now)."""
        return self.last_backup if self.last_backup is not None else self.state.backup()

    @property
    def osd(self) -> dict[str, Any]:
        """Effective OSD of source 1, with ``committed`` (no runtime override)."""
        out: dict[str, Any] = dict(self.state.osd(1))
        out["committed"] = not self.state.osd_runtime
        return out

    def clock(self) -> datetime.datetime:
        """The device's clock (aware, UTC)."""
        return self.state.now()

    @property
    def sd_status(self) -> SdStatus:
        """The SD card's status."""
        return self.state.storage.status

    @property
    def recordings(self) -> list[str]:
        """Ids of the recordings on the SD card."""
        return [r.recording_id for r in self.state.storage.recordings]

    def snapshot(self) -> dict[str, Any]:
        """JSON view of the state (control API ``GET /_sim/state``)."""
        state = self.state
        return {
            "up": self.is_up,
            "url": self.url,
            "inputs": {i + 1: v for i, v in enumerate(state.io.inputs)},
            "outputs": {i + 1: v for i, v in enumerate(state.io.outputs)},
            "ptz": {c: self.ptz_position(c) for c in state.ptz}
            if self.config.ptz
            else {},
            "sd": state.storage.status,
            "sd_flags": sorted(state.storage.flags),
            "clock_offset": state.clock_offset,
            "time": state.now().isoformat(),
            "users": sorted(state.users.accounts),
            "ipfilter": {
                "addresses": state.ipfilter.addresses,
                "enabled": state.ipfilter.enabled,
                "policy": state.ipfilter.policy,
            },
            "video_signal": state.video_signal,
            "faults": self.faults.snapshot(),
            "audio_transmits": [t.snapshot() for t in self.audio_transmits],
        }

    async def __aenter__(self) -> Simulator:
        """``async with Simulator(...) as sim``."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> Literal[False]:
        """Stop on leaving the block."""
        await self.stop()
        return False
