"""Diagnostics: entry, device, parameters and the coordinator's state, redacted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
import re
from typing import TYPE_CHECKING, Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .api import CameraError

if TYPE_CHECKING:
    from . import CgiCameraConfigEntry

TO_REDACT_ENTRY = {CONF_PASSWORD, CONF_USERNAME, CONF_HOST}
TO_REDACT_DEVICE = {"mac", "serial", "unique_id"}
REDACTED = "**REDACTED**"
# Parameters whose name says they are secret, user lists, and the identifiers
# the device info redacts too (MAC, serial).
_SECRET = re.compile(
    r"(password|passwd|pwd|secret|key|user|token|community|macaddress|serialnumber)",
    re.I,
)


def _jsonable(value: Any) -> Any:
    """Return ``value`` with sets, tuples and mappings as JSON types."""
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


def redact_params(
    params: dict[str, str], secret: re.Pattern[str] = _SECRET
) -> dict[str, str]:
    """Redact every parameter whose name ``secret`` marks as secret."""
    return {
        name: REDACTED if secret.search(name) and value else value
        for name, value in params.items()
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CgiCameraConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    try:
        params: dict[str, Any] = redact_params(await runtime.client.list_params())
    except CameraError as err:
        params = {"error": type(err).__name__}
    device = _jsonable(asdict(runtime.device))
    data = coordinator.data
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT_ENTRY),
            "options": dict(entry.options),
        },
        "device": async_redact_data(device, TO_REDACT_DEVICE),
        "capabilities": device["capabilities"],
        "parameters": params,
        "coordinator": {
            **coordinator.diagnostics(),
            "outputs": dict(data.outputs) if data else None,
            "storage": _jsonable(asdict(data.storage))
            if data and data.storage
            else None,
        },
    }
