"""PTZ actions on the integration's camera entities.

The actions are registered once in ``async_setup`` as entity actions of the
integration's cameras; Home Assistant resolves the targets (and checks the
caller's control of them), and each camera entity maps to its config entry
and video source, so the camera entity class needs no PTZ methods. Every
value is checked before any request; commands the source does not list in
``com/ptz.cgi?info=1`` are refused by name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import Platform
from homeassistant.core import (
    CALLBACK_TYPE,
    HassJob,
    HomeAssistant,
    ServiceCall,
    callback,
)
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.typing import VolDictType
import voluptuous as vol

from .action_support import (
    ActionSchema,
    camera_error,
    check_range,
    in_range,
    integer,
    invalid,
    number,
    text,
)
from .api import CameraClient, CameraError, ImageSize, PtzInfo, PtzPreset
from .api.ptz import (
    ABSOLUTE_LENS_RANGE,
    AREAZOOM_RANGE,
    CONTINUOUS_RANGE,
    MOVES,
    PAN_RANGE,
    RELATIVE_LENS_RANGE,
    RELATIVE_PAN_TILT_RANGE,
    SPEED_RANGE,
    TILT_RANGE,
)
from .compat import async_register_platform_entity_service
from .const import DOMAIN

if TYPE_CHECKING:
    from .camera import CgiCameraCamera
    from .runtime import CgiCameraConfigEntry, CgiCameraRuntimeData

_LOGGER = logging.getLogger(__name__)

ATTR_DIRECTION = "direction"
ATTR_PAN = "pan"
ATTR_TILT = "tilt"
ATTR_ZOOM = "zoom"
ATTR_FOCUS = "focus"
ATTR_IRIS = "iris"
ATTR_DURATION = "duration"
ATTR_X = "x"
ATTR_Y = "y"
ATTR_IMAGE_WIDTH = "image_width"
ATTR_IMAGE_HEIGHT = "image_height"
ATTR_PRESET = "preset"
ATTR_HOME = "home"
ATTR_SPEED = "speed"
ATTR_ENABLED = "enabled"
ATTR_FUNCTION = "function"

AXES = (ATTR_PAN, ATTR_TILT, ATTR_ZOOM, ATTR_FOCUS, ATTR_IRIS)
# Longest continuous move with a duration, in seconds.
MAX_DURATION = 3600.0
MIN_DURATION = 0.1
IMAGE_COORDINATE_RANGE = (0, 9999)
IMAGE_SIZE_RANGE = (1, 9999)
PRESET_NUMBER_RANGE = (1, 9999)
CONTINUOUS_COMMANDS = {
    ATTR_PAN: "continuouspantiltmove",
    ATTR_TILT: "continuouspantiltmove",
    ATTR_ZOOM: "continuouszoommove",
    ATTR_FOCUS: "continuousfocusmove",
    ATTR_IRIS: "continuousirismove",
}

# Steps of the zoom in / zoom out buttons (relative zoom, 1 - 9999 range).
ZOOM_BUTTON_STEP = 500


# ----------------------------------------------------------------- runtime


@dataclass(slots=True)
class PtzSourceState:
    """What the integration knows about one PTZ source."""

    info: PtzInfo | None = None
    presets: tuple[PtzPreset, ...] | None = None
    image_size: ImageSize | None = None
    stop_timer: CALLBACK_TYPE | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Set by the position sensors while any of them is enabled.
    position_refresh: Callable[[], None] | None = None

    @callback
    def async_cancel_stop(self) -> None:
        """Cancel the pending automatic stop, if any."""
        if self.stop_timer is not None:
            self.stop_timer()
            self.stop_timer = None


@dataclass(slots=True)
class PtzData:
    """PTZ state of one config entry (runtime data)."""

    sources: dict[int, PtzSourceState] = field(default_factory=dict)
    preset_listeners: dict[int, list[CALLBACK_TYPE]] = field(default_factory=dict)

    def source(self, source: int) -> PtzSourceState:
        """Return (creating it) the state of ``source``."""
        if (state := self.sources.get(source)) is None:
            state = self.sources[source] = PtzSourceState()
        return state

    @callback
    def async_add_preset_listener(
        self, source: int, update: CALLBACK_TYPE
    ) -> CALLBACK_TYPE:
        """Call ``update`` whenever the presets of ``source`` change."""
        listeners = self.preset_listeners.setdefault(source, [])
        listeners.append(update)

        @callback
        def remove() -> None:
            listeners.remove(update)

        return remove

    @callback
    def async_notify_presets(self, source: int) -> None:
        """Tell the preset listeners of ``source``."""
        for update in list(self.preset_listeners.get(source, ())):
            update()

    @callback
    def async_cancel_timers(self) -> None:
        """Cancel every pending automatic stop (entry unload)."""
        for state in self.sources.values():
            state.async_cancel_stop()


def camera_arg(runtime: CgiCameraRuntimeData, source: int) -> int | None:
    """``camera=`` only on devices with more than one source."""
    return source if runtime.device.capabilities.sources > 1 else None


async def async_load_source(
    runtime: CgiCameraRuntimeData, source: int, *, size: bool = True
) -> PtzSourceState:
    """Learn a source's commands, presets and image size once.

    Called by the PTZ platforms at setup (the first one does the requests,
    the others wait for it) and lazily by actions. Failures are left for a
    later call.
    """
    state = runtime.ptz.source(source)
    client = runtime.client
    camera = camera_arg(runtime, source)
    async with state.lock:
        try:
            if state.info is None:
                state.info = await client.ptz.info(camera=camera)
            if state.presets is None:
                state.presets = await client.ptz.presets(camera=camera)
                runtime.ptz.async_notify_presets(source)
            if size and state.image_size is None:
                state.image_size = await client.video.image_size(source)
        except CameraError as err:
            _LOGGER.debug(
                "Cannot read the PTZ capabilities of source %s: %s", source, err
            )
    return state


def ptz_sources(runtime: CgiCameraRuntimeData) -> list[int]:
    """Return the device's PTZ sources, in order."""
    return sorted(runtime.device.capabilities.ptz_sources)


