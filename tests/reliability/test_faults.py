"""The fault matrix: every fault the simulator injects, with HA running.

For each fault: no traceback or unhandled task exception in the log, the
entities go unavailable (or stay correct where the fault does not concern
them), the integration recovers by itself within the backoff cap once the
fault ends, an input changed during the fault shows its true value after it,
the log holds one "unavailable" and one "back" line, and the device is not
hammered. Time is driven with Home Assistant's timers (fire_time): the
simulator's reboot timer, the client's timeouts and the reconnect backoff
all run on the event loop, so no test waits in real time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import contextlib
from datetime import timedelta
from typing import Any
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.const import DOMAIN
from custom_components.cgi_camera.repairs import issue_id
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, wait_for_state
from tests.reliability.helpers import (
    CAP_STEP,
    INPUT_1,
    INPUT_2,
    OUTPUT_1,
    OUTPUT_2,
    LogCheck,
    recover,
    settle,
    step,
)
from tests.test_live_stream import hub_of, wait_stream

# At most this many requests per backoff-cap step while the device is broken:
# one poll (relays + SD card) and one reconnect attempt of the input stream.
MAX_REQUESTS_PER_STEP = 4
FAULT_STEPS = 3


@pytest.fixture
async def sim(simulator_factory: SimulatorFactory) -> Simulator:
    """A camera whose restart keeps it away for 20 s."""
    return await simulator_factory(reboot_seconds=20)


@pytest.fixture
async def entry(
    hass: HomeAssistant, sim: Simulator, setup: SetupIntegration
) -> MockConfigEntry:
    """The integration with inputs and relays, input stream connected."""
    return await setup(sim, platforms=[Platform.BINARY_SENSOR, Platform.SWITCH])


@contextlib.contextmanager
def history(hass: HomeAssistant, *entity_ids: str) -> Iterator[dict[str, list[str]]]:
    """Record every state the entities take."""
    seen: dict[str, list[str]] = {entity_id: [] for entity_id in entity_ids}

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        if (state := event.data["new_state"]) is not None:
            seen[event.data["entity_id"]].append(state.state)

    unsub = async_track_state_change_event(hass, list(entity_ids), _changed)
    try:
        yield seen
    finally:
        unsub()


async def break_device(
    hass: HomeAssistant,
    sim: Simulator,
    inject: Callable[[], None],
    *,
    hanging: bool = False,
) -> int:
    """Inject a fault that concerns every request; return requests made during it.

    The input stream is cut so that its reconnect meets the fault too. While
    the fault lasts, an input and a relay change on the device.
    """
    inject()
    sim.faults.cut_streams("io")
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    if hanging:
        await step(hass, 11, hanging=True)  # the poll's timeout (10 s)
    await wait_for_state(hass, OUTPUT_1, STATE_UNAVAILABLE)
    sim.set_input(1, True)
    sim.set_output(2, True)
    before = sim.counters.total_requests
    for _ in range(FAULT_STEPS):
        await step(hass, hanging=hanging)
        assert hass.states.get(INPUT_1).state == STATE_UNAVAILABLE
        assert hass.states.get(OUTPUT_1).state == STATE_UNAVAILABLE
    return sim.counters.total_requests - before


async def assert_back(hass: HomeAssistant, sim: Simulator, log: LogCheck) -> None:
    """The fault ended: everything shows the device's true state again."""
    sim.faults.clear()
    steps = await recover(
        hass, {INPUT_1: "on", INPUT_2: "off", OUTPUT_1: "off", OUTPUT_2: "on"}
    )
    assert steps == 1  # within one backoff cap
    log.assert_once(away=True)


