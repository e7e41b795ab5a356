"""A stream that ends mid-write (cut, or the client hung up) ends quietly."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from .helpers import Factory, stream


@pytest.mark.parametrize("cut", [False, True], ids=["hang_up", "cut"])
@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/mjpg/video.mjpg", "video"),
        ("/audio/receive.cgi", "audio"),
        ("/io/input.cgi?monitor=1", "io"),
    ],
)
async def test_hang_up_mid_stream_logs_no_error(
    simulator_factory: Factory,
    http: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
    path: str,
    kind: str,
    cut: bool,
) -> None:
    """The next write after the end stops the handler without a traceback."""
    sim = await simulator_factory(fps=50.0)
    async with stream(http, sim, path) as response:
        assert response.status == 200
        await response.content.readany()
        if cut:
            sim.faults.cut_streams(kind)
    if kind == "io":
        sim.toggle_input(1)  # the monitor writes only when something happens
    await sim.counters.wait_for_connections(kind, 0)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
