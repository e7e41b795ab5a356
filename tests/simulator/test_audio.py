"""audio/receive.cgi and audio/transmit.cgi through real HTTP."""

import asyncio
from collections.abc import AsyncIterator

import aiohttp

from simulator import Simulator
from simulator.handlers.audio import TONE, ulaw

from .helpers import ROOT, Factory, get, read_until, stream


async def test_singlepart_real_time(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    loop = asyncio.get_running_loop()
    async with stream(
        http, simulator, "/audio/receive.cgi?httptype=singlepart"
    ) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "audio/basic"
        start = loop.time()
        data = await response.content.readexactly(240 * 11)
        elapsed = loop.time() - start
    assert data == TONE * 11
    assert elapsed >= 0.27  # 10 block intervals of 30 ms after the first block
    await simulator.counters.wait_for_connections("audio", 0)


async def test_multipart(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    simulator.params["Audiod.HttpMessageType"] = "multipart"
    async with stream(http, simulator, "/audio/receive.cgi") as response:
        assert (
            response.headers["Content-Type"]
            == "multipart/x-mixed-replace;boundary=myboundary"
        )
        buffer = bytearray()
        assert (
            await read_until(response, b"--myboundary\r\n", buffer)
            == b"--myboundary\r\n"
        )
        part = await read_until(response, b"--myboundary\r\n", buffer)
        assert (
            part
            == b"Content-Type: audio/basic\r\n\r\n" + TONE + b"\r\n--myboundary\r\n"
        )
        await simulator.counters.wait_for_connections("audio", 1)


async def test_bad_httptype(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    assert (await get(http, simulator, "/audio/receive.cgi?httptype=both"))[0] == 400


def test_ulaw_reference_values() -> None:
    assert ulaw(0) == 0xFF
    assert ulaw(-1) == 0x7F
    assert ulaw(32767) == 0x80
    assert ulaw(-32768) == 0x00
    assert len(TONE) == 240


async def test_transmit_counts_bytes(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    async def blocks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield TONE

    async with http.post(
        simulator.url + "/audio/transmit.cgi",
        data=blocks(),
        headers={"Content-Type": "audio/basic", "Cache-Control": "no-cache", **ROOT},
    ) as response:
        assert response.status == 204
    assert simulator.counters.audio_bytes_received == 1200
    assert (await get(http, simulator, "/audio/transmit.cgi"))[0] == 400


async def test_transmit_multipart_spec_example(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    part = b"--myboundary\r\nContent-Type: audio/basic\r\n\r\n" + TONE + b"\r\n"
    async with http.post(
        simulator.url + "/audio/transmit.cgi",
        data=part * 3,
        headers={
            "Content-Type": "multipart/x-mixed-replace; boundary=--myboundary",
            **ROOT,
        },
    ) as response:
        assert response.status == 204
    assert simulator.counters.audio_bytes_received == len(part) * 3


async def test_no_audio(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    sim = await simulator_factory(audio=False)
    assert (await get(http, sim, "/audio/receive.cgi"))[0] == 404
    assert (await get(http, sim, "/audio/transmit.cgi"))[0] == 404
