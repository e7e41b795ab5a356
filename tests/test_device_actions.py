"""The device's actions against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
import os
from pathlib import Path
from typing import Any
from unittest.mock import patch

from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, MockUser

from custom_components.cgi_camera.const import DOMAIN, EVENT_BACKUP_SAVED
from simulator import Simulator
from tests.conftest import SimulatorFactory
from tests.helpers import SetupIntegration, call_device_action

# The device actions that answer with response data.


@contextmanager
def no_request(sim: Simulator) -> Iterator[None]:
    """Assert that nothing reaches the simulator."""
    before = sim.counters.total_requests
    yield
    assert sim.counters.total_requests == before


@pytest.fixture
async def entry(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration, tmp_path: Path
) -> MockConfigEntry:
    """A camera, set up, with its config folder in a temporary directory."""
    hass.config.config_dir = str(tmp_path)
    return await setup(simulator)


async def test_parameters(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """set_parameters writes, get_parameters reads (secrets redacted)."""
    await call_device_action(
        hass,
        entry,
        "set_parameters",
        parameters={
            "Image.I0.Text.String": "Gate",
            "Image.I0.Text.TextEnabled": True,
            "SMTP.Password": "secret",
        },
    )
    assert simulator.params["Image.I0.Text.String"] == "Gate"
    assert simulator.params["Image.I0.Text.TextEnabled"] == "yes"
    response = await call_device_action(
        hass, entry, "get_parameters", parameters=["Image.I0.Text", "SMTP"]
    )
    values = response["parameters"]
    assert values["Image.I0.Text.String"] == "Gate"
    assert values["SMTP.Password"] == "**REDACTED**"
    listed = await call_device_action(
        hass, entry, "get_parameters", parameters="Image.MaxViewers, Network.HostName"
    )
    assert set(listed["parameters"]) == {"Image.MaxViewers", "Network.HostName"}
    everything = await call_device_action(hass, entry, "get_parameters")
    assert "Network.HostName" in everything["parameters"]


async def test_parameters_as_the_editors_list(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """set_parameters takes the action editor's list of {name, value} too."""
    await call_device_action(
        hass,
        entry,
        "set_parameters",
        parameters=[
            {"name": "Image.I0.Text.String", "value": 5},
            {"name": "Image.I0.Text.TextEnabled", "value": False},
        ],
    )
    assert simulator.params["Image.I0.Text.String"] == "5"
    assert simulator.params["Image.I0.Text.TextEnabled"] == "no"


async def test_parameters_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """An unknown parameter: the device refuses."""
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(
            hass, entry, "set_parameters", parameters={"No.Such.Thing": "1"}
        )
    assert not isinstance(err.value, ServiceValidationError)
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "get_parameters", parameters=["Network"])
    assert err.value.translation_key == "get_parameters_failed"


async def test_system_log(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """get_system_log: the newest lines, addresses and user names redacted."""
    simulator.state.add_log("Login from 192.168.0.77")
    simulator.state.users.add("joe", "x1y2z3", "axuser", ("axview",), "")
    simulator.state.add_log("Account joe: add")
    response = await call_device_action(hass, entry, "get_system_log")
    lines = response["text"].splitlines()
    assert len(lines) == len(simulator.state.log)
    assert lines[-1].endswith("Account **REDACTED**: add")
    assert lines[-2].endswith("Login from **REDACTED**")
    for word in ("192.168.0.77", "joe", simulator.config.hostname):
        assert word not in response["text"]
    newest = await call_device_action(hass, entry, "get_system_log", lines=1)
    assert newest["text"] == lines[-1]


async def test_system_log_without_the_account_list(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A device refusing pwdgrp.cgi: the log comes, with the other rules."""
    simulator.state.add_log("Login from 192.168.0.77")
    simulator.faults.error_next("/pwdgrp.cgi")
    response = await call_device_action(hass, entry, "get_system_log", lines="2")
    assert response["text"].splitlines()[-1].endswith("Login from **REDACTED**")
    assert len(response["text"].splitlines()) == 2


async def test_system_log_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A device that cannot give its log: a translated error."""
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "get_system_log")
    assert not isinstance(err.value, ServiceValidationError)
    assert err.value.translation_key == "get_system_log_failed"


async def test_osd(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """set_osd_text sets text, date and clock."""
    await call_device_action(
        hass, entry, "set_osd_text", text="Front door", date=False, clock=True
    )
    osd = simulator.state.osd(1)
    assert osd["String"] == "Front door"
    assert osd["TextEnabled"] == "yes"
    assert osd["DateEnabled"] == "no"
    assert osd["ClockEnabled"] == "yes"
    await call_device_action(
        hass, entry, "set_osd_text", text_enabled=False, commit=True
    )
    assert simulator.state.osd(1)["TextEnabled"] == "no"
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, "set_osd_text", commit=True)
    assert err.value.translation_key == "nothing_to_set"
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "set_osd_text", clock=False)
    assert err.value.translation_key == "set_osd_failed"


