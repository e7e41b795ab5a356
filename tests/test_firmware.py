"""upgrade_firmware end to end against the simulator's upgrade and restart."""

from __future__ import annotations

from collections.abc import Iterator
import os
from pathlib import Path
from unittest.mock import patch

from homeassistant.core import Context, Event, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.helpers import device_registry as dr, issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.cgi_camera import firmware
from custom_components.cgi_camera.const import DOMAIN
from simulator import Simulator
from tests.helpers import SetupIntegration, call_device_action
from tests.sim_fixtures import SimulatorFactory

FIRMWARE = "custom_components.cgi_camera.firmware"


@pytest.fixture(autouse=True)
def quick_polls() -> Iterator[None]:
    """Try the device again at once (the simulator is back in 50 ms)."""
    with patch(f"{FIRMWARE}.UPGRADE_POLL_SECONDS", 0.01):
        yield


@pytest.fixture
async def sim(simulator_factory: SimulatorFactory) -> Simulator:
    """A camera that restarts quickly."""
    return await simulator_factory(reboot_seconds=0.05)


@pytest.fixture
async def entry(
    hass: HomeAssistant, sim: Simulator, setup: SetupIntegration, tmp_path: Path
) -> MockConfigEntry:
    """The camera set up, its config folder in a temporary directory."""
    hass.config.config_dir = str(tmp_path)
    return await setup(sim)


async def _image(hass: HomeAssistant, name: str, content: bytes) -> Path:
    folder = firmware.firmware_folder(hass)
    path = folder / name

    def write() -> None:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    await hass.async_add_executor_job(write)
    return path


def _sw_version(hass: HomeAssistant, entry: MockConfigEntry) -> str | None:
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    return devices[0].sw_version


async def test_upgrade(
    hass: HomeAssistant, sim: Simulator, entry: MockConfigEntry
) -> None:
    """The image is uploaded; the device restarts; version and event follow."""
    old = _sw_version(hass, entry)
    await _image(hass, "fw.bin", b"header CGIFW:9.90 body")
    events: list[Event] = []
    hass.bus.async_listen(firmware.EVENT_FIRMWARE_UPGRADED, events.append)
    await call_device_action(
        hass, entry, "upgrade_firmware", file="fw.bin", confirm=True
    )
    await hass.async_block_till_done()
    assert _sw_version(hass, entry) == "9.90"
    assert entry.runtime_data.device.firmware == "9.90"
    assert [event.data for event in events] == [
        {"entry_id": entry.entry_id, "old_version": old, "new_version": "9.90"}
    ]
    assert any(
        "Firmware upgrade" in line and "type normal" in line for line in sim.state.log
    )
    # factorydefault: the spec's other type.
    await sim.wait_until_up()
    await _image(hass, "fw2.bin", b"CGIFW:9.91")
    await call_device_action(
        hass,
        entry,
        "upgrade_firmware",
        file="fw2.bin",
        type="factorydefault",
        confirm=True,
    )
    assert sim.factory_defaults[-1] == "hard"
    assert _sw_version(hass, entry) == "9.91"


async def test_same_version_still_answering(
    hass: HomeAssistant, sim: Simulator, entry: MockConfigEntry
) -> None:
    """A device that keeps answering the same version is taken as done."""
    old = _sw_version(hass, entry)
    await _image(hass, "same.bin", b"no tag")
    with (
        patch.object(sim, "schedule_reboot"),
        patch(f"{FIRMWARE}.UPGRADE_DOWN_SECONDS", 0),
    ):
        await call_device_action(
            hass, entry, "upgrade_firmware", file="same.bin", confirm=True
        )
    assert _sw_version(hass, entry) == old


async def test_refusals(
    hass: HomeAssistant,
    sim: Simulator,
    entry: MockConfigEntry,
    hass_read_only_user: MockUser,
    tmp_path: Path,
) -> None:
    """Device refusal, bad paths, links, no confirm, non-admin users."""
    before = sim.counters.total_requests
    await _image(hass, "empty.bin", b"")
    folder = firmware.firmware_folder(hass)
    outside = tmp_path / "outside.bin"

    def prepare() -> None:
        outside.write_bytes(b"CGIFW:6.66")
        (folder / "link.bin").symlink_to(outside)
        os.symlink(folder / "empty.bin", folder / "link_in.bin")

    await hass.async_add_executor_job(prepare)
    refused = {
        str(outside): "firmware_outside_folder",
        "../outside.bin": "firmware_outside_folder",
        "link.bin": "firmware_outside_folder",
        "link_in.bin": "firmware_outside_folder",
        "missing.bin": "firmware_not_found",
    }
    for file, key in refused.items():
        with pytest.raises(ServiceValidationError) as err:
            await call_device_action(
                hass, entry, "upgrade_firmware", file=file, confirm=True
            )
        assert err.value.translation_key == key, file
    await _image(hass, "big.bin", b"x")
    with (
        patch("custom_components.cgi_camera.device_actions.MAX_FIRMWARE_BYTES", 0),
        pytest.raises(ServiceValidationError) as err,
    ):
        await call_device_action(
            hass, entry, "upgrade_firmware", file="big.bin", confirm=True
        )
    assert err.value.translation_key == "firmware_too_large"
    with pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, "upgrade_firmware", file="empty.bin")
    assert err.value.translation_key == "confirm_required"
    with pytest.raises(Unauthorized):
        await call_device_action(
            hass,
            entry,
            "upgrade_firmware",
            Context(user_id=hass_read_only_user.id),
            file="empty.bin",
            confirm=True,
        )
    assert sim.counters.total_requests == before
    # The device refuses an empty image.
    with pytest.raises(HomeAssistantError) as rejected:
        await call_device_action(
            hass, entry, "upgrade_firmware", file="empty.bin", confirm=True
        )
    assert not isinstance(rejected.value, ServiceValidationError)
    assert rejected.value.translation_key == "request_refused"


async def test_device_stays_away(
    hass: HomeAssistant,
    simulator_factory: SimulatorFactory,
    setup: SetupIntegration,
    tmp_path: Path,
) -> None:
    """No answer in time: an error and an issue, removed when it is back."""
    hass.config.config_dir = str(tmp_path)
    sim = await simulator_factory(reboot_seconds=600)
    entry = await setup(sim)
    await _image(hass, "fw.bin", b"CGIFW:9.92")
    issue_id = f"firmware_not_back_{entry.entry_id}"
    with (
        patch(f"{FIRMWARE}.UPGRADE_BACK_SECONDS", 0.05),
        pytest.raises(HomeAssistantError) as err,
    ):
        await call_device_action(
            hass, entry, "upgrade_firmware", file="fw.bin", confirm=True
        )
    assert err.value.translation_key == "firmware_not_back"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert not issue.is_fixable
    coordinator = entry.runtime_data.coordinator
    await coordinator.async_refresh()
    assert not coordinator.last_update_success  # the entities show it away
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is not None
    await sim.reboot(0)
    await sim.wait_until_up()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
