"""SD card status from the disk's readonly, locked and full attributes (spec 5.9.3).

``status="OK"`` next to ``full="yes"`` is a full card. Precedence: a status
word other than OK, then readonly, locked, full.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from homeassistant.const import STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
import pytest

from custom_components.cgi_camera.api import StorageDisk
from custom_components.cgi_camera.coordinator import StorageState
from custom_components.cgi_camera.sensor import STORAGE_STATUSES, _used_percent
from simulator import Simulator
from tests.helpers import SetupIntegration, wait_for_state

STATUS = "sensor.cgi_camera_sd_card_status"
FREE = "sensor.cgi_camera_sd_card_free_space"
TOTAL = "sensor.cgi_camera_sd_card_size"
USED = "sensor.cgi_camera_sd_card_used"
COMPONENT = Path(__file__).parent.parent / "custom_components" / "cgi_camera"


def _disk(
    status: str = "OK",
    *,
    readonly: bool = False,
    locked: bool = False,
    full: bool = False,
) -> StorageDisk:
    return StorageDisk(
        disk_id="SD_DISK",
        total_kib=124048,
        free_kib=1000,
        cleanup_level=95,
        cleanup_max_age=1,
        cleanup_policy="none",
        locked=locked,
        full=full,
        readonly=readonly,
        status=status,
    )


@pytest.mark.parametrize(
    ("disk", "status", "usable"),
    [
        (_disk(), "ok", True),
        (_disk(full=True), "full", True),
        (_disk(readonly=True), "readonly", True),
        (_disk(locked=True), "locked", True),
        (_disk(readonly=True, locked=True, full=True), "readonly", True),
        (_disk(locked=True, full=True), "locked", True),
        (_disk(" ok ", full=True), "full", True),
        (_disk("full"), "full", True),
        (_disk("unmounted", readonly=True, full=True), "unmounted", False),
        (_disk("Error", locked=True), "error", False),
        (_disk("", full=True), "full", True),
        (_disk(""), "unknown", False),
        (None, "absent", False),
    ],
)
def test_status_precedence_and_usable(
    disk: StorageDisk | None, status: str, usable: bool
) -> None:
    """A non-OK status word first, then readonly, locked, full; sizes stay usable."""
    state = StorageState(disk=disk)
    assert state.status == status
    assert state.usable is usable


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"full": True}, "full"),
        ({"readonly": True}, "readonly"),
        ({"locked": True}, "locked"),
        ({"readonly": True, "locked": True, "full": True}, "readonly"),
        ({"locked": True, "full": True}, "locked"),
    ],
)
async def test_status_sensor_shows_the_disk_attributes(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    flags: dict[str, bool],
    expected: str,
) -> None:
    """Status OK with a flag: the sensor shows the flag; the sizes stay shown."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    assert hass.states.get(STATUS).state == "ok"
    simulator.set_sd("ok", **flags)
    await entry.runtime_data.coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, expected)
    for entity_id in (FREE, TOTAL, USED):
        assert hass.states.get(entity_id).state != STATE_UNAVAILABLE, entity_id
    assert float(hass.states.get(TOTAL).state) > 0


async def test_status_word_wins_over_the_attributes(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """An unmounted card that also says readonly is unmounted (sizes unavailable)."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    simulator.set_sd("unmounted", readonly=True, locked=True)
    await entry.runtime_data.coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, "unmounted")
    assert hass.states.get(FREE).state == STATE_UNAVAILABLE
    simulator.set_sd("readonly")  # the simulator's readonly: status OK + attribute
    await entry.runtime_data.coordinator.async_refresh_storage()
    await wait_for_state(hass, STATUS, "readonly")
    assert hass.states.get(FREE).state != STATE_UNAVAILABLE


def test_every_status_is_translated_and_has_an_icon() -> None:
    """The enum options, their English names and icons agree."""
    strings = json.loads((COMPONENT / "strings.json").read_text())
    icons = json.loads((COMPONENT / "icons.json").read_text())
    states = strings["entity"]["sensor"]["sd_status"]["state"]
    assert set(states) == set(STORAGE_STATUSES)
    assert {"readonly", "locked", "full"} <= set(
        icons["entity"]["sensor"]["sd_status"]["state"]
    )


async def test_no_storage_data_yet_and_no_size(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Without polled storage: no value, unavailable; a card of size 0: no %."""
    entry = await setup(simulator, platforms=[Platform.SENSOR])
    coordinator = entry.runtime_data.coordinator
    entity = hass.data["sensor"].get_entity(STATUS)
    assert entity.native_value == "ok"
    storage, coordinator.data.storage = coordinator.data.storage, None
    try:
        assert entity.native_value is None
        assert entity.available is False
    finally:
        coordinator.data.storage = storage
    assert _used_percent(StorageState(disk=None)) is None
    empty = dataclasses.replace(_disk(), total_kib=0, free_kib=0)
    assert _used_percent(StorageState(disk=empty)) is None
    assert _used_percent(StorageState(disk=_disk())) == 99.2  # 1000 of 124048 free