async def test_connection_refused(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Every new connection refused: unavailable, then back and resynced."""
    log = LogCheck(caplog)
    connections = sum(sim.counters.total_connections.values())
    requests = await break_device(hass, sim, lambda: sim.faults.refuse_next(10_000))
    assert requests == 0
    assert sum(sim.counters.total_connections.values()) == connections
    await assert_back(hass, sim, log)
    assert entry.runtime_data.coordinator.push.reconnect_count == 1


@pytest.mark.parametrize("code", [500, 503])
async def test_server_errors(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    code: int,
) -> None:
    """500 / 503 to everything: unavailable, not hammered, back afterwards."""
    log = LogCheck(caplog)
    requests = await break_device(
        hass, sim, lambda: sim.faults.status_next(code, 10_000)
    )
    assert 0 < requests <= MAX_REQUESTS_PER_STEP * FAULT_STEPS
    await assert_back(hass, sim, log)


async def test_garbage_answers(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Garbage instead of every answer (the monitor's multipart body too)."""
    log = LogCheck(caplog)
    requests = await break_device(hass, sim, lambda: sim.faults.garbage_next(10_000))
    assert 0 < requests <= MAX_REQUESTS_PER_STEP * FAULT_STEPS
    await assert_back(hass, sim, log)


async def test_device_never_answers(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Accepted, never answered: the client's timeouts end each request."""
    log = LogCheck(caplog)
    requests = await break_device(
        hass, sim, lambda: sim.faults.hang_next(10_000), hanging=True
    )
    # (hung requests are counted once answered: none was)
    assert requests <= MAX_REQUESTS_PER_STEP * FAULT_STEPS
    sim.faults.clear()
    # The client's timeout (10 s) gives up the requests still waiting.
    await step(hass, 11, hanging=True)
    await settle(hass)
    await assert_back(hass, sim, log)
    # Every hung request was given up (no connection left waiting).
    await sim.counters.wait_for_connections("io", 1)


async def test_reboot_of_20_seconds(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A 20 s restart: unavailable, then back with the device's true state.

    The restart switches the relay that was on off (power-on reset) and an
    input changes while the device is away.
    """
    await hass.services.async_call(
        "switch", "turn_on", {"entity_id": OUTPUT_1}, blocking=True
    )
    assert sim.output_state(1)
    log = LogCheck(caplog)
    await sim.reboot()
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    await step(hass, 10)  # 10 s later the device is still away
    await wait_for_state(hass, OUTPUT_1, STATE_UNAVAILABLE)
    assert not sim.is_up
    sim.set_input(1, True)
    await step(hass, 21)  # 21 s after the restart it is back
    await sim.wait_until_up()
    steps = await recover(hass, {INPUT_1: "on", OUTPUT_1: "off", OUTPUT_2: "off"})
    assert steps == 1
    log.assert_once(away=True)
    assert entry.runtime_data.coordinator.push.reconnect_count == 1


async def test_reset_mid_input_stream(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The input stream is cut; it comes back resynced; relays stay."""
    coordinator = entry.runtime_data.coordinator
    log = LogCheck(caplog)
    with history(hass, OUTPUT_1, INPUT_2) as seen:
        assert sim.faults.cut_streams("io") == 1
        sim.set_input(2, True)  # the cut stream never carries it
        await wait_for_state(hass, INPUT_2, STATE_UNAVAILABLE)
        await wait_for_state(hass, INPUT_2, "on")  # the resync's answer
    assert STATE_UNAVAILABLE not in seen[OUTPUT_1]
    assert seen[INPUT_2] == [STATE_UNAVAILABLE, "on"]
    assert coordinator.push.reconnect_count == 1
    assert coordinator.last_update_success
    log.assert_once(away=False)


@pytest.mark.parametrize("mode", ["truncate", "boundary", "garbage"])
async def test_corrupt_input_stream(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    """A truncated part, a wrong boundary or garbage on the input stream.

    The part is skipped, the stream stays up, and the change it carried is
    read again with one request: nothing is lost and nothing is logged.
    """
    coordinator = entry.runtime_data.coordinator
    log = LogCheck(caplog)
    with history(hass, OUTPUT_1, INPUT_1) as seen:
        assert sim.faults.corrupt_streams("io", mode=mode) == 1
        sim.set_input(1, True)  # its part is the corrupt one
        # A wrong boundary shows when the next part starts: the keep-alive.
        await step(hass, 11)
        await wait_for_state(hass, INPUT_1, "on")
        sim.set_input(1, False)  # the same stream pushes again
        await wait_for_state(hass, INPUT_1, "off")
    assert STATE_UNAVAILABLE not in seen[OUTPUT_1]
    assert STATE_UNAVAILABLE not in seen[INPUT_1]
    assert coordinator.push.reconnect_count == 0
    log.assert_once(away=False)


async def test_reset_mid_mjpeg_stream(
    hass: HomeAssistant,
    sim: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The live stream is cut: viewers end, nothing else notices, next works."""
    entry = await setup(
        sim, platforms=[Platform.BINARY_SENSOR, Platform.SWITCH, Platform.CAMERA]
    )
    log = LogCheck(caplog)
    with history(hass, OUTPUT_1, INPUT_1) as seen:
        viewer = await open_viewer()
        await viewer.frames(2)
        assert sim.faults.cut_streams("video") == 1
        await viewer.ended()
        stream = hub_of(hass).stream(1)
        await wait_stream(stream, lambda s: not s.is_open)
        sim.set_input(1, True)
        await wait_for_state(hass, INPUT_1, "on")
        again = await open_viewer()
        await again.frames(2)
    assert seen[INPUT_1] == ["on"]
    assert seen[OUTPUT_1] == []
    assert entry.runtime_data.coordinator.push.reconnect_count == 0
    assert sim.counters.open_connections["video"] == 1
    log.assert_once(away=False)


@pytest.mark.parametrize("mode", ["truncate", "boundary", "garbage"])
async def test_corrupt_mjpeg_stream(
    hass: HomeAssistant,
    sim: Simulator,
    setup: SetupIntegration,
    open_viewer: Callable[..., Any],
    caplog: pytest.LogCaptureFixture,
    mode: str,
) -> None:
    """A bad part in the live stream: viewers go on, or get a new stream."""
    await setup(sim, platforms=[Platform.CAMERA, Platform.SWITCH])
    log = LogCheck(caplog)
    viewer = await open_viewer()
    await viewer.frames(1)
    assert sim.faults.corrupt_streams("video", mode=mode) == 1
    frames = 0
    with contextlib.suppress(AssertionError):
        # A skipped bad frame: the same viewer goes on.
        frames = len(await viewer.frames(3))
    if frames == 0:
        # The device stream was given up: a new viewer gets a new one.
        again = await open_viewer()
        assert len(await again.frames(3)) == 3
    assert hass.states.get(OUTPUT_1).state == "off"
    log.assert_once(away=False)


async def test_password_changed(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """401 after a password change: reauth starts, the device is left alone."""
    log = LogCheck(caplog)
    coordinator = entry.runtime_data.coordinator
    sim.change_password("root", "n3w-secret")
    sim.faults.cut_streams("io")
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    await wait_for_state(hass, OUTPUT_1, STATE_UNAVAILABLE)
    await hass.async_block_till_done()
    assert coordinator.push.auth_failed
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    sim.set_input(1, True)
    await sim.counters.wait_for_connections("io", 0)
    failures = sim.counters.auth_failures
    before = sim.counters.total_requests
    for _ in range(10):  # ten minutes: not one request
        await step(hass)
    assert sim.counters.total_requests == before
    assert sim.counters.auth_failures == failures
    assert failures <= 3  # the cut stream's reconnect and one poll (+ resync)
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "n3w-secret"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await wait_for_state(hass, INPUT_1, "on")
    await wait_for_state(hass, OUTPUT_1, "off")
    log.assert_clean()
    assert len(log.unavailable_lines()) == 1, log.unavailable_lines()
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


async def test_clock_jump(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Clock jumps (device +1 h, host +2 h then -1 h): nothing breaks.

    The device's jump raises the clock-drift repair; the host's jumps (its
    wall clock: timers run on the monotonic loop clock, as in production)
    make no entity unavailable and drop no stream.
    """
    coordinator = entry.runtime_data.coordinator
    log = LogCheck(caplog)
    with history(hass, OUTPUT_1, INPUT_1) as seen:
        sim.set_clock_offset(3600)
        await step(hass, 2 * 3600)  # the host's clock jumps 2 h ahead
        await settle(hass)
        assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id(entry))
        sim.set_input(1, True)
        await wait_for_state(hass, INPUT_1, "on")
        back = dt_util.utcnow() - timedelta(hours=1)
        with patch("homeassistant.util.dt.utcnow", return_value=back):
            sim.set_input(1, False)
            await wait_for_state(hass, INPUT_1, "off")
            sim.set_output(1, True)
            await coordinator.async_refresh()
            await wait_for_state(hass, OUTPUT_1, "on")
            assert coordinator.push.last_event == back
        sim.set_output(1, False)
        await step(hass, CAP_STEP)
        await wait_for_state(hass, OUTPUT_1, "off")
    assert STATE_UNAVAILABLE not in seen[OUTPUT_1]
    assert STATE_UNAVAILABLE not in seen[INPUT_1]
    assert coordinator.push.reconnect_count == 0
    assert coordinator.last_update_success
    log.assert_once(away=False)
