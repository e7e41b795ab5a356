"""Cameras: one per video source, plus the quad view of video servers.

Snapshots come from ``image.cgi`` (or, while a live connection is open, from
its newest frame); live view is the shared MJPEG stream of
:mod:`.live_stream`.  There is no RTSP in this API, so no ``stream_source``
and no ``camera.record``: the ``record_clip`` action (:mod:`.recorder`)
records from the shared stream instead.
"""

from __future__ import annotations

from functools import lru_cache
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import hdrs, web
from homeassistant.components.camera import Camera, CameraEntityDescription
from homeassistant.core import HomeAssistant, ServiceResponse, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.template import Template
from homeassistant.util import dt as dt_util

from .api import RESOLUTION_SIZES, RESOLUTIONS, CameraError
from .clip_paths import check_clip_path, default_clip_path, render_clip_path
from .clip_retention import async_start_clip_retention
from .const import (
    CONF_CLIP_CODEC,
    CONF_SNAPSHOT_RESOLUTION,
    DEFAULT_CLIP_CODEC,
    DOMAIN,
    EVENT_CLIP_SAVED,
    RESOLUTION_DEVICE_DEFAULT,
)
from .entity import CgiCameraEntity
from .live_stream import LiveStreamHub, Source, async_get_hub
from .recorder import ClipRecording

if TYPE_CHECKING:
    from .coordinator import CgiCameraCoordinator
    from .runtime import CgiCameraConfigEntry

_LOGGER = logging.getLogger(__name__)

# Images are fetched on request; the device connection is shared anyway.
PARALLEL_UPDATES = 0

QUAD: Source = "quad"
BOUNDARY = "cgicameraframe"
DELIMITER = f"--{BOUNDARY}\r\n".encode()

CAMERA_DESCRIPTION = CameraEntityDescription(key="camera", translation_key="source")
# The quad view repeats the four sources in one picture: few want it, and a
# viewer of it holds a device connection of its own. Users enable it in the
# entity settings.
QUAD_DESCRIPTION = CameraEntityDescription(
    key="camera", translation_key="quad", entity_registry_enabled_default=False
)


def snapshot_resolution(
    width: int | None, height: int | None, default: str | None
) -> str | None:
    """Return the smallest listed resolution that covers ``width`` x ``height``.

    Without a requested size, or when none covers it, return ``default``.
    Among equal sizes the name that states the size (``640x480`` rather than
    ``VGA``) wins, then the spec's order.
    """
    if not width and not height:
        return default
    candidates = [
        (size[0] * size[1], not name[0].isdigit(), index, name)
        for index, name in enumerate(RESOLUTIONS)
        if (size := RESOLUTION_SIZES[name])[0] >= (width or 0)
        and size[1] >= (height or 0)
    ]
    return min(candidates)[3] if candidates else default


