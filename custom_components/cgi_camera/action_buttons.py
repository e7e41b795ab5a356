"""PTZ buttons for dashboards and the sync-time button.

``button.py`` adds the entities this module builds.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.const import EntityCategory

from .coordinator import CgiCameraCoordinator
from .entity import CgiCameraEntity
from .ptz import (
    ZOOM_BUTTON_STEP,
    PtzTarget,
    async_load_source,
    async_move,
    async_relative,
    async_run,
    async_stop,
    ptz_sources,
    source_translation,
)
from .repairs import async_sync_time
from .runtime import CgiCameraConfigEntry


@dataclass(frozen=True, kw_only=True)
class PtzButtonDescription(ButtonEntityDescription):
    """A PTZ button: the info=1 command it needs and what it does."""

    command: str
    press_fn: Callable[[PtzTarget], Awaitable[None]]


def _move(direction: str) -> Callable[[PtzTarget], Awaitable[None]]:
    return lambda target: async_move(target, direction)


def _zoom(steps: int) -> Callable[[PtzTarget], Awaitable[None]]:
    return lambda target: async_relative(target, {"zoom": steps})


PTZ_BUTTONS: tuple[PtzButtonDescription, ...] = (
    PtzButtonDescription(key="ptz_up", command="move", press_fn=_move("up")),
    PtzButtonDescription(key="ptz_down", command="move", press_fn=_move("down")),
    PtzButtonDescription(key="ptz_left", command="move", press_fn=_move("left")),
    PtzButtonDescription(key="ptz_right", command="move", press_fn=_move("right")),
    PtzButtonDescription(
        key="ptz_zoom_in", command="rzoom", press_fn=_zoom(ZOOM_BUTTON_STEP)
    ),
    PtzButtonDescription(
        key="ptz_zoom_out", command="rzoom", press_fn=_zoom(-ZOOM_BUTTON_STEP)
    ),
    PtzButtonDescription(key="ptz_home", command="move", press_fn=_move("home")),
    PtzButtonDescription(
        key="ptz_stop", command="continuouspantiltmove", press_fn=async_stop
    ),
)

SYNC_TIME = ButtonEntityDescription(
    key="sync_time", translation_key="sync_time", entity_category=EntityCategory.CONFIG
)


async def async_build_buttons(entry: CgiCameraConfigEntry) -> list[ButtonEntity]:
    """Return the sync-time button and the PTZ buttons the sources support."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    buttons: list[ButtonEntity] = [CgiCameraSyncTimeButton(coordinator, SYNC_TIME)]
    for source in ptz_sources(runtime):
        info = (await async_load_source(runtime, source)).info
        buttons.extend(
            CgiCameraPtzButton(coordinator, description, source)
            for description in PTZ_BUTTONS
            if info is None or info.supports(description.command)
        )
    return buttons


class CgiCameraSyncTimeButton(CgiCameraEntity, ButtonEntity):
    """Set the device clock from Home Assistant's."""

    async def async_press(self) -> None:
        """Sync the clock."""
        await async_sync_time(self.hass, self.coordinator.config_entry)


class CgiCameraPtzButton(CgiCameraEntity, ButtonEntity):
    """One PTZ step of one source."""

    entity_description: PtzButtonDescription

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        description: PtzButtonDescription,
        source: int,
    ) -> None:
        """Initialise the button of ``source``."""
        super().__init__(coordinator, description, source)
        self.source = source
        self._attr_translation_key, self._attr_translation_placeholders = (
            source_translation(
                coordinator.config_entry.runtime_data, description.key, source
            )
        )

    async def async_press(self) -> None:
        """Send the command."""
        target = PtzTarget(
            self.hass, self.coordinator.config_entry, self.source, self.entity_id
        )
        press = self.entity_description.press_fn
        await async_run(target, lambda t, _d: press(t), {})
