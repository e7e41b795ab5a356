"""The spec-literal wire, byte by byte over real loopback sockets."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
from pathlib import Path
import ssl
from typing import Any

import aiohttp
import pytest

from simulator import PROFILES, Simulator
from simulator.faults import GARBAGE
from simulator.handlers.audio import BLOCK, TONE
from simulator.wire import MAX_REQUEST_HEAD, SpecLiteralProtocol, SpecLiteralTransport
from tests.reliability.test_security import _self_signed

from .helpers import (
    ROOT,
    Factory,
    basic_auth,
    digest_challenge,
    digest_header,
    read_until,
)

NETWORK_IP = "/param.cgi?action=list&group=Network.IPAddress"
TEXT_ANSWER = (
    b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\nNetwork.IPAddress=192.168.0.90\n"
)


@pytest.fixture
async def sim(simulator_factory: Factory) -> Simulator:
    """A spec-literal device (the ``spec-literal`` profile)."""
    return await simulator_factory(**PROFILES["spec-literal"], fps=50.0)


def _request(
    path: str,
    auth: dict[str, str] | None = ROOT,
    extra: str = "",
    method: str = "GET",
    body: bytes = b"",
) -> bytes:
    headers = "".join(f"{k}: {v}\r\n" for k, v in (auth or {}).items())
    length = f"Content-Length: {len(body)}\r\n" if body else ""
    return (
        f"{method} {path} HTTP/1.1\r\nHost: camera\r\n{headers}{length}{extra}\r\n"
    ).encode() + body


async def exchange(sim: Simulator, path: str, **kwargs: Any) -> bytes:
    """Send one request on a fresh connection; everything until the close."""
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    try:
        writer.write(_request(path, **kwargs))
        return await reader.read()  # returns only at EOF: the device closed
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


@contextlib.asynccontextmanager
async def raw_stream(
    sim: Simulator, path: str
) -> AsyncIterator[tuple[asyncio.StreamReader, bytes]]:
    """Open a streaming request; yield the reader and the answer's head."""
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    try:
        writer.write(_request(path))
        head = await reader.readuntil(b"\n\n")
        yield reader, head
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def read_to(reader: asyncio.StreamReader, marker: bytes) -> bytes:
    return await reader.readuntil(marker)


# --- status line, bare-LF headers, no Content-Length, close --------------------
async def test_text_answer_is_byte_exact_and_closes(sim: Simulator) -> None:
    """HTTP/1.0 status line, bare-LF header lines, no length, then EOF."""
    assert await exchange(sim, NETWORK_IP) == TEXT_ANSWER


async def test_keep_alive_request_still_closes(sim: Simulator) -> None:
    """A client asking for keep-alive still gets one answer and a close."""
    answer = await exchange(sim, NETWORK_IP, extra="Connection: keep-alive\r\n")
    assert answer == TEXT_ANSWER


async def test_second_request_on_the_connection_is_not_answered(
    sim: Simulator,
) -> None:
    """Pipelined requests: the device answers the first and closes."""
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    writer.write(_request(NETWORK_IP) + _request(NETWORK_IP))
    assert await reader.read() == TEXT_ANSWER
    writer.close()
    assert sim.counters.requests["/param.cgi"] == 1


async def test_status_codes_survive(sim: Simulator) -> None:
    """401 (with its challenges), 403, 404, 400 and 204 keep their status."""
    answer = await exchange(sim, NETWORK_IP, auth=None)
    head, _, body = answer.partition(b"\n\n")
    lines = head.split(b"\n")
    assert lines[0] == b"HTTP/1.0 401 Unauthorized\r"
    assert lines[1] == b"Content-Type: text/plain"
    assert [line.split(b" ")[1] for line in lines[2:]] == [b"Digest", b"Basic"]
    assert all(line.startswith(b"WWW-Authenticate: ") for line in lines[2:])
    assert body == b"401 Unauthorized\r\n"
    sim.add_user("viewer", "v1")
    assert await exchange(sim, "/restart.cgi", auth=basic_auth("viewer", "v1")) == (
        b"HTTP/1.0 403 Forbidden\r\nContent-Type: text/plain\n\n403 Forbidden\r\n"
    )
    assert await exchange(sim, "/nothing.cgi") == (
        b"HTTP/1.0 404 Not Found\r\n"
        b"Content-Type: text/plain; charset=utf-8\n\n404: Not Found"
    )
    assert await exchange(sim, "/imagesize.cgi") == (
        b"HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\n\n"
        b"400 Bad Request: camera is required\r\n"
    )
    assert await exchange(sim, "/com/ptz.cgi?move=up") == (
        b"HTTP/1.0 204 No Content\r\n\n"
    )


