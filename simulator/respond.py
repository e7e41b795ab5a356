"""Small helpers shared by the request handlers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web
from multidict import MultiDict, MultiDictProxy, MultiMapping

if TYPE_CHECKING:
    from .server import Simulator

SIM_KEY: web.AppKey[Simulator] = web.AppKey("simulator")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def sim_of(request: web.Request) -> Simulator:
    """The simulator serving ``request``."""
    return request.app[SIM_KEY]


def text(
    body: str, status: int = 200, content_type: str = "text/plain"
) -> web.Response:
    """A plain text answer with the spec's bare ``text/plain`` type."""
    return web.Response(
        body=body.encode(), status=status, headers={"Content-Type": content_type}
    )


def ok() -> web.Response:
    """Answer ``OK`` plus CRLF."""
    return text("OK\r\n")


def failed(message: str) -> web.Response:
    """Answer ``Request failed: <message>`` plus CRLF (200, as the spec does)."""
    return text(f"Request failed: {message}\r\n")


def no_content() -> web.Response:
    """204 No Content."""
    return web.Response(status=204)


async def arguments(request: web.Request) -> MultiMapping[str]:
    """Query parameters, plus a url-encoded POST body when there is one."""
    if request.method == "POST" and request.content_type == FORM_TYPES[0]:
        merged: MultiDict[str] = MultiDict(request.query)
        for key, value in (await request.post()).items():
            if isinstance(value, str):
                merged.add(key, value)
        return MultiDictProxy(merged)
    return request.query


def bad_request(message: str) -> web.Response:
    """400 with a one-line explanation."""
    return text(f"400 Bad Request: {message}\r\n", status=400)


def not_found(message: str = "Not Found") -> web.Response:
    """404 with a one-line explanation."""
    return text(f"404 {message}\r\n", status=404)
