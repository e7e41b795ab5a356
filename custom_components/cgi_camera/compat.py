"""Home Assistant helpers the oldest supported version (2025.4) lacks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Iterable
import inspect
from typing import Any

from homeassistant.core import (
    HassJobType,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import Unauthorized, UnknownUser
from homeassistant.helpers import config_validation as cv, service
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
    admin_only: bool = False,
) -> None:
    """Register an entity action of this integration's ``entity_domain`` entities.

    Home Assistant's own helper (2025.9+) when it exists. On older versions
    the same: an entity service over the dict in which the entity platforms
    of ``(entity_domain, service_domain)`` keep their entities, created here
    the way ``EntityPlatform`` creates it, so both use the same dict.

    ``admin_only`` is the helper's own option (2026.8+); before, the same
    check runs in front of ``func`` (:func:`_admin_entity_func`).
    """
    register = getattr(service, "async_register_platform_entity_service", None)
    options: dict[str, Any] = {}
    if admin_only and register is not None and _accepts(register, "admin_only"):
        options["admin_only"] = True
    elif admin_only:
        func = _admin_entity_func(hass, func)
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
            **options,
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


@callback
def async_register_admin_service(
    hass: HomeAssistant,
    domain: str,
    service_name: str,
    service_func: Callable[[ServiceCall], Awaitable[ServiceResponse]],
    schema: VolSchemaType,
    *,
    supports_response: SupportsResponse = SupportsResponse.NONE,
) -> None:
    """Register an admin-only action with Home Assistant's helper.

    The helper takes ``supports_response`` from 2025.6 on. Before, an action
    with a response is registered as the helper registers one: the same admin
    check (:func:`_async_require_admin`), then the function, whose response
    is kept.
    """
    register: Callable[..., None] = service.async_register_admin_service
    if supports_response is SupportsResponse.NONE:
        register(hass, domain, service_name, service_func, schema)
    elif _accepts(register, "supports_response"):
        register(
            hass,
            domain,
            service_name,
            service_func,
            schema,
            supports_response=supports_response,
        )
    else:

        async def admin_handler(call: ServiceCall) -> ServiceResponse:
            await _async_require_admin(hass, call)
            return await service_func(call)

        hass.services.async_register(
            domain, service_name, admin_handler, schema, supports_response
        )


def _accepts(func: Callable[..., Any], parameter: str) -> bool:
    """Whether ``func`` (a Home Assistant helper) has the keyword ``parameter``."""
    return parameter in inspect.signature(func).parameters


async def _async_require_admin(hass: HomeAssistant, call: ServiceCall) -> None:
    """Home Assistant's check of admin actions (``_async_admin_handler``).

    Calls without a user (automations, scripts) pass.
    """
    if user_id := call.context.user_id:
        user = await hass.auth.async_get_user(user_id)
        if user is None:
            raise UnknownUser(context=call.context, user_id=user_id)
        if not user.is_admin:
            raise Unauthorized(context=call.context, user_id=user_id)


def _admin_entity_func(
    hass: HomeAssistant, func: str | Callable[..., Any]
) -> Callable[[Any, ServiceCall], Coroutine[Any, Any, Any]]:
    """``func`` behind the admin check, for helpers without ``admin_only``."""

    async def handle(entity: Any, call: ServiceCall) -> Any:
        await _async_require_admin(hass, call)
        if isinstance(func, str):
            data = {
                key: value
                for key, value in call.data.items()
                if key not in cv.ENTITY_SERVICE_FIELDS
            }
            return await getattr(entity, func)(**data)
        return await func(entity, call)

    return handle