# ------------------------------------------------------------------ targets


@dataclass(frozen=True, slots=True)
class PtzTarget:
    """One PTZ source a call acts on."""

    hass: HomeAssistant
    entry: CgiCameraConfigEntry
    source: int
    name: str  # entity id (actions) or entity name (entities), for messages

    @property
    def runtime(self) -> CgiCameraRuntimeData:
        """Return the entry's runtime data."""
        return self.entry.runtime_data

    @property
    def client(self) -> CameraClient:
        """Return the device's client."""
        return self.runtime.client

    @property
    def state(self) -> PtzSourceState:
        """Return the source's PTZ state."""
        return self.runtime.ptz.source(self.source)

    @property
    def camera(self) -> int | None:
        """Return the ``camera=`` argument."""
        return camera_arg(self.runtime, self.source)


def camera_target(entity: CgiCameraCamera) -> PtzTarget:
    """Return the PTZ source of a camera entity; refuse cameras without PTZ."""
    entry = entity.coordinator.config_entry
    source = entity.source
    if (
        not isinstance(source, int)
        or source not in entry.runtime_data.device.capabilities.ptz_sources
    ):
        raise invalid("ptz_not_supported", entity_id=entity.entity_id)
    return PtzTarget(entity.hass, entry, source, entity.entity_id)


async def async_require(target: PtzTarget, commands: Iterable[str]) -> None:
    """Refuse commands the source does not list in ``info=1``."""
    wanted = list(dict.fromkeys(commands))
    if not wanted:
        return
    state = target.state
    if state.info is None:
        state = await async_load_source(target.runtime, target.source, size=False)
    if state.info is None:
        # The device did not describe itself: let it judge the command.
        return
    for command in wanted:
        if not state.info.supports(command):
            raise invalid("ptz_unsupported", command=command, entity_id=target.name)


# ------------------------------------------------------------------ checks


def _known_preset(target: PtzTarget, value: int | str) -> int | str:
    """Match the preset against the source's presets (when they are known)."""
    presets = target.state.presets
    if presets is None:
        return value
    if isinstance(value, str):
        if any(preset.name == value for preset in presets):
            return value
    elif any(preset.number == value for preset in presets):
        return value
    elif any(preset.name == str(value) for preset in presets):
        return str(value)
    raise invalid("ptz_unknown_preset", preset=str(value), entity_id=target.name)


# ------------------------------------------------------------------ actions


async def async_move(target: PtzTarget, direction: str) -> None:
    """Move one step (or home)."""
    await async_require(target, ["move"])
    await _send(target, target.client.ptz.move(direction, camera=target.camera))


async def async_absolute(target: PtzTarget, values: dict[str, Any]) -> None:
    """Move to absolute pan/tilt/zoom/focus/iris."""
    await async_require(target, values)
    await _send(target, target.client.ptz.absolute(**values, camera=target.camera))


async def async_relative(target: PtzTarget, values: dict[str, Any]) -> None:
    """Move relative to the current position."""
    await async_require(target, (f"r{axis}" for axis in values))
    await _send(target, target.client.ptz.relative(**values, camera=target.camera))


