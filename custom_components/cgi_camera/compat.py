"""Home Assistant helpers the oldest supported version (2025.4) lacks."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from homeassistant.core import HassJobType, HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import service
from homeassistant.helpers.entity_platform import DATA_DOMAIN_PLATFORM_ENTITIES
from homeassistant.helpers.typing import VolDictType, VolSchemaType


@callback
def async_register_platform_entity_service(
    hass: HomeAssistant,
    service_domain: str,
    service_name: str,
    *,
    entity_domain: str,
    func: str | Callable[..., Any],
    schema: VolDictType | VolSchemaType | None,
    required_features: Iterable[int] | None = None,
    supports_response: SupportsResponse = SupportsResponse.NONE,
) -> None:
    """Register an entity action of this integration's ``entity_domain`` entities.

    Home Assistant's own helper (2025.9+) when it exists. On older versions
    the same: an entity service over the dict in which the entity platforms
    of ``(entity_domain, service_domain)`` keep their entities, created here
    the way ``EntityPlatform`` creates it, so both use the same dict.
    """
    register = getattr(service, "async_register_platform_entity_service", None)
    if register is not None:
        register(
            hass,
            service_domain,
            service_name,
            entity_domain=entity_domain,
            func=func,
            required_features=required_features,
            schema=schema,
            supports_response=supports_response,
        )
        return
    entities = hass.data.setdefault(DATA_DOMAIN_PLATFORM_ENTITIES, {}).setdefault(
        (entity_domain, service_domain), {}
    )
    service.async_register_entity_service(
        hass,
        service_domain,
        service_name,
        entities=entities,
        func=func,
        job_type=HassJobType.Coroutinefunction,
        required_features=required_features,
        schema=schema,
        supports_response=supports_response,
    )
