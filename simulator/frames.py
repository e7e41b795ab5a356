"""JPEG frames of a scene that moves with the PTZ head, plus the OSD."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
import functools
import io
import math

from PIL import Image, ImageDraw, ImageFont

from .ptzmodel import WIDE_FOV, zoom_factor

#: Frames at or above this many pixels are encoded in the executor.
EXECUTOR_PIXELS = 320 * 240
CACHE_SIZE = 64
#: Landmarks of the virtual world: (pan, tilt, colour, label).
LANDMARKS = (
    (0.0, 0.0, (220, 40, 40), "N"),
    (90.0, 5.0, (40, 160, 40), "E"),
    (180.0, -5.0, (40, 80, 220), "S"),
    (-90.0, 10.0, (230, 200, 30), "W"),
    (30.0, 20.0, (200, 100, 200), "A"),
    (-45.0, -15.0, (30, 200, 200), "B"),
)


@dataclass(frozen=True, slots=True)
class FrameKey:
    """Everything a frame depends on."""

    source: int
    width: int
    height: int
    pan: float
    tilt: float
    zoom: float
    iris: float
    osd: str
    quality: int


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def render(key: FrameKey) -> bytes:
    """Draw and encode one frame (pure; safe in a worker thread)."""
    width, height = key.width, key.height
    fov_h = WIDE_FOV / zoom_factor(key.zoom)
    fov_v = fov_h * height / width
    brightness = 0.6 + 0.4 * key.iris / 9999.0
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)

    def to_x(pan: float) -> float:
        delta = (pan - key.pan + 180.0) % 360.0 - 180.0
        return (delta / fov_h + 0.5) * width

    def to_y(tilt: float) -> float:
        return (0.5 - (tilt - key.tilt) / fov_v) * height

    horizon = max(0.0, min(float(height), to_y(0.0)))
    sky = (int(110 * brightness), int(160 * brightness), int(220 * brightness))
    ground = (int(90 * brightness), int(120 * brightness), int(70 * brightness))
    draw.rectangle((0, 0, width, horizon), fill=sky)
    draw.rectangle((0, horizon, width, height), fill=ground)
    step = 10 if fov_h > 20 else 1
    first = math.floor((key.pan - fov_h) / step) * step
    label_font = _font(max(8, height // 30))
    for pan in range(int(first), int(key.pan + fov_h) + step, step):
        x = to_x(float(pan))
        if 0 <= x <= width:
            draw.line((x, 0, x, height), fill=(255, 255, 255), width=1)
            draw.text(
                (x + 2, horizon + 2),
                str((pan + 180) % 360 - 180),
                fill=(255, 255, 255),
                font=label_font,
            )
    first_tilt = math.floor((key.tilt - fov_v) / step) * step
    for tilt in range(int(first_tilt), int(key.tilt + fov_v) + step, step):
        tilt_y = to_y(float(tilt))
        if 0 <= tilt_y <= height:
            draw.line((0, tilt_y, width, tilt_y), fill=(200, 200, 200), width=1)
    radius = max(3.0, 4.0 / fov_h * float(width))
    for mark_pan, mark_tilt, colour, label in LANDMARKS:
        x, y = to_x(mark_pan), to_y(mark_tilt)
        if -radius <= x <= width + radius and -radius <= y <= height + radius:
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=colour)
            draw.text(
                (x, y),
                label,
                fill=(0, 0, 0),
                font=_font(max(8, int(radius))),
                anchor="mm",
            )
    font = _font(max(8, height // 20))
    if key.osd:
        draw.rectangle((0, 0, width, height // 16 + 6), fill=(0, 0, 0))
        draw.text((4, 2), key.osd, fill=(255, 255, 255), font=font)
    status = (
        f"CAM {key.source}  pan {key.pan:.1f}  tilt {key.tilt:.1f}  zoom {key.zoom:.0f}"
    )
    draw.text((4, height - height // 16 - 4), status, fill=(255, 255, 0), font=font)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=key.quality)
    return buffer.getvalue()


def compose_quad(tiles: list[bytes], width: int, height: int, quality: int) -> bytes:
    """Paste four JPEG tiles into one image."""
    image = Image.new("RGB", (width, height))
    half_w, half_h = width // 2, height // 2
    for index, tile in enumerate(tiles):
        with Image.open(io.BytesIO(tile)) as part:
            image.paste(
                part.resize((half_w, half_h)),
                ((index % 2) * half_w, (index // 2) * half_h),
            )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


class FrameCache:
    """Renders each distinct frame once; concurrent viewers share it."""

    def __init__(self) -> None:
        """Start empty."""
        self._frames: OrderedDict[object, bytes] = OrderedDict()
        self._pending: dict[object, asyncio.Future[bytes]] = {}
        self.renders = 0

    async def get(self, key: FrameKey) -> bytes:
        """The JPEG for ``key`` (rendered at most once while cached)."""
        return await self._get(
            key, functools.partial(render, key), key.width * key.height
        )

    async def get_quad(
        self, tiles: tuple[FrameKey, ...], width: int, height: int, quality: int
    ) -> bytes:
        """The quad JPEG composed of ``tiles``."""
        parts = [await self.get(tile) for tile in tiles]
        job = functools.partial(compose_quad, parts, width, height, quality)
        return await self._get(
            ("quad", tiles, width, height, quality), job, width * height
        )

    async def _get(
        self, key: object, job: functools.partial[bytes], pixels: int
    ) -> bytes:
        cached = self._frames.get(key)
        if cached is not None:
            self._frames.move_to_end(key)
            return cached
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bytes] = loop.create_future()
        self._pending[key] = future
        try:
            if pixels >= EXECUTOR_PIXELS:
                data = await loop.run_in_executor(None, job)
            else:
                data = job()
        except BaseException:
            future.cancel()
            raise
        finally:
            del self._pending[key]
        future.set_result(data)
        self.renders += 1
        self._frames[key] = data
        while len(self._frames) > CACHE_SIZE:
            self._frames.popitem(last=False)
        return data

    def clear(self) -> None:
        """Drop cached frames."""
        self._frames.clear()
