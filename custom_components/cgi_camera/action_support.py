"""Validation helpers shared by the integration's actions.

Every action registers a complete schema (types, ranges, choices) wrapped in
:class:`ActionSchema`, so that every wrong value becomes a translated
``ServiceValidationError`` before the action runs, and so before any request
reaches the device.
"""

from __future__ import annotations

from collections.abc import Callable
import math
from typing import Any, NoReturn

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import voluptuous as vol

from .api import CameraError, CameraValueError
from .api.errors import check_range as api_check_range
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


class ActionSchema(vol.Schema):
    """An action's registered schema, whose refusals are translated.

    Home Assistant passes a registered schema's ``vol.Invalid`` on as it is,
    an untranslated text; this one raises the translated
    ``ServiceValidationError`` of :func:`raise_refusal` instead. Nested in
    another schema it would validate, but untranslated: register it as it is.
    """

    def __call__(self, data: Any) -> Any:
        """Validate ``data``; a wrong value raises a ServiceValidationError."""
        try:
            return super().__call__(data)  # type: ignore[no-untyped-call]
        except vol.Invalid as err:
            raise_refusal(err)


def raise_refusal(err: vol.Invalid) -> NoReturn:
    """Raise the translated error of a schema's (first) refusal.

    ``value_out_of_range`` for a value :func:`in_range` refused, else
    ``invalid_argument`` with the field and the schema's reason.
    """
    first = err.errors[0] if isinstance(err, vol.MultipleInvalid) else err
    field = ".".join(str(part) for part in first.path) or "-"
    if isinstance(first, OutOfRange):
        check_range(field, first.value, first.minimum, first.maximum)
    raise invalid("invalid_argument", field=field, error=first.msg) from err


class OutOfRange(vol.RangeInvalid):
    """A number outside the bounds of :func:`in_range`; it keeps them."""

    def __init__(self, value: float, minimum: float, maximum: float) -> None:
        """Keep the refused (coerced) value and the bounds."""
        super().__init__(f"must be between {_fmt(minimum)} and {_fmt(maximum)}")
        self.value = value
        self.minimum = minimum
        self.maximum = maximum


def in_range(minimum: float, maximum: float) -> Callable[[float], float]:
    """The API's range rule as a validator, refused as ``value_out_of_range``.

    Put it after the coercion (:func:`integer`, :func:`number`) in a ``vol.All``.
    The rule is :func:`~.api.errors.check_range`'s, as for :func:`check_range`.
    """

    def check(value: float) -> float:
        try:
            api_check_range("value", value, minimum, maximum)
        except CameraValueError as err:
            raise OutOfRange(value, minimum, maximum) from err
        return value

    return check


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
    """Raise the translated range error unless ``minimum <= value <= maximum``.

    The rule is the API's (:func:`~.api.check_range`); only the error differs.
    """
    try:
        api_check_range(name, value, minimum, maximum)
    except CameraValueError as err:
        raise _out_of_range(err, minimum, maximum) from None


def _out_of_range(
    err: CameraValueError, minimum: float, maximum: float
) -> ServiceValidationError:
    value = err.value
    return invalid(
        "value_out_of_range",
        name=err.argument,
        minimum=_fmt(minimum),
        maximum=_fmt(maximum),
        value=_fmt(value) if isinstance(value, int | float) else "?",
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
            return _out_of_range(err, minimum, maximum)
        return invalid("invalid_argument", field=err.argument, error=str(err))
    return device_error(err, key, **placeholders)
