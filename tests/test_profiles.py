"""The integration on every simulated kind of device (simulator/profiles.py).

Each test runs on every profile: the spec-literal wire, the minimal parameter
tree, zero-based and IO0 numbering, ``Trig=open`` inputs and a minimal
four-source video server.  What it expects comes from the profile's
configuration, never from what the integration found.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from aiohttp import web
from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.cgi_camera.api import ULAW
from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from simulator.profiles import PROFILES, profile_config
from simulator.sounds import tone_wav
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
    assert caps.speaker == (config.speaker_types[0] if config.audio else None)
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


async def test_relays_switched_on_the_device_are_pushed(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """A relay a device-side rule switches shows without a poll."""
    coordinator = entry.runtime_data.coordinator
    await wait_for_inputs(coordinator, lambda: coordinator.relays_pushed)
    checks = device.counters.requests.get("/io/output.cgi", 0)
    for port in range(1, device.config.outputs + 1):
        switch = entity_id(hass, entry, "switch", f"output_{port}")
        device.set_output(port, True)
        await wait_for_state(hass, switch, "on")
        device.set_output(port, False)
        await wait_for_state(hass, switch, "off")
    assert device.counters.requests.get("/io/output.cgi", 0) == checks


async def test_every_input_fires_its_own_events(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry
) -> None:
    """Each input's event entity fires activated then deactivated, no other one."""
    events = {
        port: entity_id(hass, entry, "event", f"input_events_{port}")
        for port in range(1, device.config.inputs + 1)
    }
    for port, event in events.items():
        device.set_input(port, True)
        state = await wait_for_state(
            hass, event, lambda s: s.attributes.get("event_type") == "activated"
        )
        device.set_input(port, False)
        await wait_for_state(
            hass, event, lambda s: s.attributes.get("event_type") == "deactivated"
        )
        assert state.state != STATE_UNAVAILABLE
        others = [hass.states.get(e).state for p, e in events.items() if p > port]
        assert others == ["unknown"] * len(others)


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


async def test_speaker_plays_on_every_profile(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry, aiohttp_server: Any
) -> None:
    """A sound from an HTTP URL reaches the device whole, in its format."""

    async def tone(_: web.Request) -> web.Response:
        return web.Response(body=tone_wav(0.25, amplitude=8000 / 32767))

    app = web.Application()
    app.router.add_get("/tone.wav", tone)
    server = await aiohttp_server(app)
    speaker = entity_id(hass, entry, "media_player", "speaker")
    await hass.services.async_call(
        "media_player",
        "play_media",
        {
            ATTR_ENTITY_ID: speaker,
            "media_content_type": "music",
            "media_content_id": str(server.make_url("/tone.wav")),
        },
        blocking=True,
    )
    [sound] = [t for t in device.audio_transmits if t.content_length]
    assert sound.complete
    assert sound.content_type == device.config.speaker_types[0]
    assert sound.received == pytest.approx(ULAW.bytes_per_second * 0.25, rel=0.05)
    assert hass.states.get(speaker).state == "idle"


async def test_clip_of_every_profile(
    hass: HomeAssistant, device: Simulator, entry: MockConfigEntry, tmp_path: Path
) -> None:
    """record_clip writes an H.264 clip of the last source on every profile."""
    hass.config.media_dirs = {"local": str(tmp_path)}
    camera = entity_id(hass, entry, "camera", f"camera_{device.config.sources}")
    response = await hass.services.async_call(
        DOMAIN,
        "record_clip",
        {ATTR_ENTITY_ID: camera, "duration": 1},
        blocking=True,
        return_response=True,
    )
    assert response is not None
    clip = response[camera]
    assert isinstance(clip, dict)
    assert clip["interrupted"] is False
    assert 8 <= clip["frames"] <= 12
    header = await hass.async_add_executor_job(Path(clip["path"]).read_bytes)
    assert header[4:8] == b"ftyp"  # an MP4 file
    assert b"avc1" in header  # H.264