async def test_sync_time(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """sync_time and its button set the device clock from HA's (GMT)."""
    simulator.set_clock_offset(3600)
    await call_device_action(hass, entry, "sync_time")
    assert abs(simulator.state.now() - dt_util.utcnow()) < timedelta(seconds=5)
    simulator.set_clock_offset(-7200)
    await hass.services.async_call(
        "button",
        "press",
        {"entity_id": "button.cgi_camera_sync_clock"},
        blocking=True,
    )
    assert abs(simulator.state.now() - dt_util.utcnow()) < timedelta(seconds=5)
    simulator.faults.status_next(500)
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "sync_time")
    assert err.value.translation_key == "sync_time_failed"


async def test_storage(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Mount, unmount, remove a recording and format."""
    storage = simulator.state.storage
    await call_device_action(hass, entry, "storage_unmount")
    assert storage.status == "unmounted"
    await call_device_action(hass, entry, "storage_mount", disk_id="SD_DISK")
    assert storage.status == "ok"
    first = storage.recordings[0].recording_id
    await call_device_action(
        hass, entry, "storage_remove_recording", recording_id=first
    )
    assert first not in [r.recording_id for r in storage.recordings]
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call_device_action(
            hass, entry, "storage_remove_recording", recording_id="all"
        )
    assert err.value.translation_key == "confirm_required"
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, "storage_format", confirm=False)
    assert err.value.translation_key == "confirm_required"
    await call_device_action(hass, entry, "storage_format", confirm=True)
    assert storage.recordings == []


async def test_storage_refused(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """No card in the slot: the device refuses."""
    simulator.set_sd("absent")
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "storage_mount")
    assert not isinstance(err.value, ServiceValidationError)
    with pytest.raises(HomeAssistantError):
        await call_device_action(
            hass, entry, "storage_remove_recording", recording_id="x"
        )


async def test_storage_without_card(
    hass: HomeAssistant, simulator_factory: SimulatorFactory, setup: SetupIntegration
) -> None:
    """A device without SD card: refused before any request."""
    sim = await simulator_factory(sd_card=False)
    entry = await setup(sim)
    for service, data in (
        ("storage_mount", {}),
        ("storage_unmount", {}),
        ("storage_format", {"confirm": True}),
        ("storage_remove_recording", {"recording_id": "abc"}),
    ):
        with no_request(sim), pytest.raises(ServiceValidationError) as err:
            await call_device_action(hass, entry, service, **data)
        assert err.value.translation_key == "no_sd_card"


async def _save_backup(hass: HomeAssistant) -> Path:
    events = []
    hass.bus.async_listen(EVENT_BACKUP_SAVED, events.append)
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.cgi_camera_backup"}, blocking=True
    )
    await hass.async_block_till_done()
    return Path(events[-1].data["path"])


async def test_restore_backup(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A backup the button saved is restored, by bare name or full path."""
    path = await _save_backup(hass)
    simulator.params["Image.I0.Text.String"] = "changed"
    await call_device_action(hass, entry, "restore_backup", file=path.name)
    assert simulator.params["Image.I0.Text.String"] != "changed"
    await simulator.wait_until_up()
    await call_device_action(hass, entry, "restore_backup", file=str(path))


async def test_restore_refused_by_device(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """A file that is not a backup of this unit: the device refuses."""
    folder = Path(hass.config.path("cgi_camera", "backups"))
    await hass.async_add_executor_job(lambda: folder.mkdir(parents=True))
    await hass.async_add_executor_job((folder / "junk.tar").write_bytes, b"junk")
    with pytest.raises(HomeAssistantError) as err:
        await call_device_action(hass, entry, "restore_backup", file="junk.tar")
    assert not isinstance(err.value, ServiceValidationError)


async def test_restore_only_from_backups_folder(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry, tmp_path: Path
) -> None:
    """Paths outside the folder, .., links and folders are refused."""
    path = await _save_backup(hass)
    folder = path.parent
    outside = tmp_path / "outside.tar"

    def prepare() -> None:
        outside.write_bytes(path.read_bytes())
        (folder / "link_out.tar").symlink_to(outside)
        (folder / "link_in.tar").symlink_to(path)
        (folder / "sub").mkdir()
        (folder / "sub" / "x.tar").write_bytes(b"x")
        (folder / "dir.tar").mkdir()
        os.symlink(folder, tmp_path / "alias")

    await hass.async_add_executor_job(prepare)
    refused = {
        str(outside): "backup_outside_folder",
        "/etc/passwd": "backup_outside_folder",
        f"../../{outside.name}": "backup_outside_folder",
        f"{folder}/../../outside.tar": "backup_outside_folder",
        "link_out.tar": "backup_outside_folder",
        "link_in.tar": "backup_outside_folder",
        "sub/x.tar": "backup_outside_folder",
        "dir.tar": "backup_outside_folder",
        "missing.tar": "backup_not_found",
    }
    for file, key in refused.items():
        with no_request(simulator), pytest.raises(ServiceValidationError) as err:
            await call_device_action(hass, entry, "restore_backup", file=file)
        assert err.value.translation_key == key, file
    with (
        patch("custom_components.cgi_camera.device_actions.MAX_BACKUP_BYTES", 10),
        no_request(simulator),
        pytest.raises(ServiceValidationError) as err,
    ):
        await call_device_action(hass, entry, "restore_backup", file=path.name)
    assert err.value.translation_key == "backup_too_large"
    # Through a link to the folder itself the file is still in the folder.
    await call_device_action(
        hass, entry, "restore_backup", file=str(tmp_path / "alias" / path.name)
    )


async def test_factory_default(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """Soft and hard factory default need confirm: true."""
    simulator.params["Image.I0.Text.String"] = "changed"
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, "factory_default")
    assert err.value.translation_key == "confirm_required"
    await call_device_action(hass, entry, "factory_default", confirm=True)
    assert simulator.params["Image.I0.Text.String"] != "changed"
    assert "Factory default" in simulator.state.log[-1]
    await simulator.wait_until_up()
    await call_device_action(hass, entry, "factory_default", mode="hard", confirm=True)
    assert "(hard)" in simulator.state.log[-1]


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("set_parameters", {"parameters": {}}, "invalid_argument"),
    ("set_parameters", {"parameters": "a=b"}, "invalid_argument"),
    ("set_parameters", {"parameters": {"bad name": "x"}}, "invalid_argument"),
    ("set_parameters", {"parameters": {"A.B": ["x"]}}, "invalid_argument"),
    ("set_parameters", {"parameters": {"A.B": "x\ny"}}, "invalid_argument"),
    (
        "set_parameters",
        {"parameters": {f"A.B{i}": "x" for i in range(201)}},
        "invalid_argument",
    ),
    ("set_parameters", {"parameters": []}, "invalid_argument"),
    ("set_parameters", {"parameters": [{"name": "A.B"}]}, "invalid_argument"),
    ("set_parameters", {"parameters": ["A.B=x"]}, "invalid_argument"),
    (
        "set_parameters",
        {"parameters": [{"name": "bad name", "value": "x"}]},
        "invalid_argument",
    ),
    (
        "set_parameters",
        {"parameters": [{"name": "A.B", "value": "1"}, {"name": "A.B", "value": "2"}]},
        "invalid_argument",
    ),
    ("set_parameters", {}, "invalid_argument"),
    ("get_parameters", {"parameters": ["Network&x=1"]}, "invalid_argument"),
    ("get_parameters", {"parameters": []}, "invalid_argument"),
    ("get_parameters", {"parameters": 5}, "invalid_argument"),
    ("get_system_log", {"lines": 0}, "value_out_of_range"),
    ("get_system_log", {"lines": 5001}, "value_out_of_range"),
    ("get_system_log", {"lines": "many"}, "invalid_argument"),
    ("get_system_log", {"lines": 2.5}, "invalid_argument"),
    ("set_osd_text", {"text": "x" * 129}, "invalid_argument"),
    ("set_osd_text", {"text": "a\nb"}, "invalid_argument"),
    ("set_osd_text", {"text": ["x"]}, "invalid_argument"),
    ("set_osd_text", {"date": "perhaps"}, "invalid_argument"),
    ("storage_mount", {"disk_id": "../x"}, "invalid_argument"),
    ("storage_remove_recording", {"recording_id": "a&b"}, "invalid_argument"),
    ("storage_remove_recording", {}, "invalid_argument"),
    ("restore_backup", {"file": ""}, "invalid_argument"),
    ("upgrade_firmware", {"file": "", "confirm": True}, "invalid_argument"),
    (
        "upgrade_firmware",
        {"file": "a.bin", "type": "beta", "confirm": True},
        "invalid_argument",
    ),
    ("factory_default", {"mode": "medium", "confirm": True}, "invalid_argument"),
    ("factory_default", {"confirm": "maybe"}, "invalid_argument"),
    ("sync_time", {"device_id": "0123456789abcdef"}, "invalid_argument"),
    ("sync_time", {"unknown_field": 1}, "invalid_argument"),
]


@pytest.mark.parametrize(("service", "data", "key"), INVALID)
async def test_invalid_values(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    """Wrong values: translated ServiceValidationError, no request."""
    with no_request(simulator), pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, service, **data)
    assert err.value.translation_key == key


async def test_targets(
    hass: HomeAssistant, simulator: Simulator, entry: MockConfigEntry
) -> None:
    """One required config entry: ours and loaded, else a translated error."""
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "invalid_argument"),
        ({"config_entry_id": None}, "invalid_argument"),
        ({"config_entry_id": "nope"}, "entry_not_found"),
        ({"config_entry_id": other.entry_id}, "entry_not_found"),
    ]
    for data, key in cases:
        with no_request(simulator), pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(DOMAIN, "sync_time", data, blocking=True)
        assert err.value.translation_domain == DOMAIN
        assert err.value.translation_key == key, data
    await hass.config_entries.async_unload(entry.entry_id)
    with pytest.raises(ServiceValidationError) as err:
        await call_device_action(hass, entry, "sync_time")
    assert err.value.translation_key == "entry_not_loaded"
    assert err.value.translation_placeholders == {"name": entry.title}


