"""The async client for the camera's HTTP API: a facade over its API groups.

Each group of requests has its own object, sharing one transport:

* ``client.params``: :class:`~.groups.params.ParamsApi` (``param.cgi``);
* ``client.system``: :class:`~.groups.system.SystemApi` (restart, clock,
  OSD, backup, restore, firmware, ping);
* ``client.video``: :class:`~.groups.video.VideoApi` (image sizes, video
  status, snapshots, MJPEG);
* ``client.ptz``: :class:`~.groups.ptz.PtzApi` (``com/ptz.cgi``);
* ``client.io``: :class:`~.groups.io.IoApi` (inputs and relays);
* ``client.storage``: :class:`~.groups.storage.StorageApi` (the SD card);
* ``client.users``: :class:`~.groups.users.UsersApi` (``pwdgrp.cgi``);
* ``client.ip_filter``: :class:`~.groups.ip_filter.IpFilterApi`;
* ``client.audio``: :class:`~.groups.audio.AudioApi` (receive, transmit);
* ``client.events``: :class:`~.groups.events.EventsApi` (event rules);
* ``client.motion``: :class:`~.groups.motion.MotionApi` (motion windows).
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

import aiohttp

from .discovery import Discovery
from .groups.audio import AudioApi
from .groups.events import EventsApi
from .groups.io import IoApi
from .groups.ip_filter import IpFilterApi
from .groups.motion import MotionApi
from .groups.params import ParamsApi
from .groups.ptz import PtzApi
from .groups.storage import StorageApi
from .groups.system import SystemApi
from .groups.users import UsersApi
from .groups.video import VideoApi
from .models import DeviceInfo
from .transport import Transport


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
        self._transport = transport = Transport(
            session,
            host,
            port=port,
            https=https,
            verify_ssl=verify_ssl,
            username=username,
            password=password,
            timeout=timeout,
        )
        self.params = ParamsApi(transport, stall_timeout)
        self.system = SystemApi(transport, stall_timeout, self.params)
        self.video = VideoApi(transport, stall_timeout)
        self.ptz = PtzApi(transport, stall_timeout)
        self.io = IoApi(transport, stall_timeout)
        self.storage = StorageApi(transport, stall_timeout)
        self.users = UsersApi(transport, stall_timeout)
        self.ip_filter = IpFilterApi(transport, stall_timeout)
        self.audio = AudioApi(transport, stall_timeout)
        self.events = EventsApi(transport, stall_timeout, self.params)
        self.motion = MotionApi(transport, stall_timeout, self.params)

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

    def update_credentials(self, username: str, password: str) -> None:
        """Use new credentials without recreating the client."""
        self._transport.update_credentials(username, password)

    def changing_credentials(self) -> AbstractAsyncContextManager[None]:
        """While the account's password changes: 401s of other tasks wait.

        See :meth:`.transport.Transport.changing_credentials`: change the
        password and call :meth:`update_credentials` inside the block.
        """
        return self._transport.changing_credentials()

    async def get_device_info(self) -> DeviceInfo:
        """Identity and capabilities (see :mod:`.discovery`)."""
        return await Discovery(self, await self.params.hints()).device_info()