async def async_continuous(
    target: PtzTarget, values: dict[str, Any], duration: float | None = None
) -> None:
    """Start (or change) a continuous move; stop it after ``duration`` s."""
    if ATTR_PAN in values or ATTR_TILT in values:
        values.setdefault(ATTR_PAN, 0)
        values.setdefault(ATTR_TILT, 0)
    await async_require(target, (CONTINUOUS_COMMANDS[axis] for axis in values))
    target.state.async_cancel_stop()
    await _send(target, target.client.ptz.continuous(**values, camera=target.camera))
    if duration is not None:
        _schedule_stop(target, dict.fromkeys(values, 0), duration)


async def async_stop(target: PtzTarget) -> None:
    """Stop every continuous move the source supports (one request)."""
    state = target.state
    state.async_cancel_stop()
    if state.info is None:
        await _send(target, target.client.ptz.stop(camera=target.camera))
        return
    axes = {axis: 0 for axis in AXES if state.info.supports(CONTINUOUS_COMMANDS[axis])}
    if not axes:
        raise invalid(
            "ptz_unsupported", command="continuous moves", entity_id=target.name
        )
    await _send(target, target.client.ptz.continuous(**axes, camera=target.camera))


async def async_center(
    target: PtzTarget,
    x: int,
    y: int,
    *,
    zoom: int | None = None,
    image_width: int | None = None,
    image_height: int | None = None,
) -> None:
    """Center on x, y of the image; with a zoom factor, areazoom."""
    await async_require(target, ["areazoom" if zoom is not None else "center"])
    if image_width is None or image_height is None:
        state = target.state
        if state.image_size is None:
            state = await async_load_source(target.runtime, target.source)
        if state.image_size is not None:
            image_width = image_width or state.image_size.width
            image_height = image_height or state.image_size.height
    if image_width is not None:
        check_range(ATTR_X, x, 0, image_width)
    if image_height is not None:
        check_range(ATTR_Y, y, 0, image_height)
    await _send(
        target,
        target.client.ptz.center(
            x,
            y,
            zoom=zoom,
            image_width=image_width,
            image_height=image_height,
            camera=target.camera,
        ),
    )


async def async_goto_preset(target: PtzTarget, preset: int | str) -> None:
    """Move to a server preset."""
    preset = _known_preset(target, preset)
    await async_require(
        target,
        ["gotoserverpresetno" if isinstance(preset, int) else "gotoserverpresetname"],
    )
    await _send(target, target.client.ptz.goto_preset(preset, camera=target.camera))


async def async_set_preset(target: PtzTarget, preset: int | str, home: bool) -> None:
    """Save the current position as a preset."""
    try:
        await target.client.ptz.set_preset(preset, home=home, camera=target.camera)
    finally:
        await async_refresh_presets(target)


async def async_remove_preset(target: PtzTarget, preset: int | str) -> None:
    """Remove a preset."""
    preset = _known_preset(target, preset)
    try:
        await target.client.ptz.remove_preset(preset, camera=target.camera)
    finally:
        await async_refresh_presets(target)


async def async_set_speed(target: PtzTarget, speed: int) -> None:
    """Set the head speed."""
    await async_require(target, ["speed"])
    await _send(target, target.client.ptz.set_speed(speed, camera=target.camera))


async def async_autofocus(target: PtzTarget, enabled: bool) -> None:
    """Switch autofocus."""
    await async_require(target, ["autofocus"])
    await _send(target, target.client.ptz.autofocus(enabled, camera=target.camera))


async def async_autoiris(target: PtzTarget, enabled: bool) -> None:
    """Switch autoiris."""
    await async_require(target, ["autoiris"])
    await _send(target, target.client.ptz.autoiris(enabled, camera=target.camera))


async def async_auxiliary(target: PtzTarget, function: str) -> None:
    """Run a device-specific auxiliary function."""
    await async_require(target, ["auxiliary"])
    await _send(target, target.client.ptz.auxiliary(function, camera=target.camera))


async def async_refresh_presets(target: PtzTarget) -> None:
    """Re-read the presets (after set/remove) and update the select."""
    try:
        presets = await target.client.ptz.presets(camera=target.camera)
    except CameraError as err:
        _LOGGER.debug("Cannot re-read the presets of %s: %s", target.name, err)
        return
    target.state.presets = presets
    target.runtime.ptz.async_notify_presets(target.source)


async def _send(target: PtzTarget, request: Awaitable[None]) -> None:
    """Await the request; refresh the position sensors after it."""
    await request
    if (refresh := target.state.position_refresh) is not None:
        refresh()


