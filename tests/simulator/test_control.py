"""The /_sim control API."""

import aiohttp

from simulator import Simulator

from .helpers import basic_auth, control, get


async def test_state_and_counters(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await get(http, simulator, "/param.cgi?action=list&group=Brand")
    await get(http, simulator, "/param.cgi?action=list&group=Brand")
    await get(http, simulator, "/io/input.cgi?check=1")
    status, data = await control(http, simulator, "counters", "GET")
    assert status == 200
    assert data["requests"] == {"/param.cgi": 2, "/io/input.cgi": 1}
    assert data["total_requests"] == 3
    assert data["open_connections"] == {"video": 0, "io": 0, "audio": 0}
    assert data["responses"] == {"200": 3}
    status, state = await control(http, simulator, "state", "GET")
    assert state["up"] is True
    assert state["inputs"] == {"1": False, "2": False}
    assert state["ptz"]["1"]["pan"] == 0.0
    assert state["sd"] == "ok"
    await control(http, simulator, "counters/reset")
    assert simulator.counters.total_requests == 0
    assert simulator.counters.requests == {}


async def test_inputs(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    status, data = await control(http, simulator, "input/1?state=1")
    assert (status, data["active"]) == (200, True)
    assert simulator.input_state(1)
    _, data = await control(http, simulator, "input/1?state=0")
    assert data["active"] is False
    _, data = await control(http, simulator, "input/2")
    assert data["active"] is True
    _, data = await control(http, simulator, "input/2/burst?count=3")
    assert data["active"] is False
    status, _ = await control(http, simulator, "input/2?state=x")
    assert status == 400
    status, _ = await control(http, simulator, "input/9?state=1")
    assert status == 400
    status, _ = await control(http, simulator, "input/9/burst")
    assert status == 400
    status, data = await control(http, simulator, "output/1?state=1")
    assert (status, data["active"]) == (200, True)
    status, _ = await control(http, simulator, "output/7?state=1")
    assert status == 400


async def test_input_pulses(simulator: Simulator, http: aiohttp.ClientSession) -> None:
    status, data = await control(http, simulator, "input/2/pulse?count=3&ms=1&gap=2")
    assert (status, data["pulses"], data["seconds"]) == (200, 3, 0.009)
    # Ends 40 ms after it starts, after the 9 ms of the three presses above.
    await simulator.pulse_input(1, 2, 10, 10)
    changes = [(p, a) for k, p, a, _ in simulator.state.io.history if k == "input"]
    assert [a for p, a in changes if p == 1] == [True, False] * 2
    assert [a for p, a in changes if p == 2] == [True, False] * 3
    assert not simulator.input_state(1)
    for bad in ("input/9/pulse", "input/1/pulse?count=-1", "input/1/pulse?ms=x"):
        status, _ = await control(http, simulator, bad)
        assert status == 400


async def test_password_sd_clock_video(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    status, _ = await control(http, simulator, "password?user=root&password=secret")
    assert status == 200
    status, _ = await get(http, simulator, "/param.cgi?action=list&group=Brand")
    assert status == 401
    status, _ = await get(
        http,
        simulator,
        "/param.cgi?action=list&group=Brand",
        headers=basic_auth("root", "secret"),
    )
    assert status == 200
    await control(http, simulator, "password?user=guest&password=guest1")
    assert simulator.state.users.accounts["guest"].password == "guest1"
    status, _ = await control(http, simulator, "password?user=x")
    assert status == 400
    status, _ = await control(http, simulator, "sd?status=full")
    assert (status, simulator.state.storage.status) == (200, "full")
    status, _ = await control(http, simulator, "sd?status=broken")
    assert status == 400
    status, _ = await control(http, simulator, "clock?offset=3600")
    assert simulator.state.clock_offset == 3600
    status, _ = await control(http, simulator, "clock?offset=soon")
    assert status == 400
    status, _ = await control(http, simulator, "clock")
    assert status == 400
    await control(http, simulator, "video/1?signal=0")
    assert simulator.state.video_signal[1] is False
    status, _ = await control(http, simulator, "video/5?signal=0")
    assert status == 400


async def test_control_not_counted_and_no_auth(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    await control(http, simulator, "state", "GET")
    assert simulator.counters.total_requests == 0
    simulator.faults.status_next(500, 5)
    status, _ = await control(http, simulator, "state", "GET")
    assert status == 200
