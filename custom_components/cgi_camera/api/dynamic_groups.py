"""Dynamic parameter groups: event rules and motion detection windows.

``param.cgi`` creates them from a template (``action=add``, spec 5.1.1.4),
removes them (``action=remove``, 5.1.1.5) and lists them like any other group.
The device numbers a new group itself: ``Event.E<n>``, ``Motion.M<n>``, the
letter being the first letter of the parent group's last section.

Motion windows (spec 5.4) are given by ``Name``, ``Top``, ``Bottom``,
``Left`` and ``Right``. The spec prints no range; its examples (``Top=500``,
``Bottom=7000``, ``Left=5000``, ``Right=8500``, and ``Top=1500``,
``Bottom=8000`` in an update) imply whole numbers of up to four digits, so
0..9999 across the image, with ``Top`` above ``Bottom`` and ``Left`` left of
``Right`` (the smaller number first).  Being assumed, these rules hold only
for the values sent: a window the device holds outside them is left as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import TypeGuard

from .errors import CameraValueError, check_range
from .models import EventRule, MotionWindow

EVENT_GROUP = "Event"
EVENT_TEMPLATE = "event"
MOTION_GROUP = "Motion"
MOTION_TEMPLATE = "motion"

COORDINATE_MIN = 0
COORDINATE_MAX = 9999
COORDINATES = ("top", "bottom", "left", "right")
"""The window's coordinates, as arguments; the parameter is capitalised."""
_PAIRS = (("top", "bottom"), ("left", "right"))
"""Each pair's first coordinate is the smaller."""

_NUMBER_RE = re.compile(r"^-?\d+$")


def letter_of(parent: str) -> str:
    """The letter of a parent group's new groups: ``Event`` -> ``E``."""
    return parent.rsplit(".", 1)[-1][0].upper()


def group_id(argument: str, value: object, parent: str) -> str:
    """``"E3"`` or ``"Event.E3"`` -> ``"E3"``; anything else is refused."""
    letter = letter_of(parent)
    pattern = rf"(?:{re.escape(parent)}\.)?({letter}\d+)"
    match = re.fullmatch(pattern, value) if isinstance(value, str) else None
    if match is None:
        raise CameraValueError(argument, f"not a {parent} group such as {letter}0")
    return match.group(1)


def groups_of(params: Mapping[str, str], parent: str) -> dict[str, dict[str, str]]:
    """``Event.E0.Name=x`` -> ``{"E0": {"Name": "x"}}``, by group number.

    Names outside ``<parent>.<letter><n>.<name>`` are left out.
    """
    pattern = re.compile(rf"{re.escape(parent)}\.({letter_of(parent)}(\d+))\.(.+)")
    found: dict[str, dict[str, str]] = {}
    numbers: dict[str, int] = {}
    for name, value in params.items():
        if match := pattern.fullmatch(name):
            found.setdefault(match.group(1), {})[match.group(3)] = value
            numbers[match.group(1)] = int(match.group(2))
    return {group: found[group] for group in sorted(found, key=numbers.__getitem__)}


def _yes_no(value: str | None) -> bool | None:
    word = (value or "").strip().lower()
    return {"yes": True, "no": False}.get(word)


def parse_event_rules(params: Mapping[str, str]) -> tuple[EventRule, ...]:
    """The rules of a ``group=Event`` listing, by group number."""
    return tuple(
        EventRule(group, values.get("Name", ""), _yes_no(values.get("Enabled")))
        for group, values in groups_of(params, EVENT_GROUP).items()
    )


def _coordinate(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if _NUMBER_RE.match(text) else None


def parse_motion_windows(params: Mapping[str, str]) -> tuple[MotionWindow, ...]:
    """The windows of a ``group=Motion`` listing, by group number."""
    known = ("Name", *(name.capitalize() for name in COORDINATES))
    windows = []
    for group, values in groups_of(params, MOTION_GROUP).items():
        windows.append(
            MotionWindow(
                group,
                values.get("Name", ""),
                top=_coordinate(values.get("Top")),
                bottom=_coordinate(values.get("Bottom")),
                left=_coordinate(values.get("Left")),
                right=_coordinate(values.get("Right")),
                other={k: v for k, v in values.items() if k not in known},
            )
        )
    return tuple(windows)


def check_window(
    coordinates: Mapping[str, int | None],
    kept: Mapping[str, int | None] | None = None,
) -> None:
    """Raise :class:`CameraValueError` for a coordinate the window cannot have.

    Each given coordinate is a whole number 0..9999; where both of a pair
    are given, top is less than bottom and left less than right.  ``kept``
    are the coordinates a window being updated has on the device: a given
    coordinate whose partner is not given must still be in order with the
    kept partner, but only when that partner is within 0..9999.  The range
    and the order are assumed from the spec's examples, so a device may hold
    a window outside them, and such a window can still be renamed or moved.
    """
    for argument in COORDINATES:
        value = coordinates.get(argument)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool):
            raise CameraValueError(argument, "must be a whole number", value=value)
        check_range(argument, value, COORDINATE_MIN, COORDINATE_MAX)
    for first, second in _PAIRS:
        low, high = coordinates.get(first), coordinates.get(second)
        if low is not None and high is not None:
            if not low < high:
                raise CameraValueError(
                    second, f"must be greater than {first} ({low})", value=high
                )
        elif kept is not None:
            _check_against_kept(first, low, second, high, kept)


def _check_against_kept(
    first: str,
    low: int | None,
    second: str,
    high: int | None,
    kept: Mapping[str, int | None],
) -> None:
    """The one given coordinate of a pair against the device's partner."""
    if low is not None:
        partner = kept.get(second)
        if _assumed(partner) and not low < partner:
            raise CameraValueError(
                first, f"must be less than {second} ({partner})", value=low
            )
    elif high is not None:
        partner = kept.get(first)
        if _assumed(partner) and not partner < high:
            raise CameraValueError(
                second, f"must be greater than {first} ({partner})", value=high
            )


def _assumed(value: int | None) -> TypeGuard[int]:
    """Whether a device's coordinate is within the assumed 0..9999."""
    return isinstance(value, int) and COORDINATE_MIN <= value <= COORDINATE_MAX
