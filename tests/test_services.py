"""Actions: registered from async_setup on, with complete schemas and admin rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import Mock, patch

from homeassistant.auth.const import GROUP_ID_USER
from homeassistant.const import ATTR_ENTITY_ID, STATE_OFF, STATE_ON, Platform
from homeassistant.core import Context, HomeAssistant, SupportsResponse
from homeassistant.exceptions import ServiceValidationError, Unauthorized
from homeassistant.helpers import (
    config_validation as cv,
    selector,
    service as service_helper,
)
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockUser
import voluptuous as vol
import yaml

from custom_components.cgi_camera.action_support import ActionSchema
from custom_components.cgi_camera.compat import async_register_platform_entity_service
from custom_components.cgi_camera.const import DOMAIN, SERVICE_PULSE_OUTPUT
from custom_components.cgi_camera.device_actions import (
    SERVICES as DEVICE_SERVICES,
    async_setup_device_services,
)
from simulator import Simulator
from tests.helpers import SetupIntegration

OUTPUT_1 = "switch.cgi_camera_output_1"
SERVICES_YAML: dict[str, Any] = yaml.safe_load(
    (
        Path(__file__).parents[1] / "custom_components" / DOMAIN / "services.yaml"
    ).read_text()
)


async def test_actions_registered_without_entry(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """The actions exist before any entry; a target without entity is logged."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert hass.services.has_service(DOMAIN, SERVICE_PULSE_OUTPUT)
    assert hass.services.has_service(DOMAIN, "ptz_move")
    await hass.services.async_call(
        DOMAIN,
        SERVICE_PULSE_OUTPUT,
        {ATTR_ENTITY_ID: "switch.nothing", "on_ms": 100, "off_ms": 100},
        blocking=True,
    )
    assert "switch.nothing are missing" in caplog.text


def _register_test_action(hass: HomeAssistant, *, admin_only: bool = False) -> None:
    """Register ``cgi_camera.test_action``: turn a relay on (the compat tests)."""
    async_register_platform_entity_service(
        hass,
        DOMAIN,
        "test_action",
        entity_domain="switch",
        func="async_turn_on",
        schema=None,
        admin_only=admin_only,
    )


async def test_compat_uses_home_assistant_helper(hass: HomeAssistant) -> None:
    """Where Home Assistant has the platform entity service helper, it is used."""
    helper = Mock()
    with patch.object(
        service_helper, "async_register_platform_entity_service", helper, create=True
    ):
        _register_test_action(hass)
    helper.assert_called_once_with(
        hass,
        DOMAIN,
        "test_action",
        entity_domain="switch",
        func="async_turn_on",
        required_features=None,
        schema=None,
        supports_response=SupportsResponse.NONE,
    )
    assert not hass.services.has_service(DOMAIN, "test_action")


