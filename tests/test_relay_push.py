"""Relays pushed by the device's output (or port) monitor; polled only as a fallback."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
import pytest

from custom_components.cgi_camera.api import IoEvent
from custom_components.cgi_camera.diagnostics import (
    async_get_config_entry_diagnostics,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    wait_for_inputs,
    wait_for_state,
)

OUTPUT_1 = "switch.cgi_camera_output_1"
INPUT_1 = "binary_sensor.cgi_camera_input_1"
PLATFORMS = [Platform.BINARY_SENSOR, Platform.SWITCH]
SLOW_BACKOFF = "custom_components.cgi_camera.coordinator.default_backoff"

# Simulator settings -> the monitor connections the integration should hold.
MODES: dict[str, tuple[dict[str, Any], int, str]] = {
    "port_monitor": ({}, 1, "io/port.cgi monitor (inputs and relays, one connection)"),
    "input_and_output_monitors": (
        {"port_monitor": False},
        2,
        "io/input.cgi and io/output.cgi monitors",
    ),
}


async def _setup_pushed(
    simulator_factory: SimulatorFactory, setup: SetupIntegration, **config: Any
) -> tuple[Simulator, Any]:
    sim = await simulator_factory(**config)
    entry = await setup(sim, platforms=PLATFORMS)
    coordinator = entry.runtime_data.coordinator
    await wait_for_inputs(coordinator, lambda: coordinator.relays_pushed)
    return sim, entry


@pytest.mark.parametrize("mode", MODES)
async def test_a_relay_switched_on_the_device_is_pushed_without_a_poll(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    mode: str,
) -> None:
    """A device-side switch shows at once; no poll and no check request."""
    config, connections, description = MODES[mode]
    sim, entry = await _setup_pushed(simulator_factory, setup, **config)
    await sim.counters.wait_for_connections("io", connections)
    checks = sim.counters.requests.get("/io/output.cgi", 0)
    sim.set_output(1, True)  # as a rule on the device would
    await wait_for_state(hass, OUTPUT_1, STATE_ON)
    sim.set_output(1, False)
    await wait_for_state(hass, OUTPUT_1, STATE_OFF)
    assert sim.counters.requests.get("/io/output.cgi", 0) == checks
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["coordinator"]["io_monitor"] == description
    assert diagnostics["coordinator"]["relays_pushed"] is True


async def test_polls_skip_pushed_relays_and_read_them_while_the_stream_is_down(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The poll reads relays only while no live stream carries them."""
    with patch(SLOW_BACKOFF, lambda attempt: 30.0 if attempt else 0.0):
        entry = await setup(simulator, platforms=PLATFORMS)
    coordinator = entry.runtime_data.coordinator
    checks = simulator.counters.requests.get("/io/output.cgi", 0)
    await coordinator.async_refresh()
    assert simulator.counters.requests.get("/io/output.cgi", 0) == checks
    simulator.faults.cut_streams("io")
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    await simulator.counters.wait_for_connections("io", 0)
    simulator.set_output(1, True)
    await coordinator.async_refresh()
    assert simulator.counters.requests["/io/output.cgi"] > checks
    assert hass.states.get(OUTPUT_1).state == STATE_ON


async def test_relays_are_polled_on_a_device_without_an_output_monitor(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """No output or port monitor: the inputs are pushed, the relays polled."""
    sim = await simulator_factory(output_monitor=False, port_monitor=False)
    entry = await setup(sim, platforms=PLATFORMS)
    coordinator = entry.runtime_data.coordinator
    await sim.counters.wait_for_connections("io", 1)
    assert not coordinator.relays_pushed
    assert len(coordinator.channels) == 1
    sim.set_output(1, True)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, OUTPUT_1, STATE_ON)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    assert diagnostics["coordinator"]["io_monitor"] == (
        "io/input.cgi monitor; relays polled"
    )


async def test_a_relay_monitor_alone_on_a_device_without_inputs(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """No inputs: one io/output.cgi monitor carries the relays."""
    sim, _entry = await _setup_pushed(simulator_factory, setup, inputs=0)
    await sim.counters.wait_for_connections("io", 1)
    sim.set_output(2, True)
    await wait_for_state(hass, "switch.cgi_camera_output_2", STATE_ON)


async def test_the_relay_resync_after_a_reconnect_shows_a_change_made_meanwhile(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A relay switched while the stream was away is read after it is back."""
    with patch(SLOW_BACKOFF, lambda attempt: 30.0 if attempt else 0.0):
        entry = await setup(simulator, platforms=PLATFORMS)
    coordinator = entry.runtime_data.coordinator
    simulator.faults.cut_streams("io")
    await wait_for_inputs(coordinator, lambda: not coordinator.relays_pushed)
    await simulator.counters.wait_for_connections("io", 0)
    simulator.set_output(2, True)
    fire_time(hass, POLL_SECONDS)  # the backoff step (and a poll)
    await wait_for_state(hass, "switch.cgi_camera_output_2", STATE_ON)
    await wait_for_inputs(coordinator, lambda: coordinator.relays_pushed)


async def test_a_relay_pushed_while_a_poll_reads_the_relays_is_kept(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The poll's answer is older than a relay state pushed during its request.

    (The moment cannot be produced by the simulator: a wrapper around the
    poll's relay read delivers the stream's event while it is in flight.)
    """
    with patch(SLOW_BACKOFF, lambda attempt: 30.0 if attempt else 0.0):
        entry = await setup(simulator, platforms=PLATFORMS)
    coordinator = entry.runtime_data.coordinator
    channel = coordinator.channels[0]
    simulator.faults.cut_streams("io")
    await wait_for_inputs(coordinator, lambda: not coordinator.relays_pushed)
    read = coordinator.client.io.output_states

    async def read_then_push(ports: tuple[int, ...]) -> dict[int, bool]:
        states = await read(ports)
        channel._async_handle_event(IoEvent(1, True, output=True))
        return states

    with patch.object(coordinator.client.io, "output_states", read_then_push):
        await coordinator.async_refresh()
    assert coordinator.data.outputs[1] is True
    assert hass.states.get(OUTPUT_1).state == STATE_ON
