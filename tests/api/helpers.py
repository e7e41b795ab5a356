"""Helpers for the API tests: in-memory chunk sources and a sync runner."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
import itertools
from typing import Any

from cgi_camera_api import CameraError, MultipartStreamReader, Part


def split(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` cut at the (sorted, deduplicated) positions ``cuts``."""
    points = sorted({cut % (len(data) + 1) for cut in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)]


async def source(chunks: Sequence[bytes]) -> AsyncIterator[bytes]:
    """An async chunk source (the fake of aiohttp's content reader)."""
    for chunk in chunks:
        await asyncio.sleep(0)
        yield chunk


def run(coro: Awaitable[Any]) -> Any:
    """Run a coroutine on a fresh loop (for hypothesis tests)."""

    async def main() -> Any:
        return await coro

    return asyncio.run(main())


async def read_parts(
    data: bytes, cuts: Sequence[int], boundary: str, max_part_bytes: int = 1 << 20
) -> tuple[list[Part], CameraError | None]:
    """All parts of a stream, and the CameraError that ended it (if any)."""
    reader = MultipartStreamReader(
        source(split(data, cuts)), boundary, max_part_bytes=max_part_bytes
    )
    parts: list[Part] = []
    try:
        async for part in reader:
            parts.append(part)
    except CameraError as err:
        return parts, err
    return parts, None