@callback
def _schedule_stop(target: PtzTarget, axes: dict[str, int], duration: float) -> None:
    """Stop the continuous move after ``duration`` (owned by the entry)."""
    state = target.state

    @callback
    def fire(_now: datetime) -> None:
        state.stop_timer = None
        if target.entry.state is ConfigEntryState.LOADED:
            target.entry.async_create_task(
                target.hass,
                _async_timed_stop(target, axes),
                f"{DOMAIN} ptz stop {target.source}",
            )

    state.stop_timer = async_call_later(
        target.hass,
        duration,
        HassJob(fire, "cgi_camera ptz stop", cancel_on_shutdown=True),
    )


async def _async_timed_stop(target: PtzTarget, axes: dict[str, int]) -> None:
    try:
        await _send(target, target.client.ptz.continuous(**axes, camera=target.camera))
    except CameraError as err:
        _LOGGER.warning("Cannot stop the continuous move of %s: %s", target.name, err)


# ------------------------------------------------------------- registration

type Runner = Callable[[PtzTarget, dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PtzService:
    """One PTZ action: its registered schema and what it does per target."""

    name: str
    schema: ActionSchema
    run: Runner
    admin: bool = False


def _schema(
    fields: VolDictType, *checks: Callable[[dict[str, Any]], dict[str, Any]]
) -> ActionSchema:
    """The registered schema: the target and ``fields``, then ``checks``."""
    return ActionSchema(vol.All(cv.make_entity_service_schema(fields), *checks))


def _ranged(coerce: Callable[[Any], float], bounds: tuple[float, float]) -> vol.All:
    """A number (coerced by ``coerce``) within ``bounds``."""
    return vol.All(coerce, in_range(*bounds))


def _axes(
    pan: tuple[float, float],
    tilt: tuple[float, float],
    lens: tuple[float, float],
    pan_tilt: Callable[[Any], float] = number,
) -> VolDictType:
    """Optional pan and tilt (``pan_tilt``) and whole zoom, focus and iris."""
    return {
        vol.Optional(ATTR_PAN): _ranged(pan_tilt, pan),
        vol.Optional(ATTR_TILT): _ranged(pan_tilt, tilt),
        vol.Optional(ATTR_ZOOM): _ranged(integer, lens),
        vol.Optional(ATTR_FOCUS): _ranged(integer, lens),
        vol.Optional(ATTR_IRIS): _ranged(integer, lens),
    }


def _given(data: dict[str, Any]) -> dict[str, Any]:
    """The axes of a (validated) call."""
    return {axis: data[axis] for axis in AXES if axis in data}


def _some_axis(data: dict[str, Any]) -> dict[str, Any]:
    """Refuse a move without any axis."""
    if not _given(data):
        raise invalid("ptz_nothing_to_do", fields=", ".join(AXES))
    return data


_PRESET_NUMBER = in_range(*PRESET_NUMBER_RANGE)


def _preset(value: Any) -> int | str:
    """A preset name, or a preset number (``3``, ``"3"``) in its range."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int(_PRESET_NUMBER(value))
    name = text(value)
    return int(_PRESET_NUMBER(int(name))) if name.isdecimal() else name


_DIRECTION = vol.All(cv.string, vol.Strip, vol.Lower, vol.In(MOVES))
_PRESET_FIELD: VolDictType = {vol.Required(ATTR_PRESET): _preset}
_ENABLED_FIELD: VolDictType = {vol.Required(ATTR_ENABLED): cv.boolean}

SERVICES: tuple[PtzService, ...] = (
    PtzService(
        "ptz_move",
        _schema({vol.Required(ATTR_DIRECTION): _DIRECTION}),
        lambda t, d: async_move(t, d[ATTR_DIRECTION]),
    ),
    PtzService(
        "ptz_absolute",
        _schema(_axes(PAN_RANGE, TILT_RANGE, ABSOLUTE_LENS_RANGE), _some_axis),
        lambda t, d: async_absolute(t, _given(d)),
    ),
    PtzService(
        "ptz_relative",
        _schema(
            _axes(
                RELATIVE_PAN_TILT_RANGE, RELATIVE_PAN_TILT_RANGE, RELATIVE_LENS_RANGE
            ),
            _some_axis,
        ),
        lambda t, d: async_relative(t, _given(d)),
    ),
    PtzService(
        "ptz_continuous",
        _schema(
            {
                **_axes(
                    CONTINUOUS_RANGE,
                    CONTINUOUS_RANGE,
                    CONTINUOUS_RANGE,
                    pan_tilt=integer,
                ),
                vol.Optional(ATTR_DURATION): _ranged(
                    number, (MIN_DURATION, MAX_DURATION)
                ),
            },
            _some_axis,
        ),
        lambda t, d: async_continuous(t, _given(d), d.get(ATTR_DURATION)),
    ),
    PtzService("ptz_stop", _schema({}), lambda t, d: async_stop(t)),
    PtzService(
        "ptz_center",
        _schema(
            {
                vol.Required(ATTR_X): _ranged(integer, IMAGE_COORDINATE_RANGE),
                vol.Required(ATTR_Y): _ranged(integer, IMAGE_COORDINATE_RANGE),
                vol.Optional(ATTR_ZOOM): _ranged(integer, AREAZOOM_RANGE),
                vol.Optional(ATTR_IMAGE_WIDTH): _ranged(integer, IMAGE_SIZE_RANGE),
                vol.Optional(ATTR_IMAGE_HEIGHT): _ranged(integer, IMAGE_SIZE_RANGE),
            }
        ),
        lambda t, d: async_center(
            t,
            d[ATTR_X],
            d[ATTR_Y],
            zoom=d.get(ATTR_ZOOM),
            image_width=d.get(ATTR_IMAGE_WIDTH),
            image_height=d.get(ATTR_IMAGE_HEIGHT),
        ),
    ),
    PtzService(
        "ptz_goto_preset",
        _schema(_PRESET_FIELD),
        lambda t, d: async_goto_preset(t, d[ATTR_PRESET]),
    ),
    PtzService(
        "ptz_set_preset",
        _schema({**_PRESET_FIELD, vol.Optional(ATTR_HOME, default=False): cv.boolean}),
        lambda t, d: async_set_preset(t, d[ATTR_PRESET], d[ATTR_HOME]),
        admin=True,
    ),
    PtzService(
        "ptz_remove_preset",
        _schema(_PRESET_FIELD),
        lambda t, d: async_remove_preset(t, d[ATTR_PRESET]),
        admin=True,
    ),
    PtzService(
        "ptz_set_speed",
        _schema({vol.Required(ATTR_SPEED): _ranged(integer, SPEED_RANGE)}),
        lambda t, d: async_set_speed(t, d[ATTR_SPEED]),
    ),
    PtzService(
        "ptz_autofocus",
        _schema(_ENABLED_FIELD),
        lambda t, d: async_autofocus(t, d[ATTR_ENABLED]),
    ),
    PtzService(
        "ptz_autoiris",
        _schema(_ENABLED_FIELD),
        lambda t, d: async_autoiris(t, d[ATTR_ENABLED]),
    ),
    PtzService(
        "ptz_auxiliary",
        _schema({vol.Required(ATTR_FUNCTION): text}),
        lambda t, d: async_auxiliary(t, d[ATTR_FUNCTION]),
    ),
)


def _make_handler(
    service: PtzService,
) -> Callable[[CgiCameraCamera, ServiceCall], Awaitable[None]]:
    """Return the entity action of ``service``: run it on the camera's source.

    Home Assistant has applied ``service.schema`` (and, for admin actions,
    checked the user) before.
    """

    async def handle(entity: CgiCameraCamera, call: ServiceCall) -> None:
        data = {
            key: value
            for key, value in call.data.items()
            if key not in cv.ENTITY_SERVICE_FIELDS
        }
        await async_run(camera_target(entity), service.run, data)

    return handle


async def async_run(target: PtzTarget, run: Runner, data: dict[str, Any]) -> None:
    """Run one PTZ command; translate device errors."""
    try:
        await run(target, data)
    except CameraError as err:
        raise camera_error(err, "ptz_failed", entity_id=target.name) from err


@callback
def async_setup_ptz_services(hass: HomeAssistant) -> None:
    """Register the PTZ actions (from async_setup); preset changes are admin-only."""
    for service in SERVICES:
        async_register_platform_entity_service(
            hass,
            DOMAIN,
            service.name,
            entity_domain=Platform.CAMERA,
            func=_make_handler(service),
            schema=service.schema,
            admin_only=service.admin,
        )


def source_translation(
    runtime: CgiCameraRuntimeData, key: str, source: int
) -> tuple[str, dict[str, str]]:
    """Translation key and placeholders of a per-source PTZ entity.

    A camera has one source: "PTZ up". A video server names the source:
    "Camera 2 PTZ up".
    """
    if runtime.device.capabilities.sources > 1:
        return f"{key}_source", {"source": str(source)}
    return key, {}
