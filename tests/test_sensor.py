"""SD card sensors: present, absent, full; none without an SD card."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.const import (
    SCAN_INTERVAL_SECONDS,
    STORAGE_POLL_EVERY,
)
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    SetupIntegration,
    snapshot_entities,
    wait_for_state,
)

STATUS = "sensor.cgi_camera_sd_card_status"
FREE = "sensor.cgi_camera_sd_card_free_space"
TOTAL = "sensor.cgi_camera_sd_card_size"
USED = "sensor.cgi_camera_sd_card_used"
RECORDINGS = "sensor.cgi_camera_sd_card_recordings"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Size, free space, used percentage, status and recordings."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, "sensor")


async def test_recordings_disabled_by_default(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The recordings count is disabled by default and then costs no request."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    entity = entity_registry.async_get(RECORDINGS)
    assert entity is not None
    assert entity.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(RECORDINGS) is None
    lists = simulator.counters.requests["/list.cgi"]
    await entry.runtime_data.coordinator.async_refresh_storage()
    # One list.cgi for the disk status; none for the recordings.
    assert simulator.counters.requests["/list.cgi"] == lists + 1


async def test_sd_absent_and_full(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Absent: status says so, the sizes are unavailable; full: all shown."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    coordinator = entry.runtime_data.coordinator
    assert hass.states.get(STATUS).state == "ok"
    assert hass.states.get(FREE).state != STATE_UNAVAILABLE

    simulator.set_sd("absent")
    await coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, "absent")
    assert hass.states.get(FREE).state == STATE_UNAVAILABLE
    assert hass.states.get(TOTAL).state == STATE_UNAVAILABLE
    assert hass.states.get(USED).state == STATE_UNAVAILABLE

    simulator.set_sd("unmounted")
    await coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, "unmounted")
    assert hass.states.get(FREE).state == STATE_UNAVAILABLE

    simulator.set_sd("full")
    await coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, "full")
    assert hass.states.get(FREE).state != STATE_UNAVAILABLE
    assert float(hass.states.get(USED).state) >= 95


async def test_sd_card_is_read_every_fifth_poll(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A poll every minute (relays pushed: one date.cgi), the SD card every fifth."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    coordinator = entry.runtime_data.coordinator
    assert coordinator.update_interval == timedelta(seconds=SCAN_INTERVAL_SECONDS)
    lists = simulator.counters.requests["/list.cgi"]
    pings = simulator.counters.requests.get("/date.cgi", 0)
    simulator.set_sd("full")
    for _ in range(STORAGE_POLL_EVERY - 1):
        await coordinator.async_refresh()
    assert simulator.counters.requests["/date.cgi"] == pings + 4
    assert simulator.counters.requests["/list.cgi"] == lists
    assert hass.states.get(STATUS).state == "ok"
    await coordinator.async_refresh()
    await wait_for_state(hass, STATUS, "full")
    assert simulator.counters.requests["/list.cgi"] == lists + 1


async def test_no_sd_card_no_sensors(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A device without an SD slot gets no storage sensors and no list.cgi."""
    sim = await simulator_factory(sd_card=False, inputs=0)
    await setup(sim, platforms=[Platform.SENSOR])
    assert hass.states.async_entity_ids("sensor") == []
    assert sim.counters.requests.get("/list.cgi", 0) == 0
    await sim.counters.wait_for_connections("io", 1)  # no inputs: relays only
