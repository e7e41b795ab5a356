"""audio/transmit.cgi as a speaker: types, timing, faults, the control API."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from simulator import Simulator, SimulatorConfig
from simulator.__main__ import config_from_args
from simulator.config import SPEAKER_TYPES

from .helpers import ROOT, Factory, control

SOUND = bytes(range(240)) * 4


async def post(
    http: aiohttp.ClientSession,
    sim: Simulator,
    body: bytes = SOUND,
    content_type: str = "audio/basic",
) -> int:
    """POST transmit.cgi; the answer's status."""
    async with http.post(
        sim.url + "/audio/transmit.cgi",
        data=body,
        headers={"Content-Type": content_type, **ROOT},
    ) as response:
        return response.status


async def test_types_the_device_takes(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """Types outside speaker_types: 400 before a byte is read (any case matches)."""
    sim = await simulator_factory(speaker_types=("audio/32KADPCM",))
    assert await post(http, sim) == 400
    assert await post(http, sim, content_type="audio/32kadpcm") == 204
    refused, taken = sim.audio_transmits
    assert (refused.status, refused.received, refused.ended) == (400, 0, True)
    assert (taken.status, taken.received, taken.complete) == (204, len(SOUND), True)


async def test_no_speaker(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """No speaker types: transmit.cgi is 404, as on a device without one."""
    sim = await simulator_factory(speaker_types=())
    assert await post(http, sim) == 404


def test_only_spec_types() -> None:
    """speaker_types names spec 5.8.1's types only."""
    with pytest.raises(ValueError, match="speaker_types"):
        SimulatorConfig(speaker_types=("audio/aac",))


async def test_timing_and_body_through_the_control_api(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """/_sim/state shows the timing; /_sim/audio/transmits/<n>/body the bytes."""
    assert await post(http, simulator) == 204
    _, state = await control(http, simulator, "state", method="GET")
    [shown] = state["audio_transmits"]
    times = [
        shown[name]
        for name in ("opened_at", "first_byte_at", "last_byte_at", "ended_at")
    ]
    assert times == sorted(times)
    assert shown["status"] == 204
    async with http.get(simulator.url + "/_sim/audio/transmits/0/body") as response:
        assert response.status == 200
        assert response.content_type == "audio/basic"
        assert await response.read() == SOUND
    status, answer = await control(
        http, simulator, "audio/transmits/1/body", method="GET"
    )
    assert status == 400
    assert "no transmit 1" in answer["error"]


@pytest.mark.parametrize("code", [401, 403, 503])
async def test_refusal_fault(
    simulator: Simulator, http: aiohttp.ClientSession, code: int
) -> None:
    """fault/transmit_refuse: the next transmit gets ``code``, the one after plays."""
    status, answer = await control(
        http, simulator, f"fault/transmit_refuse?code={code}"
    )
    assert status == 200
    assert answer["faults"]["transmit_refusals"] == [code]
    assert await post(http, simulator) == code
    assert await post(http, simulator) == 204
    assert [t.status for t in simulator.audio_transmits] == [code, 204]


async def test_refusal_fault_checks_the_code(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """Only what a device refuses a speaker with."""
    status, _ = await control(http, simulator, "fault/transmit_refuse?code=500")
    assert status == 400


async def test_cut_fault(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    """fault/transmit_cut: the connection drops once ``after`` bytes arrived."""
    status, answer = await control(http, simulator, "fault/transmit_cut?after=0")
    assert status == 200
    assert answer["faults"]["transmit_cuts"] == [0]
    with pytest.raises(aiohttp.ClientError):
        await post(http, simulator)
    [cut] = simulator.audio_transmits
    await cut.wait_until_ended()
    assert (cut.complete, cut.status, cut.received) == (False, None, 0)
    assert (await control(http, simulator, "fault/transmit_cut?after=-1"))[0] == 400


async def test_clear_drops_transmit_faults(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    """fault/clear forgets pending transmit faults."""
    simulator.faults.refuse_transmit(503, 2)
    simulator.faults.cut_transmit(100)
    await control(http, simulator, "fault/clear")
    assert await post(http, simulator) == 204


def test_command_line() -> None:
    """--speaker-types: a comma-separated list; empty for no speaker."""
    assert config_from_args([]).speaker_types == SPEAKER_TYPES
    assert config_from_args(["--speaker-types", "audio/G723"]).speaker_types == (
        "audio/G723",
    )
    assert config_from_args(["--speaker-types", ""]).speaker_types == ()


async def test_a_device_that_never_answers_reads_until_close(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """transmit_answer=False: the body is taken, no answer; closing ends it."""
    sim = await simulator_factory(transmit_answer=False)
    request = asyncio.create_task(post(http, sim))
    await sim.counters.wait_for_connections("audio", 1)
    [sound] = sim.audio_transmits
    await sound.wait_for_bytes(len(SOUND))
    assert (sound.received, sound.complete, sound.ended) == (len(SOUND), False, False)
    request.cancel()  # the client closes the connection
    with pytest.raises(asyncio.CancelledError):
        await request
    await sound.wait_until_ended()
    assert (sound.complete, sound.status) == (True, None)
    assert sim.config.transmit_answer is False


async def test_a_device_that_never_answers_still_refuses(
    simulator_factory: Factory, http: aiohttp.ClientSession
) -> None:
    """Refusals answer as before: a type it does not take, a refusal fault."""
    sim = await simulator_factory(transmit_answer=False, speaker_types=("audio/G723",))
    assert await post(http, sim) == 400
    sim.faults.refuse_transmit(403)
    assert await post(http, sim, content_type="audio/G723") == 403


def test_command_line_transmit_answer() -> None:
    """--no-transmit-answer: transmit.cgi never answers."""
    assert config_from_args([]).transmit_answer is True
    assert config_from_args(["--no-transmit-answer"]).transmit_answer is False
