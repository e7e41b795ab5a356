"""The coordinator: dead streams, backoff, resync races and logging once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import dataclasses
import logging
from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH
from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
import pytest

from custom_components.cgi_camera.api import (
    CameraAuthenticationError,
    CameraConnectionError,
    CameraNotFoundError,
    keepalive as keepalive_module,
)
from custom_components.cgi_camera.const import BACKOFF_MAX_SECONDS, DOMAIN
from custom_components.cgi_camera.coordinator import default_backoff
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    no_cycle_garbage_of_ours,
    wait_for_inputs,
    wait_for_state,
)

API = "custom_components.cgi_camera.api"
INPUT_1 = "binary_sensor.cgi_camera_input_1"
OUTPUT_1 = "switch.cgi_camera_output_1"
SLOW_BACKOFF = "custom_components.cgi_camera.coordinator.default_backoff"


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    """Immediate first retry, then exponential steps with jitter, at most 60 s."""
    assert default_backoff(0) == 0.0
    delays = [default_backoff(attempt) for attempt in range(1, 12)]
    assert all(0 < delay <= BACKOFF_MAX_SECONDS for delay in delays)
    assert 1.0 <= default_backoff(1) <= 2.0
    assert default_backoff(40) >= BACKOFF_MAX_SECONDS / 2
    assert len({default_backoff(6) for _ in range(20)}) > 1  # jitter


async def test_silent_stream_plus_failed_poll_reconnects(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """No data on the stream and a failed poll: the stream is declared dead."""
    with patch(SLOW_BACKOFF, lambda attempt: 30.0 if attempt else 0.0):
        entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()  # the stream's first report is older
    simulator.faults.reset_next()  # the next poll fails
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    assert coordinator.push.reconnect_count == 1
    assert coordinator.push.last_error == "no data and the device did not answer"
    await simulator.counters.wait_for_connections("io", 0)
    simulator.set_input(1, True)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, INPUT_1, "on")


async def test_stream_with_data_survives_failed_poll(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A stream that delivered data since the last poll is alive: kept open."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    simulator.set_input(2, True)
    await wait_for_state(hass, "binary_sensor.cgi_camera_input_2", "on")
    simulator.faults.reset_next()  # the next poll fails
    await coordinator.async_refresh()
    assert not coordinator.last_update_success
    assert coordinator.push.connected
    assert coordinator.push.reconnect_count == 0


async def test_resync_errors(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A failed resync drops the stream; a 401 there starts reauth."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    with patch(f"{API}.IoApi.input_states", side_effect=CameraConnectionError("reset")):
        coordinator.backoff = lambda attempt: 30.0
        simulator.faults.cut_streams("io")
        fire_time(hass, POLL_SECONDS)
        await wait_for_inputs(
            coordinator,
            lambda: coordinator.push.last_error == "resync failed: reset",
        )
        assert not coordinator.inputs_available
    with patch(
        f"{API}.IoApi.input_states", side_effect=CameraAuthenticationError("401")
    ):
        fire_time(hass, POLL_SECONDS)
        await wait_for_inputs(coordinator, lambda: coordinator.push.auth_failed)
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    await simulator.counters.wait_for_connections("io", 0)


async def test_unavailable_logged_once_and_back_once(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """While the device is away the log says so once, and once when it is back."""
    sim = await simulator_factory(reboot_seconds=600)
    entry = await setup(sim, platforms=[Platform.SWITCH, Platform.BINARY_SENSOR])
    caplog.set_level(logging.INFO, logger="custom_components.cgi_camera")
    await sim.reboot(600)
    await wait_for_state(hass, OUTPUT_1, STATE_UNAVAILABLE)
    for _ in range(4):
        fire_time(hass, 61)
        await hass.async_block_till_done()
    await sim.reboot(0)
    await sim.wait_until_up()
    fire_time(hass, 61)
    await wait_for_state(hass, OUTPUT_1, "off")
    await wait_for_state(hass, INPUT_1, "off")
    ours = [
        r for r in caplog.records if r.name.startswith("custom_components.cgi_camera")
    ]
    lost = [r for r in ours if r.levelno >= logging.WARNING]
    back = [r for r in ours if "recovered" in r.getMessage()]
    assert len(lost) == 1, [r.getMessage() for r in ours]
    assert len(back) == 1, [r.getMessage() for r in ours]
    assert entry.runtime_data.coordinator.push.reconnect_count == 1


async def test_monitor_401_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A 401 on the monitor request itself starts reauth and ends the task."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    simulator.change_password("root", "changed")
    with patch.object(coordinator, "async_request_refresh_soon"):
        simulator.faults.cut_streams("io")
        fire_time(hass, 61)
        await wait_for_inputs(coordinator, lambda: coordinator.push.auth_failed)
    assert coordinator.push.last_error == "authentication failed"
    await hass.async_block_till_done()
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_unexpected_error_keeps_task_alive(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug-like error in the stream is logged (traceback too); the task retries."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    coordinator.backoff = lambda attempt: 30.0
    channel = coordinator.channels[0]
    with patch.object(channel, "open_stream", side_effect=RuntimeError("boom")):
        simulator.faults.cut_streams("io")
        fire_time(hass, POLL_SECONDS)
        await wait_for_inputs(
            coordinator, lambda: coordinator.push.last_error == "RuntimeError('boom')"
        )
    logged = [r for r in caplog.records if "Unexpected error" in r.getMessage()]
    assert [r.exc_info[0] for r in logged if r.exc_info] == [RuntimeError]
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, INPUT_1, "off")


async def test_storage_missing_answers(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A device without list.cgi counts as no card; an unnamed disk is used."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    coordinator = entry.runtime_data.coordinator
    coordinator.recordings_wanted = 1
    with patch(f"{API}.StorageApi.disks", side_effect=CameraNotFoundError("404")):
        await coordinator.async_refresh_storage()
    assert coordinator.data.storage.status == "absent"
    disks = await coordinator.client.storage.disks("all")
    other = dataclasses.replace(disks[0], disk_id="CF_DISK")
    with (
        patch(f"{API}.StorageApi.disks", return_value=(other,)),
        patch(f"{API}.StorageApi.recordings", side_effect=CameraNotFoundError("404")),
    ):
        await coordinator.async_refresh_storage()
    assert coordinator.data.storage.disk == other
    assert coordinator.data.storage.recordings is None


async def _cut(simulator: Simulator) -> None:
    simulator.faults.cut_streams("io")


async def _reset(simulator: Simulator) -> None:
    simulator.faults.cut_streams("io")
    simulator.faults.reset_next(1)  # the first reconnect is reset, too


@pytest.mark.parametrize("fault", [_cut, _reset])
async def test_a_lost_stream_leaves_no_reference_cycle(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    fault: Callable[[Simulator], Awaitable[None]],
) -> None:
    """A lost stream (cut, reset) is reopened, and its objects freed.

    Home Assistant keeps running for months with inputs that reconnect:
    nothing of a lost stream may wait for Python's next full collection.
    """
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    with no_cycle_garbage_of_ours():
        await fault(simulator)
        await wait_for_inputs(coordinator, lambda: not coordinator.inputs_available)
        assert coordinator.push.reconnect_count == 1
        fire_time(hass, BACKOFF_MAX_SECONDS + 1)
        await wait_for_inputs(coordinator, lambda: coordinator.inputs_available)
        simulator.set_input(1, True)
        await wait_for_state(hass, INPUT_1, "on")


@pytest.mark.parametrize("mode", ["garbage", "truncate", "boundary"])
async def test_a_garbled_monitor_part_keeps_the_stream(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration, mode: str
) -> None:
    """A garbled part is skipped, its change re-read; the stream stays up."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    simulator.faults.corrupt_streams("io", mode=mode)
    simulator.set_input(2, True)  # its part is the garbled one
    simulator.set_input(1, True)
    await wait_for_state(hass, INPUT_1, "on")
    await wait_for_state(hass, "binary_sensor.cgi_camera_input_2", "on")
    assert coordinator.push.reconnect_count == 0
    assert coordinator.inputs_available


