"""The ``/_sim/...`` control API (JSON, no auth, never counted)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..respond import sim_of
from ..state import SD_FLAGS


def _json(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(data, status=status)


def _error(message: str) -> web.Response:
    return _json({"ok": False, "error": message}, status=400)


def _int(request: web.Request, name: str, default: int | None = None) -> int:
    value = request.query.get(name)
    if value is None:
        if default is None:
            raise ValueError(f"{name} is required")
        return default
    return int(value)


def _float(request: web.Request, name: str) -> float:
    value = request.query.get(name)
    if value is None:
        raise ValueError(f"{name} is required")
    return float(value)


async def state(request: web.Request) -> web.Response:
    """GET /_sim/state."""
    return _json(sim_of(request).snapshot())


async def counters(request: web.Request) -> web.Response:
    """GET /_sim/counters."""
    return _json(sim_of(request).counters.snapshot())


async def reset_counters(request: web.Request) -> web.Response:
    """POST /_sim/counters/reset."""
    sim_of(request).counters.reset()
    return _json({"ok": True})


async def set_input(request: web.Request) -> web.Response:
    """POST /_sim/input/<n>?state=1|0|toggle."""
    sim = sim_of(request)
    try:
        port = int(request.match_info["port"])
        wanted = request.query.get("state", "toggle")
        if wanted == "toggle":
            sim.toggle_input(port)
        elif wanted in ("1", "0"):
            sim.set_input(port, wanted == "1")
        else:
            return _error("state must be 1, 0 or toggle")
    except (ValueError, IndexError) as err:
        return _error(str(err) or "no such input")
    return _json({"ok": True, "port": port, "active": sim.input_state(port)})


async def burst(request: web.Request) -> web.Response:
    """POST /_sim/input/<n>/burst?count=N (N toggles, in order)."""
    sim = sim_of(request)
    try:
        port = int(request.match_info["port"])
        count = _int(request, "count", 10)
        for _ in range(count):
            sim.toggle_input(port)
    except (ValueError, IndexError) as err:
        return _error(str(err) or "no such input")
    return _json(
        {"ok": True, "port": port, "toggles": count, "active": sim.input_state(port)}
    )


async def pulse(request: web.Request) -> web.Response:
    """POST /_sim/input/<n>/pulse?count=N&ms=20&gap=20 (answers at once).

    N presses, each active ``ms`` then inactive ``gap`` milliseconds, run by
    the simulator; ``seconds`` in the answer is how long they take.
    """
    sim = sim_of(request)
    try:
        port = int(request.match_info["port"])
        count = _int(request, "count", 1)
        active_ms = float(request.query.get("ms", "20"))
        inactive_ms = float(request.query.get("gap", "20"))
        if count < 0 or active_ms < 0 or inactive_ms < 0:
            return _error("count, ms and gap must not be negative")
        sim.pulse_input(port, count, active_ms, inactive_ms)
    except ValueError as err:
        return _error(str(err))
    seconds = count * (active_ms + inactive_ms) / 1000
    return _json({"ok": True, "port": port, "pulses": count, "seconds": seconds})


async def set_output(request: web.Request) -> web.Response:
    """POST /_sim/output/<n>?state=1|0."""
    sim = sim_of(request)
    try:
        port = int(request.match_info["port"])
        sim.set_output(port, request.query.get("state", "1") == "1")
    except ValueError as err:
        return _error(str(err))
    return _json({"ok": True, "port": port, "active": sim.output_state(port)})


async def reboot(request: web.Request) -> web.Response:
    """POST /_sim/reboot?seconds=N."""
    sim = sim_of(request)
    try:
        seconds = float(request.query.get("seconds", sim.config.reboot_seconds))
    except ValueError as err:
        return _error(str(err))
    response = _json({"ok": True, "seconds": seconds})
    await response.prepare(request)
    await response.write_eof()
    sim.schedule_reboot(seconds)
    return response


async def fault(request: web.Request) -> web.Response:  # noqa: PLR0912
    """POST /_sim/fault/<name>?...."""
    sim = sim_of(request)
    faults = sim.faults
    name = request.match_info["name"]
    try:
        if name == "clear":
            faults.clear()
        elif name == "refuse":
            faults.refuse_next(_int(request, "count", 1))
        elif name == "reset":
            faults.reset_next(_int(request, "count", 1))
        elif name == "hang":
            faults.hang_next(_int(request, "count", 1))
        elif name == "delay":
            faults.delay(_float(request, "seconds"))
        elif name == "status":
            faults.status_next(
                _int(request, "code", 500),
                _int(request, "count", 1),
                request.query.get("path"),
            )
        elif name == "garbage":
            faults.garbage_next(_int(request, "count", 1))
        elif name == "redirect":
            faults.redirect_next(
                request.query.get("location"),
                _int(request, "count", 1),
                _int(request, "code", 302),
            )
        elif name == "transmit_refuse":
            faults.refuse_transmit(
                _int(request, "code", 503), _int(request, "count", 1)
            )
        elif name == "transmit_cut":
            faults.cut_transmit(_int(request, "after", 0))
        elif name == "cut":
            return _json(
                {"ok": True, "streams": faults.cut_streams(request.query.get("kind"))}
            )
        elif name == "silence":
            hit = faults.silence_streams(request.query.get("kind"))
            return _json({"ok": True, "streams": hit})
        elif name == "corrupt":
            hit = faults.corrupt_streams(
                request.query.get("kind"), request.query.get("mode", "truncate")
            )
            return _json({"ok": True, "streams": hit})
        else:
            return _error(f"unknown fault '{name}'")
    except ValueError as err:
        return _error(str(err))
    return _json({"ok": True, "faults": faults.snapshot()})


async def password(request: web.Request) -> web.Response:
    """POST /_sim/password?user=..&password=.."""
    sim = sim_of(request)
    user = request.query.get("user", sim.config.username)
    new = request.query.get("password")
    if not new:
        return _error("password is required")
    sim.change_password(user, new)
    return _json({"ok": True, "user": user})


async def sd(request: web.Request) -> web.Response:
    """POST /_sim/sd?status=ok|absent|full|readonly|unmounted[&locked=1...].

    ``locked=1``, ``full=1``, ``readonly=1`` force that disk attribute to
    ``yes`` next to the status (see ``Simulator.set_sd``).
    """
    flags = {name: request.query.get(name, "0") == "1" for name in SD_FLAGS}
    try:
        sim_of(request).set_sd(request.query.get("status", "ok"), **flags)  # type: ignore[arg-type]
    except ValueError as err:
        return _error(str(err))
    return _json(
        {
            "ok": True,
            "status": request.query.get("status", "ok"),
            "flags": sorted(name for name, on in flags.items() if on),
        }
    )


async def clock(request: web.Request) -> web.Response:
    """POST /_sim/clock?offset=N (seconds)."""
    sim = sim_of(request)
    try:
        sim.set_clock_offset(_float(request, "offset"))
    except ValueError as err:
        return _error(str(err))
    return _json({"ok": True, "time": sim.state.now().isoformat()})


async def video(request: web.Request) -> web.Response:
    """POST /_sim/video/<n>?signal=1|0."""
    sim = sim_of(request)
    try:
        source = int(request.match_info["source"])
        sim.set_video_signal(source, request.query.get("signal", "1") == "1")
    except ValueError as err:
        return _error(str(err))
    return _json({"ok": True, "source": source})


async def transmit_body(request: web.Request) -> web.Response:
    """GET /_sim/audio/transmits/<n>/body: the body transmit n received (0 first).

    Its kept start (``MAX_RECORDED_BYTES``), with the request's content
    type; ``/_sim/state`` shows every transmit's headers and timing.
    """
    transmits = sim_of(request).audio_transmits
    index = int(request.match_info["index"])
    if index >= len(transmits):
        return _error(f"no transmit {index} (there are {len(transmits)})")
    record = transmits[index]
    return web.Response(
        body=bytes(record.body),
        content_type=record.content_type or "application/octet-stream",
    )


def routes() -> list[web.RouteDef]:
    """Routes of the control API."""
    return [
        web.get("/_sim/state", state),
        web.get("/_sim/counters", counters),
        web.post("/_sim/counters/reset", reset_counters),
        web.post(r"/_sim/input/{port:\d+}", set_input),
        web.post(r"/_sim/input/{port:\d+}/burst", burst),
        web.post(r"/_sim/input/{port:\d+}/pulse", pulse),
        web.post(r"/_sim/output/{port:\d+}", set_output),
        web.post("/_sim/reboot", reboot),
        web.post("/_sim/fault/{name}", fault),
        web.post("/_sim/password", password),
        web.post("/_sim/sd", sd),
        web.post("/_sim/clock", clock),
        web.post(r"/_sim/video/{source:\d+}", video),
        web.get(r"/_sim/audio/transmits/{index:\d+}/body", transmit_body),
    ]
