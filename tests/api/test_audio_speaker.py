"""The speaker's side of the client: pacing, formats, the transmit probe.

Pacing is checked on the simulator's record of when each chunk arrived.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import pytest

from cgi_camera_api import (
    AUDIO_BLOCK_BYTES,
    G726_24,
    G726_32,
    TRANSMIT_FORMATS,
    ULAW,
    CameraAuthenticationError,
    CameraBusyError,
    CameraClient,
    CameraConnectionError,
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraStaleNonceError,
    audio_format,
    paced_blocks,
)
from cgi_camera_api.discovery import Discovery
from simulator import Simulator

from .conftest import ClientFactory, SimulatorFactory

# A device that reads sound until the connection closes and never answers
# (spec 5.8.5 prints no answer to transmit.cgi).
SILENT = {"transmit_answer": False}

PROBE = "probe audio/transmit.cgi (empty body)"


def test_formats_of_the_spec() -> None:
    """Spec 5.8.1: µ-law 64 kbit/s, G.726 at 32 and 24 kbit/s; 240-byte blocks."""
    assert [f.content_type for f in TRANSMIT_FORMATS] == [
        "audio/basic",
        "audio/32KADPCM",
        "audio/G723",
    ]
    assert [f.bytes_per_second * 8 for f in TRANSMIT_FORMATS] == [64000, 32000, 24000]
    assert ULAW.block_seconds == pytest.approx(0.03)
    assert G726_24.block_seconds == pytest.approx(0.08)
    assert audio_format("audio/32KADPCM") is G726_32
    with pytest.raises(KeyError):
        audio_format("audio/aac")


async def test_blocks_are_240_bytes_the_last_one_shorter() -> None:
    """The sound cut in 240-byte blocks, nothing lost."""
    audio = bytes(range(256)) * 2  # 512 bytes
    blocks = [block async for block in paced_blocks(audio, ULAW, lead=10.0)]
    assert [len(block) for block in blocks] == [240, 240, 32]
    assert b"".join(blocks) == audio


async def test_pacing_follows_real_time(
    client: CameraClient, simulator: Simulator
) -> None:
    """The device never holds more than the lead (plus a block) ahead of playing.

    And the whole sound takes its own length to arrive.
    """
    audio = b"\x7f" * (AUDIO_BLOCK_BYTES * 20)  # 0.6 s of µ-law
    await client.audio.play(audio, ULAW)
    [sound] = simulator.audio_transmits
    assert sound.complete
    assert bytes(sound.body) == audio
    assert sound.content_type == "audio/basic"
    # From the request's start (its headers): the device plays from there.
    start = sound.opened_at
    allowed = (0.06 + ULAW.block_seconds) * ULAW.bytes_per_second
    for arrived, received in sound.arrivals:
        played = (arrived - start) * ULAW.bytes_per_second
        assert received - played <= allowed + AUDIO_BLOCK_BYTES
    assert sound.last_byte_at is not None
    took = sound.last_byte_at - start
    assert took >= ULAW.seconds(len(audio)) - 0.06 - 2 * ULAW.block_seconds


@pytest.mark.parametrize("options", [{}, SILENT], ids=["answering", "never_answering"])
async def test_cancelling_a_play_closes_the_connection(
    simulator_factory: SimulatorFactory,
    client_for: ClientFactory,
    options: dict[str, Any],
) -> None:
    """Cancel mid-sound: the device sees the request end, not complete.

    Also on a device that would never answer (it reads until the close).
    """
    sim = await simulator_factory(**options)
    audio = b"\x7f" * (AUDIO_BLOCK_BYTES * 100)  # 3 s
    task = asyncio.create_task(client_for(sim).audio.play(audio, ULAW))
    await sim.counters.wait_for_connections("audio", 1)
    sound = sim.audio_transmits[-1]
    await sound.wait_for_bytes(AUDIO_BLOCK_BYTES * 3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await sound.wait_until_ended()
    assert not sound.complete
    assert sound.received < len(audio)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (401, CameraAuthenticationError),
        (403, CameraForbiddenError),
        (503, CameraBusyError),
    ],
)
async def test_refusals(
    client: CameraClient, simulator: Simulator, code: int, error: type[Exception]
) -> None:
    """A device refusing its speaker: the matching error, not a byte played."""
    simulator.faults.refuse_transmit(code)
    with pytest.raises(error):
        await client.audio.play(b"\x7f" * 2400, ULAW)
    [sound] = simulator.audio_transmits
    assert sound.status == code
    assert sound.received == 0


async def test_connection_cut_mid_sound(
    client: CameraClient, simulator: Simulator
) -> None:
    """The device drops the connection mid-sound: CameraConnectionError."""
    simulator.faults.cut_transmit(after=480)
    with pytest.raises(CameraConnectionError):
        await client.audio.play(b"\x7f" * 4800, ULAW)
    [sound] = simulator.audio_transmits
    assert not sound.complete
    assert sound.status is None


async def test_probe_plays_nothing(client: CameraClient, simulator: Simulator) -> None:
    """The transmit probe sends an empty body; a refused type is a refusal."""
    await client.audio.transmit_probe("audio/basic")
    [probe] = simulator.audio_transmits
    assert (probe.content_length, probe.received, probe.status) == (0, 0, 204)


async def test_probe_refusals(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A type the device does not take: 400; no speaker: 404."""
    g726 = await simulator_factory(speaker_types=("audio/G723",))
    with pytest.raises(CameraRequestRefusedError):
        await client_for(g726).audio.transmit_probe("audio/basic")
    mute = await simulator_factory(speaker_types=())
    with pytest.raises(CameraNotFoundError):
        await client_for(mute).audio.transmit_probe("audio/basic")


