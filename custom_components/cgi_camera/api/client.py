"""The async client for the camera's HTTP API (one method per request)."""

from __future__ import annotations

import asyncio
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Collection,
    Mapping,
    Sequence,
)
from datetime import UTC, datetime, timezone, tzinfo
import ipaddress
import logging
import re
from typing import BinaryIO

import aiohttp

from .discovery import HINT_GROUPS, Discovery
from .encoding import QueryValue
from .errors import (
    CameraConnectionError,
    CameraError,
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraValueError,
)
from .io import (
    PortMapper,
    PortNumbering,
    PulseSequence,
    check_port,
    check_ports,
    monitor_events,
    parse_active,
    parse_check,
)
from .keepalive import KeepAliveWatch
from .models import (
    RESOLUTIONS,
    BackupInfo,
    DeviceInfo,
    ImageSize,
    IoEvent,
    IpFilter,
    PtzInfo,
    PtzPosition,
    PtzPreset,
    Recording,
    StorageDisk,
    UserGroups,
)
from .multipart import MultipartStreamReader, StreamBuffer, boundary_from_content_type
from .params import (
    parse_add_answer,
    parse_params,
    parse_user_groups,
)
from .parsers_text import (
    parse_date,
    parse_image_size,
    parse_ip_filter,
    parse_time_zone,
    parse_video_status,
)
from .ptz import (
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
from .storage import parse_disks, parse_recordings
from .transport import Params, Transport, translate_error

_LOGGER = logging.getLogger(__name__)

TIME_ZONE_PARAM = "Time.TimeZone"
"""Not in the spec: a hint for the zone of ``date.cgi``'s local time."""

DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024
AUDIO_BLOCK_BYTES = 240
MAX_AUDIO_PART_BYTES = 64 * 1024
MAX_MONITOR_PART_BYTES = 64 * 1024
MAX_BAD_FRAMES = 10
"""Consecutive non-JPEG (e.g. truncated) MJPEG parts tolerated before giving up."""

_NAME_RE = re.compile(r"^[A-Za-z0-9]+$")
_GROUP_RE = re.compile(r"^[A-Za-z0-9_]+$")
_RESOLUTION_RE = re.compile(r"^\d{1,5}x\d{1,5}$")
_SAFE_FILENAME_RE = re.compile(r"[^A-Za-z0-9._-]")
_MIME_RE = re.compile(r"^[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+$")


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _check_source(camera: str | int | None, *, allow_quad: bool = True) -> str | None:
    """A video source: 1, 2, ... or ``"quad"``."""
    if camera is None:
        return None
    if isinstance(camera, str) and camera.isascii() and camera.isdigit():
        camera = int(camera)
    if isinstance(camera, int) and not isinstance(camera, bool) and camera >= 1:
        return str(camera)
    if allow_quad and camera == "quad":
        return "quad"
    raise CameraValueError("camera", f"must be 1, 2, 3, 4 or quad, got {camera!r}")


def _check_resolution(resolution: str | None) -> str | None:
    if resolution is None:
        return None
    if resolution in RESOLUTIONS or _RESOLUTION_RE.match(resolution):
        return resolution
    raise CameraValueError(
        "resolution", f"must be one of {', '.join(RESOLUTIONS)} or WxH"
    )


def _check_name(argument: str, value: str, pattern: re.Pattern[str]) -> str:
    if not isinstance(value, str) or not pattern.match(value):
        raise CameraValueError(argument, "only letters a-z, A-Z and digits 0-9")
    return value


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


def _is_jpeg(body: bytes) -> bool:
    """Whether a part holds a whole JPEG (SOI ... EOI, maybe padded)."""
    if not body.startswith(b"\xff\xd8"):
        return False
    # The common case needs no copy; padding after EOI is allowed.
    return body.endswith(b"\xff\xd9") or body.rstrip().endswith(b"\xff\xd9")


async def _counted(
    blocks: AsyncIterable[bytes], length: int, mismatch: list[str]
) -> AsyncIterator[bytes]:
    """``blocks`` as they come, stopping before more than ``length`` bytes.

    A mismatch is noted in ``mismatch`` and raised, which makes aiohttp abort
    the request (the connection is closed).
    """
    sent = 0
    async for block in blocks:
        if not block:
            continue
        if sent + len(block) > length:
            mismatch.append(f"the blocks are longer than the declared {length} bytes")
            raise CameraValueError("length", mismatch[0])
        sent += len(block)
        yield block
    if sent != length:
        mismatch.append(f"the blocks end after {sent} of the declared {length} bytes")
        raise CameraValueError("length", mismatch[0])


def sanitise_filename(name: str | None, default: str = "backup.tar") -> str:
    """A bare safe file name: no directories, only ``A-Za-z0-9._-``."""
    if not name:
        return default
    base = re.split(r"[/\\]", name)[-1]
    base = _SAFE_FILENAME_RE.sub("_", base).lstrip(".")
    return base[:128] or default


class CameraClient:
    """Async client for one camera or video server.

    The :class:`aiohttp.ClientSession` is injected and never closed here.
    Every method raises only :class:`~.errors.CameraError` subclasses.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        *,
        port: int = 80,
        https: bool = False,
        verify_ssl: bool = True,
        username: str,
        password: str,
        timeout: float = 10.0,
        stall_timeout: float | None = 30.0,
    ) -> None:
        """Talk to ``host``; ``timeout`` bounds each request.

        Streams use ``timeout`` to connect and get the answer's headers and
        ``stall_timeout`` between reads (MJPEG, audio, backup).
        """
        self._transport = Transport(
            session,
            host,
            port=port,
            https=https,
            verify_ssl=verify_ssl,
            username=username,
            password=password,
            timeout=timeout,
        )
        self._stall_timeout = stall_timeout
        self.numbering = PortNumbering()
        self._time_zone: tzinfo | None = None
        self._time_zone_read = False
        self.keepalive = KeepAliveWatch()
        # How each path reports "active": checkactive until the device
        # refuses it, then check (the level), inverted on ports whose
        # Trig/Active setting says "open".
        self._active_query: dict[str, str] = {}
        self.inverted_ports: dict[str, frozenset[int]] = {}

    def __repr__(self) -> str:
        """Never shows credentials."""
        return f"CameraClient({self.base_url!r})"

    @property
    def base_url(self) -> str:
        """``http(s)://host:port``, never with credentials."""
        return self._transport.base_url

    @property
    def auth_scheme(self) -> str | None:
        """The scheme learnt from the first 401 (``None`` before)."""
        return self._transport.auth_scheme

    @property
    def io_report(self) -> dict[str, object]:
        """How the device's I/O answers are read (for diagnostics)."""
        return {
            "numbering": self.numbering.description,
            "active_state_query": dict(self._active_query),
            "monitor_keepalive_seconds": self.keepalive.interval,
        }

    def update_credentials(self, username: str, password: str) -> None:
        """Use new credentials without recreating the client."""
        self._transport.update_credentials(username, password)

    # -- helpers -----------------------------------------------------------

    async def _text(
        self,
        path: str,
        params: Params = (),
        *,
        secrets: Sequence[str] = (),
        method: str = "GET",
        refusals: bool = True,
    ) -> str:
        return await self._transport.text(
            method, path, params, secrets=secrets, refusals=refusals
        )

    async def _command(
        self, path: str, params: Params = (), *, secrets: Sequence[str] = ()
    ) -> str:
        """A request whose answer is ``OK`` or a refusal (which raises)."""
        return await self._text(path, params, secrets=secrets)

    async def _stream_response(
        self, path: str, params: Params, stall: float | None
    ) -> aiohttp.ClientResponse:
        return await self._transport.request(
            "GET",
            path,
            params,
            timeout=self._transport.stream_timeout(stall),
            header_timeout=self._transport.timeout,
        )

    async def _chunks(
        self, response: aiohttp.ClientResponse, what: str
    ) -> AsyncGenerator[bytes]:
        try:
            async for chunk in response.content.iter_any():
                yield chunk
        except (aiohttp.ClientError, OSError, TimeoutError) as err:
            raise translate_error(err, what, self._transport.redact) from err

    async def _parts(
        self,
        response: aiohttp.ClientResponse,
        what: str,
        max_part_bytes: int,
        *,
        end_is_cut: bool = True,
    ) -> AsyncGenerator[bytes]:
        """Part bodies of a multipart stream answer; closes the response.

        With ``end_is_cut`` the device closing the stream without a closing
        boundary raises :class:`CameraConnectionError` (video and audio never
        end on their own); otherwise the iteration just ends.
        """
        chunks = self._chunks(response, what)
        try:
            boundary = boundary_from_content_type(
                response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
            )
            if boundary is None:
                raise CameraResponseError(
                    f"{what}: the answer is not a multipart stream"
                )
            reader = MultipartStreamReader(
                chunks, boundary, max_part_bytes=max_part_bytes
            )
            async for part in reader:
                yield part.body
            if end_is_cut and not reader.saw_closing_boundary:
                raise CameraConnectionError(f"{what}: the device ended the stream")
        finally:
            response.close()
            await chunks.aclose()

    # -- parameters ----------------------------------------------------------

    async def list_params(self, groups: Sequence[str] | None = None) -> dict[str, str]:
        """``param.cgi?action=list[&group=a,b]`` as an ordered mapping."""
        params: list[tuple[str, QueryValue]] = [("action", "list")]
        if groups:
            params.append(("group", tuple(groups)))
        return parse_params(await self._text("/param.cgi", params))

    async def update_params(self, values: Mapping[str, str]) -> None:
        """``param.cgi?action=update&<name>=<value>...`` (many at once)."""
        if not values:
            raise CameraValueError("values", "nothing to update")
        params: list[tuple[str, QueryValue]] = [("action", "update")]
        params += [(name, str(value)) for name, value in values.items()]
        await self._command("/param.cgi", params)

    async def add_param_group(
        self,
        group: str,
        template: str,
        values: Mapping[str, str] | None = None,
        *,
        force: bool = False,
    ) -> str:
        """``param.cgi?action=add``; returns the new group id (``"E7"``).

        A group created without its values raises
        :class:`~.errors.CameraGroupValuesNotSetError` (with its ``group_id``).
        """
        params: list[tuple[str, QueryValue]] = [
            ("action", "add"),
            ("group", check_text("group", group)),
            ("template", check_text("template", template)),
        ]
        params += [(name, str(value)) for name, value in (values or {}).items()]
        if force:
            params.append(("force", "yes"))
        text = await self._text("/param.cgi", params, refusals=False)
        return parse_add_answer(text, group, redact=self._transport.redact)

    async def remove_param_groups(self, groups: Sequence[str]) -> None:
        """``param.cgi?action=remove&group=a,b``."""
        if isinstance(groups, str) or not groups:
            raise CameraValueError("groups", "a non-empty list of group names")
        await self._command(
            "/param.cgi", [("action", "remove"), ("group", tuple(groups))]
        )

    async def hint_params(self) -> dict[str, str]:
        """The parameters discovery reads as hints, whatever the device lacks.

        One list request for the hint groups; ``# Error:`` lines about groups
        the device does not have are skipped.  A device that refuses the whole
        request is asked for all its parameters (the spec's list without
        ``group``).
        """
        requests: list[Params] = [
            [("action", "list"), ("group", HINT_GROUPS)],
            [("action", "list")],
        ]
        for params in requests:
            text = await self._text("/param.cgi", params, refusals=False)
            if found := parse_params(text, skip_errors=True):
                return found
        return {}

    async def get_device_info(self) -> DeviceInfo:
        """Identity and capabilities (see :mod:`.discovery`)."""
        return await Discovery(self, await self.hint_params()).device_info()

    # -- users -------------------------------------------------------------

    async def get_users(self) -> UserGroups:
        """``pwdgrp.cgi?action=get``: users per group."""
        return UserGroups(
            parse_user_groups(await self._text("/pwdgrp.cgi", [("action", "get")]))
        )

    async def add_user(
        self,
        user: str,
        password: str,
        group: str,
        secondary_groups: Sequence[str] = (),
        comment: str | None = None,
    ) -> None:
        """``pwdgrp.cgi?action=add``."""
        params: list[tuple[str, QueryValue]] = [
            ("action", "add"),
            ("user", _check_name("user", user, _NAME_RE)),
            ("pwd", _check_name("password", password, _NAME_RE)),
            ("grp", _check_name("group", group, _GROUP_RE)),
        ]
        if secondary_groups:
            groups = [
                _check_name("secondary_groups", g, _GROUP_RE) for g in secondary_groups
            ]
            params.append(("sgrp", ":".join(groups)))
        if comment is not None:
            params.append(("comment", comment))
        await self._command("/pwdgrp.cgi", params, secrets=[password])

    async def update_user(
        self,
        user: str,
        *,
        password: str | None = None,
        group: str | None = None,
        secondary_groups: Sequence[str] | None = None,
        comment: str | None = None,
    ) -> None:
        """``pwdgrp.cgi?action=update`` (only the given fields change)."""
        params: list[tuple[str, QueryValue]] = [
            ("action", "update"),
            ("user", _check_name("user", user, _NAME_RE)),
        ]
        if password is not None:
            params.append(("pwd", _check_name("password", password, _NAME_RE)))
        if group is not None:
            params.append(("grp", _check_name("group", group, _GROUP_RE)))
        if secondary_groups is not None:
            groups = [
                _check_name("secondary_groups", g, _GROUP_RE) for g in secondary_groups
            ]
            params.append(("sgrp", ":".join(groups)))
        if comment is not None:
            params.append(("comment", comment))
        if len(params) == 2:
            raise CameraValueError("user", "nothing to update")
        await self._command(
            "/pwdgrp.cgi", params, secrets=[password] if password else []
        )

    async def remove_user(self, user: str) -> None:
        """``pwdgrp.cgi?action=remove``."""
        await self._command(
            "/pwdgrp.cgi",
            [("action", "remove"), ("user", _check_name("user", user, _NAME_RE))],
        )

    # -- system --------------------------------------------------------------

    async def restart(self) -> None:
        """``restart.cgi``."""
        await self._command("/restart.cgi")

    async def factory_default(self, *, hard: bool = False) -> None:
        """``factorydefault.cgi`` (or ``hardfactorydefault.cgi``)."""
        await self._command(
            "/hardfactorydefault.cgi" if hard else "/factorydefault.cgi"
        )

    async def system_log(self) -> str:
        """``systemlog.cgi`` as text."""
        return await self._text("/systemlog.cgi", refusals=False)

    async def device_time_zone(self) -> tzinfo | None:
        """The zone of the device's clock, from its ``Time.TimeZone`` hint.

        Read once: ``None`` when the device has no such parameter (the spec
        prints none) or a value that is not a fixed offset.  A device that
        does not answer raises, and the next call asks again.
        """
        if not self._time_zone_read:
            try:
                params = await self.list_params([TIME_ZONE_PARAM])
            except (CameraRequestRefusedError, CameraNotFoundError) as err:
                _LOGGER.debug("No %s: %s", TIME_ZONE_PARAM, err)
                params = {}
            offset = parse_time_zone(params.get(TIME_ZONE_PARAM))
            self._time_zone = None if offset is None else timezone(offset)
            self._time_zone_read = True
        return self._time_zone

    async def get_date(self) -> datetime:
        """``date.cgi?action=get`` as an aware datetime when possible.

        The device answers its local time without a zone.  When
        :meth:`device_time_zone` knows the zone (read once) the result is
        aware, otherwise it is naive: the device's local wall time.
        """
        zone = await self.device_time_zone()
        text = await self._text("/date.cgi", [("action", "get")])
        self._transport.check_refusal(text)
        return parse_date(text, zone)

    async def set_date(self, value: datetime, *, gmt: bool = True) -> None:
        """``date.cgi?action=set``.

        With ``gmt`` (the default) an aware ``value`` is converted to UTC and a
        naive one is taken as UTC; without it the device takes the value as
        its local time.
        """
        if gmt and value.tzinfo is not None:
            value = value.astimezone(UTC)
        if not 1970 <= value.year <= 2031:
            raise CameraValueError(
                "value", "year must be 1970..2031", minimum=1970, maximum=2031
            )
        params: list[tuple[str, QueryValue]] = [
            ("action", "set"),
            ("year", value.year),
            ("month", value.month),
            ("day", value.day),
            ("hour", value.hour),
            ("minute", value.minute),
            ("second", value.second),
        ]
        if gmt:
            params.append(("timezone", "GMT"))
        await self._command("/date.cgi", params)

    async def set_osd(
        self,
        *,
        text: str | None = None,
        date: bool | None = None,
        clock: bool | None = None,
        text_enabled: bool | None = None,
        commit: bool = False,
    ) -> None:
        """``setosd.cgi``: OSD string and what it shows."""
        params: list[tuple[str, QueryValue]] = []
        if text is not None:
            params.append(("String", text))
        if date is not None:
            params.append(("DateEnabled", _yes_no(date)))
        if clock is not None:
            params.append(("ClockEnabled", _yes_no(clock)))
        if text_enabled is not None:
            params.append(("TextEnabled", _yes_no(text_enabled)))
        if not params:
            raise CameraValueError("text", "nothing to set")
        params.append(("Commit", _yes_no(commit)))
        await self._command("/setosd.cgi", params)

    async def backup(
        self, file: BinaryIO, *, max_bytes: int = 64 * 1024 * 1024
    ) -> BackupInfo:
        """Stream ``backup.cgi`` into ``file`` (written in the executor).

        Raises :class:`CameraResponseError` once more than ``max_bytes``
        arrive (what was written stays in ``file``).  Errors writing ``file``
        are the caller's and propagate as they are.
        """
        what = "GET /backup.cgi"
        response = await self._stream_response("/backup.cgi", (), self._stall_timeout)
        loop = asyncio.get_running_loop()
        size = 0
        chunks = self._chunks(response, what)
        try:
            disposition = response.content_disposition
            filename = sanitise_filename(
                disposition.filename if disposition is not None else None
            )
            async for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise CameraResponseError(
                        f"{what}: the backup exceeds {max_bytes} bytes"
                    )
                await loop.run_in_executor(None, file.write, chunk)
        finally:
            response.close()
            await chunks.aclose()
        return BackupInfo(filename, size)

    async def backup_filename(self) -> str | None:
        """The file name ``backup.cgi`` suggests, read from its headers alone.

        The connection is closed before the body is read.
        """
        response = await self._stream_response("/backup.cgi", (), self._stall_timeout)
        try:
            disposition = response.content_disposition
            return disposition.filename if disposition is not None else None
        finally:
            response.close()

    async def _upload(
        self,
        path: str,
        params: Params,
        data: bytes,
        *,
        name: str,
        filename: str,
        content_type: str,
    ) -> None:
        await self._transport.probe()
        writer = aiohttp.MultipartWriter("form-data")
        part = writer.append(data, {aiohttp.hdrs.CONTENT_TYPE: content_type})
        part.set_content_disposition(
            "form-data", name=name, filename=sanitise_filename(filename, name)
        )
        await self._transport.text(
            "POST",
            path,
            params,
            data=writer,
            timeout=aiohttp.ClientTimeout(
                total=None, sock_connect=self._transport.timeout, sock_read=None
            ),
        )

    async def restore(self, data: bytes, *, filename: str = "backup.tar") -> None:
        """``restore.cgi``: upload a backup (RFC 1867 form-data)."""
        await self._upload(
            "/restore.cgi",
            (),
            data,
            name="backup.tar",
            filename=filename,
            content_type="application/x-tar",
        )

    async def firmware_upgrade(
        self,
        data: bytes,
        *,
        filename: str = "firmware.bin",
        factory_default: bool = False,
    ) -> None:
        """``firmwareupgrade.cgi?type=normal|factorydefault``."""
        await self._upload(
            "/firmwareupgrade.cgi",
            [("type", "factorydefault" if factory_default else "normal")],
            data,
            name="firmware.bin",
            filename=filename,
            content_type="application/octet-stream",
        )

    # -- video ----------------------------------------------------------------

    async def image_size(
        self, camera: str | int = 1, resolution: str | None = None
    ) -> ImageSize:
        """``imagesize.cgi?camera=<n>[&resolution=...]``."""
        params: list[tuple[str, QueryValue]] = [
            ("camera", _check_source(camera) or "1")
        ]
        if (checked := _check_resolution(resolution)) is not None:
            params.append(("resolution", checked))
        text = await self._text("/imagesize.cgi", params)
        self._transport.check_refusal(text)
        return parse_image_size(text)

    async def video_status(self, cameras: Sequence[int]) -> dict[int, bool]:
        """``videostatus.cgi?status=1,2``: whether each source has video."""
        sources = check_ports(cameras)
        text = await self._text("/videostatus.cgi", [("status", sources)])
        self._transport.check_refusal(text)
        return parse_video_status(text, sources)

    def _image_params(
        self, camera: str | int | None, resolution: str | None
    ) -> list[tuple[str, QueryValue]]:
        params: list[tuple[str, QueryValue]] = []
        if (source := _check_source(camera)) is not None:
            params.append(("camera", source))
        if (checked := _check_resolution(resolution)) is not None:
            params.append(("resolution", checked))
        return params

    async def snapshot(
        self, camera: str | int | None = None, resolution: str | None = None
    ) -> bytes:
        """``image.cgi``: one JPEG."""
        params = self._image_params(camera, resolution)
        response, body = await self._transport.fetch(
            "GET", "/image.cgi", params, limit=MAX_SNAPSHOT_BYTES
        )
        if not response.content_type.startswith("image/"):
            self._transport.check_refusal(body.decode("latin-1"))
            raise CameraResponseError("GET /image.cgi: the answer is not an image")
        if not body:
            raise CameraResponseError("GET /image.cgi: empty image")
        return body

    def mjpeg_frames(
        self,
        camera: str | int | None = None,
        resolution: str | None = None,
        *,
        max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES,
    ) -> AsyncGenerator[bytes]:
        """JPEG frames of ``mjpg/video.cgi``, one at a time.

        The arguments are checked now; the request is sent on the first
        ``anext``.  The response is closed when the generator is closed
        (``aclose()``, or ``break`` once it is collected).
        """
        params = self._image_params(camera, resolution)
        return self._mjpeg(params, max_frame_bytes)

    async def _mjpeg(
        self, params: Params, max_frame_bytes: int
    ) -> AsyncGenerator[bytes]:
        response = await self._stream_response(
            "/mjpg/video.cgi", params, self._stall_timeout
        )
        parts = self._parts(response, "GET /mjpg/video.cgi", max_frame_bytes)
        bad = 0
        try:
            async for body in parts:
                if _is_jpeg(body):
                    bad = 0
                    yield body
                    continue
                bad += 1  # a truncated or corrupt part: skip it
                _LOGGER.debug("Skipping a corrupt MJPEG part of %d bytes", len(body))
                if bad > MAX_BAD_FRAMES:
                    raise CameraResponseError(
                        "GET /mjpg/video.cgi: the stream carries no JPEG frames"
                    )
        finally:
            await parts.aclose()

    # -- PTZ --------------------------------------------------------------------

    async def _ptz(
        self,
        params: list[tuple[str, QueryValue]],
        camera: int | None,
        image_rotation: int | None = None,
        *,
        path: str = "/com/ptz.cgi",
    ) -> str:
        request = check_camera(camera) + list(params) + check_rotation(image_rotation)
        text = await self._text(path, request)
        self._transport.check_refusal(text)
        return text

    async def ptz_move(
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

    async def ptz_absolute(
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

    async def ptz_relative(
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

    async def ptz_continuous(
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

    async def ptz_stop(
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

    async def ptz_center(
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

    async def ptz_set_speed(self, speed: int, *, camera: int | None = None) -> None:
        """``speed=1..100``."""
        await self._ptz([("speed", check_int("speed", speed, SPEED_RANGE))], camera)

    async def ptz_autofocus(self, on: bool, *, camera: int | None = None) -> None:
        """``autofocus=on|off``."""
        await self._ptz([("autofocus", "on" if on else "off")], camera)

    async def ptz_autoiris(self, on: bool, *, camera: int | None = None) -> None:
        """``autoiris=on|off``."""
        await self._ptz([("autoiris", "on" if on else "off")], camera)

    async def ptz_auxiliary(self, function: str, *, camera: int | None = None) -> None:
        """``auxiliary=<function name>``."""
        await self._ptz([("auxiliary", check_text("function", function))], camera)

    async def ptz_goto_preset(
        self, preset: str | int, *, camera: int | None = None
    ) -> None:
        """``gotoserverpresetno=<n>`` (int) or ``gotoserverpresetname=<name>``."""
        await self._ptz([self._preset("gotoserverpreset", preset)], camera)

    async def ptz_goto_device_preset(
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

    async def ptz_set_preset(
        self, preset: str | int, *, home: bool = False, camera: int | None = None
    ) -> None:
        """``ptzconfig.cgi?setserverpresetno|name=...[&home=yes]``."""
        params = [self._preset("setserverpreset", preset)]
        if home:
            params.append(("home", "yes"))
        await self._ptz(params, camera, path="/com/ptzconfig.cgi")

    async def ptz_remove_preset(
        self, preset: str | int, *, camera: int | None = None
    ) -> None:
        """``ptzconfig.cgi?removeserverpresetno|name=...``."""
        await self._ptz(
            [self._preset("removeserverpreset", preset)],
            camera,
            path="/com/ptzconfig.cgi",
        )

    async def ptz_osd_menu(self, command: str, *, camera: int | None = None) -> None:
        """``ptzconfig.cgi?osdmenu=open|close|up|down|left|right|select|back``."""
        await self._ptz(
            [("osdmenu", check_choice("command", command, OSD_MENU_COMMANDS))],
            camera,
            path="/com/ptzconfig.cgi",
        )

    async def ptz_position(self, camera: int | None = None) -> PtzPosition:
        """``query=position``."""
        return parse_position(await self._ptz([("query", "position")], camera))

    async def ptz_speed(self, camera: int | None = None) -> int:
        """``query=speed``."""
        return parse_speed(await self._ptz([("query", "speed")], camera))

    async def ptz_presets(self, camera: int | None = None) -> tuple[PtzPreset, ...]:
        """``query=presetposcam``: the server presets of the source."""
        return parse_presets(await self._ptz([("query", "presetposcam")], camera))

    async def ptz_info(self, camera: int | None = None) -> PtzInfo:
        """``info=1``: the commands the source supports."""
        return parse_info(await self._ptz([("info", "1")], camera))

    async def ptz_whoami(self, camera: int | None = None) -> str:
        """``whoami=1``: the name of the source's PTZ driver."""
        return (await self._ptz([("whoami", "1")], camera)).strip()

    # -- I/O ----------------------------------------------------------------------

    async def _check(
        self, path: str, action: str, ports: Sequence[int]
    ) -> dict[int, str]:
        checked = check_ports(ports)
        text = await self._text(path, [(action, checked)])
        self._transport.check_refusal(text)
        mapper = PortMapper(checked, self.numbering)
        return parse_check(text, checked, mapper)

    async def check_inputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/input.cgi?check=1,2`` (one request for all ports)."""
        states = await self._check("/io/input.cgi", "check", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_outputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/output.cgi?check=1,2`` (one request for all ports)."""
        states = await self._check("/io/output.cgi", "check", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_active_inputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/input.cgi?checkactive=1,2``."""
        states = await self._check("/io/input.cgi", "checkactive", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def check_active_outputs(self, ports: Sequence[int]) -> dict[int, bool]:
        """``io/output.cgi?checkactive=1,2``."""
        states = await self._check("/io/output.cgi", "checkactive", ports)
        return {port: parse_active(word) for port, word in states.items()}

    async def input_states(self, ports: Sequence[int]) -> dict[int, bool]:
        """Whether each input is *active*, as the monitor stream means it.

        See :meth:`active_states`.
        """
        return await self.active_states("/io/input.cgi", ports)

    async def output_states(self, ports: Sequence[int]) -> dict[int, bool]:
        """Whether each relay is *active* (``/`` switches it on).

        See :meth:`active_states`.
        """
        return await self.active_states("/io/output.cgi", ports)

    async def active_states(self, path: str, ports: Sequence[int]) -> dict[int, bool]:
        r"""``checkactive``, or ``check`` on devices that refuse ``checkactive``.

        ``check`` answers the electrical level (1/0), which is the inverse of
        "active" on ports set to ``open`` (``inverted_ports``, from
        discovery); the monitor stream, ``/`` and ``\`` always mean active.
        The first answer decides which one, for good: a later refusal is an
        error, not a reason to switch.
        """
        query = self._active_query.get(path)
        try:
            states = await self._check(path, query or "checkactive", ports)
        except (CameraRequestRefusedError, CameraNotFoundError) as err:
            if query is not None:
                raise
            _LOGGER.debug("%s refuses checkactive (%s): trying check", path, err)
            states = await self._check(path, "check", ports)
            query = "check"
        query = self._active_query[path] = query or "checkactive"
        inverted = self.inverted_ports.get(path, frozenset())
        if query != "check":
            inverted = frozenset()
        return {
            port: parse_active(word) != (port in inverted)
            for port, word in states.items()
        }

    async def ping(self) -> None:
        """One cheap request that tells whether the device answers.

        ``date.cgi?action=get`` (viewer rights, a one-line answer).  A device
        without it (404) or refusing it still answered, so only transport
        errors and 401 raise.
        """
        try:
            await self._text("/date.cgi", [("action", "get")], refusals=False)
        except (CameraNotFoundError, CameraForbiddenError, CameraRequestRefusedError):
            return

    async def check_directions(self, ports: Sequence[int]) -> dict[int, str]:
        """``io/port.cgi?checkdirection=1,2``: ``"input"`` or ``"output"``."""
        states = await self._check("/io/port.cgi", "checkdirection", ports)
        result: dict[int, str] = {}
        for port, word in states.items():
            if word.lower() not in ("input", "output"):
                raise CameraResponseError(f"unknown direction {word[:20]!r}")
            result[port] = word.lower()
        return result

    async def set_output(self, port: int, active: bool) -> None:
        """``io/output.cgi?action=<port>:/`` (or a backslash for inactive)."""
        check_port("port", port)
        await self._command(
            "/io/output.cgi", [("action", f"{port}:{'/' if active else chr(92)}")]
        )

    async def pulse_output(self, port: int, sequence: PulseSequence) -> None:
        """``io/output.cgi?action=<port>:<sequence>`` (one relay per request)."""
        await self._command("/io/output.cgi", [("action", sequence.for_port(port))])

    def monitor_inputs(
        self,
        ports: Sequence[int],
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
        stall_timeout: float | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Events of ``io/input.cgi?monitor=...`` (see :meth:`monitor_outputs`)."""
        return self._monitor(
            "/io/input.cgi",
            check_ports(ports),
            on_connect,
            on_unreadable,
            stall_timeout,
        )

    def monitor_outputs(
        self,
        ports: Sequence[int],
        *,
        on_connect: Callable[[], None] | None = None,
        on_unreadable: Callable[[], None] | None = None,
        stall_timeout: float | None = None,
    ) -> AsyncGenerator[IoEvent]:
        """Events of ``io/output.cgi?monitor=...``.

        Yields the first reported state of each port, then every change
        (repeats are dropped).  ``on_connect`` is called once the device has
        answered 200; ``on_unreadable`` for a part that said something but no
        port state could be read from it (a garbled part: its change is lost,
        so the caller re-reads the ports).  The iteration ends when the
        device closes the stream; a cut part raises
        :class:`CameraConnectionError`.  A stream silent past the device's
        keep-alive raises :class:`CameraTimeoutError` (see :mod:`.keepalive`);
        ``stall_timeout`` is a fixed limit on top.
        """
        return self._monitor(
            "/io/output.cgi",
            check_ports(ports),
            on_connect,
            on_unreadable,
            stall_timeout,
        )

    async def _monitor(
        self,
        path: str,
        ports: tuple[int, ...],
        on_connect: Callable[[], None] | None,
        on_unreadable: Callable[[], None] | None,
        stall_timeout: float | None,
    ) -> AsyncGenerator[IoEvent]:
        response = await self._stream_response(
            path, [("monitor", ports)], stall_timeout
        )
        parts = self._parts(
            response, f"GET {path}", MAX_MONITOR_PART_BYTES, end_is_cut=False
        )
        watched = self.keepalive.watch(parts, f"GET {path}")
        events = monitor_events(
            watched, PortMapper(ports, self.numbering), on_unreadable
        )
        try:
            if on_connect is not None:
                on_connect()
            async for event in events:
                yield event
        finally:
            await events.aclose()
            await watched.aclose()
            await parts.aclose()

    # -- IP filter --------------------------------------------------------------

    @staticmethod
    def _filter_params(
        action: str,
        addresses: Sequence[str] | None,
        enable: bool | None,
        policy: str | None,
        verify: bool | None,
    ) -> list[tuple[str, QueryValue]]:
        params: list[tuple[str, QueryValue]] = [("action", action)]
        if addresses is not None:
            if isinstance(addresses, str) or not addresses:
                raise CameraValueError("addresses", "a non-empty list of addresses")
            for address in addresses:
                try:
                    ipaddress.ip_network(address, strict=False)
                except ValueError:
                    raise CameraValueError(
                        "addresses", f"not an IP address or CIDR network: {address!r}"
                    ) from None
            params.append(("ipaddress", " ".join(addresses)))
        if enable is not None:
            params.append(("enable", _yes_no(enable)))
        if policy is not None:
            params.append(("policy", check_choice("policy", policy, ("allow", "deny"))))
        if verify is not None:
            params.append(("verify", _yes_no(verify)))
        return params

    async def ip_filter_list(self, *, verify: bool | None = None) -> IpFilter:
        """``ipfilter.cgi?action=list``.

        With ``verify=True`` a failed verification is not an error: the
        settings come back with ``verified=False`` and the rejected address.
        """
        text = await self._text(
            "/ipfilter.cgi",
            self._filter_params("list", None, None, None, verify),
            refusals=False,
        )
        return parse_ip_filter(text, verify=verify, redact=self._transport.redact)

    async def ip_filter_add(
        self,
        addresses: Sequence[str],
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=add&ipaddress=a%20b``."""
        await self._command(
            "/ipfilter.cgi",
            self._filter_params("add", addresses, enable, policy, verify),
        )

    async def ip_filter_remove(
        self,
        addresses: Sequence[str],
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=remove&ipaddress=...``."""
        await self._command(
            "/ipfilter.cgi",
            self._filter_params("remove", addresses, enable, policy, verify),
        )

    async def ip_filter_remove_all(self, *, verify: bool | None = None) -> None:
        """``ipfilter.cgi?action=removeall`` (also disables the filter)."""
        await self._command(
            "/ipfilter.cgi", self._filter_params("removeall", None, None, None, verify)
        )

    async def ip_filter_update(
        self,
        *,
        enable: bool | None = None,
        policy: str | None = None,
        verify: bool | None = None,
    ) -> None:
        """``ipfilter.cgi?action=update``."""
        await self._command(
            "/ipfilter.cgi", self._filter_params("update", None, enable, policy, verify)
        )

    # -- audio ----------------------------------------------------------------

    def audio_receive(self, *, multipart: bool | None = None) -> AsyncGenerator[bytes]:
        """Audio of ``audio/receive.cgi`` in blocks of 240 bytes.

        ``multipart`` picks ``httptype``; ``None`` leaves the device's default.
        Single-part and multipart answers are both understood.
        """
        params: list[tuple[str, QueryValue]] = []
        if multipart is not None:
            params.append(("httptype", "multipart" if multipart else "singlepart"))
        return self._audio(params)

    async def _audio(self, params: Params) -> AsyncGenerator[bytes]:
        what = "GET /audio/receive.cgi"
        response = await self._stream_response(
            "/audio/receive.cgi", params, self._stall_timeout
        )
        content_type = response.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
        try:
            boundary = boundary_from_content_type(content_type)
        except CameraError:
            response.close()
            raise
        if boundary is not None:
            parts = self._parts(response, what, MAX_AUDIO_PART_BYTES)
            try:
                async for body in parts:
                    for start in range(0, len(body), AUDIO_BLOCK_BYTES):
                        yield body[start : start + AUDIO_BLOCK_BYTES]
            finally:
                await parts.aclose()
            return
        chunks = self._chunks(response, what)
        buffer = StreamBuffer(chunks)
        try:
            while block := await buffer.read_exactly(AUDIO_BLOCK_BYTES) or (
                await buffer.read_up_to(AUDIO_BLOCK_BYTES)
            ):
                yield block
            raise CameraConnectionError(f"{what}: the device ended the stream")
        finally:
            response.close()
            await chunks.aclose()

    async def probe_audio(self) -> None:
        """Open ``audio/receive.cgi`` and close it once the device answered.

        Raises like any request: :class:`CameraNotFoundError` on a device
        without audio.
        """
        response = await self._stream_response(
            "/audio/receive.cgi", (), self._stall_timeout
        )
        response.close()

    async def audio_transmit(
        self,
        audio: bytes | bytearray | AsyncIterable[bytes],
        *,
        length: int | None = None,
        content_type: str = "audio/basic",
    ) -> None:
        """POST ``audio/transmit.cgi`` as HTTP/1.0 with a ``Content-Length``.

        The spec's device (5.8.5) reads an HTTP/1.0 body of ``Content-Length``
        bytes; a chunked body would be played as sound, so the body is never
        chunked.  ``audio`` is the whole body (``bytes``; ``length``, if given,
        must match; it is re-sent on a 401 or a same-origin redirect), or an
        async iterable of blocks streamed as they come, never buffered, with
        ``length`` their total number of bytes (required).

        Raises :class:`CameraValueError` before sending for a bad
        ``content_type`` or ``length``; for blocks that turn out longer or
        shorter than ``length`` the request is aborted (the device never gets
        more bytes than declared, nor a complete body of the wrong size) and
        :class:`CameraValueError` is raised.
        """
        if not _MIME_RE.match(content_type):
            raise CameraValueError("content_type", "not a MIME type")
        if length is not None and (
            isinstance(length, bool) or not isinstance(length, int) or length < 0
        ):
            raise CameraValueError("length", f"must be a byte count, got {length!r}")
        mismatch: list[str] = []
        data: bytes | AsyncIterator[bytes]
        if isinstance(audio, bytes | bytearray):
            data = whole = bytes(audio)
            if length is not None and length != len(whole):
                raise CameraValueError(
                    "length", f"is {length} but the audio has {len(whole)} bytes"
                )
            length = len(whole)
        elif length is None:
            raise CameraValueError(
                "length", "is required with an async iterable of blocks"
            )
        else:
            data = _counted(audio, length, mismatch)
        await self._transport.probe()
        try:
            await self._transport.text(
                "POST",
                "/audio/transmit.cgi",
                (),
                data=data,
                headers={
                    aiohttp.hdrs.CONTENT_TYPE: content_type,
                    aiohttp.hdrs.CONTENT_LENGTH: str(length),
                    aiohttp.hdrs.CACHE_CONTROL: "no-cache",
                },
                replayable=isinstance(data, bytes),
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=self._transport.timeout, sock_read=None
                ),
            )
        except CameraError:
            if not mismatch:
                raise
        if mismatch:
            raise CameraValueError("length", mismatch[0])

    # -- storage ------------------------------------------------------------------

    async def _storage(self, path: str, params: Params) -> bytes:
        _response, body = await self._transport.fetch("GET", path, params)
        self._transport.check_refusal(body.decode("latin-1"))
        return body

    async def storage_mount(self, disk_id: str = "SD_DISK") -> None:
        """``mount.cgi?diskid=...&action=mount``."""
        await self._storage(
            "/mount.cgi",
            [("diskid", check_text("disk_id", disk_id)), ("action", "mount")],
        )

    async def storage_unmount(self, disk_id: str = "SD_DISK") -> None:
        """``mount.cgi?diskid=...&action=umount``."""
        await self._storage(
            "/mount.cgi",
            [("diskid", check_text("disk_id", disk_id)), ("action", "umount")],
        )

    async def storage_format(self, disk_id: str = "SD_DISK") -> None:
        """``format.cgi?diskid=...``."""
        await self._storage("/format.cgi", [("diskid", check_text("disk_id", disk_id))])

    async def storage_disks(self, disk_id: str = "all") -> tuple[StorageDisk, ...]:
        """``list.cgi?diskid=...``: disk status."""
        return parse_disks(
            await self._storage(
                "/list.cgi", [("diskid", check_text("disk_id", disk_id))]
            )
        )

    async def storage_recordings(
        self, recording_id: str = "all"
    ) -> tuple[Recording, ...]:
        """``list.cgi?recordingid=...``: recordings."""
        return parse_recordings(
            await self._storage(
                "/list.cgi", [("recordingid", check_text("recording_id", recording_id))]
            )
        )

    async def storage_remove_recording(self, recording_id: str) -> None:
        """``remove.cgi?recordingid=...``."""
        await self._storage(
            "/remove.cgi", [("recordingid", check_text("recording_id", recording_id))]
        )
