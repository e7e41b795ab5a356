"""com/ptz.cgi and com/ptzconfig.cgi."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from ..ptzmodel import (
    DEVICE_PRESETS,
    PAN_LIMITS,
    STEP_LIMITS,
    TILT_LIMITS,
    PtzHead,
    device_preset_position,
)
from ..respond import arguments, no_content, not_found, sim_of, text

if TYPE_CHECKING:
    from multidict import MultiMapping

    from ..server import Simulator

MOVE_STEP = 5.0
DRIVER_NAME = "cgi-ptz-sim"
DIRECTIONS: dict[str, tuple[int, int]] = {
    "up": (0, 1),
    "down": (0, -1),
    "left": (-1, 0),
    "right": (1, 0),
    "upleft": (-1, 1),
    "upright": (1, 1),
    "downleft": (-1, -1),
    "downright": (1, -1),
}
#: Parameters a restricted head still accepts (see Simulator.ptz_set_commands).
ALWAYS = frozenset({"camera", "info", "imagewidth", "imageheight", "imagerotation"})
QUERIES = ("speed", "position", "presetposcam", "presetposall")
IGNORED = (
    "barcoord",
    "barcoordtype",
    "panbar",
    "tiltbar",
    "zoombar",
    "focusbar",
    "irisbar",
)
#: info=1 answer: one ``command=syntax`` line each.
INFO: tuple[tuple[str, str], ...] = (
    ("camera", "1,..."),
    ("whoami", "<any value>"),
    ("center", "x,y"),
    ("areazoom", "x,y,z"),
    ("imagewidth", "1,..."),
    ("imageheight", "1,..."),
    ("move", "home,up,down,left,right,upleft,upright,downleft,downright"),
    ("pan", "-180.0...180.0"),
    ("tilt", "-180.0...180.0"),
    ("zoom", "1...9999"),
    ("focus", "1...9999"),
    ("iris", "1...9999"),
    ("rpan", "-360.0...360.0"),
    ("rtilt", "-360.0...360.0"),
    ("rzoom", "-9999...9999"),
    ("rfocus", "-9999...9999"),
    ("riris", "-9999...9999"),
    ("autofocus", "on,off"),
    ("autoiris", "on,off"),
    ("continuouspantiltmove", "-100...100,-100...100"),
    ("continuouszoommove", "-100...100"),
    ("continuousfocusmove", "-100...100"),
    ("continuousirismove", "-100...100"),
    ("auxiliary", "<function name>"),
    ("gotoserverpresetname", "<preset name>"),
    ("gotoserverpresetno", "1,..."),
    ("gotodevicepreset", f"1...{DEVICE_PRESETS}"),
    ("speed", "1...100"),
    ("imagerotation", "0,90,180,270"),
    ("query", ",".join(QUERIES)),
    ("info", "1"),
)


class PtzError(ValueError):
    """A command the device refuses (answered 200 ``Error: ...``)."""


def _number(
    name: str, value: str, limits: tuple[float, float], *, integer: bool
) -> float:
    try:
        number = float(int(value)) if integer else float(value)
    except ValueError:
        raise PtzError(f"invalid value for {name}") from None
    if not limits[0] <= number <= limits[1]:
        raise PtzError(f"{name} out of range")
    return number


def _numbers(
    name: str, value: str, count: int, limits: tuple[float, float]
) -> list[float]:
    parts = value.split(",")
    if len(parts) != count:
        raise PtzError(f"invalid value for {name}")
    return [_number(name, part, limits, integer=True) for part in parts]


FLOATS: dict[str, tuple[float, float]] = {
    "pan": PAN_LIMITS,
    "tilt": TILT_LIMITS,
    "rpan": (-360.0, 360.0),
    "rtilt": (-360.0, 360.0),
}
INTS: dict[str, tuple[float, float]] = {
    "zoom": STEP_LIMITS,
    "focus": STEP_LIMITS,
    "iris": STEP_LIMITS,
    "rzoom": (-9999.0, 9999.0),
    "rfocus": (-9999.0, 9999.0),
    "riris": (-9999.0, 9999.0),
    "speed": (1.0, 100.0),
    "continuouszoommove": (-100.0, 100.0),
    "continuousfocusmove": (-100.0, 100.0),
    "continuousirismove": (-100.0, 100.0),
    "gotoserverpresetno": (1.0, 1e9),
    "gotodevicepreset": (1.0, float(DEVICE_PRESETS)),
    "imagewidth": (1.0, 1e6),
    "imageheight": (1.0, 1e6),
    "camera": (1.0, 1e6),
}


def _validate(name: str, value: str) -> None:  # noqa: PLR0912 - one rule per command
    """Raise PtzError when ``name=value`` is not acceptable."""
    if name in FLOATS:
        _number(name, value, FLOATS[name], integer=False)
    elif name in INTS:
        _number(name, value, INTS[name], integer=True)
    elif name == "continuouspantiltmove":
        _numbers(name, value, 2, (-100.0, 100.0))
    elif name == "center":
        _numbers(name, value, 2, (-1e6, 1e6))
    elif name == "areazoom":
        if _numbers(name, value, 3, (-1e6, 1e6))[2] < 1:
            raise PtzError("areazoom out of range")
    elif name == "move":
        if value != "home" and value not in DIRECTIONS:
            raise PtzError(f"invalid value for {name}")
    elif name in ("autofocus", "autoiris"):
        if value not in ("on", "off"):
            raise PtzError(f"invalid value for {name}")
    elif name == "imagerotation":
        if value not in ("0", "90", "180", "270"):
            raise PtzError(f"invalid value for {name}")
    elif name == "query":
        if value not in QUERIES:
            raise PtzError(f"invalid value for {name}")
    elif name in ("auxiliary", "gotoserverpresetname"):
        if not value:
            raise PtzError(f"invalid value for {name}")
    elif name not in ("info", "whoami", *IGNORED):
        raise PtzError(f"unknown command {name}")


def _rotate(dx: float, dy: float, rotation: int) -> tuple[float, float]:
    """Map a direction in a rotated stream to the head's direction."""
    if rotation == 90:
        return dy, -dx
    if rotation == 180:
        return -dx, -dy
    if rotation == 270:
        return -dy, dx
    return dx, dy


