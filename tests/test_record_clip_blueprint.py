"""The blueprint "record a clip when an input activates", run by automation."""

from __future__ import annotations

import asyncio
from pathlib import Path
import shutil

from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.const import Platform
from homeassistant.core import Event, HomeAssistant, ServiceCall, callback
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import async_mock_service

from custom_components.cgi_camera.const import EVENT_CLIP_SAVED
from simulator import Simulator
from tests.helpers import WAIT_TIMEOUT, SetupIntegration

BLUEPRINT = (
    Path(__file__).parent.parent
    / "blueprints"
    / "automation"
    / "cgi_camera"
    / "record_clip_on_input.yaml"
)
CAMERA = "camera.cgi_camera"
INPUT_1 = "binary_sensor.cgi_camera_input_1"


def install_blueprint(hass: HomeAssistant, config_dir: Path) -> None:
    """Put the blueprint where Home Assistant looks for it (a config dir of its own)."""
    hass.config.config_dir = str(config_dir)
    folder = config_dir / "blueprints" / "automation" / "cgi_camera"
    folder.mkdir(parents=True)
    shutil.copy(BLUEPRINT, folder)


async def test_blueprint_is_valid(hass: HomeAssistant, tmp_path: Path) -> None:
    """Home Assistant accepts it as an automation blueprint, with its inputs."""
    install_blueprint(hass, tmp_path)
    blueprint = await async_get_blueprints(hass).async_get_blueprint(
        "cgi_camera/record_clip_on_input.yaml"
    )
    assert blueprint.domain == "automation"
    assert set(blueprint.inputs) == {
        "input_entity",
        "camera_entity",
        "duration",
        "lookback",
        "notify_action",
    }


async def test_an_activated_input_records_a_clip_and_notifies(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    tmp_path: Path,
) -> None:
    """The input turns on: a snapshot notification, a clip, a second notification."""
    media = tmp_path / "media"
    media.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    install_blueprint(hass, tmp_path)
    notifications = async_mock_service(hass, "test", "notify")
    await setup(simulator, platforms=[Platform.CAMERA, Platform.BINARY_SENSOR])
    saved: asyncio.Future[Event] = hass.loop.create_future()

    @callback
    def _saved(event: Event) -> None:
        saved.set_result(event)

    hass.bus.async_listen_once(EVENT_CLIP_SAVED, _saved)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "cgi_camera/record_clip_on_input.yaml",
                    "input": {
                        "input_entity": INPUT_1,
                        "camera_entity": CAMERA,
                        "duration": 1,
                        "lookback": 0,
                        "notify_action": "test.notify",
                    },
                }
            }
        },
    )
    await hass.async_block_till_done()

    simulator.set_input(1, True)
    async with asyncio.timeout(WAIT_TIMEOUT):
        event = await saved
    await hass.async_block_till_done()

    clip = Path(event.data["path"])
    assert clip.is_relative_to(media)
    assert await hass.async_add_executor_job(clip.is_file)
    assert len(notifications) == 2
    first, second = (call.data for call in notifications)
    assert first["data"]["image"] == f"/api/camera_proxy/{CAMERA}"
    assert "Input 1" in first["message"]
    assert second["message"].startswith("Clip saved: ")
    assert str(clip) in second["message"]
    assert all(isinstance(call, ServiceCall) for call in notifications)


@pytest.mark.parametrize(
    ("domain", "old", "new", "attributes", "records"),
    [
        ("binary_sensor", "off", "on", {}, True),
        ("binary_sensor", "on", "off", {}, False),
        ("binary_sensor", "unavailable", "on", {}, False),
        ("event", "unknown", "2026-01-01T00:00:00", {"event_type": "activated"}, True),
        ("event", "unknown", "2026-01-01T00:00:00", {"event_type": "ring"}, True),
        (
            "event",
            "unknown",
            "2026-01-01T00:00:00",
            {"event_type": "deactivated"},
            False,
        ),
        ("event", "2026-01-01T00:00:00", "unavailable", {}, False),
        # Back from unavailable (a reconnect, a reload) with the last event.
        (
            "event",
            "unavailable",
            "2026-01-01T00:00:00",
            {"event_type": "activated"},
            False,
        ),
        # Only an attribute changed: no new event.
        (
            "event",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00",
            {"event_type": "ring"},
            False,
        ),
    ],
)
async def test_which_changes_activate(
    hass: HomeAssistant,
    tmp_path: Path,
    domain: str,
    old: str,
    new: str,
    attributes: dict[str, str],
    records: bool,
) -> None:
    """A binary sensor turning on, or a new "activated" or "ring" event, records."""
    install_blueprint(hass, tmp_path)
    entity_id = f"{domain}.front_door"
    hass.states.async_set(entity_id, old)
    hass.states.async_set(CAMERA, "idle")
    recordings = async_mock_service(
        hass, "cgi_camera", "record_clip", response={CAMERA: {}}
    )
    async_mock_service(hass, "test", "notify")
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "use_blueprint": {
                    "path": "cgi_camera/record_clip_on_input.yaml",
                    "input": {
                        "input_entity": entity_id,
                        "camera_entity": CAMERA,
                        "notify_action": "test.notify",
                    },
                }
            }
        },
    )
    hass.states.async_set(entity_id, new, attributes)
    await hass.async_block_till_done()
    assert len(recordings) == (1 if records else 0)
