"""The integration on every simulated kind of device (simulator/profiles.py).

Each test runs on every profile: the spec-literal wire, the minimal parameter
tree, zero-based and IO0 numbering, ``Trig=open`` inputs and a minimal
four-source video server.  What it expects comes from the profile's
configuration, never from what the integration found.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from simulator.profiles import PROFILES, profile_config
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    sim_mac,
    wait_for_inputs,
    wait_for_state,
)

JPEG_START = b"\xff\xd8"


@pytest.fixture(params=sorted(PROFILES))
async def device(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
    """A simulated device of each profile (quick reboots for the restart test)."""
    sim = Simulator(profile_config(request.param, reboot_seconds=0.2))
    await sim.start()
    yield sim
    await sim.stop()


@pytest.fixture
async def entry(
    hass: HomeAssistant, device: Simulator, setup: SetupIntegration
) -> MockConfigEntry:
    """The integration set up for ``device``."""
    return await setup(device)


def entity_id(
    hass: HomeAssistant, entry: MockConfigEntry, domain: str, key: str
) -> str:
    """The entity id of the entry's entity with unique id ``<identity>-<key>``."""
    identity = entry.runtime_data.device.unique_id
    found = er.async_get(hass).async_get_entity_id(domain, DOMAIN, f"{identity}-{key}")
    assert found is not None, f"no {domain} {key}"
    return found


def camera_keys(sim: Simulator) -> list[str]:
    """The camera entities' keys: one per source, and the quad view."""
    return [f"camera_{n}" for n in range(1, sim.config.sources + 1)]


async def test_setup_finds_every_capability(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """Whatever the device lists, discovery finds all it has, and who it is."""
    assert entry.state is ConfigEntryState.LOADED
    info = entry.runtime_data.device
    caps = info.capabilities
    config = device.config
    assert caps.sources == config.sources
    assert caps.has_quad == (config.sources > 1)
    assert caps.inputs == config.inputs
    assert caps.outputs == config.outputs
    assert caps.ptz_sources == config.ptz_cameras
    assert caps.sd_card == config.sd_card
    assert caps.audio == config.audio
    assert info.unique_id == sim_mac(device)
    if config.param_tree == "minimal":
        assert info.discovery["ptz"].startswith("probe")
        assert info.discovery["inputs"].startswith("probe")


async def test_entities_match_the_device(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """One binary sensor per input, switch per relay, camera per source."""
    config = device.config
    for port in range(1, config.inputs + 1):
        assert hass.states.get(entity_id(hass, entry, "binary_sensor", f"input_{port}"))
    for port in range(1, config.outputs + 1):
        assert hass.states.get(entity_id(hass, entry, "switch", f"output_{port}"))
    for key in camera_keys(device):
        assert hass.states.get(entity_id(hass, entry, "camera", key))
    for source in config.ptz_cameras:
        entity_id(hass, entry, "select", f"ptz_preset_{source}")


async def test_every_input_is_pushed(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """Each input's own sensor follows it, and no other sensor moves."""
    sensors = {
        port: entity_id(hass, entry, "binary_sensor", f"input_{port}")
        for port in range(1, device.config.inputs + 1)
    }
    for port, sensor in sensors.items():
        device.set_input(port, True)
        await wait_for_state(hass, sensor, "on")
        others = [hass.states.get(s).state for p, s in sensors.items() if p != port]
        assert others == ["off"] * (len(sensors) - 1)
        device.set_input(port, False)
        await wait_for_state(hass, sensor, "off")


async def test_relays_agree_with_the_device(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """On means active, switched from Home Assistant or on the device."""
    coordinator = entry.runtime_data.coordinator
    for port in range(1, device.config.outputs + 1):
        switch = entity_id(hass, entry, "switch", f"output_{port}")
        await hass.services.async_call(
            "switch", "turn_on", {ATTR_ENTITY_ID: switch}, blocking=True
        )
        assert device.output_state(port) is True
        assert hass.states.get(switch).state == "on"
        await coordinator.async_refresh()  # the poll reads back the same
        assert hass.states.get(switch).state == "on"
        device.set_output(port, False)
        await coordinator.async_refresh()
        assert hass.states.get(switch).state == "off"


async def test_snapshots_of_every_source(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """Every camera answers a JPEG."""
    for key in camera_keys(device):
        image = await async_get_image(hass, entity_id(hass, entry, "camera", key))
        assert image.content.startswith(JPEG_START)


async def test_live_view_shares_one_connection(
    hass: HomeAssistant,
    device: Simulator,
    entry: MockConfigEntry,
    open_viewer: Any,
) -> None:
    """Two viewers of the first source get frames over one device connection."""
    camera = entity_id(hass, entry, "camera", "camera_1")
    viewers = [await open_viewer(camera) for _ in range(2)]
    for viewer in viewers:
        frames = await viewer.frames(2)
        assert all(frame.startswith(JPEG_START) for frame in frames)
    assert device.counters.open_connections["video"] == 1


async def test_ptz_moves_every_ptz_source(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """An absolute move reaches the head of each source that has PTZ."""
    for source in sorted(device.config.ptz_cameras):
        camera = entity_id(hass, entry, "camera", f"camera_{source}")
        await hass.services.async_call(
            DOMAIN,
            "ptz_absolute",
            {ATTR_ENTITY_ID: camera, "pan": 42.5},
            blocking=True,
        )
        assert device.ptz_position(source)["pan"] == pytest.approx(42.5)


async def test_restart_then_resync(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """After a restart the entities come back with what changed meanwhile."""
    coordinator = entry.runtime_data.coordinator
    input_1 = entity_id(hass, entry, "binary_sensor", "input_1")
    await hass.services.async_call(
        "button",
        "press",
        {ATTR_ENTITY_ID: entity_id(hass, entry, "button", "restart")},
        blocking=True,
    )
    await wait_for_state(hass, input_1, STATE_UNAVAILABLE)
    await device.wait_until_up()
    device.set_input(1, True)  # changed while Home Assistant was not connected
    fire_time(hass, POLL_SECONDS)
    await wait_for_inputs(coordinator, lambda: coordinator.inputs_available)
    await wait_for_state(hass, input_1, "on")
    assert coordinator.push.reconnect_count == 1
    await asyncio.gather(
        *(
            wait_for_state(hass, entity_id(hass, entry, "switch", f"output_{p}"), "off")
            for p in range(1, device.config.outputs + 1)
        )
    )
