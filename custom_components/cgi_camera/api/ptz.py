"""PTZ: argument ranges, validation and parsing of the device's answers.

The spec's text lost some parameter names in the PTZ table (5.3.3); where it
did, the VAPIX v2 name the description implies is used:

* ``whoami=1``                 "<any value>: returns the name of the driver"
* ``areazoom=<x>,<y>,<z>``     "centers on x,y and zooms by a factor of z/100"
* ``zoom``/``focus``/``iris``  absolute, 1 - 9999
* ``riris``                    relative iris, -9999 - 9999 (next to rfocus)
* ``auxiliary=<function>``     "activates/deactivates auxiliary functions"
* ``query=<what>``             speed, position, presetposcam, presetposall
* ``info=1``                   "returns a description of available commands"

The bar commands (panbar, tiltbar, zoombar, focusbar, irisbar, barcoord) are
not exposed: they are a browser-UI convenience over the absolute commands.
"""

from __future__ import annotations

import math
import re

from .errors import CameraResponseError, CameraValueError, check_range
from .models import PtzInfo, PtzPosition, PtzPreset

PAN_RANGE = (-180.0, 180.0)
TILT_RANGE = (-180.0, 180.0)
RELATIVE_PAN_TILT_RANGE = (-360.0, 360.0)
ABSOLUTE_LENS_RANGE = (1, 9999)  # zoom, focus, iris
RELATIVE_LENS_RANGE = (-9999, 9999)  # rzoom, rfocus, riris
CONTINUOUS_RANGE = (-100, 100)
SPEED_RANGE = (1, 100)
AREAZOOM_RANGE = (1, 9999)
IMAGE_ROTATIONS = (0, 90, 180, 270)

MOVES = (
    "home",
    "up",
    "down",
    "left",
    "right",
    "upleft",
    "upright",
    "downleft",
    "downright",
)
OSD_MENU_COMMANDS = ("open", "close", "up", "down", "left", "right", "select", "back")

_COMMAND_RE = re.compile(r"^\s*\{?\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=|\}|$)")
_PRESET_RE = re.compile(r"^presetposno(\d{1,9})$")


def format_number(value: float) -> str:
    """A float as the device expects it: ``12.5``, ``-3``, never exponents."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def check_float(argument: str, value: float, bounds: tuple[float, float]) -> str:
    """Validate a float argument and format it."""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and not math.isfinite(value)
    ):
        check_range(argument, math.nan, *bounds)
    check_range(argument, value, *bounds)
    return format_number(value)


def check_int(argument: str, value: int, bounds: tuple[int, int]) -> str:
    """Validate an integer argument and format it."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        raise CameraValueError(
            argument,
            f"must be an integer between {bounds[0]} and {bounds[1]}",
            minimum=bounds[0],
            maximum=bounds[1],
        )
    check_range(argument, value, *bounds)
    return str(value)


def check_camera(camera: int | None) -> list[tuple[str, str]]:
    """``camera=<n>`` (1, ...) or nothing for the default camera."""
    if camera is None:
        return []
    if isinstance(camera, bool) or not isinstance(camera, int) or camera < 1:
        raise CameraValueError("camera", f"must be 1 or more, got {camera!r}")
    return [("camera", str(camera))]


def check_rotation(image_rotation: int | None) -> list[tuple[str, str]]:
    """``imagerotation=0|90|180|270`` or nothing."""
    if image_rotation is None:
        return []
    if isinstance(image_rotation, bool) or image_rotation not in IMAGE_ROTATIONS:
        raise CameraValueError(
            "image_rotation", f"must be one of 0, 90, 180, 270, got {image_rotation!r}"
        )
    return [("imagerotation", str(image_rotation))]


def check_choice(argument: str, value: str, choices: tuple[str, ...]) -> str:
    """Validate one of a fixed set of words."""
    if value not in choices:
        raise CameraValueError(argument, f"must be one of {', '.join(choices)}")
    return value


def check_text(argument: str, value: str) -> str:
    """A non-empty single-line text argument (preset names, functions)."""
    if not isinstance(value, str) or not value or "\n" in value or "\r" in value:
        raise CameraValueError(argument, "must be a non-empty single-line string")
    return value


def _key_values(text: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip():
            result[name.strip().lower()] = value.strip()
    return result


def _float(values: dict[str, str], name: str) -> float | None:
    value = values.get(name)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise CameraResponseError(f"{name} is not a number: {value[:20]!r}") from None
    if not math.isfinite(number):
        raise CameraResponseError(f"{name} is not a finite number")
    return number


def _onoff(values: dict[str, str], name: str) -> bool | None:
    value = values.get(name)
    if value is None:
        return None
    if value.lower() in ("on", "yes", "true", "1"):
        return True
    if value.lower() in ("off", "no", "false", "0"):
        return False
    raise CameraResponseError(f"{name} is neither on nor off: {value[:20]!r}")


def parse_position(text: str) -> PtzPosition:
    """Answer of ``query=position``."""
    values = _key_values(text)
    position = PtzPosition(
        pan=_float(values, "pan"),
        tilt=_float(values, "tilt"),
        zoom=_float(values, "zoom"),
        focus=_float(values, "focus"),
        iris=_float(values, "iris"),
        autofocus=_onoff(values, "autofocus"),
        autoiris=_onoff(values, "autoiris"),
    )
    if position == PtzPosition():
        raise CameraResponseError("no position in the answer")
    return position


def parse_speed(text: str) -> int:
    """Answer of ``query=speed``."""
    value = _float(_key_values(text), "speed")
    if value is None:
        raise CameraResponseError("no speed in the answer")
    return int(value)


def parse_presets(text: str) -> tuple[PtzPreset, ...]:
    """Answer of ``query=presetposcam`` (``presetposno<n>=<name>`` lines)."""
    presets: list[PtzPreset] = []
    for line in text.splitlines():
        name, sep, value = line.partition("=")
        if sep and (match := _PRESET_RE.match(name.strip().lower())):
            presets.append(PtzPreset(int(match.group(1)), value.strip()))
    return tuple(sorted(presets, key=lambda preset: preset.number))


def parse_info(text: str) -> PtzInfo:
    """Answer of ``info=1``: the set of command names it lists."""
    commands: set[str] = set()
    for line in text.splitlines():
        if line.strip().lower().startswith("available"):
            continue
        for item in line.split("|") if "{" not in line else [line]:
            if match := _COMMAND_RE.match(item):
                commands.add(match.group(1).lower())
    if not commands:
        raise CameraResponseError("no PTZ commands in the answer")
    return PtzInfo(frozenset(commands), text)
