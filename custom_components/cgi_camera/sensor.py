"""SD card sensors (only with an SD card), PTZ position and accounts sensors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfInformation
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .accounts_sensor import AccountsSensor
from .coordinator import StorageState
from .entity import CgiCameraEntity
from .ptz_sensor import build_ptz_sensors

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

# Read-only; the coordinator does all requests.
PARALLEL_UPDATES = 0

# StorageState.status: a non-OK status word, else the disk's readonly, locked
# or full attribute (in that order), else ok; any other word shows as error.
STORAGE_STATUSES = ["ok", "full", "readonly", "locked", "unmounted", "absent", "error"]


@dataclass(frozen=True, kw_only=True)
class CgiCameraSensorDescription(SensorEntityDescription):
    """A storage sensor: how to read its value."""

    value_fn: Callable[[StorageState], float | int | str | None]
    # False for sensors that still mean something with no mounted card.
    needs_mounted_card: bool = True


def _used_percent(state: StorageState) -> float | None:
    disk = state.disk
    if disk is None or disk.total_kib <= 0:
        return None
    return round(100 * (disk.total_kib - disk.free_kib) / disk.total_kib, 1)


def _status(state: StorageState) -> str:
    status = state.status
    return status if status in STORAGE_STATUSES else "error"


SENSORS: tuple[CgiCameraSensorDescription, ...] = (
    CgiCameraSensorDescription(
        key="sd_total",
        translation_key="sd_total",
        device_class=SensorDeviceClass.DATA_SIZE,
        native_unit_of_measurement=UnitOfInformation.KIBIBYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIBIBYTES,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.disk.total_kib if state.disk else None,
    ),
    CgiCameraSensorDescription(
        key="sd_free",
        translation_key="sd_free",
        device_class=SensorDeviceClass.DATA_SIZE,
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=UnitOfInformation.KIBIBYTES,
        suggested_unit_of_measurement=UnitOfInformation.GIBIBYTES,
        suggested_display_precision=2,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda state: state.disk.free_kib if state.disk else None,
    ),
    CgiCameraSensorDescription(
        key="sd_used",
        translation_key="sd_used",
        state_class=SensorStateClass.MEASUREMENT,
        native_unit_of_measurement=PERCENTAGE,
        suggested_display_precision=1,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_used_percent,
    ),
    CgiCameraSensorDescription(
        key="sd_status",
        translation_key="sd_status",
        device_class=SensorDeviceClass.ENUM,
        options=STORAGE_STATUSES,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=_status,
        needs_mounted_card=False,
    ),
    CgiCameraSensorDescription(
        key="sd_recordings",
        translation_key="sd_recordings",
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda state: state.recordings,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the PTZ and accounts sensors, the storage ones with an SD card."""
    coordinator = entry.runtime_data.coordinator
    async_add_entities(build_ptz_sensors(entry))  # PTZ position (ptz_sensor.py)
    async_add_entities([AccountsSensor(coordinator)])  # accounts_sensor.py
    if not coordinator.device.capabilities.sd_card:
        return
    async_add_entities(
        CgiCameraStorageSensor(coordinator, description) for description in SENSORS
    )


class CgiCameraStorageSensor(CgiCameraEntity, SensorEntity):
    """One value of the SD card."""

    entity_description: CgiCameraSensorDescription

    async def async_added_to_hass(self) -> None:
        """Ask the coordinator for the recordings count while it is shown."""
        await super().async_added_to_hass()
        if self.entity_description.key == "sd_recordings":
            self.coordinator.recordings_wanted += 1
            self.async_on_remove(self._async_unwant_recordings)
            await self.coordinator.async_request_storage_refresh()

    def _async_unwant_recordings(self) -> None:
        self.coordinator.recordings_wanted -= 1

    @property
    def _storage(self) -> StorageState | None:
        return self.coordinator.data.storage

    @property
    def available(self) -> bool:
        """Return whether the value means something right now."""
        storage = self._storage
        if not super().available or storage is None:
            return False
        if self.entity_description.needs_mounted_card and not storage.usable:
            return False
        return self.native_value is not None

    @property
    def native_value(self) -> float | int | str | None:
        """Return the value."""
        storage = self._storage
        if storage is None:
            return None
        return self.entity_description.value_fn(storage)
