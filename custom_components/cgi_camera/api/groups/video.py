"""Video: image sizes, video status, snapshots and MJPEG streams."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
import logging
import re

from ..encoding import QueryValue
from ..errors import CameraResponseError, CameraValueError
from ..io import check_ports
from ..models import RESOLUTIONS, ImageSize
from ..parsers_text import parse_image_size, parse_video_status
from ..transport import Params
from .base import ApiGroup

_LOGGER = logging.getLogger(__name__)

DEFAULT_MAX_FRAME_BYTES = 8 * 1024 * 1024
MAX_SNAPSHOT_BYTES = 16 * 1024 * 1024
MAX_BAD_FRAMES = 10
"""Consecutive non-JPEG (e.g. truncated) MJPEG parts tolerated before giving up."""

_RESOLUTION_RE = re.compile(r"^\d{1,5}x\d{1,5}$")


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


def _is_jpeg(body: bytes) -> bool:
    """Whether a part holds a whole JPEG (SOI ... EOI, maybe padded)."""
    if not body.startswith(b"\xff\xd8"):
        return False
    # The common case needs no copy; padding after EOI is allowed.
    return body.endswith(b"\xff\xd9") or body.rstrip().endswith(b"\xff\xd9")


def _image_params(
    camera: str | int | None, resolution: str | None
) -> list[tuple[str, QueryValue]]:
    params: list[tuple[str, QueryValue]] = []
    if (source := _check_source(camera)) is not None:
        params.append(("camera", source))
    if (checked := _check_resolution(resolution)) is not None:
        params.append(("resolution", checked))
    return params


class VideoApi(ApiGroup):
    """Images and video of the device's sources (``client.video``)."""

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
        return parse_image_size(text)

    async def status(self, cameras: Sequence[int]) -> dict[int, bool]:
        """``videostatus.cgi?status=1,2``: whether each source has video."""
        sources = check_ports(cameras)
        text = await self._text("/videostatus.cgi", [("status", sources)])
        return parse_video_status(text, sources)

    async def snapshot(
        self, camera: str | int | None = None, resolution: str | None = None
    ) -> bytes:
        """``image.cgi``: one JPEG."""
        params = _image_params(camera, resolution)
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
        params = _image_params(camera, resolution)
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
