"""Restart and backup buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
import io
import os
from pathlib import Path
import stat
import tarfile
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    async_capture_events,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.cgi_camera.api import (
    CameraConnectionError,
    CameraRequestRefusedError,
)
from custom_components.cgi_camera.const import (
    CONF_BACKUPS_TO_KEEP,
    EVENT_BACKUP_SAVED,
)
from simulator import Simulator
from tests.helpers import SetupIntegration, fire_time, snapshot_entities, wait_for_state

RESTART = "button.cgi_camera_restart"
BACKUP = "button.cgi_camera_backup"
INPUT_1 = "binary_sensor.cgi_camera_input_1"
OUTPUT_1 = "switch.cgi_camera_output_1"
API = "custom_components.cgi_camera.api"


def _members(tar_bytes: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        return {
            member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
            for member in tar.getmembers()
        }


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def _press(hass: HomeAssistant, entity_id: str) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def test_entities(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Restart, backup, sync clock and the PTZ buttons of the camera."""
    entry = await setup(simulator, platforms=[Platform.BUTTON])
    await snapshot_entities(hass, entity_registry, snapshot, entry.entry_id, "button")


async def test_restart_unavailable_then_back(
    hass: HomeAssistant, simulator_factory, setup: SetupIntegration
) -> None:
    """After a restart the entities go unavailable and come back by themselves."""
    sim = await simulator_factory(reboot_seconds=0.2)
    await setup(sim)
    await _press(hass, RESTART)
    await wait_for_state(hass, INPUT_1, STATE_UNAVAILABLE)
    await wait_for_state(hass, OUTPUT_1, STATE_UNAVAILABLE)
    await sim.wait_until_up()
    # Drive the backoff and polling timers instead of waiting for them.
    fire_time(hass, 61)
    await wait_for_state(hass, INPUT_1, "off")
    await wait_for_state(hass, OUTPUT_1, "off")


async def test_restart_refused(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """A failed restart raises a translated error."""
    await setup(simulator, platforms=[Platform.BUTTON])
    with (
        patch(f"{API}.SystemApi.restart", side_effect=CameraRequestRefusedError("no")),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _press(hass, RESTART)
    assert err.value.translation_key == "request_refused"


async def test_backup_saved_private_and_pruned(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration, tmp_path: Path
) -> None:
    """The saved file equals the device's tar, 0600 in a 0700 folder; pruning."""
    hass.config.config_dir = str(tmp_path)
    await setup(
        simulator, platforms=[Platform.BUTTON], options={CONF_BACKUPS_TO_KEEP: 2}
    )
    events = async_capture_events(hass, EVENT_BACKUP_SAVED)
    await _press(hass, BACKUP)
    await hass.async_block_till_done()
    assert len(events) == 1
    path = Path(events[0].data["path"])
    folder = Path(hass.config.path("cgi_camera", "backups"))
    assert path.parent == folder
    assert "www" not in path.parts
    assert path.name.startswith(f"backup_{simulator.config.mac_plain}_")
    assert path.suffix == ".tar"
    content = await hass.async_add_executor_job(path.read_bytes)
    assert events[0].data["size"] == len(content)
    # The same tar as the device's own (member by member: its mtimes tick).
    assert _members(content) == _members(simulator.state.backup())
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700

    for _ in range(3):
        await _press(hass, BACKUP)
    await hass.async_block_till_done()
    assert len(events) == 4
    # Only the newest two are kept, and no temporary file is left behind.
    kept = await hass.async_add_executor_job(_names, folder)
    assert kept == sorted(Path(e.data["path"]).name for e in events[-2:])


async def test_backup_failures(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration, tmp_path: Path
) -> None:
    """Device and disk failures raise translated errors and leave no file."""
    hass.config.config_dir = str(tmp_path)
    await setup(simulator, platforms=[Platform.BUTTON])
    folder = Path(hass.config.path("cgi_camera", "backups"))

    async def partial_tar() -> AsyncIterator[bytes]:
        # Part of the tar arrives, then the connection breaks.
        yield b"partial tar"
        raise CameraConnectionError("connection reset")

    @asynccontextmanager
    async def broken_backup(**kwargs: object) -> AsyncIterator[AsyncIterator[bytes]]:
        yield partial_tar()

    with (
        patch(f"{API}.SystemApi.backup", side_effect=broken_backup),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _press(hass, BACKUP)
    assert err.value.translation_key == "backup_failed"
    assert await hass.async_add_executor_job(_names, folder) == []

    with (
        patch(
            "custom_components.cgi_camera.backup._prepare",
            side_effect=PermissionError("denied"),
        ),
        pytest.raises(HomeAssistantError) as err,
    ):
        await _press(hass, BACKUP)
    assert err.value.translation_key == "backup_write_failed"