async def test_post_with_a_body(sim: Simulator) -> None:
    """A url-encoded POST is read by its Content-Length."""
    answer = await exchange(
        sim,
        "/param.cgi",
        method="POST",
        body=b"action=list&group=Network.IPAddress",
        extra="Content-Type: application/x-www-form-urlencoded\r\n",
    )
    assert answer == TEXT_ANSWER


async def test_single_jpeg_keeps_its_content_length(sim: Simulator) -> None:
    """Spec 5.2.4.3 shows Content-Length on a single JPEG."""
    answer = await exchange(sim, "/jpg/image.jpg")
    head, _, body = answer.partition(b"\n\n")
    assert head == (
        b"HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\n"
        + f"Content-Length: {len(body)}".encode()
    )
    assert body.startswith(b"\xff\xd8")
    assert body.endswith(b"\xff\xd9")


# --- streams ------------------------------------------------------------------
async def test_mjpeg_parts_have_no_content_length(sim: Simulator) -> None:
    """boundary=--myboundary, parts delimited by --myboundary lines, no length."""
    async with raw_stream(sim, "/mjpg/video.mjpg") as (reader, head):
        assert head == (
            b"HTTP/1.0 200 OK\r\n"
            b"Content-Type: multipart/x-mixed-replace; boundary=--myboundary\n"
            b"Cache-Control: no-cache\n"
            b"Pragma: no-cache\n"
            b"\n"
        )
        assert await reader.readexactly(14) == b"--myboundary\r\n"
        for _ in range(3):
            part = await read_to(reader, b"\r\n--myboundary\r\n")
            part_head, _, jpeg = part.partition(b"\r\n\r\n")
            assert part_head == b"Content-Type: image/jpeg"
            jpeg = jpeg.removesuffix(b"\r\n--myboundary\r\n")
            assert jpeg.startswith(b"\xff\xd8")
            assert jpeg.endswith(b"\xff\xd9")
        await sim.counters.wait_for_connections("video", 1)
    # The client hung up: the device's stream ends too.
    await sim.counters.wait_for_connections("video", 0)


async def test_monitor_stream_is_raw(sim: Simulator) -> None:
    """No chunk sizes: the monitor body is the spec's bytes as they are."""
    sim.set_input(2, True)
    async with raw_stream(sim, "/io/input.cgi?monitor=1,2") as (reader, head):
        assert head == (
            b"HTTP/1.0 200 OK\r\n"
            b"Content-Type: multipart/x-mixed-replace; boundary=ioboundary\n"
            b"Cache-Control: no-cache\n\n"
        )
        initial = await read_to(reader, b"IO2:H\n\r\n\r\n--ioboundary\r\n")
        assert initial == (
            b"\r\n\r\n\r\n--ioboundary\r\n"
            b"Content-Type: text/plain\r\n\r\nIO1:L\n\r\n\r\n--ioboundary\r\n"
            b"Content-Type: text/plain\r\n\r\nIO2:H\n\r\n\r\n--ioboundary\r\n"
        )
        sim.set_input(1, True)
        assert await read_to(reader, b"--ioboundary\r\n") == (
            b"Content-Type: text/plain\r\n\r\nIO1:/\n\r\n--ioboundary\r\n"
        )


async def test_audio_streams_are_raw(sim: Simulator) -> None:
    """Single-part: bare 240-byte blocks; multipart: the spec's 5.8.4 form."""
    async with raw_stream(sim, "/audio/receive.cgi") as (reader, head):
        assert head == b"HTTP/1.0 200 OK\r\nContent-Type: audio/basic\n\n"
        assert await reader.readexactly(2 * BLOCK) == TONE * 2
    async with raw_stream(sim, "/audio/receive.cgi?httptype=multipart") as (
        reader,
        head,
    ):
        assert head == (
            b"HTTP/1.0 200 OK\r\n"
            b"Content-Type: multipart/x-mixed-replace; boundary=--myboundary\n\n"
        )
        assert await reader.readexactly(14) == b"--myboundary\r\n"
        part = await read_to(reader, b"--myboundary\r\n")
        assert part == b"Content-Type: audio/basic\r\n\r\n" + TONE + (
            b"\r\n--myboundary\r\n"
        )


async def test_cut_stream_closes_the_connection(sim: Simulator) -> None:
    async with raw_stream(sim, "/mjpg/video.mjpg") as (reader, _):
        await reader.readexactly(14)
        assert sim.faults.cut_streams("video") == 1
        await reader.read()  # returns: the device closed the connection
        assert reader.at_eof()


# --- faults -------------------------------------------------------------------
async def test_status_and_garbage_faults(sim: Simulator) -> None:
    sim.faults.status_next(503, 1)
    assert await exchange(sim, NETWORK_IP) == (
        b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain\n\n"
        b"503 Simulated error\r\n"
    )
    sim.faults.garbage_next(1)
    assert await exchange(sim, NETWORK_IP) == (
        b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\n\n" + GARBAGE
    )


