"""A monitor stream that stays silent past its keep-alive is ended."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cgi_camera_api import (
    CameraTimeoutError,
    keepalive as keepalive_module,
)
from cgi_camera_api.keepalive import KeepAliveWatch, is_keepalive

KEEPALIVE = b"\r\n\r\n"
REPORT = b"IO1:/\r\n"


@pytest.fixture(autouse=True)
def quick_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A floor of 50 ms, so a stall shows in a test's time."""
    monkeypatch.setattr(keepalive_module, "MIN_STALL_SECONDS", 0.05)


async def _parts(bodies: list[bytes], then: asyncio.Event) -> AsyncIterator[bytes]:
    for body in bodies:
        yield body
    await then.wait()  # the device goes silent, the connection stays open


async def _drain(watch: KeepAliveWatch, parts: AsyncIterator[bytes]) -> list[bytes]:
    received = []
    async for body in watch.watch(parts, "GET /io/input.cgi"):
        received.append(body)
    return received


def test_keepalive_parts_are_told_from_reports() -> None:
    """A part without an IO line is a keep-alive (blank lines, headers only)."""
    assert is_keepalive(KEEPALIVE)
    assert is_keepalive(b"Content-Type: text/plain\r\n\r\n")
    assert not is_keepalive(REPORT)
    assert not is_keepalive(b"\x89GARBAGE\r\n")  # a garbled part is no keep-alive


async def test_silence_after_keepalives_ends_the_stream(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two keep-alives teach the interval; silence past it raises a timeout.

    The stall forgets the interval: the next stream learns it again. (Any
    gap counts here, so that the test's parts need not be spaced in time.)
    """
    monkeypatch.setattr(keepalive_module, "MIN_KEEPALIVE_GAP_SECONDS", 0.0)
    watch = KeepAliveWatch()
    never = asyncio.Event()
    learnt: list[float | None] = []

    async def drain_noting_the_interval() -> None:
        async for _body in watch.watch(
            _parts([REPORT, KEEPALIVE, KEEPALIVE], never), "GET /x"
        ):
            learnt.append(watch.interval)

    with pytest.raises(CameraTimeoutError, match="no keep-alive"):
        await drain_noting_the_interval()
    assert learnt[-1] is not None
    assert watch.interval is None


@pytest.mark.parametrize(
    "bodies",
    [
        # The spec's monitor example ends with two empty parts in a row: no
        # timer. Learning a gap of ~0 s from them would end every later
        # stream after the floor of silence, for as long as the device is set up.
        [REPORT, KEEPALIVE, KEEPALIVE, KEEPALIVE],
        # A keep-alive after a report: a device without keep-alives.
        [REPORT, KEEPALIVE, REPORT, KEEPALIVE],
    ],
    ids=["keepalives_sent_together", "no_keepalives"],
)
async def test_parts_that_teach_no_interval_never_time_out(
    bodies: list[bytes],
) -> None:
    """Parts that show no keep-alive timer set no stall limit."""
    watch = KeepAliveWatch()
    stream_end = asyncio.Event()
    stream_end.set()
    assert await _drain(watch, _parts(bodies, stream_end)) == bodies
    assert watch.interval is None
    assert watch.stall_seconds is None


async def test_the_interval_is_the_longest_gap_between_keepalives() -> None:
    """Later connections start with the interval already known."""
    watch = KeepAliveWatch()
    watch.interval = 4.0
    assert watch.stall_seconds == 10.0
    stream_end = asyncio.Event()
    stream_end.set()
    assert await _drain(watch, _parts([KEEPALIVE, KEEPALIVE], stream_end)) == [
        KEEPALIVE,
        KEEPALIVE,
    ]
    assert watch.interval == 4.0  # a shorter gap never shrinks it
