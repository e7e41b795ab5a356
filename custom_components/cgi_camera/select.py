"""PTZ preset select: one per PTZ source; picking a preset moves there."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraEntity
from .ptz import (
    PtzTarget,
    async_goto_preset,
    async_load_source,
    async_run,
    ptz_sources,
    source_translation,
)
from .runtime import CgiCameraConfigEntry

# One device action at a time.
PARALLEL_UPDATES = 1

PRESET_DESCRIPTION = SelectEntityDescription(key="ptz_preset")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a preset select per PTZ source; learn each source's commands."""
    runtime = entry.runtime_data
    entities = []
    for source in ptz_sources(runtime):
        await async_load_source(runtime, source)
        entities.append(CgiCameraPresetSelect(runtime.coordinator, source))
    async_add_entities(entities)


class CgiCameraPresetSelect(CgiCameraEntity, SelectEntity):
    """The server presets of one PTZ source.

    Unavailable while the source has no preset: a select with nothing to
    choose would offer nothing. It becomes available when ptz_set_preset saves
    the first preset, and unavailable again when ptz_remove_preset removes the
    last one.
    """

    _attr_current_option = None

    def __init__(self, coordinator: CgiCameraCoordinator, source: int) -> None:
        """Initialise the select of ``source``."""
        super().__init__(coordinator, PRESET_DESCRIPTION, source)
        self.source = source
        runtime = coordinator.config_entry.runtime_data
        self._attr_translation_key, self._attr_translation_placeholders = (
            source_translation(runtime, "ptz_preset", source)
        )
        self._async_read_presets()

    async def async_added_to_hass(self) -> None:
        """Follow preset changes (set/remove actions)."""
        await super().async_added_to_hass()
        runtime = self.coordinator.config_entry.runtime_data
        self.async_on_remove(
            runtime.ptz.async_add_preset_listener(
                self.source, self._async_presets_changed
            )
        )

    @property
    def available(self) -> bool:
        """Return whether the device is reachable and has presets to choose."""
        return super().available and bool(self._attr_options)

    @callback
    def _async_read_presets(self) -> None:
        runtime = self.coordinator.config_entry.runtime_data
        presets = runtime.ptz.source(self.source).presets or ()
        self._attr_options = list(
            dict.fromkeys(p.name or str(p.number) for p in presets)
        )
        if self._attr_current_option not in self._attr_options:
            self._attr_current_option = None

    @callback
    def _async_presets_changed(self) -> None:
        self._async_read_presets()
        self.async_write_ha_state()

    async def async_select_option(self, option: str) -> None:
        """Move to the preset."""
        runtime = self.coordinator.config_entry.runtime_data
        presets = runtime.ptz.source(self.source).presets or ()
        preset = next((p for p in presets if (p.name or str(p.number)) == option), None)
        target = PtzTarget(
            self.hass, self.coordinator.config_entry, self.source, self.entity_id
        )
        value: int | str = option if preset is None or preset.name else preset.number
        await async_run(target, lambda t, _d: async_goto_preset(t, value), {})
        self._attr_current_option = option
        self.async_write_ha_state()