async def async_setup_entry(
    hass: HomeAssistant,
    entry: CgiCameraConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a camera per video source and, on video servers, the quad view.

    The quad view is disabled by default (QUAD_DESCRIPTION).
    """
    data = entry.runtime_data
    hub = async_get_hub(hass, entry)
    caps = data.device.capabilities
    sources: list[Source] = list(range(1, caps.sources + 1))
    if caps.has_quad:
        sources.append(QUAD)
    async_add_entities(
        CgiCameraCamera(data.coordinator, hub, source) for source in sources
    )
    hub.async_start_lookback()
    async_start_clip_retention(hass, entry)


class CgiCameraCamera(CgiCameraEntity, Camera):
    """One video source (or the quad view) of the device."""

    def __init__(
        self,
        coordinator: CgiCameraCoordinator,
        hub: LiveStreamHub,
        source: Source,
    ) -> None:
        """Initialise the camera of ``source``."""
        description = QUAD_DESCRIPTION if source == QUAD else CAMERA_DESCRIPTION
        CgiCameraEntity.__init__(self, coordinator, description, source)
        Camera.__init__(self)
        self.hub = hub
        self.source = source
        device = coordinator.device
        self._attr_brand = device.brand
        self._attr_model = device.model
        # The quad view is named by its translation ("Quad view"); the only
        # camera of a device takes the device's name.
        if source != QUAD and device.capabilities.sources == 1:
            self._attr_name = None
        elif source != QUAD:
            self._attr_translation_placeholders = {"number": str(source)}

    async def async_added_to_hass(self) -> None:
        """Follow the live connection, to show the state "streaming"."""
        await super().async_added_to_hass()
        stream = self.hub.stream(self.source)
        self.async_on_remove(stream.async_add_listener(self._async_stream_changed))

    @callback
    def _async_stream_changed(self) -> None:
        if (is_open := self.hub.stream(self.source).is_open) != self.is_streaming:
            self._attr_is_streaming = is_open
            self.async_write_ha_state()

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return a snapshot: the live frame if a connection is open, else image.cgi."""
        if (frame := self.hub.latest_frame(self.source)) is not None:
            return frame
        option = self.hub.options.get(
            CONF_SNAPSHOT_RESOLUTION, RESOLUTION_DEVICE_DEFAULT
        )
        default = None if option == RESOLUTION_DEVICE_DEFAULT else str(option)
        resolution = snapshot_resolution(width, height, default)
        try:
            return await self.hub.client.video.snapshot(
                self.hub.api_camera(self.source), resolution
            )
        except CameraError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="snapshot_failed",
                translation_placeholders={"error": str(err) or type(err).__name__},
            ) from err

    async def handle_async_mjpeg_stream(
        self, request: web.Request
    ) -> web.StreamResponse | None:
        """Serve the shared live stream as multipart/x-mixed-replace."""
        try:
            async with self.hub.async_view(self.source) as viewer:
                # Wait for the first frame: a device that refuses (busy,
                # away) gets a 502, not an empty 200.
                frame = await viewer.next_frame()
                if frame is None:
                    return None
                response = web.StreamResponse()
                response.headers[hdrs.CONTENT_TYPE] = (
                    f"multipart/x-mixed-replace;boundary={BOUNDARY}"
                )
                response.headers[hdrs.CACHE_CONTROL] = "no-cache"
                await response.prepare(request)
                try:
                    await response.write(DELIMITER)
                    while frame is not None:
                        await response.write(_part(frame))
                        frame = await viewer.next_frame()
                except ConnectionResetError:
                    _LOGGER.debug("Live viewer of %s left", self.entity_id)
                return response
        except CameraError as err:
            _LOGGER.debug("Live stream of %s unavailable: %s", self.entity_id, err)
            return None

    async def async_record_clip(
        self,
        duration: float,
        lookback: float = 0,
        filename: Template | None = None,
    ) -> ServiceResponse:
        """Record a clip (action ``record_clip``); fire ``cgi_camera_clip_saved``."""
        now = dt_util.now()
        folder = "quad" if self.source == QUAD else f"camera_{self.source}"
        if filename is None:
            device = self.coordinator.device
            path = default_clip_path(
                self.hass, device.title, device.unique_id, folder, now
            )
        else:
            path = render_clip_path(
                filename,
                {
                    "entity_id": self.entity_id,
                    "device": self.coordinator.device.title,
                    "camera": folder,
                    "now": now,
                },
            )
        path = await self.hass.async_add_executor_job(check_clip_path, self.hass, path)
        media_folders = await self.hass.async_add_executor_job(
            _resolved_media_dirs, self.hass
        )
        codec = str(self.hub.options.get(CONF_CLIP_CODEC, DEFAULT_CLIP_CODEC))
        recording = ClipRecording(
            self.hass,
            self.hub,
            self.source,
            path=path,
            duration=duration,
            lookback=lookback,
            codec=codec,
        )
        clip = await recording.async_record()
        result = clip.as_dict()
        # The clip's final name: a clip that took the name meanwhile moved it.
        if (content_id := _media_content_id(media_folders, clip.path)) is not None:
            result["media_content_id"] = content_id
        self.hass.bus.async_fire(
            EVENT_CLIP_SAVED,
            {"entity_id": self.entity_id, **result},
            context=self._context,
        )
        return result


def _resolved_media_dirs(hass: HomeAssistant) -> dict[str, Path]:
    """Return the media folders resolved, as a clip's path is.

    Blocking: run it in the executor.
    """
    return {
        name: Path(folder).resolve() for name, folder in hass.config.media_dirs.items()
    }


def _media_content_id(media_folders: dict[str, Path], path: Path) -> str | None:
    """Return the media source id of a clip in a media folder, if it is in one."""
    for name, folder in media_folders.items():
        if path.is_relative_to(folder):
            relative = path.relative_to(folder).as_posix()
            return f"media-source://media_source/{name}/{relative}"
    return None


@lru_cache(maxsize=8)
def _part(frame: bytes) -> bytes:
    """Return one part, followed by the next delimiter.

    Cached so that every viewer of a source writes the same bytes: built once
    per frame, not once per viewer (the key is the frame object itself).

    Browsers show a part when the delimiter after it arrives: sending it
    right away shows each frame without waiting for the next one.
    """
    head = f"Content-Type: image/jpeg\r\nContent-Length: {len(frame)}\r\n\r\n"
    return head.encode() + frame + b"\r\n" + DELIMITER
