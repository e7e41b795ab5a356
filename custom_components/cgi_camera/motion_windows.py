"""Motion detection windows (spec 5.4): list, add, update and remove them.

Device actions like those of :mod:`.device_actions` (admin-only, on one
config entry). A window is a dynamic parameter group ``Motion.M<n>`` with a
name and four coordinates, 0..9999 across the image with top above bottom
and left left of right (see :mod:`.api.dynamic_groups`). Every value is
checked before any request; the window an update names must exist (one
listing first: a given coordinate must be in order with the partner the
window keeps, when that partner is within the assumed rules).  The
device's answers to add and remove (spec 5.1.1.6) each have their message:
not created, created without its values (naming the new window), not
removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from homeassistant.core import (
    HomeAssistant,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.typing import VolDictType
import voluptuous as vol

from .action_support import (
    ActionSchema,
    camera_error,
    in_range,
    integer,
    invalid,
    text,
)
from .api import (
    CameraError,
    CameraGroupValuesNotSetError,
    CameraRequestRefusedError,
    CameraValueError,
    MotionWindow,
)
from .api.dynamic_groups import (
    COORDINATE_MAX,
    COORDINATE_MIN,
    COORDINATES,
    MOTION_GROUP,
    check_window,
    group_id,
)
from .const import DOMAIN
from .device_actions import (
    DeviceService,
    async_register_device_services,
    device_action_schema,
)

if TYPE_CHECKING:
    from .runtime import CgiCameraConfigEntry

ATTR_WINDOW = "window"
ATTR_WINDOWS = "windows"
ATTR_NAME = "name"
# One remove request names at most this many windows (one URL).
MAX_WINDOWS_PER_REMOVE = 32


def _window_id(value: Any) -> str:
    """``M3`` or ``Motion.M3`` -> ``M3``."""
    try:
        return group_id(ATTR_WINDOW, value, MOTION_GROUP)
    except CameraValueError:
        raise vol.Invalid("not a motion window such as M0") from None


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """Top above bottom, left left of right, where both are given."""
    try:
        check_window(data)
    except CameraValueError as err:
        raise vol.Invalid(_reason(err), path=[err.argument]) from None
    return data


def _reason(err: CameraValueError) -> str:
    """The API's reason without the argument's name (the message names it)."""
    return str(err).removeprefix(f"{err.argument}: ")


WINDOW_FIELDS: VolDictType = {
    vol.Optional(ATTR_NAME): text,
    **{
        vol.Optional(coordinate): vol.All(
            integer, in_range(COORDINATE_MIN, COORDINATE_MAX)
        )
        for coordinate in COORDINATES
    },
}


def _window_schema(fields: VolDictType) -> ActionSchema:
    """A device action's schema whose coordinates must also be in order."""
    return ActionSchema(vol.All(device_action_schema(fields).schema, _ordered))


def _windows(value: Any) -> list[str]:
    """A list, or a text separated by commas or spaces, of windows."""
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, list) or not value:
        raise vol.Invalid("expected one or more motion windows such as M0")
    if len(value) > MAX_WINDOWS_PER_REMOVE:
        raise vol.Invalid(f"more than {MAX_WINDOWS_PER_REMOVE} windows")
    return list(dict.fromkeys(_window_id(item) for item in value))


def _described(window: MotionWindow) -> dict[str, Any]:
    return {
        ATTR_WINDOW: window.group,
        ATTR_NAME: window.name,
        **{coordinate: getattr(window, coordinate) for coordinate in COORDINATES},
        "parameters": dict(window.other),
    }


def _given(data: dict[str, Any]) -> dict[str, Any]:
    """The window's values the action was given."""
    return {key: data[key] for key in (ATTR_NAME, *COORDINATES) if key in data}


async def _existing(entry: CgiCameraConfigEntry, window: str) -> MotionWindow:
    """The device's window ``window``; refused when the device has none."""
    for found in await entry.runtime_data.client.motion.windows():
        if found.group == window:
            return found
    raise invalid("motion_window_not_found", window=window, name=entry.title)


def _failed(err: CameraError) -> HomeAssistantError:
    """Any other failure of a motion window request, translated."""
    return camera_error(err, "motion_window_failed")


async def _list_motion_windows(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    try:
        windows = await entry.runtime_data.client.motion.windows()
    except CameraError as err:
        raise _failed(err) from err
    return {ATTR_WINDOWS: [_described(window) for window in windows]}


async def _add_motion_window(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> ServiceResponse:
    try:
        window = await entry.runtime_data.client.motion.add_window(**_given(data))
    except CameraGroupValuesNotSetError as err:
        # Created: the user may want to update or remove it.
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="motion_window_values_not_set",
            translation_placeholders={
                "window": err.group_id or "?",
                "message": err.message,
            },
        ) from err
    except CameraRequestRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="motion_window_not_created",
            translation_placeholders={"message": err.message},
        ) from err
    except CameraError as err:
        raise _failed(err) from err
    return {ATTR_WINDOW: window}


async def _update_motion_window(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    values = _given(data)
    if not values:
        raise invalid("nothing_to_set", service=f"{DOMAIN}.update_motion_window")
    window = data[ATTR_WINDOW]
    try:
        current = await _existing(entry, window)
    except CameraError as err:
        raise _failed(err) from err
    # Only the given coordinates are checked, each against the device's
    # partner it keeps; a window the device holds outside the assumed rules
    # can still be renamed or moved.
    given = {c: values[c] for c in COORDINATES if c in values}
    kept = {c: getattr(current, c) for c in COORDINATES}
    try:
        check_window(given, kept)
    except CameraValueError as err:
        raise invalid(
            "invalid_argument", field=err.argument, error=_reason(err)
        ) from err
    try:
        await entry.runtime_data.client.motion.update_window(window, **values)
    except CameraError as err:
        raise _failed(err) from err


async def _remove_motion_window(
    hass: HomeAssistant, entry: CgiCameraConfigEntry, data: dict[str, Any]
) -> None:
    windows = data[ATTR_WINDOWS]
    # No listing first: the device removes all or none, and says which.
    try:
        await entry.runtime_data.client.motion.remove_windows(windows)
    except CameraRequestRefusedError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="motion_window_not_removed",
            translation_placeholders={
                "windows": ", ".join(windows),
                "message": err.message,
            },
        ) from err
    except CameraError as err:
        raise _failed(err) from err


# The runners translate every error themselves (_failed); the registration
# needs a key all the same.
_ERROR_KEY = "motion_window_failed"

MOTION_WINDOW_SERVICES: tuple[DeviceService, ...] = (
    DeviceService(
        "list_motion_windows",
        device_action_schema({}),
        _list_motion_windows,
        _ERROR_KEY,
        SupportsResponse.ONLY,
    ),
    DeviceService(
        "add_motion_window",
        _window_schema(WINDOW_FIELDS),
        _add_motion_window,
        _ERROR_KEY,
        SupportsResponse.OPTIONAL,
    ),
    DeviceService(
        "update_motion_window",
        _window_schema({vol.Required(ATTR_WINDOW): _window_id, **WINDOW_FIELDS}),
        _update_motion_window,
        _ERROR_KEY,
    ),
    DeviceService(
        "remove_motion_window",
        device_action_schema({vol.Required(ATTR_WINDOWS): _windows}),
        _remove_motion_window,
        _ERROR_KEY,
    ),
)


@callback
def async_setup_motion_window_services(hass: HomeAssistant) -> None:
    """Register the motion window actions (from async_setup), admin-only."""
    async_register_device_services(hass, MOTION_WINDOW_SERVICES)
