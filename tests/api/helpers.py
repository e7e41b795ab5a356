"""Helpers for the API tests: chunk sources, a sync runner, a raw TCP device."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from contextlib import asynccontextmanager, suppress
import itertools
from typing import Any

import aiohttp

from cgi_camera_api import CameraClient, CameraError, MultipartStreamReader, Part


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


class RawDevice:
    """A device on a raw asyncio TCP socket: each request gets canned bytes.

    aiohttp's server would rewrite the head; this writes the answer's exact
    bytes (status line, headers, body) and closes the connection, as an
    HTTP/1.0 device does. Subclasses choose the answer of a request target.
    """

    def __init__(self) -> None:
        """No request seen yet."""
        self.targets: list[str] = []

    def answer(self, target: str) -> bytes:
        """The bytes that answer ``target`` (path and query)."""
        raise NotImplementedError

    async def handle(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Read one request head, write its answer as it is, close."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode("latin-1")
            self.targets.append(target)
            writer.write(self.answer(target))
            await writer.drain()
        finally:
            writer.close()
            with suppress(OSError):
                await writer.wait_closed()


@asynccontextmanager
async def served(
    device: RawDevice, session: aiohttp.ClientSession, password: str
) -> AsyncIterator[CameraClient]:
    """``device`` on loopback, and a client for it (user root)."""
    server = await asyncio.start_server(device.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield CameraClient(
            session,
            "127.0.0.1",
            port=port,
            username="root",
            password=password,
            timeout=5,
        )
    finally:
        server.close()
        await server.wait_closed()