async def test_failed_polls_leave_no_reference_cycle(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A refused connection's error is freed when the next one replaces it.

    asyncio keeps a refused attempt in a frame of its own traceback; chained
    to our errors, that cycle would hold the frames of every failed poll.
    """
    entry = await setup(simulator, platforms=[Platform.SWITCH])
    coordinator = entry.runtime_data.coordinator
    with no_cycle_garbage_of_ours():
        await simulator.reboot(0.5)
        for _ in range(2):  # the coordinator keeps the last error only
            await coordinator.async_refresh()
            assert "cannot connect" in str(coordinator.last_exception)
        await simulator.wait_until_up()
        await coordinator.async_refresh()
        assert coordinator.last_update_success


async def test_a_device_with_nothing_to_poll_still_goes_unavailable(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """No relays, no SD card: a cheap request per poll tells it is gone and back."""
    sim = await simulator_factory(outputs=0, sd_card=False)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    coordinator = entry.runtime_data.coordinator
    sim.counters.reset()
    fire_time(hass, POLL_SECONDS)
    await sim.counters.wait_for_requests("/date.cgi", 1)
    await hass.async_block_till_done()
    assert coordinator.last_update_success
    await sim.reboot(60)  # away for longer than the test
    fire_time(hass, 2 * POLL_SECONDS)
    await wait_for_state(hass, "camera.cgi_camera", STATE_UNAVAILABLE)
    assert not coordinator.last_update_success


async def test_a_stream_silent_past_its_keepalive_is_reconnected(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A device that sent keep-alives and stops, connection up: reconnect."""
    monkeypatch.setattr(keepalive_module, "MIN_STALL_SECONDS", 0.05)
    sim = await simulator_factory(monitor_keepalive=0.02)
    entry = await setup(sim, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    # The interval as learnt on an earlier connection (test_keepalive.py); the
    # next connection is watched from its start.
    coordinator.client.io.keepalive.interval = 0.02
    sim.faults.cut_streams("io")
    await wait_for_inputs(coordinator, lambda: not coordinator.inputs_available)
    fire_time(hass, BACKOFF_MAX_SECONDS + 1)
    await wait_for_inputs(coordinator, lambda: coordinator.inputs_available)
    sim.faults.silence_streams("io")
    await wait_for_inputs(coordinator, lambda: not coordinator.inputs_available)
    assert "no keep-alive" in (coordinator.push.last_error or "")
    fire_time(hass, BACKOFF_MAX_SECONDS + 1)
    await wait_for_inputs(coordinator, lambda: coordinator.inputs_available)
    assert coordinator.push.reconnect_count == 2
    sim.set_input(1, True)
    await wait_for_state(hass, INPUT_1, "on")


async def test_garbled_parts_in_a_row_resync_one_at_a_time(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Five garbled parts: at most two re-reads (one running, one after it)."""
    await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    simulator.counters.reset()
    for _ in range(5):
        simulator.faults.corrupt_streams("io", mode="garbage")
    simulator.set_input(1, True)
    await wait_for_state(hass, INPUT_1, "on")
    await hass.async_block_till_done()
    rereads = [
        query for path, query in simulator.counters.log if "checkactive" in query
    ]
    assert 1 <= len(rereads) <= 2