@pytest.mark.parametrize("fault", ["reset", "refuse"])
async def test_reset_and_refuse_reach_the_client(sim: Simulator, fault: str) -> None:
    """The client's connection is reset (or closed): no answer at all."""
    if fault == "reset":
        sim.faults.reset_next(1)
    else:
        sim.faults.refuse_next(1)
    try:
        answer = await exchange(sim, NETWORK_IP)
    except ConnectionResetError:
        answer = b""
    assert answer == b""
    assert await exchange(sim, NETWORK_IP) == TEXT_ANSWER


async def test_hang_then_reboot_closes(sim: Simulator) -> None:
    sim.faults.hang_next(1)
    reader, writer = await asyncio.open_connection(sim.host, sim.port)
    writer.write(_request(NETWORK_IP))
    await sim.counters.wait_for_requests("/param.cgi", 1)
    await sim.reboot(0)
    assert await reader.read() == b""
    writer.close()
    await sim.wait_until_up()
    assert await exchange(sim, NETWORK_IP) == TEXT_ANSWER


async def test_stop_leaves_nothing_behind(simulator_factory: Factory) -> None:
    """Streams, hung requests and the listener go; no task is left."""
    sim = await simulator_factory(wire="spec-literal")
    sim.faults.hang_next(1)
    hung_reader, hung_writer = await asyncio.open_connection(sim.host, sim.port)
    hung_writer.write(_request(NETWORK_IP))
    await sim.counters.wait_for_requests("/param.cgi", 1)
    async with (
        raw_stream(sim, "/mjpg/video.mjpg") as (video, _),
        raw_stream(sim, "/io/input.cgi?monitor=1") as (monitor, _),
    ):
        await sim.counters.wait_for(
            lambda: (
                sim.counters.open_connections["video"] == 1
                and sim.counters.open_connections["io"] == 1
            )
        )
        await sim.stop()
        for reader in (hung_reader, video, monitor):
            with contextlib.suppress(ConnectionResetError):
                await reader.read()
            assert reader.at_eof()
    hung_writer.close()
    assert sim.counters.open_connections == {"video": 0, "io": 0, "audio": 0}
    assert asyncio.all_tasks() == {asyncio.current_task()}
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection(sim.host, sim.port)


