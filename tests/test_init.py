"""Setup, unload, reauth and the device registry."""

from __future__ import annotations

from unittest.mock import patch

from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import CONF_PORT, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.api import CameraForbiddenError
from custom_components.cgi_camera.config_flow import CgiCameraConfigFlow
from custom_components.cgi_camera.const import DEFAULT_OPTIONS, DOMAIN
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    SetupIntegration,
    entry_data,
    fire_time,
    sim_mac,
    wait_for_state,
)


async def test_setup_registers_device(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    device_registry: dr.DeviceRegistry,
) -> None:
    """The device carries brand, model, firmware, serial, MAC and its URL."""
    entry = await setup(simulator)
    assert entry.state is ConfigEntryState.LOADED
    devices = dr.async_entries_for_config_entry(device_registry, entry.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert device.identifiers == {(DOMAIN, sim_mac(simulator))}
    assert device.manufacturer == "CGI"
    assert device.model == "CGI-211"
    assert device.sw_version == "4.40"
    assert device.serial_number == "00408C123456"
    assert device.name == "cgi-camera"
    assert (dr.CONNECTION_NETWORK_MAC, sim_mac(simulator)) in device.connections
    assert device.configuration_url == simulator.url
    runtime = entry.runtime_data
    assert runtime.device.mac == sim_mac(simulator)
    assert runtime.coordinator.client is runtime.client


async def test_setup_not_ready_when_unreachable(
    hass: HomeAssistant, simulator: Simulator
) -> None:
    """A device that refuses connections makes the entry retry later."""
    port = simulator.port
    await simulator.stop()
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=sim_mac(simulator),
        data={**entry_data(simulator), CONF_PORT: port},
        options=dict(DEFAULT_OPTIONS),
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.SETUP_RETRY


def _reauth_entry_ids(hass: HomeAssistant) -> list[str]:
    """The entries that reauth flows in progress are for."""
    return [
        flow["context"]["entry_id"]
        for flow in hass.config_entries.flow.async_progress_by_handler(DOMAIN)
        if flow["context"]["source"] == SOURCE_REAUTH
    ]


async def test_setup_auth_failed_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A 401 at setup fails the entry and starts the reauth flow."""
    entry = await setup(simulator, data={"password": "wrong"})
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert _reauth_entry_ids(hass) == [entry.entry_id]


async def test_unload_leaves_nothing_running(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Unload closes the monitor stream and ends every task of the entry."""
    entry = await setup(simulator)
    assert simulator.counters.open_connections["io"] == 1
    assert entry.runtime_data.coordinator.inputs_available
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    await simulator.counters.wait_for_connections("io", 0)
    assert simulator.counters.open_connections["io"] == 0
    # No request after unload, even when timers would have fired.
    before = simulator.counters.total_requests
    fire_time(hass, 120)
    await hass.async_block_till_done()
    assert simulator.counters.total_requests == before
    # phacc's verify_cleanup fixture fails the test on any lingering task.


async def test_password_changed_starts_reauth_and_stops(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A 401 during operation starts reauth; nothing hammers the device."""
    entry = await setup(simulator)
    coordinator = entry.runtime_data.coordinator
    simulator.change_password("root", "changed")
    simulator.faults.cut_streams("io")
    # The lost stream makes the coordinator poll: that poll gets the 401.
    await wait_for_state(hass, "binary_sensor.cgi_camera_input_1", STATE_UNAVAILABLE)
    await hass.async_block_till_done()
    assert coordinator.push.auth_failed
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert hass.states.get("switch.cgi_camera_output_1").state == STATE_UNAVAILABLE
    await simulator.counters.wait_for_connections("io", 0)
    before = simulator.counters.total_requests
    for _ in range(5):
        fire_time(hass, 61)
        await hass.async_block_till_done()
    assert simulator.counters.total_requests == before

    # The new password resumes everything without a restart.
    result = await hass.config_entries.flow.async_configure(
        flows[0]["flow_id"], {"password": "changed"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    await wait_for_state(hass, "binary_sensor.cgi_camera_input_1", "off")


async def test_no_update_listener(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A loaded entry has no update listener, and a data change does not reload.

    Options are read live; the flows that change data reload the entry with
    Home Assistant's helpers, which (from 2026.6) must not be combined with
    an update listener.
    """
    entry = await setup(simulator)
    assert entry.update_listeners == []
    runtime = entry.runtime_data
    hass.config_entries.async_update_entry(
        entry, data={**entry.data, "host": "192.0.2.10"}
    )
    await hass.async_block_till_done()
    assert entry.runtime_data is runtime
    assert entry.state is ConfigEntryState.LOADED


async def test_migrate_drops_the_quad_option(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    entity_registry: er.EntityRegistry,
) -> None:
    """A 1.1 entry that stored the quad option: 1.2 drops it, cameras unchanged.

    The quad view stays disabled by default, whatever the old option said.
    """
    sim = await simulator_factory(sources=4)
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="cgi-camera",
        unique_id=sim_mac(sim),
        version=1,
        minor_version=1,
        data=entry_data(sim),
        options={**DEFAULT_OPTIONS, "quad_camera": True},
    )
    entry.add_to_hass(hass)
    with patch("custom_components.cgi_camera.PLATFORMS", [Platform.CAMERA]):
        assert await hass.config_entries.async_setup(entry.entry_id)
        await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert (entry.version, entry.minor_version) == (
        CgiCameraConfigFlow.VERSION,
        CgiCameraConfigFlow.MINOR_VERSION,
    )
    assert (entry.version, entry.minor_version) == (1, 2)
    assert entry.options == DEFAULT_OPTIONS
    quad = entity_registry.async_get("camera.cgi_camera_quad_view")
    assert quad is not None
    assert quad.disabled_by is er.RegistryEntryDisabler.INTEGRATION


@pytest.mark.parametrize(
    ("version", "minor_version", "state"),
    [
        # A newer major version (a downgrade): refused, nothing touched.
        (2, 1, ConfigEntryState.MIGRATION_ERROR),
        # A newer minor version of this major: compatible, loaded as it is.
        (1, 3, ConfigEntryState.LOADED),
    ],
)
async def test_migrate_newer_versions(
    hass: HomeAssistant,
    simulator: Simulator,
    version: int,
    minor_version: int,
    state: ConfigEntryState,
) -> None:
    """Entries of a newer version are refused (major) or kept as they are."""
    options = {**DEFAULT_OPTIONS, "quad_camera": False}
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id=sim_mac(simulator),
        version=version,
        minor_version=minor_version,
        data=entry_data(simulator),
        options=options,
    )
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is state
    assert (entry.version, entry.minor_version) == (version, minor_version)
    assert entry.options == options
    if state is ConfigEntryState.LOADED:
        assert await hass.config_entries.async_unload(entry.entry_id)


async def test_two_devices(
    hass: HomeAssistant,
    simulator: Simulator,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
) -> None:
    """Each device gets its own coordinator and stream."""
    other = await simulator_factory(mac="00:40:8C:AA:BB:CC", inputs=1, outputs=0)
    first = await setup(simulator)
    second = await setup(other)
    assert first.runtime_data.coordinator is not second.runtime_data.coordinator
    assert other.counters.open_connections["io"] == 1
    assert simulator.counters.open_connections["io"] == 1


async def test_setup_forbidden_starts_reauth(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An account without rights fails setup and starts reauth for the entry."""
    with patch(
        "custom_components.cgi_camera.api.CameraClient.get_device_info",
        side_effect=CameraForbiddenError("403"),
    ):
        entry = await setup(simulator)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert _reauth_entry_ids(hass) == [entry.entry_id]
