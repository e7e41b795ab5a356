"""Fault injection from Python and from the control API."""

import asyncio

import aiohttp
import pytest

from simulator import Simulator
from simulator.faults import GARBAGE

from .helpers import ROOT, Factory, control, drain, get, read_until, stream

PATH = "/param.cgi?action=list&group=Brand.Brand"


async def test_status_faults(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    simulator.faults.status_next(503, 2)
    assert (await get(http, simulator, PATH))[0] == 503
    assert (await get(http, simulator, PATH))[0] == 503
    assert (await get(http, simulator, PATH))[0] == 200
    _, data = await control(http, simulator, "fault/status?code=500&count=1")
    assert data["faults"]["status_count"] == 1
    assert await get(http, simulator, PATH) == (500, "500 Simulated error\r\n")
    with pytest.raises(ValueError, match="4xx or 5xx"):
        simulator.faults.status_next(200)


async def test_status_fault_for_one_path(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """A status meant for one path is left for it by requests to others."""
    _, data = await control(http, simulator, "fault/status?code=403&path=/pwdgrp.cgi")
    assert data["faults"]["status_path"] == "/pwdgrp.cgi"
    assert (await get(http, simulator, PATH))[0] == 200
    assert (await get(http, simulator, "/pwdgrp.cgi?action=get"))[0] == 403
    assert (await get(http, simulator, "/pwdgrp.cgi?action=get"))[0] == 200


async def test_garbage_and_error(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await control(http, simulator, "fault/garbage?count=1")
    async with http.get(simulator.url + PATH, headers=ROOT) as response:
        assert await response.read() == GARBAGE
    simulator.faults.error_next("/io/input.cgi", 1)
    assert await get(http, simulator, PATH) == (200, "Brand.Brand=CGI\n")
    assert await get(http, simulator, "/io/input.cgi?check=1") == (
        200,
        "# Error: refused\r\n",
    )
    simulator.faults.error_next(None, 1, "Request failed: busy\n")
    assert await get(http, simulator, PATH) == (200, "Request failed: busy\n")


async def test_delay(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()
    await control(http, simulator, "fault/delay?seconds=0.1")
    start = loop.time()
    assert (await get(http, simulator, PATH))[0] == 200
    assert loop.time() - start >= 0.1
    await control(http, simulator, "fault/delay?seconds=0")
    assert simulator.faults.delay_seconds == 0


async def test_hang_until_client_gives_up(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await control(http, simulator, "fault/hang?count=1")
    with pytest.raises(asyncio.TimeoutError):
        await get(http, simulator, PATH, timeout=aiohttp.ClientTimeout(total=0.2))
    assert (await get(http, simulator, PATH))[0] == 200


async def test_hang_released_by_stop(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory()
    sim.faults.hang_next(1)
    request = asyncio.ensure_future(get(http, sim, PATH))
    await sim.counters.wait_for_requests("/param.cgi", 1)
    await sim.stop()
    with pytest.raises(aiohttp.ClientError):
        await request


async def post(http: aiohttp.ClientSession, sim: Simulator) -> int:
    """POST is not retried by aiohttp, so every injected fault shows."""
    async with http.post(
        sim.url + "/param.cgi",
        data={"action": "list", "group": "Brand.Brand"},
        headers=ROOT,
    ) as response:
        await response.read()
        return response.status


async def test_reset_and_refuse(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    assert await post(http, simulator) == 200  # leaves a keep-alive connection
    await control(http, simulator, "fault/reset?count=1")
    with pytest.raises(aiohttp.ClientError):
        await post(http, simulator)
    assert await post(http, simulator) == 200
    # refuse works on new connections: use one connection per request
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(force_close=True)
    ) as fresh:
        simulator.faults.refuse_next(2)
        with pytest.raises(aiohttp.ClientError):
            await post(fresh, simulator)
        with pytest.raises(aiohttp.ClientError):
            await post(fresh, simulator)
        assert await post(fresh, simulator) == 200
    _, data = await control(http, simulator, "fault/refuse?count=0")
    assert data["faults"]["refuse"] == 0


async def test_aiohttp_get_retries_once(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """aiohttp retries an idempotent request once: two resets make a GET fail."""
    simulator.faults.reset_next(1)
    assert (await get(http, simulator, PATH))[0] == 200
    simulator.faults.reset_next(2)
    with pytest.raises(aiohttp.ClientError):
        await get(http, simulator, PATH)


async def test_clear_and_unknown(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    simulator.faults.garbage_next(3)
    simulator.faults.error_next(None, 2)
    _, data = await control(http, simulator, "fault/clear")
    assert data["faults"] == {
        "refuse": 0,
        "reset": 0,
        "hang": 0,
        "delay": 0.0,
        "status_code": 0,
        "status_count": 0,
        "status_path": None,
        "garbage": 0,
        "errors": 0,
        "redirects": 0,
        "transmit_refusals": [],
        "transmit_cuts": [],
    }
    assert (await control(http, simulator, "fault/explode"))[0] == 400
    assert (await control(http, simulator, "fault/delay"))[0] == 400
    assert (await control(http, simulator, "fault/cut?kind=smoke"))[0] == 400
    assert (await control(http, simulator, "fault/corrupt?mode=melt"))[0] == 400


async def test_cut_streams(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(fps=30.0)
    async with (
        stream(http, sim, "/mjpg/video.mjpg") as video,
        stream(http, sim, "/io/input.cgi?monitor=1") as monitor,
        stream(http, sim, "/audio/receive.cgi") as audio,
    ):
        await sim.counters.wait_for_connections("video", 1)
        await sim.counters.wait_for_connections("io", 1)
        await sim.counters.wait_for_connections("audio", 1)
        _, data = await control(http, sim, "fault/cut?kind=io")
        assert data["streams"] == 1
        await sim.counters.wait_for_connections("io", 0)
        with pytest.raises(aiohttp.ClientError):
            await drain(monitor)
        assert sim.counters.open_connections["video"] == 1
        assert sim.faults.cut_streams() == 2
        await sim.counters.wait_for_connections("video", 0)
        await sim.counters.wait_for_connections("audio", 0)
        assert video.status == audio.status == 200
    assert sim.faults.cut_streams("video") == 0


@pytest.mark.parametrize("mode", ["truncate", "boundary", "garbage"])
async def test_corrupt_video(
    simulator_factory: Factory, http: aiohttp.ClientSession, mode: str
) -> None:
    sim = await simulator_factory(fps=50.0)
    async with stream(http, sim, "/mjpg/video.mjpg") as response:
        buffer = bytearray()
        await read_until(response, b"--myboundary\r\n", buffer)
        first = await read_until(response, b"--myboundary\r\n", buffer)
        assert sim.faults.corrupt_streams("video", mode) == 1
        data = bytearray()
        for _ in range(3):
            data += await read_until(response, b"--myboundary\r\n", buffer)
        if mode == "truncate":
            lengths = [len(p) for p in data.split(b"--myboundary\r\n") if p]
            assert min(lengths) < len(first) * 0.8
        elif mode == "boundary":
            assert b"--wrongboundary\r\n" in data
        else:
            assert GARBAGE in data


@pytest.mark.parametrize("mode", ["truncate", "boundary", "garbage"])
async def test_corrupt_io(
    simulator: Simulator, http: aiohttp.ClientSession, mode: str
) -> None:
    async with stream(http, simulator, "/io/input.cgi?monitor=1") as response:
        buffer = bytearray()
        await read_until(response, b"IO1:L\n\r\n\r\n--ioboundary\r\n", buffer)
        _, data = await control(http, simulator, f"fault/corrupt?kind=io&mode={mode}")
        assert data["streams"] == 1
        expected = {
            "truncate": b"\r\nIO\r\n--ioboundary\r\n",
            "boundary": b"--wrongboundary\r\n",
            "garbage": GARBAGE,
        }[mode]
        await read_until(response, expected, buffer)


@pytest.mark.parametrize("mode", ["truncate", "boundary", "garbage"])
async def test_corrupt_audio(
    simulator: Simulator, http: aiohttp.ClientSession, mode: str
) -> None:
    async with stream(
        http, simulator, "/audio/receive.cgi?httptype=multipart"
    ) as response:
        buffer = bytearray()
        await read_until(response, b"--myboundary\r\n", buffer)
        simulator.faults.corrupt_streams("audio", mode)
        expected = {
            "truncate": b"\r\n\r\n" + bytes(b for b in b""),
            "boundary": b"--wrongboundary\r\n",
            "garbage": GARBAGE,
        }[mode]
        chunk = await read_until(
            response, expected if mode != "truncate" else b"--myboundary\r\n", buffer
        )
        if mode == "truncate":
            parts = [chunk]
            while len(parts[-1]) >= 240:
                parts.append(await read_until(response, b"--myboundary\r\n", buffer))
            assert len(parts[-1]) < 240


async def test_corrupt_singlepart_audio(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async with stream(http, simulator, "/audio/receive.cgi") as response:
        await response.content.readexactly(240)
        simulator.faults.corrupt_streams("audio", "garbage")
        buffer = bytearray()
        await read_until(response, GARBAGE, buffer)


async def test_silenced_monitor_stays_open_and_sends_nothing(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """After ``fault/silence`` no part leaves, not even a change, until the cut."""
    sim = await simulator_factory(monitor_keepalive=0.01)
    async with stream(http, sim, "/io/input.cgi?monitor=1") as response:
        buffer = bytearray()
        await read_until(response, b"IO1:L\n\r\n\r\n--ioboundary\r\n", buffer)
        _, data = await control(http, sim, "fault/silence?kind=io")
        assert data["streams"] == 1
        sim.set_input(1, True)
        assert sim.counters.open_connections["io"] == 1
        assert sim.faults.cut_streams("io") == 1
        with pytest.raises(aiohttp.ClientError):
            await _read_all(response, buffer)
    assert b"IO1:/" not in bytes(buffer)


async def _read_all(response: aiohttp.ClientResponse, buffer: bytearray) -> None:
    """Append the rest of the stream to ``buffer``, until it ends or breaks."""
    while chunk := await response.content.readany():
        buffer += chunk