def _camera(sim: Simulator, args: MultiMapping[str]) -> int:
    value = args.get("camera", "1")
    if not value.isdigit() or int(value) not in sim.state.ptz:
        raise PtzError(f"invalid camera {value}")
    camera = int(value)
    if not sim.state.ptz_enabled(camera):
        raise PtzError(f"PTZ is not enabled for camera {camera}")
    return camera


def _execute(
    sim: Simulator, camera: int, head: PtzHead, args: MultiMapping[str]
) -> None:
    rotation = int(args.get("imagerotation", "0"))
    width, height = (float(v) for v in sim.state.resolution(camera).split("x"))
    width = float(args.get("imagewidth", width))
    height = float(args.get("imageheight", height))
    actions: dict[str, Callable[[str], None]] = {
        "pan": lambda v: head.set("pan", float(v)),
        "tilt": lambda v: head.set("tilt", float(v)),
        "zoom": lambda v: head.set("zoom", float(v)),
        "focus": lambda v: head.set("focus", float(v)),
        "iris": lambda v: head.set("iris", float(v)),
        "rpan": lambda v: head.nudge("pan", float(v)),
        "rtilt": lambda v: head.nudge("tilt", float(v)),
        "rzoom": lambda v: head.nudge("zoom", float(v)),
        "rfocus": lambda v: _manual(head, "focus", float(v)),
        "riris": lambda v: _manual(head, "iris", float(v)),
        "speed": lambda v: setattr(head, "speed", int(v)),
        "autofocus": lambda v: setattr(head, "autofocus", v == "on"),
        "autoiris": lambda v: setattr(head, "autoiris", v == "on"),
        "continuouszoommove": lambda v: head.move_continuous("zoom", float(v)),
        "continuousfocusmove": lambda v: head.move_continuous("focus", -float(v)),
        "continuousirismove": lambda v: head.move_continuous("iris", float(v)),
        "auxiliary": head.auxiliary.append,
        "gotodevicepreset": lambda v: head.goto(device_preset_position(int(v))),
    }
    for name, value in args.items():
        if name in actions:
            actions[name](value)
        elif name == "move":
            _move(head, value, rotation)
        elif name == "continuouspantiltmove":
            pan, tilt = (float(v) for v in value.split(","))
            pan, tilt = _rotate(pan, tilt, rotation)
            head.move_continuous("pan", pan)
            head.move_continuous("tilt", tilt)
        elif name in ("center", "areazoom"):
            numbers = [float(v) for v in value.split(",")]
            zoom = numbers[2] if name == "areazoom" else None
            head.last_center = (numbers[0], numbers[1], zoom, width, height)
            dx, dy = _rotate(numbers[0] - width / 2, height / 2 - numbers[1], rotation)
            head.center_on(width / 2 + dx, height / 2 - dy, width, height)
            if name == "areazoom":
                head.zoom_by(numbers[2])
        elif name == "gotoserverpresetname":
            preset = head.preset_by_name(value)
            if preset is None:
                raise PtzError(f'preset "{value}" not found')
            head.goto(preset.position)
        elif name == "gotoserverpresetno":
            if int(value) not in head.presets:
                raise PtzError(f"preset {value} not found")
            head.goto(head.presets[int(value)].position)


def _manual(head: PtzHead, axis: str, delta: float) -> None:
    head.nudge(axis, delta)


def _move(head: PtzHead, value: str, rotation: int) -> None:
    if value == "home":
        if head.home is None or head.home not in head.presets:
            raise PtzError("no home position set")
        head.goto(head.presets[head.home].position)
        return
    dx, dy = _rotate(*DIRECTIONS[value], rotation)
    head.stop()
    if dx:
        head.nudge("pan", dx * MOVE_STEP)
    if dy:
        head.nudge("tilt", dy * MOVE_STEP)


