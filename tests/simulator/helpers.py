"""HTTP helpers for the simulator tests (includes a tiny Digest client)."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Awaitable, Callable
import contextlib
import hashlib
import os
import re
from typing import Any

import aiohttp

from simulator import Simulator


def basic_auth(user: str, password: str) -> dict[str, str]:
    """A Basic Authorization header (aiohttp's BasicAuth is deprecated in 3.13)."""
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


ROOT = basic_auth("root", "pass")


def md5(value: str) -> str:
    return hashlib.md5(value.encode()).hexdigest()


def parse_challenge(header: str) -> dict[str, str]:
    return {
        m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
        for m in re.finditer(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header)
    }


def digest_header(
    challenge: dict[str, str],
    method: str,
    uri: str,
    user: str = "root",
    password: str = "pass",
    nc: int = 1,
    *,
    qop: bool = True,
) -> str:
    realm, nonce = challenge["realm"], challenge["nonce"]
    ha1 = md5(f"{user}:{realm}:{password}")
    ha2 = md5(f"{method}:{uri}")
    cnonce = os.urandom(8).hex()
    if qop:
        response = md5(f"{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}")
        return (
            f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
            f'algorithm=MD5, qop=auth, nc={nc:08x}, cnonce="{cnonce}", '
            f'response="{response}"'
        )
    response = md5(f"{ha1}:{nonce}:{ha2}")
    return (
        f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
        f'response="{response}"'
    )


def digest_challenge(response: aiohttp.ClientResponse) -> dict[str, str]:
    for value in response.headers.getall("WWW-Authenticate", []):
        if value.startswith("Digest "):
            return parse_challenge(value)
    raise AssertionError("no digest challenge")


async def get(
    http: aiohttp.ClientSession,
    sim: Simulator,
    path: str,
    auth: dict[str, str] | None = ROOT,
    **kwargs: Any,
) -> tuple[int, str]:
    headers = {**(auth or {}), **kwargs.pop("headers", {})}
    async with http.get(sim.url + path, headers=headers, **kwargs) as response:
        return response.status, await response.text()


async def get_bytes(
    http: aiohttp.ClientSession, sim: Simulator, path: str, **kwargs: Any
) -> aiohttp.ClientResponse:
    response = await http.get(sim.url + path, headers=ROOT, **kwargs)
    await response.read()
    return response


async def control(
    http: aiohttp.ClientSession, sim: Simulator, path: str, method: str = "POST"
) -> tuple[int, Any]:
    async with http.request(method, sim.url + "/_sim/" + path) as response:
        return response.status, await response.json()


@contextlib.asynccontextmanager
async def stream(
    http: aiohttp.ClientSession,
    sim: Simulator,
    path: str,
    auth: dict[str, str] = ROOT,
) -> AsyncIterator[aiohttp.ClientResponse]:
    response = await http.get(sim.url + path, headers=auth)
    try:
        yield response
    finally:
        response.close()


async def read_until(
    response: aiohttp.ClientResponse, marker: bytes, buffer: bytearray
) -> bytes:
    """Read the stream until ``marker`` is in the buffer; return up to it."""
    while marker not in buffer:
        chunk = await response.content.readany()
        if not chunk:
            raise EOFError(bytes(buffer))
        buffer += chunk
    index = buffer.index(marker) + len(marker)
    out = bytes(buffer[:index])
    del buffer[:index]
    return out


async def drain(response: aiohttp.ClientResponse) -> None:
    """Read a stream to its end; raise ClientPayloadError if it ends cleanly.

    A cut stream raises aiohttp's own error first.
    """
    while await response.content.readany():
        pass
    raise aiohttp.ClientPayloadError("stream ended without error")


type Factory = Callable[..., Awaitable[Simulator]]
