"""System requests: restart, defaults, log, clock, OSD, backup, restore, firmware."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timezone, tzinfo
import logging
import re

import aiohttp

from ..encoding import QueryValue
from ..errors import (
    CameraForbiddenError,
    CameraNotFoundError,
    CameraRequestRefusedError,
    CameraResponseError,
    CameraValueError,
)
from ..parsers_text import parse_date, parse_time_zone
from ..transport import Params, Transport, body_timeout
from .base import ApiGroup, yes_no
from .params import ParamsApi

_LOGGER = logging.getLogger(__name__)

UPLOAD_RATE = 32 * 1024
"""Bytes a second an upload (restore, firmware) is given at the least."""

TIME_ZONE_PARAM = "Time.TimeZone"
"""Not in the spec: a hint for the zone of ``date.cgi``'s local time."""

DEFAULT_MAX_BACKUP_BYTES = 64 * 1024 * 1024

_SAFE_FILENAME_RE = re.compile(r"[^A-Za-z0-9._-]")


def sanitise_filename(name: str | None, default: str = "backup.tar") -> str:
    """A bare safe file name: no directories, only ``A-Za-z0-9._-``."""
    if not name:
        return default
    base = re.split(r"[/\\]", name)[-1]
    base = _SAFE_FILENAME_RE.sub("_", base).lstrip(".")
    return base[:128] or default


class BackupDownload:
    """A backup as it arrives: the suggested file name and the body's chunks.

    Iterate it (``async for chunk in download``) for the chunks as they
    arrive; :attr:`size` counts the bytes so far.  More than ``max_bytes``
    raises :class:`~..errors.CameraResponseError` instead of the chunk that
    crosses the limit.
    """

    def __init__(
        self, filename: str, chunks: AsyncIterator[bytes], max_bytes: int, what: str
    ) -> None:
        """Read ``chunks`` of the answer to ``what``, at most ``max_bytes``."""
        self.filename = filename
        """A bare safe name, e.g. ``backup_00408c123456.tar``."""
        self.size = 0
        """The bytes iterated so far."""
        self._chunks = chunks
        self._max_bytes = max_bytes
        self._what = what

    def __repr__(self) -> str:
        """The file name and the bytes so far."""
        return f"BackupDownload({self.filename!r}, size={self.size})"

    def __aiter__(self) -> BackupDownload:
        """The chunks, once."""
        return self

    async def __anext__(self) -> bytes:
        """The next chunk of the body."""
        chunk = await anext(self._chunks)
        self.size += len(chunk)
        if self.size > self._max_bytes:
            raise CameraResponseError(
                f"{self._what}: the backup exceeds {self._max_bytes} bytes"
            )
        return chunk


class SystemApi(ApiGroup):
    """The device as a whole (``client.system``)."""

    def __init__(
        self, transport: Transport, stall_timeout: float | None, params: ParamsApi
    ) -> None:
        """Send over ``transport``; the clock's zone is read with ``params``."""
        super().__init__(transport, stall_timeout)
        self._params = params
        self._time_zone: tzinfo | None = None
        self._time_zone_read = False

    async def restart(self) -> None:
        """``restart.cgi``."""
        await self._command("/restart.cgi")

    async def factory_default(self, *, hard: bool = False) -> None:
        """``factorydefault.cgi`` (or ``hardfactorydefault.cgi``)."""
        await self._command(
            "/hardfactorydefault.cgi" if hard else "/factorydefault.cgi"
        )

    async def log(self) -> str:
        """``systemlog.cgi`` as text."""
        return await self._text("/systemlog.cgi", refusals=False)

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

    async def time_zone(self) -> tzinfo | None:
        """The zone of the device's clock, from its ``Time.TimeZone`` hint.

        Read once: ``None`` when the device has no such parameter (the spec
        prints none) or a value that is not a fixed offset.  A device that
        does not answer raises, and the next call asks again.
        """
        if not self._time_zone_read:
            try:
                params = await self._params.list([TIME_ZONE_PARAM])
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
        :meth:`time_zone` knows the zone (read once) the result is
        aware, otherwise it is naive: the device's local wall time.
        """
        zone = await self.time_zone()
        text = await self._text("/date.cgi", [("action", "get")])
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
            params.append(("DateEnabled", yes_no(date)))
        if clock is not None:
            params.append(("ClockEnabled", yes_no(clock)))
        if text_enabled is not None:
            params.append(("TextEnabled", yes_no(text_enabled)))
        if not params:
            raise CameraValueError("text", "nothing to set")
        params.append(("Commit", yes_no(commit)))
        await self._command("/setosd.cgi", params)

    @asynccontextmanager
    async def backup(
        self, *, max_bytes: int = DEFAULT_MAX_BACKUP_BYTES
    ) -> AsyncIterator[BackupDownload]:
        """Download ``backup.cgi``: ``async with system.backup() as download``.

        The request is sent when the block is entered; ``download.filename``
        is the name the device suggests (made safe), and iterating
        ``download`` yields the body's chunks as they arrive (see
        :class:`BackupDownload`: more than ``max_bytes`` raises
        :class:`CameraResponseError`).  The client writes nothing: storing the
        chunks is the caller's.  The response is closed when the block ends.
        """
        what = "GET /backup.cgi"
        response = await self._stream_response("/backup.cgi", (), self._stall_timeout)
        chunks = self._chunks(response, what)
        try:
            disposition = response.content_disposition
            filename = sanitise_filename(
                disposition.filename if disposition is not None else None
            )
            yield BackupDownload(filename, chunks, max_bytes, what)
        finally:
            response.close()
            await chunks.aclose()

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
                total=body_timeout(self._transport.timeout, len(data), UPLOAD_RATE),
                sock_connect=self._transport.timeout,
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
