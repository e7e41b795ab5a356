"""Diagnostics: entry, device, parameters, coordinator state, system log; redacted."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import TYPE_CHECKING, Any, cast

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant

from .api import CameraError
from .redact import Redactor
from .system_log import DIAGNOSTICS_LOG_LINES, async_system_log

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

TO_REDACT_ENTRY = {CONF_PASSWORD, CONF_USERNAME, CONF_HOST}
TO_REDACT_DEVICE = {"mac", "serial", "unique_id"}


def _jsonable(value: Any) -> Any:
    """Return ``value`` with sets, tuples and mappings as JSON types."""
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return value


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: CgiCameraConfigEntry
) -> dict[str, Any]:
    """Return diagnostics for a config entry (no secret, address or host name)."""
    runtime = entry.runtime_data
    coordinator = runtime.coordinator
    error: str | None = None
    try:
        values = await runtime.client.params.list()
    except CameraError as err:
        values, error = {}, type(err).__name__
    redactor = Redactor.for_entry(entry, values)
    try:
        log: dict[str, Any] = {
            "lines": (
                await async_system_log(entry, DIAGNOSTICS_LOG_LINES, values)
            ).splitlines()
        }
    except CameraError as err:
        log = {"error": type(err).__name__}
    device = _jsonable(asdict(runtime.device))
    data = coordinator.data
    result = {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT_ENTRY),
            "options": dict(entry.options),
        },
        "device": async_redact_data(device, TO_REDACT_DEVICE),
        "capabilities": device["capabilities"],
        "parameters": {"error": error} if error else redactor.params(values),
        "coordinator": {
            **coordinator.diagnostics(),
            "outputs": dict(data.outputs) if data else None,
            "storage": _jsonable(asdict(data.storage))
            if data and data.storage
            else None,
        },
        "system_log": log,
        # Viewers, recordings and lookback memory (frames, bytes, cap) per source.
        "live_streams": runtime.live_streams.diagnostics()
        if runtime.live_streams
        else None,
    }
    # Free texts (error texts, names) may hold an address or a host name too.
    return cast("dict[str, Any]", redactor.data(result))
