"""The integration's actions, registered once in async_setup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import inspect
from typing import TYPE_CHECKING, Any, cast

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import (
    config_validation as cv,
    entity_registry as er,
    service as service_helper,
)
import voluptuous as vol

from .const import (
    ATTR_COUNT,
    ATTR_OFF_MS,
    ATTR_ON_MS,
    DOMAIN,
    SERVICE_PULSE_OUTPUT,
)
from .device_actions import async_setup_device_services
from .ptz import async_setup_ptz_services

if TYPE_CHECKING:
    from homeassistant.helpers.entity import Entity

    from . import CgiCameraConfigEntry

PULSE_OUTPUT_SCHEMA: dict[vol.Marker, Any] = {
    vol.Required(ATTR_ON_MS): vol.Coerce(int),
    vol.Required(ATTR_OFF_MS): vol.Coerce(int),
    vol.Optional(ATTR_COUNT, default=1): vol.Coerce(int),
}


async def _async_extract_entity_ids(hass: HomeAssistant, call: ServiceCall) -> set[str]:
    """Return the entity ids a call targets (directly, or via device/area).

    Home Assistant 2025.4 takes ``(hass, call)``; newer versions take only
    ``(call)`` (the call knows its hass).
    """
    extract = cast(
        "Callable[..., Awaitable[set[str]]]", service_helper.async_extract_entity_ids
    )
    if "hass" in inspect.signature(extract).parameters:
        return await extract(hass, call)
    return await extract(call)  # pragma: no cover - Home Assistant >= 2025.x


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register every action of the integration."""
    async_register_entity_action(
        hass,
        SERVICE_PULSE_OUTPUT,
        PULSE_OUTPUT_SCHEMA,
        "async_pulse_output",
        Platform.SWITCH,
    )
    async_setup_ptz_services(hass)
    async_setup_device_services(hass)


@callback
def async_register_entity_action(
    hass: HomeAssistant,
    service: str,
    schema: dict[vol.Marker, Any],
    method: str,
    entity_domain: Platform,
) -> None:
    """Register an action that targets this integration's entities.

    It is registered from ``async_setup`` so that it exists (and validates
    automations) whether or not a config entry is loaded. The handler resolves
    the targeted entities of ``entity_domain`` that belong to this integration
    and awaits ``method`` on each with the call's data.
    """

    async def handle(call: ServiceCall) -> None:
        registry = er.async_get(hass)
        data = {
            key: value
            for key, value in call.data.items()
            if key not in cv.ENTITY_SERVICE_FIELDS
        }
        targets: list[Entity] = []
        for entity_id in sorted(await _async_extract_entity_ids(hass, call)):
            entry_ = registry.async_get(entity_id)
            if (
                entry_ is None
                or entry_.platform != DOMAIN
                or entry_.domain != entity_domain
            ):
                continue
            config_entry = (
                hass.config_entries.async_get_entry(entry_.config_entry_id)
                if entry_.config_entry_id
                else None
            )
            entity = None
            if (
                config_entry is not None
                and config_entry.state is ConfigEntryState.LOADED
            ):
                runtime = cast("CgiCameraConfigEntry", config_entry).runtime_data
                entity = runtime.entities.get(entity_id)
            if entity is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="entity_not_loaded",
                    translation_placeholders={"entity_id": entity_id},
                )
            targets.append(entity)
        if not targets:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="no_target",
                translation_placeholders={"service": service},
            )
        for entity in targets:
            func = cast("Callable[..., Awaitable[None]]", getattr(entity, method))
            await func(**data)

    hass.services.async_register(
        DOMAIN, service, handle, schema=cv.make_entity_service_schema(schema)
    )
