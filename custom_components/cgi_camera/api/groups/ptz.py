"""``com/ptz.cgi`` and ``com/ptzconfig.cgi``: pan, tilt, zoom and presets."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ..encoding import QueryValue
from ..errors import CameraValueError
from ..models import PtzInfo, PtzPosition, PtzPreset
from ..ptz import (
    ABSOLUTE_LENS_RANGE,
    AREAZOOM_RANGE,
    CONTINUOUS_RANGE,
    MOVES,
    OSD_MENU_COMMANDS,
    PAN_RANGE,
    RELATIVE_LENS_RANGE,
    RELATIVE_PAN_TILT_RANGE,
    SPEED_RANGE,
    TILT_RANGE,
    check_camera,
    check_choice,
    check_float,
    check_int,
    check_rotation,
    check_text,
    parse_info,
    parse_position,
    parse_presets,
    parse_speed,
)
from .base import ApiGroup


def _axis_params(
    prefix: str,
    pan_tilt: Mapping[str, float | None],
    pan_tilt_ranges: tuple[tuple[float, float], tuple[float, float]],
    lens: Mapping[str, int | None],
    lens_range: tuple[int, int],
) -> list[tuple[str, QueryValue]]:
    """The validated ``pan``..``iris`` (or ``rpan``..``riris``) parameters."""
    params: list[tuple[str, QueryValue]] = []
    for (name, angle), limits in zip(pan_tilt.items(), pan_tilt_ranges, strict=True):
        if angle is not None:
            params.append((prefix + name, check_float(name, angle, limits)))
    for name, steps in lens.items():
        if steps is not None:
            params.append((prefix + name, check_int(name, steps, lens_range)))
    if not params:
        raise CameraValueError("pan", "nothing to move")
    return params


class PtzApi(ApiGroup):
    """Pan, tilt, zoom, focus, iris and presets of a source (``client.ptz``)."""

    async def _ptz(
        self,
        params: list[tuple[str, QueryValue]],
        camera: int | None,
        image_rotation: int | None = None,
        *,
        path: str = "/com/ptz.cgi",
    ) -> str:
        request = check_camera(camera) + list(params) + check_rotation(image_rotation)
        return await self._text(path, request)

    async def move(
        self,
        direction: str,
        *,
        camera: int | None = None,
        image_rotation: int | None = None,
    ) -> None:
        """``move=home|up|down|left|right|upleft|upright|downleft|downright``."""
        await self._ptz(
            [("move", check_choice("direction", direction, MOVES))],
            camera,
            image_rotation,
        )

    async def absolute(
        self,
        *,
        pan: float | None = None,
        tilt: float | None = None,
        zoom: int | None = None,
        focus: int | None = None,
        iris: int | None = None,
        camera: int | None = None,
        image_rotation: int | None = None,
    ) -> None:
        """``pan``/``tilt`` (-180..180), ``zoom``/``focus``/``iris`` (1..9999)."""
        params = _axis_params(
            "",
            {"pan": pan, "tilt": tilt},
            (PAN_RANGE, TILT_RANGE),
            {"zoom": zoom, "focus": focus, "iris": iris},
            ABSOLUTE_LENS_RANGE,
        )
        await self._ptz(params, camera, image_rotation)

    async def relative(
        self,
        *,
        pan: float | None = None,
        tilt: float | None = None,
        zoom: int | None = None,
        focus: int | None = None,
        iris: int | None = None,
        camera: int | None = None,
        image_rotation: int | None = None,
    ) -> None:
        """``rpan``/``rtilt`` (-360..360), ``rzoom``/``rfocus``/``riris`` (±9999)."""
        params = _axis_params(
            "r",
            {"pan": pan, "tilt": tilt},
            (RELATIVE_PAN_TILT_RANGE, RELATIVE_PAN_TILT_RANGE),
            {"zoom": zoom, "focus": focus, "iris": iris},
            RELATIVE_LENS_RANGE,
        )
        await self._ptz(params, camera, image_rotation)

    async def continuous(
        self,
        *,
        pan: int | None = None,
        tilt: int | None = None,
        zoom: int | None = None,
        focus: int | None = None,
        iris: int | None = None,
        camera: int | None = None,
        image_rotation: int | None = None,
    ) -> None:
        """Continuous moves, speeds -100..100 (0 stops); pan/tilt go together."""
        params: list[tuple[str, QueryValue]] = []
        if pan is not None or tilt is not None:
            params.append(
                (
                    "continuouspantiltmove",
                    (
                        check_int("pan", pan or 0, CONTINUOUS_RANGE),
                        check_int("tilt", tilt or 0, CONTINUOUS_RANGE),
                    ),
                )
            )
        for name, value in (("zoom", zoom), ("focus", focus), ("iris", iris)):
            if value is not None:
                params.append(
                    (f"continuous{name}move", check_int(name, value, CONTINUOUS_RANGE))
                )
        if not params:
            raise CameraValueError("pan", "nothing to move")
        await self._ptz(params, camera, image_rotation)

    async def stop(
        self, *, camera: int | None = None, commands: Collection[str] | None = None
    ) -> None:
        """Stop continuous moves in one request.

        Sends ``continuouspantiltmove=0,0`` and ``continuouszoommove=0``; with
        ``commands`` (e.g. :attr:`PtzInfo.commands`) it sends every
        ``continuous*move`` listed there instead.
        """
        stops: list[tuple[str, QueryValue]] = [
            ("continuouspantiltmove", ("0", "0")),
            ("continuouszoommove", "0"),
            ("continuousfocusmove", "0"),
            ("continuousirismove", "0"),
        ]
        if commands is None:
            params = stops[:2]
        else:
            params = [stop for stop in stops if stop[0] in commands]
            if not params:
                return
        await self._ptz(params, camera)

    async def center(
        self,
        x: int,
        y: int,
        *,
        zoom: int | None = None,
        image_width: int | None = None,
        image_height: int | None = None,
        camera: int | None = None,
        image_rotation: int | None = None,
    ) -> None:
        """``center=x,y`` or, with ``zoom`` (z/100), ``areazoom=x,y,z``."""
        limit = (0, 65535)
        coordinates = [check_int("x", x, limit), check_int("y", y, limit)]
        params: list[tuple[str, QueryValue]]
        if zoom is None:
            params = [("center", tuple(coordinates))]
        else:
            coordinates.append(check_int("zoom", zoom, AREAZOOM_RANGE))
            params = [("areazoom", tuple(coordinates))]
        if image_width is not None:
            params.append(
                ("imagewidth", check_int("image_width", image_width, (1, 65535)))
            )
        if image_height is not None:
            params.append(
                ("imageheight", check_int("image_height", image_height, (1, 65535)))
            )
        await self._ptz(params, camera, image_rotation)

    async def set_speed(self, speed: int, *, camera: int | None = None) -> None:
        """``speed=1..100``."""
        await self._ptz([("speed", check_int("speed", speed, SPEED_RANGE))], camera)

    async def autofocus(self, on: bool, *, camera: int | None = None) -> None:
        """``autofocus=on|off``."""
        await self._ptz([("autofocus", "on" if on else "off")], camera)

    async def autoiris(self, on: bool, *, camera: int | None = None) -> None:
        """``autoiris=on|off``."""
        await self._ptz([("autoiris", "on" if on else "off")], camera)

    async def auxiliary(self, function: str, *, camera: int | None = None) -> None:
        """``auxiliary=<function name>``."""
        await self._ptz([("auxiliary", check_text("function", function))], camera)

    async def goto_preset(
        self, preset: str | int, *, camera: int | None = None
    ) -> None:
        """``gotoserverpresetno=<n>`` (int) or ``gotoserverpresetname=<name>``."""
        await self._ptz([self._preset("gotoserverpreset", preset)], camera)

    async def goto_device_preset(
        self, number: int, *, camera: int | None = None
    ) -> None:
        """``gotodevicepreset=<n>``."""
        await self._ptz(
            [("gotodevicepreset", check_int("number", number, (1, 2**31 - 1)))], camera
        )

    @staticmethod
    def _preset(prefix: str, preset: str | int) -> tuple[str, QueryValue]:
        if isinstance(preset, int) and not isinstance(preset, bool):
            return (f"{prefix}no", check_int("preset", preset, (1, 2**31 - 1)))
        if not isinstance(preset, str):
            raise CameraValueError("preset", "a preset number or name")
        return (f"{prefix}name", check_text("preset", preset))

    async def set_preset(
        self, preset: str | int, *, home: bool = False, camera: int | None = None
    ) -> None:
        """``ptzconfig.cgi?setserverpresetno|name=...[&home=yes]``."""
        params = [self._preset("setserverpreset", preset)]
        if home:
            params.append(("home", "yes"))
        await self._ptz(params, camera, path="/com/ptzconfig.cgi")

    async def remove_preset(
        self, preset: str | int, *, camera: int | None = None
    ) -> None:
        """``ptzconfig.cgi?removeserverpresetno|name=...``."""
        await self._ptz(
            [self._preset("removeserverpreset", preset)],
            camera,
            path="/com/ptzconfig.cgi",
        )

    async def osd_menu(self, command: str, *, camera: int | None = None) -> None:
        """``ptzconfig.cgi?osdmenu=open|close|up|down|left|right|select|back``."""
        await self._ptz(
            [("osdmenu", check_choice("command", command, OSD_MENU_COMMANDS))],
            camera,
            path="/com/ptzconfig.cgi",
        )

    async def position(self, camera: int | None = None) -> PtzPosition:
        """``query=position``."""
        return parse_position(await self._ptz([("query", "position")], camera))

    async def speed(self, camera: int | None = None) -> int:
        """``query=speed``."""
        return parse_speed(await self._ptz([("query", "speed")], camera))

    async def presets(self, camera: int | None = None) -> tuple[PtzPreset, ...]:
        """``query=presetposcam``: the server presets of the source."""
        return parse_presets(await self._ptz([("query", "presetposcam")], camera))

    async def info(self, camera: int | None = None) -> PtzInfo:
        """``info=1``: the commands the source supports."""
        return parse_info(await self._ptz([("info", "1")], camera))

    async def whoami(self, camera: int | None = None) -> str:
        """``whoami=1``: the name of the source's PTZ driver."""
        return (await self._ptz([("whoami", "1")], camera)).strip()
