"""PTZ head model: positions, limits, continuous moves, presets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import time

PAN_LIMITS = (-180.0, 180.0)
TILT_LIMITS = (-180.0, 180.0)
STEP_LIMITS = (1.0, 9999.0)  # zoom, focus and iris
#: Degrees per second at continuous speed 100 (and head speed 100).
PAN_TILT_RATE = 90.0
#: Steps per second at continuous speed 100.
STEP_RATE = 2000.0
MAX_ZOOM_FACTOR = 18.0
WIDE_FOV = 60.0  # horizontal field of view at zoom 1, degrees
AXES = ("pan", "tilt", "zoom", "focus", "iris")
#: Device presets (gotodevicepreset) the simulated head knows.
DEVICE_PRESETS = 16


def clamp(value: float, limits: tuple[float, float]) -> float:
    """Keep ``value`` within ``limits``."""
    return max(limits[0], min(limits[1], value))


def limits_of(axis: str) -> tuple[float, float]:
    """The mechanical limits of one axis."""
    if axis == "pan":
        return PAN_LIMITS
    if axis == "tilt":
        return TILT_LIMITS
    return STEP_LIMITS


def zoom_factor(zoom: float) -> float:
    """Optical magnification of a zoom step (1 .. 18x)."""
    return 1.0 + (zoom - 1.0) / 9998.0 * (MAX_ZOOM_FACTOR - 1.0)


def zoom_step(factor: float) -> float:
    """The zoom step giving a magnification ``factor``."""
    factor = max(1.0, min(MAX_ZOOM_FACTOR, factor))
    return 1.0 + (factor - 1.0) / (MAX_ZOOM_FACTOR - 1.0) * 9998.0


@dataclass
class Preset:
    """A server preset position."""

    number: int
    name: str
    position: dict[str, float]


@dataclass
class PtzHead:
    """One camera's head; continuous moves are integrated lazily."""

    clock: Callable[[], float] = time.monotonic
    position: dict[str, float] = field(
        default_factory=lambda: {
            "pan": 0.0,
            "tilt": 0.0,
            "zoom": 1.0,
            "focus": 5000.0,
            "iris": 5000.0,
        }
    )
    velocity: dict[str, float] = field(default_factory=dict)
    since: float = 0.0
    speed: int = 50
    autofocus: bool = True
    autoiris: bool = True
    auxiliary: list[str] = field(default_factory=list)
    presets: dict[int, Preset] = field(default_factory=dict)
    home: int | None = None
    osd_menu: list[str] = field(default_factory=list)
    last_center: tuple[float, float, float | None, float, float] | None = None
    commands: frozenset[str] | None = None

    def settle(self) -> None:
        """Fold the elapsed continuous motion into the position."""
        now = self.clock()
        elapsed = now - self.since
        self.since = now
        for axis, rate in list(self.velocity.items()):
            limits = limits_of(axis)
            scale = PAN_TILT_RATE if axis in ("pan", "tilt") else STEP_RATE
            value = self.position[axis] + rate / 100.0 * scale * elapsed
            self.position[axis] = clamp(value, limits)
            if self.position[axis] == limits[1 if rate > 0 else 0]:
                del self.velocity[axis]

    def current(self) -> dict[str, float]:
        """The position now."""
        self.settle()
        return dict(self.position)

    def set(self, axis: str, value: float) -> None:
        """Move one axis to an absolute value (clamped)."""
        self.settle()
        self.velocity.pop(axis, None)
        self.position[axis] = clamp(value, limits_of(axis))
        if axis == "focus":
            self.autofocus = False
        elif axis == "iris":
            self.autoiris = False

    def nudge(self, axis: str, delta: float) -> None:
        """Move one axis relative to its current value."""
        self.settle()
        self.set(axis, self.position[axis] + delta)

    def move_continuous(self, axis: str, rate: float) -> None:
        """Start (or stop with 0) a continuous move of ``rate`` -100..100."""
        self.settle()
        if rate == 0:
            self.velocity.pop(axis, None)
        else:
            self.velocity[axis] = rate

    def continuous(self) -> dict[str, float]:
        """Running continuous speeds per axis (0 when still)."""
        self.settle()
        return {axis: self.velocity.get(axis, 0.0) for axis in AXES}

    def stop(self) -> None:
        """Stop every continuous move."""
        self.settle()
        self.velocity.clear()

    @property
    def moving(self) -> bool:
        """Whether a continuous move is running."""
        self.settle()
        return bool(self.velocity)

    def field_of_view(self) -> tuple[float, float]:
        """Horizontal and vertical field of view in degrees (4:3)."""
        horizontal = WIDE_FOV / zoom_factor(self.current()["zoom"])
        return horizontal, horizontal * 0.75

    def center_on(self, x: float, y: float, width: float, height: float) -> None:
        """Pan/tilt so that image point (x, y) becomes the centre."""
        fov_h, fov_v = self.field_of_view()
        self.nudge("pan", (x / width - 0.5) * fov_h)
        self.nudge("tilt", -(y / height - 0.5) * fov_v)

    def zoom_by(self, percent: float) -> None:
        """Multiply the magnification by percent/100 (areazoom)."""
        factor = zoom_factor(self.current()["zoom"]) * percent / 100.0
        self.set("zoom", zoom_step(factor))

    def goto(self, position: dict[str, float]) -> None:
        """Move to a stored position."""
        self.stop()
        for axis, value in position.items():
            self.position[axis] = clamp(value, limits_of(axis))

    def save_preset(self, number: int, name: str, *, home: bool) -> Preset:
        """Store the current position as a server preset."""
        preset = Preset(number, name, self.current())
        self.presets[number] = preset
        if home:
            self.home = number
        return preset

    def free_number(self) -> int:
        """The lowest unused preset number."""
        number = 1
        while number in self.presets:
            number += 1
        return number

    def preset_by_name(self, name: str) -> Preset | None:
        """Find a preset by name."""
        return next((p for p in self.presets.values() if p.name == name), None)

    def remove_preset(self, number: int) -> None:
        """Forget a preset (and the home mark if it was home)."""
        del self.presets[number]
        if self.home == number:
            self.home = None

    def reset(self) -> None:
        """Power-on state: stop moves, keep position and presets."""
        self.stop()
        self.osd_menu.clear()


def device_preset_position(number: int) -> dict[str, float]:
    """Where device preset ``number`` points (deterministic)."""
    return {
        "pan": -180.0 + number * 20.0,
        "tilt": float((number % 5) * 10 - 20),
        "zoom": 1.0 + (number - 1) * 500.0,
    }