def _query(sim: Simulator, camera: int, head: PtzHead, what: str) -> str:
    if what == "speed":
        return f"speed={head.speed}\r\n"
    if what == "position":
        pos = head.current()
        return (
            f"pan={pos['pan']:.4f}\r\ntilt={pos['tilt']:.4f}\r\n"
            f"zoom={pos['zoom']:.0f}\r\nfocus={pos['focus']:.0f}\r\n"
            f"iris={pos['iris']:.0f}\r\n"
            f"autofocus={'on' if head.autofocus else 'off'}\r\n"
            f"autoiris={'on' if head.autoiris else 'off'}\r\n"
        )
    if what == "presetposcam":
        return _presets(head)
    return "".join(
        f"Preset Positions for camera {number}\r\n{_presets(other)}"
        for number, other in sim.state.ptz.items()
        if sim.state.ptz_enabled(number)
    )


def _presets(head: PtzHead) -> str:
    return "".join(
        f"presetposno{number}={head.presets[number].name}\r\n"
        for number in sorted(head.presets)
    )


def _allowed(head: PtzHead, args: MultiMapping[str]) -> frozenset[str] | None:
    """The head's command set; raise PtzError for a command outside it."""
    allowed = head.commands
    if allowed is not None:
        for name in args:
            if name not in allowed and name not in ALWAYS:
                raise PtzError(f"unsupported command {name}")
    return allowed


async def ptz_cgi(request: web.Request) -> web.Response:
    """com/ptz.cgi."""
    sim = sim_of(request)
    if not sim.config.ptz:
        return not_found()
    args = await arguments(request)
    try:
        for name, value in args.items():
            _validate(name, value)
        camera = _camera(sim, args)
        head = sim.state.ptz[camera]
        allowed = _allowed(head, args)
        if "info" in args:
            return text(
                "".join(
                    f"{name}={syntax}\r\n"
                    for name, syntax in INFO
                    if allowed is None or name in allowed or name in ALWAYS
                )
            )
        if "whoami" in args:
            return text(f"{DRIVER_NAME}\r\n")
        _execute(sim, camera, head, args)
    except PtzError as err:
        return text(f"Error: {err}\r\n")
    if "query" in args:
        return text(_query(sim, camera, head, args["query"]))
    return no_content()


async def ptzconfig_cgi(request: web.Request) -> web.Response:
    """com/ptzconfig.cgi: server presets, home and OSD menu."""
    sim = sim_of(request)
    if not sim.config.ptz:
        return not_found()
    args = await arguments(request)
    try:
        camera = _camera(sim, args)
        head = sim.state.ptz[camera]
        _configure(head, args)
    except PtzError as err:
        return text(f"Error: {err}\r\n")
    return no_content()


def _configure(head: PtzHead, args: MultiMapping[str]) -> None:  # noqa: PLR0912
    home = args.get("home")
    if home not in (None, "yes"):
        raise PtzError("invalid value for home")
    known = (
        "camera",
        "home",
        "osdmenu",
        "setserverpresetname",
        "setserverpresetno",
        "removeserverpresetname",
        "removeserverpresetno",
    )
    for name in args:
        if name not in known:
            raise PtzError(f"unknown command {name}")
    if home and not ({"setserverpresetname", "setserverpresetno"} & set(args)):
        raise PtzError("home requires setserverpresetname or setserverpresetno")
    if "osdmenu" in args:
        if args["osdmenu"] not in (
            "open",
            "close",
            "up",
            "down",
            "left",
            "right",
            "select",
            "back",
        ):
            raise PtzError("invalid value for osdmenu")
        head.osd_menu.append(args["osdmenu"])
    if "setserverpresetname" in args:
        name = args["setserverpresetname"]
        if not name:
            raise PtzError("invalid value for setserverpresetname")
        existing = head.preset_by_name(name)
        number = existing.number if existing else head.free_number()
        head.save_preset(number, name, home=bool(home))
    if "setserverpresetno" in args:
        number = int(
            _number(
                "setserverpresetno", args["setserverpresetno"], (1.0, 1e9), integer=True
            )
        )
        current = head.presets.get(number)
        head.save_preset(
            number, current.name if current else f"Preset {number}", home=bool(home)
        )
    if "removeserverpresetname" in args:
        preset = head.preset_by_name(args["removeserverpresetname"])
        if preset is None:
            raise PtzError(f'preset "{args["removeserverpresetname"]}" not found')
        head.remove_preset(preset.number)
    if "removeserverpresetno" in args:
        number = int(
            _number(
                "removeserverpresetno",
                args["removeserverpresetno"],
                (1.0, 1e9),
                integer=True,
            )
        )
        if number not in head.presets:
            raise PtzError(f"preset {number} not found")
        head.remove_preset(number)