# Every device action, with values it succeeds with.
ADMIN_CALLS: list[tuple[str, dict[str, Any]]] = [
    ("set_parameters", {"parameters": {"Image.I0.Text.String": "Gate"}}),
    ("get_parameters", {"parameters": "Image.I0.Text"}),
    ("get_system_log", {"lines": 10}),
    ("ip_filter_list", {}),
    ("ip_filter_add", {"addresses": "10.0.0.0/8"}),
    ("ip_filter_remove", {"addresses": ["<added>"]}),
    ("rotate_password", {}),
    ("set_osd_text", {"text": "Gate"}),
    ("sync_time", {}),
    ("storage_mount", {}),
    ("storage_unmount", {}),
    ("storage_format", {"confirm": True}),
    ("storage_remove_recording", {"recording_id": "all", "confirm": True}),
    ("restore_backup", {"file": "<saved>"}),
    ("upgrade_firmware", {"file": "<firmware>", "confirm": True}),
    ("factory_default", {"mode": "soft", "confirm": True}),
    ("list_motion_windows", {}),
    ("add_motion_window", {"name": "Gate", "top": 500, "bottom": 7000}),
    ("update_motion_window", {"window": "<window>", "left": 10}),
    ("remove_motion_window", {"windows": "<window>"}),
]