# --- an HTTP client still works ---------------------------------------------------
async def test_aiohttp_client_works(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """Basic and Digest, text, JSON control API, streams and a chunked upload."""
    async with http.get(sim.url + NETWORK_IP, headers=ROOT) as response:
        assert response.status == 200
        assert response.version == aiohttp.HttpVersion10
        assert "Content-Length" not in response.headers
        assert await response.text() == "Network.IPAddress=192.168.0.90\n"
    async with http.get(sim.url + NETWORK_IP) as response:
        assert response.status == 401
        challenge = digest_challenge(response)
    digest = digest_header(challenge, "GET", NETWORK_IP)
    async with http.get(
        sim.url + NETWORK_IP, headers={"Authorization": digest}
    ) as response:
        assert await response.text() == "Network.IPAddress=192.168.0.90\n"
    async with http.post(sim.url + "/_sim/input/1?state=1") as response:
        assert (await response.json())["active"] is True
    async with http.get(sim.url + "/_sim/counters") as response:
        assert (await response.json())["requests"]["/param.cgi"] == 3

    async def upload() -> AsyncIterator[bytes]:
        for _ in range(4):
            yield TONE

    async with http.post(
        sim.url + "/audio/transmit.cgi",
        data=upload(),
        headers={**ROOT, "Content-Type": "audio/basic"},
    ) as response:
        assert response.status == 204
    assert sim.counters.audio_bytes_received == 4 * BLOCK
    async with http.get(sim.url + "/mjpg/video.mjpg", headers=ROOT) as response:
        assert response.headers["Content-Type"] == (
            "multipart/x-mixed-replace; boundary=--myboundary"
        )
        buffer = bytearray()
        await read_until(response, b"\r\n--myboundary\r\n", buffer)
        frame = await read_until(response, b"\r\n--myboundary\r\n", buffer)
        assert frame.startswith(b"Content-Type: image/jpeg\r\n\r\n\xff\xd8")


async def test_https_spec_literal(simulator_factory: Factory, tmp_path: Path) -> None:
    """The wire works under TLS too."""
    sim = await simulator_factory(wire="spec-literal", ssl=_self_signed(tmp_path))
    client = ssl.create_default_context(cafile=tmp_path / "cert.pem")
    reader, writer = await asyncio.open_connection(sim.host, sim.port, ssl=client)
    writer.write(_request(NETWORK_IP))
    assert await reader.read() == TEXT_ANSWER
    writer.close()


# --- the wrapper's own edges --------------------------------------------------
class _Real(asyncio.Transport):
    """Records what the wrapper forwards."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        self.data = bytearray()

    def _call(self, name: str) -> Any:
        self.calls.append(name)
        return name

    def write(self, data: Any) -> None:
        self.data += data

    def close(self) -> None:
        self._call("close")

    def abort(self) -> None:
        self._call("abort")

    def is_closing(self) -> Any:
        return self._call("is_closing")

    def pause_reading(self) -> None:
        self._call("pause_reading")

    def resume_reading(self) -> None:
        self._call("resume_reading")

    def is_reading(self) -> Any:
        return self._call("is_reading")

    def set_write_buffer_limits(self, high: Any = None, low: Any = None) -> None:
        self._call(f"set_write_buffer_limits {high} {low}")

    def get_write_buffer_size(self) -> Any:
        return self._call("get_write_buffer_size")

    def get_write_buffer_limits(self) -> Any:
        return self._call("get_write_buffer_limits")

    def can_write_eof(self) -> Any:
        return self._call("can_write_eof")

    def write_eof(self) -> None:
        self._call("write_eof")

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return (name, default)


def test_transport_forwards_and_flushes_an_unfinished_head() -> None:
    real = _Real()
    transport = SpecLiteralTransport(real)
    transport.writelines([b"HTTP/1.1 200 OK\r\n", b"Content-Type: x"])
    assert real.data == b""
    transport.write_eof()
    assert real.data == b"HTTP/1.1 200 OK\r\nContent-Type: x"
    transport.write(b"more")
    assert real.data.endswith(b"more")
    transport.close()
    transport.abort()
    assert transport.is_closing() == "is_closing"
    transport.pause_reading()
    transport.resume_reading()
    assert transport.is_reading() == "is_reading"
    transport.set_write_buffer_limits(10, 5)
    assert transport.get_write_buffer_size() == "get_write_buffer_size"
    assert transport.get_write_buffer_limits() == "get_write_buffer_limits"
    assert transport.can_write_eof() == "can_write_eof"
    assert transport.get_extra_info("peername", 1) == ("peername", 1)
    assert real.calls == [
        "write_eof",
        "close",
        "abort",
        "is_closing",
        "pause_reading",
        "resume_reading",
        "is_reading",
        "set_write_buffer_limits 10 5",
        "get_write_buffer_size",
        "get_write_buffer_limits",
        "can_write_eof",
    ]


class _Inner(asyncio.Protocol):
    def __init__(self) -> None:
        self.data = bytearray()
        self.events: list[str] = []

    def data_received(self, data: bytes) -> None:
        self.data += data

    def eof_received(self) -> bool | None:
        self.events.append("eof")
        return None

    def pause_writing(self) -> None:
        self.events.append("pause")

    def resume_writing(self) -> None:
        self.events.append("resume")


def test_protocol_passes_one_request_and_drops_the_rest() -> None:
    inner = _Inner()
    protocol = SpecLiteralProtocol(inner)
    protocol.data_received(b"POST /x HTTP/1.")
    protocol.data_received(b"1\r\nHost: a HTTP/1.1\r\nContent-Length: 4\r\n")
    assert inner.data == b""
    protocol.data_received(b"\r\nab")
    assert inner.data == (
        b"POST /x HTTP/1.0\r\nHost: a HTTP/1.1\r\nContent-Length: 4\r\n\r\nab"
    )
    protocol.data_received(b"cdGET /y HTTP/1.1\r\n\r\n")
    assert inner.data.endswith(b"\r\n\r\nabcd")
    protocol.pause_writing()
    protocol.resume_writing()
    assert protocol.eof_received() is None
    assert inner.events == ["pause", "resume", "eof"]


@pytest.mark.parametrize(
    "fields", [b"Transfer-Encoding: chunked\n", b"Content-Length: x\n"]
)
def test_protocol_passes_an_unknown_length_body_whole(fields: bytes) -> None:
    inner = _Inner()
    protocol = SpecLiteralProtocol(inner)
    protocol.data_received(b"POST /x HTTP/1.1\n" + fields + b"\n")
    protocol.data_received(b"4\r\nabcd\r\n0\r\n\r\n")
    assert inner.data == b"POST /x HTTP/1.0\n" + fields + b"\n4\r\nabcd\r\n0\r\n\r\n"


def test_protocol_passes_an_endless_head_on() -> None:
    inner = _Inner()
    protocol = SpecLiteralProtocol(inner)
    protocol.data_received(b"G" * (MAX_REQUEST_HEAD - 1))
    assert inner.data == b""
    protocol.data_received(b"ET")
    assert inner.data == b"G" * (MAX_REQUEST_HEAD - 1) + b"ET"
    protocol.data_received(b" more")
    assert inner.data.endswith(b"ET more")
