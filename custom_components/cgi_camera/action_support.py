"""Validation and permission helpers shared by the PTZ and device actions.

The actions register permissive outer schemas (the fields and the target
only) and validate values here, so that every wrong value becomes a translated
``ServiceValidationError`` before any request reaches the device.
"""

from __future__ import annotations

from collections.abc import Mapping
import math
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.exceptions import (
    HomeAssistantError,
    ServiceValidationError,
    Unauthorized,
    UnknownUser,
)
import voluptuous as vol

from .api import CameraError, CameraValueError
from .const import DOMAIN
from .errors import device_error

# Longest text the actions pass on (preset names, OSD text, functions).
MAX_TEXT_LENGTH = 128


def invalid(key: str, **placeholders: object) -> ServiceValidationError:
    """Return a translated ServiceValidationError."""
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders={
            name: str(value) for name, value in placeholders.items()
        },
    )


def validate(schema: vol.Schema, data: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``schema``; a wrong value becomes a translated error."""
    try:
        result: dict[str, Any] = schema(dict(data))
    except vol.Invalid as err:
        field = ".".join(str(part) for part in err.path) or "-"
        raise invalid("invalid_argument", field=field, error=err.msg) from err
    return result


def integer(value: Any) -> int:
    """Coerce to a whole number (``3``, ``3.0``, ``"3"``); refuse the rest."""
    if isinstance(value, bool):
        raise vol.Invalid("expected a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                value = float(value)
            except ValueError:
                raise vol.Invalid("expected a whole number") from None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    raise vol.Invalid("expected a whole number")


def number(value: Any) -> float:
    """Coerce to a finite number."""
    if isinstance(value, bool):
        raise vol.Invalid("expected a number")
    if isinstance(value, int):
        return float(value) if abs(value) < 2**53 else math.inf
    try:
        result = float(value)
    except (TypeError, ValueError, OverflowError):
        raise vol.Invalid("expected a number") from None
    if math.isnan(result):
        raise vol.Invalid("expected a number")
    return result


def text(value: Any) -> str:
    """A non-empty single-line text of reasonable length."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise vol.Invalid("expected a text")
    result = str(value).strip()
    if not result:
        raise vol.Invalid("must not be empty")
    if len(result) > MAX_TEXT_LENGTH:
        raise vol.Invalid(f"longer than {MAX_TEXT_LENGTH} characters")
    if len(result.splitlines()) != 1 or any(
        ord(char) < 32 or 127 <= ord(char) < 160 for char in result
    ):
        raise vol.Invalid("must be one line without control characters")
    return result


def check_range(name: str, value: float, minimum: float, maximum: float) -> None:
    """Raise the translated range error unless ``minimum <= value <= maximum``."""
    if not minimum <= value <= maximum:
        raise invalid(
            "value_out_of_range",
            name=name,
            minimum=_fmt(minimum),
            maximum=_fmt(maximum),
            value=_fmt(value),
        )


def _fmt(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def camera_error(
    err: CameraError, key: str, **placeholders: object
) -> HomeAssistantError:
    """Translate an API error: range errors are the caller's, the rest the device's."""
    if isinstance(err, CameraValueError):
        minimum, maximum = err.minimum, err.maximum
        if minimum is not None and maximum is not None:
            return invalid(
                "value_out_of_range",
                name=err.argument,
                minimum=_fmt(minimum),
                maximum=_fmt(maximum),
                value="?",
            )
        return invalid("invalid_argument", field=err.argument, error=str(err))
    return device_error(err, key, **placeholders)


async def async_check_user(
    hass: HomeAssistant,
    call: ServiceCall,
    *,
    admin: bool = False,
) -> None:
    """Refuse unknown callers and, with ``admin``, callers without admin rights.

    Calls without a user (automations, scripts) are allowed, as in core. The
    control of targeted entities is checked by Home Assistant's entity actions.
    """
    user_id = call.context.user_id
    if not user_id:
        return
    user = await hass.auth.async_get_user(user_id)
    if user is None:
        raise UnknownUser(context=call.context, user_id=user_id)
    if admin and not user.is_admin:
        raise Unauthorized(context=call.context, user_id=user_id)