async def test_every_device_action_is_covered(
    hass: HomeAssistant, entry: MockConfigEntry
) -> None:
    """ADMIN_CALLS lists every device action (all but the entity actions)."""
    services = hass.services.async_services_for_domain(DOMAIN)
    device_actions = {name for name in services if not name.startswith("ptz_")} - {
        "pulse_output",
        "record_clip",
    }
    assert {service for service, _ in ADMIN_CALLS} == device_actions


@pytest.mark.parametrize(("service", "data"), ADMIN_CALLS)
async def test_admin_only(
    hass: HomeAssistant,
    simulator: Simulator,
    entry: MockConfigEntry,
    hass_read_only_user: MockUser,
    hass_admin_user: MockUser,
    monkeypatch: pytest.MonkeyPatch,
    service: str,
    data: dict[str, Any],
) -> None:
    """A non-admin user gets Unauthorized (nothing sent); an admin succeeds."""
    if data.get("file") == "<saved>":
        data = {"file": (await _save_backup(hass)).name}
    if data.get("file") == "<firmware>":
        folder = Path(hass.config.path("cgi_camera", "firmware"))
        await hass.async_add_executor_job(lambda: folder.mkdir(parents=True))
        await hass.async_add_executor_job((folder / "fw.bin").write_bytes, b"x")
        data = {**data, "file": "fw.bin"}
        # The same version, still answering: done without waiting for a restart.
        monkeypatch.setattr(simulator, "schedule_reboot", lambda **_: None)
        monkeypatch.setattr(
            "custom_components.cgi_camera.firmware.UPGRADE_DOWN_SECONDS", 0
        )
    if "<window>" in data.values():
        window, _ = simulator.state.params.add("Motion", "motion", [], force=False)
        data = {
            key: window if value == "<window>" else value for key, value in data.items()
        }
    if data.get("addresses") == ["<added>"]:
        simulator.state.ipfilter.addresses = ["10.0.0.0/8"]
        data = {"addresses": "10.0.0.0/8"}
    user_group = await hass.auth.async_get_group(GROUP_ID_USER)
    user = MockUser(groups=[user_group]).add_to_hass(hass)
    for caller in (hass_read_only_user, user):
        with no_request(simulator), pytest.raises(Unauthorized):
            await call_device_action(
                hass, entry, service, Context(user_id=caller.id), **data
            )
    with no_request(simulator), pytest.raises(Unauthorized):
        await call_device_action(
            hass, entry, service, Context(user_id="no-such-user"), **data
        )
    before = simulator.counters.total_requests
    await call_device_action(
        hass, entry, service, Context(user_id=hass_admin_user.id), **data
    )
    assert simulator.counters.total_requests > before
