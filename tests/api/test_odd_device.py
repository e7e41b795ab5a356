"""Answers the simulator never gives (a tiny aiohttp fake device).

This is the "mock only what the simulator cannot produce" exception:
challenge-less 401s, redirects, oversize and cut bodies, odd texts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from datetime import timedelta

import aiohttp
from aiohttp import web
import pytest

from cgi_camera_api import (
    CameraAuthenticationError,
    CameraClient,
    CameraConnectionError,
    CameraError,
    CameraNotFoundError,
    CameraResponseError,
    IoEvent,
)
from cgi_camera_api.transport import translate_error

type Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def fake(
    session: aiohttp.ClientSession,
) -> AsyncIterator[tuple[dict[str, Handler], CameraClient]]:
    """A device whose answers the test sets per path."""
    routes: dict[str, Handler] = {}

    async def dispatch(request: web.Request) -> web.StreamResponse:
        return await routes[request.path](request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", dispatch)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = CameraClient(
        session, "127.0.0.1", port=port, username="u", password="p", timeout=2
    )
    yield routes, client
    await runner.cleanup()


def reply(body: bytes | str, status: int = 200, **headers: str) -> Handler:
    """A canned answer."""

    async def handler(request: web.Request) -> web.StreamResponse:
        data = body.encode() if isinstance(body, str) else body
        return web.Response(body=data, status=status, headers=headers)

    return handler


async def test_401_without_usable_challenge(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """No challenge, or only auth-int: CameraAuthenticationError."""
    routes, client = fake
    routes["/param.cgi"] = reply("no", 401)
    with pytest.raises(CameraAuthenticationError):
        await client.params.list()
    routes["/param.cgi"] = reply(
        "no", 401, **{"WWW-Authenticate": 'Digest nonce="n", qop="auth-int"'}
    )
    with pytest.raises(CameraAuthenticationError):
        await client.params.list()
    assert client.auth_scheme is None


async def test_unanswerable_digest_falls_back_to_basic(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """A Digest challenge we cannot answer next to Basic: Basic is used."""
    routes, client = fake

    async def handler(request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization", "").startswith("Basic "):
            return web.Response(text="A=1\n")
        return web.Response(
            status=401,
            headers={
                "WWW-Authenticate": (
                    'Digest nonce="n", algorithm=SHA-512, Basic realm="x"'
                )
            },
        )

    routes["/param.cgi"] = handler
    assert await client.params.list() == {"A": "1"}
    assert client.auth_scheme == "basic"


async def test_redirect_and_odd_statuses(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """A redirect to another host is not followed; 502 is a response error."""
    routes, client = fake
    routes["/param.cgi"] = reply("", 302, Location="http://elsewhere/")
    with pytest.raises(CameraResponseError, match="302"):
        await client.params.list()
    routes["/param.cgi"] = reply("", 502)
    with pytest.raises(CameraResponseError, match="502"):
        await client.params.list()


async def test_oversize_and_cut_bodies(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """Too large (declared or streamed) and cut bodies."""
    routes, client = fake
    routes["/image.cgi"] = reply(
        b"\xff\xd8" + b"x" * (17 * 1024 * 1024), **{"Content-Type": "image/jpeg"}
    )
    with pytest.raises(CameraResponseError, match="too large"):
        await client.video.snapshot()

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(17):
            await response.write(b"y" * 1024 * 1024)
        return response

    routes["/image.cgi"] = chunked
    with pytest.raises(CameraResponseError, match="too large"):
        await client.video.snapshot()

    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        response.content_length = 1000
        await response.prepare(request)
        await response.write(b"A=1\n")
        assert request.transport is not None
        request.transport.close()
        return response

    routes["/param.cgi"] = cut
    with pytest.raises(CameraConnectionError):
        await client.params.list()


async def test_odd_texts(fake: tuple[dict[str, Handler], CameraClient]) -> None:
    """Answers that do not parse raise CameraResponseError."""
    routes, client = fake
    routes["/param.cgi"] = reply("Time.TimeZone=GMT\n")
    for answer in ("yesterday", "Feb 30, 2024 10:00:00", "Foo 01, 2024 10:00:00"):
        routes["/date.cgi"] = reply(answer)
        with pytest.raises(CameraResponseError):
            await client.system.get_date()
    routes["/param.cgi"] = reply("", 404)  # the zone was read once: kept
    routes["/date.cgi"] = reply("Apr 03, 2003 15:16:04\r\n")
    assert (await client.system.get_date()).utcoffset() == timedelta(0)
    routes["/imagesize.cgi"] = reply("image width = 1\n")
    with pytest.raises(CameraResponseError):
        await client.video.image_size()
    routes["/videostatus.cgi"] = reply("Video 1 = video\n")
    with pytest.raises(CameraResponseError):
        await client.video.status([1, 2])
    routes["/image.cgi"] = reply("# Error: no camera", **{"Content-Type": "text/plain"})
    with pytest.raises(CameraError, match="no camera"):
        await client.video.snapshot()
    routes["/image.cgi"] = reply("hello", **{"Content-Type": "text/plain"})
    with pytest.raises(CameraResponseError, match="not an image"):
        await client.video.snapshot()
    routes["/image.cgi"] = reply(b"", **{"Content-Type": "image/jpeg"})
    with pytest.raises(CameraResponseError, match="empty"):
        await client.video.snapshot()
    routes["/io/port.cgi"] = reply("port1=sideways\n")
    with pytest.raises(CameraResponseError, match="direction"):
        await client.io.check_directions([1])
    routes["/ipfilter.cgi"] = reply("nothing here\n")
    with pytest.raises(CameraResponseError):
        await client.ip_filter.list()
    routes["/ipfilter.cgi"] = reply(
        "Accept addresses: 1.2.3.4\nEnabled: yes\nPolicy: Deny\n"
    )
    listed = await client.ip_filter.list()
    assert (listed.addresses, listed.enabled, listed.policy) == (
        ("1.2.3.4",),
        True,
        "deny",
    )
    routes["/param.cgi"] = reply("A=\xe9\n".encode("latin-1"))
    assert await client.params.list() == {"A": "\xe9"}


async def test_streams_from_an_odd_device(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """Non-multipart video, a video stream ending, too many bad frames, audio."""
    routes, client = fake
    routes["/mjpg/video.cgi"] = reply("plain", **{"Content-Type": "text/plain"})
    with pytest.raises(CameraResponseError, match="not a multipart"):
        await anext(client.video.mjpeg_frames())
    jpeg = b"\xff\xd8data\xff\xd9"
    routes["/mjpg/video.cgi"] = reply(
        b"--b\r\n\r\n" + jpeg + b"\r\n--b\r\n",
        **{"Content-Type": "multipart/x-mixed-replace; boundary=b"},
    )
    frames = client.video.mjpeg_frames()
    assert await anext(frames) == jpeg
    with pytest.raises(CameraConnectionError, match="ended"):
        await anext(frames)
    routes["/mjpg/video.cgi"] = reply(
        b"--b\r\n\r\nnot a jpeg\r\n" * 12 + b"--b--\r\n",
        **{"Content-Type": "multipart/x-mixed-replace; boundary=b"},
    )
    with pytest.raises(CameraResponseError, match="no JPEG"):
        await anext(client.video.mjpeg_frames())
    routes["/mjpg/video.cgi"] = reply(
        b"--b\r\n\r\n" + jpeg + b"\r\n--b--\r\n",
        **{"Content-Type": "multipart/x-mixed-replace; boundary=b"},
    )
    assert [frame async for frame in client.video.mjpeg_frames()] == [jpeg]
    routes["/audio/receive.cgi"] = reply("x", **{"Content-Type": "multipart/mixed"})
    with pytest.raises(CameraResponseError):
        await anext(client.audio.receive())
    routes["/audio/receive.cgi"] = reply(b"a" * 300, **{"Content-Type": "audio/basic"})
    async with aclosing(client.audio.receive()) as blocks:
        assert len(await anext(blocks)) == 240
        assert len(await anext(blocks)) == 60
        with pytest.raises(CameraConnectionError):
            await anext(blocks)
    routes["/io/input.cgi"] = reply(
        b"--io\r\n\r\nIO1:H\r\n--io--\r\n",
        **{"Content-Type": "multipart/x-mixed-replace; boundary=io"},
    )
    assert [event async for event in client.io.monitor_inputs([1])] == [
        IoEvent(1, True)
    ]
    routes["/backup.cgi"] = reply(b"tar", **{"Content-Type": "application/x-tar"})
    async with client.system.backup() as download:
        assert [chunk async for chunk in download] == [b"tar"]
    assert (download.filename, download.size) == ("backup.tar", 3)


async def test_active_states_fall_back_to_check(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """A device refusing checkactive is read with check, for good, inverted."""
    routes, client = fake
    asked: list[str] = []

    async def no_checkactive(request: web.Request) -> web.StreamResponse:
        asked.extend(request.query)
        if "checkactive" in request.query:
            return web.Response(status=404)
        return web.Response(text="input1=1\r\ninput2=0\r\n")

    routes["/io/input.cgi"] = no_checkactive
    client.io.inverted_ports["/io/input.cgi"] = frozenset({2})
    assert await client.io.input_states([1, 2]) == {1: True, 2: True}
    assert await client.io.input_states([1, 2]) == {1: True, 2: True}
    assert asked == ["checkactive", "check", "check"]
    assert client.io.report["active_state_query"] == {"/io/input.cgi": "check"}
    # A device that answered checkactive once is never asked with check.
    routes["/io/output.cgi"] = reply("output1=active\r\n")
    assert await client.io.output_states([1]) == {1: True}
    routes["/io/output.cgi"] = reply("", 404)
    with pytest.raises(CameraNotFoundError):
        await client.io.output_states([1])


async def test_odd_answers_to_cheap_requests(
    fake: tuple[dict[str, Handler], CameraClient],
) -> None:
    """Hints from a device that lists nothing; a ping answered 404; audio ends."""
    routes, client = fake
    routes["/param.cgi"] = reply("")
    assert await client.params.hints() == {}
    routes["/date.cgi"] = reply("", 404)
    await client.system.ping()
    routes["/audio/receive.cgi"] = reply(
        b"--a\r\n\r\n" + b"s" * 300 + b"\r\n--a--\r\n",
        **{"Content-Type": "multipart/mixed; boundary=a"},
    )
    blocks = [block async for block in client.audio.receive(multipart=True)]
    assert [len(block) for block in blocks] == [240, 60]


def test_translate_error() -> None:
    """Every transport exception maps to the hierarchy."""
    error = CameraResponseError("x")
    assert translate_error(error, "w") is error
    assert isinstance(
        translate_error(aiohttp.ServerDisconnectedError(), "w"), CameraConnectionError
    )
    assert isinstance(translate_error(ValueError("bad"), "w"), CameraResponseError)
    response_error = aiohttp.ClientResponseError(None, (), status=400)  # type: ignore[arg-type]
    assert isinstance(translate_error(response_error, "w"), CameraResponseError)
    other = translate_error(RuntimeError("odd"), "w")
    assert type(other) is CameraError
    assert str(other) == "w: RuntimeError"