async def test_compat_fallback_shares_the_platform_dict(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the helper, the action sees the entities the platform adds."""
    monkeypatch.delattr(
        service_helper, "async_register_platform_entity_service", raising=False
    )
    _register_test_action(hass)
    await setup(simulator, platforms=[Platform.SWITCH])
    assert hass.states.get(OUTPUT_1).state == STATE_OFF
    await hass.services.async_call(
        DOMAIN, "test_action", {ATTR_ENTITY_ID: OUTPUT_1}, blocking=True
    )
    assert hass.states.get(OUTPUT_1).state == STATE_ON


# ------------------------------------------------------------------ schemas


def _yaml_fields(service: str) -> dict[str, dict[str, Any]]:
    """The fields services.yaml describes for ``service`` (sections flattened)."""
    fields: dict[str, dict[str, Any]] = {}
    for name, field in ((SERVICES_YAML[service] or {}).get("fields") or {}).items():
        if "fields" in field:  # a section
            fields |= field["fields"]
        else:
            fields[name] = field
    return fields


def _schema_fields(schema: Any) -> dict[str, tuple[vol.Marker, Any]]:
    """The top-level fields of a registered schema, without the entity target."""
    if isinstance(schema, vol.Schema):
        return _schema_fields(schema.schema)
    if isinstance(schema, vol.All):
        fields: dict[str, tuple[vol.Marker, Any]] = {}
        for validator in schema.validators:
            fields |= _schema_fields(validator)
        return fields
    if isinstance(schema, dict):
        target = {str(key) for key in cv.ENTITY_SERVICE_FIELDS} | {"metadata"}
        return {
            str(key): (key, value)
            for key, value in schema.items()
            if str(key) not in target
        }
    return {}


async def test_every_action_has_a_complete_schema(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """Each registered schema validates every field services.yaml describes.

    Same fields, same required ones, same defaults; no field takes anything
    unchecked (``object``), and refusals are translated (ActionSchema).
    """
    await setup(simulator)
    registered = hass.services.async_services_for_domain(DOMAIN)
    assert set(registered) == set(SERVICES_YAML)
    for name, action in registered.items():
        assert isinstance(action.schema, ActionSchema), name
        fields = _schema_fields(action.schema)
        described = _yaml_fields(name)
        assert set(fields) == set(described), name
        for field, (marker, validator) in fields.items():
            where = f"{name}.{field}"
            assert validator is not object, where
            assert callable(validator) or isinstance(validator, dict | list), where
            assert isinstance(marker, vol.Required) == bool(
                described[field].get("required")
            ), where
            if "default" in described[field]:
                assert marker.default() == described[field]["default"], where
        # Device-wide actions: exactly one required config entry, no device_id.
        if "target" not in (SERVICES_YAML[name] or {}):
            marker, _ = fields["config_entry_id"]
            assert isinstance(marker, vol.Required), name
            assert described["config_entry_id"]["selector"] == {
                "config_entry": {"integration": DOMAIN}
            }


def _object_selector_takes_fields() -> bool:
    """Whether this Home Assistant's object selector has ``fields`` (2025.5+)."""
    try:
        selector.validate_selector({"object": {"fields": {}}})
    except vol.Invalid:
        return False
    return True


def test_every_selector_is_valid() -> None:
    """Home Assistant accepts every target and field selector of services.yaml."""
    checked = 0
    for service, description in SERVICES_YAML.items():
        if target := (description or {}).get("target"):
            selector.validate_selector({"target": target})
        for field in _yaml_fields(service).values():
            config = field["selector"]
            if "object" in config:
                # No free-form object: an object field lists its own fields.
                assert config["object"]["fields"], service
                if not _object_selector_takes_fields():
                    continue  # 2025.4's action editor shows YAML there
            selector.validate_selector(config)
            checked += 1
    assert checked


async def test_pulse_output_schema(
    hass: HomeAssistant, simulator: Simulator, setup: SetupIntegration
) -> None:
    """pulse_output refuses missing, unknown and out-of-range fields, translated."""
    await setup(simulator, platforms=[Platform.SWITCH])
    before = simulator.counters.total_requests
    for data, key in (
        ({"off_ms": 100}, "invalid_argument"),
        ({"on_ms": 100, "off_ms": 100, "speed": 1}, "invalid_argument"),
        ({"on_ms": 100, "off_ms": 100, "count": 101}, "value_out_of_range"),
        ({"on_ms": 9, "off_ms": 100}, "value_out_of_range"),
        ({"on_ms": 0, "off_ms": 500}, "value_out_of_range"),
        ({"on_ms": 300, "off_ms": 5}, "value_out_of_range"),
        ({"on_ms": 300, "off_ms": 500, "count": 0}, "value_out_of_range"),
        ({"on_ms": 3_600_001, "off_ms": 500}, "value_out_of_range"),
    ):
        with pytest.raises(ServiceValidationError) as err:
            await hass.services.async_call(
                DOMAIN,
                SERVICE_PULSE_OUTPUT,
                {ATTR_ENTITY_ID: OUTPUT_1, **data},
                blocking=True,
            )
        assert err.value.translation_domain == DOMAIN
        assert err.value.translation_key == key, data
    assert simulator.counters.total_requests == before


# -------------------------------------------------------------- admin rules


async def test_device_actions_use_home_assistant_admin_helper(
    hass: HomeAssistant,
) -> None:
    """Every device action goes through async_register_admin_service.

    A helper that takes supports_response (2025.6+) gets it; older ones get
    the actions without a response (get_parameters is then bridged, see
    tests/test_device_actions.py::test_admin_only).
    """
    registered: dict[str, SupportsResponse] = {}

    def helper(
        hass: HomeAssistant,
        domain: str,
        service: str,
        service_func: Any,
        schema: Any = None,
        supports_response: SupportsResponse = SupportsResponse.NONE,
    ) -> None:
        assert domain == DOMAIN
        assert isinstance(schema, ActionSchema)
        registered[service] = supports_response

    with patch.object(service_helper, "async_register_admin_service", helper):
        async_setup_device_services(hass)
    assert registered == {service.name: service.response for service in DEVICE_SERVICES}
    assert registered["get_parameters"] is SupportsResponse.ONLY
    assert not hass.services.has_service(DOMAIN, "get_parameters")


async def test_compat_admin_only_uses_home_assistant_option(
    hass: HomeAssistant,
) -> None:
    """A platform entity service helper with admin_only (2026.8+) gets it."""
    calls: list[dict[str, Any]] = []

    def helper(
        hass: HomeAssistant,
        service_domain: str,
        service_name: str,
        *,
        entity_domain: str,
        func: Any,
        schema: Any,
        required_features: Any = None,
        supports_response: SupportsResponse = SupportsResponse.NONE,
        admin_only: bool = False,
    ) -> None:
        calls.append({"func": func, "admin_only": admin_only})

    with patch.object(
        service_helper, "async_register_platform_entity_service", helper, create=True
    ):
        _register_test_action(hass, admin_only=True)
    assert calls == [{"func": "async_turn_on", "admin_only": True}]


async def test_compat_admin_only_without_the_option(hass: HomeAssistant) -> None:
    """A helper without admin_only gets the function behind the admin check."""
    helper = Mock()
    with patch.object(
        service_helper, "async_register_platform_entity_service", helper, create=True
    ):
        _register_test_action(hass, admin_only=True)
    func = helper.call_args.kwargs["func"]
    assert callable(func)
    assert "admin_only" not in helper.call_args.kwargs


async def test_compat_admin_only_fallback(
    hass: HomeAssistant,
    simulator: Simulator,
    setup: SetupIntegration,
    monkeypatch: pytest.MonkeyPatch,
    hass_admin_user: MockUser,
) -> None:
    """Without the helper: a user who controls the relay is refused, an admin not."""
    monkeypatch.delattr(
        service_helper, "async_register_platform_entity_service", raising=False
    )
    _register_test_action(hass, admin_only=True)
    await setup(simulator, platforms=[Platform.SWITCH])
    user_group = await hass.auth.async_get_group(GROUP_ID_USER)
    user = MockUser(groups=[user_group]).add_to_hass(hass)
    with pytest.raises(Unauthorized):
        await hass.services.async_call(
            DOMAIN,
            "test_action",
            {ATTR_ENTITY_ID: OUTPUT_1},
            blocking=True,
            context=Context(user_id=user.id),
        )
    assert hass.states.get(OUTPUT_1).state == STATE_OFF
    await hass.services.async_call(
        DOMAIN,
        "test_action",
        {ATTR_ENTITY_ID: OUTPUT_1},
        blocking=True,
        context=Context(user_id=hass_admin_user.id),
    )
    assert hass.states.get(OUTPUT_1).state == STATE_ON
