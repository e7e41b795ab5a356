"""Inputs: pushed by the monitor stream, resynced after every reconnect."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

from homeassistant.components.binary_sensor import BinarySensorDeviceClass
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    snapshot_entities,
    wait_for_state,
)

INPUT_1 = "binary_sensor.cgi_camera_input_1"
INPUT_2 = "binary_sensor.cgi_camera_input_2"
ICONS = json.loads(
    (
        Path(__file__).parent.parent / "custom_components" / DOMAIN / "icons.json"
    ).read_text()
)["entity"]


async def test_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """One binary sensor per input, named "Input N"."""
    simulator.set_input(2, True)
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    await wait_for_state(hass, INPUT_2, STATE_ON)
    await snapshot_entities(
        hass, entity_registry, snapshot, entry.entry_id, "binary_sensor"
    )


async def test_input_device_class_is_the_users(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """An input has no device class of its own; the one a user picks shows.

    What is wired to an input is unknown to the device, so the integration
    sets none ("Show as" in the entity settings sets one). Until then its
    icons (inactive, active) are the integration's.
    """
    await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    entity = entity_registry.async_get(INPUT_1)
    assert entity is not None
    assert entity.original_device_class is None
    assert "device_class" not in hass.states.get(INPUT_1).attributes
    icons = ICONS["binary_sensor"][entity.translation_key]
    assert icons["default"] != icons["state"]["on"]

    entity_registry.async_update_entity(
        INPUT_1, device_class=BinarySensorDeviceClass.DOOR
    )
    await hass.async_block_till_done()
    assert hass.states.get(INPUT_1).attributes["device_class"] == "door"


async def test_input_named_by_device(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """The device's own input name wins over "Input N"."""
    sim = await simulator_factory(inputs=1, outputs=1)
    sim.params["Input.I0.Name"] = "Door contact"
    sim.params["Output.O0.Name"] = "Gate"
    await setup(sim, platforms=[Platform.BINARY_SENSOR, Platform.SWITCH])
    state = await wait_for_state(hass, "binary_sensor.cgi_camera_door_contact", "off")
    assert state.attributes["friendly_name"] == "cgi-camera Door contact"
    state = hass.states.get("switch.cgi_camera_gate")
    assert state is not None
    assert state.attributes["friendly_name"] == "cgi-camera Gate"


async def test_toggle_and_burst(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A toggle reaches the entity; after 100 toggles the final state is right."""
    await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    assert hass.states.get(INPUT_1).state == STATE_OFF
    simulator.set_input(1, True)
    await wait_for_state(hass, INPUT_1, STATE_ON)
    simulator.set_input(1, False)
    await wait_for_state(hass, INPUT_1, STATE_OFF)

    for _ in range(100):
        simulator.toggle_input(2)
    assert simulator.input_state(2) is False  # an even number of toggles
    simulator.toggle_input(2)
    await wait_for_state(hass, INPUT_2, STATE_ON)
    assert hass.states.get(INPUT_1).state == STATE_OFF


async def test_polling_never_reads_inputs(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Polls do not touch the inputs: only the stream and its resyncs do."""
    entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    inputs = simulator.counters.requests["/io/input.cgi"]
    polls = simulator.counters.total_requests
    for _ in range(3):
        await coordinator.async_refresh()
    assert simulator.counters.total_requests == polls + 3
    assert simulator.counters.requests["/io/input.cgi"] == inputs


async def test_stream_cut_resyncs_change_made_while_down(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """After a cut stream comes back, a toggle made meanwhile is shown."""
    with patch(
        "custom_components.cgi_camera.coordinator.default_backoff",
        lambda attempt: 30.0 if attempt else 0.0,
    ):
        entry = await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    coordinator = entry.runtime_data.coordinator
    simulator.faults.cut_streams("io")
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    await simulator.counters.wait_for_connections("io", 0)
    # Changed while no stream is open: no event can carry it.
    simulator.set_input(1, True)
    fire_time(hass, POLL_SECONDS)  # the backoff step
    state = await wait_for_state(hass, INPUT_1, STATE_ON)
    assert state.state == STATE_ON
    assert coordinator.push.reconnect_count == 1
    await simulator.counters.wait_for_connections("io", 1)