@pytest.mark.parametrize(
    ("options", "speaker"),
    [
        ({}, "audio/basic"),
        ({"speaker_types": ("audio/32KADPCM", "audio/G723")}, "audio/32KADPCM"),
        ({"speaker_types": ("audio/G723",)}, "audio/G723"),
        ({"speaker_types": ()}, None),
        ({"param_tree": "minimal"}, "audio/basic"),
    ],
)
async def test_discovery_finds_the_speaker_format(
    simulator_factory: SimulatorFactory,
    client_for: ClientFactory,
    options: dict[str, object],
    speaker: str | None,
) -> None:
    """The first spec type the device takes, tried best first; none: no speaker."""
    sim = await simulator_factory(**options)
    info = await client_for(sim).get_device_info()
    assert info.capabilities.speaker == speaker
    assert info.discovery["speaker"] == PROBE
    tried = [t.content_type for t in sim.audio_transmits]
    wanted = [f.content_type for f in TRANSMIT_FORMATS]
    assert tried == wanted[: len(tried)]
    assert all(t.received == 0 for t in sim.audio_transmits)


async def test_discovery_without_audio_does_not_probe(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """No audio capability: no speaker, and transmit.cgi is never asked."""
    sim = await simulator_factory(audio=False)
    info = await client_for(sim).get_device_info()
    assert info.capabilities.speaker is None
    assert "speaker" not in info.discovery
    assert sim.audio_transmits == []


@pytest.mark.parametrize(("code", "speaker"), [(403, None), (503, "audio/basic")])
async def test_discovery_refused_or_busy(
    simulator: Simulator, client: CameraClient, code: int, speaker: str | None
) -> None:
    """403 (an account without the right): no speaker; 503 (busy): it is there."""
    simulator.faults.refuse_transmit(code)
    info = await client.get_device_info()
    assert info.capabilities.speaker == speaker
    assert len(simulator.audio_transmits) == 1


async def test_a_stale_nonce_is_answered_once(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """A nonce that expired since the last request: the sound is sent again, whole.

    The streamed body cannot be replayed, so the client learns the new nonce
    from the 401 and sends a new request from the sound's start.
    """
    sim = await simulator_factory(auth="digest")
    client = client_for(sim)
    await client.params.list(["Brand"])  # a nonce is learnt
    sim.auth.clock = lambda: time.monotonic() + 1000  # it is stale now
    audio = bytes(range(240)) * 3
    await client.audio.play(audio, ULAW)
    [sound] = sim.audio_transmits  # the stale request never reached the handler
    assert sound.complete
    assert bytes(sound.body) == audio
    assert sim.counters.responses[401] == 2  # the first challenge, the stale one


async def test_a_nonce_stale_again_is_an_error(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """Only one more try: a device whose every nonce is stale is an error."""
    sim = await simulator_factory(auth="digest")
    client = client_for(sim)
    await client.params.list(["Brand"])
    ticks = itertools.count()
    sim.auth.clock = lambda: 1e9 + 1000.0 * next(ticks)  # every nonce old when used
    with pytest.raises(CameraStaleNonceError):
        await client.audio.play(b"\x7f" * 480, ULAW)
    assert sim.audio_transmits == []


async def test_probe_takes_a_type_the_device_waits_on(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """No answer after the empty body: the type is taken, the connection closed."""
    sim = await simulator_factory(**SILENT)
    await client_for(sim).audio.transmit_probe("audio/basic")
    [probe] = sim.audio_transmits
    await probe.wait_until_ended()
    assert (probe.complete, probe.received, probe.status) == (True, 0, None)


@pytest.mark.parametrize(
    ("options", "speaker"),
    [
        ({}, "audio/basic"),
        ({"speaker_types": ("audio/G723",)}, "audio/G723"),
        ({"speaker_types": ()}, None),
    ],
)
async def test_discovery_finds_a_speaker_that_never_answers(
    simulator_factory: SimulatorFactory,
    client_for: ClientFactory,
    options: dict[str, object],
    speaker: str | None,
) -> None:
    """Refused types (400) are still skipped, 404 is still no speaker."""
    sim = await simulator_factory(**SILENT, **options)
    info = await client_for(sim).get_device_info()
    assert info.capabilities.speaker == speaker
    assert info.discovery["speaker"] == PROBE


@pytest.mark.parametrize("code", [403, 404])
async def test_a_silent_device_refusing_has_no_speaker(
    simulator_factory: SimulatorFactory, client_for: ClientFactory, code: int
) -> None:
    """403 or 404 from a device that otherwise never answers: no speaker."""
    sim = await simulator_factory(**SILENT)
    sim.faults.status_next(code, path="/audio/transmit.cgi")
    discovery = Discovery(client_for(sim), {})
    assert await discovery._speaker() is None


async def test_a_reset_or_refused_connection_finds_no_speaker(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """The connection reset by the device, or refused: no speaker."""
    sim = await simulator_factory(**SILENT)
    client = client_for(sim)
    await client.params.list(["Brand"])  # the auth scheme is learnt
    sim.faults.reset_next(1)
    assert await Discovery(client, {})._speaker() is None
    await sim.stop()
    assert await Discovery(client_for(sim), {})._speaker() is None


async def test_play_to_a_device_that_never_answers(
    simulator_factory: SimulatorFactory, client_for: ClientFactory
) -> None:
    """The whole sound is sent, then play() returns and closes the connection."""
    sim = await simulator_factory(**SILENT)
    audio = bytes(range(240)) * 10  # 0.3 s of µ-law
    await client_for(sim).audio.play(audio, ULAW)
    [sound] = sim.audio_transmits
    await sound.wait_until_ended()
    assert sound.complete
    assert bytes(sound.body) == audio
    assert sound.status is None
