"""Cameras: entities, snapshots and their resolution, video signal, quad view."""

from __future__ import annotations

import io
from typing import Any
from unittest.mock import patch

from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import RELOAD_AFTER_UPDATE_DELAY, ConfigEntryState
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from PIL import Image
import pytest
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.camera import snapshot_resolution
from custom_components.cgi_camera.const import CONF_SNAPSHOT_RESOLUTION
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import (
    POLL_SECONDS,
    SetupIntegration,
    fire_time,
    snapshot_entities,
    wait_for_state,
)

CAMERA = "camera.cgi_camera"
SERVER_CAMERA = "camera.cgi_camera_camera_{}"
QUAD_CAMERA = "camera.cgi_camera_quad_view"
VIDEO_SIGNAL = "binary_sensor.cgi_camera_video_signal_{}"


def jpeg_size(data: bytes) -> tuple[int, int]:
    """Return the pixel size of a JPEG."""
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        return image.size


async def test_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A camera has one camera entity, named after the device."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, "camera")
    state = hass.states.get(CAMERA)
    assert state is not None
    assert state.state == "idle"
    assert state.attributes["brand"] == "CGI"
    assert state.attributes["model_name"] == "CGI-211"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_video_server_entities(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A video server: four cameras and the quad view (enabled here)."""
    sim = await simulator_factory(sources=4)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, "camera")


async def test_quad_camera_disabled_by_default(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """The quad view is registered but disabled by the integration."""
    sim = await simulator_factory(sources=4)
    await setup(sim, platforms=[Platform.CAMERA])
    for source in range(1, 5):
        assert hass.states.get(SERVER_CAMERA.format(source)) is not None
    quad = entity_registry.async_get(QUAD_CAMERA)
    assert quad is not None
    assert quad.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    assert hass.states.get(QUAD_CAMERA) is None


async def test_quad_camera_enabled_by_the_user(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """Enabled in the entity settings, the quad view works, and stays enabled."""
    sim = await simulator_factory(sources=4)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    entity_registry.async_update_entity(QUAD_CAMERA, disabled_by=None)
    with patch("custom_components.cgi_camera.PLATFORMS", [Platform.CAMERA]):
        # Home Assistant reloads the entry a while after an entity is enabled.
        fire_time(hass, RELOAD_AFTER_UPDATE_DELAY + 1)
        await hass.async_block_till_done()
        assert entry.state is ConfigEntryState.LOADED
        assert hass.states.get(QUAD_CAMERA) is not None
        image = await async_get_image(hass, QUAD_CAMERA)
        assert jpeg_size(image.content) == (640, 480)
        # A later reload keeps the user's choice.
        assert await hass.config_entries.async_reload(entry.entry_id)
        await hass.async_block_till_done()
    assert entity_registry.async_get(QUAD_CAMERA).disabled_by is None
    assert hass.states.get(QUAD_CAMERA) is not None


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_no_quad_on_a_camera(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
) -> None:
    """A single camera has no quad view, not even a disabled one."""
    await setup(simulator, platforms=[Platform.CAMERA])
    assert entity_registry.async_get(QUAD_CAMERA) is None
    assert hass.states.get(CAMERA) is not None


@pytest.mark.parametrize(
    ("width", "height", "option", "resolution", "size"),
    [
        # No size asked: the option, or the device's default without one.
        (None, None, "default", None, (640, 480)),
        (None, None, "QVGA", "QVGA", (320, 240)),
        (None, None, "1024x768", "1024x768", (1024, 768)),
        # The smallest resolution that covers the size; named sizes win ties.
        (100, 75, "default", "160x120", (160, 120)),
        (160, 120, "default", "160x120", (160, 120)),
        (200, 150, "default", "320x240", (320, 240)),
        (300, None, "default", "320x240", (320, 240)),
        (None, 250, "default", "CIF", (352, 288)),
        (340, 280, "default", "CIF", (352, 288)),
        (500, 375, "default", "640x480", (640, 480)),
        (640, 480, "default", "640x480", (640, 480)),
        (700, 500, "default", "4CIF", (704, 576)),
        (710, 570, "default", "D1", (720, 576)),
        (800, 600, "default", "1024x768", (1024, 768)),
        (1280, 960, "default", "1280x1024", (1280, 1024)),
        # Larger than anything listed: the option's default.
        (1920, 1080, "default", None, (640, 480)),
        (1920, 1080, "QVGA", "QVGA", (320, 240)),
    ],
)
async def test_snapshot_resolution(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    width: int | None,
    height: int | None,
    option: str,
    resolution: str | None,
    size: tuple[int, int],
) -> None:
    """image.cgi is asked for the right resolution; one request per snapshot."""
    entry = await setup(
        simulator,
        platforms=[Platform.CAMERA],
        options={CONF_SNAPSHOT_RESOLUTION: option},
    )
    client = entry.runtime_data.client
    before = simulator.counters.requests.get("/image.cgi", 0)
    original = client.video.snapshot
    answers: list[bytes] = []

    async def snapshot(*args: Any) -> bytes:
        answers.append(await original(*args))
        return answers[-1]

    with patch.object(client.video, "snapshot", side_effect=snapshot) as spy:
        image = await async_get_image(hass, CAMERA, width=width, height=height)
    spy.assert_called_once_with(None, resolution)
    assert simulator.counters.requests.get("/image.cgi", 0) == before + 1
    assert image.content_type == "image/jpeg"
    # The device's picture (Home Assistant may scale it further when
    # libturbojpeg is installed).
    assert jpeg_size(answers[0]) == size


def test_snapshot_resolution_choice() -> None:
    """The choice itself, without a device."""
    assert snapshot_resolution(None, None, "CIF") == "CIF"
    assert snapshot_resolution(0, 0, None) is None
    assert snapshot_resolution(1, 1, None) == "160x120"
    assert snapshot_resolution(321, 1, None) == "CIF"
    assert snapshot_resolution(1281, 1, "VGA") == "VGA"


async def test_snapshot_of_a_video_server_source(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """Each source of a video server asks for its own camera number."""
    sim = await simulator_factory(sources=4)
    entry = await setup(sim, platforms=[Platform.CAMERA])
    client = entry.runtime_data.client
    with patch.object(client.video, "snapshot", wraps=client.video.snapshot) as spy:
        await async_get_image(hass, SERVER_CAMERA.format(3), width=320, height=240)
    spy.assert_called_once_with(3, "320x240")


async def test_snapshot_error(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A device error becomes a translated HomeAssistantError."""
    await setup(simulator, platforms=[Platform.CAMERA])
    simulator.faults.status_next(500, 1)
    with pytest.raises(HomeAssistantError) as err:
        await async_get_image(hass, CAMERA)
    assert err.value.translation_key == "snapshot_failed"
    assert "HTTP 500" in str(err.value.__cause__)


async def test_snapshot_over_http(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    hass_client: Any,
) -> None:
    """The dashboard's image request reaches image.cgi with the covering size."""
    entry = await setup(simulator, platforms=[Platform.CAMERA])
    client = entry.runtime_data.client
    http = await hass_client()
    with patch.object(client.video, "snapshot", wraps=client.video.snapshot) as spy:
        response = await http.get(f"/api/camera_proxy/{CAMERA}?width=300&height=200")
        assert response.status == 200
        body = await response.read()
    spy.assert_called_once_with(None, "320x240")
    assert jpeg_size(body) == (320, 240)


async def test_video_signal(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """One videostatus.cgi request per poll covers every source."""
    sim = await simulator_factory(sources=4)
    await setup(sim, platforms=[Platform.BINARY_SENSOR])
    assert sim.counters.requests["/videostatus.cgi"] == 1
    for source in range(1, 5):
        state = hass.states.get(VIDEO_SIGNAL.format(source))
        assert state.state == STATE_ON
        assert state.attributes["friendly_name"] == f"cgi-camera Video signal {source}"
    sim.set_video_signal(2, False)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, VIDEO_SIGNAL.format(2), STATE_OFF)
    assert sim.counters.requests["/videostatus.cgi"] == 2
    for source in (1, 3, 4):
        assert hass.states.get(VIDEO_SIGNAL.format(source)).state == STATE_ON

    sim.faults.status_next(500, 1)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, VIDEO_SIGNAL.format(1), STATE_UNAVAILABLE)
    sim.set_video_signal(2, True)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, VIDEO_SIGNAL.format(2), STATE_ON)


async def test_no_video_signal_on_a_camera(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A single camera has no video signal sensor and never asks for it."""
    await setup(simulator, platforms=[Platform.BINARY_SENSOR])
    assert hass.states.get(VIDEO_SIGNAL.format(1)) is None
    fire_time(hass, POLL_SECONDS)
    await hass.async_block_till_done()
    assert "/videostatus.cgi" not in simulator.counters.requests


async def test_camera_unavailable_with_device(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """The camera follows the coordinator's view of the device."""
    await setup(simulator, platforms=[Platform.CAMERA])
    simulator.faults.status_next(500, 5)
    fire_time(hass, POLL_SECONDS)
    await wait_for_state(hass, CAMERA, STATE_UNAVAILABLE)
