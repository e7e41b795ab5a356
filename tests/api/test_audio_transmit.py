"""audio/transmit.cgi (spec 5.8.5): HTTP/1.0, an exact Content-Length, no chunks.

Checked on what the simulator received over real HTTP
(``Simulator.audio_transmits``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cgi_camera_api import (
    CameraClient,
    CameraValueError,
)
from simulator import Simulator

BLOCK = 240
TIMES = ("opened_at", "first_byte_at", "last_byte_at", "ended_at")


def _blocks(count: int) -> list[bytes]:
    return [bytes([index]) * BLOCK for index in range(count)]


async def _iterate(blocks: list[bytes]) -> AsyncIterator[bytes]:
    for block in blocks:
        yield block


async def test_blocks_arrive_with_content_length_not_chunked(
    client: CameraClient, simulator: Simulator
) -> None:
    """An iterable of blocks: a Content-Length, no chunking, the exact bytes."""
    blocks = _blocks(5)
    await client.audio.transmit(_iterate(blocks), length=5 * BLOCK)
    [received] = simulator.audio_transmits
    assert received.content_length == 5 * BLOCK
    assert received.transfer_encoding is None
    assert received.content_type == "audio/basic"
    assert bytes(received.body) == b"".join(blocks)
    assert received.complete
    assert simulator.state.audio_bytes_received == 5 * BLOCK
    [shown] = simulator.snapshot()["audio_transmits"]
    times = [shown.pop(name) for name in TIMES]
    assert shown == {
        "version": "1.1",
        "content_length": 1200,
        "transfer_encoding": None,
        "content_type": "audio/basic",
        "received": 1200,
        "complete": True,
        "ended": True,
        "status": 204,
    }
    assert times == sorted(times)  # opened, first byte, last byte, ended


async def test_bytes_body_and_content_type(
    client: CameraClient, simulator: Simulator
) -> None:
    """A bytes body (length optional, checked when given) and another MIME type."""
    audio = bytes(range(256)) * 3
    await client.audio.transmit(audio, content_type="audio/32KADPCM")
    await client.audio.transmit(bytearray(audio), length=len(audio))
    first, second = simulator.audio_transmits
    for received in (first, second):
        assert received.content_length == len(audio)
        assert received.transfer_encoding is None
        assert bytes(received.body) == audio
    assert first.content_type == "audio/32KADPCM"
    assert second.content_type == "audio/basic"


async def test_body_is_streamed(client: CameraClient, simulator: Simulator) -> None:
    """The first block reaches the device before the second is even produced."""

    async def blocks() -> AsyncIterator[bytes]:
        yield b"\x01" * BLOCK
        await simulator.counters.wait_for_connections("audio", 1)
        await simulator.audio_transmits[-1].wait_for_bytes(BLOCK)
        assert simulator.audio_transmits[-1].received == BLOCK
        yield b"\x02" * BLOCK

    await client.audio.transmit(blocks(), length=2 * BLOCK)
    assert (
        bytes(simulator.audio_transmits[-1].body) == b"\x01" * BLOCK + b"\x02" * BLOCK
    )


async def _delivered(blocks: list[bytes], simulator: Simulator) -> AsyncIterator[bytes]:
    """``blocks``, each only once the device has received the ones before."""
    sent = 0
    for block in blocks:
        if sent:
            await simulator.counters.wait_for_connections("audio", 1)
            await simulator.audio_transmits[-1].wait_for_bytes(sent)
        yield block
        sent += len(block)
    await simulator.counters.wait_for_connections("audio", 1)
    await simulator.audio_transmits[-1].wait_for_bytes(sent)


async def test_arguments_checked_before_any_request(
    client: CameraClient, simulator: Simulator
) -> None:
    """Missing/bad length, wrong bytes length, bad MIME type: nothing is sent."""
    cases = [
        (_iterate(_blocks(1)), {}, "required"),
        (_iterate(_blocks(1)), {"length": -1}, "byte count"),
        (_iterate(_blocks(1)), {"length": True}, "byte count"),
        (b"x" * 10, {"length": 11}, "has 10 bytes"),
        (b"x", {"content_type": "audio/basic\r\nX: y"}, "MIME"),
    ]
    for audio, options, problem in cases:
        with pytest.raises(CameraValueError, match=problem):
            await client.audio.transmit(audio, **options)  # type: ignore[arg-type]
    assert simulator.counters.total_requests == 0


async def test_longer_blocks_abort_before_the_extra_bytes(
    client: CameraClient, simulator: Simulator
) -> None:
    """Blocks longer than declared: CameraValueError; the device never gets more."""
    with pytest.raises(CameraValueError, match="longer than the declared 300"):
        await client.audio.transmit(_delivered(_blocks(3), simulator), length=300)
    [received] = simulator.audio_transmits
    await received.wait_for_bytes(10**9)  # returns once the request is over
    assert received.content_length == 300
    assert received.received == BLOCK  # the second block was never sent
    assert received.ended
    assert not received.complete


async def test_shorter_blocks_abort(client: CameraClient, simulator: Simulator) -> None:
    """Blocks shorter than declared: CameraValueError; the body is cut, not complete."""
    with pytest.raises(CameraValueError, match="after 480 of the declared 720"):
        await client.audio.transmit(_delivered(_blocks(2), simulator), length=720)
    [received] = simulator.audio_transmits
    await received.wait_for_bytes(10**9)  # returns once the request is over
    assert received.received == 2 * BLOCK
    assert received.ended
    assert not received.complete


async def test_empty_blocks_are_skipped(
    client: CameraClient, simulator: Simulator
) -> None:
    """Empty blocks count for nothing; an empty body is a valid transmit."""
    await client.audio.transmit(_iterate([b"", b"ab", b"", b"cd"]), length=4)
    await client.audio.transmit(_iterate([]), length=0)
    first, second = simulator.audio_transmits
    assert bytes(first.body) == b"abcd"
    assert second.content_length == 0
    assert second.complete
