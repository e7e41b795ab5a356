"""Turn API errors into translated Home Assistant errors."""

from __future__ import annotations

from homeassistant.exceptions import HomeAssistantError

from .api import (
    CameraAuthenticationError,
    CameraError,
    CameraForbiddenError,
    CameraRequestRefusedError,
)
from .const import DOMAIN

# One message per right the device says is missing (api/rights.py), so each
# language can phrase it.
_FORBIDDEN_KEYS = {
    "viewer": "action_forbidden_viewer",
    "operator": "action_forbidden_operator",
    "administrator": "action_forbidden_administrator",
    "root": "action_forbidden_root",
}


def device_error(
    err: CameraError, translation_key: str, **placeholders: object
) -> HomeAssistantError:
    """Return a translated HomeAssistantError for a failed device request.

    ``translation_key`` names what failed; the device's own reasons (refused,
    forbidden, 401) get their own messages.
    """
    values = {key: str(value) for key, value in placeholders.items()}
    if isinstance(err, CameraRequestRefusedError):
        key = "request_refused"
        values["message"] = str(getattr(err, "message", "") or err)
    elif isinstance(err, CameraForbiddenError):
        key = _FORBIDDEN_KEYS.get(err.right, "action_forbidden_viewer")
    elif isinstance(err, CameraAuthenticationError):
        key = "action_unauthorized"
    else:
        key = translation_key
        values["error"] = str(err) or type(err).__name__
    return HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=values,
    )
